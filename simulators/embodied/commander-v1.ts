/**
 * The scripted Commander of Embodied-v1: a TEACh Commander who talks like a person.
 *
 * It knows the goal and sees the house (TEACh's Commander has the task and a searchable map), but:
 * - it speaks everyday words, never the robot's action grammar and never an object id: goals and
 *   sub-goals ("toast a slice of bread"), objects by type, colour, place and relation ("the red mug
 *   in the cabinet above the sink", "the knife by the stove"), in a paraphrase drawn by the seed from
 *   the episode's phrasing split (phrasing.json, train for dev seeds, test for test seeds);
 * - it does not know where everything is up front: only the types in `scenario.commanderKnows`. Asked
 *   about another, it searches (says so) and answers on its next turn; a sub-goal that involves an
 *   object it has not looked up is given without the place, which it then volunteers a turn later;
 * - it gets less helpful when asked the same thing again: each repetition of a question (or of a
 *   hint for the same sub-goal) is answered with less detail (place → rough area → nothing), and after
 *   that it refuses; the count restarts when the answer would change (the object moved, a sub-goal
 *   was reached);
 * - it answers every object a question asks about (up to four; a longer list gets the task's own);
 * - it corrects mistakes (FeedbackNegative): an object the task does not need, a put-all item taken
 *   from where it belongs or put in the wrong place, food on a dirty plate, a needless slice; after two
 *   failed actions in a row it gives the current sub-goal again (at the detail the repetition allows);
 * - it volunteers the next sub-goal after progress (persona) or after `patience` idle steps, praises
 *   progress with probability `chattiness`, acknowledges, greets, and stays quiet otherwise (OBSERVE).
 *
 * Acts follow TEACh-DA (Gella et al. 2022); `scripts/embodied-fidelity.ts` compares their frequencies
 * with the Commander-side frequencies that study reports.
 */
import type { Rng } from '../../core/rng.js';
import type { Json } from '../../core/types.js';
import { PUT_DOWN_SURFACES } from '../../envs/embodied/catalog.js';
import { type Detail, describePlace, type Layout } from '../../envs/embodied/layout.js';
import { fullKnowledge, type Intent, planNext } from '../../envs/embodied/planner.js';
import { propCount, propsSatisfied, type TaskInstance } from '../../envs/embodied/tasks.js';
import { findObject, findReceptacle, prepOf, rootOf, type World, type WorldObject } from '../../envs/embodied/world.js';
import type { SimulatorContext, UserSimulator } from '../types.js';
import { type CommanderActV1, type CommanderInputV1, type CommanderTurnV1, commanderTurnSchemaV1, type FollowerAct } from './acts.js';
import { askedStates, asksForGoal, classifyFollower, type Mention, mentions } from './nlu.js';
import { cap, type PhrasingSplit, realize } from './phrasing.js';
import { indefinite, nounOf, objectNoun, objectPlace, pluralNoun } from './refer.js';

export interface CommanderPersonaV1 {
  /** vague: answers start at a rough area and it rarely volunteers sub-goals; specific: exact places, proactive. */
  style: 'vague' | 'specific';
  /** Probability of praising a newly reached goal condition. */
  chattiness: number;
  /** Steps without progress before it volunteers the current sub-goal. */
  patience: number;
}

export interface CommanderScenarioV1 {
  world: World;
  task: TaskInstance;
  layout: Layout;
  persona: CommanderPersonaV1;
  /** Object types whose whereabouts the Commander knows from the start; others it must look up. */
  commanderKnows: string[];
  /** Which paraphrases it draws from (the episode seed's split). */
  phrasing: PhrasingSplit;
}

interface CommanderStateV1 {
  lastProgressStep: number;
  lastSpokeStep: number;
  failStreak: number;
  /** Types it has looked up (or knew). */
  known: string[];
  /** What it is looking up (a type, said in the plural when every instance was asked for); it reports them on its next turn. */
  pending: Mention[];
  /** How often each topic was answered, and what the answer was about (to notice it changed). */
  told: Record<string, { n: number; about: string }>;
  /** The follower act it recognised last (for info). */
  lastFollowerAct: FollowerAct | null;
}

const turn = (act: CommanderActV1, utterance: string): CommanderTurnV1 => ({ act, utterance: utterance.replace(/\s+/g, ' ').trim() });
const OBSERVE: CommanderTurnV1 = { act: 'OBSERVE' };

/** Probability of volunteering the next sub-goal after progress, by style. */
const PROACTIVE: Record<CommanderPersonaV1['style'], number> = { specific: 0.9, vague: 0.5 };
/** Probability of acknowledging an acknowledgement (otherwise it just watches). */
const ACK_BACK = 0.5;
/** More objects than this in one question and it answers only those the task needs. */
const MAX_ASKED = 4;

/** `a, b and c`. */
export function listing(items: string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function baseType(type: string): string {
  return type.endsWith(' slice') ? type.slice(0, -' slice'.length) : type;
}

export class ScriptedCommanderV1 implements UserSimulator<CommanderInputV1, CommanderTurnV1> {
  readonly turnSchema = commanderTurnSchemaV1;
  private state: CommanderStateV1;

  constructor(private readonly ctx: SimulatorContext<CommanderScenarioV1>) {
    this.state = {
      lastProgressStep: 0,
      lastSpokeStep: 0,
      failStreak: 0,
      known: [...ctx.scenario.commanderKnows],
      pending: [],
      told: {},
      lastFollowerAct: null,
    };
  }

  get config() {
    return this.ctx.config;
  }
  getState(): Json {
    return structuredClone(this.state);
  }
  setState(s: Json): void {
    this.state = structuredClone(s) as CommanderStateV1;
  }

  private get rng(): Rng {
    return this.ctx.rng;
  }
  private get scenario(): CommanderScenarioV1 {
    return this.ctx.scenario;
  }
  private get split(): PhrasingSplit {
    return this.scenario.phrasing;
  }
  private get layout(): Layout {
    return this.scenario.layout;
  }
  private say(key: string, vars: Record<string, string> = {}): string {
    return realize(key, this.split, this.rng, vars);
  }

  respond(input: CommanderInputV1): CommanderTurnV1 {
    if (input.kind === 'start') return this.greet(input.world, input.task);
    this.state.lastFollowerAct = null;
    const t = this.react(input);
    if (input.progressed) this.state.lastProgressStep = input.step;
    if (t.act !== 'OBSERVE') this.state.lastSpokeStep = input.step;
    return t;
  }

  /** The follower act recognised on the latest turn, when the robot spoke. */
  followerAct(): FollowerAct | null {
    return this.state.lastFollowerAct;
  }

  // -------------------------------------------------------------------------------------------
  // Knowledge and repetition

  private knows(type: string): boolean {
    return this.state.known.includes(baseType(type)) || this.state.known.includes(type);
  }

  private learn(found: Mention[]): void {
    for (const m of found) if (!this.state.known.includes(m.type)) this.state.known.push(m.type);
  }

  private search(wanted: Mention[]): void {
    for (const m of wanted) {
      if (!this.knows(m.type) && !this.state.pending.some((p) => p.type === m.type)) this.state.pending.push({ type: m.type, plural: m.plural });
    }
  }

  /** The style's starting detail. */
  private get baseDetail(): Detail {
    return this.scenario.persona.style === 'specific' ? 2 : 1;
  }

  /**
   * The detail to answer `topic` with, counting this answer: the style's detail the first time, one
   * less each time after, and null once nothing is left to say. A changed `about` starts afresh.
   */
  private detailFor(topic: string, about: string): Detail | null {
    const prev = this.state.told[topic];
    const n = prev && prev.about === about ? prev.n : 0;
    this.state.told[topic] = { n: n + 1, about };
    const d = this.baseDetail - n;
    return d < 0 ? null : (d as Detail);
  }

  // -------------------------------------------------------------------------------------------
  // Start

  private greet(w: World, task: TaskInstance): CommanderTurnV1 {
    const parts = [this.say('greeting'), this.goalSentence(task)];
    if (this.scenario.persona.style === 'specific') {
      const hint = this.subgoal(w, task);
      if (hint) parts.push(hint);
    }
    return turn('Instruction', parts.join(' '));
  }

  /** The goal in everyday words, all of it (task type and parameters), in a paraphrase. */
  goalSentence(task: TaskInstance): string {
    return this.say(`goal.${task.type}`, goalVars(task, this.scenario.world));
  }

  // -------------------------------------------------------------------------------------------
  // Sub-goals

  /**
   * The current sub-goal in words, with where its objects are when the Commander knows (else it
   * starts looking them up), at the detail its repetition allows; null when nothing is left or it
   * has said it too often (`exhausted` is then set).
   */
  private subgoal(w: World, task: TaskInstance, out?: { exhausted?: boolean }): string | null {
    const intent = planNext(w, task.conditions, fullKnowledge(w))?.intent;
    if (!intent) return null;
    const topic = `next:${intent.op}:${intent.obj ?? intent.type ?? ''}:${intent.dest ?? ''}`;
    const detail = this.detailFor(topic, 'same');
    if (detail === null) {
      if (out) out.exhausted = true;
      return null;
    }
    return this.intentText(w, intent, detail);
  }

  private intentText(w: World, intent: Intent, detail: Detail): string {
    const o = intent.obj ? findObject(w, intent.obj) : undefined;
    const sentences: string[] = [];
    const inlined = new Set<string>();
    // Colour tells most things apart; when it does not (two silver spoons), where it is does.
    const noun = (x: WorldObject) => {
      const base = objectNoun(x, detail);
      if (detail === 0 || x.loc === 'robot' || !this.knows(x.type)) return base;
      if (!w.objects.some((y) => y.id !== x.id && y.type === x.type && y.color === x.color)) return base;
      inlined.add(x.id);
      return `${base} that's ${objectPlace(w, this.layout, x, detail, this.rng)}`;
    };
    const where = (x: WorldObject | undefined) => {
      if (!x || detail === 0 || inlined.has(x.id)) return;
      const root = rootOf(w, x);
      if (root === 'robot' || root === w.robot.at) return;
      if (!this.knows(x.type)) {
        this.search([{ type: baseType(x.type), plural: false }]);
        return;
      }
      sentences.push(this.say('where', { obj: noun(x), obj_a: objectNoun(x, detail, false), where: objectPlace(w, this.layout, x, detail, this.rng) }));
    };
    switch (intent.op) {
      case 'clean':
      case 'fill':
      case 'empty':
      case 'coffee':
      case 'toast':
      case 'cook':
      case 'water':
        if (!o) return '';
        sentences.push(this.say(`op.${intent.op}`, { obj: noun(o) }));
        where(o);
        break;
      case 'boil': {
        if (!o) return '';
        const stove = w.receptacles.find((r) => r.type === 'stove');
        const pots = w.objects
          .filter((p) => p.type === 'pot')
          .sort((a, b) => (b.loc === stove?.id ? 2 : 0) + (b.filled === 'water' ? 1 : 0) - ((a.loc === stove?.id ? 2 : 0) + (a.filled === 'water' ? 1 : 0)));
        const pot = pots[0];
        if (pot && pot.filled !== 'water') {
          sentences.push(this.say('op.boil.fill', { obj: noun(pot) }));
          where(pot);
        } else if (pot && pot.loc !== stove?.id) sentences.push(this.say('op.boil.stove'));
        else if (o.loc !== pot?.id) {
          sentences.push(this.say('op.boil.in', { obj: noun(o) }));
          where(o);
        } else sentences.push(this.say('op.boil.on'));
        break;
      }
      case 'place': {
        if (!o || !intent.dest) return '';
        const holder = findObject(w, intent.dest);
        const rec = findReceptacle(w, intent.dest);
        const dest = holder ? noun(holder) : rec ? describePlace(w, this.layout, rec.id, detail === 0 ? 0 : 2, this.rng) : 'there';
        const prep = holder ? (holder.type === 'plate' ? 'on' : 'in') : rec ? prepOf(rec) : 'on';
        sentences.push(this.say('op.place', { obj: noun(o), prep, dest }));
        where(o);
        if (holder) where(holder);
        break;
      }
      case 'slice': {
        if (!o) return '';
        sentences.push(this.say('op.slice', { obj: noun(o) }));
        where(o);
        const held = w.robot.holding ? findObject(w, w.robot.holding) : undefined;
        if (held?.type !== 'knife' && detail > 0) {
          const knife = w.objects.find((x) => x.type === 'knife');
          if (knife && this.knows('knife')) {
            sentences.push(this.say('op.slice.knife', { knife: noun(knife), where: objectPlace(w, this.layout, knife, detail, this.rng) }));
          } else if (knife) this.search([{ type: 'knife', plural: false }]);
        }
        break;
      }
      case 'find':
        sentences.push(this.say('op.find', { obj_a: indefinite(nounOf(intent.type ?? 'thing')) }));
        break;
    }
    return sentences.join(' ');
  }

  // -------------------------------------------------------------------------------------------
  // Each step

  private react(input: Extract<CommanderInputV1, { kind: 'step' }>): CommanderTurnV1 {
    const { world: w, task, command, outcome, status } = input;
    if (status.success) return turn('FeedbackPositive', this.say('success'));
    if (command.verb === 'say') {
      // What it was looking up before this question is found by now (the answer can use it); what
      // the question makes it look up is reported next turn.
      const before = this.state.pending;
      this.learn(before);
      this.state.pending = [];
      return this.answer(command.text, w, task);
    }
    if (this.state.pending.length) {
      const found = this.state.pending;
      this.learn(found);
      this.state.pending = [];
      const text = this.whereAnswers(found, w, task, true);
      if (text) return turn('InformationOnObjectDetails', text);
    }
    if (!outcome.ok) {
      this.state.failStreak += 1;
      if (this.state.failStreak >= 2) {
        this.state.failStreak = 0;
        const hint = this.subgoal(w, task);
        if (hint) return turn('Instruction', this.say('failures', { hint }));
      }
      return OBSERVE;
    }
    this.state.failStreak = 0;
    const mistake = this.mistake(input);
    if (mistake) return mistake;
    if (input.progressed) {
      if (this.rng.bool(this.scenario.persona.chattiness)) return turn('FeedbackPositive', this.say('progress'));
      if (this.rng.bool(PROACTIVE[this.scenario.persona.style])) {
        const hint = this.subgoal(w, task);
        if (hint) return turn('Instruction', this.say('next', { hint }));
      }
      return OBSERVE;
    }
    const idle = input.step - Math.max(this.state.lastProgressStep, this.state.lastSpokeStep);
    if (idle >= this.scenario.persona.patience) {
      const hint = this.subgoal(w, task);
      if (hint) return turn('Instruction', this.say('idle', { hint }));
    }
    return OBSERVE;
  }

  // -------------------------------------------------------------------------------------------
  // Answers

  private answer(text: string, w: World, task: TaskInstance): CommanderTurnV1 {
    const act = classifyFollower(text);
    this.state.lastFollowerAct = act;
    const asked = mentions(text);
    switch (act) {
      case 'RequestForObjectLocationAndOtherDetails': {
        if (!asked.length) return turn('MiscOther', this.say('misc'));
        return this.answerWhere(asked, w, task);
      }
      case 'RequestForInstruction': {
        if (asksForGoal(text)) {
          // The whole request again in a new paraphrase, then only its gist, then no more.
          const d = this.detailFor('goal', 'same');
          if (d === null) return turn('MiscOther', this.say('exhausted'));
          return turn('Instruction', d === this.baseDetail ? this.goalSentence(task) : this.say('goal.again', { goal: `${task.goal}.` }));
        }
        const out: { exhausted?: boolean } = {};
        const hint = this.subgoal(w, task, out);
        if (hint) return turn('Instruction', hint);
        return turn('MiscOther', this.say('exhausted'));
      }
      case 'Confirm': {
        if (!asked.length || /\b(done|finished|anything else|all set)\b/.test(text.toLowerCase())) {
          const out: { exhausted?: boolean } = {};
          const hint = this.subgoal(w, task, out) ?? this.goalSentence(task);
          return turn('Deny', this.say('not_done', { hint }));
        }
        return this.answerYesNo(text, asked, w, task);
      }
      case 'Greetings/Salutations':
        return turn('Greetings/Salutations', this.say('greeting'));
      case 'Acknowledge':
        return this.rng.bool(ACK_BACK) ? turn('Acknowledge', this.say('ack')) : OBSERVE;
      default:
        return turn('MiscOther', this.say('misc'));
    }
  }

  /** Where each asked object is (all of them); searches for those it has not looked up yet. */
  private answerWhere(asked: Mention[], w: World, task: TaskInstance): CommanderTurnV1 {
    let list = dedupe(asked);
    const parts: string[] = [];
    if (list.length > MAX_ASKED) {
      const needed = list.filter((m) => task.relevant.includes(m.type)).slice(0, MAX_ASKED);
      const unneeded = list.filter((m) => !needed.includes(m)).map((m) => `the ${pluralNoun(m.type)}`);
      parts.push(this.say('where.many', { unneeded: listing(unneeded.slice(0, 3)) }));
      list = needed;
    }
    // It sees what the robot sees (TEACh's Commander has the Follower's view): no need to look that up.
    this.learn(list.filter((m) => w.objects.some((o) => o.type === m.type && (o.loc === 'robot' || rootOf(w, o) === w.robot.at))));
    const unknown = list.filter((m) => !this.knows(m.type) && w.objects.some((o) => o.type === m.type || o.type === baseType(m.type)));
    const known = list.filter((m) => !unknown.includes(m));
    const found = this.whereAnswers(known, w, task, false);
    if (found === null && !unknown.length) return turn('MiscOther', this.say('exhausted'));
    if (found) parts.push(found);
    if (unknown.length) {
      this.search(unknown.map((m) => ({ type: baseType(m.type), plural: m.plural })));
      const names = unknown.map((m) => `the ${m.plural ? pluralNoun(m.type) : nounOf(m.type)}`);
      parts.push(this.say('search', { types: listing(names), are: unknown.length > 1 || unknown[0]?.plural ? 'are' : 'is' }));
      return turn(found ? 'InformationOnObjectDetails' : 'InformationOther', parts.join(' '));
    }
    return turn('InformationOnObjectDetails', parts.join(' '));
  }

  /**
   * Sentences saying where the mentioned objects are; null when every one of them was already told
   * too often. `volunteered` answers carry no repetition count (the Commander offers them itself).
   */
  private whereAnswers(list: Mention[], w: World, task: TaskInstance, volunteered: boolean): string | null {
    const out: string[] = [];
    let exhausted = 0;
    for (const m of list) {
      const objs = w.objects.filter(
        (o) => o.type === m.type && (!m.color || o.color === m.color) && !(volunteered && (o.loc === 'robot' || rootOf(w, o) === w.robot.at)),
      );
      if (volunteered && !objs.length) continue;
      if (!objs.length) {
        const whole = m.type.endsWith(' slice') ? w.objects.find((o) => o.type === baseType(m.type)) : undefined;
        if (whole) {
          const d = volunteered ? this.baseDetail : this.detailFor(`where:${m.type}`, rootOf(w, whole));
          if (d === null) {
            exhausted++;
            continue;
          }
          out.push(
            this.say('where.slice', { types: pluralNoun(m.type), obj: objectNoun(whole, Math.max(d, 1) as Detail), where: objectPlace(w, this.layout, whole, Math.max(d, 1) as Detail, this.rng) }),
          );
        } else out.push(this.say('where.none', { type: nounOf(m.type) }));
        continue;
      }
      const chosen = this.pick(objs, m, w, task);
      const about = chosen.map((o) => `${o.id}@${o.loc}`).join(',');
      const d = volunteered ? this.baseDetail : this.detailFor(`where:${m.type}:${m.color ?? ''}`, about);
      if (d === null) {
        exhausted++;
        continue;
      }
      const sentences = chosen.map((o) => {
        if (o.loc === 'robot') return this.say('where.held', { obj: objectNoun(o, Math.max(d, 1) as Detail) });
        if (rootOf(w, o) === w.robot.at) return this.say('where.here', { obj: objectNoun(o, Math.max(d, 1) as Detail), obj_a: objectNoun(o, Math.max(d, 1) as Detail, false) });
        if (d === 0) return `${cap(objectNoun(o, 0))} is ${this.roughPlace(w, o)}.`;
        return this.say('where', { obj: objectNoun(o, d), obj_a: objectNoun(o, d, false), where: objectPlace(w, this.layout, o, d, this.rng) });
      });
      const text = sentences.join(' ');
      out.push(d < this.baseDetail && !volunteered ? this.say('again', { answer: text }) : text);
    }
    if (!out.length) return exhausted ? null : '';
    return out.join(' ');
  }

  /** Only the kind of place: `in one of the cabinets`, `in the fridge`, `on a plate`. */
  private roughPlace(w: World, o: WorldObject): string {
    const parent = findObject(w, o.loc);
    if (parent) return `${parent.type === 'plate' ? 'on' : 'in'} ${indefinite(nounOf(parent.type))}`;
    const r = findReceptacle(w, o.loc);
    return r ? `${prepOf(r)} ${describePlace(w, this.layout, r.id, 0, this.rng)}` : 'somewhere';
  }

  /** Which instances to talk about: all of them for a plural question (up to four), else the most useful one. */
  private pick(objs: WorldObject[], m: Mention, w: World, task: TaskInstance): WorldObject[] {
    const useful = (o: WorldObject) => {
      let s = 0;
      for (const c of task.conditions) {
        if (c.kind === 'each' && c.ids.includes(o.id) && propsSatisfied(w, o, c.props) < propCount(c.props)) s += 4;
        if (c.kind === 'object' && c.type === o.type) s += 1;
      }
      if (o.dirty === false) s += 1;
      if (w.objects.some((x) => x.loc === o.id)) s -= 2;
      return s;
    };
    const sorted = [...objs].sort((a, b) => useful(b) - useful(a));
    return m.plural ? sorted.slice(0, MAX_ASKED) : sorted.slice(0, 1);
  }

  /** Yes/no questions about every object asked about: its state, or whether the task needs it. */
  private answerYesNo(text: string, asked: Mention[], w: World, task: TaskInstance): CommanderTurnV1 {
    const list = dedupe(asked);
    const states = askedStates(text, list);
    const yes: string[] = [];
    const no: string[] = [];
    const each: string[] = [];
    for (const [i, m] of list.entries()) {
      const state = states[i];
      const objs = w.objects.filter((o) => o.type === m.type && (!m.color || o.color === m.color));
      const noun = `the ${nounOf(m.type, m.color)}`;
      if (!state) {
        const needed = task.relevant.includes(m.type);
        (needed ? yes : no).push(this.say(needed ? 'need.yes' : 'need.no', { obj: noun }));
        continue;
      }
      if (!objs.length) {
        no.push(this.say('where.none', { type: nounOf(m.type) }));
        continue;
      }
      const has = (o: WorldObject) => hasState(o, state.word);
      if (objs.length === 1 || objs.every((o) => has(o) === has(objs[0]!))) {
        const o = objs[0]!;
        (has(o) ? yes : no).push(this.say(has(o) ? 'state.yes' : 'state.no', { obj: objs.length === 1 ? noun : `the ${pluralNoun(m.type)}`, state: state.word, other: state.other }));
      } else {
        for (const o of objs.slice(0, MAX_ASKED)) each.push(this.say('state.each', { obj: objectNoun(o, 2), state: has(o) ? state.word : state.other }));
      }
    }
    const text2 = [...yes, ...no, ...each].join(' ');
    if (!text2) return turn('MiscOther', this.say('misc'));
    const act: CommanderActV1 = each.length || (yes.length && no.length) ? 'InformationOnObjectDetails' : yes.length ? 'Affirm' : 'Deny';
    return turn(act, text2);
  }

  // -------------------------------------------------------------------------------------------
  // Corrections

  private needed(task: TaskInstance): string {
    const types = task.relevant.filter((t) => !t.endsWith(' slice')).slice(0, 3);
    return listing(types.map((t) => indefinite(nounOf(t))));
  }

  private mistake(input: Extract<CommanderInputV1, { kind: 'step' }>): CommanderTurnV1 | null {
    const { world: w, task, command, outcome } = input;
    if (command.verb === 'slice' && outcome.objectId) {
      // The whole item is gone; its slices carry its type.
      const type = outcome.objectId.replace(/ \d+$/, '');
      if (!task.relevant.includes(`${type} slice`)) return turn('FeedbackNegative', this.say('wrong.slice', { obj: `the ${type}`, needed: this.needed(task) }));
      return null;
    }
    const o = outcome.objectId ? findObject(w, outcome.objectId) : undefined;
    if (!o) return null;
    const that = `the ${nounOf(o.type, o.color)}`;
    if (command.verb === 'pickup') {
      if (!task.relevant.includes(o.type)) return turn('FeedbackNegative', this.say('wrong.pickup', { that, needed: this.needed(task) }));
      const finished = task.conditions.find(
        (c) => c.kind === 'each' && c.ids.includes(o.id) && c.props.in !== undefined && propsSatisfied(w, { ...o, loc: w.robot.at }, c.props) === propCount(c.props),
      );
      if (finished) return turn('FeedbackNegative', this.say('wrong.already', { that, objects: pluralNoun(o.type) }));
      return null;
    }
    if (command.verb !== 'put') return null;
    const target = outcome.targetId ? (findObject(w, outcome.targetId) ?? findReceptacle(w, outcome.targetId)) : undefined;
    if (!target) return null;
    if ('loc' in target) {
      if (target.dirty && task.conditions.some((c) => c.kind === 'holder' && c.holder.type === target.type && c.holder.props.dirty === false)) {
        return turn('FeedbackNegative', this.say('wrong.dirty', { obj: that }));
      }
      return null;
    }
    for (const c of task.conditions) {
      if (c.kind === 'each' && c.ids.includes(o.id) && c.props.in !== undefined && target.type !== c.props.in) {
        const unique = w.receptacles.filter((r) => r.type === c.props.in).length === 1;
        const prep = ['fridge', 'drawer', 'cabinet'].includes(c.props.in) ? 'in' : 'on';
        return turn('FeedbackNegative', this.say('wrong.place', { objects: pluralNoun(o.type), prep, dest: unique ? `the ${c.props.in}` : indefinite(c.props.in) }));
      }
    }
    if (task.relevant.includes(o.type) && !task.destinations.includes(target.type) && !PUT_DOWN_SURFACES.includes(target.type)) {
      return turn('FeedbackNegative', this.say('wrong.useless', { obj: that, there: `${prepOf(target)} the ${target.type}` }));
    }
    return null;
  }
}

/** The words a goal template is filled with: the task's parameters as people say them. */
export function goalVars(task: TaskInstance, w: World): Record<string, string> {
  const p = task.params;
  const vars: Record<string, string> = {};
  if (p.object) {
    vars.object = nounOf(p.object);
    vars.objects = pluralNoun(p.object);
  }
  if (p.receptacle) {
    const unique = w.receptacles.filter((r) => r.type === p.receptacle).length === 1;
    vars.dest = unique ? `the ${p.receptacle}` : indefinite(p.receptacle);
    vars.prep = p.prep ?? 'on';
  }
  if (p.n) {
    const words = ['a', 'two', 'three'][Number(p.n) - 1] ?? p.n;
    vars.amount = Number(p.n) === 1 ? 'a slice' : `${words} slices`;
    vars.pieces = Number(p.n) === 1 ? 'one piece' : `${words} pieces`;
  }
  if (p.food) vars.food = p.food;
  if (p.fruit) vars.fruit = p.fruit;
  return vars;
}

function dedupe(ms: Mention[]): Mention[] {
  const seen = new Set<string>();
  return ms.filter((m) => {
    const k = `${m.type}|${m.color ?? ''}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function hasState(o: WorldObject, word: string): boolean {
  switch (word) {
    case 'dirty':
      return o.dirty === true;
    case 'clean':
      return o.dirty === false;
    case 'empty':
      return o.filled === null;
    case 'full':
      return !!o.filled;
    case 'toasted':
      return o.toasted === true;
    case 'cooked':
      return o.cooked === true;
    case 'boiled':
      return o.boiled === true;
    case 'watered':
      return o.watered === true;
  }
  return false;
}
