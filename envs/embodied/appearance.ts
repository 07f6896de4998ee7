/**
 * What things look like in Embodied-v1: a colour per object, drawn per scenario, so that people can
 * say "the red mug" and the robot can tell which of its mugs that is; and the robot's view with those
 * colours (`mug 2 [red, dirty]`).
 *
 * Colours are drawn with replacement from a short palette per type, so two mugs are sometimes the
 * same colour and only their place tells them apart. Slices take the colour of what they were cut
 * from. Types without a palette (the houseplant) have no colour.
 */
import type { Rng } from '../../core/rng.js';
import { describeHere, type World, type WorldObject } from './world.js';

export const PALETTES: Readonly<Record<string, readonly string[]>> = {
  mug: ['red', 'blue', 'white', 'green', 'yellow'],
  cup: ['white', 'blue', 'red'],
  bowl: ['white', 'blue', 'green'],
  plate: ['white', 'blue', 'black'],
  pot: ['black', 'silver', 'red'],
  pan: ['black', 'silver'],
  knife: ['black', 'silver'],
  fork: ['silver', 'black'],
  spoon: ['silver', 'black'],
  bread: ['white', 'brown'],
  tomato: ['red', 'yellow'],
  lettuce: ['green', 'purple'],
  apple: ['red', 'green', 'yellow'],
  potato: ['brown', 'red'],
  'watering can': ['green', 'blue', 'red'],
  book: ['red', 'blue', 'green', 'black'],
  'remote control': ['black', 'grey', 'white'],
  'salt shaker': ['white', 'glass'],
  'dish sponge': ['yellow', 'green', 'blue'],
};

/** Every colour word the world uses, for parsers. */
export const COLOURS: readonly string[] = [...new Set(Object.values(PALETTES).flat())].sort();

/** Gives every object without a colour one from its type's palette (slices: the whole item's). */
export function assignColours(world: World, rng: Rng): void {
  for (const o of world.objects) {
    if (o.color !== undefined) continue;
    const palette = PALETTES[o.type];
    if (palette) o.color = rng.pick(palette);
  }
}

/** `mug 1 [red, dirty, coffee]`, `tomato slice 2 [red, on plate 1]`. */
export function describeObjectV1(w: World, o: WorldObject, index?: ReadonlyMap<string, WorldObject>): string {
  const attrs: string[] = [];
  if (o.color) attrs.push(o.color);
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

/** Where the robot is, what it sees there (with colours), and what it holds; one fact per line. */
export function describeHereV1(w: World): string {
  return describeHere(w, describeObjectV1);
}
