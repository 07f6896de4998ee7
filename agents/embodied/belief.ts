/**
 * What a robot agent can know in Embodied-v0, built only from the observation text: the house plan
 * in the instructions, the location/holding lines the env prints after every action, and the
 * commander's utterances (goal, where things are). The belief is World-shaped so that the shared
 * planner can run on it; objects never seen are simply absent.
 */
import { OBJECT_KIND, RECEPTACLE_KIND, typeOfId } from '../../envs/embodied/catalog.js';
import { allAssignments, type Condition, instantiateTemplate, TASK_TEMPLATES } from '../../envs/embodied/tasks.js';
import { type Receptacle, rootOf, type World, type WorldObject } from '../../envs/embodied/world.js';
import { mentionedType } from '../../simulators/embodied/commander.js';
import type { TranscriptEntry } from '../../core/types.js';

/** All instantiated goal phrasings, longest first, for recognising the goal in the commander's words. */
const GOALS = TASK_TEMPLATES.flatMap((t) => allAssignments(t).map((a) => ({ t, a, goal: instantiateTemplate(t, a).goal.toLowerCase() }))).sort(
  (x, y) => y.goal.length - x.goal.length,
);

/** The task conditions named by a commander utterance, when it states one of the known goals. */
export function recogniseGoal(text: string): { type: string; conditions: Condition[] } | null {
  const t = text.toLowerCase();
  const g = GOALS.find((x) => t.includes(x.goal));
  if (!g) return null;
  return { type: g.t.id, conditions: instantiateTemplate(g.t, g.a).conditions };
}

/** `kitchen: counter 1, fridge; living room: sofa` → receptacles with their rooms. */
export function parseHouse(instructions: string): Receptacle[] {
  const m = /places you can go to\): (.+?)\.\n/.exec(instructions);
  if (!m) return [];
  const out: Receptacle[] = [];
  for (const part of m[1]!.split('; ')) {
    const [room, list] = part.split(': ');
    if (!room || !list) continue;
    for (const id of list.split(', ')) {
      const type = typeOfId(id);
      const kind = RECEPTACLE_KIND.get(type);
      if (!kind) continue;
      const r: Receptacle = { id, type, room };
      if (kind.openable) r.open = false;
      if (kind.toggleable) r.on = false;
      out.push(r);
    }
  }
  return out;
}

/** `mug 1 [dirty, in pot 2]` → an object (located at `defaultLoc` unless the brackets say otherwise). */
export function parseItem(text: string, defaultLoc: string): WorldObject | null {
  const m = /^(.+? \d+)(?: \[(.*)\])?$/.exec(text.trim());
  if (!m) return null;
  const id = m[1]!;
  const type = typeOfId(id);
  const kind = OBJECT_KIND.get(type);
  if (!kind) return null;
  const o: WorldObject = { id, type, loc: defaultLoc };
  if (kind.dish) o.dirty = false;
  if (kind.fillable) o.filled = null;
  if (kind.toastable) o.toasted = false;
  if (kind.cookable) o.cooked = false;
  if (kind.boilable) o.boiled = false;
  if (kind.waterable) o.watered = false;
  for (const attr of (m[2] ?? '').split(', ')) {
    const a = attr.trim();
    const inside = /^(?:in|on) (.+ \d+)$/.exec(a);
    if (inside) o.loc = inside[1]!;
    else if (a === 'dirty') o.dirty = true;
    else if (a === 'water' || a === 'coffee') o.filled = a;
    else if (a === 'toasted') o.toasted = true;
    else if (a === 'cooked') o.cooked = true;
    else if (a === 'boiled') o.boiled = true;
    else if (a === 'watered') o.watered = true;
  }
  return o;
}

export class Belief {
  world: World = { receptacles: [], objects: [], robot: { at: '', holding: null }, nextId: {} };
  explored = new Set<string>();
  hints: Record<string, string[]> = {};
  asked = new Set<string>();
  /** The type of the agent's latest where-question, to attach place-only answers to. */
  lastAsked: string | null = null;
  goal: { type: string; conditions: Condition[] } | null = null;
  private consumed = 0;
  protected receptacleIds: string[] = [];

  /** Reads the transcript entries not yet seen. */
  update(instructions: string, transcript: readonly TranscriptEntry[]): void {
    if (!this.world.receptacles.length) {
      this.world.receptacles = this.parsePlaces(instructions);
      this.receptacleIds = this.world.receptacles.map((r) => r.id).sort((a, b) => b.length - a.length);
    }
    for (; this.consumed < transcript.length; this.consumed++) {
      const t = transcript[this.consumed]!;
      if (t.role === 'system') this.readEnv(t.text);
      else if (t.role === 'user') this.readCommander(t.text);
    }
  }

  /** The places of the house, from the instructions (Embodied-v1 words its house plan differently). */
  protected parsePlaces(instructions: string): Receptacle[] {
    return parseHouse(instructions);
  }

  protected receptacle(id: string): Receptacle | undefined {
    return this.world.receptacles.find((r) => r.id === id);
  }

  private readEnv(text: string): void {
    this.readEffects(text);
    for (const line of text.split('\n')) {
      const at = /^You are at the (.+?) \((.+?)\)\./.exec(line);
      if (at) {
        this.world.robot.at = at[1]!;
        const r = this.receptacle(at[1]!);
        if (r) {
          const st = new RegExp(`The ${escapeRe(r.id)} is (open|closed)\\.`).exec(line);
          if (st && r.open !== undefined) r.open = st[1] === 'open';
          const pw = new RegExp(`The ${escapeRe(r.id)} is (on|off)\\.`).exec(line);
          if (pw && r.on !== undefined) r.on = pw[1] === 'on';
        }
        continue;
      }
      const contents = /^(?:In|On) the (.+?): (.*)\.$/.exec(line);
      if (contents) {
        this.replaceContents(contents[1]!, contents[2]!);
        continue;
      }
      const holding = /^You are holding: (.*)\.$/.exec(line);
      if (holding) this.replaceContents('robot', holding[1]!);
    }
  }

  /** Appliance effects are reported even when the appliance is closed (the microwave): note them. */
  private readEffects(text: string): void {
    const set = (id: string, f: (o: WorldObject) => void) => {
      const o = this.world.objects.find((x) => x.id === id);
      if (o) f(o);
    };
    for (const m of text.matchAll(/\bThe ([a-z ]+? \d+) is (cooked|toasted)\./g)) {
      set(m[1]!, (o) => {
        if (m[2] === 'cooked') o.cooked = true;
        else o.toasted = true;
      });
    }
    for (const m of text.matchAll(/\bThe ([a-z ]+? \d+) boils in/g)) set(m[1]!, (o) => (o.boiled = true));
    for (const m of text.matchAll(/fills the ([a-z ]+? \d+) with coffee/g)) set(m[1]!, (o) => (o.filled = 'coffee'));
  }

  /** Everything at `place` is now exactly what was listed (objects move only when the robot moves them). */
  private replaceContents(place: string, list: string): void {
    const w = this.world;
    const items = list === 'nothing' ? [] : list.split('; ').map((s) => parseItem(s, place)).filter((o): o is WorldObject => !!o);
    const listed = new Set(items.map((o) => o.id));
    w.objects = w.objects.filter((o) => !listed.has(o.id) && rootOf(w, o) !== place);
    w.objects.push(...items);
    if (place === 'robot') {
      w.robot.holding = items.find((o) => o.loc === 'robot')?.id ?? null;
    } else {
      this.explored.add(place);
    }
  }

  protected readCommander(text: string): void {
    if (!this.goal) this.goal = recogniseGoal(text);
    const lower = text.toLowerCase();
    for (const sentence of lower.split(/(?<=[.!?;])\s+/)) {
      const places = this.receptacleIds.filter((id) => new RegExp(`\\b${escapeRe(id)}\\b`).test(sentence));
      if (!places.length) continue;
      const type = mentionedType(sentence) ?? this.lastAsked;
      if (!type) continue;
      const known = this.hints[type] ?? [];
      this.hints[type] = [...known, ...places.filter((p) => !known.includes(p))];
      // A hint about a place already explored means the object is there now: look again.
      for (const p of places) if (!this.world.objects.some((o) => o.type === type && rootOf(this.world, o) === p)) this.explored.delete(p);
    }
  }
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

