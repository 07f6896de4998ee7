import { describe, expect, it } from 'vitest';
import '../../envs/index.js';
import { make } from '../../core/registry.js';
import { validate } from '../../core/schema.js';
import type { Json } from '../../core/types.js';
import { createLlmProvider } from '../../simulators/llm-client.js';
import { checkCommanderTurn, commanderTurnSchema } from '../../simulators/embodied/acts.js';
import type { LlmProvider, StructuredRequest } from '../../simulators/types.js';
import { startLoopbackServer } from '../support/index.js';
import { scenarioFor } from './helpers.js';

/** Replays canned turns and keeps the requests it was given. */
class FakeProvider implements LlmProvider {
  readonly model = 'fake';
  readonly requests: StructuredRequest[] = [];
  constructor(private readonly replies: Json[]) {}
  async complete(req: StructuredRequest) {
    this.requests.push(req);
    const value = this.replies[Math.min(this.requests.length - 1, this.replies.length - 1)];
    return { value, text: JSON.stringify(value), usage: { promptTokens: 10, completionTokens: 5, calls: 1, cachedCalls: 0 }, cached: false };
  }
}

describe('LLM commander', () => {
  it('asks the provider for a schema-checked turn with the goal and the world, and records its acts', async () => {
    const llm = new FakeProvider([
      { act: 'Instruction', utterance: 'Please make me a coffee.' },
      { act: 'OBSERVE' },
      { act: 'InformationOnObjectDetails', utterance: 'The mug is in the cabinet.' },
    ]);
    const env = make('Embodied-v0', { simulator: { kind: 'llm', model: 'fake' }, llm });
    const scenario = scenarioFor('coffee', 11);
    const r0 = await env.reset({ seed: 3, options: { scenario } });
    expect(r0.observation.newText).toContain('Please make me a coffee.');
    const r1 = await env.step('look');
    expect(r1.info.simulatorTurns).toEqual([{ act: 'OBSERVE' }]);
    const r2 = await env.step('say where is the mug?');
    expect(r2.observation.newText).toContain('The mug is in the cabinet.');
    const req = llm.requests[2]!;
    expect(req.schema).toBe(commanderTurnSchema);
    const prompt = req.messages.map((m) => m.content).join('\n');
    expect(prompt).toContain(scenario.task.goal);
    expect(prompt).toContain('it said "where is the mug?"');
    const mug = scenario.world.objects.find((o) => o.type === 'mug')!;
    expect(prompt).toContain(mug.id);
    expect(req.check?.({ act: 'Instruction' })).toMatch(/needs a non-empty "utterance"/);
    expect(req.check?.({ act: 'OBSERVE', utterance: 'hi' })).toMatch(/silent/);
    expect(req.check?.({ act: 'Deny', utterance: 'No.' })).toBeNull();
    expect(env.usage()).toMatchObject({ calls: 3, promptTokens: 30 });
  });

  it('fails the episode with a typed error when the provider returns an invalid turn', async () => {
    const env = make('Embodied-v0', { simulator: { kind: 'llm' }, llm: new FakeProvider([{ act: 'Shout', utterance: 'x' }]) });
    const r = await env.reset({ seed: 1 });
    expect(r.info.error?.type).toBe('invalid_simulator_turn');
  });

  it('needs a provider', async () => {
    const env = make('Embodied-v0', { simulator: { kind: 'llm' } });
    await expect(env.reset({ seed: 1 })).rejects.toThrow(/needs an LLM provider/);
  });

  it('runs against the loopback OpenAI-compatible server through the LLM client', async () => {
    const server = await startLoopbackServer({ keepBodies: true });
    try {
      const llm = createLlmProvider({ baseURL: server.url, model: 'loopback', noCache: true, maxRetries: 1, retryBaseMs: 1 });
      const env = make('Embodied-v0', { simulator: { kind: 'llm', model: 'loopback' }, llm });
      const r = await env.reset({ seed: 2, options: { scenario: scenarioFor('water_plant', 2) } });
      expect(r.info.error).toBeUndefined();
      const turns: Json[] = [];
      for (const a of ['look', 'say where is the cup?']) turns.push(...((await env.step(a)).info.simulatorTurns ?? []));
      expect(turns).toHaveLength(2);
      for (const t of turns) {
        expect(validate(commanderTurnSchema, t).ok).toBe(true);
        expect(checkCommanderTurn(t)).toBeNull();
      }
      expect(server.stats.chatRequests).toBeGreaterThan(0);
      expect(JSON.stringify(server.bodies[0])).toContain('water the plant');
    } finally {
      await server.close();
    }
  });
});
