/**
 * The scripted Commander of Embodied-v0 (TEACh's user role). It sees the true world and the goal;
 * each robot step it either OBSERVEs or takes one dialogue act:
 * - start: states the goal (vague persona: just the goal; specific persona: the goal plus where the
 *   key objects are and what state they are in);
 * - answers `where is the X?` from its knowledge of the world (InformationOnObjectDetails), yes/no
 *   questions (Confirm/Deny), requests for the next step (Instruction), greetings and thanks;
 * - corrects mistakes: picking up something the task does not need, or putting a task object in a
 *   wrong place, or on a dirty plate (FeedbackNegative);
 * - after repeated failed actions explains what went wrong (NotifyFailure);
 * - volunteers the next step after `patience` steps without progress (Instruction);
 * - otherwise stays quiet while the robot makes progress, praising a satisfied goal condition only
 *   with probability `chattiness`.
 */
import type { Rng } from '../../core/rng.js';
import { OBJECT_TYPES_LONGEST_FIRST, plural, PUT_DOWN_SURFACES } from '../../envs/embodied/catalog.js';
import { fullKnowledge, planNext } from '../../envs/embodied/planner.js';
import { type Condition, propCount, propsSatisfied, type TaskInstance } from '../../envs/embodied/tasks.js';
import { findObject, findReceptacle, prepOf, rootOf, type World, type WorldObject } from '../../envs/embodied/world.js';
import type { SimulatorContext, UserSimulator } from '../types.js';
import { type CommanderInput, type CommanderPersona, type CommanderTurn, commanderTurnSchema } from './acts.js';

export interface CommanderScenario {
  world: World;
  task: TaskInstance;
  persona: CommanderPersona;
}

interface CommanderState {
  lastProgressStep: number;
  lastSpokeStep: number;
  failStreak: number;
}

const turn = (act: CommanderTurn['act'], utterance: string): CommanderTurn => ({ act, utterance });
const OBSERVE: CommanderTurn = { act: 'OBSERVE' };

/** `in the cabinet 2`, `on the plate 1 on the counter 1`, `in your hand`. */
export function whereIs(w: World, o: WorldObject): string {
  if (o.loc === 'robot') return 'in your hand';
  const parent = findObject(w, o.loc);
  if (parent) return `${parent.type === 'plate' ? 'on' : 'in'} the ${parent.id} ${whereIs(w, parent)}`;
  const r = findReceptacle(w, o.loc);
  return r ? `${prepOf(r)} the ${r.id}` : 'somewhere';
}

/** The object type a free-text question is about (longest match, plural forms included). */
export function mentionedType(text: string): string | undefined {
  const t = text.toLowerCase();
  return OBJECT_TYPES_LONGEST_FIRST.find((type) => new RegExp(`\\b(${type}|${plural(type)})\\b`).test(t));
}

function sentence(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export class ScriptedCommander implements UserSimulator<CommanderInput, CommanderTurn> {
  readonly turnSchema = commanderTurnSchema;
  private state: CommanderState = { lastProgressStep: 0, lastSpokeStep: 0, failStreak: 0 };

  constructor(private readonly ctx: SimulatorContext<CommanderScenario>) {}

  get config() {
    return this.ctx.config;
  }
  getState(): CommanderState {
    return { ...this.state };
  }
  setState(s: CommanderState): void {
    this.state = { ...s };
  }

  private get rng(): Rng {
    return this.ctx.rng;
  }
  private get persona(): CommanderPersona {
    return this.ctx.scenario.persona;
  }

  respond(input: CommanderInput): CommanderTurn {
    if (input.kind === 'start') return this.greet(input.world, input.task);
    const t = this.react(input);
    if (input.progressed) this.state.lastProgressStep = input.step;
    if (t.act !== 'OBSERVE') this.state.lastSpokeStep = input.step;
    return t;
  }

  private greet(w: World, task: TaskInstance): CommanderTurn {
    const hello = this.rng.pick(['Hi!', 'Hello!', 'Hi there.', 'Good morning!']);
    if (this.persona.style === 'vague') {
      return turn('Instruction', `${hello} ${this.rng.pick([`Could you ${task.goal}?`, `Can you ${task.goal}?`, `Please ${task.goal}.`])}`);
    }
    const hints: string[] = [];
    const seen = new Set<string>();
    for (const type of task.relevant) {
      const o = w.objects.find((x) => x.type === type);
      if (!o || seen.has(type) || hints.length >= 3) continue;
      seen.add(type);
      const dirty = o.dirty && task.conditions.some((c) => conditionWantsClean(c, type)) ? ' It is dirty, so rinse it first.' : '';
      hints.push(`The ${o.id} is ${whereIs(w, o)}.${dirty}`);
    }
    return turn('Instruction', `${hello} Today please ${task.goal}. ${hints.join(' ')}`.trim());
  }

  private react(input: Extract<CommanderInput, { kind: 'step' }>): CommanderTurn {
    const { world: w, task, command, outcome, status } = input;
    if (status.success) {
      return turn('FeedbackPositive', this.rng.pick(['That is everything, thank you!', 'Perfect, all done. Thanks!', 'Great job, the task is complete.']));
    }
    if (command.verb === 'say') return this.answer(command.text, w, task);
    if (!outcome.ok) {
      this.state.failStreak += 1;
      if (this.state.failStreak >= 2) {
        this.state.failStreak = 0;
        const hint = this.nextStep(w, task);
        return turn('NotifyFailure', `That did not work: ${outcome.message}${hint ? ` Try this: ${hint}` : ''}`);
      }
      return OBSERVE;
    }
    this.state.failStreak = 0;
    const mistake = this.mistake(input);
    if (mistake) return mistake;
    if (input.progressed) {
      if (this.rng.bool(this.persona.chattiness)) {
        return turn('FeedbackPositive', this.rng.pick(['Good, that is part of it.', 'Nice, keep going.', 'Great, that step is done.', 'Yes, exactly.']));
      }
      return OBSERVE;
    }
    const idle = input.step - Math.max(this.state.lastProgressStep, this.state.lastSpokeStep);
    if (idle >= this.persona.patience) {
      const hint = this.nextStep(w, task);
      if (hint) return turn('Instruction', `${this.rng.pick(['Let me help.', 'Here is what to do next.', 'You seem stuck.'])} ${hint}`);
    }
    return OBSERVE;
  }

  /** A wrong pick-up or a wrong placement, as a correction; null when the step was sensible. */
  private mistake(input: Extract<CommanderInput, { kind: 'step' }>): CommanderTurn | null {
    const { world: w, task, command, outcome } = input;
    const o = outcome.objectId ? findObject(w, outcome.objectId) : undefined;
    if (!o) return null;
    const needed = task.relevant.filter((t) => !t.endsWith(' slice')).slice(0, 3);
    if (command.verb === 'pickup') {
      if (!task.relevant.includes(o.type)) {
        return turn(
          'FeedbackNegative',
          `No, we don't need the ${o.id}. Please put it back ${whereIsReceptacle(w, input.outcome)}; what we need is ${needed.map((t) => `the ${t}`).join(', ')}.`,
        );
      }
      const finished = task.conditions.find(
        (c) => c.kind === 'each' && c.ids.includes(o.id) && c.props.in !== undefined && propsSatisfied(w, { ...o, loc: w.robot.at }, c.props) === propCount(c.props),
      );
      if (finished) return turn('FeedbackNegative', `The ${o.id} was already where it should be. Put it back and find the other ${plural(o.type)}.`);
      return null;
    }
    if (command.verb !== 'put') return null;
    const target = outcome.targetId ? (findObject(w, outcome.targetId) ?? findReceptacle(w, outcome.targetId)) : undefined;
    if (!target) return null;
    if ('loc' in target) {
      if (target.dirty && task.conditions.some((c) => c.kind === 'holder' && c.holder.type === target.type && c.holder.props.dirty === false)) {
        return turn('FeedbackNegative', `That ${target.type} is dirty. Take the ${o.id} off and rinse the ${target.id} at the sink first.`);
      }
      return null;
    }
    for (const c of task.conditions) {
      if (c.kind === 'each' && c.ids.includes(o.id) && c.props.in !== undefined && target.type !== c.props.in) {
        return turn('FeedbackNegative', `Not there: the ${plural(o.type)} go ${c.props.in === 'fridge' || c.props.in === 'drawer' || c.props.in === 'cabinet' ? 'in' : 'on'} the ${c.props.in}.`);
      }
    }
    if (task.relevant.includes(o.type) && !task.destinations.includes(target.type) && !PUT_DOWN_SURFACES.includes(target.type)) {
      return turn('FeedbackNegative', `Why the ${target.id}? The ${o.id} does not belong there; we need it for the task.`);
    }
    return null;
  }

  private answer(text: string, w: World, task: TaskInstance): CommanderTurn {
    const q = text.toLowerCase();
    const type = mentionedType(q);
    if (/\bwhere\b|\bfind\b|\blocat/.test(q)) {
      if (!type) return turn('MiscOther', 'Where is what? Tell me which object you are looking for.');
      return this.locate(type, w);
    }
    if (/\b(next|what (should|do|now)|how|help|instruction|task|goal)\b/.test(q)) {
      const hint = this.nextStep(w, task);
      return turn('Instruction', hint ? `We need to ${task.goal}. ${hint}` : `We need to ${task.goal}.`);
    }
    if (/\b(done|finished|anything else|all set|complete)\b/.test(q)) {
      const hint = this.nextStep(w, task);
      return turn('Deny', `Not yet. ${hint ?? `Remember: ${task.goal}.`}`);
    }
    if (type && /^(is|are|was|does|do|should|shall|can|could|must)\b/.test(q)) {
      const o = w.objects.find((x) => x.type === type);
      if (!o) return turn('Deny', `No, there is no ${type} in the house.`);
      const state = /dirty/.test(q) ? o.dirty : /clean/.test(q) ? o.dirty === false : undefined;
      if (state !== undefined) return state ? turn('Confirm', `Yes, the ${o.id} is ${/dirty/.test(q) ? 'dirty' : 'clean'}.`) : turn('Deny', `No, it is ${o.dirty ? 'dirty' : 'clean'}.`);
      return task.relevant.includes(type) ? turn('Confirm', `Yes, we need the ${type}.`) : turn('Deny', `No, the ${type} is not needed.`);
    }
    if (/\b(hi|hello|hey|good (morning|afternoon|evening))\b/.test(q)) return turn('Greetings/Salutations', `Hello! We need to ${task.goal}.`);
    if (/\b(ok|okay|sure|thanks|thank you|will do|got it|on it|understood|alright)\b/.test(q)) return turn('Acknowledge', this.rng.pick(['Thanks.', 'Great.', 'OK.']));
    return turn('MiscOther', `Sorry, I did not understand. We need to ${task.goal}.`);
  }

  private locate(type: string, w: World): CommanderTurn {
    const objs = w.objects.filter((o) => o.type === type && o.loc !== 'robot');
    if (!objs.length) {
      const base = type.endsWith(' slice') ? type.slice(0, -' slice'.length) : undefined;
      const whole = base ? w.objects.find((o) => o.type === base) : undefined;
      if (whole) return turn('InformationOnObjectDetails', `There are no ${plural(type)} yet. The ${whole.id} is ${whereIs(w, whole)}; slice it with a knife.`);
      if (w.objects.some((o) => o.type === type)) return turn('InformationOnObjectDetails', `You are holding the ${type}.`);
      return turn('Deny', `There is no ${type} in the house.`);
    }
    const shown = objs.slice(0, 4);
    if (this.persona.style === 'vague') {
      const places = [...new Set(shown.map((o) => rootOf(w, o)))];
      return turn('InformationOnObjectDetails', `Check the ${places.join(' and the ')}.`);
    }
    return turn('InformationOnObjectDetails', shown.map((o) => `The ${o.id} is ${whereIs(w, o)}${o.dirty ? ' (it is dirty)' : ''}.`).join(' '));
  }

  /** The next step with perfect knowledge, phrased as an instruction. */
  private nextStep(w: World, task: TaskInstance): string | null {
    const s = planNext(w, task.conditions, fullKnowledge(w));
    if (!s) return null;
    return `${sentence(s.reason)}: ${s.action}.`;
  }
}

/** Where the robot stands, as the place to put a wrongly picked object back. */
function whereIsReceptacle(w: World, _outcome: { objectId?: string }): string {
  const r = findReceptacle(w, w.robot.at);
  return r ? `${prepOf(r)} the ${r.id}` : 'where it was';
}

function conditionWantsClean(c: Condition, type: string): boolean {
  if (c.kind === 'holder') return c.holder.type === type && c.holder.props.dirty === false;
  return c.type === type && c.props.dirty === false;
}
