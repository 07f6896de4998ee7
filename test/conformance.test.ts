/**
 * Every registered env, present and future, must pass `checkEnv` (which includes: observations carry
 * only the keys a player sees, and none of the env's secrets before the episode ends). Registering an
 * env is enough to have it checked here.
 *
 * And no path gives an agent hidden state: through the orchestrator, `act` receives exactly an
 * observation and a number, for every env, with its random and expert agents choosing the actions.
 */
import { describe, expect, it } from 'vitest';
import '../index.js';
import { createAgent } from '../agents/registry.js';
import type { Agent, AgentEpisodeContext } from '../agents/types.js';
import { checkEnv } from '../core/checker.js';
import { listEnvs, make } from '../core/registry.js';
import { runEpisode } from '../core/rollout.js';
import { type Json, OBSERVATION_KEYS, type Observation } from '../core/types.js';

const envs = listEnvs({ includeTests: true, includeLegacy: true });

/** Wraps an agent and remembers every argument it is given. */
class ArgumentSpy implements Agent {
  readonly id: string;
  readonly calls: Json[][] = [];
  resets: AgentEpisodeContext[] = [];
  constructor(private readonly inner: Agent) {
    this.id = inner.id;
  }
  reset(ctx: AgentEpisodeContext) {
    this.resets.push(ctx);
    return this.inner.reset?.(ctx);
  }
  act(...args: [Observation, number]) {
    this.calls.push(structuredClone(args));
    return this.inner.act(...args);
  }
}

describe('conformance', () => {
  it('has registered envs', () => {
    expect(envs.length).toBeGreaterThan(0);
  });
  for (const reg of envs) {
    it(`${reg.id} passes checkEnv`, async () => {
      const report = await checkEnv(() => make(reg.id));
      expect(report.failures).toEqual([]);
    });

    it(`${reg.id}: an agent is given the observation and the reward, nothing else`, async () => {
      for (const name of ['random', ...(reg.agents?.expert ? ['expert'] : [])]) {
        const spy = new ArgumentSpy(createAgent(name, { envId: reg.id }));
        const env = make(reg.id);
        await runEpisode({ env, agent: spy, seed: 11, key: 'spy' });
        await env.close();
        expect(spy.calls.length).toBeGreaterThan(0);
        for (const args of spy.calls) {
          expect(args).toHaveLength(2);
          expect(typeof args[1]).toBe('number');
          for (const k of Object.keys(args[0])) expect(OBSERVATION_KEYS).toContain(k);
        }
        // Only an oracle gets the scenario.
        expect(spy.resets.every((r) => r.privileged === undefined)).toBe(true);
      }
    });
  }
});
