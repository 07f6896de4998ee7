import { describe, expect, it } from 'vitest';
import { runCalibrationReport } from '../../cli/commands/calibrate-persuasion.js';
import { auc, averageRanks, logisticRegression, spearman } from '../../simulators/persuasion/calibration.js';

describe('calibration statistics', () => {
  it('computes AUC with ties and Spearman with average ranks', () => {
    expect(auc([1, 2, 3, 4], [false, false, true, true])).toBe(1);
    expect(auc([4, 3, 2, 1], [false, false, true, true])).toBe(0);
    expect(auc([1, 1, 1, 1], [false, true, false, true])).toBe(0.5);
    expect(auc([0.1, 0.4, 0.35, 0.8], [false, false, true, true])).toBe(0.75);
    expect(averageRanks([10, 20, 20, 30])).toEqual([1, 2.5, 2.5, 4]);
    expect(spearman([1, 2, 3, 4], [10, 20, 30, 40])).toBeCloseTo(1, 10);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 10);
  });

  it('fits a logistic regression that recovers the sign and size of a clear effect', () => {
    const X: Float64Array[] = [];
    const y: number[] = [];
    for (let i = 0; i < 400; i++) {
      const x = (i % 20) / 10 - 1;
      X.push(Float64Array.of(x, ((i * 7) % 13) / 13 - 0.5));
      // Deterministic labels with P(y=1) = sigmoid(2x): the first feature matters, the second does not.
      y.push(((i * 37) % 100) / 100 < 1 / (1 + Math.exp(-2 * x)) ? 1 : 0);
    }
    const m = logisticRegression(X, y, 0.01);
    expect(m.weights[0]).toBeGreaterThan(1.4);
    expect(m.weights[0]).toBeLessThan(2.6);
    expect(Math.abs(m.weights[1] as number)).toBeLessThan(0.6);
  });
});

describe('calibrate persuasion', () => {
  it('prints the recogniser, calibration and agent figures', async () => {
    let text = '';
    const report = await runCalibrationReport({ seeds: 1, limit: 6, out: { write: (s: string) => (text += s) } });
    expect(text).toMatch(/held-out macro-F1 0\.\d{3}/);
    expect(text).toMatch(/held-out dialogues .* mean donation real \$\d\.\d{3} vs sim \$\d\.\d{3}/);
    expect(text).toMatch(/AUC\(gave\)/);
    expect(text).toMatch(/replayed human persuaders: \$/);
    expect(text).toMatch(/expert agent: \$/);
    expect(report.heldout.n).toBe(6);
    expect(report.recogniser.macroF1).toBeGreaterThan(0.4);
    for (const r of Object.values(report.returns)) {
      expect(r.mean).toBeGreaterThanOrEqual(0);
      expect(r.mean).toBeLessThanOrEqual(2);
    }
  });
});

describe('calibrate persuasion (v1, scripted)', () => {
  it('replays held-out dialogues through Persuasion-v1 and reports every figure', async () => {
    const { runV1Calibration } = await import('../../cli/commands/calibrate-persuasion.js');
    let out = '';
    const r = await runV1Calibration({ seeds: 1, limit: 12, simulator: { kind: 'scripted' }, out: { write: (s: string) => (out += s) } });
    expect(r.heldout.n).toBe(12);
    for (const k of ['aucFinal', 'aucFirst', 'aucSampled', 'spearmanSampled', 'spearmanExpected', 'simMean', 'expectedMean'] as const) {
      expect(Number.isFinite(r.heldout[k]), k).toBe(true);
    }
    expect(out).toMatch(/AUC\(gave > \$0\): final probability \d\.\d{3} vs after the first message \d\.\d{3}/);
  });
});
