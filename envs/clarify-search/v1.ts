/**
 * ClarifySearch-v1 (ClariQ): the user opens with an ambiguous search request while holding one facet
 * of it in mind. The agent may ask clarifying questions (`ASK <question>`, each costs `questionCost`,
 * at most `maxQuestions`) and ends with `ANSWER <statement of what the user wants>`, graded by
 * grading-v1.ts (BM25 over the topic's facets, the hidden facet first by a 20 % margin).
 *
 * What changed from v0 (kept registered, tagged legacy, unchanged): the v1 scripted user
 * (simulators/clarify/clariq-user-v1.ts: a polarity model fitted on ClariQ train, question forms,
 * consistency, the need told as a crowd worker tells it), the margin grader with a 200-character
 * statement, secrets, an oracle and a stronger expert, and the audit profile.
 * See docs/envs/clarify-search.md.
 */
import { assign, fromPromise, setup } from 'xstate';
import { ClariqSearchRandom } from '../../agents/clarify/search-agents.js';
import { SearchExpertV1, SearchOracle, searchAdversaries, searchKeywords } from '../../agents/clarify/search-agents-v1.js';
import { lastOtherLine } from '../../agents/adversaries/generic.js';
import { ConfigError } from '../../core/errors.js';
import { type BaseContext, defineEnv } from '../../core/machine-env.js';
import { registerMachineEnv } from '../../core/registry.js';
import type { Rng } from '../../core/rng.js';
import type { Observation, TranscriptEntry } from '../../core/types.js';
import { ScriptedClariqUserV1 } from '../../simulators/clarify/clariq-user-v1.js';
import { LlmClariqUserV1 } from '../../simulators/clarify/llm-users.js';
import type { SimulatorContext } from '../../simulators/types.js';
import { splitVerb } from '../clarify-common/text.js';
import type { SearchScenario, SearchTurnV1, SearchUserInput } from '../clarify-common/types.js';
import { gradeStatementV1, MAX_STATEMENT_CHARS_V1, type SearchGradeV1 } from './grading-v1.js';
import { clariqScenarios, MAX_QUESTION_CHARS, searchScenarioSchema } from './index.js';

export const SEARCH_ENV_ID_V1 = 'ClarifySearch-v1';

export interface SearchContextV1 extends BaseContext {
  scenario: SearchScenario;
  transcript: TranscriptEntry[];
  questions: number;
  pending: string;
  statement: string | null;
  grade: SearchGradeV1 | null;
  revealed: string[];
  /** Questions the user read as repeats of earlier ones, and as not questions at all (analysis). */
  repeats: number;
  notQuestions: number;
}

type SearchEvent = { type: 'ASK'; text: string } | { type: 'ANSWER'; text: string };

export const INSTRUCTIONS_V1 = (maxQuestions: number, cost: number) =>
  'You are a web search assistant. The user will send a search request that may be ambiguous: they have one ' +
  'specific information need in mind. You may ask clarifying questions, then you must state what the user wants.\n' +
  'Actions (one per turn):\n' +
  '  ASK <clarifying question>            e.g. ASK are you looking for pictures of it?\n' +
  '  ANSWER <statement of what the user wants>   e.g. ANSWER the user wants remedies for a lump in the throat\n' +
  `Each question costs ${cost}; at most ${maxQuestions} questions. The episode ends with ANSWER, which earns 1 if ` +
  "your statement singles out the user's hidden need among the plausible needs of this request (a lexical match " +
  `that must clearly favour one need, so a statement that hedges across several is wrong; at most ${MAX_STATEMENT_CHARS_V1} characters).`;

const SAMPLE_QUESTIONS = ['ASK are you looking for a specific web site?', 'ASK what would you like to know about this?', 'ASK do you want pictures?'] as const;
const instructionCache = new WeakMap<object, string>();

/** `INSTRUCTIONS_V1`, built once per kwargs object (an env's kwargs are fixed for its life), not on every step. */
function instructionsV1(kwargs: Record<string, unknown>): string {
  let text = instructionCache.get(kwargs);
  if (text === undefined) {
    text = INSTRUCTIONS_V1(Number(kwargs.maxQuestions), Number(kwargs.questionCost));
    instructionCache.set(kwargs, text);
  }
  return text;
}

function splitOf(kwargs: Record<string, unknown>): 'train' | 'dev' | 'all' {
  const s = String(kwargs.split ?? 'all');
  if (s !== 'train' && s !== 'dev' && s !== 'all') throw new ConfigError(`${SEARCH_ENV_ID_V1}: split must be train, dev or all (got '${s}')`);
  return s;
}

const scenarioCache = new Map<string, SearchScenario[]>();
const VERBS = ['ask', 'answer'] as const;

export const definitionV1 = defineEnv<SearchScenario, SearchContextV1>({
  id: SEARCH_ENV_ID_V1,
  version: '2.0.0',
  description: 'ClariQ search clarification (v1): a consistent crowd-like user; state the hidden need, graded with a margin.',
  scenarioSchema: searchScenarioSchema,
  defaultKwargs: { questionCost: 0.1, maxQuestions: 5, split: 'all', invalidActionPenalty: 0 },
  sampleScenario(rng: Rng, kwargs) {
    const split = splitOf(kwargs);
    let pool = scenarioCache.get(split);
    if (!pool) {
      pool = clariqScenarios(split);
      scenarioCache.set(split, pool);
    }
    return structuredClone(rng.pick(pool));
  },
  simulators: {
    scripted: (ctx) => new ScriptedClariqUserV1(ctx as SimulatorContext<SearchScenario>),
    llm: (ctx) => new LlmClariqUserV1(ctx as SimulatorContext<SearchScenario>),
  },
  createMachine: (deps) =>
    setup({
      types: {} as { context: SearchContextV1; events: SearchEvent; input: { scenario: SearchScenario } },
      actors: { user: fromPromise<SearchTurnV1, SearchUserInput>(({ input }) => deps.userTurn(input)) },
      actions: {
        // Invoked only from the user actor's onDone, whose event carries the user's turn as output.
        recordReply: assign(({ context, event }) => {
          const turn = (event as unknown as { output: SearchTurnV1 }).output;
          return {
            transcript: [...context.transcript, { role: 'user', text: turn.utterance }],
            revealed: [...new Set([...context.revealed, ...turn.revealedAspects])],
            repeats: context.repeats + (turn.repeatOf === null ? 0 : 1),
            notQuestions: context.notQuestions + (turn.form === 'not-a-question' ? 1 : 0),
          };
        }),
      },
    }).createMachine({
      id: 'clarifySearchV1',
      context: ({ input }) => ({
        scenario: input.scenario,
        transcript: [],
        questions: 0,
        pending: '',
        statement: null,
        grade: null,
        revealed: [],
        repeats: 0,
        notQuestions: 0,
        rewardTotals: { correct: 0, questionCost: 0 },
      }),
      initial: 'opening',
      states: {
        opening: {
          invoke: {
            src: 'user',
            input: () => ({ kind: 'open' as const }),
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
            ANSWER: {
              target: 'done',
              actions: assign(({ context, event }) => {
                const said = context.transcript.filter((t) => t.role === 'user').map((t) => t.text);
                const grade = gradeStatementV1(event.text, context.scenario, said);
                return {
                  statement: event.text,
                  grade,
                  transcript: [...context.transcript, { role: 'agent', text: `ANSWER ${event.text}` }],
                  rewardTotals: { ...context.rewardTotals, correct: grade.correct ? 1 : 0 },
                  terminationReason: grade.correct ? 'correct' : 'wrong',
                };
              }),
            },
          },
        },
        answering: {
          invoke: {
            src: 'user',
            input: ({ context }) => ({ kind: 'question' as const, text: context.pending }),
            onDone: [
              {
                // The user gave up (asked the same thing once too often): the episode ends unanswered.
                guard: ({ event }) => event.output.ended === true,
                target: 'done',
                actions: [
                  'recordReply',
                  assign({ grade: () => null, terminationReason: () => 'user_left' }),
                ],
              },
              { target: 'agentTurn', actions: 'recordReply' },
            ],
          },
        },
        done: { type: 'final' },
      },
    }),
  observe(ctx, kwargs) {
    const maxQ = Number(kwargs.maxQuestions);
    const canAsk = ctx.questions < maxQ;
    return {
      instructions: instructionsV1(kwargs),
      transcript: ctx.transcript,
      sampleActions: canAsk
        ? [SAMPLE_QUESTIONS[0], SAMPLE_QUESTIONS[1], SAMPLE_QUESTIONS[2], `ANSWER ${ctx.scenario.request.slice(0, MAX_STATEMENT_CHARS_V1)}`]
        : [`ANSWER ${ctx.scenario.request.slice(0, MAX_STATEMENT_CHARS_V1)}`],
    };
  },
  parseAction(action, ctx, kwargs) {
    const m = splitVerb(action, VERBS);
    if (!m) return { invalid: 'expected `ASK <clarifying question>` or `ANSWER <statement of what the user wants>`' };
    const verb = m.verb;
    const rest = m.rest.replace(/\s+/g, ' ');
    if (rest.length === 0) return { invalid: `\`${verb}\` needs text after it` };
    if (verb === 'ASK') {
      if (ctx.questions >= Number(kwargs.maxQuestions)) {
        return { invalid: `question limit (${kwargs.maxQuestions}) reached; end with ANSWER <statement>` };
      }
      if (rest.length > MAX_QUESTION_CHARS) return { invalid: `question longer than ${MAX_QUESTION_CHARS} characters` };
      return { event: { type: 'ASK', text: rest } };
    }
    if (rest.length > MAX_STATEMENT_CHARS_V1) return { invalid: `statement longer than ${MAX_STATEMENT_CHARS_V1} characters` };
    return { event: { type: 'ANSWER', text: rest } };
  },
  info(ctx) {
    const out: Record<string, unknown> = {
      questions: ctx.questions,
      clarificationNeed: ctx.scenario.clarificationNeed,
      revealedAspects: ctx.revealed,
      repeatedQuestions: ctx.repeats,
      notQuestions: ctx.notQuestions,
    };
    if (ctx.grade) {
      out.success = ctx.grade.correct;
      out.facetRank = ctx.grade.rank;
      out.facetLead = ctx.grade.lead;
      out.statementSupport = ctx.grade.support;
      out.facetScores = ctx.grade.scores;
      out.hiddenFacet = ctx.scenario.facet.id;
    }
    return out;
  },
  // The facets (ids and exact descriptions) are what the agent must find out; the user speaks in
  // its own lower-case words, so the exact descriptions never appear in a legitimate reply.
  secrets(scenario) {
    return [scenario.facet.id, scenario.facet.description, ...scenario.otherFacets.flatMap((f) => [f.id, f.description])];
  },
  render(ctx) {
    const lines = [
      `[${SEARCH_ENV_ID_V1} topic ${ctx.scenario.topicId}, need ${ctx.scenario.clarificationNeed}]`,
      `[hidden facet ${ctx.scenario.facet.id}: ${ctx.scenario.facet.description}]`,
      ...ctx.transcript.map((t) => `${t.role}: ${t.text}`),
    ];
    if (ctx.grade) {
      lines.push(
        `[${ctx.grade.correct ? 'correct' : 'wrong'}: hidden facet ranked ${ctx.grade.rank} of ${ctx.grade.scores.length}, lead ×${ctx.grade.lead}, support ${ctx.grade.support}; ` +
          `scores ${ctx.grade.scores.map((s) => `${s.id}=${s.score.toFixed(2)}`).join(' ')}]`,
      );
    }
    return lines.join('\n');
  },
});

/** The strongest paste: every user line (request and replies), cut to the statement cap. */
export function pasteReplies(obs: Observation): string {
  const text = obs.transcript
    .filter((t) => t.role === 'user')
    .map((t) => t.text)
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
  return `ANSWER ${(text || lastOtherLine(obs) || 'information').slice(0, MAX_STATEMENT_CHARS_V1).trim()}`;
}

registerMachineEnv(definitionV1, {
  maxEpisodeSteps: 30,
  agents: {
    expert: () => new SearchExpertV1(),
    random: () => new ClariqSearchRandom(MAX_STATEMENT_CHARS_V1),
    oracle: () => new SearchOracle(),
  },
  audit: {
    message: (text) => `ASK ${text}`,
    finish: (obs) => pasteReplies(obs),
    turnsBeforeFinish: 2,
    keywords: searchKeywords(),
    maxMessageChars: MAX_QUESTION_CHARS,
    adversaries: searchAdversaries(),
  },
});
