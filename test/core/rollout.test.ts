import { describe, expect, it } from 'vitest';
import '../../index.js';
import { createAgent } from '../../agents/registry.js';
import type { EpisodeRecord } from '../../core/record.js';
import { make } from '../../core/registry.js';
import { replayRecord, runEpisode, withoutTimings } from '../../core/rollout.js';
import { RunSummary, runJobs } from '../../core/runner.js';

describe('runEpisode / replayRecord', () => {
  it('replaying a record reproduces it exactly (apart from timings)', async () => {
    const env = make('GuessNumber-v0');
    for (const seed of [1, 2, 3]) {
      const rec = await runEpisode({ env, agent: createAgent('random', { envId: 'GuessNumber-v0' }), seed, key: `k${seed}` });
      const again = await replayRecord(rec);
      expect(withoutTimings(again)).toEqual(withoutTimings(rec));
    }
  });

  it('a tampered record does not reproduce', async () => {
    const env = make('GuessNumber-v0');
    const rec = await runEpisode({ env, agent: createAgent('expert', { envId: 'GuessNumber-v0' }), seed: 8, key: 'k' });
    const tampered: EpisodeRecord = structuredClone(rec);
    (tampered.scenario as { secret: number }).secret += 1;
    const again = await replayRecord(tampered);
    expect(again.totals.return).not.toBe(rec.totals.return);
  });

  it('records an agent failure as a typed error instead of crashing', async () => {
    const env = make('GuessNumber-v0');
    const rec = await runEpisode({
      env,
      agent: {
        id: 'broken',
        act: () => {
          throw Object.assign(new Error('model fell over'), { type: 'llm_unavailable' });
        },
      },
      seed: 1,
      key: 'b',
    });
    expect(rec.error).toEqual({ type: 'llm_unavailable', message: 'model fell over' });
    expect(rec.termination.reason).toBe('agent_error');
  });

  it('a replay that runs out of actions ends with replay_exhausted', async () => {
    const env = make('GuessNumber-v0');
    const rec = await runEpisode({ env, agent: createAgent('expert', { envId: 'GuessNumber-v0' }), seed: 3, key: 'k' });
    const cut: EpisodeRecord = { ...structuredClone(rec), turns: rec.turns.slice(0, 2) };
    const again = await replayRecord(cut);
    expect(again.error?.type).toBe('replay_exhausted');
    expect(again.turns).toHaveLength(2);
  });
});

describe('runJobs', () => {
  it('delivers records in job order whatever the concurrency, and summarises them', async () => {
    const jobs = Array.from({ length: 20 }, (_, i) => ({ key: `j${i}`, envId: 'GuessNumber-v0', seed: 100 + i, agent: 'random' }));
    const run = async (concurrency: number) => {
      const keys: string[] = [];
      const summary = new RunSummary();
      await runJobs(jobs, { concurrency, onRecord: (r) => {
          keys.push(r.key);
          summary.add(r);
        },
      });
      return { keys, mean: summary.meanReturn, n: summary.episodes };
    };
    const one = await run(1);
    const many = await run(7);
    expect(one.keys).toEqual(jobs.map((j) => j.key));
    expect(many).toEqual(one);
    expect(one.n).toBe(20);
  });

  it('stops scheduling when asked and writes only a contiguous prefix', async () => {
    const jobs = Array.from({ length: 10 }, (_, i) => ({ key: `j${i}`, envId: 'GuessNumber-v0', seed: i, agent: 'random' }));
    const keys: string[] = [];
    const res = await runJobs(jobs, {
      concurrency: 1,
      onRecord: (r) => {
        keys.push(r.key);
      },
      shouldStop: (r) => (r.key === 'j4' ? 'endpoint down' : undefined),
    });
    expect(res.stoppedBecause).toBe('endpoint down');
    expect(keys).toEqual(['j0', 'j1', 'j2', 'j3']);
  });
});
