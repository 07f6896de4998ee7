import { describe, expect, it } from 'vitest';
import '../../envs/index.js';
import '../../agents/index.js';
import type { EpisodeRecord } from '../../core/record.js';
import { runEnvEval } from '../../eval/runner.js';
import { computeEnvMetrics, episodeSuccess } from '../../eval/metrics.js';

async function records(agent: string, episodes: number, trials: number): Promise<EpisodeRecord[]> {
  const run = await runEnvEval({ agent, envId: 'GuessNumber-v0', split: 'dev', episodes, trials, simulator: { kind: 'scripted' } });
  return run.records;
}

function withLastInfo(rec: EpisodeRecord, info: Record<string, unknown>): EpisodeRecord {
  const r = structuredClone(rec);
  const last = r.turns.at(-1);
  if (last) last.info = info;
  return r;
}

describe('episode success', () => {
  it("reads info.success, then info.agentWon, then falls back to the termination", async () => {
    const [rec] = (await records('expert', 1, 1)) as [EpisodeRecord];
    expect(episodeSuccess(rec)).toEqual({ success: true, source: 'info.success' });
    expect(episodeSuccess(withLastInfo(rec, { agentWon: false }))).toEqual({ success: false, source: 'info.agentWon' });
    expect(episodeSuccess(withLastInfo(rec, {}))).toEqual({ success: true, source: 'termination' });
    const lost = withLastInfo(rec, {});
    lost.totals.return = -0.2;
    expect(episodeSuccess(lost).success).toBe(false);
    const cut = withLastInfo(rec, {});
    cut.termination = { terminated: false, truncated: true, reason: 'time_limit' };
    expect(episodeSuccess(cut).success).toBe(false);
  });
});

describe('env metrics', () => {
  it('aggregate per task, count invalid actions per step and tokens over both sides', async () => {
    const recs = await records('random', 6, 2);
    const m = computeEnvMetrics(recs, 'GuessNumber-v0', 'dev');
    expect(m.episodes).toBe(12);
    expect(m.tasks).toBe(6);
    expect(m.trials).toBe(2);
    const steps = recs.reduce((s, r) => s + r.totals.steps, 0);
    expect(m.meanTurns).toBeCloseTo(steps / 12, 5);
    expect(m.meanReturn).toBeCloseTo(recs.reduce((s, r) => s + r.totals.return, 0) / 12, 5);
    expect(m.returnCI.lo).toBeLessThanOrEqual(m.meanReturn);
    expect(m.returnCI.hi).toBeGreaterThanOrEqual(m.meanReturn);
    expect(Object.values(m.terminationReasons).reduce((a, b) => a + b, 0)).toBe(12);

    const tampered = recs.map((r) => structuredClone(r));
    const t0 = tampered[0] as EpisodeRecord;
    t0.totals.invalidActions += 3;
    t0.usage.agent = { promptTokens: 10, completionTokens: 5, calls: 1, cost: 0.25 };
    const m2 = computeEnvMetrics(tampered, 'GuessNumber-v0', 'dev');
    expect(m2.invalidActionRate).toBeCloseTo(3 / steps, 5);
    expect(m2.tokens).toEqual({ prompt: 10, completion: 5, total: 15, calls: 1, cachedCalls: 0 });
    expect(m2.cost).toBe(0.25);
    expect(m.cost).toBeNull();
  });
});
