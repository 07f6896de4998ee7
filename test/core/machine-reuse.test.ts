/**
 * MachineEnv builds an env's machine once and reuses it across episodes when `createMachine` reads
 * no per-episode deps while building; otherwise it builds one per episode. Either way every episode
 * must see its own scenario, env rng and simulator.
 */
import { assign, fromPromise, setup } from 'xstate';
import { describe, expect, it } from 'vitest';
import { type BaseContext, defineEnv, type EnvDefinition, MachineEnv, type MachineDeps } from '../../core/machine-env.js';
import type { SimulatorContext, UserSimulator } from '../../simulators/types.js';

interface Scenario {
  secret: number;
}
interface Ctx extends BaseContext {
  heard: string;
  drawn: number;
}

class EchoUser implements UserSimulator<null, { utterance: string }> {
  readonly turnSchema = { type: 'object', required: ['utterance'], properties: { utterance: { type: 'string' } } };
  constructor(private readonly ctx: SimulatorContext<Scenario>) {}
  get config() {
    return this.ctx.config;
  }
  respond() {
    return { utterance: `secret ${this.ctx.scenario.secret}` };
  }
  getState() {
    return null;
  }
  setState(): void {}
}

/** `eager`: the factory reads the scenario while building (so its machine cannot be shared). */
function makeDefinition(eager: boolean, builds: { count: number }): EnvDefinition<Scenario, Ctx> {
  return defineEnv<Scenario, Ctx>({
    id: eager ? 'EagerProbe-v0' : 'LazyProbe-v0',
    version: '1.0.0',
    description: 'machine reuse probe',
    scenarioSchema: { type: 'object', required: ['secret'], properties: { secret: { type: 'integer' } } },
    defaultKwargs: {},
    sampleScenario: (rng) => ({ secret: rng.int(1, 1_000_000) }),
    simulators: { scripted: (ctx) => new EchoUser(ctx as SimulatorContext<Scenario>) },
    createMachine: (deps: MachineDeps<Scenario>) => {
      builds.count += 1;
      const captured = eager ? deps.scenario.secret : undefined;
      return setup({
        types: {} as { context: Ctx; events: { type: 'SAY' }; input: { scenario: Scenario } },
        actors: { user: fromPromise<{ utterance: string }, null>(() => deps.userTurn(null)) },
      }).createMachine({
        context: () => ({ heard: '', drawn: 0, rewardTotals: { secret: 0 } }),
        initial: 'greeting',
        states: {
          greeting: {
            invoke: {
              src: 'user',
              input: () => null,
              onDone: { target: 'agentTurn', actions: assign({ heard: ({ event }) => event.output.utterance }) },
            },
          },
          agentTurn: {
            tags: ['agentTurn'],
            on: {
              SAY: {
                target: 'done',
                actions: assign({
                  drawn: () => deps.rng.int(1, 1_000_000),
                  rewardTotals: () => ({ secret: captured ?? deps.scenario.secret }),
                }),
              },
            },
          },
          done: { type: 'final' },
        },
      });
    },
    observe: (ctx) => ({ instructions: 'say', transcript: [{ role: 'user', text: ctx.heard }] }),
    parseAction: () => ({ event: { type: 'SAY' } }),
    info: (ctx) => ({ drawn: ctx.drawn }),
  });
}

async function play(env: MachineEnv<Scenario, Ctx>, seed: number) {
  const r0 = await env.reset({ seed });
  const r1 = await env.step('SAY');
  return { secret: (env.scenario() as Scenario).secret, heard: r0.observation.newText, reward: r1.reward, drawn: r1.info.drawn };
}

describe('MachineEnv machine reuse', () => {
  for (const eager of [false, true]) {
    it(`${eager ? 'builds per episode' : 'builds once'} and keeps every episode on its own deps (${eager ? 'eager' : 'lazy'} factory)`, async () => {
      const builds = { count: 0 };
      const env = new MachineEnv(makeDefinition(eager, builds));
      const fresh = async (seed: number) => {
        const other = new MachineEnv(makeDefinition(eager, { count: 0 }));
        return play(other, seed);
      };
      const seen = [];
      for (const seed of [1, 2, 3, 2]) {
        const got = await play(env, seed);
        expect(got.heard).toBe(`user: secret ${got.secret}`);
        expect(got.reward).toBe(got.secret);
        // Same seed in a brand-new env (its own machine) gives the same episode.
        expect(got).toEqual(await fresh(seed));
        seen.push(got.secret);
      }
      expect(new Set(seen).size).toBe(3);
      expect(builds.count).toBe(eager ? 4 : 1);
    });
  }

  it('restores a snapshot of an earlier episode on the shared machine', async () => {
    const builds = { count: 0 };
    const env = new MachineEnv(makeDefinition(false, builds));
    await env.reset({ seed: 7 });
    const snap = env.snapshot();
    const secret7 = (env.scenario() as Scenario).secret;
    await play(env, 8);
    await env.restore(snap);
    const r = await env.step('SAY');
    expect(r.reward).toBe(secret7);
    expect(builds.count).toBe(1);
  });
});
