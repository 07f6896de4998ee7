/**
 * A reactive goal-regression planner over a (possibly partial) world: given what is known, it
 * returns the next robot action towards the first unsatisfied goal condition.
 *
 * It is shared by three users with different knowledge:
 * - the expert agent passes its *belief* (only objects it has seen or been told about), so the
 *   planner may ask the commander (`say where is the X?`) or explore unvisited places;
 * - the scripted commander passes the true world to phrase its next-step instructions;
 * - `oraclePathLength` runs it on the true world to get a reference path length.
 * It only reads the world; it never mutates it.
 */
import { plural, PUT_DOWN_SURFACES, RECEPTACLE_KIND } from './catalog.js';
import { type Condition, holderScore, type Props, propCount, propsSatisfied } from './tasks.js';
import { applyCommand, cloneWorld, type Command, findReceptacle, isAccessible, prepOf, type Receptacle, rootOf, settle, type World, type WorldObject } from './world.js';

export interface Knowledge {
  /** Receptacles whose contents are known. */
  explored: ReadonlySet<string>;
  /** Receptacle ids the commander said an object type is at (not yet checked). */
  hints: Readonly<Record<string, readonly string[]>>;
  /** Object types already asked about. */
  asked: ReadonlySet<string>;
  canAsk: boolean;
}

/**
 * The purpose of a step at the level of a goal condition (the sub-goal a person would name: "toast a
 * slice", "wash the mug"), with the instances it is about. Embodied-v1's Commander words sub-goals
 * from it; the action and reason of a step do not depend on it.
 */
export interface Intent {
  op: 'clean' | 'fill' | 'empty' | 'coffee' | 'toast' | 'cook' | 'boil' | 'water' | 'place' | 'slice' | 'find';
  /** The object the sub-goal is about (absent for `find`). */
  obj?: string;
  /** `place`: the receptacle or holder it goes in/on. */
  dest?: string;
  /** `find`: the type to look for. */
  type?: string;
}

export interface PlanStep {
  action: string;
  /** Why, in words (the commander turns it into an instruction). */
  reason: string;
  intent?: Intent;
}

type Step = PlanStep | null;

const step = (action: string, reason: string): PlanStep => ({ action, reason });

/** The step with its purpose set (the outermost caller's purpose wins). */
const purpose = (s: Step, intent: Intent): Step => (s ? { ...s, intent } : s);

class Planner {
  constructor(
    private readonly w: World,
    private readonly k: Knowledge,
  ) {}

  next(conditions: readonly Condition[]): Step {
    for (const c of conditions) {
      const s = this.condition(c);
      if (s) return s;
    }
    return null;
  }

  private condition(c: Condition): Step {
    if (c.kind === 'object') {
      const need = propCount(c.props);
      const cands = this.ofType(c.type).sort((a, b) => this.score(b, c.props) - this.score(a, c.props) || this.nearness(b) - this.nearness(a));
      const done = cands.filter((o) => this.score(o, c.props) === need).length;
      if (done >= c.count) return null;
      const todo = cands.find((o) => this.score(o, c.props) < need);
      return todo ? this.achieve(todo, c.props) : this.acquire(c.type);
    }
    if (c.kind === 'each') {
      const targets = c.ids.length ? c.ids.map((id) => this.obj(id)).filter((o): o is WorldObject => !!o) : this.ofType(c.type);
      const need = propCount(c.props);
      targets.sort((a, b) => this.nearness(b) - this.nearness(a));
      for (const o of targets) if (this.score(o, c.props) < need) return this.achieve(o, c.props);
      // Without the instance list (an agent's belief) there may be more somewhere: ask, then look.
      return c.ids.length ? null : this.acquire(c.type, true);
    }
    const holders = this.ofType(c.holder.type).sort((a, b) => holderScore(this.w, b, c) - holderScore(this.w, a, c) || this.nearness(b) - this.nearness(a));
    const h = holders[0];
    if (!h) return this.acquire(c.holder.type);
    if (this.score(h, c.holder.props) < propCount(c.holder.props)) return this.achieve(h, c.holder.props);
    for (const spec of c.contents) {
      const need = propCount(spec.props);
      const inside = this.w.objects.filter((o) => o.loc === h.id && o.type === spec.type && this.score(o, spec.props) === need);
      if (inside.length >= spec.count) continue;
      const cand = this.ofType(spec.type)
        .filter((o) => o.loc !== h.id && !this.inOtherHolder(o, h))
        .sort((a, b) => this.score(b, spec.props) - this.score(a, spec.props) || this.nearness(b) - this.nearness(a))[0];
      if (!cand) return this.acquire(spec.type);
      return this.achieve(cand, spec.props, h);
    }
    return null;
  }

  /** Objects already on another plate are left alone (they may be part of a finished plate elsewhere). */
  private inOtherHolder(o: WorldObject, h: WorldObject): boolean {
    const parent = this.obj(o.loc);
    return !!parent && parent.id !== h.id && parent.type === h.type;
  }

  private achieve(o: WorldObject, props: Props, holder?: WorldObject): Step {
    const obj = o.id;
    if (props.boiled && !o.boiled) return purpose(this.boil(o), { op: 'boil', obj });
    if (props.cooked && !o.cooked) return purpose(this.cook(o), { op: 'cook', obj });
    if (props.toasted && !o.toasted) return purpose(this.useAppliance(o, 'toaster', 'toast it'), { op: 'toast', obj });
    if (props.dirty === false && o.dirty) return purpose(this.atSinkHolding(o, `clean ${o.id}`, `wash the ${o.id}`), { op: 'clean', obj });
    if (props.filled === 'water' && o.filled !== 'water') {
      if (o.filled === 'coffee') return purpose(this.atSinkHolding(o, `pour ${o.id} into sink`, `empty the ${o.id}`), { op: 'empty', obj });
      return purpose(this.atSinkHolding(o, `fill ${o.id}`, `fill the ${o.id} with water`), { op: 'fill', obj });
    }
    if (props.filled === 'coffee' && o.filled !== 'coffee') {
      if (o.filled) return purpose(this.atSinkHolding(o, `pour ${o.id} into sink`, `empty the ${o.id}`), { op: 'empty', obj });
      return purpose(this.useAppliance(o, 'coffee machine', 'make coffee'), { op: 'coffee', obj });
    }
    if (props.watered && !o.watered) return purpose(this.water(o), { op: 'water', obj });
    if (props.in !== undefined) {
      const root = rootOf(this.w, o);
      if (root === 'robot' || findReceptacle(this.w, root)?.type !== props.in) {
        const dest = this.w.receptacles.find((r) => r.type === props.in);
        if (dest) return purpose(this.bringTo(o, dest, `put the ${o.id} ${prepOf(dest)} the ${dest.type}`), { op: 'place', obj, dest: dest.id });
      }
    }
    if (holder && o.loc !== holder.id) return purpose(this.bringTo(o, holder, `put the ${o.id} on the ${holder.id}`), { op: 'place', obj, dest: holder.id });
    return null;
  }

  /** A source for `type`: slice a whole one, go where the commander said, ask, or explore. */
  private acquire(type: string, all = false): Step {
    if (type.endsWith(' slice')) {
      const base = type.slice(0, -' slice'.length);
      const whole = this.nearest(this.ofType(base));
      if (whole) return purpose(this.slice(whole), { op: 'slice', obj: whole.id });
      return this.acquire(base);
    }
    const find: Intent = { op: 'find', type };
    const hinted = (this.k.hints[type] ?? []).find((id) => !this.k.explored.has(id) && findReceptacle(this.w, id));
    if (hinted) return purpose(this.visit(findReceptacle(this.w, hinted) as Receptacle, `look for the ${type}`), find);
    if (this.k.canAsk && !this.k.asked.has(type)) {
      const ask = all ? step(`say where are the ${plural(type)}?`, `ask where the ${plural(type)} are`) : step(`say where is the ${type}?`, `ask where the ${type} is`);
      return purpose(ask, find);
    }
    return purpose(this.explore(`look for the ${type}`), find);
  }

  explore(reason: string): Step {
    const here = findReceptacle(this.w, this.w.robot.at);
    const unexplored = this.w.receptacles.filter((r) => !this.k.explored.has(r.id));
    if (!unexplored.length) return null;
    const pick = unexplored.find((r) => r.id === here?.id) ?? unexplored.find((r) => r.room === here?.room) ?? unexplored[0]!;
    return this.visit(pick, reason);
  }

  private visit(r: Receptacle, reason: string): PlanStep {
    if (this.w.robot.at !== r.id) return step(`go to ${r.id}`, reason);
    if (!isAccessible(r)) return step(`open ${r.id}`, reason);
    return step('look', reason);
  }

  private slice(whole: WorldObject): Step {
    const held = this.held();
    if (held?.type !== 'knife') {
      const knife = this.nearest(this.ofType('knife'));
      if (!knife) return this.acquire('knife');
      return this.hold(knife, 'get a knife');
    }
    const root = rootOf(this.w, whole);
    if (root === 'robot') return this.acquire('knife');
    const r = findReceptacle(this.w, root);
    if (!r) return null;
    if (this.w.robot.at !== r.id) return step(`go to ${r.id}`, `slice the ${whole.id}`);
    if (!isAccessible(r)) return step(`open ${r.id}`, `slice the ${whole.id}`);
    return step(`slice ${whole.id}`, `slice the ${whole.id}`);
  }

  private boil(o: WorldObject): Step {
    const stove = this.w.receptacles.find((r) => r.type === 'stove');
    if (!stove) return null;
    const pots = this.ofType('pot').sort((a, b) => this.potRank(b, stove) - this.potRank(a, stove) || this.nearness(b) - this.nearness(a));
    const pot = pots[0];
    if (!pot) return this.acquire('pot');
    if (pot.filled !== 'water') {
      if (pot.filled === 'coffee') return this.atSinkHolding(pot, `pour ${pot.id} into sink`, `empty the ${pot.id}`);
      return this.atSinkHolding(pot, `fill ${pot.id}`, `fill the ${pot.id} with water`);
    }
    if (pot.loc !== stove.id) return this.bringTo(pot, stove, `put the ${pot.id} on the stove`);
    if (o.loc !== pot.id) return this.bringTo(o, pot, `put the ${o.id} in the ${pot.id}`);
    return this.switchOn(stove, `boil the ${o.id}`);
  }

  private potRank(p: WorldObject, stove: Receptacle): number {
    return (p.loc === stove.id ? 2 : 0) + (p.filled === 'water' ? 1 : 0);
  }

  private cook(o: WorldObject): Step {
    const mw = this.w.receptacles.find((r) => r.type === 'microwave');
    if (!mw) return null;
    if (rootOf(this.w, o) !== mw.id) return this.bringTo(o, mw, `cook the ${o.id} in the microwave`);
    if (this.w.robot.at !== mw.id) return step(`go to ${mw.id}`, `cook the ${o.id}`);
    if (mw.open) return step(`close ${mw.id}`, `cook the ${o.id}`);
    return this.switchOn(mw, `cook the ${o.id}`);
  }

  private useAppliance(o: WorldObject, type: string, why: string): Step {
    const app = this.w.receptacles.find((r) => r.type === type);
    if (!app) return null;
    if (o.loc !== app.id) return this.bringTo(o, app, `${why}: put the ${o.id} in the ${type}`);
    return this.switchOn(app, why);
  }

  /** Turn an appliance on (off and on again if it is already on, e.g. a mug washed in between). */
  private switchOn(app: Receptacle, why: string): PlanStep {
    if (this.w.robot.at !== app.id) return step(`go to ${app.id}`, why);
    return step(`toggle ${app.on ? 'off' : 'on'} ${app.id}`, why);
  }

  private water(plant: WorldObject): Step {
    const held = this.held();
    if (held?.filled === 'water') {
      const root = rootOf(this.w, plant);
      if (this.w.robot.at !== root) return step(`go to ${root}`, `water the ${plant.id}`);
      return step(`pour ${held.id} into ${plant.id}`, `water the ${plant.id}`);
    }
    const cans = this.w.objects
      .filter((o) => o.filled !== undefined && o.filled !== 'coffee' && !this.busy(o))
      .sort((a, b) => this.canRank(b) - this.canRank(a) || this.nearness(b) - this.nearness(a));
    const can = cans[0];
    if (!can) return this.acquire('cup');
    return this.atSinkHolding(can, `fill ${can.id}`, `fill the ${can.id} with water`);
  }

  private canRank(o: WorldObject): number {
    return (o.loc === 'robot' ? 4 : 0) + (o.filled === 'water' ? 2 : 0) + (o.type === 'watering can' ? 1 : 0);
  }

  /** Containers with things in them are not used for carrying water. */
  private busy(o: WorldObject): boolean {
    return this.w.objects.some((c) => c.loc === o.id);
  }

  private atSinkHolding(o: WorldObject, action: string, why: string): Step {
    const h = this.hold(o, why);
    if (h) return h;
    const sink = this.w.receptacles.find((r) => r.type === 'sink');
    if (!sink) return null;
    if (this.w.robot.at !== sink.id) return step(`go to ${sink.id}`, why);
    return step(action, why);
  }

  /** Carry `o` to a receptacle or into a holder object. */
  private bringTo(o: WorldObject, dest: Receptacle | WorldObject, why: string): Step {
    const h = this.hold(o, why);
    if (h) return h;
    const isRec = 'room' in dest;
    const placeId = isRec ? dest.id : rootOf(this.w, dest);
    const place = findReceptacle(this.w, placeId);
    if (!place) return null;
    if (this.w.robot.at !== place.id) return step(`go to ${place.id}`, why);
    if (!isAccessible(place)) return step(`open ${place.id}`, why);
    const prep = isRec ? prepOf(dest) : dest.type === 'plate' ? 'on' : 'in';
    return step(`put ${o.id} ${prep} ${dest.id}`, why);
  }

  /** Null when already holding `o`; else the next step towards picking it up. */
  private hold(o: WorldObject, why: string): Step {
    const held = this.held();
    if (held?.id === o.id) return null;
    if (held) return this.putDown(held);
    const root = rootOf(this.w, o);
    const r = findReceptacle(this.w, root);
    if (!r) return null;
    if (this.w.robot.at !== r.id) return step(`go to ${r.id}`, why);
    if (!isAccessible(r)) return step(`open ${r.id}`, why);
    return step(`pick up ${o.id}`, why);
  }

  private putDown(held: WorldObject): PlanStep {
    const here = findReceptacle(this.w, this.w.robot.at);
    if (here && PUT_DOWN_SURFACES.includes(here.type) && this.accepts(here, held)) {
      return step(`put ${held.id} ${prepOf(here)} ${here.id}`, `free your hands`);
    }
    const surface = this.w.receptacles.find((r) => PUT_DOWN_SURFACES.includes(r.type) && r.room === here?.room) ?? this.w.receptacles.find((r) => PUT_DOWN_SURFACES.includes(r.type));
    if (!surface) return step(`put ${held.id} ${here ? prepOf(here) : 'on'} ${here?.id ?? ''}`.trim(), 'free your hands');
    return step(`go to ${surface.id}`, 'free your hands');
  }

  private accepts(r: Receptacle, o: WorldObject): boolean {
    const kind = RECEPTACLE_KIND.get(r.type);
    return !kind?.accepts || kind.accepts.includes(o.type);
  }

  private held(): WorldObject | undefined {
    return this.w.robot.holding ? this.obj(this.w.robot.holding) : undefined;
  }

  private obj(id: string): WorldObject | undefined {
    return this.w.objects.find((o) => o.id === id);
  }

  private ofType(type: string): WorldObject[] {
    return this.w.objects.filter((o) => o.type === type);
  }

  private nearest(objs: WorldObject[]): WorldObject | undefined {
    return objs.sort((a, b) => this.nearness(b) - this.nearness(a))[0];
  }

  /** Tie-break towards what is in hand, then what is here, so plans do not flip between equals. */
  private nearness(o: WorldObject): number {
    const root = rootOf(this.w, o);
    return root === 'robot' ? 2 : root === this.w.robot.at ? 1 : 0;
  }

  private score(o: WorldObject, props: Props): number {
    return propsSatisfied(this.w, o, props);
  }
}

/** The next action towards the goal, or null when nothing is left to do with what is known. */
export function planNext(w: World, conditions: readonly Condition[], k: Knowledge): PlanStep | null {
  return new Planner(w, k).next(conditions);
}

/** Exploration step alone (what to look at next when nothing known remains to do). */
export function planExplore(w: World, k: Knowledge): PlanStep | null {
  return new Planner(w, k).explore('look around');
}

export function fullKnowledge(w: World): Knowledge {
  return { explored: new Set(w.receptacles.map((r) => r.id)), hints: {}, asked: new Set(), canAsk: false };
}

/**
 * Length of the planner's path with perfect knowledge of the world (no questions, no exploring),
 * a reference for path-length-weighted metrics. Null when it cannot finish within `limit` steps.
 */
export function oraclePathLength(world: World, conditions: readonly Condition[], isDone: (w: World) => boolean, limit = 200): number | null {
  const w = cloneWorld(world);
  const k = fullKnowledge(w);
  for (let n = 0; n < limit; n++) {
    if (isDone(w)) return n;
    const s = planNext(w, conditions, k);
    if (!s) return null;
    const cmd = parseCommand(s.action);
    if (!cmd) return null;
    const out = applyCommand(w, cmd);
    if (!out.ok) return null;
    settle(w);
  }
  return isDone(w) ? limit : null;
}

// ---------------------------------------------------------------------------------------------
// The action grammar (also used by the env's parseAction)

const ARTICLE = '(?:the |a |an )?';
const GRAMMAR: [RegExp, (m: RegExpExecArray) => Command][] = [
  [/^(?:look|look around|l)$/, () => ({ verb: 'look' })],
  [/^(?:done|stop|finish|finished)$/, () => ({ verb: 'done' })],
  [new RegExp(`^(?:go to|goto|go|walk to|move to|navigate to) ${ARTICLE}(.+)$`), (m) => ({ verb: 'goto', target: m[1]! })],
  [new RegExp(`^(?:pick up|pickup|take|grab) ${ARTICLE}(.+?)(?: from ${ARTICLE}.+)?$`), (m) => ({ verb: 'pickup', obj: m[1]! })],
  [new RegExp(`^(?:put down|drop) ${ARTICLE}(.+)$`), (m) => ({ verb: 'put', obj: m[1]!, target: null })],
  [
    new RegExp(`^(?:put|place) ${ARTICLE}(.+?) (?:in|on|into|onto|inside) ${ARTICLE}(.+)$`),
    (m) => ({ verb: 'put', obj: m[1]!, target: m[2]! }),
  ],
  [new RegExp(`^open ${ARTICLE}(.+)$`), (m) => ({ verb: 'open', target: m[1]! })],
  [new RegExp(`^close ${ARTICLE}(.+)$`), (m) => ({ verb: 'close', target: m[1]! })],
  [new RegExp(`^(?:toggle|turn|switch) (on|off) ${ARTICLE}(.+)$`), (m) => ({ verb: 'toggle', on: m[1] === 'on', target: m[2]! })],
  [new RegExp(`^(?:toggle|turn|switch) ${ARTICLE}(.+) (on|off)$`), (m) => ({ verb: 'toggle', on: m[2] === 'on', target: m[1]! })],
  [new RegExp(`^(?:slice|cut) ${ARTICLE}(.+)$`), (m) => ({ verb: 'slice', obj: m[1]! })],
  [new RegExp(`^(?:clean|wash|rinse) ${ARTICLE}(.+)$`), (m) => ({ verb: 'clean', obj: m[1]! })],
  [new RegExp(`^fill ${ARTICLE}(.+?)(?: with water)?$`), (m) => ({ verb: 'fill', obj: m[1]! })],
  [
    new RegExp(`^pour ${ARTICLE}(.+?) (?:in|on|into|onto|over) ${ARTICLE}(.+)$`),
    (m) => ({ verb: 'pour', obj: m[1]!, target: m[2]! }),
  ],
];

/**
 * GRAMMAR's rules by the first word they can match: each rule opens with literal words (its verb's
 * alternatives) followed by a space or the end, so a rule whose opening words cannot start the
 * action cannot match it. Trying only those rules, in GRAMMAR's order, finds the same first match.
 */
const RULES_BY_FIRST_WORD: Map<string, [RegExp, (m: RegExpExecArray) => Command][]> = (() => {
  const out = new Map<string, [RegExp, (m: RegExpExecArray) => Command][]>();
  for (const rule of GRAMMAR) {
    const m = /^\^\(\?:([^)]*)\)|^\^([a-z]+)/.exec(rule[0].source);
    if (!m) throw new Error(`planner: rule ${rule[0].source} does not open with literal words`);
    const words = new Set((m[1] ?? m[2] ?? '').split('|').map((alt) => alt.split(' ')[0] as string));
    for (const w of words) out.set(w, [...(out.get(w) ?? []), rule]);
  }
  return out;
})();

export const MAX_SAY_LENGTH = 500;

/** `parseCommand` trying every GRAMMAR rule in order (its definition); tests hold the indexed one to it. */
export function parseCommandReference(action: string): Command | null {
  return parseWith(action, () => GRAMMAR);
}

/**
 * Parses one action string (case- and space-insensitive) into a command, or returns null when it
 * is not in the grammar. Names are not resolved here: naming something absent is a valid action
 * that fails in the world.
 */
export function parseCommand(action: string): Command | null {
  return parseWith(action, rulesFor);
}

function rulesFor(a: string): readonly [RegExp, (m: RegExpExecArray) => Command][] {
  const space = a.indexOf(' ');
  return RULES_BY_FIRST_WORD.get(space < 0 ? a : a.slice(0, space)) ?? [];
}

function parseWith(action: string, rules: (normalized: string) => readonly [RegExp, (m: RegExpExecArray) => Command][]): Command | null {
  const raw = action.trim();
  const say = /^say\s*:?\s+([\s\S]+)$/i.exec(raw);
  if (say) {
    const text = say[1]!.trim().replace(/^["'](.*)["']$/s, '$1');
    if (!text || text.length > MAX_SAY_LENGTH) return null;
    return { verb: 'say', text };
  }
  const a = raw.toLowerCase().replace(/\s+/g, ' ').replace(/[.!]+$/, '');
  if (!a || a.length > 120) return null;
  for (const [re, make] of rules(a)) {
    const m = re.exec(a);
    if (m) return make(m);
  }
  return null;
}

export const ACTION_GRAMMAR = [
  'go to <place>',
  'look',
  'pick up <object>',
  'put <object> in|on <place or plate/bowl/pot/pan>',
  'put down <object>',
  'open <place>',
  'close <place>',
  'toggle on|off <appliance>',
  'slice <object> (holding a knife)',
  'clean <object> (at the sink)',
  'fill <container> (at the sink, with water)',
  'pour <container> into <plant, container or sink>',
  'say <text>  (talk to the commander, e.g. say where is the mug?)',
  'done  (end the episode)',
];

