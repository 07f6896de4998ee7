import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deriveSeed, MAX_SEED, Rng } from '../../core/rng.js';

describe('Rng', () => {
  it('same seed gives the same stream; state round-trips', () => {
    const a = Rng.fromSeed(42);
    const b = Rng.fromSeed(42);
    expect([a.float(), a.int(0, 9), a.seed()]).toEqual([b.float(), b.int(0, 9), b.seed()]);
    const c = Rng.fromState(a.getState());
    expect(c.int(0, 1e6)).toBe(a.int(0, 1e6));
  });

  it('different seeds give different streams', () => {
    expect(Rng.fromSeed(1).seed()).not.toBe(Rng.fromSeed(2).seed());
  });

  it('int stays in range and shuffle is a permutation', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: -50, max: 50 }), fc.integer({ min: 0, max: 50 }), (seed, lo, span) => {
        const r = Rng.fromSeed(seed);
        const v = r.int(lo, lo + span);
        expect(v).toBeGreaterThanOrEqual(lo);
        expect(v).toBeLessThanOrEqual(lo + span);
        const items = Array.from({ length: span }, (_, i) => i);
        expect(r.shuffle(items).sort((x, y) => x - y)).toEqual(items);
      }),
    );
  });

  it('derived seeds are stable, in range and independent per label', () => {
    expect(deriveSeed(7, 'simulator')).toBe(deriveSeed(7, 'simulator'));
    expect(deriveSeed(7, 'simulator')).not.toBe(deriveSeed(7, 'scenario'));
    expect(deriveSeed(7, 'env')).not.toBe(deriveSeed(8, 'env'));
    fc.assert(
      fc.property(fc.integer(), fc.string(), (s, l) => {
        const d = deriveSeed(s, l);
        expect(Number.isInteger(d) && d >= 0 && d <= MAX_SEED).toBe(true);
      }),
    );
    // Pinned values: records depend on this function never changing.
    expect([deriveSeed(0, 'scenario'), deriveSeed(123, 'agent')]).toEqual([1486744160, 768556384]);
  });

  it('weightedIndex follows the weights', () => {
    const r = Rng.fromSeed(3);
    const counts = [0, 0, 0];
    for (let i = 0; i < 4000; i++) {
      const k = r.weightedIndex([1, 0, 3]);
      counts[k] = (counts[k] ?? 0) + 1;
    }
    expect(counts[1]).toBe(0);
    expect((counts[2] ?? 0) / 4000).toBeGreaterThan(0.7);
    expect((counts[2] ?? 0) / 4000).toBeLessThan(0.8);
  });
});
