/**
 * ClarifySearch-v0 (ClariQ): the user opens with an ambiguous search request while holding one
 * facet of it in mind. The agent may ask clarifying questions (`ASK <question>`, each costs
 * `questionCost`, at most `maxQuestions`) and ends with `ANSWER <statement of what the user wants>`.
 * The statement is correct when BM25 ranks the hidden facet first among the topic's facets
 * (see grading.ts). Reward: `correct` (1 or 0) plus `questionCost` (−cost per question).
 *
 * The agent sees the request, its questions and the user's answers; never the facets. The
 * scripted user is grounded in ClariQ's crowd answers (simulators/clarify/clariq-user.ts).
 */
import { assign, fromPromise, setup } from 'xstate';
import { type BaseContext, defineEnv } from '../../core/machine-env.js';
import { registerMachineEnv } from '../../core/registry.js';
import type { Rng } from '../../core/rng.js';
import type { JsonSchema } from '../../core/schema.js';
import type { TranscriptEntry } from '../../core/types.js';
import { ConfigError } from '../../core/errors.js';
import { ClariqSearchExpert, ClariqSearchNoQuestion, ClariqSearchRandom } from '../../agents/clarify/search-agents.js';
import { ScriptedClariqUser } from '../../simulators/clarify/clariq-user.js';
import { LlmClariqUser } from '../../simulators/clarify/llm-users.js';
import { RecordedClariqUser } from '../../simulators/clarify/recorded-user.js';
import { loadClariq } from '../clarify-common/clariq-data.js';
import type { SearchScenario, SearchTurn, SearchUserInput } from '../clarify-common/types.js';
import type { SimulatorContext } from '../../simulators/types.js';
import { gradeStatement, type SearchGrade } from './grading.js';

export const SEARCH_ENV_ID = 'ClarifySearch-v0';
export const MAX_QUESTION_CHARS = 500;
/** Long statements could paste every facet's words; the cap keeps the statement a statement. */
export const MAX_STATEMENT_CHARS = 300;

const facetSchema: JsonSchema = {
  type: 'object',
  required: ['id', 'description'],
  additionalProperties: false,
  properties: { id: { type: 'string', minLength: 1 }, description: { type: 'string', minLength: 1 } },
};

export const searchScenarioSchema: JsonSchema = {
  type: 'object',
  required: ['topicId', 'request', 'clarificationNeed', 'facet', 'otherFacets'],
  additionalProperties: false,
  properties: {
    topicId: { type: 'string', minLength: 1 },
    request: { type: 'string', minLength: 1 },
    clarificationNeed: { type: 'integer', minimum: 1, maximum: 4 },
    facet: facetSchema,
    otherFacets: { type: 'array', items: facetSchema },
  },
};

/** Every (topic, facet) of the shipped ClariQ splits as a scenario, in corpus order. */
export function clariqScenarios(split: 'train' | 'dev' | 'all' = 'all'): SearchScenario[] {
  const out: SearchScenario[] = [];
  for (const t of loadClariq().topics) {
    if (split !== 'all' && t.split !== split) continue;
    for (const f of t.facets) {
      out.push({
        topicId: t.id,
        request: t.request,
        clarificationNeed: t.need,
        facet: { id: f.id, description: f.desc },
        otherFacets: t.facets.filter((o) => o !== f).map((o) => ({ id: o.id, description: o.desc })),
      });
    }
  }
  return out;
}

export interface SearchContext extends BaseContext {
  scenario: SearchScenario;
  transcript: TranscriptEntry[];
  questions: number;
  pending: string;
  statement: string | null;
  grade: SearchGrade | null;
  /** Facet terms the user has revealed so far (analysis). */
  revealed: string[];
}

type SearchEvent = { type: 'ASK'; text: string } | { type: 'ANSWER'; text: string };

export const INSTRUCTIONS = (maxQuestions: number, cost: number) =>
  'You are a web search assistant. The user will send a search request that may be ambiguous: they have one ' +
  'specific information need in mind. You may ask clarifying questions, then you must state what the user wants.\n' +
  'Actions (one per turn):\n' +
  '  ASK <clarifying question>            e.g. ASK are you looking for pictures of it?\n' +
  '  ANSWER <statement of what the user wants>   e.g. ANSWER the user wants remedies for a lump in the throat\n' +
  `Each question costs ${cost}; at most ${maxQuestions} questions. The episode ends with ANSWER, which earns 1 if ` +
  "your statement matches the user's hidden need better than the other plausible needs of this request " +
  `(lexical match, so use specific words; at most ${MAX_STATEMENT_CHARS} characters).`;

function splitOf(kwargs: Record<string, unknown>): 'train' | 'dev' | 'all' {
  const s = String(kwargs.split ?? 'all');
  if (s !== 'train' && s !== 'dev' && s !== 'all') throw new ConfigError(`ClarifySearch-v0: split must be train, dev or all (got '${s}')`);
  return s;
}

const scenarioCache = new Map<string, SearchScenario[]>();

export const definition = defineEnv<SearchScenario, SearchContext>({
  id: SEARCH_ENV_ID,
  version: '1.0.0',
  description: 'ClariQ search clarification: ask about an ambiguous request, then state the hidden facet.',
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
    scripted: (ctx) => new ScriptedClariqUser(ctx as SimulatorContext<SearchScenario>),
    llm: (ctx) => new LlmClariqUser(ctx as SimulatorContext<SearchScenario>),
    // 'human' replays the crowd answers of imported ClariQ records (the kind the import convention uses).
    human: (ctx) => new RecordedClariqUser(ctx as SimulatorContext<SearchScenario>),
  },
  createMachine: (deps) =>
    setup({
      types: {} as { context: SearchContext; events: SearchEvent; input: { scenario: SearchScenario } },
      actors: { user: fromPromise<SearchTurn, SearchUserInput>(({ input }) => deps.userTurn(input)) },
    }).createMachine({
      id: 'clarifySearch',
      context: ({ input }) => ({
        scenario: input.scenario,
        transcript: [],
        questions: 0,
        pending: '',
        statement: null,
        grade: null,
        revealed: [],
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
                const grade = gradeStatement(event.text, context.scenario);
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
            onDone: {
              target: 'agentTurn',
              actions: assign({
                transcript: ({ context, event }) => [...context.transcript, { role: 'user', text: event.output.utterance }],
                revealed: ({ context, event }) => [...new Set([...context.revealed, ...event.output.revealedAspects])],
              }),
            },
          },
        },
        done: { type: 'final' },
      },
    }),
  observe(ctx, kwargs) {
    const maxQ = Number(kwargs.maxQuestions);
    const request = ctx.scenario.request;
    const canAsk = ctx.questions < maxQ;
    return {
      instructions: INSTRUCTIONS(maxQ, Number(kwargs.questionCost)),
      transcript: ctx.transcript,
      sampleActions: [
        ...(canAsk
          ? [
              'ASK are you looking for a specific web site?',
              'ASK what would you like to know about this?',
              'ASK do you want pictures?',
            ]
          : []),
        `ANSWER ${request.slice(0, MAX_STATEMENT_CHARS)}`,
      ],
    };
  },
  parseAction(action, ctx, kwargs) {
    const m = /^\s*(ASK|ANSWER)\b\s*([\s\S]*?)\s*$/i.exec(action);
    if (!m) return { invalid: 'expected `ASK <clarifying question>` or `ANSWER <statement of what the user wants>`' };
    const verb = (m[1] as string).toUpperCase();
    const rest = (m[2] as string).replace(/\s+/g, ' ');
    if (rest.length === 0) return { invalid: `\`${verb}\` needs text after it` };
    if (verb === 'ASK') {
      if (ctx.questions >= Number(kwargs.maxQuestions)) {
        return { invalid: `question limit (${kwargs.maxQuestions}) reached; end with ANSWER <statement>` };
      }
      if (rest.length > MAX_QUESTION_CHARS) return { invalid: `question longer than ${MAX_QUESTION_CHARS} characters` };
      return { event: { type: 'ASK', text: rest } };
    }
    if (rest.length > MAX_STATEMENT_CHARS) return { invalid: `statement longer than ${MAX_STATEMENT_CHARS} characters` };
    return { event: { type: 'ANSWER', text: rest } };
  },
  info(ctx) {
    const out: Record<string, unknown> = {
      questions: ctx.questions,
      clarificationNeed: ctx.scenario.clarificationNeed,
      revealedAspects: ctx.revealed,
    };
    if (ctx.grade) {
      out.success = ctx.grade.correct;
      out.facetRank = ctx.grade.rank;
      out.facetScores = ctx.grade.scores;
      out.hiddenFacet = ctx.scenario.facet.id;
    }
    return out;
  },
  render(ctx) {
    const lines = [
      `[ClarifySearch-v0 topic ${ctx.scenario.topicId}, need ${ctx.scenario.clarificationNeed}]`,
      `[hidden facet ${ctx.scenario.facet.id}: ${ctx.scenario.facet.description}]`,
      ...ctx.transcript.map((t) => `${t.role}: ${t.text}`),
    ];
    if (ctx.grade) {
      lines.push(
        `[${ctx.grade.correct ? 'correct' : 'wrong'}: hidden facet ranked ${ctx.grade.rank} of ${ctx.grade.scores.length}; ` +
          `scores ${ctx.grade.scores.map((s) => `${s.id}=${s.score.toFixed(2)}`).join(' ')}]`,
      );
    }
    return lines.join('\n');
  },
});

registerMachineEnv(definition, {
  maxEpisodeSteps: 30,
  // Superseded by ClarifySearch-v1 (v1.ts); kept unchanged so that v0 records still replay.
  tags: ['legacy'],
  agents: {
    expert: () => new ClariqSearchExpert(),
    random: () => new ClariqSearchRandom(),
    'no-question': () => new ClariqSearchNoQuestion(),
  },
});
