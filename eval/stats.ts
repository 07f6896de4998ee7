/**
 * Small, exact statistics for evaluation: means, seeded percentile bootstrap, and τ-bench's pass^k.
 * Everything random takes an `Rng`, so confidence intervals are identical on every machine.
 */
import { Rng } from '../core/rng.js';

export interface Interval {
  lo: number;
  hi: number;
}

export function mean(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Value at quantile q of an ascending array, with linear interpolation between order statistics. */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (pos - lo);
}

export interface BootstrapOptions {
  /** Number of resamples. */
  resamples?: number;
  /** Two-sided confidence level. */
  level?: number;
  seed: number;
}

/**
 * Percentile bootstrap confidence interval of the mean of `xs`. The units resampled are the entries
 * of `xs` (callers pass one value per task, trials already averaged, so that correlated trials of a
 * task are never counted as independent evidence).
 */
export function bootstrapMeanCI(xs: readonly number[], opts: BootstrapOptions): Interval {
  const n = xs.length;
  if (n === 0) return { lo: Number.NaN, hi: Number.NaN };
  if (n === 1) return { lo: xs[0] as number, hi: xs[0] as number };
  const resamples = opts.resamples ?? 2000;
  const level = opts.level ?? 0.95;
  const rng = Rng.fromSeed(opts.seed);
  const means = new Array<number>(resamples);
  for (let b = 0; b < resamples; b++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += xs[rng.int(0, n - 1)] as number;
    means[b] = s / n;
  }
  means.sort((a, b) => a - b);
  const alpha = (1 - level) / 2;
  return { lo: quantileSorted(means, alpha), hi: quantileSorted(means, 1 - alpha) };
}

/**
 * C(c, k) / C(n, k): the probability that k trials drawn without replacement from n trials, c of
 * which succeeded, all succeeded. This is τ-bench's unbiased estimator of pass^k for one task.
 */
export function passHatKTask(n: number, c: number, k: number): number {
  if (k < 1 || k > n) throw new RangeError(`pass^k needs 1 <= k <= n (k=${k}, n=${n})`);
  if (c < 0 || c > n) throw new RangeError(`successes ${c} out of range for n=${n}`);
  let p = 1;
  for (let i = 0; i < k; i++) {
    if (c - i <= 0) return 0;
    p *= (c - i) / (n - i);
  }
  return p;
}

/** pass^k averaged over tasks; each task is [trials, successes]. */
export function passHatK(tasks: ReadonlyArray<{ trials: number; successes: number }>, k: number): number {
  if (tasks.length === 0) return Number.NaN;
  return mean(tasks.map((t) => passHatKTask(t.trials, t.successes, k)));
}

/** Rounds for display and storage so results files do not carry float noise. */
export function round(x: number, digits = 6): number {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
