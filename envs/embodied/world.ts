/**
 * The text household world: plain-JSON state, generation from an Rng, the robot's actions with
 * their preconditions, appliance effects, text descriptions, and goal-condition checking.
 *
 * Contract:
 * - `World` is plain JSON (it lives in the machine context and in scenarios).
 * - `applyCommand` mutates the world it is given (callers pass a clone) and never throws: a failed
 *   precondition returns `{ ok: false, message }` and leaves the world unchanged.
 * - Appliance effects (`settle`) apply after every successful action, so an appliance that is on
 *   keeps working on whatever is put into it.
 */
import type { Rng } from '../../core/rng.js';
import {
  OBJECT_KIND,
  OBJECT_KINDS,
  OBJECT_TYPES_LONGEST_FIRST,
  plural,
  RECEPTACLE_KIND,
  RECEPTACLE_KINDS,
  RECEPTACLE_TYPES_LONGEST_FIRST,
} from './catalog.js';

export type Liquid = 'water' | 'coffee';

export interface Receptacle {
  id: string;
  type: string;
  room: string;
  /** Present for openable receptacles only. */
  open?: boolean;
  /** Present for appliances only. */
  on?: boolean;
}

export interface WorldObject {
  id: string;
  type: string;
  /** A receptacle id, another object's id (on a plate, in a pot), or 'robot' when held. */
  loc: string;
  /** Embodied-v1 only: what colour it is (v0 worlds have none). */
  color?: string;
  dirty?: boolean;
  filled?: Liquid | null;
  toasted?: boolean;
  cooked?: boolean;
  boiled?: boolean;
  watered?: boolean;
}

export interface World {
  receptacles: Receptacle[];
  objects: WorldObject[];
  robot: { at: string; holding: string | null };
  /** Next free instance number per object type (slices are created during the episode). */
  nextId: Record<string, number>;
}

export type Command =
  | { verb: 'goto'; target: string }
  | { verb: 'look' }
  | { verb: 'pickup'; obj: string }
  | { verb: 'put'; obj: string; target: string | null }
  | { verb: 'open' | 'close'; target: string }
  | { verb: 'toggle'; on: boolean; target: string }
  | { verb: 'slice' | 'clean' | 'fill'; obj: string }
  | { verb: 'pour'; obj: string; target: string }
  | { verb: 'say'; text: string }
  | { verb: 'done' };

/** What happened, for the commander and the logs (ids are resolved names). */
export interface Outcome {
  verb: Command['verb'];
  ok: boolean;
  message: string;
  objectId?: string;
  targetId?: string;
}

export const worldSchema = {
  type: 'object',
  required: ['receptacles', 'objects', 'robot', 'nextId'],
  additionalProperties: false,
  properties: {
    receptacles: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['id', 'type', 'room'],
        additionalProperties: false,
        properties: {
          id: { type: 'string', minLength: 1 },
          type: { enum: RECEPTACLE_KINDS.map((k) => k.type) },
          room: { type: 'string', minLength: 1 },
          open: { type: 'boolean' },
          on: { type: 'boolean' },
        },
      },
    },
    objects: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'type', 'loc'],
        additionalProperties: false,
        properties: {
          id: { type: 'string', minLength: 1 },
          type: { enum: OBJECT_KINDS.map((k) => k.type) },
          loc: { type: 'string', minLength: 1 },
          dirty: { type: 'boolean' },
          filled: { enum: ['water', 'coffee', null] },
          toasted: { type: 'boolean' },
          cooked: { type: 'boolean' },
          boiled: { type: 'boolean' },
          watered: { type: 'boolean' },
        },
      },
    },
    robot: {
      type: 'object',
      required: ['at', 'holding'],
      additionalProperties: false,
      properties: { at: { type: 'string' }, holding: { type: ['string', 'null'] } },
    },
    nextId: { type: 'object', additionalProperties: { type: 'integer', minimum: 1 } },
  },
} as const;

// ---------------------------------------------------------------------------------------------
// Generation

/** A fresh object of `type` with the state fields its kind has. */
export function makeObject(world: World, type: string, loc: string): WorldObject {
  const kind = OBJECT_KIND.get(type);
  const n = world.nextId[type] ?? 1;
  world.nextId[type] = n + 1;
  const o: WorldObject = { id: `${type} ${n}`, type, loc };
  if (kind?.dish) o.dirty = false;
  if (kind?.fillable) o.filled = null;
  if (kind?.toastable) o.toasted = false;
  if (kind?.cookable) o.cooked = false;
  if (kind?.boilable) o.boiled = false;
  if (kind?.waterable) o.watered = false;
  world.objects.push(o);
  return o;
}

/** A receptacle where `type` may spawn in this house (its kind's spawn list, else a counter). */
export function spawnPlace(world: World, type: string, rng: Rng, exclude: string[] = []): string {
  const kind = OBJECT_KIND.get(type);
  const allowed = world.receptacles.filter(
    (r) => (kind?.spawn ?? []).includes(r.type) && !exclude.includes(r.type) && hasRoom(world, r, type),
  );
  if (allowed.length) return rng.pick(allowed).id;
  const fallback = world.receptacles.filter((r) => r.type === 'counter' && !exclude.includes(r.type));
  return (fallback[0] ?? world.receptacles.find((r) => !exclude.includes(r.type)) ?? world.receptacles[0]!).id;
}

function hasRoom(world: World, r: Receptacle, type: string): boolean {
  const kind = RECEPTACLE_KIND.get(r.type);
  if (kind?.accepts && !kind.accepts.includes(type)) return false;
  if (kind?.capacity !== undefined && world.objects.filter((o) => o.loc === r.id).length >= kind.capacity) return false;
  return true;
}

/** The house without any task: rooms, receptacles and a random set of objects. */
export function generateHouse(rng: Rng): World {
  const world: World = { receptacles: [], objects: [], robot: { at: '', holding: null }, nextId: {} };
  for (const kind of RECEPTACLE_KINDS) {
    const n = rng.int(kind.count[0], kind.count[1]);
    for (let i = 1; i <= n; i++) {
      const r: Receptacle = { id: kind.numbered ? `${kind.type} ${i}` : kind.type, type: kind.type, room: kind.room };
      if (kind.openable) r.open = false;
      if (kind.toggleable) r.on = false;
      world.receptacles.push(r);
    }
  }
  for (const kind of OBJECT_KINDS) {
    const n = rng.int(kind.count[0], kind.count[1]);
    for (let i = 0; i < n; i++) {
      const o = makeObject(world, kind.type, spawnPlace(world, kind.type, rng));
      if (kind.dish) o.dirty = rng.bool(0.35);
    }
  }
  world.robot.at = rng.pick(world.receptacles.filter((r) => r.room === 'kitchen' && r.type === 'counter')).id;
  return world;
}

export function cloneWorld(w: World): World {
  return {
    receptacles: w.receptacles.map((r) => ({ ...r })),
    objects: w.objects.map((o) => ({ ...o })),
    robot: { ...w.robot },
    nextId: { ...w.nextId },
  };
}

// ---------------------------------------------------------------------------------------------
// Queries

export function findObject(w: World, id: string): WorldObject | undefined {
  return w.objects.find((o) => o.id === id);
}

export function findReceptacle(w: World, id: string): Receptacle | undefined {
  return w.receptacles.find((r) => r.id === id);
}

/** Objects by id, for the lookups that would otherwise scan the object list per object. */
export function objectIndex(w: World): Map<string, WorldObject> {
  const m = new Map<string, WorldObject>();
  for (const o of w.objects) m.set(o.id, o);
  return m;
}

/** The receptacle an object is ultimately in/on, or 'robot' when it (or its container) is held. */
export function rootOf(w: World, obj: WorldObject, index?: ReadonlyMap<string, WorldObject>): string {
  let loc = obj.loc;
  for (let guard = 0; guard < 8; guard++) {
    if (loc === 'robot') return 'robot';
    const parent = index ? index.get(loc) : w.objects.find((o) => o.id === loc);
    if (!parent) return loc;
    loc = parent.loc;
  }
  return loc;
}

/** Whether the robot can see into a receptacle when standing at it. */
export function isAccessible(r: Receptacle | undefined): boolean {
  return !!r && r.open !== false;
}

/** Objects the robot can see where it stands (nested ones included), in world order. */
export function visibleHere(w: World, index: ReadonlyMap<string, WorldObject> = objectIndex(w)): WorldObject[] {
  const here = findReceptacle(w, w.robot.at);
  if (!isAccessible(here)) return [];
  return w.objects.filter((o) => o.loc !== 'robot' && rootOf(w, o, index) === w.robot.at);
}

export function heldObjects(w: World, index: ReadonlyMap<string, WorldObject> = objectIndex(w)): WorldObject[] {
  if (!w.robot.holding) return [];
  return w.objects.filter((o) => rootOf(w, o, index) === 'robot');
}

function normalizeName(name: string): string {
  return name
    .toLowerCase()
    .replace(/^(the|a|an|some)\s+/, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** An object among `pool` named by id (`mug 2`) or by type (`mug`, `mugs`): the first of that type. */
export function resolveObject(name: string, pool: WorldObject[]): WorldObject | undefined {
  const n = normalizeName(name);
  const exact = pool.find((o) => o.id === n);
  if (exact) return exact;
  const type = OBJECT_TYPES_LONGEST_FIRST.find((t) => t === n || plural(t) === n);
  return type ? pool.find((o) => o.type === type) : undefined;
}

/** A receptacle by id, or by type (the one the robot is at when it is of that type, else the first). */
export function resolveReceptacle(w: World, name: string): Receptacle | undefined {
  const n = normalizeName(name);
  const exact = findReceptacle(w, n);
  if (exact) return exact;
  const type = RECEPTACLE_TYPES_LONGEST_FIRST.find((t) => t === n || plural(t) === n);
  if (!type) return undefined;
  const here = findReceptacle(w, w.robot.at);
  if (here?.type === type) return here;
  return w.receptacles.find((r) => r.type === type);
}

export function prepOf(r: Receptacle): 'in' | 'on' {
  return RECEPTACLE_KIND.get(r.type)?.prep ?? 'on';
}

// ---------------------------------------------------------------------------------------------
// Descriptions (the expert agent parses these: keep the format stable)

/** `mug 1 [dirty, coffee]`, `tomato slice 2 [on plate 1]`. */
export function describeObject(w: World, o: WorldObject, index?: ReadonlyMap<string, WorldObject>): string {
  const attrs: string[] = [];
  const parent = index ? index.get(o.loc) : w.objects.find((p) => p.id === o.loc);
  if (parent) attrs.push(`${parent.type === 'plate' ? 'on' : 'in'} ${parent.id}`);
  if (o.dirty !== undefined) attrs.push(o.dirty ? 'dirty' : 'clean');
  if (o.filled) attrs.push(o.filled);
  if (o.toasted) attrs.push('toasted');
  if (o.cooked) attrs.push('cooked');
  if (o.boiled) attrs.push('boiled');
  if (o.watered !== undefined) attrs.push(o.watered ? 'watered' : 'dry');
  return attrs.length ? `${o.id} [${attrs.join(', ')}]` : o.id;
}

export function describeReceptacleState(r: Receptacle): string {
  const parts: string[] = [];
  if (r.open !== undefined) parts.push(`The ${r.id} is ${r.open ? 'open' : 'closed'}.`);
  if (r.on !== undefined) parts.push(`The ${r.id} is ${r.on ? 'on' : 'off'}.`);
  return parts.join(' ');
}

/** Where the robot is, what it sees there, and what it holds; one fact per line. */
/** How one object is described to the robot (v0's `describeObject`, v1's `describeObjectV1`). */
export type ObjectDescriber = (w: World, o: WorldObject, index?: ReadonlyMap<string, WorldObject>) => string;

export function describeHere(w: World, describe: ObjectDescriber = describeObject): string {
  const r = findReceptacle(w, w.robot.at);
  const index = objectIndex(w);
  const lines: string[] = [];
  if (r) {
    const state = describeReceptacleState(r);
    lines.push(`You are at the ${r.id} (${r.room}).${state ? ` ${state}` : ''}`);
    if (isAccessible(r)) {
      const items = visibleHere(w, index).map((o) => describe(w, o, index));
      const prep = prepOf(r) === 'in' ? 'In' : 'On';
      lines.push(`${prep} the ${r.id}: ${items.length ? items.join('; ') : 'nothing'}.`);
    }
  }
  const held = heldObjects(w, index);
  lines.push(`You are holding: ${held.length ? held.map((o) => describe(w, o, index)).join('; ') : 'nothing'}.`);
  return lines.join('\n');
}

/** The house plan given in the robot's instructions: places by room. */
export function describeHouse(w: World): string {
  const rooms = new Map<string, string[]>();
  for (const r of w.receptacles) rooms.set(r.room, [...(rooms.get(r.room) ?? []), r.id]);
  return [...rooms.entries()].map(([room, ids]) => `${room}: ${ids.join(', ')}`).join('; ');
}

// ---------------------------------------------------------------------------------------------
// Actions

const fail = (verb: Command['verb'], message: string, extra: Partial<Outcome> = {}): Outcome => ({
  verb,
  ok: false,
  message,
  ...extra,
});

function receptacleHere(w: World, name: string, verb: Command['verb']): Receptacle | Outcome {
  const r = resolveReceptacle(w, name);
  if (!r) return fail(verb, `There is no '${name}' in the house.`);
  if (r.id !== w.robot.at) return fail(verb, `You need to go to the ${r.id} first.`, { targetId: r.id });
  return r;
}

/** Applies one command to `w` (mutating it). Say/done are the machine's business and change nothing here. */
export function applyCommand(w: World, cmd: Command): Outcome {
  switch (cmd.verb) {
    case 'say':
    case 'done':
      return { verb: cmd.verb, ok: true, message: '' };
    case 'look':
      return { verb: 'look', ok: true, message: 'You look around.' };
    case 'goto': {
      const r = resolveReceptacle(w, cmd.target);
      if (!r) return fail('goto', `There is no '${cmd.target}' in the house.`);
      if (r.id === w.robot.at) return { verb: 'goto', ok: true, message: `You are already at the ${r.id}.`, targetId: r.id };
      w.robot.at = r.id;
      return { verb: 'goto', ok: true, message: `You go to the ${r.id}.`, targetId: r.id };
    }
    case 'open':
    case 'close': {
      const r = receptacleHere(w, cmd.target, cmd.verb);
      if (!('room' in r)) return r;
      if (r.open === undefined) return fail(cmd.verb, `The ${r.id} cannot be opened or closed.`, { targetId: r.id });
      const want = cmd.verb === 'open';
      if (r.open === want) return fail(cmd.verb, `The ${r.id} is already ${want ? 'open' : 'closed'}.`, { targetId: r.id });
      r.open = want;
      return { verb: cmd.verb, ok: true, message: `You ${cmd.verb} the ${r.id}.`, targetId: r.id };
    }
    case 'toggle': {
      const r = receptacleHere(w, cmd.target, 'toggle');
      if (!('room' in r)) return r;
      const word = cmd.on ? 'on' : 'off';
      if (r.on === undefined) return fail('toggle', `The ${r.id} cannot be turned on or off.`, { targetId: r.id });
      if (r.on === cmd.on) return fail('toggle', `The ${r.id} is already ${word}.`, { targetId: r.id });
      if (cmd.on && r.open === true) return fail('toggle', `Close the ${r.id} before turning it on.`, { targetId: r.id });
      r.on = cmd.on;
      let extra = '';
      if (cmd.on && r.type === 'coffee machine') {
        const cup = w.objects.find((o) => o.loc === r.id);
        if (!cup) extra = ' It runs, but there is no mug in it.';
        else if (cup.dirty) extra = ` It won't brew into the dirty ${cup.id}.`;
        else if (cup.filled) extra = ` The ${cup.id} is already full.`;
      }
      return { verb: 'toggle', ok: true, message: `You turn ${word} the ${r.id}.${extra}`, targetId: r.id };
    }
    case 'pickup': {
      if (w.robot.holding) return fail('pickup', `Your hands are full: you are holding the ${w.robot.holding}.`);
      const here = findReceptacle(w, w.robot.at);
      if (here && !isAccessible(here)) return fail('pickup', `The ${here.id} is closed.`, { targetId: here.id });
      const o = resolveObject(cmd.obj, visibleHere(w));
      if (!o) return fail('pickup', `You don't see '${cmd.obj}' here.`);
      if (!OBJECT_KIND.get(o.type)?.pickable) return fail('pickup', `The ${o.id} cannot be picked up.`, { objectId: o.id });
      o.loc = 'robot';
      w.robot.holding = o.id;
      return { verb: 'pickup', ok: true, message: `You pick up the ${o.id}.`, objectId: o.id };
    }
    case 'put':
      return put(w, cmd.obj, cmd.target);
    case 'slice': {
      const knife = w.robot.holding ? findObject(w, w.robot.holding) : undefined;
      if (knife?.type !== 'knife') return fail('slice', 'You need to hold a knife to slice things.');
      const o = resolveObject(cmd.obj, visibleHere(w));
      if (!o) return fail('slice', `You don't see '${cmd.obj}' here.`);
      const n = OBJECT_KIND.get(o.type)?.slices;
      if (!n) return fail('slice', `The ${o.id} cannot be sliced.`, { objectId: o.id });
      w.objects.splice(w.objects.indexOf(o), 1);
      const made: string[] = [];
      for (let i = 0; i < n; i++) {
        const s = makeObject(w, `${o.type} slice`, o.loc);
        if (s.cooked !== undefined && o.cooked) s.cooked = true;
        made.push(s.id);
      }
      return { verb: 'slice', ok: true, message: `You slice the ${o.id} into ${made.join(', ')}.`, objectId: o.id };
    }
    case 'clean': {
      if (findReceptacle(w, w.robot.at)?.type !== 'sink') return fail('clean', 'You need to be at the sink to clean things.');
      const o = resolveObject(cmd.obj, [...heldObjects(w), ...visibleHere(w)]);
      if (!o) return fail('clean', `You don't see '${cmd.obj}' here.`);
      if (o.dirty === undefined) return fail('clean', `The ${o.id} is not something you wash.`, { objectId: o.id });
      if (w.objects.some((c) => c.loc === o.id)) return fail('clean', `Empty the ${o.id} first.`, { objectId: o.id });
      o.dirty = false;
      if (o.filled !== undefined) o.filled = null;
      return { verb: 'clean', ok: true, message: `You rinse the ${o.id} under the tap. It is clean.`, objectId: o.id };
    }
    case 'fill': {
      if (findReceptacle(w, w.robot.at)?.type !== 'sink') return fail('fill', 'You need to be at the sink to fill things with water.');
      const o = resolveObject(cmd.obj, heldObjects(w));
      if (!o) return fail('fill', `You are not holding '${cmd.obj}'.`);
      if (o.filled === undefined) return fail('fill', `The ${o.id} cannot hold water.`, { objectId: o.id });
      if (o.filled === 'coffee') return fail('fill', `The ${o.id} has coffee in it; pour it out first.`, { objectId: o.id });
      o.filled = 'water';
      return { verb: 'fill', ok: true, message: `You fill the ${o.id} with water.`, objectId: o.id };
    }
    case 'pour':
      return pour(w, cmd.obj, cmd.target);
  }
}

function put(w: World, objName: string, targetName: string | null): Outcome {
  const held = w.robot.holding ? findObject(w, w.robot.holding) : undefined;
  if (!held) return fail('put', 'You are not holding anything.');
  if (resolveObject(objName, [held])?.id !== held.id) return fail('put', `You are not holding '${objName}'.`);
  let target: Receptacle | WorldObject | undefined;
  if (targetName === null) target = findReceptacle(w, w.robot.at);
  else target = resolveObject(targetName, visibleHere(w)) ?? resolveReceptacle(w, targetName);
  if (!target) return fail('put', `You don't see '${targetName}' here.`, { objectId: held.id });
  if ('room' in target) {
    if (target.id !== w.robot.at) return fail('put', `You need to go to the ${target.id} first.`, { objectId: held.id, targetId: target.id });
    if (!isAccessible(target)) return fail('put', `The ${target.id} is closed.`, { objectId: held.id, targetId: target.id });
    const kind = RECEPTACLE_KIND.get(target.type);
    if (kind?.accepts && !kind.accepts.includes(held.type)) {
      return fail('put', `The ${held.id} does not go ${kind.prep} the ${target.id}.`, { objectId: held.id, targetId: target.id });
    }
    if (kind?.capacity !== undefined && w.objects.filter((o) => o.loc === target.id).length >= kind.capacity) {
      return fail('put', `There is no room ${kind.prep} the ${target.id}.`, { objectId: held.id, targetId: target.id });
    }
    held.loc = target.id;
    w.robot.holding = null;
    return { verb: 'put', ok: true, message: `You put the ${held.id} ${kind?.prep ?? 'on'} the ${target.id}.`, objectId: held.id, targetId: target.id };
  }
  if (!OBJECT_KIND.get(target.type)?.holder) {
    return fail('put', `You can't put things in the ${target.id}.`, { objectId: held.id, targetId: target.id });
  }
  if (OBJECT_KIND.get(held.type)?.holder) {
    return fail('put', `The ${held.id} does not fit in the ${target.id}.`, { objectId: held.id, targetId: target.id });
  }
  held.loc = target.id;
  w.robot.holding = null;
  const prep = target.type === 'plate' ? 'on' : 'in';
  return { verb: 'put', ok: true, message: `You put the ${held.id} ${prep} the ${target.id}.`, objectId: held.id, targetId: target.id };
}

function pour(w: World, objName: string, targetName: string): Outcome {
  const held = w.robot.holding ? findObject(w, w.robot.holding) : undefined;
  if (!held || resolveObject(objName, [held])?.id !== held.id) return fail('pour', `You are not holding '${objName}'.`);
  if (!held.filled) return fail('pour', `The ${held.id} is empty.`, { objectId: held.id });
  const liquid = held.filled;
  const target = resolveObject(targetName, visibleHere(w)) ?? resolveReceptacle(w, targetName);
  if (!target) return fail('pour', `You don't see '${targetName}' here.`, { objectId: held.id });
  if ('room' in target) {
    if (target.id !== w.robot.at) return fail('pour', `You need to go to the ${target.id} first.`, { objectId: held.id, targetId: target.id });
    if (target.type !== 'sink') return fail('pour', `You should not pour ${liquid} on the ${target.id}.`, { objectId: held.id, targetId: target.id });
    held.filled = null;
    return { verb: 'pour', ok: true, message: `You pour the ${liquid} from the ${held.id} into the sink.`, objectId: held.id, targetId: target.id };
  }
  if (target.watered !== undefined) {
    held.filled = null;
    if (liquid === 'water') target.watered = true;
    const effect = liquid === 'water' ? ' It looks happier.' : ' Coffee is not what it needs.';
    return { verb: 'pour', ok: true, message: `You pour the ${liquid} on the ${target.id}.${effect}`, objectId: held.id, targetId: target.id };
  }
  if (target.filled === undefined) return fail('pour', `The ${target.id} cannot hold liquid.`, { objectId: held.id, targetId: target.id });
  if (target.filled) return fail('pour', `The ${target.id} is already full.`, { objectId: held.id, targetId: target.id });
  target.filled = liquid;
  held.filled = null;
  return { verb: 'pour', ok: true, message: `You pour the ${liquid} into the ${target.id}.`, objectId: held.id, targetId: target.id };
}

/** Appliance effects on whatever is in/on an appliance that is on. Returns what changed, as sentences. */
export function settle(w: World): string[] {
  const out: string[] = [];
  for (const r of w.receptacles) {
    if (!r.on) continue;
    if (r.type === 'microwave' && r.open === false) {
      const index = objectIndex(w);
      for (const o of w.objects) {
        if (o.cooked === false && rootOf(w, o, index) === r.id) {
          o.cooked = true;
          out.push(`The ${o.id} is cooked.`);
        }
      }
    } else if (r.type === 'stove') {
      for (const vessel of w.objects) {
        if (vessel.loc !== r.id) continue;
        for (const o of w.objects) {
          if (o.loc !== vessel.id) continue;
          if (vessel.type === 'pot' && vessel.filled === 'water' && o.boiled === false) {
            o.boiled = true;
            out.push(`The ${o.id} boils in the ${vessel.id}.`);
          } else if (vessel.type === 'pan' && o.cooked === false) {
            o.cooked = true;
            out.push(`The ${o.id} is cooked in the ${vessel.id}.`);
          }
        }
      }
    } else if (r.type === 'toaster') {
      for (const o of w.objects) {
        if (o.loc === r.id && o.toasted === false) {
          o.toasted = true;
          out.push(`The ${o.id} is toasted.`);
        }
      }
    } else if (r.type === 'coffee machine') {
      for (const o of w.objects) {
        if (o.loc === r.id && o.dirty === false && o.filled === null) {
          o.filled = 'coffee';
          out.push(`The coffee machine fills the ${o.id} with coffee.`);
        }
      }
    }
  }
  return out;
}
