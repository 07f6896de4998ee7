/**
 * The three engines (core/machine-runner.ts) give the same episodes: every registered env, and the
 * synthetic machines of test/support/engine-machines.ts, played with the same actions through the
 * compiled engine, XState's transition function and XState's interpreter, return identical
 * observations, rewards, flags and info at every step, and identical snapshots; a snapshot taken in
 * one engine restores in another and continues identically. Also: which machines each engine
 * accepts.
 */
import { describe, expect, it } from 'vitest';
import { createMachine, fromCallback, fromPromise, sendTo, setup } from 'xstate';
import '../../envs/index.js';
import '../../agents/index.js';
import { createAgent, agentNames } from '../../agents/registry.js';
import type { Agent } from '../../agents/types.js';
import { MachineEnv, ProtocolError } from '../../core/machine-env.js';
import { bestEngine, ENGINE_NAMES, type EngineName, engineObstacle } from '../../core/machine-runner.js';
import { envMachine } from '../../core/graph.js';
import { listEnvs, make } from '../../core/registry.js';
import type { Env, Observation, StepResult } from '../../core/types.js';
import { Wrapper } from '../../core/wrappers.js';
import { LAB_SCRIPTS, labDefinition } from '../support/engine-machines.js';

function machineEnvOf(env: Env): MachineEnv {
  let e: Env = env;
  while (e instanceof Wrapper) e = e.env;
  return e as MachineEnv;
}

/** JSON of a value with `Error`s spelled out (JSON.stringify drops their message). */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (v instanceof Error ? { error: v.name, message: v.message, type: (v as { type?: string }).type } : v));
}

/** A step's outcome as compared: the result, or the error it threw. */
async function attempt<T>(f: () => Promise<T>): Promise<string> {
  try {
    return canonical(await f());
  } catch (err) {
    return `threw ${(err as Error).name}: ${(err as Error).message}`;
  }
}

/**
 * Plays one episode through one env per engine in lockstep: the actions come from `next` (given
 * the first engine's observation); after every reset and step the results and the snapshots must
 * be identical.
 */
async function lockstep(envs: Env[], seed: number, next: (obs: Observation, reward: number, t: number) => string | Promise<string>, maxSteps: number): Promise<number> {
  const resets = await Promise.all(envs.map((e) => attempt(() => e.reset({ seed }))));
  for (const r of resets) expect(r).toBe(resets[0]);
  const first = JSON.parse(resets[0] as string) as { observation: Observation; info: { error?: unknown } };
  if (first.info.error) return 0;
  let obs = first.observation;
  let reward = 0;
  let t = 0;
  for (; t < maxSteps; t++) {
    const snaps = envs.map((e) => canonical(e.snapshot()));
    for (const s of snaps) expect(s).toBe(snaps[0]);
    const action = await next(obs, reward, t);
    const results: string[] = [];
    for (const e of envs) results.push(await attempt(() => e.step(action)));
    for (const r of results) expect(r).toBe(results[0]);
    if ((results[0] as string).startsWith('threw')) break;
    const r = JSON.parse(results[0] as string) as StepResult;
    if (r.terminated || r.truncated) break;
    obs = r.observation;
    reward = r.reward;
  }
  return t + 1;
}

const ENV_IDS = listEnvs({ includeTests: true, includeLegacy: true }).map((r) => r.id);

/** The engines that run an env's machine (the interpreter always does). */
function enginesFor(envId: string): EngineName[] {
  const machine = envMachine(make(envId));
  return ENGINE_NAMES.filter((e) => !engineObstacle(machine, e));
}

describe('engines give identical episodes on every registered env', () => {
  for (const envId of ENV_IDS) {
    it(`${envId}: compiled, transition and interpreter agree step by step, snapshots included`, async () => {
      const engines = enginesFor(envId);
      expect(engines).toContain('interpreter');
      expect(engines.length, `${envId} runs only on ${engines.join(', ')}`).toBeGreaterThan(1);
      const agents = ['expert', 'random'].filter((a) => agentNames(envId).includes(a));
      let steps = 0;
      for (const agentName of agents) {
        const envs = engines.map((engine) => make(envId, { engine }));
        for (const seed of [3, 11]) {
          const agent: Agent = createAgent(agentName, { envId });
          await agent.reset?.({ envId, seed });
          steps += await lockstep(envs, seed, (o, r) => agent.act(o, r), 60);
        }
        for (const e of envs) await e.close();
      }
      expect(steps).toBeGreaterThan(4);
      // The default is the cheapest engine that runs the machine.
      const env = make(envId);
      await env.reset({ seed: 1 });
      expect(machineEnvOf(env).engine).toBe(engines[0]);
    }, 120_000);
  }
});

describe('a snapshot taken in one engine restores in another', () => {
  for (const envId of ENV_IDS) {
    it(`${envId}: snapshot mid-episode, restore in each engine, continue identically`, async () => {
      const engines = enginesFor(envId);
      const agentName = agentNames(envId).includes('expert') ? 'expert' : 'random';
      // The uninterrupted run, with its actions.
      const reference = make(envId, { engine: 'interpreter' });
      const agent = createAgent(agentName, { envId });
      await agent.reset?.({ envId, seed: 5 });
      let r = await reference.reset({ seed: 5 });
      let obs = r.observation;
      let reward = 0;
      const actions: string[] = [];
      const results: string[] = [];
      let snapshotAt = -1;
      let snapshot: ReturnType<Env['snapshot']> | undefined;
      for (let t = 0; t < 40; t++) {
        if (t === 2) {
          snapshotAt = t;
          snapshot = reference.snapshot();
        }
        const a = await agent.act(obs, reward);
        actions.push(a);
        const s = await reference.step(a);
        results.push(canonical(s));
        if (s.terminated || s.truncated) break;
        obs = s.observation;
        reward = s.reward;
      }
      if (!snapshot) {
        // Episodes shorter than 3 steps: snapshot right after reset.
        r = await reference.reset({ seed: 5 });
        snapshot = reference.snapshot();
        snapshotAt = 0;
      }
      for (const from of engines) {
        // Take the snapshot in engine `from` (replaying the same actions), then restore it everywhere.
        const source = make(envId, { engine: from });
        await source.reset({ seed: 5 });
        for (let t = 0; t < snapshotAt; t++) await source.step(actions[t] as string);
        const snap = JSON.parse(JSON.stringify(source.snapshot()));
        expect(canonical(snap)).toBe(canonical(JSON.parse(JSON.stringify(snapshot))));
        for (const to of engines) {
          const target = make(envId, { engine: to });
          await target.restore(structuredClone(snap));
          for (let t = snapshotAt; t < actions.length; t++) {
            expect(canonical(await target.step(actions[t] as string)), `${from} → ${to}, step ${t}`).toBe(results[t]);
          }
        }
      }
    }, 120_000);
  }
});

describe('engines on a machine using every feature the compiled engine runs', () => {
  for (const simulator of ['scripted', 'async']) {
    for (const [name, script] of Object.entries(LAB_SCRIPTS)) {
      it(`${name} (${simulator} simulator): identical through every engine`, async () => {
        const envs = ENGINE_NAMES.map((engine) => new MachineEnv(labDefinition, { engine, simulator: { kind: simulator } }));
        let steps = 0;
        for (const seed of [1, 2, 3]) steps += await lockstep(envs, seed, (_o, _r, t) => script[t] ?? 'FINISH', script.length + 2);
        expect(steps).toBeGreaterThan(0);
        expect(envs.map((e) => e.engine)).toEqual(ENGINE_NAMES);
      });
    }
  }

  it('the scripts reach what they are for (so the agreement above is not vacuous)', async () => {
    const env = new MachineEnv(labDefinition, { engine: 'compiled' });
    const play = async (script: string[]) => {
      const out: StepResult[] = [];
      await env.reset({ seed: 1 });
      for (const a of script) {
        const r = await env.step(a).catch(() => undefined);
        if (!r) break;
        out.push(r);
        if (r.terminated) break;
      }
      return out;
    };
    const everything = await play(LAB_SCRIPTS.everything as string[]);
    const log = (everything.at(-1)?.info.log ?? []) as string[];
    for (const expected of ['root:entry', 'raised', 'wildcard', 'again', 'deep:entry', 'inner:entry', 'deep:out', 'tag:ask', 'heard:']) {
      expect(log.some((l) => l.startsWith(expected)), expected).toBe(true);
    }
    // The in-place custom action ran between the two assigns around it.
    expect(log.join(',')).toContain('before-mutate,mutated,after-mutate');
    // PING, then RAISE (which raises a PING): the root's targetless PING ran twice.
    expect(everything[0]?.info.pings).toBe(1);
    expect(everything[1]?.info.pings).toBe(2);
    const rounds = await play(LAB_SCRIPTS.rounds as string[]);
    expect(((rounds.at(-1)?.info.log ?? []) as string[]).join(',')).toContain('work:final');
    expect(((rounds.at(-1)?.info.log ?? []) as string[]).join(',')).toContain('work:done');
    const handled = await play(LAB_SCRIPTS.handledError as string[]);
    expect(((handled[0]?.info.log ?? []) as string[]).join(',')).toContain('user-error-handled');
    const bad = await play(LAB_SCRIPTS.unhandledBadTurn as string[]);
    expect(bad[0]?.info.error?.type).toBe('invalid_simulator_turn');
    const boom = await play(LAB_SCRIPTS.actionThrows as string[]);
    expect(boom[1]?.info.error?.message).toBe('an action blew up');
  });
});

describe('a reset while a step waits for an asynchronous user', () => {
  for (const engine of ['compiled', 'transition'] as const) {
    it(`${engine}: fails that step and leaves the new episode as a fresh reset would`, async () => {
      const env = new MachineEnv(labDefinition, { engine, simulator: { kind: 'async' } });
      await env.reset({ seed: 4 });
      // The outcome is caught at once: the step fails while the reset below is being awaited.
      const pending = env.step('GO ok').then(
        () => 'resolved',
        (err: unknown) => err,
      );
      const fresh = await env.reset({ seed: 9 });
      expect(await pending).toBeInstanceOf(ProtocolError);
      const reference = new MachineEnv(labDefinition, { engine, simulator: { kind: 'async' } });
      expect(canonical(fresh)).toBe(canonical(await reference.reset({ seed: 9 })));
      expect(canonical(env.snapshot())).toBe(canonical(reference.snapshot()));
      expect(canonical(await env.step('GO ok'))).toBe(canonical(await reference.step('GO ok')));
    });
  }
});

describe('which engine runs which machine', () => {
  const user = fromPromise(async () => 1);
  it('picks compiled for a plain machine, transition for parallel states, interpreter for timers, messages and callbacks', () => {
    const plain = setup({ actors: { user } }).createMachine({
      initial: 'a',
      states: { a: { tags: ['agentTurn'], on: { GO: 'b' } }, b: { invoke: { src: 'user', onDone: 'a' } } },
    });
    expect(bestEngine(plain)).toBe('compiled');
    const withParallel = createMachine({
      initial: 'p',
      states: { p: { type: 'parallel', states: { x: { tags: ['agentTurn'] }, y: {} } } },
    });
    expect(engineObstacle(withParallel, 'compiled')).toMatch(/parallel/);
    expect(bestEngine(withParallel)).toBe('transition');
    const withTimer = createMachine({ initial: 'a', states: { a: { after: { 100: 'b' } }, b: {} } });
    expect(engineObstacle(withTimer, 'transition')).toMatch(/delayed transitions/);
    expect(bestEngine(withTimer)).toBe('interpreter');
    const withCallback = createMachine({ initial: 'a', states: { a: { invoke: { src: fromCallback(() => {}) } } } });
    expect(engineObstacle(withCallback, 'transition')).toMatch(/not promise logic/);
    const withSendTo = setup({ actors: { user } }).createMachine({
      initial: 'a',
      states: { a: { invoke: { id: 'u', src: 'user' }, entry: sendTo('u', { type: 'X' }) } },
    });
    expect(engineObstacle(withSendTo, 'transition')).toMatch(/sendTo/);
    const invokeAtAgentTurn = setup({ actors: { user } }).createMachine({
      initial: 'a',
      states: { a: { tags: ['agentTurn'], invoke: { src: 'user' } } },
    });
    expect(bestEngine(invokeAtAgentTurn)).toBe('interpreter');
  });

  it('refuses an engine that cannot run the env, with the reason', async () => {
    const env = new MachineEnv(
      {
        ...labDefinition,
        id: 'EngineLabTimer-v0',
        createMachine: () => createMachine({ initial: 'a', states: { a: { tags: ['agentTurn'], after: { 10: 'b' } }, b: {} } }),
      },
      { engine: 'compiled' },
    );
    await expect(env.reset({ seed: 1 })).rejects.toThrow(ProtocolError);
    await expect(env.reset({ seed: 1 })).rejects.toThrow(/delayed transitions/);
  });
});
