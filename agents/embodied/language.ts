/**
 * How the Embodied-v1 expert robot understands the Commander: which task it asks for (from the goal in
 * everyday words), and where it says things are (grounding "the cabinet above the sink" or "the knife
 * by the stove" in the house plan the robot was given). It works from words and the plan only — the
 * task vocabulary, colours, places and spatial relations — not from the Commander's templates, so it
 * reads the held-out test phrasings with the same rules.
 */
import { plural, RECEPTACLE_KIND, RECEPTACLE_TYPES_LONGEST_FIRST, typeOfId } from '../../envs/embodied/catalog.js';
import type { Layout } from '../../envs/embodied/layout.js';
import { allAssignments, type Condition, instantiateTemplate, TASK_TEMPLATES } from '../../envs/embodied/tasks.js';
import type { Receptacle } from '../../envs/embodied/world.js';
import { type Mention, mentions } from '../../simulators/embodied/nlu.js';

// ---------------------------------------------------------------------------------------------
// The house plan

export interface HousePlan {
  receptacles: Receptacle[];
  layout: Layout;
}

/** The places and the kitchen layout, read from the robot's instructions. */
export function parseHousePlan(instructions: string): HousePlan {
  const layout: Layout = { wall: [], on: {}, above: {}, under: {} };
  const ids = /Places you can go to: (.+?)\.\n/.exec(instructions)?.[1]?.split(', ') ?? [];
  const wall = /along the wall from left to right: (.+?)\.\n/.exec(instructions)?.[1];
  if (wall) layout.wall = wall.split(', ');
  for (const m of instructions.matchAll(/([a-z]+ \d+) hangs above ([a-z ]+?\d*)(?=[;.])/g)) layout.above[m[1]!] = m[2]!.trim();
  for (const m of instructions.matchAll(/([a-z]+ \d+) is under ([a-z]+ \d+)/g)) layout.under[m[1]!] = m[2]!;
  for (const m of instructions.matchAll(/(?:The |; the )([a-z ]+?) stands? on ([a-z]+ \d+)/g)) {
    for (const a of m[1]!.split(' and ')) layout.on[a.trim()] = m[2]!;
  }
  const rooms = new Map<string, string>();
  for (const m of instructions.matchAll(/^(Dining room|Living room): (.+)\.$/gm)) {
    for (const id of m[2]!.split(', ')) rooms.set(id, m[1]!.toLowerCase());
  }
  const receptacles: Receptacle[] = [];
  for (const id of ids) {
    const type = typeOfId(id);
    const kind = RECEPTACLE_KIND.get(type);
    if (!kind) continue;
    const r: Receptacle = { id, type, room: rooms.get(id) ?? 'kitchen' };
    if (kind.openable) r.open = false;
    if (kind.toggleable) r.on = false;
    receptacles.push(r);
  }
  return { receptacles, layout };
}

// ---------------------------------------------------------------------------------------------
// Places in words

const TYPES_RE = RECEPTACLE_TYPES_LONGEST_FIRST.map((t) => ({ t, re: new RegExp(`\\b(?:${t}|${plural(t)})\\b`) }));

function firstType(text: string): { type: string; at: number; end: number } | null {
  let best: { type: string; at: number; end: number } | null = null;
  for (const { t, re } of TYPES_RE) {
    const m = re.exec(text);
    if (m && (!best || m.index < best.at)) best = { type: t, at: m.index, end: m.index + m[0].length };
  }
  return best;
}

function ofType(plan: HousePlan, type: string): string[] {
  return plan.receptacles.filter((r) => r.type === type).map((r) => r.id);
}

/** Places of a type in wall order (cabinets and drawers by the unit they hang over or sit under). */
function leftToRight(plan: HousePlan, type: string): string[] {
  const { wall, above, under } = plan.layout;
  if (type === 'cabinet') return Object.keys(above).sort((a, b) => wall.indexOf(above[a]!) - wall.indexOf(above[b]!));
  if (type === 'drawer') return Object.keys(under).sort((a, b) => wall.indexOf(under[a]!) - wall.indexOf(under[b]!));
  return wall.filter((id) => id.startsWith(`${type} `));
}

function wallDistance(plan: HousePlan, a: string, b: string): number {
  const unit = (id: string) => (plan.layout.wall.includes(id) ? id : (plan.layout.above[id] ?? plan.layout.under[id] ?? plan.layout.on[id]));
  const i = plan.layout.wall.indexOf(unit(a) ?? '');
  const j = plan.layout.wall.indexOf(unit(b) ?? '');
  return i < 0 || j < 0 ? 99 : Math.abs(i - j);
}

/**
 * The receptacles a place phrase may mean, best first: `the cabinet above the sink` → [cabinet 3];
 * `a cabinet near the sink` → the cabinets nearest the sink; `by the stove` → the stove's neighbours.
 */
export function resolvePlace(phrase: string, plan: HousePlan): string[] {
  const p = phrase.toLowerCase().replace(/^(?:in|on|inside|into|onto|at|from)\s+/, '').trim();
  const by = /^(?:by|next to|beside|near) (?:the )?(.+)$/.exec(p);
  if (by) {
    const x = resolvePlace(by[1]!, plan)[0];
    if (!x) return [];
    const i = plan.layout.wall.indexOf(x);
    const near = [plan.layout.wall[i - 1], plan.layout.wall[i + 1]].filter((n): n is string => !!n && n.startsWith('counter'));
    return [...near, x];
  }
  const head = firstType(p);
  if (!head) return [];
  const all = ofType(plan, head.type);
  if (all.length <= 1) return all;
  const ordinal = /^(?:the |a )?(first|second|third|fourth|fifth) ([a-z ]+?) from the (left|right)\b/.exec(p);
  if (ordinal && ordinal[2] === head.type) {
    const order = leftToRight(plan, head.type);
    if (ordinal[3] === 'right') order.reverse();
    const id = order[['first', 'second', 'third', 'fourth', 'fifth'].indexOf(ordinal[1]!)];
    return id ? [id] : [];
  }
  const rest = p.slice(head.end);
  const landmark = (s: string) => resolvePlace(s, plan)[0];
  const wall = plan.layout.wall;
  const above = /^ (?:above|over) (.+)$/.exec(rest);
  if (above) {
    const u = landmark(above[1]!);
    return all.filter((id) => plan.layout.above[id] === u);
  }
  const under = /^ (?:under|below|beneath) (.+)$/.exec(rest);
  if (under) {
    const u = landmark(under[1]!);
    return all.filter((id) => plan.layout.under[id] === u);
  }
  const between = /^ between (?:the )?(.+?) and (?:the )?(.+)$/.exec(rest);
  if (between) {
    const a = landmark(between[1]!);
    const b = landmark(between[2]!);
    return all.filter((id) => {
      const i = wall.indexOf(id);
      const n = [wall[i - 1], wall[i + 1]];
      return n.includes(a) && n.includes(b);
    });
  }
  const side = /^ (?:to the )?(left|right) of (.+)$/.exec(rest);
  if (side) {
    const i = wall.indexOf(landmark(side[2]!) ?? '');
    const id = i < 0 ? undefined : wall[side[1] === 'left' ? i - 1 : i + 1];
    return id && all.includes(id) ? [id] : [];
  }
  const next = /^ (?:next to|by|beside) (.+)$/.exec(rest);
  if (next) {
    const i = wall.indexOf(landmark(next[1]!) ?? '');
    return i < 0 ? [] : [wall[i - 1], wall[i + 1]].filter((id): id is string => !!id && all.includes(id));
  }
  const holding = /^ with (?:the )?(.+?) on it/.exec(rest);
  if (holding) {
    const a = landmark(holding[1]!);
    const c = a ? plan.layout.on[a] : undefined;
    return c && all.includes(c) ? [c] : [];
  }
  const near = /^ near (.+)$/.exec(rest);
  if (near) {
    // A rough area: every place of the kind, the closest to the landmark first.
    const x = landmark(near[1]!);
    return x ? [...all].sort((a, b) => wallDistance(plan, a, x) - wallDistance(plan, b, x)) : all;
  }
  if (/left end|leftmost/.test(p)) return wall.filter((id) => all.includes(id)).slice(0, 1);
  if (/right end|rightmost/.test(p)) return wall.filter((id) => all.includes(id)).slice(-1);
  return all;
}

// ---------------------------------------------------------------------------------------------
// Where the Commander says things are

/** Verbs that start an instruction: a place after them is where to take something, not where it is. */
const DOING = new Set(
  'put place set leave drop pop wash rinse clean give fill run pour empty tip toast cook heat microwave slice cut chop turn switch light start carry water make bring take first now go move serve lift'.split(' '),
);
const PLACE_PHRASE = /\b(?:in|on|inside|under|by|near|next to|beside|at) (?:the |a |an |one of the )?(?:(?:left|right)most )?(?:fridge|sink|stove|counters?|cabinets?|drawers?|microwave|toaster|coffee machine|dining table|coffee table|side table|sofa|shelf|shelves)\b.*$/;
const BY_PHRASE = /\bby the (fridge|sink|stove|microwave|toaster|coffee machine)\b/;

export interface LocationHint {
  mention: Mention;
  places: string[];
}

/**
 * Location statements in a Commander utterance: each object it says is somewhere, with the places
 * that may be meant. Instructions ("put the mug in the sink") are not location statements.
 */
export function locationHints(text: string, plan: HousePlan, lastAsked: string | null): LocationHint[] {
  const out: LocationHint[] = [];
  let last: Mention | null = null;
  const clauses = text
    .toLowerCase()
    .split(/[.;!?]\s*|:\s+|,\s+(?=(?:which|it's|it is|they're|they are)\b)/)
    .map((c) => c.trim())
    .filter(Boolean);
  for (const clause of clauses) {
    const first = /^[a-z']+/.exec(clause)?.[0] ?? '';
    const objs = mentions(clause);
    const doing = DOING.has(first) || /\b(goes|go|belong|end up|should be)\b/.test(clause);
    const place = BY_PHRASE.exec(clause)?.[0] ?? PLACE_PHRASE.exec(clause)?.[0];
    if (!doing && place) {
      const placeStart = clause.indexOf(place);
      const before = mentions(clause.slice(0, placeStart));
      const after = mentions(clause.slice(placeStart + place.length));
      const named = before.length ? before : after.length ? after : last ? [last] : [];
      const who = named.length ? named : lastAsked ? [{ type: lastAsked, plural: false }] : [];
      const cut = place.replace(/\s+for\s+.*$/, '').replace(/\s+(?:sitting|there)\b.*$/, '');
      const places = resolvePlace(cut.replace(/^(?:in|on|inside|at) (?:one of the )?/, ''), plan);
      for (const m of who) if (places.length) out.push({ mention: m, places });
    }
    if (objs.length) last = objs[objs.length - 1]!;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The goal in words

const NUMBERS: Record<string, string> = { a: '1', an: '1', one: '1', single: '1', two: '2', three: '3', '1': '1', '2': '2', '3': '3' };

function count(t: string): string | undefined {
  const m = /\b(a|an|one|single|two|three|1|2|3) (?:\w+ )?(?:slices?|pieces?)\b/.exec(t);
  return m ? NUMBERS[m[1]!] : undefined;
}

function assignment(taskId: string, want: Record<string, string | undefined>): Record<string, string> | undefined {
  const t = TASK_TEMPLATES.find((x) => x.id === taskId);
  if (!t) return undefined;
  return allAssignments(t).find((a) => Object.entries(want).every(([k, v]) => v === undefined || a[k] === v));
}

/**
 * The task a Commander utterance asks for, when it states one: its type, parameters and goal
 * conditions. Recognised from content words (breakfast, sandwich, coffee, plant, boil, all/every …),
 * so any paraphrase that names the task's content is understood.
 */
export function recogniseGoalV1(text: string): GoalV1 | null {
  // The goal comes before any sub-goal: the first sentence that names a task decides it (a sub-goal
  // such as "put it in the toaster" must not make a put-all task look like toast); its parameters
  // may be spelled out in the sentences after it ("Breakfast time! … a slice of tomato").
  const sentences = text.toLowerCase().split(/(?<=[.!?])\s+/);
  for (let i = 0; i < sentences.length; i++) {
    // A request may take two sentences ("Could you see to the plant? It hasn't had water for days.").
    for (const span of [sentences[i]!, sentences.slice(i, i + 2).join(' ')]) {
      const type = goalType(span);
      if (type) return goalFrom(type, sentences.slice(i).join(' '), span);
    }
  }
  return null;
}

type GoalV1 = { type: string; params: Record<string, string>; conditions: Condition[]; relevant: string[] };

function goalType(t: string): string | null {
  const has = (re: RegExp) => re.test(t);
  if (has(/\bbreakfast\b/)) return 'breakfast';
  if (has(/\bsandwich/)) return 'sandwich';
  if (has(/\bsalad\b/)) return 'salad';
  if (has(/\bcoffee\b(?! (table|machine))/)) return 'coffee';
  if (has(/\b(house)?plant\b/) && has(/\b(water|drink|thirsty)\b/)) return 'water_plant';
  if (has(/\bboil/) && has(/\bpotato/)) return 'boil_potato';
  if (has(/\bpotato/) && has(/\b(cook|cooked|microwave|heat|heated)\b/) && has(/\b(slices?|pieces?)\b/)) return 'cooked_potato';
  if (has(/\btoast(?!er)/)) return 'toast';
  if (has(/\b(all|every|each)\b/)) return has(/\b(clean|wash|washing|rinse|dirty)\b/) ? 'clean_all' : 'put_all';
  if (has(/\b(slices?|pieces?)\b/) && has(/\bplate\b/)) return 'slices_on_plate';
  return null;
}

function goalFrom(type: string, all: string, first: string): GoalV1 | null {
  const t = first;
  const ms = mentions(t);
  const pick = (type: string, want: Record<string, string | undefined> = {}) => {
    const params = assignment(type, want);
    const tpl = TASK_TEMPLATES.find((x) => x.id === type);
    if (!params || !tpl) return null;
    const inst = instantiateTemplate(tpl, params);
    return { type, params, conditions: inst.conditions, relevant: inst.relevant };
  };
  switch (type) {
    case 'breakfast':
      return pick('breakfast', { fruit: /\bapple/.test(all) ? 'apple' : /\btomato/.test(all) ? 'tomato' : undefined });
    case 'cooked_potato':
      return pick('cooked_potato', { n: count(t) });
    case 'clean_all':
      return pick('clean_all', { object: ms.find((m) => !m.type.endsWith(' slice'))?.type });
    case 'put_all': {
      const obj = ms.find((m) => !m.type.endsWith(' slice'))?.type;
      const rest = obj ? t.slice(t.indexOf(obj) + obj.length) : t;
      const dest = firstType(rest)?.type;
      return obj && dest ? pick('put_all', { object: obj, receptacle: dest }) : null;
    }
    case 'slices_on_plate': {
      const food = ms.find((m) => ['tomato', 'apple', 'lettuce', 'bread'].includes(m.type.replace(/ slice$/, '')))?.type.replace(/ slice$/, '');
      return food ? pick('slices_on_plate', { n: count(t), food }) : null;
    }
    default:
      return pick(type);
  }
}
