import { describe, expect, it } from 'vitest';
import '../../envs/index.js';
import '../../agents/index.js';
import { createAgent } from '../../agents/registry.js';
import { ConfigError } from '../../core/errors.js';
import { validateRecord } from '../../core/record.js';
import { make } from '../../core/registry.js';
import { runEpisode, withoutTimings } from '../../core/rollout.js';
import type { Json } from '../../core/types.js';
import type { LlmProvider, StructuredRequest } from '../../simulators/types.js';

const ID = 'SocialDeduction-v0';

describe('SocialDeduction-v0', () => {
  it('shows the seat, the room and the legal actions, and rejects junk without changing anything', async () => {
    const env = make(ID, { kwargs: { agentRole: 'crewmate' } });
    const r = await env.reset({ seed: 1 });
    expect(r.observation.instructions).toMatch(/Your role: CREWMATE/);
    expect(r.observation.newText).toMatch(/You are in the Cafeteria/);
    expect(r.observation.newText).toMatch(/Legal actions:/);
    expect(r.observation.legalActions).toContain('wait');
    // The TimeLimit wrapper counts invalid steps too; everything else must be unchanged.
    const state = () => JSON.stringify({ ...env.snapshot(), wrappers: null });
    const snap = state();
    for (const junk of ['', 'fly north', 'kill Blue', 'SAY hello', 'VOTE Red', '{"a":1}']) {
      const s = await env.step(junk);
      expect(s.info.invalidAction?.reason).toBeTruthy();
      expect(s.reward).toBe(0);
    }
    expect(state()).toBe(snap);
    const ok = await env.step(r.observation.legalActions?.[0] as string);
    expect(ok.info.invalidAction).toBeUndefined();
    await env.close();
  });

  it('plays whole games with the random and expert agents, deterministically per seed', async () => {
    for (const name of ['random', 'expert']) {
      for (const role of ['crewmate', 'imposter']) {
        const env = make(ID, { kwargs: { agentRole: role } });
        const agent = createAgent(name, { envId: ID });
        const a = await runEpisode({ env, agent, seed: 42, key: 'a' });
        const b = await runEpisode({ env, agent, seed: 42, key: 'a' });
        expect(validateRecord(a).ok).toBe(true);
        expect(a.termination.terminated).toBe(true);
        expect(a.termination.reason).toMatch(/^(crewmates|imposters)_win:/);
        expect(withoutTimings(b)).toEqual(withoutTimings(a));
        expect(a.scenario.imposters.includes(a.scenario.agent)).toBe(role === 'imposter');
        await env.close();
      }
    }
  });

  it('asks the agent for a survey before every message and pays listening and speaking rewards', async () => {
    const env = make(ID, { kwargs: { agentRole: 'crewmate' } });
    const agent = createAgent('expert', { envId: ID });
    let surveys = 0;
    let says = 0;
    const components = new Set<string>();
    for (let seed = 0; seed < 12 && !(components.has('speaking') && components.has('listening')); seed++) {
      const rec = await runEpisode({ env, agent, seed, key: String(seed) });
      for (const t of rec.turns) {
        if (t.action.startsWith('SURVEY')) surveys++;
        if (t.action.startsWith('SAY')) says++;
        for (const k of Object.keys(t.rewardComponents)) components.add(k);
      }
    }
    expect(surveys).toBeGreaterThan(says);
    expect(says).toBeGreaterThan(0);
    expect(components.has('listening')).toBe(true);
    expect(components.has('speaking')).toBe(true);
    await env.close();
  });

  it('never asks for surveys with agentSurvey off, and plays on after the agent dies', async () => {
    const env = make(ID, { kwargs: { agentRole: 'crewmate', agentSurvey: 'off' } });
    const agent = createAgent('expert', { envId: ID });
    let sawDeath = false;
    let says = 0;
    for (let seed = 0; seed < 10; seed++) {
      const rec = await runEpisode({ env, agent, seed, key: String(seed) });
      expect(rec.turns.some((t) => t.action.startsWith('SURVEY'))).toBe(false);
      says += rec.turns.filter((t) => t.action.startsWith('SAY')).length;
      const last = rec.turns[rec.turns.length - 1];
      expect(rec.termination.reason).toMatch(/_win:/);
      if (last && last.info.alive === false) {
        sawDeath = true;
        // The game went on without the agent until a side won, and the outcome reached it.
        expect(last.observation).toMatch(/GAME OVER/);
        expect(typeof last.info.agentWon).toBe('boolean');
      }
    }
    expect(says).toBeGreaterThan(0);
    expect(sawDeath).toBe(true);
    await env.close();
  });

  it('restores a snapshot and continues identically', async () => {
    const env = make(ID, { kwargs: { agentRole: 'imposter' } });
    const agent = createAgent('random', { envId: ID });
    agent.reset?.({ envId: ID, seed: 3 });
    let r = await env.reset({ seed: 9 });
    let obs = r.observation;
    let reward = 0;
    for (let i = 0; i < 6; i++) {
      const s = await env.step(await agent.act(obs, reward));
      obs = s.observation;
      reward = s.reward;
      if (s.terminated) break;
    }
    const snap = env.snapshot();
    const actions = (obs.legalActions ?? ['SAY hi']).slice(0, 1);
    const first = await env.step(actions[0] as string);
    await env.restore(snap);
    const again = await env.step(actions[0] as string);
    expect(again.observation).toEqual(first.observation);
    expect(again.reward).toBe(first.reward);
    r = await env.reset({ seed: 9 });
    expect(r.observation.newText).toBeTruthy();
    await env.close();
  });

  it('rejects bad kwargs and scenarios with a ConfigError', async () => {
    await expect(make(ID, { kwargs: { numPlayers: 2 } }).reset({ seed: 0 })).rejects.toBeInstanceOf(ConfigError);
    await expect(make(ID, { kwargs: { numImposters: 3 } }).reset({ seed: 0 })).rejects.toBeInstanceOf(ConfigError);
    await expect(make(ID, { kwargs: { weights: { bogus: 1 } } }).reset({ seed: 0 })).rejects.toBeInstanceOf(ConfigError);
    const env = make(ID);
    await env.reset({ seed: 0 });
    const bad = { ...env.scenario(), agent: 'Nobody' };
    await expect(env.reset({ seed: 0, options: { scenario: bad } })).rejects.toBeInstanceOf(ConfigError);
  });

  it('runs LLM players through the provider with schema-checked turns', async () => {
    const calls: StructuredRequest[] = [];
    const fake: LlmProvider = {
      model: 'fake',
      async complete(req) {
        calls.push(req);
        const props = (req.schema?.properties ?? {}) as Record<string, Json>;
        let value: Json;
        if (props.survey) {
          const names = Object.keys(props.survey.properties as Record<string, Json>);
          value = { survey: Object.fromEntries(names.map((n, i) => [n, i === 0 ? 1 : 0])) };
        } else if (props.vote) value = { vote: 'skip' };
        else if (props.action) value = { action: (props.action.enum as string[])[0] };
        else value = { message: 'I was in the Cafeteria doing tasks.' };
        const err = req.check?.(value);
        if (err) throw new Error(err);
        return { value, text: JSON.stringify(value), usage: { promptTokens: 10, completionTokens: 5, calls: 1, cachedCalls: 0 }, cached: false };
      },
    };
    const env = make(ID, { kwargs: { agentRole: 'crewmate', numPlayers: 4 }, simulator: { kind: 'llm', model: 'fake' }, llm: fake });
    const rec = await runEpisode({ env, agent: createAgent('expert', { envId: ID }), seed: 2, key: 'llm' });
    expect(validateRecord(rec).ok).toBe(true);
    expect(rec.termination.terminated).toBe(true);
    // Seed 2 has a meeting while the agent is alive (the LLM players move like the scripted ones).
    expect(rec.turns.some((t) => t.action.startsWith('SURVEY'))).toBe(true);
    expect(calls.some((c) => c.schema?.properties?.survey)).toBe(true);
    expect(calls.some((c) => c.schema?.properties?.message)).toBe(true);
    expect(calls.some((c) => c.schema?.properties?.vote)).toBe(true);
    expect(rec.usage.simulator.calls).toBe(calls.length);
    expect(calls[0]?.messages[0]?.content ?? '').toMatch(/You are (Red|Blue|Green|Yellow)/);
    const turns = rec.turns.flatMap((t) => t.simulatorTurns);
    expect(turns.some((t) => t.kind === 'speak' && t.message === 'I was in the Cafeteria doing tasks.')).toBe(true);
    await env.close();
  });
});
