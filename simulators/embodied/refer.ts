/**
 * Referring expressions for the Embodied-v1 Commander: objects by type, colour, place and relation,
 * never by id ("the red mug", "the knife by the sink", "the white plate on the dining table",
 * "the bread in the cabinet above the counter with the toaster on it").
 *
 * Detail (the Commander says less when asked the same thing again):
 * - 2: colour, and the place picked out by a unique description of the layout;
 * - 1: colour, and only a rough area (`a cabinet near the sink`);
 * - 0: the kind of thing only (`a mug`), no place.
 */
import type { Rng } from '../../core/rng.js';
import { plural } from '../../envs/embodied/catalog.js';
import { type Detail, describePlace, type Layout, neighbours } from '../../envs/embodied/layout.js';
import { findObject, findReceptacle, prepOf, rootOf, type World, type WorldObject } from '../../envs/embodied/world.js';

/** How a type is said: `slice of bread`, `plant`, `watering can`. */
export function nounOf(type: string, color?: string): string {
  if (type.endsWith(' slice')) {
    const base = type.slice(0, -' slice'.length);
    return `slice of ${color ? `${color} ` : ''}${base}`;
  }
  const noun = type === 'houseplant' ? 'plant' : type;
  return color ? `${color} ${noun}` : noun;
}

export function pluralNoun(type: string): string {
  if (type.endsWith(' slice')) return `slices of ${type.slice(0, -' slice'.length)}`;
  return plural(type === 'houseplant' ? 'plant' : type);
}

/** `a mug`, `an apple`, `some bread`. */
export function indefinite(noun: string): string {
  if (noun === 'bread' || noun.endsWith(' bread') && !noun.startsWith('slice')) return `some ${noun}`;
  return /^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`;
}

/** The noun phrase for an object, without its place: `the red mug`, `a mug` (detail 0). */
export function objectNoun(o: WorldObject, detail: Detail, definite = true): string {
  const noun = nounOf(o.type, detail > 0 ? o.color : undefined);
  if (detail === 0) return indefinite(noun);
  return definite ? `the ${noun}` : indefinite(noun);
}

/**
 * Where an object is, as a phrase: `in the cabinet above the sink`, `by the stove`, `on the white
 * plate on the dining table`, `in your hand`. Empty at detail 0.
 */
export function objectPlace(w: World, layout: Layout, o: WorldObject, detail: Detail, rng: Rng): string {
  if (detail === 0) return '';
  if (o.loc === 'robot') return 'in your hand';
  const parent = findObject(w, o.loc);
  if (parent) {
    const prep = parent.type === 'plate' ? 'on' : 'in';
    const up = objectPlace(w, layout, parent, detail === 2 ? 1 : detail, rng);
    return `${prep} ${objectNoun(parent, detail)}${up && up !== 'in your hand' ? ` ${up}` : up ? ' you are holding' : ''}`;
  }
  const r = findReceptacle(w, o.loc);
  if (!r) return 'somewhere';
  if (detail === 2 && r.type === 'counter' && rng.bool(0.4)) {
    const by = byLandmark(w, layout, o);
    if (by) return by;
  }
  return `${prepOf(r)} ${describePlace(w, layout, r.id, detail, rng)}`;
}

/**
 * `by the sink`, when the object is on a counter next to the sink and no other object of its type
 * (and colour) is on a counter next to the sink or in the sink itself.
 */
function byLandmark(w: World, layout: Layout, o: WorldObject): string | null {
  for (const x of neighbours(layout, o.loc)) {
    if (x.startsWith('counter')) continue;
    const near = new Set([x, ...neighbours(layout, x).filter((n) => n.startsWith('counter'))]);
    const rivals = w.objects.filter((p) => p.id !== o.id && p.type === o.type && p.color === o.color && near.has(rootOf(w, p)));
    if (!rivals.length) return `by the ${findReceptacle(w, x)?.type ?? x}`;
  }
  return null;
}

/** The object with its place: `the red mug in the cabinet above the sink`. */
export function objectWithPlace(w: World, layout: Layout, o: WorldObject, detail: Detail, rng: Rng): string {
  const place = objectPlace(w, layout, o, detail, rng);
  return place ? `${objectNoun(o, detail)} ${place}` : objectNoun(o, detail);
}
