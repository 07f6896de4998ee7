import { describe, expect, it } from 'vitest';
import { bootstrapMeanCI, mean, passHatK, passHatKTask, quantileSorted } from '../../eval/stats.js';
import { SPLIT_VERSION, splitOfSeed, splitSeeds, trialSeed } from '../../eval/splits.js';
import { Rng } from '../../core/rng.js';

describe('pass^k (τ-bench estimator)', () => {
  it('is C(c,k)/C(n,k) per task', () => {
    // 4 trials, 3 successes: pass^1 = 3/4, pass^2 = C(3,2)/C(4,2) = 3/6, pass^3 = 1/4, pass^4 = 0.
    expect(passHatKTask(4, 3, 1)).toBeCloseTo(0.75, 12);
    expect(passHatKTask(4, 3, 2)).toBeCloseTo(0.5, 12);
    expect(passHatKTask(4, 3, 3)).toBeCloseTo(0.25, 12);
    expect(passHatKTask(4, 3, 4)).toBe(0);
    expect(passHatKTask(5, 5, 5)).toBe(1);
    expect(passHatKTask(5, 0, 1)).toBe(0);
  });

  it('averages over tasks and never increases with k', () => {
    const tasks = [
      { trials: 4, successes: 4 },
      { trials: 4, successes: 2 },
      { trials: 4, successes: 0 },
    ];
    expect(passHatK(tasks, 1)).toBeCloseTo((1 + 0.5 + 0) / 3, 12);
    expect(passHatK(tasks, 2)).toBeCloseTo((1 + 1 / 6 + 0) / 3, 12);
    let prev = 1;
    for (let k = 1; k <= 4; k++) {
      const p = passHatK(tasks, k);
      expect(p).toBeLessThanOrEqual(prev);
      prev = p;
    }
  });

  it('is unbiased: it equals the Monte-Carlo rate of k draws without replacement all succeeding', () => {
    const rng = Rng.fromSeed(7);
    const outcomes = [true, false, true, true, false, true];
    let hits = 0;
    const draws = 20000;
    for (let i = 0; i < draws; i++) if (rng.shuffle(outcomes).slice(0, 3).every(Boolean)) hits += 1;
    expect(hits / draws).toBeCloseTo(passHatKTask(6, 4, 3), 1);
  });

  it('rejects k outside 1..n', () => {
    expect(() => passHatKTask(3, 1, 4)).toThrow(RangeError);
    expect(() => passHatKTask(3, 1, 0)).toThrow(RangeError);
  });
});

describe('bootstrap CI', () => {
  it('is reproducible from its seed and brackets the mean', () => {
    const xs = Array.from({ length: 50 }, (_, i) => (i * 37) % 11);
    const a = bootstrapMeanCI(xs, { seed: 3 });
    const b = bootstrapMeanCI(xs, { seed: 3 });
    const c = bootstrapMeanCI(xs, { seed: 4 });
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a.lo).toBeLessThan(mean(xs));
    expect(a.hi).toBeGreaterThan(mean(xs));
  });

  it('covers the true mean about 95 % of the time', () => {
    const rng = Rng.fromSeed(11);
    let covered = 0;
    const reps = 200;
    for (let r = 0; r < reps; r++) {
      const xs = Array.from({ length: 40 }, () => rng.normal(1, 2));
      const ci = bootstrapMeanCI(xs, { seed: r, resamples: 500 });
      if (ci.lo <= 1 && 1 <= ci.hi) covered += 1;
    }
    expect(covered / reps).toBeGreaterThan(0.88);
    expect(covered / reps).toBeLessThan(0.995);
  });

  it('is a point for constant data and interpolates quantiles', () => {
    expect(bootstrapMeanCI([2, 2, 2], { seed: 1 })).toEqual({ lo: 2, hi: 2 });
    expect(quantileSorted([0, 10], 0.25)).toBe(2.5);
  });
});

describe('seed splits', () => {
  it('dev and test are disjoint ranges, distinct and prefix-stable', () => {
    const dev = splitSeeds('GuessNumber-v0', 'dev', 500);
    const test = splitSeeds('GuessNumber-v0', 'test', 500);
    expect(new Set(dev).size).toBe(500);
    expect(dev.every((s) => splitOfSeed(s) === 'dev')).toBe(true);
    expect(test.every((s) => splitOfSeed(s) === 'test')).toBe(true);
    expect(dev.filter((s) => test.includes(s))).toEqual([]);
    expect(splitSeeds('GuessNumber-v0', 'dev', 20)).toEqual(dev.slice(0, 20));
    expect(splitSeeds('Other-v0', 'dev', 20)).not.toEqual(dev.slice(0, 20));
  });

  it('are pinned for this split version (changing them requires bumping SPLIT_VERSION)', () => {
    expect(SPLIT_VERSION).toBe('splits-v1');
    const seeds = splitSeeds('GuessNumber-v0', 'dev', 3);
    // Recomputed independently of splitSeeds from the documented rule: hash of `${envId}/${split}/${i}`, low 30 bits.
    expect(seeds).toEqual([0, 1, 2].map((i) => derivedLow30(`GuessNumber-v0/dev/${i}`)));
  });

  it('trial seeds stay in the task split and differ per trial', () => {
    const [task] = splitSeeds('GuessNumber-v0', 'test', 1) as [number];
    expect(trialSeed(task, 0)).toBe(task);
    const ts = [1, 2, 3].map((t) => trialSeed(task, t));
    expect(new Set([task, ...ts]).size).toBe(4);
    expect(ts.every((s) => splitOfSeed(s) === 'test')).toBe(true);
  });
});

/** FNV-1a + murmur finaliser as documented in core/rng.ts deriveSeed(0, label), masked to 30 bits. */
function derivedLow30(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) & 0x3fffffff;
}
