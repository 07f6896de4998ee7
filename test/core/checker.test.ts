import { describe, expect, it } from 'vitest';
import { checkEnv } from '../../core/checker.js';
import { defaultStep, TestingEnv } from '../support/testing-env.js';

describe('checkEnv', () => {
  it('passes a well-behaved env', async () => {
    const report = await checkEnv(() => new TestingEnv());
    expect(report.failures).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('catches a non-deterministic env', async () => {
    let calls = 0; // shared across instances: exactly the global state the contract forbids
    const report = await checkEnv(
      () =>
        new TestingEnv({
          step: (s, a) => {
            calls += 1;
            const r = defaultStep(s, a);
            return { ...r, reward: r.reward + (calls % 2) * 0.5, info: { ...r.info, rewardComponents: { inc: r.reward + (calls % 2) * 0.5 } } };
          },
        }),
    );
    expect(report.ok).toBe(false);
    expect(report.failures.join('\n')).toMatch(/determinism/);
  });

  it('catches an env that throws on junk actions', async () => {
    const report = await checkEnv(
      () =>
        new TestingEnv({
          step: (s, a) => {
            if (a.length > 1000) throw new Error('too long');
            return defaultStep(s, a);
          },
        }),
    );
    expect(report.ok).toBe(false);
    expect(report.failures.join('\n')).toMatch(/junk action .*threw/);
  });

  it('catches an invalid action that changes hidden state', async () => {
    const report = await checkEnv(
      () =>
        new TestingEnv({
          step: (s, a) => {
            if (a.trim() !== 'inc') s.count += 100;
            return defaultStep(s, a);
          },
        }),
    );
    expect(report.failures.join('\n')).toMatch(/flagged invalid but state changed/);
  });

  it('catches an env that accepts empty actions', async () => {
    const report = await checkEnv(
      () =>
        new TestingEnv({
          step: (s, a) => defaultStep(s, a === '' ? 'inc' : a),
        }),
    );
    expect(report.failures.join('\n')).toMatch(/not flagged as invalidAction/);
  });
});
