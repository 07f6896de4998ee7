import { describe, expect, it } from 'vitest';
import '../../envs/index.js';
import { make } from '../../core/registry.js';
import { validate } from '../../core/schema.js';
import type { Json } from '../../core/types.js';
import { commanderTurnSchemaV1 } from '../../simulators/embodied/acts.js';
import { checkCommanderTurnV1 } from '../../simulators/embodied/llm-commander-v1.js';
import { createLlmProvider } from '../../simulators/llm-client.js';
import type { LlmProvider, StructuredRequest } from '../../simulators/types.js';
import { startLoopbackServer } from '../support/index.js';
import { scenarioV1 } from './helpers.js';

/** Replays canned turns, applying the request's check as a real provider would (repairing once). */
class FakeProvider implements LlmProvider {
  readonly model = 'fake';
  readonly requests: StructuredRequest[] = [];
  readonly rejected: string[] = [];
  private next = 0;
  constructor(private readonly replies: Json[]) {}
  async complete(req: StructuredRequest) {
    this.requests.push(req);
    let value = this.replies[Math.min(this.next++, this.replies.length - 1)];
    const problem = req.check?.(value);
    if (problem) {
      this.rejected.push(problem);
      value = this.replies[Math.min(this.next++, this.replies.length - 1)];
    }
    return { value, text: JSON.stringify(value), usage: { promptTokens: 10, completionTokens: 5, calls: 1, cachedCalls: 0 }, cached: false };
  }
}

describe('LLM commander (v1)', () => {
  it('is shown places it can name without ids, and a turn that says an id is sent back', async () => {
    const s = scenarioV1('coffee', 41);
    const mug = s.world.objects.find((o) => o.type === 'mug')!;
    const llm = new FakeProvider([
      { act: 'Instruction', utterance: 'Hi! I would like a coffee in a clean mug.' },
      { act: 'InformationOnObjectDetails', utterance: `The mug is ${mug.id}, in cabinet 1.` },
      { act: 'InformationOnObjectDetails', utterance: 'The mug is in the cabinet above the sink.' },
    ]);
    const env = make('Embodied-v1', { simulator: { kind: 'llm', model: 'fake' }, llm });
    await env.reset({ seed: 3, options: { scenario: s } });
    const r = await env.step('say where is the mug?');
    expect(llm.rejected[0]).toMatch(/Do not say ids like/);
    expect(r.observation.newText).toContain('The mug is in the cabinet above the sink.');
    const prompt = llm.requests[1]!.messages.map((m) => m.content).join('\n');
    expect(prompt).toContain('Never say an id');
    expect(prompt).toMatch(/Places \(how to refer to each without its id\)/);
    expect(prompt).toContain(mug.id);
    expect(llm.requests[1]!.schema).toBe(commanderTurnSchemaV1);
  });

  it('checks: an utterance exactly when speaking, and no ids', () => {
    expect(checkCommanderTurnV1({ act: 'Instruction' })).toMatch(/non-empty/);
    expect(checkCommanderTurnV1({ act: 'OBSERVE', utterance: 'hi' })).toMatch(/silent/);
    expect(checkCommanderTurnV1({ act: 'Instruction', utterance: 'Go to counter 2.' })).toMatch(/counter 2/);
    expect(checkCommanderTurnV1({ act: 'Affirm', utterance: 'Yes, the red mug.' })).toBeNull();
  });

  it('runs against the loopback OpenAI-compatible server through the LLM client', async () => {
    const server = await startLoopbackServer({ keepBodies: true });
    try {
      const llm = createLlmProvider({ baseURL: server.url, model: 'loopback', noCache: true, maxRetries: 1, retryBaseMs: 1 });
      const env = make('Embodied-v1', { simulator: { kind: 'llm', model: 'loopback' }, llm });
      const r = await env.reset({ seed: 2, options: { scenario: scenarioV1('water_plant', 2) } });
      expect(r.info.error).toBeUndefined();
      const turns: Json[] = [];
      for (const a of ['look', 'say where is the cup?']) turns.push(...((await env.step(a)).info.simulatorTurns ?? []));
      expect(turns).toHaveLength(2);
      for (const t of turns) expect(validate(commanderTurnSchemaV1, t).ok).toBe(true);
      expect(server.stats.chatRequests).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
  });
});
