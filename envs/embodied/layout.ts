/**
 * Where things are relative to each other in an Embodied-v1 house, so that people can refer to places
 * the way TEACh commanders do ("the cabinet above the sink", "the counter with the toaster on it",
 * "the knife by the sink") instead of by id.
 *
 * The kitchen's floor units (the fridge, the counters, the sink, the stove) stand along one wall, left
 * to right; cabinets hang above floor units, drawers sit under counters, and the small appliances
 * (toaster, coffee machine, microwave) stand on counters. The robot is told the layout in its
 * instructions (`layoutFacts`), so every description the Commander gives can be grounded from what
 * the robot sees; "next to" and "by" mean neighbours along the wall.
 *
 * The layout is plain JSON in the scenario (drawn from the scenario stream, or given explicitly and
 * checked by `checkLayout`). It has no effect on the dynamics: going anywhere is one step.
 */
import { ConfigError } from '../../core/errors.js';
import type { Rng } from '../../core/rng.js';
import type { JsonSchema } from '../../core/schema.js';
import { plural } from './catalog.js';
import type { Receptacle, World } from './world.js';

export interface Layout {
  /** Kitchen floor units along the wall, left to right: the fridge, every counter, the sink, the stove. */
  wall: string[];
  /** Small appliance id (toaster, coffee machine, microwave) → the counter it stands on. */
  on: Record<string, string>;
  /** Cabinet id → the floor unit it hangs above (a counter, the sink or the stove). */
  above: Record<string, string>;
  /** Drawer id → the counter it is under. */
  under: Record<string, string>;
}

export const layoutSchema: JsonSchema = {
  type: 'object',
  required: ['wall', 'on', 'above', 'under'],
  additionalProperties: false,
  properties: {
    wall: { type: 'array', minItems: 2, items: { type: 'string', minLength: 1 } },
    on: { type: 'object', additionalProperties: { type: 'string' } },
    above: { type: 'object', additionalProperties: { type: 'string' } },
    under: { type: 'object', additionalProperties: { type: 'string' } },
  },
};

const FLOOR_TYPES = new Set(['fridge', 'counter', 'sink', 'stove']);
const ON_COUNTER_TYPES = new Set(['toaster', 'coffee machine', 'microwave']);

/** A layout for the house's kitchen, drawn from `rng`. */
export function generateLayout(world: World, rng: Rng): Layout {
  const kitchen = world.receptacles.filter((r) => r.room === 'kitchen');
  const wall = rng.shuffle(kitchen.filter((r) => FLOOR_TYPES.has(r.type)).map((r) => r.id));
  const counters = wall.filter((id) => id.startsWith('counter'));
  const on: Record<string, string> = {};
  for (const r of kitchen) if (ON_COUNTER_TYPES.has(r.type)) on[r.id] = rng.pick(counters);
  const above: Record<string, string> = {};
  const hangable = rng.shuffle(wall.filter((id) => id !== 'fridge'));
  for (const [i, r] of kitchen.filter((x) => x.type === 'cabinet').entries()) above[r.id] = hangable[i % hangable.length]!;
  const under: Record<string, string> = {};
  const underable = rng.shuffle([...counters]);
  for (const [i, r] of kitchen.filter((x) => x.type === 'drawer').entries()) under[r.id] = underable[i % underable.length]!;
  return { wall, on, above, under };
}

/** Throws a ConfigError when an explicit layout does not fit the world. */
export function checkLayout(world: World, layout: Layout): void {
  const ids = new Map(world.receptacles.map((r) => [r.id, r]));
  const floor = world.receptacles.filter((r) => r.room === 'kitchen' && FLOOR_TYPES.has(r.type)).map((r) => r.id);
  const wall = [...layout.wall].sort();
  if (wall.join('|') !== [...floor].sort().join('|')) {
    throw new ConfigError(`layout/wall must list the kitchen's fridge, counters, sink and stove exactly once (got ${layout.wall.join(', ')})`);
  }
  const typeOf = (id: string) => ids.get(id)?.type;
  for (const r of world.receptacles) {
    if (ON_COUNTER_TYPES.has(r.type) && typeOf(layout.on[r.id] ?? '') !== 'counter') throw new ConfigError(`layout/on: '${r.id}' must stand on a counter`);
    if (r.type === 'cabinet' && !layout.wall.includes(layout.above[r.id] ?? '')) throw new ConfigError(`layout/above: '${r.id}' must hang above a floor unit`);
    if (r.type === 'drawer' && typeOf(layout.under[r.id] ?? '') !== 'counter') throw new ConfigError(`layout/under: '${r.id}' must be under a counter`);
  }
  for (const key of ['on', 'above', 'under'] as const) {
    for (const id of Object.keys(layout[key])) if (!ids.has(id)) throw new ConfigError(`layout/${key}: unknown receptacle '${id}'`);
  }
}

/** Neighbours of a floor unit along the wall. */
export function neighbours(layout: Layout, id: string): string[] {
  const i = layout.wall.indexOf(id);
  if (i < 0) return [];
  return [layout.wall[i - 1], layout.wall[i + 1]].filter((x): x is string => !!x);
}

/** The floor unit a receptacle belongs to (itself, the unit below a cabinet, above a drawer, under an appliance). */
export function floorUnitOf(layout: Layout, id: string): string | undefined {
  if (layout.wall.includes(id)) return id;
  return layout.above[id] ?? layout.under[id] ?? layout.on[id];
}

/**
 * The layout as the robot is told it (one fact per clause), e.g.
 * `Kitchen, along the wall from left to right: fridge, counter 2, sink, counter 1, stove.`
 */
export function layoutFacts(world: World, layout: Layout): string[] {
  const lines = [`Kitchen, along the wall from left to right: ${layout.wall.join(', ')}.`];
  const above = Object.entries(layout.above).map(([c, u]) => `${c} hangs above ${u}`);
  const under = Object.entries(layout.under).map(([d, c]) => `${d} is under ${c}`);
  if (above.length || under.length) lines.push(`${[...above, ...under].join('; ')}.`);
  const byCounter = new Map<string, string[]>();
  for (const [a, c] of Object.entries(layout.on)) byCounter.set(c, [...(byCounter.get(c) ?? []), a]);
  const on = [...byCounter.entries()].map(([c, apps]) => `${apps.join(' and ')} ${apps.length > 1 ? 'stand' : 'stands'} on ${c}`);
  if (on.length) lines.push(`The ${on.join('; the ')}.`);
  const rooms = new Map<string, string[]>();
  for (const r of world.receptacles) if (r.room !== 'kitchen') rooms.set(r.room, [...(rooms.get(r.room) ?? []), r.id]);
  for (const [room, ids] of rooms) lines.push(`${room.charAt(0).toUpperCase()}${room.slice(1)}: ${ids.join(', ')}.`);
  return lines;
}

// ---------------------------------------------------------------------------------------------
// Referring to places

/** How much a description says: 2 = enough to pick the place out, 1 = a rough area, 0 = the kind of place. */
export type Detail = 0 | 1 | 2;

/** Whether `id` is the only receptacle of its type in the house (then its type names it). */
export function uniqueType(world: World, r: Receptacle): boolean {
  return world.receptacles.filter((x) => x.type === r.type).length === 1;
}

function the(world: World, id: string): string {
  const r = world.receptacles.find((x) => x.id === id);
  return r ? `the ${r.type}` : `the ${id}`;
}

/**
 * Descriptions that pick out exactly the receptacle `id` among its type, without its id, e.g.
 * `the counter between the sink and the stove`, `the cabinet above the counter with the toaster on it`.
 * For a type with one instance: just `the fridge`.
 */
export function placeDescriptions(world: World, layout: Layout, id: string, depth = 0): string[] {
  const r = world.receptacles.find((x) => x.id === id);
  if (!r) return [];
  if (uniqueType(world, r)) return [`the ${r.type}`];
  const out: string[] = [];
  if (r.type === 'counter') {
    const i = layout.wall.indexOf(id);
    const counterAt = (j: number) => layout.wall[j]?.startsWith('counter') ?? false;
    const left = layout.wall[i - 1];
    const right = layout.wall[i + 1];
    const landmark = (x: string | undefined) => !!x && !x.startsWith('counter');
    if (landmark(left) && landmark(right)) out.push(`the counter between ${the(world, left!)} and ${the(world, right!)}`);
    for (const [x, j, side] of [
      [left, i - 2, 'right'],
      [right, i + 2, 'left'],
    ] as const) {
      if (!landmark(x)) continue;
      // "next to X" names this counter only when X has no counter on its other side.
      if (!counterAt(j)) out.push(`the counter next to ${the(world, x!)}`, `the counter by ${the(world, x!)}`);
      out.push(`the counter to the ${side} of ${the(world, x!)}`);
    }
    const apps = Object.entries(layout.on).filter(([, c]) => c === id).map(([a]) => a);
    for (const a of apps) out.push(`the counter with ${the(world, a)} on it`);
    const counters = layout.wall.filter((x) => x.startsWith('counter'));
    if (counters[0] === id) out.push('the counter at the left end', 'the leftmost counter');
    if (counters[counters.length - 1] === id) out.push('the counter at the right end', 'the rightmost counter');
    out.push(...ordinals('counter', counters, id));
  } else if ((r.type === 'cabinet' || r.type === 'drawer') && depth === 0) {
    const map = r.type === 'cabinet' ? layout.above : layout.under;
    const unit = map[id];
    const rel = r.type === 'cabinet' ? 'above' : 'under';
    const peers = Object.entries(map).filter(([, u]) => u === unit);
    if (unit && peers.length === 1) {
      for (const d of placeDescriptions(world, layout, unit, depth + 1)) out.push(`the ${r.type} ${rel} ${d}`);
    }
    // Left to right by the unit each hangs over (or sits under).
    const order = Object.keys(map).sort((a, b) => layout.wall.indexOf(map[a]!) - layout.wall.indexOf(map[b]!));
    if (peers.length === 1) out.push(...ordinals(r.type, order, id));
  }
  return out;
}

export const ORDINALS = ['first', 'second', 'third', 'fourth', 'fifth'] as const;

/** `the second counter from the left`, `the first cabinet from the right`, for the place at its position. */
function ordinals(type: string, leftToRight: string[], id: string): string[] {
  const i = leftToRight.indexOf(id);
  if (i < 0) return [];
  const fromLeft = ORDINALS[i];
  const fromRight = ORDINALS[leftToRight.length - 1 - i];
  return [fromLeft ? `the ${fromLeft} ${type} from the left` : '', fromRight ? `the ${fromRight} ${type} from the right` : ''].filter(Boolean);
}

/** A rough area for a place: `a cabinet near the sink`, `one of the counters`. */
export function placeArea(world: World, layout: Layout, id: string): string {
  const r = world.receptacles.find((x) => x.id === id);
  if (!r) return 'somewhere';
  if (uniqueType(world, r)) return `the ${r.type}`;
  const unit = floorUnitOf(layout, id);
  const landmark = unit ? nearestLandmark(layout, unit) : undefined;
  return landmark ? `a ${r.type} near ${the(world, landmark)}` : `one of the ${plural(r.type)}`;
}

/** The closest floor unit that is not a counter (the fridge, sink or stove), for rough directions. */
function nearestLandmark(layout: Layout, unit: string): string | undefined {
  const i = layout.wall.indexOf(unit);
  if (i < 0) return undefined;
  for (let d = 0; d < layout.wall.length; d++) {
    for (const j of [i - d, i + d]) {
      const x = layout.wall[j];
      if (x && !x.startsWith('counter')) return x;
    }
  }
  return undefined;
}

/** A place at the given level of detail; at 2 one of its unique descriptions (picked with `rng`). */
export function describePlace(world: World, layout: Layout, id: string, detail: Detail, rng: Rng): string {
  const r = world.receptacles.find((x) => x.id === id);
  if (!r) return 'somewhere';
  if (detail === 2) {
    const ds = placeDescriptions(world, layout, id);
    if (ds.length) return rng.pick(ds);
    return placeArea(world, layout, id);
  }
  if (detail === 1) return placeArea(world, layout, id);
  return uniqueType(world, r) ? `the ${r.type}` : `one of the ${plural(r.type)}`;
}
