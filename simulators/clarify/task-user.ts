/**
 * The scripted ClarifyTask user: an agenda-based user simulator (Schatzmann et al. 2007). The
 * goal is a set of slot constraints; each agent question pushes the dialogue acts that answer it
 * onto the agenda (inform for asked slots, affirm / negate+inform for confirmations, no-preference
 * or decline for optional slots, nothing-else for "anything else?"), and the turn pops them.
 * Nothing is volunteered that was not asked for, except where the persona says otherwise.
 *
 * Personas (the only departures from the precise user):
 * - `precise`: answers exactly what is asked, every slot of a multi-slot question.
 * - `vague`: the first time a slot is asked it answers partially ("maybe on friday or on
 *   saturday, not sure yet"), exact when asked again; of a multi-slot question it answers only
 *   the first slot.
 * - `oversharing`: answers what is asked, then volunteers up to two goal slots not yet said.
 * - `self_correcting`: the first value it gives in an answer is wrong; at its next turn it
 *   corrects itself once ("sorry, I got that wrong: not X, Y").
 * - `declining`: asked about an optional slot it has not mentioned, it declines to say (the slot
 *   must then be left out), even if it has a preference.
 *
 * Every turn lists what it revealed, so the env (and analysis) never has to parse the utterance.
 */
import type { Rng } from '../../core/rng.js';
import type { SimulatorConfig } from '../../core/types.js';
import {
  type Persona,
  type SlotValueJson,
  type TaskQuestion,
  type TaskScenario,
  type TaskTurn,
  type TaskUserInput,
  taskTurnSchema,
} from '../../envs/clarify-common/types.js';
import { type DomainIndex, domainIndex, phraseFor } from '../../envs/clarify-task/domains.js';
import type { SimulatorContext, UserSimulator } from '../types.js';

export interface TaskUserState {
  /** What the user has said so far, slot by slot (the latest value, slips included). */
  said: Record<string, SlotValueJson>;
  /** How often each slot was asked openly. */
  asked: Record<string, number>;
  declined: string[];
  slipUsed: boolean;
  pendingCorrection: { slot: string; wrong: SlotValueJson } | null;
}

/** The opening request: an opener and the stated slots' wordings, chosen without randomness. */
export function renderRequest(scenario: TaskScenario, dom: DomainIndex = domainIndex(scenario.domain)): string {
  if (scenario.request) return scenario.request;
  const opener = dom.domain.openers[hashIndex(JSON.stringify(scenario.goal), dom.domain.openers.length)] as string;
  const parts = dom.domain.slots
    .filter((s) => scenario.stated.includes(s.name) && scenario.goal[s.name] !== undefined)
    .map((s) => phraseFor(s, scenario.goal[s.name] as SlotValueJson));
  return parts.length ? `${opener}: ${parts.join(', ')}.` : `${opener}.`;
}

function hashIndex(text: string, n: number): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (Math.imul(h, 31) + text.charCodeAt(i)) | 0;
  return Math.abs(h) % n;
}

export function initialTaskUserState(scenario: TaskScenario): TaskUserState {
  const said: Record<string, SlotValueJson> = {};
  for (const s of scenario.stated) if (scenario.goal[s] !== undefined) said[s] = scenario.goal[s] as SlotValueJson;
  return { said, asked: {}, declined: [], slipUsed: false, pendingCorrection: null };
}

/**
 * The agenda-based policy: one turn for `input` given the state, which it updates. Pure apart
 * from `rng` draws (distractor values, wordings).
 */
export function taskUserTurn(scenario: TaskScenario, state: TaskUserState, input: TaskUserInput, rng: Rng): TaskTurn {
  const dom = domainIndex(scenario.domain);
  const turn: TaskTurn = { utterance: '', acts: [], revealed: {}, partial: [], declined: [], corrected: [] };
  if (input.kind === 'open') {
    turn.utterance = renderRequest(scenario, dom);
    turn.acts.push('request');
    for (const s of scenario.stated) if (scenario.goal[s] !== undefined) turn.revealed[s] = scenario.goal[s] as SlotValueJson;
    return turn;
  }
  const persona: Persona = scenario.persona;
  const parts: string[] = [];
  const say = (slot: string, value: SlotValueJson) => {
    turn.revealed[slot] = value;
    state.said[slot] = value;
  };

  if (state.pendingCorrection) {
    const { slot, wrong } = state.pendingCorrection;
    const def = dom.slot(slot);
    const right = scenario.goal[slot] as SlotValueJson;
    parts.push(`Sorry, I got that wrong: not ${phraseFor(def, wrong)}, ${phraseFor(def, right)}.`);
    say(slot, right);
    turn.corrected.push(slot);
    turn.acts.push('correct');
    state.pendingCorrection = null;
  }

  const answers: string[] = [];
  const inform = (slot: string, value: SlotValueJson): string => {
    const def = dom.slot(slot);
    if (persona === 'self_correcting' && !state.slipUsed && state.said[slot] === undefined) {
      state.slipUsed = true;
      const others = def.values.filter((v) => v !== value);
      const wrong = rng.pick(others);
      state.pendingCorrection = { slot, wrong };
      say(slot, wrong);
      return phraseFor(def, wrong);
    }
    say(slot, value);
    return phraseFor(def, value);
  };

  // Confirmations: affirm what matches the goal, negate and inform what does not.
  if (input.confirm.length) {
    const wrong: string[] = [];
    let allRight = true;
    for (const c of input.confirm) {
      const def = dom.slot(c.slot);
      const want = scenario.goal[c.slot];
      if (want === undefined) {
        allRight = false;
        wrong.push(`I have no preference for the ${def.title}`);
        if (!state.declined.includes(c.slot)) state.declined.push(c.slot);
        turn.declined.push(c.slot);
        turn.acts.push('no_preference');
      } else if (want === c.value) {
        say(c.slot, want);
      } else {
        allRight = false;
        wrong.push(phraseFor(def, want));
        say(c.slot, want);
      }
    }
    if (allRight) {
      answers.push(rng.pick(['Yes, that is right.', 'Yes, correct.', 'Yes.']));
      turn.acts.push('affirm');
    } else {
      answers.push(`No, ${wrong.join(', ')}.`);
      turn.acts.push('negate', 'inform');
    }
  }

  let asked = [...input.asked];
  if (input.generic) {
    for (const s of dom.domain.slots) {
      if (!s.required && scenario.goal[s.name] !== undefined && state.said[s.name] === undefined && !asked.includes(s.name)) {
        asked.push(s.name);
      }
    }
  }
  if (persona === 'vague' && asked.length > 1) asked = asked.slice(0, 1);

  const informed: string[] = [];
  for (const slot of asked) {
    const def = dom.slot(slot);
    state.asked[slot] = (state.asked[slot] ?? 0) + 1;
    const want = scenario.goal[slot];
    if (!def.required && state.said[slot] === undefined && (want === undefined || persona === 'declining')) {
      if (input.generic && want === undefined) continue;
      if (persona === 'declining') {
        answers.push(`I'd rather not say; leave the ${def.title} open.`);
        turn.acts.push('decline');
      } else {
        answers.push(`I have no preference for the ${def.title}.`);
        turn.acts.push('no_preference');
      }
      if (!state.declined.includes(slot)) state.declined.push(slot);
      turn.declined.push(slot);
      continue;
    }
    if (want === undefined) {
      answers.push(`I have no preference for the ${def.title}.`);
      turn.acts.push('no_preference');
      turn.declined.push(slot);
      continue;
    }
    if (persona === 'vague' && state.asked[slot] === 1 && state.said[slot] === undefined) {
      const other = rng.pick(def.values.filter((v) => v !== want));
      const [a, b] = rng.bool() ? [want, other] : [other, want];
      answers.push(`Maybe ${phraseFor(def, a as SlotValueJson)} or ${phraseFor(def, b as SlotValueJson)}, I'm not sure yet.`);
      turn.partial.push(slot);
      turn.acts.push('inform');
      continue;
    }
    informed.push(inform(slot, want));
  }
  if (informed.length) {
    answers.push(`${capitalize(informed.join(', '))}.`);
    turn.acts.push('inform');
  }

  if (persona === 'oversharing' && (asked.length || input.confirm.length)) {
    const extra: string[] = [];
    const pending = dom.domain.slots.filter((s) => scenario.goal[s.name] !== undefined && state.said[s.name] === undefined);
    const required = pending.filter((s) => s.required);
    const optional = pending.filter((s) => !s.required);
    for (const s of [...rng.shuffle(required), ...rng.shuffle(optional)].slice(0, 2)) {
      const v = scenario.goal[s.name] as SlotValueJson;
      say(s.name, v);
      extra.push(phraseFor(s, v));
    }
    if (extra.length) {
      answers.push(`Oh, and ${extra.join(', and ')}.`);
      turn.acts.push('inform');
    }
  }

  if (input.generic && answers.length === 0) {
    answers.push('No, that is all.');
    turn.acts.push('nothing_else');
  }
  if (answers.length === 0 && !input.confirm.length) {
    answers.push(rng.pick(["Sorry, I'm not sure what you are asking.", "I don't understand the question, what do you need to know?"]));
    turn.acts.push('clarify');
  }
  parts.push(...answers);
  turn.utterance = parts.join(' ');
  turn.acts = [...new Set(turn.acts)];
  return turn;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export class ScriptedTaskUser implements UserSimulator<TaskUserInput, TaskTurn> {
  readonly turnSchema = taskTurnSchema;
  private state: TaskUserState;

  constructor(private readonly ctx: SimulatorContext<TaskScenario>) {
    this.state = initialTaskUserState(ctx.scenario);
  }

  get config(): SimulatorConfig {
    return this.ctx.config;
  }

  respond(input: TaskUserInput): TaskTurn {
    return taskUserTurn(this.ctx.scenario, this.state, input as TaskUserInput | TaskQuestion, this.ctx.rng);
  }

  getState(): TaskUserState {
    return structuredClone(this.state);
  }

  setState(state: TaskUserState | null): void {
    if (state) this.state = structuredClone(state);
  }
}
