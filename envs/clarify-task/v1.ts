/**
 * ClarifyTask-v1: task requests with hidden slots, where asking well matters.
 *
 * What changed from v0 (kept registered, tagged legacy, unchanged):
 * - the v1 user (simulators/clarify/task-user-v1.ts) answers at most what a person answers in one
 *   reply (2 things, 1 for vague and terse users), answers a list of values like a person (corrects
 *   up to its capacity, never fills a form), does not read slot soup as a question, and states some
 *   preferences only when offered options;
 * - slots constrain each other (data/clarify-task/v1.json: cities differ, party size vs seating,
 *   duration vs start time …); sampled goals always satisfy the constraints, and a submission that
 *   breaks one is an invalid action;
 * - the submission must hold every preference the user has (required slots and optional preferences;
 *   slots the user has no preference for left out), so the optional ones must be asked for;
 * - a turn budget (`maxQuestions` 8) and question costs make efficiency count;
 * - secrets, an oracle, an expert that offers options, and the audit profile.
 *
 * Rewards: `correct` 1/0 (the submission equals the goal), `questionCost` −0.05 per question,
 * `redundancy` −0.1 more per slot a question raises again after the user had settled it.
 */
import { assign, fromPromise, setup } from 'xstate';
import { TaskRandom } from '../../agents/clarify/task-agents.js';
import { TaskExpertV1, TaskOracle, taskAdversaries, taskFinish, taskKeywords } from '../../agents/clarify/task-agents-v1.js';
import { ConfigError } from '../../core/errors.js';
import { type BaseContext, defineEnv } from '../../core/machine-env.js';
import { registerMachineEnv } from '../../core/registry.js';
import type { Rng } from '../../core/rng.js';
import { type JsonSchema, validate } from '../../core/schema.js';
import type { TranscriptEntry } from '../../core/types.js';
import { LlmTaskUserV1 } from '../../simulators/clarify/task-llm-user.js';
import { renderRequest } from '../../simulators/clarify/task-user.js';
import { ScriptedTaskUserV1 } from '../../simulators/clarify/task-user-v1.js';
import type { SimulatorContext } from '../../simulators/types.js';
import {
  PERSONAS_V1,
  type PersonaV1,
  type SlotValueJson,
  type TaskQuestionV1,
  type TaskScenarioV1,
  type TaskTurnV1,
  type TaskUserInputV1,
} from '../clarify-common/types.js';
import { splitVerb } from '../clarify-common/text.js';
import { type DomainIndex, domainIndex, taskDomains } from './domains.js';
import { analyzeQuestionV1, constraintLines, rulesOf, violations } from './rules-v1.js';

export const TASK_ENV_ID_V1 = 'ClarifyTask-v1';

function buildScenarioSchema(): JsonSchema {
  const branches: JsonSchema[] = [];
  for (const [id, dom] of taskDomains()) {
    const names = dom.domain.slots.map((s) => s.name);
    branches.push({
      type: 'object',
      required: ['domain', 'persona', 'goal', 'stated'],
      additionalProperties: false,
      properties: {
        domain: { const: id },
        persona: { enum: [...PERSONAS_V1] },
        goal: dom.submissionSchema,
        stated: { type: 'array', uniqueItems: true, items: { enum: names } },
        request: { type: 'string', minLength: 1 },
      },
    });
  }
  return { oneOf: branches };
}

export const taskScenarioSchemaV1: JsonSchema = buildScenarioSchema();

function personasOf(kwargs: Record<string, unknown>): PersonaV1[] {
  const p = kwargs.personas;
  const list = Array.isArray(p) ? p.map(String) : [...PERSONAS_V1];
  const bad = list.filter((x) => !(PERSONAS_V1 as readonly string[]).includes(x));
  if (bad.length || list.length === 0) {
    throw new ConfigError(`${TASK_ENV_ID_V1}: personas must be a non-empty list of ${PERSONAS_V1.join(', ')} (got ${JSON.stringify(p)})`);
  }
  return list as PersonaV1[];
}

function domainsOf(kwargs: Record<string, unknown>): string[] {
  const all = [...taskDomains().keys()];
  const d = kwargs.domains;
  const list = Array.isArray(d) ? d.map(String) : all;
  const bad = list.filter((x) => !all.includes(x));
  if (bad.length || list.length === 0) throw new ConfigError(`${TASK_ENV_ID_V1}: unknown domain(s) ${bad.join(', ')} (known: ${all.join(', ')})`);
  return list;
}

/**
 * A feasible goal: required values and (each with probability ½) optional preferences drawn until no
 * constraint is broken (rejection sampling; the constraints leave most combinations feasible, so it
 * takes one or two draws). The request states 1 to (required − 1) required slots and each optional
 * preference that is not offer-only with probability ¼.
 */
export function sampleTaskScenarioV1(rng: Rng, kwargs: Record<string, unknown>): TaskScenarioV1 {
  const dom = domainIndex(rng.pick(domainsOf(kwargs)));
  const persona = rng.pick(personasOf(kwargs));
  const offerOnly = new Set(rulesOf(dom.domain.id).offerOnly);
  let goal: Record<string, SlotValueJson> = {};
  for (let attempt = 0; attempt < 1000; attempt++) {
    goal = {};
    for (const s of dom.domain.slots) {
      if (s.required || rng.bool(0.5)) goal[s.name] = rng.pick(s.values);
    }
    if (violations(dom.domain.id, goal).length === 0) break;
  }
  if (violations(dom.domain.id, goal).length) throw new Error(`${dom.domain.id}: no feasible goal found (constraints too tight)`);
  const required = dom.domain.slots.filter((s) => s.required);
  const nStated = rng.int(1, Math.max(1, required.length - 1));
  const statedRequired = new Set(rng.shuffle(required.map((s) => s.name)).slice(0, nStated));
  const stated: string[] = [];
  for (const s of dom.domain.slots) {
    if (goal[s.name] === undefined) continue;
    if (s.required ? statedRequired.has(s.name) : !offerOnly.has(s.name) && rng.bool(0.25)) stated.push(s.name);
  }
  const scenario: TaskScenarioV1 = { domain: dom.domain.id, persona, goal, stated };
  scenario.request = renderRequest({ ...scenario, persona: 'precise' }, dom);
  return scenario;
}

export interface TaskContextV1 extends BaseContext {
  scenario: TaskScenarioV1;
  transcript: TranscriptEntry[];
  questions: number;
  redundant: number;
  pending: TaskQuestionV1 | null;
  said: Record<string, SlotValueJson>;
  declined: string[];
  confirmed: string[];
  submission: Record<string, SlotValueJson> | null;
}

type TaskEvent = { type: 'ASK'; question: TaskQuestionV1 } | { type: 'SUBMIT'; value: Record<string, SlotValueJson> };

function settled(ctx: TaskContextV1, slot: string): boolean {
  if (ctx.declined.includes(slot)) return true;
  const want = ctx.scenario.goal[slot];
  return want !== undefined && ctx.said[slot] === want;
}

/**
 * Slots a question raises again although the user had settled them (a first confirmation of a slot is
 * free): each costs `redundantCost`. Per slot, not per question as in v0, so that re-reading a whole
 * list of settled values costs what it costs the user.
 */
function redundantTopics(ctx: TaskContextV1, q: TaskQuestionV1): number {
  let n = 0;
  for (const t of q.topics) if (settled(ctx, t.slot) && (t.how !== 'confirm' || ctx.confirmed.includes(t.slot))) n += 1;
  return n;
}

const instructionCache = new Map<string, string>();
/**
 * The instructions by kwargs object and domain, in front of `instructionCache`: an env's kwargs are
 * one object, fixed for its life, and building the string key on every step cost more than the rest
 * of `observe`.
 */
const instructionsByKwargs = new WeakMap<object, Map<string, string>>();

export function taskInstructionsV1(dom: DomainIndex, kwargs: Record<string, unknown>): string {
  let byDomain = instructionsByKwargs.get(kwargs);
  if (!byDomain) {
    byDomain = new Map();
    instructionsByKwargs.set(kwargs, byDomain);
  }
  const known = byDomain.get(dom.domain.id);
  if (known !== undefined) return known;
  const text = taskInstructionsOf(dom, kwargs);
  byDomain.set(dom.domain.id, text);
  return text;
}

function taskInstructionsOf(dom: DomainIndex, kwargs: Record<string, unknown>): string {
  const key = `${dom.domain.id}|${kwargs.questionCost}|${kwargs.redundantCost}|${kwargs.maxQuestions}`;
  let text = instructionCache.get(key);
  if (text === undefined) {
    const rules = rulesOf(dom.domain.id);
    text =
      `You are an assistant completing the user's ${dom.domain.title} request. The user's request leaves out ` +
      'details you need; ask for them, then submit the completed request.\n' +
      'Actions (one per turn):\n' +
      '  ASK <question>     e.g. ASK could you tell me the ' +
      `${dom.domain.slots.find((s) => s.required)?.title ?? 'details'}?\n` +
      '  SUBMIT <json>      e.g. SUBMIT {"slot": "value", ...}\n' +
      'The submission must validate against this JSON Schema (fields, allowed values; `x-phrase` is how the user words a value):\n' +
      `${JSON.stringify(dom.submissionSchema)}\n` +
      `Constraints (a submission that breaks one is rejected): ${constraintLines(dom.domain.id).join('; ') || 'none'}.\n` +
      'Include every required field and every optional field the user has a preference for, with the value the user wants; ' +
      'leave out optional fields the user has no preference for. Like a person, the user answers at most a couple of ' +
      'things per reply, and some preferences only come up when you offer the options' +
      `${rules.offerOnly.length ? ` (here: ${rules.offerOnly.join(', ')})` : ''}. ` +
      `Each question costs ${kwargs.questionCost}; each thing you ask again that the user already told you costs ` +
      `${kwargs.redundantCost} more; at most ${kwargs.maxQuestions} questions. A fully correct submission earns 1.`;
    if (instructionCache.size < 1000) instructionCache.set(key, text);
  }
  return text;
}

const sampleCache = new Map<string, string[]>();

function sampleActionsOf(dom: DomainIndex): string[] {
  let out = sampleCache.get(dom.domain.id);
  if (!out) {
    const example: Record<string, SlotValueJson> = {};
    for (const s of dom.domain.slots) if (s.required) example[s.name] = s.values[0] as SlotValueJson;
    out = [...dom.domain.slots.slice(0, 2).map((s) => `ASK could you tell me the ${s.title}?`), `SUBMIT ${JSON.stringify(example)}`];
    sampleCache.set(dom.domain.id, out);
  }
  return out;
}

const VERBS = ['ask', 'submit'] as const;
const JSON_BLOCK = /^```(?:json)?\s*([\s\S]*?)\s*```$/;

function sameRecord(a: Record<string, SlotValueJson>, b: Record<string, SlotValueJson>): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => a[k] === b[k]);
}

export const definitionV1 = defineEnv<TaskScenarioV1, TaskContextV1>({
  id: TASK_ENV_ID_V1,
  version: '2.0.0',
  description: 'Task requests with hidden, interdependent slots and a user who answers like a person: ask well, then SUBMIT the JSON request.',
  scenarioSchema: taskScenarioSchemaV1,
  defaultKwargs: {
    questionCost: 0.05,
    redundantCost: 0.1,
    maxQuestions: 8,
    personas: [...PERSONAS_V1],
    domains: null,
    invalidActionPenalty: 0,
  },
  sampleScenario: sampleTaskScenarioV1,
  checkScenario(scenario) {
    const broken = violations(scenario.domain, scenario.goal);
    if (broken.length) throw new ConfigError(`${TASK_ENV_ID_V1}: the scenario's goal breaks a constraint: ${broken.join('; ')}`);
  },
  simulators: {
    scripted: (ctx) => new ScriptedTaskUserV1(ctx as SimulatorContext<TaskScenarioV1>),
    llm: (ctx) => new LlmTaskUserV1(ctx as SimulatorContext<TaskScenarioV1>),
  },
  createMachine: (deps) =>
    setup({
      types: {} as { context: TaskContextV1; events: TaskEvent; input: { scenario: TaskScenarioV1 } },
      actors: { user: fromPromise<TaskTurnV1, TaskUserInputV1>(({ input }) => deps.userTurn(input)) },
      actions: {
        applyUserTurn: assign(({ context, event }) => {
          const turn = (event as unknown as { output: TaskTurnV1 }).output;
          const declined = [...context.declined.filter((s) => turn.revealed[s] === undefined), ...turn.declined];
          return {
            said: { ...context.said, ...turn.revealed },
            declined: [...new Set(declined)],
            transcript: [...context.transcript, { role: 'user', text: turn.utterance }],
          };
        }),
      },
    }).createMachine({
      id: 'clarifyTaskV1',
      context: ({ input }) => ({
        scenario: input.scenario,
        transcript: [],
        questions: 0,
        redundant: 0,
        pending: null,
        said: {},
        declined: [],
        confirmed: [],
        submission: null,
        rewardTotals: { correct: 0, questionCost: 0, redundancy: 0 },
      }),
      initial: 'opening',
      states: {
        opening: {
          invoke: { src: 'user', input: () => ({ kind: 'open' as const }), onDone: { target: 'agentTurn', actions: 'applyUserTurn' } },
        },
        agentTurn: {
          tags: ['agentTurn'],
          on: {
            ASK: {
              target: 'answering',
              actions: assign(({ context, event }) => {
                const redundant = redundantTopics(context, event.question);
                return {
                  pending: event.question,
                  questions: context.questions + 1,
                  redundant: context.redundant + redundant,
                  confirmed: [
                    ...new Set([...context.confirmed, ...event.question.topics.filter((t) => t.how === 'confirm').map((t) => t.slot)]),
                  ],
                  transcript: [...context.transcript, { role: 'agent', text: event.question.text }],
                  rewardTotals: {
                    ...context.rewardTotals,
                    questionCost: (context.rewardTotals.questionCost ?? 0) - Number(deps.kwargs.questionCost),
                    redundancy: (context.rewardTotals.redundancy ?? 0) - redundant * Number(deps.kwargs.redundantCost),
                  },
                };
              }),
            },
            SUBMIT: {
              target: 'done',
              actions: assign(({ context, event }) => {
                const correct = sameRecord(event.value, context.scenario.goal);
                return {
                  submission: event.value,
                  transcript: [...context.transcript, { role: 'agent', text: `SUBMIT ${JSON.stringify(event.value)}` }],
                  rewardTotals: { ...context.rewardTotals, correct: correct ? 1 : 0 },
                  terminationReason: correct ? 'correct' : 'wrong',
                };
              }),
            },
          },
        },
        answering: {
          invoke: {
            src: 'user',
            input: ({ context }) => context.pending as TaskQuestionV1,
            onDone: { target: 'agentTurn', actions: 'applyUserTurn' },
          },
        },
        done: { type: 'final' },
      },
    }),
  observe(ctx, kwargs) {
    const dom = domainIndex(ctx.scenario.domain);
    const samples = sampleActionsOf(dom);
    return {
      instructions: taskInstructionsV1(dom, kwargs),
      transcript: ctx.transcript,
      sampleActions: ctx.questions < Number(kwargs.maxQuestions) ? samples : samples.slice(-1),
    };
  },
  parseAction(action, ctx, kwargs) {
    const m = splitVerb(action, VERBS);
    if (!m) return { invalid: 'expected `ASK <question>` or `SUBMIT <json>`' };
    const verb = m.verb;
    let rest = m.rest;
    if (rest.length === 0) return { invalid: `\`${verb}\` needs text after it` };
    const dom = domainIndex(ctx.scenario.domain);
    if (verb === 'ASK') {
      if (ctx.questions >= Number(kwargs.maxQuestions)) return { invalid: `question limit (${kwargs.maxQuestions}) reached; SUBMIT now` };
      if (rest.length > 500) return { invalid: 'question longer than 500 characters' };
      return { event: { type: 'ASK', question: analyzeQuestionV1(dom, rest.replace(/\s+/g, ' ')) } };
    }
    const fenced = JSON_BLOCK.exec(rest);
    if (fenced) rest = fenced[1] as string;
    let value: unknown;
    try {
      value = JSON.parse(rest);
    } catch (err) {
      return { invalid: `SUBMIT needs a JSON object: ${(err as Error).message}` };
    }
    const r = validate(dom.submissionSchema, value);
    if (!r.ok) return { invalid: `submission does not match the ${dom.domain.id} schema: ${r.errors.join('; ')}` };
    const broken = violations(dom.domain.id, value as Record<string, SlotValueJson>);
    if (broken.length) return { invalid: `submission breaks a constraint: ${broken.join('; ')}` };
    return { event: { type: 'SUBMIT', value: value as Record<string, SlotValueJson> } };
  },
  info(ctx) {
    const out: Record<string, unknown> = {
      domain: ctx.scenario.domain,
      persona: ctx.scenario.persona,
      questions: ctx.questions,
      redundantTopics: ctx.redundant,
    };
    if (ctx.submission) {
      out.success = ctx.terminationReason === 'correct';
      out.expected = ctx.scenario.goal;
      const keys = new Set([...Object.keys(ctx.scenario.goal), ...Object.keys(ctx.submission)]);
      out.wrongSlots = [...keys].filter((k) => ctx.scenario.goal[k] !== ctx.submission?.[k]).sort();
    }
    return out;
  },
  // The goal as a whole (its JSON) must never show before the end; single values are told when asked.
  secrets(scenario) {
    return [JSON.stringify(scenario.goal)];
  },
  render(ctx) {
    const lines = [
      `[${TASK_ENV_ID_V1} ${ctx.scenario.domain}, persona ${ctx.scenario.persona}]`,
      `[goal ${JSON.stringify(ctx.scenario.goal)}; stated ${ctx.scenario.stated.join(', ') || '(none)'}]`,
      ...ctx.transcript.map((t) => `${t.role}: ${t.text}`),
    ];
    if (ctx.submission) lines.push(`[${ctx.terminationReason}; ${ctx.redundant} redundant question(s)]`);
    return lines.join('\n');
  },
});

registerMachineEnv(definitionV1, {
  maxEpisodeSteps: 30,
  agents: {
    expert: () => new TaskExpertV1(),
    random: () => new TaskRandom(1 / 3),
    oracle: () => new TaskOracle(),
  },
  audit: {
    message: (text) => `ASK ${text}`,
    finish: (obs) => taskFinish(obs),
    turnsBeforeFinish: 4,
    keywords: taskKeywords(),
    maxMessageChars: 500,
    adversaries: taskAdversaries(),
  },
});
