/**
 * The short audit of every registered env with an audit profile: no adversary may go over its
 * declared limit (known-open exploits are reported by `dialogym audit`, not failed here, while the
 * env's issue is open). A fixed exploit stays fixed because its adversary stays in the library.
 */
import { describe, expect, it } from 'vitest';
import '../../index.js';
import { getRegistration, listEnvs } from '../../core/registry.js';
import { formatAudit, normalizedCI, runAudit } from '../../eval/audit.js';

const audited = [getRegistration('GuessNumber-v0'), ...listEnvs()].filter((r) => r.audit);

describe('audit (short)', () => {
  for (const reg of audited) {
    it(`${reg.id}: no adversary over its limit`, { timeout: 600_000 }, async () => {
      const report = await runAudit(reg.id, { short: true });
      if (report.failures.length) console.log(formatAudit(report));
      expect(report.failures).toEqual([]);
      for (const v of report.variants) {
        const names = v.rows.map((r) => r.agent);
        expect(names.slice(0, 2)).toEqual(['random', 'expert']);
        if (reg.agents?.oracle) expect(names).toContain('oracle');
      }
    });
  }
});

describe('audit machinery', () => {
  it('catches a trick that beats the expert, and reports saturation', async () => {
    // GuessNumber's oracle guesses the secret at once; audited as an adversary with limit 30 it must fail.
    const reg = getRegistration('GuessNumber-v0');
    const profile = reg.audit;
    if (!profile) throw new Error('GuessNumber-v0 has no audit profile');
    const oracle = reg.agents?.oracle;
    if (!oracle) throw new Error('GuessNumber-v0 has no oracle');
    const cheat = { name: 'peek', description: 'the oracle, disguised as an adversary', create: () => oracle({ envId: reg.id }) };
    const saved = profile.adversaries;
    profile.adversaries = [...(saved ?? []), cheat];
    try {
      const report = await runAudit(reg.id, { seeds: 20, only: ['peek', 'end-at-once'] });
      expect(report.failures.some((f) => f.startsWith('default/peek'))).toBe(true);
      const v = report.variants[0];
      expect(v?.rows.find((r) => r.agent === 'peek')?.status).toBe('over-limit');
      expect(v?.rows.find((r) => r.agent === 'end-at-once')?.status).toBe('ok');
      expect(v?.headroom.saturated).toBe(true);
      expect(v?.headroom.reading).toMatch(/SATURATED: trick 'peek' reaches the oracle/);
      expect(formatAudit(report)).toMatch(/AUDIT FAILED/);
    } finally {
      profile.adversaries = saved;
    }
  });

  it('normalizes on paired seeds with a CI that contains the point estimate', () => {
    const random = [0, 0, 1, 0, 0, 1, 0, 0];
    const expert = [1, 1, 1, 1, 0, 1, 1, 1];
    const a = [0, 1, 1, 0, 0, 1, 1, 0];
    const ci = normalizedCI(a, random, expert, 7);
    const point = (100 * (0.5 - 0.25)) / (0.875 - 0.25);
    expect(ci.lo).toBeLessThanOrEqual(point);
    expect(ci.hi).toBeGreaterThanOrEqual(point);
    expect(normalizedCI(a, random, expert, 7)).toEqual(ci);
  });
});
