/**
 * Embodied-v1 as an env: naming by id, rewards that rank followers by path length (TEACh's PLW), the
 * goal-condition reward deferred to the end, the oracle on the reference path, the expert on both
 * phrasing splits, and the held-out phrasing split itself.
 */
import { describe, expect, it } from 'vitest';
import '../../agents/index.js';
import { createAgent } from '../../agents/registry.js';
import { ConfigError } from '../../core/errors.js';
import type { EpisodeRecord } from '../../core/record.js';
import { make } from '../../core/registry.js';
import { runEpisode } from '../../core/rollout.js';
import { splitSeeds } from '../../eval/splits.js';
import { rootOf } from '../../envs/embodied/world.js';
import { allTemplates, type PhrasingSplit } from '../../simulators/embodied/phrasing.js';
import { commanderTurn, scenarioV1, startV1 } from './helpers.js';

async function episodes(agent: string, seeds: number[], kwargs: Record<string, unknown> = {}): Promise<EpisodeRecord[]> {
  const out: EpisodeRecord[] = [];
  for (const seed of seeds) {
    const env = make('Embodied-v1', { kwargs });
    out.push(await runEpisode({ env, agent: createAgent(agent, { envId: 'Embodied-v1' }), seed, key: `${agent}/${seed}` }));
    await env.close();
  }
  return out;
}

const lastInfo = (r: EpisodeRecord) => r.turns[r.turns.length - 1]!.info;

describe('Embodied-v1 steps', () => {
  it('names objects by id: a bare type is a failed step that says how to name things', async () => {
    const s = scenarioV1('coffee', 31);
    const here = s.world.objects.find((o) => rootOf(s.world, o) === s.world.robot.at && o.type !== 'houseplant');
    const { env } = await startV1(s);
    const junk = await env.step('fly to the moon');
    expect(junk.info.invalidAction).toBeDefined();
    const bare = await env.step(`pick up ${here?.type ?? 'mug'}`);
    expect(bare.info.invalidAction).toBeUndefined();
    expect(bare.observation.newText).toMatch(/Say which one: name objects as you see them listed/);
    expect(bare.info.steps).toBe(1);
    const cabinet = await env.step('go to cabinet');
    expect(cabinet.observation.newText).toMatch(/Which cabinet\? There are cabinet 1, cabinet 2/);
    if (here) {
      const ok = await env.step(`pick up ${here.id}`);
      expect(ok.observation.newText).toContain(`You pick up the ${here.id}.`);
    }
  });

  it('pays success weighted by path length and the goal-condition share at the end', async () => {
    const s = scenarioV1('coffee', 32);
    const mug = s.world.objects.find((o) => o.type === 'mug')!;
    const place = rootOf(s.world, mug);
    const opened = s.world.receptacles.find((r) => r.id === place)?.open === false ? [`open ${place}`] : [];
    const plan = [`go to ${place}`, ...opened, `pick up ${mug.id}`, 'go to sink', `clean ${mug.id}`, 'go to coffee machine', `put ${mug.id} in coffee machine`, 'toggle on coffee machine'];
    // The straight path, and the same with three wasted steps first.
    for (const waste of [0, 3]) {
      const { env, reset } = await startV1(s);
      expect(reset.info.oraclePathLength).toBe(plan.length);
      let total = 0;
      const deferred: number[] = [];
      let last = null;
      for (const a of [...Array(waste).fill('look'), ...plan]) {
        last = await env.step(a);
        total += last.reward;
        deferred.push(last.info.deferredRewardComponents?.goalConditions ?? 0);
        if (!last.terminated) expect(last.info.rewardComponents.goalConditions).toBeUndefined();
      }
      expect(last!.terminated).toBe(true);
      const plw = plan.length / (plan.length + waste);
      expect(last!.info.plw).toBeCloseTo(plw);
      expect(last!.info.rewardComponents.success).toBeCloseTo(plw);
      // Paid on the last step only: the per-step values accrued in the info.
      expect(last!.info.rewardComponents.goalConditions).toBeCloseTo(0.5);
      expect(deferred.filter((d) => d > 0).length).toBe(2);
      expect(total).toBeCloseTo(0.5 + plw);
    }
  });

  it('ends with agent_done and pays the goal-condition share reached so far', async () => {
    const s = scenarioV1('coffee', 33);
    const mug = s.world.objects.find((o) => o.type === 'mug')!;
    mug.loc = 'robot';
    s.world.robot.holding = mug.id;
    const { env } = await startV1(s);
    await env.step('go to sink');
    await env.step(`clean ${mug.id}`);
    const r = await env.step('done');
    expect(r.terminated).toBe(true);
    expect(r.info).toMatchObject({ success: false, terminationReason: 'agent_done', plw: 0 });
    expect(r.info.rewardComponents.goalConditions).toBeCloseTo(0.25);
  });

  it('refuses bad kwargs and a layout that does not fit the house', async () => {
    await expect(make('Embodied-v1', { kwargs: { phrasing: 'poetry' } }).reset({ seed: 1 })).rejects.toThrow(ConfigError);
    await expect(make('Embodied-v1', { kwargs: { knowsUpFront: 2 } }).reset({ seed: 1 })).rejects.toThrow(ConfigError);
    const s = scenarioV1('coffee', 34);
    s.layout.wall = s.layout.wall.slice(1);
    await expect(make('Embodied-v1').reset({ seed: 1, options: { scenario: s } })).rejects.toThrow(/layout\/wall/);
  });
});

describe('Embodied-v1 reference agents', () => {
  it('the oracle walks the reference path (PLW 1); the expert succeeds with a lower PLW; random gets nothing', { timeout: 120_000 }, async () => {
    const seeds = splitSeeds('Embodied-v1', 'dev', 24);
    const oracle = await episodes('oracle', seeds);
    for (const r of oracle) {
      expect(lastInfo(r).success, `seed ${r.seed}`).toBe(true);
      expect(r.totals.steps).toBe(lastInfo(r).oraclePathLength);
      expect(lastInfo(r).plw).toBe(1);
      expect(r.totals.return).toBeCloseTo(1.5);
      expect(r.agent.privileged).toBe(true);
    }
    const expert = await episodes('expert', seeds);
    const success = expert.filter((r) => lastInfo(r).success).length / expert.length;
    const plw = expert.reduce((s, r) => s + lastInfo(r).plw, 0) / expert.length;
    expect(success).toBeGreaterThanOrEqual(0.9);
    expect(plw).toBeLessThan(0.95);
    expect(plw).toBeGreaterThan(0.6);
    const random = await episodes('random', seeds.slice(0, 6));
    expect(random.every((r) => !lastInfo(r).success)).toBe(true);
  });
});

describe('held-out phrasing', () => {
  /** Literal stretches of a template (between placeholders) long enough to identify it. */
  function fingerprints(split: PhrasingSplit): string[] {
    const other = allTemplates(split === 'train' ? 'test' : 'train').join('\n').toLowerCase();
    const out = new Set<string>();
    for (const t of allTemplates(split)) {
      for (const piece of t.toLowerCase().split(/\{\w+\}/)) {
        const p = piece.trim();
        // Four words at least: shorter pieces ("in the toaster.") are also how places are said.
        if (p.split(/\s+/).length >= 4 && !other.includes(p)) out.add(p);
      }
    }
    return [...out];
  }

  function commanderText(records: EpisodeRecord[]): string {
    return records
      .flatMap((r) => [r.initialObservation.text, ...r.turns.flatMap((t) => t.simulatorTurns.map((s) => (s as { utterance?: string }).utterance ?? ''))])
      .join('\n')
      .toLowerCase();
  }

  it('draws the split from the seed: data from dev seeds holds no test phrasing, test seeds no train phrasing', { timeout: 120_000 }, async () => {
    const testOnly = fingerprints('test');
    const trainOnly = fingerprints('train');
    expect(testOnly.length).toBeGreaterThan(30);
    const dev = [...(await episodes('expert', splitSeeds('Embodied-v1', 'dev', 30))), ...(await episodes('adv:ask-every-turn', splitSeeds('Embodied-v1', 'dev', 6)))];
    const test = [...(await episodes('expert', splitSeeds('Embodied-v1', 'test', 30))), ...(await episodes('adv:ask-every-turn', splitSeeds('Embodied-v1', 'test', 6)))];
    expect(dev.every((r) => lastInfo(r).phrasing === 'train')).toBe(true);
    expect(test.every((r) => lastInfo(r).phrasing === 'test')).toBe(true);
    const devText = commanderText(dev);
    const testText = commanderText(test);
    expect(testOnly.filter((f) => devText.includes(f))).toEqual([]);
    expect(trainOnly.filter((f) => testText.includes(f))).toEqual([]);
    // And both splits are really used.
    expect(trainOnly.filter((f) => devText.includes(f)).length).toBeGreaterThan(10);
    expect(testOnly.filter((f) => testText.includes(f)).length).toBeGreaterThan(10);
  });

  it('a kwarg forces a split, and the expert understands both', async () => {
    const seeds = splitSeeds('Embodied-v1', 'dev', 12);
    for (const phrasing of ['train', 'test']) {
      const recs = await episodes('expert', seeds, { phrasing });
      expect(recs.every((r) => lastInfo(r).phrasing === phrasing)).toBe(true);
      expect(recs.filter((r) => lastInfo(r).success).length).toBeGreaterThanOrEqual(11);
    }
  });
});

describe('follower acts', () => {
  it('records the TEACh act of what the robot says, and the Commander answers each in kind', async () => {
    const { env } = await startV1(scenarioV1('coffee', 35, {}, { commanderKnows: ['mug'] }));
    const acts: unknown[] = [];
    const answers: string[] = [];
    for (const a of ['say where is the mug?', 'say what should I do next?', 'say is the mug dirty?', 'say ok', 'say hello', 'say banana', 'say am I done?']) {
      const r = await env.step(a);
      acts.push(r.info.followerAct);
      answers.push(commanderTurn(r).act);
    }
    expect(answers[0]).toBe('InformationOnObjectDetails');
    expect(answers[1]).toBe('Instruction');
    expect(['Affirm', 'InformationOnObjectDetails']).toContain(answers[2]);
    expect(['Acknowledge', 'OBSERVE']).toContain(answers[3]);
    expect(answers.slice(4)).toEqual(['Greetings/Salutations', 'MiscOther', 'Deny']);
    expect(acts.slice(-1)).toEqual(['Confirm']);
    expect(acts.slice(0, -1)).toEqual([
      'RequestForObjectLocationAndOtherDetails',
      'RequestForInstruction',
      'Confirm',
      'Acknowledge',
      'Greetings/Salutations',
      'MiscOther',
    ]);
  });
});
