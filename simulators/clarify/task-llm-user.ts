/**
 * The LLM user of ClarifyTask-v0. The model writes the utterance and declares what it reveals
 * (`revealed` slot values, `declined` and `partial` slots); the env's disclosure rules are enforced
 * through the provider's `check` hook, so a rule-breaking turn is repaired, never delivered:
 *
 * - reveal only the slots the question asks about or proposes (plus, for "anything else?", the
 *   optional preferences; for the over-sharing persona, up to two more goal slots);
 * - revealed values are the goal's (a self-correcting persona may slip once, then must correct);
 * - every revealed value is actually in the utterance, and no goal value of a slot the user has
 *   not revealed appears in it;
 * - only optional slots may be declined, and only without a preference unless the persona declines;
 * - after a self-correcting user's slip, its next turn must reveal the right value.
 */
import type { SimulatorConfig, Usage } from '../../core/types.js';
import { addUsage, emptyUsage } from '../../core/types.js';
import {
  type SlotValueJson,
  type TaskQuestion,
  type TaskScenario,
  type TaskTurn,
  type TaskScenarioV1,
  type TaskTurnV1,
  type TaskUserInput,
  type TaskUserInputV1,
  taskTurnSchema,
  taskTurnSchemaV1,
} from '../../envs/clarify-common/types.js';
import { domainIndex, normalize, phraseFor, valueText } from '../../envs/clarify-task/domains.js';
import type { ChatMessage, LlmProvider, SimulatorContext, UserSimulator } from '../types.js';
import { requireLlm } from './llm-users.js';
import { initialTaskUserState, renderRequest, type TaskUserState } from './task-user.js';

export const llmTaskReplySchema = {
  type: 'object',
  required: ['utterance', 'revealed', 'declined', 'partial'],
  additionalProperties: false,
  properties: {
    utterance: { type: 'string', minLength: 1, maxLength: 600 },
    revealed: { type: 'object', additionalProperties: { type: ['string', 'integer'] } },
    declined: { type: 'array', items: { type: 'string' } },
    partial: { type: 'array', items: { type: 'string' } },
  },
} as const;

export interface LlmTaskReply {
  utterance: string;
  revealed: Record<string, SlotValueJson>;
  declined: string[];
  partial: string[];
}

const PERSONA_TEXT: Record<string, string> = {
  precise: 'You answer exactly what is asked, completely, and nothing more.',
  vague:
    'You are vague: the first time you are asked about something, answer partially with two options ("maybe X or Y"), ' +
    'list that slot under "partial" and not under "revealed"; when asked again, give the exact value. ' +
    'If asked several things at once, answer only the first.',
  oversharing: 'You over-share: after answering, you also mention one or two other details of your request that were not asked.',
  self_correcting:
    'Once in the conversation, the first time you give a value you say a wrong one (list the wrong value under "revealed"); ' +
    'in your next answer you correct it ("sorry, not X, Y").',
  declining: "When asked about an optional detail you have not mentioned, you decline to say (list it under 'declined').",
  terse: 'You are terse: you answer only one thing per reply, the first thing asked, and ignore the rest.',
};

/** The disclosure rules; returns a repair message or null. `state` is the user's state before this turn. */
export function checkTaskReply(reply: LlmTaskReply, scenario: TaskScenario, state: TaskUserState, q: TaskQuestion): string | null {
  const dom = domainIndex(scenario.domain);
  const allowed = new Set([...q.asked, ...q.confirm.map((c) => c.slot)]);
  if (q.generic) for (const s of dom.domain.slots) if (!s.required && scenario.goal[s.name] !== undefined) allowed.add(s.name);
  if (state.pendingCorrection) allowed.add(state.pendingCorrection.slot);
  const extras: string[] = [];
  let slips = 0;
  for (const [slot, value] of Object.entries(reply.revealed ?? {})) {
    const def = dom.slotByName.get(slot);
    if (!def) return `'${slot}' is not a field of this request; use only ${dom.domain.slots.map((s) => s.name).join(', ')}`;
    if (!def.values.includes(value)) return `${slot} must be one of ${JSON.stringify(def.values)}`;
    if (!allowed.has(slot)) {
      if (scenario.persona === 'oversharing' && scenario.goal[slot] !== undefined) extras.push(slot);
      else return `you were not asked about ${def.title}; do not mention it`;
    }
    if (scenario.goal[slot] === undefined) return `you have no preference for ${def.title}: decline it instead of giving a value`;
    if (value !== scenario.goal[slot]) {
      const canSlip = scenario.persona === 'self_correcting' && !state.slipUsed && state.said[slot] === undefined;
      if (!canSlip) return `your ${def.title} is ${phraseFor(def, scenario.goal[slot] as SlotValueJson)}, not ${value}`;
      slips += 1;
    }
    const said = normalize(reply.utterance);
    if (!said.includes(` ${normalize(valueText(def, value)).trim()} `)) {
      return `say the ${def.title} in the utterance as "${phraseFor(def, value)}"`;
    }
  }
  if (slips > 1) return 'at most one mistaken value';
  const pending = state.pendingCorrection;
  if (pending && reply.revealed?.[pending.slot] !== scenario.goal[pending.slot]) {
    const def = dom.slot(pending.slot);
    return `first correct your mistake: not ${phraseFor(def, pending.wrong)}, ${phraseFor(def, scenario.goal[pending.slot] as SlotValueJson)}`;
  }
  if (extras.length > 2) return 'volunteer at most two details that were not asked';
  for (const slot of reply.declined ?? []) {
    const def = dom.slotByName.get(slot);
    if (!def || def.required) return `only optional details can be declined; '${slot}' cannot`;
    if (scenario.goal[slot] !== undefined && scenario.persona !== 'declining') return `you do want a ${def.title}: give it`;
  }
  for (const m of dom.mentions(reply.utterance, { bare: true })) {
    if (m.negated || reply.revealed?.[m.slot] !== undefined || state.said[m.slot] !== undefined) continue;
    if ((reply.partial ?? []).includes(m.slot)) continue;
    if (scenario.goal[m.slot] === m.value && !q.confirm.some((c) => c.slot === m.slot)) {
      return `the utterance reveals your ${dom.slot(m.slot).title} without declaring it; only say what you list under "revealed"`;
    }
  }
  return null;
}

export class LlmTaskUser implements UserSimulator<TaskUserInput, TaskTurn> {
  readonly turnSchema = taskTurnSchema;
  private readonly llm: LlmProvider;
  private state: TaskUserState;
  private history: { question: string; answer: string }[] = [];
  private usage: Usage = emptyUsage();

  constructor(private readonly ctx: SimulatorContext<TaskScenario>) {
    this.llm = requireLlm(ctx, 'ClarifyTask-v0');
    this.state = initialTaskUserState(ctx.scenario);
  }

  get config(): SimulatorConfig {
    return this.ctx.config;
  }

  async respond(input: TaskUserInput): Promise<TaskTurn> {
    const { scenario, rng } = this.ctx;
    const dom = domainIndex(scenario.domain);
    if (input.kind === 'open') {
      const revealed: Record<string, SlotValueJson> = {};
      for (const s of scenario.stated) if (scenario.goal[s] !== undefined) revealed[s] = scenario.goal[s] as SlotValueJson;
      return { utterance: renderRequest(scenario, dom), acts: ['request'], revealed, partial: [], declined: [], corrected: [] };
    }
    const wants = dom.domain.slots
      .map((s) => {
        const v = scenario.goal[s.name];
        const kind = s.required ? 'required' : 'optional';
        return v === undefined
          ? `- ${s.name} (${kind}): no preference`
          : `- ${s.name} (${kind}): ${JSON.stringify(v)}, say it as "${phraseFor(s, v)}"`;
      })
      .join('\n');
    const correction = this.state.pendingCorrection
      ? `\nYou earlier said ${this.state.pendingCorrection.wrong} for ${this.state.pendingCorrection.slot} by mistake: correct it now.`
      : '';
    const system =
      `You are a user talking to an assistant about a ${dom.domain.title}. You opened with: "${renderRequest(scenario, dom)}".\n` +
      `What you want:\n${wants}\n${PERSONA_TEXT[scenario.persona] ?? ''}${correction}\n` +
      'Answer the assistant\'s question in one or two short sentences. Do not mention details that were not asked ' +
      'unless your persona says so. Reply as JSON: {"utterance": ..., "revealed": {field: value stated now}, ' +
      '"declined": [optional fields you decline or have no preference for], "partial": [fields answered only partially]}.';
    const messages: ChatMessage[] = [{ role: 'system', content: system }];
    for (const h of this.history) {
      messages.push({ role: 'user', content: h.question }, { role: 'assistant', content: h.answer });
    }
    messages.push({ role: 'user', content: input.text });
    const before = structuredClone(this.state);
    const res = await this.llm.complete({
      messages,
      schema: llmTaskReplySchema,
      schemaName: 'task_user_turn',
      check: (v) => checkTaskReply(v as LlmTaskReply, scenario, before, input),
      seed: rng.seed(),
      temperature: typeof this.ctx.config.temperature === 'number' ? this.ctx.config.temperature : undefined,
    });
    addUsage(this.usage, res.usage);
    const reply = res.value as LlmTaskReply;
    const turn: TaskTurn = {
      utterance: reply.utterance,
      acts: [],
      revealed: { ...reply.revealed },
      partial: [...reply.partial],
      declined: [...reply.declined],
      corrected: [],
    };
    const pending = this.state.pendingCorrection;
    if (pending && reply.revealed[pending.slot] === scenario.goal[pending.slot]) {
      turn.corrected.push(pending.slot);
      turn.acts.push('correct');
      this.state.pendingCorrection = null;
    }
    for (const [slot, value] of Object.entries(reply.revealed)) {
      if (value !== scenario.goal[slot]) {
        this.state.slipUsed = true;
        this.state.pendingCorrection = { slot, wrong: value };
      }
      this.state.said[slot] = value;
    }
    for (const s of reply.declined) if (!this.state.declined.includes(s)) this.state.declined.push(s);
    if (Object.keys(reply.revealed).length) turn.acts.push('inform');
    if (reply.partial.length) turn.acts.push('inform');
    if (reply.declined.length) turn.acts.push(scenario.persona === 'declining' ? 'decline' : 'no_preference');
    if (turn.acts.length === 0) turn.acts.push(input.generic ? 'nothing_else' : 'clarify');
    turn.acts = [...new Set(turn.acts)];
    this.history.push({ question: input.text, answer: reply.utterance });
    return turn;
  }

  getState(): { user: TaskUserState; history: { question: string; answer: string }[] } {
    return structuredClone({ user: this.state, history: this.history });
  }

  setState(state: { user?: TaskUserState; history?: { question: string; answer: string }[] } | null): void {
    if (!state) return;
    if (state.user) this.state = structuredClone(state.user);
    this.history = structuredClone(state.history ?? []);
  }

  takeUsage(): Usage {
    const u = this.usage;
    this.usage = emptyUsage();
    return u;
  }
}

/**
 * The LLM user of ClarifyTask-v1: the v0 LLM user (same disclosure rules) on the v1 reading of a
 * question (asked and offered slots are "asked", single values are confirmations). The persona's
 * capacity is in its prompt text but not enforced: it is the scripted user's rule.
 */
export class LlmTaskUserV1 implements UserSimulator<TaskUserInputV1, TaskTurnV1> {
  readonly turnSchema = taskTurnSchemaV1;
  private readonly inner: LlmTaskUser;

  constructor(ctx: SimulatorContext<TaskScenarioV1>) {
    const scenario = { ...ctx.scenario, request: ctx.scenario.request } as unknown as TaskScenario;
    this.inner = new LlmTaskUser({ ...ctx, scenario } as SimulatorContext<TaskScenario>);
  }

  get config(): SimulatorConfig {
    return this.inner.config;
  }

  async respond(input: TaskUserInputV1): Promise<TaskTurnV1> {
    if (input.kind === 'open') return { ...(await this.inner.respond(input)), ignored: [] };
    const q: TaskQuestion = {
      kind: 'question',
      text: input.text,
      asked: input.topics.filter((t) => t.how !== 'confirm').map((t) => t.slot),
      confirm: input.topics.flatMap((t) => (t.how === 'confirm' ? [{ slot: t.slot, value: t.value }] : [])),
      generic: input.generic,
    };
    return { ...(await this.inner.respond(q)), ignored: [] };
  }

  getState() {
    return this.inner.getState();
  }

  setState(state: Parameters<LlmTaskUser['setState']>[0]): void {
    this.inner.setState(state);
  }

  takeUsage(): Usage {
    return this.inner.takeUsage();
  }
}
