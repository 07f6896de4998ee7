/**
 * Small env definitions whose machines use, between them, every statechart feature the compiled
 * engine runs (see core/compiled-machine.ts), written in the env-authoring convention (a `user`
 * promise actor calling `deps.userTurn`). test/core/engines.test.ts plays the same actions through
 * every engine and requires identical results; the machines keep a `log` of what ran, in order, in
 * their context, so that any difference in exit/entry/action order shows in the observation.
 *
 * - `Lab`: nested compound states, `#id` targets, a `reenter: true` self-transition, targetless
 *   transitions, an eventless chain with guards, a raised event, a custom action that mutates the
 *   context in place (it must run exactly when XState runs it), a partial wildcard (`OTHER.*`), a
 *   compound state finishing through a nested final state (its `onDone`), entry/exit actions, named
 *   actions with params, named guards with params, and a final state.
 * - the simulator answers synchronously (`scripted`) or after a macrotask (`async`), and can be told
 *   to fail (a sync throw, or a rejection) or to break its turn schema; `Lab` handles some failures
 *   with `onError` and leaves others to fail the episode.
 */
import { assign, fromPromise, raise, setup } from 'xstate';
import { type BaseContext, defineEnv, type EnvDefinition } from '../../core/machine-env.js';
import type { JsonSchema } from '../../core/schema.js';
import type { Json, TranscriptEntry } from '../../core/types.js';
import type { SimulatorContext, UserSimulator } from '../../simulators/types.js';

interface LabTurn {
  reply: string;
  n: number;
}

const turnSchema: JsonSchema = {
  type: 'object',
  required: ['reply', 'n'],
  additionalProperties: false,
  properties: { reply: { type: 'string' }, n: { type: 'integer' } },
};

type LabInput = { kind: string; round: number; mode?: string };

class LabUser implements UserSimulator<LabInput, LabTurn | Promise<LabTurn>> {
  readonly turnSchema = turnSchema;
  private calls = 0;
  constructor(
    private readonly ctx: SimulatorContext,
    private readonly later: boolean,
  ) {}
  get config() {
    return this.ctx.config;
  }
  private answer(input: LabInput): LabTurn {
    this.calls += 1;
    if (input.mode === 'throw') throw Object.assign(new Error('the user fell over'), { type: 'user_failed' });
    if (input.mode === 'bad') return { reply: 'broken', n: 'x' as unknown as number };
    const n = this.ctx.rng.int(0, 9);
    return { reply: `${input.kind}#${input.round}:${n}:${this.calls}`, n };
  }
  respond(input: LabInput): LabTurn | Promise<LabTurn> {
    if (!this.later) return this.answer(input);
    return new Promise((resolve, reject) =>
      setTimeout(() => {
        try {
          resolve(this.answer(input));
        } catch (err) {
          reject(err);
        }
      }, 0),
    );
  }
  getState(): Json {
    return { calls: this.calls };
  }
  setState(state: Json): void {
    this.calls = Number(state?.calls ?? 0);
  }
}

export interface LabContext extends BaseContext {
  log: string[];
  transcript: TranscriptEntry[];
  round: number;
  mode: string;
  last: number;
  pings: number;
}

type LabEvent =
  | { type: 'GO'; mode: string }
  | { type: 'AGAIN' }
  | { type: 'PING' }
  | { type: 'RAISE' }
  | { type: 'MUTATE' }
  | { type: 'BOOM' }
  | { type: 'DEEP' }
  | { type: 'FINISH' }
  | { type: 'OTHER.thing' };

// Typed loosely: XState infers each action's event type from where it is used.
const note = (what: string): never => assign(({ context }: { context: LabContext }) => ({ log: [...context.log, what] })) as never;

export const labDefinition: EnvDefinition<{ rounds: number }, LabContext> = defineEnv<{ rounds: number }, LabContext>({
  id: 'EngineLab-v0',
  version: '1.0.0',
  description: 'engine differential test machine',
  scenarioSchema: { type: 'object', required: ['rounds'], properties: { rounds: { type: 'integer' } } },
  defaultKwargs: {},
  sampleScenario: (rng) => ({ rounds: rng.int(2, 4) }),
  simulators: {
    scripted: (ctx) => new LabUser(ctx, false),
    async: (ctx) => new LabUser(ctx, true),
  },
  createMachine: (deps) =>
    setup({
      types: {} as { context: LabContext; events: LabEvent; input: { scenario: { rounds: number } } },
      actors: { user: fromPromise<LabTurn, LabInput>(({ input }) => deps.userTurn(input)) },
      actions: {
        tag: assign(({ context }, params: { what: string }) => ({ log: [...context.log, `tag:${params.what}`] })),
        heard: assign(({ context, event }) => {
          const out = (event as unknown as { output: LabTurn }).output;
          return {
            last: out.n,
            transcript: [...context.transcript, { role: 'user', text: out.reply }],
            log: [...context.log, `heard:${out.n}`],
            rewardTotals: { ...context.rewardTotals, heard: (context.rewardTotals.heard ?? 0) + out.n / 10 },
          };
        }),
      },
      guards: {
        atLeast: ({ context }, params: { n: number }) => context.last >= params.n,
      },
    }).createMachine({
      id: 'lab',
      context: ({ input }) => ({
        log: ['context'],
        transcript: [{ role: 'system', text: `rounds ${input.scenario.rounds}` }],
        round: 0,
        mode: 'ok',
        last: 0,
        pings: 0,
        rewardTotals: { heard: 0, rounds: 0 },
      }),
      entry: note('root:entry'),
      initial: 'intro',
      on: {
        PING: { actions: [assign(({ context }) => ({ pings: context.pings + 1 })), note('ping')] },
        DEEP: { target: '.work.deep.inner' },
      },
      states: {
        intro: {
          entry: note('intro:entry'),
          exit: note('intro:exit'),
          invoke: {
            src: 'user',
            input: ({ context }) => ({ kind: 'intro', round: context.round }),
            onDone: { target: 'idle', actions: 'heard' },
          },
        },
        idle: {
          tags: ['agentTurn'],
          entry: note('idle:entry'),
          exit: note('idle:exit'),
          on: {
            GO: { target: 'work', actions: assign(({ context, event }) => ({ mode: event.mode, round: context.round + 1 })) },
            AGAIN: { target: 'idle', reenter: true, actions: note('again') },
            RAISE: { actions: [raise({ type: 'PING' }), note('raised')] },
            MUTATE: {
              // A custom action that changes the context in place: it must run between the two assigns.
              actions: [
                note('before-mutate'),
                ({ context }) => {
                  context.log.push('mutated');
                },
                note('after-mutate'),
              ],
            },
            BOOM: {
              actions: () => {
                throw new Error('an action blew up');
              },
            },
            FINISH: { target: 'over' },
            'OTHER.*': { actions: note('wildcard') },
          },
        },
        work: {
          entry: note('work:entry'),
          exit: note('work:exit'),
          initial: 'ask',
          onDone: { target: 'idle', actions: note('work:done') },
          states: {
            ask: {
              entry: { type: 'tag', params: { what: 'ask' } },
              invoke: {
                src: 'user',
                input: ({ context }) => ({ kind: 'ask', round: context.round, mode: context.mode }),
                onDone: [
                  { guard: { type: 'atLeast', params: { n: 8 } }, target: 'ask', reenter: true, actions: ['heard', note('re-ask')] },
                  { target: 'check', actions: 'heard' },
                ],
                onError: { guard: ({ context }) => context.mode === 'throw', target: '#lab.idle', actions: note('user-error-handled') },
              },
            },
            check: {
              always: [
                {
                  guard: ({ context }) => context.round >= 3,
                  target: 'closing',
                  actions: assign(({ context }) => ({ rewardTotals: { ...context.rewardTotals, rounds: context.round } })),
                },
                { guard: ({ context }) => context.last % 2 === 0, target: '#lab.idle', actions: note('even') },
                { target: 'settle' },
              ],
            },
            settle: {
              entry: note('settle:entry'),
              always: { target: '#lab.idle', actions: note('odd') },
            },
            closing: { entry: note('closing'), always: 'finished' },
            finished: { type: 'final', entry: note('work:final') },
            deep: {
              initial: 'inner',
              entry: note('deep:entry'),
              states: { inner: { entry: note('inner:entry'), always: { target: '#lab.idle', actions: note('deep:out') } } },
            },
          },
        },
        over: { type: 'final', entry: note('over') },
      },
    }),
  observe: (ctx) => ({
    instructions: 'lab',
    transcript: ctx.transcript,
    newText: ctx.log.join(','),
    legalActions: ['GO ok', 'AGAIN', 'PING', 'RAISE', 'MUTATE', 'DEEP', 'FINISH'],
  }),
  parseAction: (action) => {
    const [verb, arg] = action.trim().split(/\s+/);
    switch (verb) {
      case 'GO':
        return { event: { type: 'GO', mode: arg ?? 'ok' } };
      case 'AGAIN':
      case 'PING':
      case 'RAISE':
      case 'MUTATE':
      case 'BOOM':
      case 'DEEP':
      case 'FINISH':
        return { event: { type: verb } };
      case 'OTHER':
        return { event: { type: 'OTHER.thing' } };
      default:
        return { invalid: `unknown verb '${verb}'` };
    }
  },
  info: (ctx) => ({ log: ctx.log, round: ctx.round, pings: ctx.pings, success: ctx.terminationReason === undefined }),
});

/** Action scripts for the lab: each exercises a path; all run through every engine. */
export const LAB_SCRIPTS: Record<string, string[]> = {
  rounds: ['GO ok', 'GO ok', 'GO ok', 'GO ok', 'GO ok', 'FINISH'],
  everything: ['PING', 'RAISE', 'MUTATE', 'AGAIN', 'OTHER', 'nonsense', 'DEEP', 'GO ok', 'PING', 'GO ok', 'GO ok', 'FINISH'],
  handledError: ['GO throw', 'PING', 'GO ok', 'FINISH'],
  unhandledBadTurn: ['GO bad', 'PING'],
  actionThrows: ['PING', 'BOOM', 'PING'],
};
