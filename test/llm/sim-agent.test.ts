/** The generic LLM user simulator (through GuessNumber-v0's `llm` simulator) and the LLM agent's mappings. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../../envs/index.js';
import { buildAgentMessages, grammarVerbs, toAction } from '../../agents/llm.js';
import { make } from '../../core/registry.js';
import type { Observation, } from '../../core/types.js';
import { createLlmProvider } from '../../simulators/llm-client.js';
import { type LoopbackServer, startLoopbackServer } from '../support/loopback-server.js';

let server: LoopbackServer;

beforeAll(async () => {
  server = await startLoopbackServer({ keepBodies: true });
});
afterAll(async () => {
  await server.close();
});

const llm = () => createLlmProvider({ baseURL: server.url, model: 'm', noCache: true });
const ACTIONS = ['ASK is it greater than 50?', 'ASK is it even?', 'ASK is it less than 20?', 'GUESS 7'];

describe('LlmUserSimulator (GuessNumber-v0 llm)', () => {
  it('keeps the conversation, sends schema-valid turns, and sums usage per episode', async () => {
    const env = make('GuessNumber-v0', { simulator: { kind: 'llm', model: 'm' }, llm: llm() });
    server.bodies.length = 0;
    const r0 = await env.reset({ seed: 4 });
    expect(r0.info.simulatorTurns?.[0]?.answer).toBe('greeting');
    await env.step(ACTIONS[0] as string);
    const s2 = await env.step(ACTIONS[1] as string);
    expect(['yes', 'no', 'unknown']).toContain(s2.info.simulatorTurns?.[0]?.answer);
    const last = server.bodies.at(-1);
    const roles = last.messages.map((m: { role: string }) => m.role);
    expect(roles).toEqual(['system', 'user', 'assistant', 'user', 'assistant', 'user']);
    expect(last.messages[0].content).toContain('Your secret number is');
    expect(last.messages.at(-1).content).toBe('is it even?');
    // The greeting turn was asked with a narrowed schema.
    expect(server.bodies[0].response_format.json_schema.schema.properties.answer).toEqual({ enum: ['greeting'] });
    const usage = env.usage();
    expect(usage.calls).toBe(3);
    expect(usage.promptTokens).toBeGreaterThan(0);
    await env.close();
  });

  it('snapshot/restore resumes the hidden conversation: same requests, same episode', async () => {
    const run = async (withRestore: boolean) => {
      server.bodies.length = 0;
      const env = make('GuessNumber-v0', { simulator: { kind: 'llm', model: 'm' }, llm: llm() });
      await env.reset({ seed: 9 });
      await env.step(ACTIONS[0] as string);
      let cur = env;
      if (withRestore) {
        const snap = env.snapshot();
        await env.close();
        cur = make('GuessNumber-v0', { simulator: { kind: 'llm', model: 'm' }, llm: llm() });
        await cur.restore(snap);
      }
      const outs = [];
      for (const a of ACTIONS.slice(1)) outs.push(await cur.step(a));
      await cur.close();
      return { outs, bodies: structuredClone(server.bodies.slice(-2)) };
    };
    const straight = await run(false);
    const restored = await run(true);
    expect(restored.outs.map((o) => o.observation)).toEqual(straight.outs.map((o) => o.observation));
    expect(restored.bodies).toEqual(straight.bodies);
  });

  it('draws each call seed from the episode seed', async () => {
    const seedsOf = async (seed: number) => {
      server.bodies.length = 0;
      const env = make('GuessNumber-v0', { simulator: { kind: 'llm', model: 'm' }, llm: llm() });
      await env.reset({ seed });
      await env.step(ACTIONS[0] as string);
      await env.close();
      return server.bodies.map((b) => b.seed as number);
    };
    const a = await seedsOf(1);
    expect(await seedsOf(1)).toEqual(a);
    expect(await seedsOf(2)).not.toEqual(a);
    expect(new Set(a).size).toBe(a.length);
  });

  it('without an endpoint the episode ends with a typed error, not a crash', async () => {
    const env = make('GuessNumber-v0', { simulator: { kind: 'llm', model: 'm' } });
    const r = await env.reset({ seed: 1 });
    expect(r.info.error?.type).toBe('llm_not_configured');
    await env.close();
  });
});

describe('LLM agent mappings', () => {
  it.each([
    ['ASK is it even?', 'ASK is it even?'],
    ['"GUESS 12"', 'GUESS 12'],
    ['```\nask is it greater than 3?\n```', 'ASK is it greater than 3?'],
    ['Action: `GUESS 5`', 'GUESS 5'],
    ['I think the number is small.\nGUESS 4', 'GUESS 4'],
    ['**Action:** ASK is it odd?', 'ASK is it odd?'],
  ])('%j -> %j', (reply, action) => {
    expect(toAction(reply, ['ASK', 'GUESS'])).toBe(action);
  });

  it('without known verbs keeps the first cleaned line', () => {
    expect(toAction("  'hello there'  \nsecond")).toBe('hello there');
    expect(toAction('')).toBe('');
  });

  it('reads the grammar verbs from legal and sample actions', () => {
    const obs = { sampleActions: ['ASK is it even?', 'GUESS 50'], legalActions: ['SAY hi'] };
    expect(grammarVerbs(obs).sort()).toEqual(['ASK', 'GUESS', 'SAY']);
  });

  it('builds chat messages: own lines as assistant, others role-tagged, feedback and legal actions last', () => {
    const obs: Observation = {
      instructions: 'Find the number. Actions: ASK <q> | GUESS <n>.',
      newText: 'Invalid action: expected `ASK <question>`.',
      transcript: [
        { role: 'user', text: 'I am thinking of a number.' },
        { role: 'agent', text: 'is it 4?' },
        { role: 'user', text: 'No.' },
      ],
      invalidAction: { reason: 'x' },
      legalActions: ['GUESS 1', 'GUESS 2'],
    };
    const m = buildAgentMessages(obs);
    expect(m.map((x) => x.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(m[0]?.content).toContain('Actions: ASK <q> | GUESS <n>.');
    expect(m[1]?.content).toBe('[user] I am thinking of a number.');
    expect(m[3]?.content).toContain('[user] No.');
    expect(m[3]?.content).toContain('[system] Invalid action');
    expect(m[3]?.content).toContain('Legal actions now: GUESS 1 | GUESS 2');
  });
});
