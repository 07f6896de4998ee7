/**
 * ClarifyTask-v0: task requests with hidden slots (in the spirit of SpeakRL's SpeakER). The user
 * wants something done in one of the domains of `data/clarify-task/domains.json` (restaurant
 * booking, flight search, calendar event, online order, IT ticket, travel plan, car rental); the
 * opening request states some slots and hides the rest. The agent asks (`ASK <question>`) and
 * ends with `SUBMIT <json>`, which must validate against the domain's JSON Schema (shown in the
 * instructions); a malformed or invalid submission is an invalid action with the reasons.
 *
 * Grading is exact: the submission must equal every required slot of the goal plus the optional
 * slots the user expressed during the conversation (and no other field). Rewards: `correct` 1/0,
 * `questionCost` −cost per question, `redundancy` −extra cost per redundant question (one whose
 * every target slot the user had already settled; the first confirmation of a slot is free of it).
 */
import { assign, fromPromise, setup } from 'xstate';
import { ConfigError } from '../../core/errors.js';
import { type BaseContext, defineEnv } from '../../core/machine-env.js';
import { registerMachineEnv } from '../../core/registry.js';
import type { Rng } from '../../core/rng.js';
import { type JsonSchema, validate } from '../../core/schema.js';
import type { TranscriptEntry } from '../../core/types.js';
import { TaskConfirmingExpert, TaskExpert, TaskNoQuestion, TaskRandom } from '../../agents/clarify/task-agents.js';
import { LlmTaskUser } from '../../simulators/clarify/task-llm-user.js';
import { renderRequest, ScriptedTaskUser } from '../../simulators/clarify/task-user.js';
import type { SimulatorContext } from '../../simulators/types.js';
import {
  PERSONAS,
  type Persona,
  type SlotValueJson,
  type TaskQuestion,
  type TaskScenario,
  type TaskTurn,
  type TaskUserInput,
} from '../clarify-common/types.js';
import { type DomainIndex, domainIndex, taskDomains } from './domains.js';

export const TASK_ENV_ID = 'ClarifyTask-v0';

/** One branch per domain, so a scenario's goal is checked against that domain's slots and values. */
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
        persona: { enum: [...PERSONAS] },
        goal: dom.submissionSchema,
        stated: { type: 'array', uniqueItems: true, items: { enum: names } },
        request: { type: 'string', minLength: 1 },
      },
    });
  }
  return { oneOf: branches };
}

export const taskScenarioSchema: JsonSchema = buildScenarioSchema();

/** How the env reads a question: slots asked openly, values proposed for confirmation, "anything else?". */
export function analyzeQuestion(dom: DomainIndex, text: string): TaskQuestion {
  const asked = dom.askedSlots(text);
  const confirm: { slot: string; value: SlotValueJson }[] = [];
  const mentions = dom.mentions(text, { bare: true });
  for (const m of mentions) {
    if (m.negated) continue;
    // A bare value shared by several slots counts only for a slot the question names.
    const shared = mentions.some((o) => o !== m && o.at === m.at);
    if (shared && !asked.includes(m.slot)) continue;
    if (!confirm.some((c) => c.slot === m.slot)) confirm.push({ slot: m.slot, value: m.value });
  }
  const confirmed = new Set(confirm.map((c) => c.slot));
  const generic = /\b(anything else|any other|other preferences|any preferences|anything more|other requirements|any requirements)\b/i.test(text);
  return { kind: 'question', text, asked: asked.filter((s) => !confirmed.has(s)), confirm, generic };
}

/** The submission an exact grader expects: required goal slots plus optional slots the user expressed. */
export function expectedSubmission(
  scenario: TaskScenario,
  said: Record<string, SlotValueJson>,
  declined: readonly string[],
): Record<string, SlotValueJson> {
  const dom = domainIndex(scenario.domain);
  const out: Record<string, SlotValueJson> = {};
  for (const s of dom.domain.slots) {
    const v = scenario.goal[s.name];
    if (v === undefined) continue;
    if (s.required || (said[s.name] !== undefined && !declined.includes(s.name))) out[s.name] = v;
  }
  return out;
}

export interface TaskContext extends BaseContext {
  scenario: TaskScenario;
  transcript: TranscriptEntry[];
  questions: number;
  redundant: number;
  pending: TaskQuestion | null;
  /** Latest value the user said for each slot. */
  said: Record<string, SlotValueJson>;
  declined: string[];
  confirmed: string[];
  submission: Record<string, SlotValueJson> | null;
  expected: Record<string, SlotValueJson> | null;
}

type TaskEvent = { type: 'ASK'; question: TaskQuestion } | { type: 'SUBMIT'; value: Record<string, SlotValueJson> };

function settled(ctx: TaskContext, slot: string): boolean {
  const want = ctx.scenario.goal[slot];
  if (ctx.declined.includes(slot)) return true;
  return want !== undefined && ctx.said[slot] === want;
}

function isRedundant(ctx: TaskContext, q: TaskQuestion): boolean {
  const dom = domainIndex(ctx.scenario.domain);
  const targets = [...q.asked];
  if (q.generic) {
    for (const s of dom.domain.slots) if (!s.required && !targets.includes(s.name)) targets.push(s.name);
  }
  const confirms = q.confirm.map((c) => c.slot);
  if (targets.length + confirms.length === 0) return false;
  return targets.every((s) => settled(ctx, s)) && confirms.every((s) => settled(ctx, s) && ctx.confirmed.includes(s));
}

function personasOf(kwargs: Record<string, unknown>): Persona[] {
  const p = kwargs.personas;
  const list = Array.isArray(p) ? p.map(String) : [...PERSONAS];
  const bad = list.filter((x) => !(PERSONAS as readonly string[]).includes(x));
  if (bad.length || list.length === 0) {
    throw new ConfigError(`ClarifyTask-v0: personas must be a non-empty list of ${PERSONAS.join(', ')} (got ${JSON.stringify(p)})`);
  }
  return list as Persona[];
}

function domainsOf(kwargs: Record<string, unknown>): string[] {
  const all = [...taskDomains().keys()];
  const d = kwargs.domains;
  const list = Array.isArray(d) ? d.map(String) : all;
  const bad = list.filter((x) => !all.includes(x));
  if (bad.length || list.length === 0) throw new ConfigError(`ClarifyTask-v0: unknown domain(s) ${bad.join(', ')} (known: ${all.join(', ')})`);
  return list;
}

/** Draws a goal, the stated slots (at least one required slot hidden) and a persona. */
export function sampleTaskScenario(rng: Rng, kwargs: Record<string, unknown>): TaskScenario {
  const dom = domainIndex(rng.pick(domainsOf(kwargs)));
  const persona = rng.pick(personasOf(kwargs));
  const goal: Record<string, SlotValueJson> = {};
  const stated: string[] = [];
  const required = dom.domain.slots.filter((s) => s.required);
  const nStated = rng.int(1, Math.max(1, required.length - 1));
  const statedRequired = new Set(rng.shuffle(required.map((s) => s.name)).slice(0, nStated));
  for (const s of dom.domain.slots) {
    if (s.required) {
      goal[s.name] = rng.pick(s.values);
      if (statedRequired.has(s.name)) stated.push(s.name);
    } else if (rng.bool(0.5)) {
      goal[s.name] = rng.pick(s.values);
      if (rng.bool(0.5)) stated.push(s.name);
    }
  }
  const scenario: TaskScenario = { domain: dom.domain.id, persona, goal, stated };
  scenario.request = renderRequest(scenario, dom);
  return scenario;
}

const instructionCache = new Map<string, string>();

/** The agent's instructions for a domain, cached: they are constant for a domain and kwargs. */
export function taskInstructions(dom: DomainIndex, kwargs: Record<string, unknown>): string {
  const key = `${dom.domain.id}|${kwargs.questionCost}|${kwargs.redundantCost}|${kwargs.maxQuestions}`;
  let text = instructionCache.get(key);
  if (text === undefined) {
    text = renderInstructions(dom, kwargs);
    if (instructionCache.size < 1000) instructionCache.set(key, text);
  }
  return text;
}

function renderInstructions(dom: DomainIndex, kwargs: Record<string, unknown>): string {
  return (
    `You are an assistant completing the user's ${dom.domain.title} request. The user's request may leave out ` +
    'details you need; ask for them, then submit the completed request.\n' +
    'Actions (one per turn):\n' +
    '  ASK <question>     e.g. ASK could you tell me the ' +
    `${dom.domain.slots.find((s) => s.required)?.title ?? 'details'}?\n` +
    '  SUBMIT <json>      e.g. SUBMIT {"slot": "value", ...}\n' +
    'The submission must validate against this JSON Schema (fields, allowed values; `x-phrase` is how the user words a value):\n' +
    `${JSON.stringify(dom.submissionSchema)}\n` +
    'Include every required field with the value the user wants, and an optional field only when the user asked for a ' +
    'value; leave out optional fields the user has no preference for or declined. ' +
    `Each question costs ${kwargs.questionCost}; asking again for something the user already told you costs ` +
    `${kwargs.redundantCost} more; at most ${kwargs.maxQuestions} questions. A fully correct submission earns 1.`
  );
}

const sampleCache = new Map<string, string[]>();

/** Two example questions and a schema-valid example submission for the domain. */
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

const JSON_BLOCK = /^```(?:json)?\s*([\s\S]*?)\s*```$/;

export const definition = defineEnv<TaskScenario, TaskContext>({
  id: TASK_ENV_ID,
  version: '1.0.0',
  description: 'Task requests with hidden slots: ask for what is missing, then SUBMIT the exact JSON request.',
  scenarioSchema: taskScenarioSchema,
  defaultKwargs: {
    questionCost: 0.05,
    redundantCost: 0.1,
    maxQuestions: 10,
    personas: [...PERSONAS],
    domains: null,
    invalidActionPenalty: 0,
  },
  sampleScenario: sampleTaskScenario,
  simulators: {
    scripted: (ctx) => new ScriptedTaskUser(ctx as SimulatorContext<TaskScenario>),
    llm: (ctx) => new LlmTaskUser(ctx as SimulatorContext<TaskScenario>),
  },
  createMachine: (deps) =>
    setup({
      types: {} as { context: TaskContext; events: TaskEvent; input: { scenario: TaskScenario } },
      actors: { user: fromPromise<TaskTurn, TaskUserInput>(({ input }) => deps.userTurn(input)) },
      actions: {
        // Invoked only from a user actor's onDone, whose event carries the user's turn as output.
        applyUserTurn: assign(({ context, event }) => {
          const turn = (event as unknown as { output: TaskTurn }).output;
          const declined = [...context.declined.filter((s) => turn.revealed[s] === undefined), ...turn.declined];
          return {
            said: { ...context.said, ...turn.revealed },
            declined: [...new Set(declined)],
            transcript: [...context.transcript, { role: 'user', text: turn.utterance }],
          };
        }),
      },
    }).createMachine({
      id: 'clarifyTask',
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
        expected: null,
        rewardTotals: { correct: 0, questionCost: 0, redundancy: 0 },
      }),
      initial: 'opening',
      states: {
        opening: {
          invoke: {
            src: 'user',
            input: () => ({ kind: 'open' as const }),
            onDone: { target: 'agentTurn', actions: 'applyUserTurn' },
          },
        },
        agentTurn: {
          tags: ['agentTurn'],
          on: {
            ASK: {
              target: 'answering',
              actions: assign(({ context, event }) => {
                const redundant = isRedundant(context, event.question);
                return {
                  pending: event.question,
                  questions: context.questions + 1,
                  redundant: context.redundant + (redundant ? 1 : 0),
                  confirmed: [...new Set([...context.confirmed, ...event.question.confirm.map((c) => c.slot)])],
                  transcript: [...context.transcript, { role: 'agent', text: event.question.text }],
                  rewardTotals: {
                    ...context.rewardTotals,
                    questionCost: (context.rewardTotals.questionCost ?? 0) - Number(deps.kwargs.questionCost),
                    redundancy: (context.rewardTotals.redundancy ?? 0) - (redundant ? Number(deps.kwargs.redundantCost) : 0),
                  },
                };
              }),
            },
            SUBMIT: {
              target: 'done',
              actions: assign(({ context, event }) => {
                const expected = expectedSubmission(context.scenario, context.said, context.declined);
                const correct = sameRecord(event.value, expected);
                return {
                  submission: event.value,
                  expected,
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
            input: ({ context }) => context.pending as TaskQuestion,
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
      instructions: taskInstructions(dom, kwargs),
      transcript: ctx.transcript,
      sampleActions: ctx.questions < Number(kwargs.maxQuestions) ? samples : samples.slice(-1),
    };
  },
  parseAction(action, ctx, kwargs) {
    const m = /^\s*(ASK|SUBMIT)\b\s*([\s\S]*?)\s*$/i.exec(action);
    if (!m) return { invalid: 'expected `ASK <question>` or `SUBMIT <json>`' };
    const verb = (m[1] as string).toUpperCase();
    let rest = m[2] as string;
    if (rest.length === 0) return { invalid: `\`${verb}\` needs text after it` };
    const dom = domainIndex(ctx.scenario.domain);
    if (verb === 'ASK') {
      if (ctx.questions >= Number(kwargs.maxQuestions)) return { invalid: `question limit (${kwargs.maxQuestions}) reached; SUBMIT now` };
      if (rest.length > 500) return { invalid: 'question longer than 500 characters' };
      return { event: { type: 'ASK', question: analyzeQuestion(dom, rest.replace(/\s+/g, ' ')) } };
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
    return { event: { type: 'SUBMIT', value: value as Record<string, SlotValueJson> } };
  },
  info(ctx) {
    const out: Record<string, unknown> = {
      domain: ctx.scenario.domain,
      persona: ctx.scenario.persona,
      questions: ctx.questions,
      redundantQuestions: ctx.redundant,
    };
    if (ctx.submission && ctx.expected) {
      out.success = ctx.terminationReason === 'correct';
      out.expected = ctx.expected;
      const keys = new Set([...Object.keys(ctx.expected), ...Object.keys(ctx.submission)]);
      out.wrongSlots = [...keys].filter((k) => ctx.expected?.[k] !== ctx.submission?.[k]).sort();
    }
    return out;
  },
  render(ctx) {
    const lines = [
      `[ClarifyTask-v0 ${ctx.scenario.domain}, persona ${ctx.scenario.persona}]`,
      `[goal ${JSON.stringify(ctx.scenario.goal)}; stated ${ctx.scenario.stated.join(', ') || '(none)'}]`,
      ...ctx.transcript.map((t) => `${t.role}: ${t.text}`),
    ];
    if (ctx.expected) {
      lines.push(`[${ctx.terminationReason}: expected ${JSON.stringify(ctx.expected)}; ${ctx.redundant} redundant question(s)]`);
    }
    return lines.join('\n');
  },
});

function sameRecord(a: Record<string, SlotValueJson>, b: Record<string, SlotValueJson>): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => a[k] === b[k]);
}

registerMachineEnv(definition, {
  maxEpisodeSteps: 40,
  // Superseded by ClarifyTask-v1 (v1.ts); kept unchanged so that v0 records still replay.
  tags: ['legacy'],
  agents: {
    expert: () => new TaskExpert(),
    'confirming-expert': () => new TaskConfirmingExpert(),
    random: () => new TaskRandom(),
    'no-question': () => new TaskNoQuestion(),
  },
});
