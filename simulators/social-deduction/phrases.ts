/**
 * The one phrase bank of SocialDeduction-v1. Every scripted player — crewmate or imposter — says
 * everything it says through `realize`, from the same intents and the same variants, chosen with the
 * same uniform draw. An imposter lies by *content* (a false room, a false sighting, a deflection),
 * never by wording: no phrase here belongs to a role. `scripts/social-deduction-speech.ts` checks it
 * with a bag-of-n-grams classifier.
 *
 * Every variant is read back by `talk.ts` (the test in test/social-deduction/talk.test.ts parses each
 * variant of each intent), so what a player says is what the others hear.
 */
import type { Rng } from '../../core/rng.js';

export type Intent =
  /** The speaker was in `room` throughout ticks from..to. */
  | { kind: 'where'; room: number; from: number; to: number }
  /**
   * The speaker saw `target` (and `also`, when given) in `room` at tick `t`, with `other` there too
   * when given (a victim, say).
   */
  | { kind: 'saw'; target: string; room: number; t: number; other?: string; also?: string[] }
  /** The speaker saw `killer` kill `victim` in `room`. */
  | { kind: 'kill'; killer: string; victim: string; room: number }
  /** The speaker found `victim`'s body in `room`. */
  | { kind: 'found'; victim: string; room: number }
  /** The speaker suspects `target` (a vote is announced as one). */
  | { kind: 'accuse'; target: string }
  /** `target` said something the speaker knows to be false. */
  | { kind: 'lying'; target: string }
  /** The speaker denies an accusation against itself. */
  | { kind: 'deny' }
  /** The speaker has no suspect yet and will skip. */
  | { kind: 'skip' }
  /** The speaker saw nothing useful. */
  | { kind: 'nothing' };

export interface Names {
  players: readonly string[];
  roomNames: readonly string[];
}

type Variants<I> = ((i: I, room: (r: number) => string) => string)[];

const WHERE: Variants<Extract<Intent, { kind: 'where' }>> = [
  (i, r) => (i.from === i.to ? `I was in the ${r(i.room)} at tick ${i.from}.` : `I was in the ${r(i.room)} from tick ${i.from} to tick ${i.to}.`),
  (i, r) => (i.from === i.to ? `At tick ${i.from} I was in the ${r(i.room)}.` : `From tick ${i.from} to tick ${i.to} I was in the ${r(i.room)}.`),
  (i, r) => (i.from === i.to ? `I was in the ${r(i.room)} around tick ${i.from}.` : `I stayed in the ${r(i.room)} from tick ${i.from} to tick ${i.to}.`),
];

/** "Red", "Red and Blue", "Red, Blue and Green". */
function who(i: { target: string; also?: string[] }): string {
  const all = [i.target, ...(i.also ?? [])];
  return all.length === 1 ? i.target : `${all.slice(0, -1).join(', ')} and ${all[all.length - 1]}`;
}

const SAW: Variants<Extract<Intent, { kind: 'saw' }>> = [
  (i, r) => `I saw ${who(i)}${i.other ? ` with ${i.other}` : ''} in the ${r(i.room)} at tick ${i.t}.`,
  (i, r) => `At tick ${i.t} I saw ${who(i)}${i.other ? ` with ${i.other}` : ''} in the ${r(i.room)}.`,
  (i, r) => `${who(i)} ${i.also?.length ? 'were' : 'was'} in the ${r(i.room)}${i.other ? ` with ${i.other}` : ''} at tick ${i.t}, I saw them.`,
];

const KILL: Variants<Extract<Intent, { kind: 'kill' }>> = [
  (i, r) => `I saw ${i.killer} kill ${i.victim} in the ${r(i.room)}!`,
  (i, r) => `${i.killer} killed ${i.victim} in the ${r(i.room)}, I saw it.`,
  (i, r) => `I watched ${i.killer} kill ${i.victim} in the ${r(i.room)}.`,
];

const FOUND: Variants<Extract<Intent, { kind: 'found' }>> = [
  (i, r) => `I found the body of ${i.victim} in the ${r(i.room)}.`,
  (i, r) => `The body of ${i.victim} was in the ${r(i.room)} when I got there.`,
];

const ACCUSE: Variants<Extract<Intent, { kind: 'accuse' }>> = [
  (i) => `I think ${i.target} is the imposter.`,
  (i) => `I'm voting ${i.target}.`,
  (i) => `${i.target} is sus.`,
  (i) => `My vote is ${i.target}.`,
];

const LYING: Variants<Extract<Intent, { kind: 'lying' }>> = [
  (i) => `${i.target} is lying.`,
  (i) => `That's not true, ${i.target}.`,
  (i) => `${i.target}'s story doesn't add up.`,
];

const DENY: Variants<Extract<Intent, { kind: 'deny' }>> = [() => "It wasn't me.", () => "I'm not the imposter.", () => 'I didn\'t do it.'];

const SKIP: Variants<Extract<Intent, { kind: 'skip' }>> = [
  () => "I don't know who it is yet, I'll skip.",
  () => 'Not enough evidence, I skip.',
  () => "I'm not sure yet. Skip.",
];

const NOTHING: Variants<Extract<Intent, { kind: 'nothing' }>> = [
  () => "I didn't see anything.",
  () => 'I saw nothing useful.',
  () => 'Nothing to report from me.',
];

const BANK: { [K in Intent['kind']]: Variants<Extract<Intent, { kind: K }>> } = {
  where: WHERE,
  saw: SAW,
  kill: KILL,
  found: FOUND,
  accuse: ACCUSE,
  lying: LYING,
  deny: DENY,
  skip: SKIP,
  nothing: NOTHING,
};

export function variantCount(kind: Intent['kind']): number {
  return BANK[kind].length;
}

/** One sentence for `intent`, variant `k` (for tests) or drawn with `rng`. */
export function realize(intent: Intent, names: Names, rng: Rng | null, k?: number): string {
  const list = BANK[intent.kind] as Variants<Intent>;
  const i = k ?? (rng ? rng.int(0, list.length - 1) : 0);
  const fn = list[i % list.length] as Variants<Intent>[number];
  return fn(intent, (r) => names.roomNames[r] ?? `Room ${r}`);
}

/** A message: the sentences of `intents`, each drawn independently. */
export function realizeAll(intents: readonly Intent[], names: Names, rng: Rng): string {
  return intents.map((i) => realize(i, names, rng)).join(' ');
}
