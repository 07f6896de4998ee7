/**
 * How the Embodied-v1 Commander understands what the robot says: which TEACh-DA act it is (a request
 * for instruction, for an object's location, a yes/no question, an acknowledgement, a greeting) and
 * every object it is about, with a colour when one is given ("where are the red mug and the knife?").
 */
import { OBJECT_TYPES_LONGEST_FIRST, plural } from '../../envs/embodied/catalog.js';
import { COLOURS } from '../../envs/embodied/appearance.js';
import type { FollowerAct } from './acts.js';

export interface Mention {
  type: string;
  color?: string;
  /** Said in the plural (`the mugs`): every instance is meant. */
  plural: boolean;
}

/** Names by which a type may be said, longest first (`houseplant` is also `plant`; slices `slice of X`). */
const NAMES: { type: string; re: RegExp; plural: boolean; last: string }[] = (() => {
  const out: { type: string; name: string; plural: boolean }[] = [];
  for (const type of OBJECT_TYPES_LONGEST_FIRST) {
    out.push({ type, name: type, plural: false }, { type, name: plural(type), plural: true });
    if (type.endsWith(' slice')) {
      const base = type.slice(0, -' slice'.length);
      out.push(
        { type, name: `slice of ${base}`, plural: false },
        { type, name: `slices of ${base}`, plural: true },
        { type, name: `piece of ${base}`, plural: false },
        { type, name: `pieces of ${base}`, plural: true },
      );
    }
  }
  out.push({ type: 'houseplant', name: 'plant', plural: false }, { type: 'houseplant', name: 'plants', plural: true });
  out.sort((a, b) => b.name.length - a.name.length);
  const colours = COLOURS.join('|');
  return out.map((n) => ({
    type: n.type,
    plural: n.plural,
    // The name's last word, which every match of `re` contains literally: texts without it are skipped.
    last: n.name.slice(n.name.lastIndexOf(' ') + 1),
    re: new RegExp(`\\b(?:(${colours}) )?${n.name.replace(/ /g, ' (?:(?:' + colours + ') )?')}\\b`, 'g'),
  }));
})();

/** Every object mentioned in `text`, in order of appearance, longest names first (no overlaps). */
export function mentions(text: string): Mention[] {
  const t = text.toLowerCase();
  const taken: [number, number][] = [];
  const found: { at: number; m: Mention }[] = [];
  for (const n of NAMES) {
    if (!t.includes(n.last)) continue;
    n.re.lastIndex = 0;
    for (let m = n.re.exec(t); m; m = n.re.exec(t)) {
      const start = m.index;
      const end = start + m[0].length;
      if (taken.some(([a, b]) => start < b && end > a)) continue;
      taken.push([start, end]);
      const color = m[1] ?? /\b(?:of|slices? of) (\w+) /.exec(m[0])?.[1];
      found.push({ at: start, m: { type: n.type, plural: n.plural, ...(color && COLOURS.includes(color) ? { color } : {}) } });
    }
  }
  return found.sort((a, b) => a.at - b.at).map((f) => f.m);
}

/** The TEACh-DA act of something the robot said. */
export function classifyFollower(text: string): FollowerAct {
  const q = text.toLowerCase().trim();
  if (/\bwhere\b|\blocat|\bcan'?t (find|see)\b|\bcannot (find|see)\b|\bcouldn'?t find\b|\blooking for\b|\bwhich (cabinet|drawer|counter|room)\b/.test(q)) {
    return 'RequestForObjectLocationAndOtherDetails';
  }
  if (/\b(am i|are we|is it|is that) (done|finished|all)\b|\banything else\b|\ball set\b|^(i'?m |i am |all )?(done|finished)\b/.test(q)) return 'Confirm';
  if (/\b(what(?:'s| is)? next|next step|what (should|do|shall|can|now|else)|how (do|should|can) i|help|instructions?|task|goal|what now|what do you (want|need))\b/.test(q)) {
    return 'RequestForInstruction';
  }
  if (/^(is|are|was|were|does|do|should|shall|can|could|must|did|will|has|have)\b/.test(q)) return 'Confirm';
  if (/^(hi|hello|hey|good (morning|afternoon|evening))\b/.test(q)) return 'Greetings/Salutations';
  if (/\b(ok|okay|sure|thanks|thank you|will do|got it|on it|understood|alright|all right|yes|done that|i did)\b/.test(q)) return 'Acknowledge';
  return 'MiscOther';
}

/** The goal itself is asked for (not the next step): "what is the task?", "what do you want?". */
export function asksForGoal(text: string): boolean {
  return /\b(task|goal|what do you (want|need)|what are we (doing|making))\b/.test(text.toLowerCase());
}

/** An object state a yes/no question is about, with its opposite. */
export const STATE_WORDS: readonly { word: string; other: string }[] = [
  { word: 'dirty', other: 'clean' },
  { word: 'clean', other: 'dirty' },
  { word: 'empty', other: 'full' },
  { word: 'full', other: 'empty' },
  { word: 'toasted', other: 'not toasted' },
  { word: 'cooked', other: 'not cooked' },
  { word: 'boiled', other: 'not boiled' },
  { word: 'watered', other: 'dry' },
];

export function askedState(text: string): { word: string; other: string } | undefined {
  const q = text.toLowerCase();
  let best: { at: number; s: { word: string; other: string } } | undefined;
  for (const s of STATE_WORDS) {
    const m = new RegExp(`\\b${s.word}\\b`).exec(q);
    if (m && (!best || m.index < best.at)) best = { at: m.index, s };
  }
  return best?.s;
}

/**
 * The state asked about for each object of a yes/no question: the first state word after the
 * object's mention ("is the knife dirty and is the bread toasted?"), else the question's first one.
 */
export function askedStates(text: string, asked: Mention[]): ({ word: string; other: string } | undefined)[] {
  const q = text.toLowerCase();
  const fallback = askedState(q);
  let from = 0;
  return asked.map((m) => {
    const name = m.type === 'houseplant' ? 'plant' : m.type.replace(/ slice$/, '');
    const at = q.indexOf(name, from);
    if (at < 0) return fallback;
    from = at + name.length;
    const next = mentionsAfter(q, from);
    return askedState(q.slice(from, next)) ?? fallback;
  });
}

/** Where the next object mention starts after `from` (or the end). */
function mentionsAfter(q: string, from: number): number {
  const rest = q.slice(from);
  const next = mentions(rest)[0];
  if (!next) return q.length;
  const name = next.type === 'houseplant' ? 'plant' : next.type.replace(/ slice$/, '');
  const at = rest.indexOf(name);
  return at < 0 ? q.length : from + at;
}
