import { describe, expect, it } from 'vitest';
import '../../envs/index.js';
import { checkEnv } from '../../core/checker.js';
import { make } from '../../core/registry.js';
import { runEpisode } from '../../core/rollout.js';
import { ConfigError } from '../../core/errors.js';
import { SchemaError } from '../../core/schema.js';
import { ReplayAgent } from '../../agents/replay.js';
import { clampDonation, ENV_ID } from '../../envs/persuasion/index.js';
import { persona } from './helpers.js';

describe('Persuasion-v0', () => {
  it('passes checkEnv', async () => {
    const report = await checkEnv(() => make(ENV_ID));
    expect(report.failures).toEqual([]);
  });

  it('opens with the agent to speak, documents the grammar, and ends on CLOSE with the donation as reward', async () => {
    const env = make(ENV_ID);
    const r = await env.reset({ seed: 11 });
    expect(r.observation.instructions).toMatch(/CLOSE <message>/);
    expect(r.observation.instructions).toMatch(/at most 10 messages/);
    expect(r.observation.newText).toMatch(/You speak first/);
    const s1 = await env.step('Hi! How are you today?');
    expect(s1.terminated).toBe(false);
    expect(s1.observation.newText).toMatch(/^user: /);
    expect(typeof s1.info.persuadeeIntent).toBe('string');
    expect(s1.info.simulatorTurns?.length).toBe(1);
    const s2 = await env.step('SAY Have you heard of Save the Children?');
    expect(s2.terminated).toBe(false);
    const end = await env.step('CLOSE Would you like to donate some of your payment?');
    expect(end.terminated).toBe(true);
    expect(end.info.terminationReason).toBe('closed');
    expect(end.reward).toBeGreaterThanOrEqual(0);
    expect(end.reward).toBeLessThanOrEqual(2);
    expect(end.reward).toBe(end.info.donation);
    expect(end.info.rewardComponents).toEqual(end.reward > 0 ? { donation: end.reward } : {});
    expect(end.observation.newText).toMatch(/The chat is over/);
    expect(env.render()).toMatch(/hidden persona/);
    await env.close();
  });

  it('flags empty and oversized messages as invalid without changing state', async () => {
    const env = make(ENV_ID, { kwargs: { maxMessageChars: 50 } });
    await env.reset({ seed: 3 });
    for (const bad of ['', '   ', 'SAY', 'x'.repeat(51)]) {
      const r = await env.step(bad);
      expect(r.info.invalidAction).toBeDefined();
      expect(r.reward).toBe(0);
      expect(r.terminated).toBe(false);
    }
    const ok = await env.step('Hello!');
    expect(ok.info.invalidAction).toBeUndefined();
    expect(ok.info.turn).toBe(1);
    await env.close();
  });

  it('closes on the message cap and reports turn_cap', async () => {
    const env = make(ENV_ID, { kwargs: { maxTurns: 3 } });
    await env.reset({ seed: 5 });
    await env.step('Hello!');
    await env.step('Save the Children helps kids in need around the world.');
    const last = await env.step('They provide food and schooling.');
    expect(last.terminated).toBe(true);
    expect(last.info.terminationReason).toBe('turn_cap');
    expect(typeof last.info.donation).toBe('number');
    await env.close();
  });

  it('runs a given persona and rejects a bad one naming the field', async () => {
    const env = make(ENV_ID);
    const p = persona({}, 'custom');
    await env.reset({ seed: 1, options: { scenario: p } });
    expect(env.scenario().personaId).toBe('custom');
    const bad = structuredClone(p) as unknown as { bigFive: Record<string, unknown> };
    bad.bigFive.extrovert = 9;
    await expect(env.reset({ seed: 1, options: { scenario: bad } })).rejects.toThrow(/\/bigFive\/extrovert/);
    const missing = structuredClone(p) as unknown as Record<string, unknown>;
    delete missing.values;
    await expect(env.reset({ seed: 1, options: { scenario: missing } })).rejects.toThrow(SchemaError);
    await env.close();
  });

  it('replays identically from the same seed and actions', async () => {
    const actions = ['Hi!', 'Have you heard of Save the Children?', 'They help children in need.', 'CLOSE How much would you give?'];
    const run = async () => {
      const env = make(ENV_ID);
      const rec = await runEpisode({ env, agent: new ReplayAgent(actions), seed: 99, key: 'k' });
      await env.close();
      const { timings: _t, ...rest } = rec;
      return rest;
    };
    expect(await run()).toEqual(await run());
  });

  it('rejects unusable kwargs with a ConfigError', async () => {
    for (const kwargs of [{ maxTurns: 0 }, { maxTurns: 'ten' }, { maxMessageChars: 1.5 }]) {
      const env = make(ENV_ID, { kwargs });
      await expect(env.reset({ seed: 1 })).rejects.toThrow(ConfigError);
      await env.close();
    }
  });

  it('clamps donations to [0, 2] dollars in cents', () => {
    expect(clampDonation(5)).toBe(2);
    expect(clampDonation(-1)).toBe(0);
    expect(clampDonation(0.456)).toBe(0.46);
    expect(clampDonation(Number.NaN)).toBe(0);
    expect(clampDonation('1')).toBe(0);
  });
});
