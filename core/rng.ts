/**
 * Seeded randomness for episodes.
 *
 * Every source of chance in an env, simulator or agent takes an `Rng`; nothing reads `Math.random`,
 * clocks or module-level state. An `Rng` is a mutable stream whose full state is a short array of
 * numbers, so it travels inside snapshots and records.
 *
 * Sub-seeds are derived by hashing (parent seed, label) rather than by drawing from a shared stream,
 * so that the scenario sampler, the simulator and the env each get an independent stream and
 * changing how many numbers one of them draws never shifts the others.
 */
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus, xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import type { JumpableRandomGenerator } from 'pure-rand/types/JumpableRandomGenerator';

export type RngState = number[];

/** Largest seed we hand out: seeds stay exact integers in JSON and in every language reading records. */
export const MAX_SEED = 0x7fffffff;

export class Rng {
  private gen: JumpableRandomGenerator;

  private constructor(gen: JumpableRandomGenerator) {
    this.gen = gen;
  }

  static fromSeed(seed: number): Rng {
    return new Rng(xoroshiro128plus(normalizeSeed(seed)));
  }

  static fromState(state: readonly number[]): Rng {
    return new Rng(xoroshiro128plusFromState(state));
  }

  getState(): RngState {
    return [...this.gen.getState()];
  }

  clone(): Rng {
    return new Rng(this.gen.clone());
  }

  /** Uniform float in [0, 1). */
  float(): number {
    return uniformFloat64(this.gen);
  }

  /** Uniform integer in [lo, hi], both included. */
  int(lo: number, hi: number): number {
    if (hi < lo) throw new RangeError(`Rng.int: empty range [${lo}, ${hi}]`);
    return uniformInt(this.gen, lo, hi);
  }

  /** A fresh seed in [0, MAX_SEED]. */
  seed(): number {
    return this.int(0, MAX_SEED);
  }

  bool(p = 0.5): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('Rng.pick: empty list');
    return items[this.int(0, items.length - 1)] as T;
  }

  /** Index drawn with probability proportional to weights (negative weights count as 0). */
  weightedIndex(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += Math.max(0, w);
    if (!(total > 0)) return this.int(0, weights.length - 1);
    let r = this.float() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= Math.max(0, weights[i] as number);
      if (r < 0) return i;
    }
    return weights.length - 1;
  }

  /** A shuffled copy (Fisher-Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      const tmp = out[i] as T;
      out[i] = out[j] as T;
      out[j] = tmp;
    }
    return out;
  }

  /** Standard normal draw (Box-Muller). */
  normal(mean = 0, sd = 1): number {
    const u = 1 - this.float();
    const v = this.float();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}

function normalizeSeed(seed: number): number {
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
  return Math.trunc(seed) | 0;
}

/**
 * Deterministic sub-seed for `label` under `seed` (FNV-1a over the label, mixed with the seed by a
 * murmur3-style finaliser). Stable across platforms and versions: records depend on it.
 */
export function deriveSeed(seed: number, label: string): number {
  let h = 0x811c9dc5 ^ (normalizeSeed(seed) >>> 0);
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) & MAX_SEED;
}

/** Stable 32-bit hash of a string, for choosing among wordings without consuming a stream. */
export function hashString(text: string): number {
  return deriveSeed(0, text);
}
