import { describe, expect, it } from 'vitest';
import '../../envs/index.js';
import { createAgent } from '../../agents/registry.js';
import { make } from '../../core/registry.js';
import { runEpisode } from '../../core/rollout.js';
import { validate } from '../../core/schema.js';
import { clariqScenarios, searchScenarioSchema } from '../../envs/clarify-search/index.js';
import { gradeStatement } from '../../envs/clarify-search/grading.js';
import type { SearchScenario } from '../../envs/clarify-common/types.js';

const scenarios = clariqScenarios('all');
const multi = scenarios.filter((s) => s.otherFacets.length >= 2);

/** A topic ClariQ does not have: the scripted user must work from the request and facet text alone. */
const unseen: SearchScenario = {
  topicId: 'X1',
  request: 'Tell me about sourdough bread.',
  clarificationNeed: 3,
  facet: { id: 'XF1', description: 'How do I make a sourdough starter at home?' },
  otherFacets: [
    { id: 'XF2', description: 'Find bakeries that sell sourdough bread in Boston.' },
    { id: 'XF3', description: 'What are the health benefits of sourdough bread?' },
  ],
};

describe('ClarifySearch-v0 grading', () => {
  it('ranks the hidden facet first when the statement is its own description, for every shipped scenario', () => {
    for (const s of scenarios) expect(gradeStatement(s.facet.description, s).correct).toBe(true);
  });

  it('marks a statement wrong when another facet matches it better, or nothing matches', () => {
    const s = multi[0] as SearchScenario;
    const other = s.otherFacets[0] as { description: string };
    const g = gradeStatement(other.description, s);
    expect(g.correct).toBe(false);
    expect(g.rank).toBeGreaterThan(1);
    expect(gradeStatement('zzz qqq', s).correct).toBe(false);
  });

  it('counts a tie against the hidden facet', () => {
    const tie: SearchScenario = { ...unseen, otherFacets: [{ id: 'dup', description: unseen.facet.description }] };
    expect(gradeStatement(unseen.facet.description, tie).correct).toBe(false);
  });

  it('is deterministic and scores every facet of the topic', () => {
    const s = multi[3] as SearchScenario;
    const a = gradeStatement('pictures and history', s);
    expect(gradeStatement('pictures and history', s)).toEqual(a);
    expect(a.scores.map((x) => x.id).sort()).toEqual([s.facet.id, ...s.otherFacets.map((f) => f.id)].sort());
  });
});

describe('ClarifySearch-v0 env', () => {
  it('ships valid scenarios from the ClariQ train and dev topics', () => {
    expect(scenarios.length).toBeGreaterThan(700);
    for (const s of scenarios.slice(0, 50)) expect(validate(searchScenarioSchema, s).ok).toBe(true);
  });

  it('charges the question cost per question and pays 1 for a correct statement', async () => {
    const env = make('ClarifySearch-v0', { kwargs: { questionCost: 0.25 } });
    const s = multi[1] as SearchScenario;
    const r0 = await env.reset({ seed: 1, options: { scenario: s } });
    expect(r0.observation.transcript).toEqual([{ role: 'user', text: s.request }]);
    expect(JSON.stringify(r0.observation)).not.toContain(s.facet.description);
    const a = await env.step('ASK are you looking for a specific web site?');
    expect(a.reward).toBeCloseTo(-0.25);
    expect(a.info.simulatorTurns?.[0].utterance.length).toBeGreaterThan(0);
    const b = await env.step(`ANSWER ${s.facet.description}`);
    expect(b.terminated).toBe(true);
    expect(b.reward).toBe(1);
    expect(b.info.success).toBe(true);
    expect(b.info.terminationReason).toBe('correct');
    await env.close();
  });

  it('rejects malformed actions without changing the state, and enforces the question cap', async () => {
    const env = make('ClarifySearch-v0', { kwargs: { maxQuestions: 1 } });
    await env.reset({ seed: 2, options: { scenario: unseen } });
    for (const bad of ['hello', 'ASK', 'ANSWER   ', `ANSWER ${'x'.repeat(400)}`, `ASK ${'y'.repeat(600)}`]) {
      const r = await env.step(bad);
      expect(r.info.invalidAction).toBeDefined();
      expect(r.terminated).toBe(false);
      expect(r.observation.transcript).toHaveLength(1);
    }
    const asked = await env.step('ASK do you want to bake it yourself?');
    expect(asked.reward).toBeCloseTo(-0.1);
    const capped = await env.step('ASK anything else?');
    expect(capped.info.invalidAction?.reason).toMatch(/question limit/);
    const end = await env.step('ANSWER make a sourdough starter at home');
    expect(end.info.success).toBe(true);
    expect(end.reward).toBe(1);
    expect(asked.reward + capped.reward + end.reward).toBeCloseTo(0.9);
    await env.close();
  });

  it('works for a topic and facet it has never seen, with no crowd answers to ground on', async () => {
    const env = make('ClarifySearch-v0');
    await env.reset({ seed: 3, options: { scenario: unseen } });
    const yes = await env.step('ASK do you want to make a sourdough starter?');
    const turn = yes.info.simulatorTurns?.[0];
    expect(turn.source).toBe('generated');
    expect(turn.polarity).toBe('yes');
    const no = await env.step('ASK are you looking for bakeries in boston?');
    expect(no.info.simulatorTurns?.[0].polarity).toBe('no');
    expect(no.info.simulatorTurns?.[0].utterance).toMatch(/^no\b/);
    expect(no.info.simulatorTurns?.[0].utterance).not.toMatch(/boston|bakeries/);
    await env.close();
  });

  it('expert beats the no-question baseline and random on the same scenarios', async () => {
    const sample = multi.filter((_, i) => i % 12 === 0);
    const mean: Record<string, number> = {};
    for (const name of ['expert', 'no-question', 'random']) {
      const env = make('ClarifySearch-v0');
      const agent = createAgent(name, { envId: 'ClarifySearch-v0' });
      let total = 0;
      for (let i = 0; i < sample.length; i++) {
        const rec = await runEpisode({ env, agent, seed: i, key: `t/${i}`, scenario: sample[i] });
        expect(rec.totals.invalidActions).toBe(0);
        total += rec.totals.return;
      }
      mean[name] = total / sample.length;
      await env.close();
    }
    expect(mean.expert).toBeGreaterThan((mean['no-question'] as number) + 0.2);
    expect(mean.expert).toBeGreaterThan((mean.random as number) + 0.2);
  });

  it('expert asks question-bank questions and never sees the facets', async () => {
    const env = make('ClarifySearch-v0');
    const agent = createAgent('expert', { envId: 'ClarifySearch-v0' });
    const rec = await runEpisode({ env, agent, seed: 5, key: 'e', scenario: multi[7] });
    const asks = rec.turns.filter((t) => t.action.startsWith('ASK '));
    expect(asks.length).toBeGreaterThan(0);
    expect(rec.turns[rec.turns.length - 1]?.action.startsWith('ANSWER ')).toBe(true);
    await env.close();
  });
});
