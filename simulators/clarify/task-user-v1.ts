/**
 * The v1 scripted ClarifyTask user: the agenda-based user of v0 answering like a person, not a form.
 *
 * - **Capacity.** One reply deals with at most `TASK_CAPACITY[persona]` of the things a question
 *   raises (precise, over-sharing and self-correcting users 2, vague and terse users 1), in the order
 *   the question raises them; the rest is left for later ("let's do the rest after that") and listed
 *   in `ignored`.
 * - **Lists of values.** A confirmation that proposes values for several slots is answered as a
 *   person answers it: "yes, that's all right" when every value is right; otherwise the wrong ones are
 *   all corrected when they are within the capacity; when more are wrong, the first one is corrected
 *   and "some of the rest isn't right either", without saying which. A right value is only confirmed when the whole list is right or the reply
 *   could say "the rest is right".
 * - **Slot soup** (slot names or values without the grammar of a question) gets "sorry, what are you
 *   asking? one thing at a time, please" and reveals nothing.
 * - **Offer-only preferences** (data/clarify-task/v1.json): asked openly about such a slot, the user
 *   asks back "what are the options?"; offered options, it picks its preference (or states it when it
 *   is not among them). "Anything else?" never brings them up: people do not think of them unprompted.
 * - Personas as in v0 otherwise: vague users answer a slot's first open ask partially ("maybe X or
 *   Y"); over-sharing users volunteer one more slot; self-correcting users slip once and correct it on
 *   their next turn (`terse` replaces v0's `declining`).
 */
import type { Rng } from '../../core/rng.js';
import type { SimulatorConfig } from '../../core/types.js';
import {
  type PersonaV1,
  type SlotValueJson,
  TASK_CAPACITY,
  type TaskQuestionV1,
  type TaskScenarioV1,
  type TaskTurnV1,
  type TaskUserInputV1,
  taskTurnSchemaV1,
} from '../../envs/clarify-common/types.js';
import { type DomainIndex, domainIndex, phraseFor } from '../../envs/clarify-task/domains.js';
import { rulesOf } from '../../envs/clarify-task/rules-v1.js';
import type { SimulatorContext, UserSimulator } from '../types.js';
import { renderRequest } from './task-user.js';

export interface TaskUserStateV1 {
  said: Record<string, SlotValueJson>;
  asked: Record<string, number>;
  declined: string[];
  slipUsed: boolean;
  pendingCorrection: { slot: string; wrong: SlotValueJson } | null;
}

export function initialTaskUserStateV1(scenario: TaskScenarioV1): TaskUserStateV1 {
  const said: Record<string, SlotValueJson> = {};
  for (const s of scenario.stated) if (scenario.goal[s] !== undefined) said[s] = scenario.goal[s] as SlotValueJson;
  return { said, asked: {}, declined: [], slipUsed: false, pendingCorrection: null };
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function taskUserTurnV1(scenario: TaskScenarioV1, state: TaskUserStateV1, input: TaskUserInputV1, rng: Rng): TaskTurnV1 {
  const dom: DomainIndex = domainIndex(scenario.domain);
  const turn: TaskTurnV1 = { utterance: '', acts: [], revealed: {}, partial: [], declined: [], corrected: [], ignored: [] };
  if (input.kind === 'open') {
    turn.utterance = renderRequest({ ...scenario, persona: 'precise' }, dom);
    turn.acts.push('request');
    for (const s of scenario.stated) if (scenario.goal[s] !== undefined) turn.revealed[s] = scenario.goal[s] as SlotValueJson;
    return turn;
  }
  const persona: PersonaV1 = scenario.persona;
  const offerOnly = new Set(rulesOf(scenario.domain).offerOnly);
  const goal = scenario.goal;
  const parts: string[] = [];
  const say = (slot: string, value: SlotValueJson) => {
    turn.revealed[slot] = value;
    state.said[slot] = value;
  };
  const decline = (slot: string) => {
    if (!state.declined.includes(slot)) state.declined.push(slot);
    if (!turn.declined.includes(slot)) turn.declined.push(slot);
  };

  if (state.pendingCorrection) {
    const { slot, wrong } = state.pendingCorrection;
    const def = dom.slot(slot);
    parts.push(`Sorry, I got that wrong: not ${phraseFor(def, wrong)}, ${phraseFor(def, goal[slot] as SlotValueJson)}.`);
    say(slot, goal[slot] as SlotValueJson);
    turn.corrected.push(slot);
    turn.acts.push('correct');
    state.pendingCorrection = null;
  }

  if (input.soup) {
    parts.push("Sorry, what are you asking? One thing at a time, please.");
    turn.acts.push('clarify');
    turn.utterance = parts.join(' ');
    return turn;
  }

  /** The value said for an open ask, with the self-correcting persona's one slip. */
  const inform = (slot: string, value: SlotValueJson): string => {
    const def = dom.slot(slot);
    if (persona === 'self_correcting' && !state.slipUsed && state.said[slot] === undefined) {
      state.slipUsed = true;
      const wrong = rng.pick(def.values.filter((v) => v !== value));
      state.pendingCorrection = { slot, wrong };
      say(slot, wrong);
      return phraseFor(def, wrong);
    }
    say(slot, value);
    return phraseFor(def, value);
  };

  let capacity = TASK_CAPACITY[persona];
  const answers: string[] = [];
  const topics = [...input.topics];
  if (input.generic) {
    for (const s of dom.domain.slots) {
      if (s.required || offerOnly.has(s.name) || goal[s.name] === undefined || state.said[s.name] !== undefined) continue;
      if (!topics.some((t) => t.slot === s.name)) topics.push({ slot: s.name, how: 'ask' });
    }
  }

  // A list of values to confirm is read as one thing: "is it all right?"
  const confirms = topics.filter((t): t is { slot: string; how: 'confirm'; value: SlotValueJson } => t.how === 'confirm');
  if (confirms.length) {
    let used = 1;
    const wrong = confirms.filter((c) => goal[c.slot] !== c.value);
    if (wrong.length === 0) {
      answers.push(confirms.length > 1 ? "Yes, that's all right." : rng.pick(['Yes, that is right.', 'Yes, correct.']));
      for (const c of confirms) say(c.slot, c.value);
      turn.acts.push('affirm');
    } else {
      const fixed: string[] = [];
      // A list that is mostly wrong gets one correction and a shrug, not a form filled in.
      const fixes = wrong.length > capacity ? 1 : wrong.length;
      used = fixes;
      for (const c of wrong.slice(0, fixes)) {
        const def = dom.slot(c.slot);
        const want = goal[c.slot];
        if (want === undefined) {
          fixed.push(`no ${def.title} preference`);
          decline(c.slot);
        } else {
          fixed.push(`it's ${phraseFor(def, want)}, not ${phraseFor(def, c.value)}`);
          say(c.slot, want);
        }
      }
      let text = `No, ${fixed.join('; ')}`;
      if (wrong.length > fixes) {
        text += ", and some of the rest isn't right either";
        for (const c of wrong.slice(fixes)) turn.ignored.push(c.slot);
      } else if (confirms.length > wrong.length) {
        text += confirms.length - wrong.length > 1 ? '; the rest is right' : '; the other one is right';
        for (const c of confirms) if (goal[c.slot] === c.value) say(c.slot, c.value);
      }
      answers.push(`${text}.`);
      turn.acts.push('negate', 'inform');
    }
    // Reading the list back is one thing said; each correction is one.
    capacity = Math.max(0, capacity - used);
  }

  const informed: string[] = [];
  let deferred = false;
  for (const t of topics) {
    if (t.how === 'confirm') continue;
    const def = dom.slot(t.slot);
    const want = goal[t.slot];
    if (capacity <= 0) {
      turn.ignored.push(t.slot);
      deferred = true;
      continue;
    }
    capacity -= 1;
    if (t.how === 'offer') {
      if (want === undefined) {
        answers.push(`Any of those is fine for the ${def.title}.`);
        turn.acts.push('no_preference');
        decline(t.slot);
      } else if (t.values.includes(want)) {
        say(t.slot, want);
        informed.push(phraseFor(def, want));
      } else {
        say(t.slot, want);
        answers.push(`None of those; I'd like it ${phraseFor(def, want)}.`);
        turn.acts.push('inform');
      }
      continue;
    }
    state.asked[t.slot] = (state.asked[t.slot] ?? 0) + 1;
    if (want === undefined) {
      answers.push(`I have no preference for the ${def.title}.`);
      turn.acts.push('no_preference');
      decline(t.slot);
      continue;
    }
    if (offerOnly.has(t.slot) && state.said[t.slot] === undefined) {
      answers.push(`Hmm, what are the options for the ${def.title}?`);
      turn.acts.push('clarify');
      continue;
    }
    if (persona === 'vague' && state.asked[t.slot] === 1 && state.said[t.slot] === undefined) {
      const other = rng.pick(def.values.filter((v) => v !== want));
      const [a, b] = rng.bool() ? [want, other] : [other, want];
      answers.push(`Maybe ${phraseFor(def, a as SlotValueJson)} or ${phraseFor(def, b as SlotValueJson)}, I'm not sure yet.`);
      turn.partial.push(t.slot);
      turn.acts.push('inform');
      continue;
    }
    informed.push(inform(t.slot, want));
  }
  if (informed.length) {
    answers.push(`${capitalize(informed.join(', '))}.`);
    turn.acts.push('inform');
  }
  if (deferred) answers.push("Let's do the rest after that.");

  if (persona === 'oversharing' && topics.length) {
    const extra = dom.domain.slots.find((s) => goal[s.name] !== undefined && state.said[s.name] === undefined && !offerOnly.has(s.name));
    if (extra) {
      const v = goal[extra.name] as SlotValueJson;
      say(extra.name, v);
      answers.push(`Oh, and ${phraseFor(extra, v)}.`);
      turn.acts.push('inform');
    }
  }

  if (input.generic && answers.length === 0) {
    answers.push('No, I think that is all.');
    turn.acts.push('nothing_else');
  }
  if (answers.length === 0) {
    answers.push(rng.pick(["Sorry, I'm not sure what you are asking.", "I don't understand the question, what do you need to know?"]));
    turn.acts.push('clarify');
  }
  parts.push(...answers);
  turn.utterance = parts.join(' ');
  turn.acts = [...new Set(turn.acts)];
  return turn;
}

export class ScriptedTaskUserV1 implements UserSimulator<TaskUserInputV1, TaskTurnV1> {
  readonly turnSchema = taskTurnSchemaV1;
  private state: TaskUserStateV1;

  constructor(private readonly ctx: SimulatorContext<TaskScenarioV1>) {
    this.state = initialTaskUserStateV1(ctx.scenario);
  }

  get config(): SimulatorConfig {
    return this.ctx.config;
  }

  respond(input: TaskUserInputV1): TaskTurnV1 {
    return taskUserTurnV1(this.ctx.scenario, this.state, input as TaskUserInputV1 | TaskQuestionV1, this.ctx.rng);
  }

  getState(): TaskUserStateV1 {
    return structuredClone(this.state);
  }

  setState(state: TaskUserStateV1 | null): void {
    if (state) this.state = structuredClone(state);
  }
}
