/**
 * GuessNumber-v0: the smallest complete dialogym environment, kept to prove the core (it is tagged
 * `test` and left out of the leaderboard). The user thinks of a number in [lo, hi]; the agent asks
 * yes/no questions (`ASK is it greater than 40?`) and ends with `GUESS <n>`.
 *
 * It shows the whole pattern an env author follows: a scenario schema, a sampler, a scripted
 * simulator with a turn schema, an XState machine that invokes the simulator as a promise actor,
 * and pure observe / parseAction / info mappings.
 */
import { assign, fromPromise, setup } from 'xstate';
import { type BaseContext, defineEnv } from '../../core/machine-env.js';
import { registerMachineEnv } from '../../core/registry.js';
import type { Rng } from '../../core/rng.js';
import type { JsonSchema } from '../../core/schema.js';
import type { TranscriptEntry } from '../../core/types.js';
import type { SimulatorContext, UserSimulator } from '../../simulators/types.js';
import { LlmUserSimulator } from '../../simulators/llm-simulator.js';
import type { Agent, AgentEpisodeContext } from '../../agents/types.js';

export interface GuessScenario {
  secret: number;
  lo: number;
  hi: number;
}

export const scenarioSchema: JsonSchema = {
  type: 'object',
  required: ['secret', 'lo', 'hi'],
  additionalProperties: false,
  properties: {
    secret: { type: 'integer' },
    lo: { type: 'integer' },
    hi: { type: 'integer' },
  },
};

export interface GuessTurn {
  utterance: string;
  answer: 'yes' | 'no' | 'unknown' | 'greeting';
}

export const turnSchema: JsonSchema = {
  type: 'object',
  required: ['utterance', 'answer'],
  additionalProperties: false,
  properties: {
    utterance: { type: 'string', minLength: 1 },
    answer: { enum: ['yes', 'no', 'unknown', 'greeting'] },
  },
};

type UserInput = { kind: 'greet' } | { kind: 'question'; text: string };

/** Answers comparisons, parity and equality questions truthfully; anything else gets 'unknown'. */
export function answerQuestion(secret: number, text: string): 'yes' | 'no' | 'unknown' {
  const q = text.toLowerCase();
  const n = Number(/-?\d+/.exec(q)?.[0]);
  if (/\beven\b/.test(q)) return secret % 2 === 0 ? 'yes' : 'no';
  if (/\bodd\b/.test(q)) return secret % 2 !== 0 ? 'yes' : 'no';
  if (Number.isNaN(n)) return 'unknown';
  if (/(greater|more|bigger|higher|above|over|>)/.test(q)) return secret > n ? 'yes' : 'no';
  if (/(less|smaller|lower|below|under|<)/.test(q)) return secret < n ? 'yes' : 'no';
  if (/\b(is it|equal|exactly|=)\b/.test(q)) return secret === n ? 'yes' : 'no';
  return 'unknown';
}

class ScriptedGuessUser implements UserSimulator<UserInput, GuessTurn> {
  readonly turnSchema = turnSchema;
  constructor(private readonly ctx: SimulatorContext<GuessScenario>) {}
  get config() {
    return this.ctx.config;
  }
  respond(input: UserInput): GuessTurn {
    const { scenario, rng } = this.ctx;
    if (input.kind === 'greet') {
      return { utterance: `I'm thinking of a number from ${scenario.lo} to ${scenario.hi}.`, answer: 'greeting' };
    }
    const a = answerQuestion(scenario.secret, input.text);
    const words = { yes: ['Yes.', 'Yep.', 'That is right.'], no: ['No.', 'Nope.', 'No, it is not.'] };
    if (a === 'unknown') return { utterance: "I can only answer yes/no questions about the number.", answer: a };
    return { utterance: rng.pick(words[a]), answer: a };
  }
  getState() {
    return null;
  }
  setState(): void {}
}

const narrowTurn = (answer: JsonSchema): JsonSchema => ({ ...turnSchema, properties: { ...turnSchema.properties, answer } });
const greetingTurnSchema = narrowTurn({ enum: ['greeting'] });
const answerTurnSchema = narrowTurn({ enum: ['yes', 'no', 'unknown'] });

/** The LLM-played user: the secret in the system prompt, the agent's questions as its chat input. */
function llmGuessUser(ctx: SimulatorContext<GuessScenario>): UserSimulator<UserInput, GuessTurn> {
  const { secret, lo, hi } = ctx.scenario;
  return new LlmUserSimulator<UserInput, GuessTurn>(ctx, {
    turnSchema,
    schemaName: 'guess_number_turn',
    systemPrompt:
      `You are the user in a number-guessing game. Your secret number is ${secret}, an integer from ${lo} to ${hi}. ` +
      'The assistant asks yes/no questions about it. Answer truthfully and briefly, and do not reveal the number. ' +
      'Reply with JSON: "utterance" is what you say; "answer" is "yes" or "no", or "unknown" when the question ' +
      'is not a yes/no question about the number, or "greeting" for your opening line only.',
    toMessages: (input) =>
      input.kind === 'greet'
        ? [{ role: 'user', content: `(The game starts: greet the player and tell them the range ${lo} to ${hi}.)` }]
        : [{ role: 'user', content: input.text }],
    requestSchema: (input) => (input.kind === 'greet' ? greetingTurnSchema : answerTurnSchema),
    check: (turn, input) => {
      if (input.kind === 'greet') return turn.answer === 'greeting' ? null : 'the opening line must have answer "greeting"';
      return turn.answer === 'greeting' ? 'answer "greeting" is only for the opening line' : null;
    },
  });
}

export interface GuessContext extends BaseContext {
  scenario: GuessScenario;
  transcript: TranscriptEntry[];
  questions: number;
  pending: string;
  guess: number | null;
}

type GuessEvent = { type: 'ASK'; text: string } | { type: 'GUESS'; value: number };

export const definition = defineEnv<GuessScenario, GuessContext>({
  id: 'GuessNumber-v0',
  version: '1.0.0',
  description: 'Find a hidden number with yes/no questions (core test env).',
  scenarioSchema,
  defaultKwargs: { lo: 1, hi: 100, questionCost: 0.05, invalidActionPenalty: 0 },
  sampleScenario(rng: Rng, kwargs) {
    const lo = Number(kwargs.lo);
    const hi = Number(kwargs.hi);
    return { lo, hi, secret: rng.int(lo, hi) };
  },
  simulators: {
    scripted: (ctx) => new ScriptedGuessUser(ctx as SimulatorContext<GuessScenario>),
    llm: (ctx) => llmGuessUser(ctx as SimulatorContext<GuessScenario>),
  },
  createMachine: (deps) =>
    setup({
      types: {} as { context: GuessContext; events: GuessEvent; input: { scenario: GuessScenario } },
      actors: { user: fromPromise<GuessTurn, UserInput>(({ input }) => deps.userTurn(input)) },
    }).createMachine({
      id: 'guessNumber',
      context: ({ input }) => ({
        scenario: input.scenario,
        transcript: [],
        questions: 0,
        pending: '',
        guess: null,
        rewardTotals: { correct: 0, questionCost: 0 },
      }),
      initial: 'greeting',
      states: {
        greeting: {
          invoke: {
            src: 'user',
            input: () => ({ kind: 'greet' as const }),
            onDone: {
              target: 'agentTurn',
              actions: assign({
                transcript: ({ context, event }) => [...context.transcript, { role: 'user', text: event.output.utterance }],
              }),
            },
          },
        },
        agentTurn: {
          tags: ['agentTurn'],
          on: {
            ASK: {
              target: 'answering',
              actions: assign({
                pending: ({ event }) => event.text,
                questions: ({ context }) => context.questions + 1,
                transcript: ({ context, event }) => [...context.transcript, { role: 'agent', text: event.text }],
                rewardTotals: ({ context }) => ({
                  ...context.rewardTotals,
                  questionCost: (context.rewardTotals.questionCost ?? 0) - Number(deps.kwargs.questionCost),
                }),
              }),
            },
            GUESS: {
              target: 'done',
              actions: assign({
                guess: ({ event }) => event.value,
                transcript: ({ context, event }) => [...context.transcript, { role: 'agent', text: `My guess: ${event.value}` }],
                rewardTotals: ({ context, event }) => ({
                  ...context.rewardTotals,
                  correct: event.value === context.scenario.secret ? 1 : 0,
                }),
                terminationReason: ({ context, event }) => (event.value === context.scenario.secret ? 'correct' : 'wrong'),
              }),
            },
          },
        },
        answering: {
          invoke: {
            src: 'user',
            input: ({ context }) => ({ kind: 'question' as const, text: context.pending }),
            onDone: {
              target: 'agentTurn',
              actions: assign({
                transcript: ({ context, event }) => [...context.transcript, { role: 'user', text: event.output.utterance }],
              }),
            },
          },
        },
        done: { type: 'final' },
      },
    }),
  observe(ctx) {
    return {
      instructions:
        `You are guessing a hidden integer from ${ctx.scenario.lo} to ${ctx.scenario.hi}. ` +
        'Actions: `ASK <yes/no question>` (e.g. ASK is it greater than 50?) or `GUESS <n>` to end. ' +
        'Each question costs a little; a correct guess earns 1.',
      transcript: ctx.transcript,
      sampleActions: ['ASK is it greater than 50?', 'ASK is it even?', 'GUESS 50'],
    };
  },
  parseAction(action) {
    const m = /^\s*(ASK|GUESS)\s+([\s\S]+?)\s*$/i.exec(action);
    if (!m) return { invalid: 'expected `ASK <question>` or `GUESS <n>`' };
    const verb = (m[1] as string).toUpperCase();
    const rest = m[2] as string;
    if (verb === 'ASK') {
      if (rest.length > 500) return { invalid: 'question longer than 500 characters' };
      return { event: { type: 'ASK', text: rest } };
    }
    if (!/^-?\d+$/.test(rest)) return { invalid: '`GUESS` takes an integer' };
    return { event: { type: 'GUESS', value: Number(rest) } };
  },
  info(ctx) {
    return { questions: ctx.questions, success: ctx.terminationReason === 'correct' };
  },
});

/** Binary search from the observation alone: parses its own questions and the yes/no replies. */
export class GuessExpert implements Agent {
  readonly id = 'expert';
  act(obs: { transcript: TranscriptEntry[]; instructions: string }): string {
    const range = /from (-?\d+) to (-?\d+)/.exec(obs.instructions);
    let lo = Number(range?.[1] ?? 1);
    let hi = Number(range?.[2] ?? 100);
    for (let i = 0; i + 1 < obs.transcript.length; i++) {
      const t = obs.transcript[i] as TranscriptEntry;
      const reply = obs.transcript[i + 1] as TranscriptEntry;
      const m = /greater than (-?\d+)/.exec(t.text);
      if (t.role !== 'agent' || !m || reply.role !== 'user') continue;
      const n = Number(m[1]);
      if (/^(yes|yep|that is right)/i.test(reply.text)) lo = Math.max(lo, n + 1);
      else hi = Math.min(hi, n);
    }
    if (lo >= hi) return `GUESS ${lo}`;
    return `ASK is it greater than ${Math.floor((lo + hi) / 2)}?`;
  }
}

/** The oracle: reads the secret through the privileged reset hook and guesses it at once. */
export class GuessOracle implements Agent {
  readonly id = 'oracle';
  readonly privileged = true;
  private secret = 0;
  reset(ctx: AgentEpisodeContext): void {
    this.secret = Number((ctx.privileged?.scenario as GuessScenario | undefined)?.secret ?? 0);
  }
  act(): string {
    return `GUESS ${this.secret}`;
  }
}

registerMachineEnv(definition, {
  maxEpisodeSteps: 20,
  tags: ['test'],
  agents: { expert: () => new GuessExpert(), oracle: () => new GuessOracle() },
  audit: {
    message: (text) => `ASK ${text}`,
    // Cashing in without information: the middle of the range.
    finish: () => 'GUESS 50',
    turnsBeforeFinish: 6,
    keywords: ['greater', 'less', 'more', 'bigger', 'higher', 'above', 'over', 'smaller', 'lower', 'below', 'under', 'even', 'odd', 'equal', 'exactly', 'is it'],
    maxMessageChars: 500,
    adversaries: [
      {
        name: 'guess-sweep',
        description: 'guesses 1, 2, 3 … without asking (only the first guess counts: GUESS ends the episode)',
        create: () => ({ id: 'guess-sweep', act: () => 'GUESS 1' }),
      },
    ],
    shortSeeds: 40,
  },
});
