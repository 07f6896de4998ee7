/**
 * Fixed, versioned seed splits.
 *
 * Every env has a public `dev` split and a separate `test` split. The i-th seed of a split is a hash
 * of `${envId}/${split}/${i}` (core `deriveSeed`), folded into a range owned by that split, so the two
 * splits can never share a seed and a split's first N seeds never change when more are asked for.
 * Results store `SPLIT_VERSION`; changing how seeds are derived means bumping it, which marks older
 * results and reference values as incomparable instead of silently mixing them.
 */
import { ConfigError } from './errors.js';
import { deriveSeed } from './rng.js';

export const SPLIT_VERSION = 'splits-v1';
export const SPLITS = ['dev', 'test'] as const;
export type SplitName = (typeof SPLITS)[number];

/** Each split owns half of the seed space [0, 2^31): dev the lower half, test the upper half. */
const HALF = 0x40000000;
const SPLIT_OFFSET: Record<SplitName, number> = { dev: 0, test: HALF };

export function parseSplit(value: string): SplitName {
  if ((SPLITS as readonly string[]).includes(value)) return value as SplitName;
  throw new ConfigError(`unknown split '${value}' (expected one of: ${SPLITS.join(', ')})`);
}

/** The split a seed belongs to (by range). */
export function splitOfSeed(seed: number): SplitName {
  return seed >= HALF ? 'test' : 'dev';
}

/**
 * The first `n` episode seeds of `split` for `envId`. Distinct within the split: a hash collision
 * is resolved by rehashing with a counter suffix, deterministically.
 */
export function splitSeeds(envId: string, split: SplitName, n: number): number[] {
  if (!Number.isInteger(n) || n < 0) throw new ConfigError(`episode count must be a non-negative integer, got ${n}`);
  const out: number[] = [];
  const seen = new Set<number>();
  for (let i = 0; i < n; i++) {
    let attempt = 0;
    let seed: number;
    do {
      const label = attempt === 0 ? `${envId}/${split}/${i}` : `${envId}/${split}/${i}#${attempt}`;
      seed = SPLIT_OFFSET[split] + (deriveSeed(0, label) & (HALF - 1));
      attempt += 1;
    } while (seen.has(seed));
    seen.add(seed);
    out.push(seed);
  }
  return out;
}

/**
 * Seed of trial `t` of a task. Trial 0 is the task seed itself; later trials keep the task's
 * scenario (passed explicitly) but draw fresh simulator and agent randomness, as τ-bench re-runs a task.
 */
export function trialSeed(taskSeed: number, trial: number): number {
  if (trial === 0) return taskSeed;
  return SPLIT_OFFSET[splitOfSeed(taskSeed)] + (deriveSeed(taskSeed, `trial/${trial}`) & (HALF - 1));
}
