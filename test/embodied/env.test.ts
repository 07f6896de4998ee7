import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/errors.js';
import { make } from '../../core/registry.js';
import type { EpisodeRecord } from '../../core/record.js';
import { embodiedMetrics, referenceLengths, summarizeEpisode } from '../../envs/embodied/metrics.js';
import { rootOf } from '../../envs/embodied/world.js';
import { scenarioFor, startEnv } from './helpers.js';

describe('Embodied-v0 steps', () => {
  it('flags unparseable text as invalid but charges a step for a failed precondition', async () => {
    const { env } = await startEnv(scenarioFor('coffee', 1));
    const junk = await env.step('fly to the moon');
    expect(junk.info.invalidAction?.reason).toMatch(/not an action/);
    expect(junk.reward).toBe(0);
    const failed = await env.step('pick up unicorn');
    expect(failed.info.invalidAction).toBeUndefined();
    expect(failed.observation.newText).toMatch(/You don't see 'unicorn' here/);
    expect(failed.info.rewardComponents).toEqual({ stepCost: -0.01 });
    expect(failed.info.steps).toBe(1);
  });

  it('pays each newly satisfied goal condition once, then the success bonus, and ends', async () => {
    const scenario = scenarioFor('coffee', 2);
    const mug = scenario.world.objects.find((o) => o.type === 'mug')!;
    const place = rootOf(scenario.world, mug);
    const { env } = await startEnv(scenario);
    const opened = scenario.world.receptacles.find((r) => r.id === place)?.open === false ? [`open ${place}`] : [];
    for (const a of [`go to ${place}`, ...opened, `pick up ${mug.id}`, 'go to sink']) await env.step(a);
    const cleaned = await env.step(`clean ${mug.id}`);
    expect(cleaned.info.rewardComponents).toEqual({ stepCost: -0.01, goalConditions: 1 });
    expect(cleaned.info.goalConditions).toEqual({ satisfied: 1, total: 2 });
    for (const a of ['go to coffee machine', `put ${mug.id} in coffee machine`]) await env.step(a);
    const brewed = await env.step('toggle on coffee machine');
    expect(brewed.info.rewardComponents).toEqual({ stepCost: -0.01, goalConditions: 1, success: 5 });
    expect(brewed.terminated).toBe(true);
    expect(brewed.info).toMatchObject({ success: true, gcSuccess: 1, terminationReason: 'success' });
  });

  it('ends with agent_done when the robot says done early', async () => {
    const { env } = await startEnv(scenarioFor('toast', 3));
    const r = await env.step('done');
    expect(r.terminated).toBe(true);
    expect(r.info).toMatchObject({ success: false, terminationReason: 'agent_done' });
  });

  it('refuses bad kwargs with a ConfigError', async () => {
    const env = make('Embodied-v0', { kwargs: { taskType: 'juggle' } });
    await expect(env.reset({ seed: 1 })).rejects.toThrow(ConfigError);
  });
});

describe('TEACh metrics', () => {
  const rec = (seed: number, steps: number, success: boolean, satisfied: number): EpisodeRecord =>
    ({
      seed,
      totals: { steps, return: 0, invalidActions: 0 },
      initialObservation: { instructions: '', text: '', info: {} },
      turns: [{ info: { success, goalConditions: { satisfied, total: 4 }, oraclePathLength: 10 }, simulatorTurns: [] }],
    }) as unknown as EpisodeRecord;

  it('computes SR, GC and path-length-weighted versions against the reference', () => {
    const expert = [rec(1, 10, true, 4), rec(2, 20, true, 4)].map(summarizeEpisode);
    const ref = referenceLengths(expert);
    const m = embodiedMetrics([rec(1, 40, true, 4), rec(2, 20, false, 2)], ref);
    expect(m.successRate).toBe(0.5);
    expect(m.goalConditionSuccess).toBe(0.75);
    expect(m.plwSuccessRate).toBeCloseTo((10 / 40) / 2);
    expect(m.plwGoalConditionSuccess).toBeCloseTo((1 * 10 / 40 + 0.5 * 1) / 2);
    // Without expert records the oracle length (10) is the reference.
    expect(embodiedMetrics([rec(3, 20, true, 4)]).plwSuccessRate).toBeCloseTo(0.5);
  });
});
