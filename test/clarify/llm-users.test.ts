import { describe, expect, it } from 'vitest';
import '../../envs/index.js';
import { make } from '../../core/registry.js';
import { validate } from '../../core/schema.js';
import type { Json } from '../../core/types.js';
import type { SearchScenario, TaskScenario } from '../../envs/clarify-common/types.js';
import { analyzeQuestion } from '../../envs/clarify-task/index.js';
import { domainIndex } from '../../envs/clarify-task/domains.js';
import { checkSearchReply } from '../../simulators/clarify/llm-users.js';
import { checkTaskReply } from '../../simulators/clarify/task-llm-user.js';
import { initialTaskUserState } from '../../simulators/clarify/task-user.js';
import type { LlmProvider, StructuredRequest, StructuredResponse } from '../../simulators/types.js';

/**
 * A provider that behaves like the LLM layer's contract: it offers scripted candidate replies in
 * order and returns the first that passes the schema and the env's `check` (the repair loop), and
 * records every rejection message.
 */
class FakeProvider implements LlmProvider {
  readonly model = 'fake';
  readonly rejections: string[] = [];
  readonly requests: StructuredRequest[] = [];
  constructor(private readonly candidates: Json[][]) {}
  async complete(req: StructuredRequest): Promise<StructuredResponse> {
    this.requests.push(req);
    const options = this.candidates.shift() ?? [];
    for (const value of options) {
      if (req.schema && !validate(req.schema, value).ok) {
        this.rejections.push('schema');
        continue;
      }
      const problem = req.check?.(value) ?? null;
      if (problem) {
        this.rejections.push(problem);
        continue;
      }
      return { value, text: JSON.stringify(value), usage: { promptTokens: 10, completionTokens: 5, calls: 1, cachedCalls: 0 }, cached: false };
    }
    throw Object.assign(new Error('no acceptable reply after repairs'), { type: 'simulator_failed' });
  }
}

const search: SearchScenario = {
  topicId: 'X2',
  request: 'Tell me about sourdough bread.',
  clarificationNeed: 3,
  facet: { id: 'A', description: 'How do I make a sourdough starter at home?' },
  otherFacets: [{ id: 'B', description: 'Find bakeries that sell sourdough bread in Boston.' }],
};

const task: TaskScenario = {
  domain: 'restaurant_booking',
  persona: 'precise',
  goal: { cuisine: 'italian', day: 'friday', time: '19:30', party_size: 4 },
  stated: ['cuisine'],
};

describe('LLM ClariQ user', () => {
  it('rejects answers that talk about another facet, claim foreign aspects or contradict their polarity', () => {
    expect(checkSearchReply({ utterance: 'no i want bakeries in boston', polarity: 'no', revealedAspects: [] }, search)).toMatch(/boston|bakeri/);
    expect(checkSearchReply({ utterance: 'yes a starter', polarity: 'yes', revealedAspects: ['pizza'] }, search)).toMatch(/revealedAspects/);
    expect(checkSearchReply({ utterance: 'i want a starter', polarity: 'yes', revealedAspects: [] }, search)).toMatch(/polarity/);
    expect(checkSearchReply({ utterance: 'yes i want to make a starter', polarity: 'yes', revealedAspects: ['starter'] }, search)).toBeNull();
  });

  it('runs an episode through the provider, repairing a leaking turn', async () => {
    const llm = new FakeProvider([
      [
        { utterance: 'no i want bakeries in boston', polarity: 'no', revealedAspects: [] },
        { utterance: 'no i want to make a starter at home', polarity: 'no', revealedAspects: ['starter', 'home'] },
      ],
    ]);
    const env = make('ClarifySearch-v0', { simulator: { kind: 'llm', model: 'fake' }, llm });
    await env.reset({ seed: 1, options: { scenario: search } });
    const r = await env.step('ASK do you want to buy it?');
    const turn = r.info.simulatorTurns?.[0];
    expect(turn).toMatchObject({ utterance: 'no i want to make a starter at home', polarity: 'no', source: 'llm' });
    expect(turn.revealedAspects).toEqual(expect.arrayContaining(['starter', 'home']));
    expect(llm.rejections).toHaveLength(1);
    expect(env.usage().calls).toBe(1);
    expect(JSON.stringify(llm.requests[0]?.messages)).toContain(search.facet.description);
    await env.close();
  });

  it('fails with a clear configuration error when no provider is configured', async () => {
    const env = make('ClarifySearch-v0', { simulator: { kind: 'llm', model: 'none' } });
    await expect(env.reset({ seed: 1, options: { scenario: search } })).rejects.toThrow(/needs an LLM provider/);
  });
});

describe('LLM task user', () => {
  const dom = domainIndex('restaurant_booking');
  const q = analyzeQuestion(dom, 'Could you tell me the day?');

  it('enforces disclosure: only asked slots, true values, values actually said, no hidden leaks', () => {
    const state = initialTaskUserState(task);
    const ok = { utterance: 'On friday.', revealed: { day: 'friday' }, declined: [], partial: [] };
    expect(checkTaskReply(ok, task, state, q)).toBeNull();
    expect(checkTaskReply({ ...ok, revealed: { day: 'friday', time: '19:30' }, utterance: 'On friday at 19:30.' }, task, state, q)).toMatch(/not asked/);
    expect(checkTaskReply({ ...ok, revealed: { day: 'monday' }, utterance: 'On monday.' }, task, state, q)).toMatch(/not monday/);
    expect(checkTaskReply({ ...ok, utterance: 'Sometime soon.' }, task, state, q)).toMatch(/say the day/);
    expect(checkTaskReply({ ...ok, utterance: 'On friday, for 4 people.' }, task, state, q)).toMatch(/reveals your party size/);
    expect(checkTaskReply({ ...ok, declined: ['time'] }, task, state, q)).toMatch(/only optional/);
  });

  it('lets personas do what they are documented to do, and no more', () => {
    const over: TaskScenario = { ...task, persona: 'oversharing' };
    const extra = { utterance: 'On friday, for 4 people, at 19:30.', revealed: { day: 'friday', party_size: 4, time: '19:30' }, declined: [], partial: [] };
    expect(checkTaskReply(extra, over, initialTaskUserState(over), q)).toBeNull();
    expect(checkTaskReply(extra, task, initialTaskUserState(task), q)).toMatch(/not asked/);
    const slipper: TaskScenario = { ...task, persona: 'self_correcting' };
    const slip = { utterance: 'On monday.', revealed: { day: 'monday' }, declined: [], partial: [] };
    expect(checkTaskReply(slip, slipper, initialTaskUserState(slipper), q)).toBeNull();
    const used = { ...initialTaskUserState(slipper), slipUsed: true };
    expect(checkTaskReply(slip, slipper, used, q)).toMatch(/not monday/);
  });

  it('runs an episode, tracks a self-correction across turns and reports what was revealed', async () => {
    const slipper: TaskScenario = { ...task, persona: 'self_correcting' };
    const llm = new FakeProvider([
      [{ utterance: 'On monday.', revealed: { day: 'monday' }, declined: [], partial: [] }],
      [
        { utterance: 'At 19:30.', revealed: { time: '19:30' }, declined: [], partial: [] },
        { utterance: 'Sorry, not monday, on friday. At 19:30.', revealed: { day: 'friday', time: '19:30' }, declined: [], partial: [] },
      ],
    ]);
    const env = make('ClarifyTask-v0', { simulator: { kind: 'llm', model: 'fake' }, llm });
    await env.reset({ seed: 5, options: { scenario: slipper } });
    const a = await env.step('ASK could you tell me the day?');
    expect(a.info.simulatorTurns?.[0].revealed).toEqual({ day: 'monday' });
    const b = await env.step('ASK could you tell me the time?');
    expect(b.info.simulatorTurns?.[0]).toMatchObject({ revealed: { day: 'friday', time: '19:30' }, corrected: ['day'] });
    const c = await env.step('SUBMIT {"cuisine": "italian", "day": "friday", "time": "19:30", "party_size": 4}');
    expect(c.info.success).toBe(true);
    await env.close();
  });
});
