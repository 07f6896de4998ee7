import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assign, fromPromise, setup } from 'xstate';
import '../../index.js';
import { type BaseContext, defineEnv, MachineEnv } from '../../core/machine-env.js';
import { make } from '../../core/registry.js';
import { SchemaError } from '../../core/schema.js';
import { DIALOGYM_VERSION } from '../../core/version.js';

describe('MachineEnv on GuessNumber-v0', () => {
  it('rejects a bad scenario with a message naming the field', async () => {
    const env = make('GuessNumber-v0');
    await expect(env.reset({ seed: 1, options: { scenario: { lo: 1, hi: 'x', secret: 3 } } })).rejects.toThrow(
      /\/hi must be integer/,
    );
    await expect(env.reset({ seed: 1, options: { scenario: { lo: 1, hi: 9 } } })).rejects.toBeInstanceOf(SchemaError);
  });

  it('runs a given scenario, and derives the same episode from the same seed', async () => {
    const env = make('GuessNumber-v0');
    const r = await env.reset({ seed: 4, options: { scenario: { lo: 1, hi: 4, secret: 3 } } });
    expect(r.observation.instructions).toMatch(/from 1 to 4/);
    expect(r.info.seed).toBe(4);
    const s = await env.step('GUESS 3');
    expect(s.terminated).toBe(true);
    expect(s.reward).toBe(1);
    expect(s.info.terminationReason).toBe('correct');
    await expect(env.step('GUESS 3')).rejects.toThrow(/after the episode ended/);
  });

  it('continues its own seed stream when reset has no seed', async () => {
    const a = make('GuessNumber-v0');
    const b = make('GuessNumber-v0');
    const secrets = async (env: typeof a) => {
      const out: number[] = [];
      for (let i = 0; i < 4; i++) {
        await env.reset();
        out.push(env.scenario().secret);
      }
      return out;
    };
    const sa = await secrets(a);
    expect(await secrets(b)).toEqual(sa);
    expect(new Set(sa).size).toBeGreaterThan(1);
  });

  it('an invalid action gives feedback, a flag, the configured penalty, and changes nothing', async () => {
    const env = make('GuessNumber-v0', { kwargs: { invalidActionPenalty: 0.2 } });
    await env.reset({ seed: 2 });
    const before = JSON.stringify(env.snapshot());
    const r = await env.step('GUESS banana');
    expect(r.info.invalidAction?.reason).toMatch(/integer/);
    expect(r.observation.newText).toMatch(/^Invalid action/);
    expect(r.reward).toBe(-0.2);
    expect(r.info.rewardComponents).toEqual({ invalidAction: -0.2 });
    const { wrappers: _a, ...b1 } = JSON.parse(before);
    const { wrappers: _b, ...a1 } = env.snapshot();
    expect(JSON.parse(JSON.stringify(a1))).toEqual(b1);
  });
});

describe('MachineEnv with a failing simulator', () => {
  interface Ctx extends BaseContext {
    said: string[];
  }
  const definition = (turn: unknown) =>
    defineEnv<{ x: number }, Ctx>({
      id: 'Failing-v0',
      version: '1.0.0',
      description: 'test',
      scenarioSchema: { type: 'object' },
      defaultKwargs: {},
      sampleScenario: () => ({ x: 1 }),
      simulators: {
        scripted: (ctx) => ({
          config: ctx.config,
          turnSchema: { type: 'object', required: ['utterance'], properties: { utterance: { type: 'string' } } },
          respond: () => turn,
          getState: () => null,
          setState: () => {},
        }),
      },
      createMachine: (deps) =>
        setup({
          types: {} as { context: Ctx; events: { type: 'SAY' } },
          actors: { user: fromPromise(() => deps.userTurn({})) },
        }).createMachine({
          context: { said: [], rewardTotals: {} },
          initial: 'agent',
          states: {
            agent: { tags: ['agentTurn'], on: { SAY: 'user' } },
            user: {
              invoke: {
                src: 'user',
                onDone: { target: 'agent', actions: assign({ said: ({ context }) => [...context.said, 'x'] }) },
              },
            },
          },
        }),
      observe: (ctx) => ({ instructions: 'say', transcript: ctx.said.map((t) => ({ role: 'user', text: t })) }),
      parseAction: (a) => (a.trim() ? { event: { type: 'SAY' } } : { invalid: 'empty' }),
    });

  it('ends the episode with a typed, recorded error when a turn violates its schema', async () => {
    const env = new MachineEnv(definition({ nope: true }));
    await env.reset({ seed: 1 });
    const r = await env.step('hi');
    expect(r.terminated).toBe(true);
    expect(r.info.error?.type).toBe('invalid_simulator_turn');
    expect(r.info.error?.message).toMatch(/utterance is required/);
    expect(r.info.terminationReason).toBe('error');
  });

  it('passes valid turns through and logs them in info.simulatorTurns', async () => {
    const env = new MachineEnv(definition({ utterance: 'ok' }));
    await env.reset({ seed: 1 });
    const r = await env.step('hi');
    expect(r.terminated).toBe(false);
    expect(r.info.simulatorTurns).toEqual([{ utterance: 'ok' }]);
  });
});

describe('version', () => {
  it('DIALOGYM_VERSION matches package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    expect(DIALOGYM_VERSION).toBe(pkg.version);
  });
});
