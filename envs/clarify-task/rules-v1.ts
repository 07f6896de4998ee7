/**
 * ClarifyTask-v1's additions to the domains (`data/clarify-task/v1.json`): constraints between slots
 * and the optional slots whose preference surfaces only when the agent offers options, plus the v1
 * reading of a question (topics in order: asked, confirmed or offered; "anything else?"; slot soup).
 *
 * Constraints are public: printed in the instructions, enforced on sampled goals (every goal is
 * feasible) and on submissions (a submission that breaks one is an invalid action).
 */
import { loadDataJson } from '../../core/data.js';
import { assertValid, type JsonSchema } from '../../core/schema.js';
import type { SlotValueJson, TaskQuestionV1 } from '../clarify-common/types.js';
import { type DomainIndex, domainIndex, normalizedTokens, taskDomains } from './domains.js';

export interface SlotCondition {
  slot: string;
  in: SlotValueJson[];
}

export interface Constraint {
  text: string;
  differ?: [string, string];
  if?: SlotCondition;
  then?: SlotCondition;
}

export interface DomainRulesV1 {
  constraints: Constraint[];
  offerOnly: string[];
}

const condition: JsonSchema = {
  type: 'object',
  required: ['slot', 'in'],
  additionalProperties: false,
  properties: { slot: { type: 'string' }, in: { type: 'array', minItems: 1, items: { type: ['string', 'integer'] } } },
};

const fileSchema: JsonSchema = {
  type: 'object',
  required: ['version', 'domains'],
  additionalProperties: false,
  properties: {
    version: { const: 1 },
    about: { type: 'string' },
    domains: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        required: ['constraints', 'offerOnly'],
        additionalProperties: false,
        properties: {
          constraints: {
            type: 'array',
            items: {
              type: 'object',
              required: ['text'],
              additionalProperties: false,
              properties: {
                text: { type: 'string', minLength: 1 },
                differ: { type: 'array', minItems: 2, maxItems: 2, items: { type: 'string' } },
                if: condition,
                // biome-ignore lint/suspicious/noThenProperty: a data field named "then" (if/then constraint), not a thenable.
                then: condition,
              },
            },
          },
          offerOnly: { type: 'array', items: { type: 'string' } },
        },
      },
    },
  },
};

let rules: Map<string, DomainRulesV1> | undefined;

/** The v1 rules of every domain, checked against the domains' slots and values once. */
export function taskRulesV1(): Map<string, DomainRulesV1> {
  if (!rules) {
    const file = loadDataJson<{ domains: Record<string, DomainRulesV1> }>('clarify-task', 'v1.json');
    assertValid(fileSchema, file, 'data/clarify-task/v1.json');
    const problems: string[] = [];
    const out = new Map<string, DomainRulesV1>();
    for (const [id, dom] of taskDomains()) {
      const r = file.domains[id] ?? { constraints: [], offerOnly: [] };
      const known = (slot: string, values?: SlotValueJson[]) => {
        const s = dom.slotByName.get(slot);
        if (!s) problems.push(`${id}: unknown slot ${slot}`);
        else for (const v of values ?? []) if (!s.values.includes(v)) problems.push(`${id}.${slot}: unknown value ${v}`);
      };
      for (const c of r.constraints) {
        if (c.differ) for (const s of c.differ) known(s);
        if (c.if) known(c.if.slot, c.if.in);
        if (c.then) known(c.then.slot, c.then.in);
        if (!c.differ && !(c.if && c.then)) problems.push(`${id}: constraint "${c.text}" needs differ or if/then`);
      }
      for (const s of r.offerOnly) {
        known(s);
        if (dom.slotByName.get(s)?.required) problems.push(`${id}.${s}: an offer-only slot must be optional`);
      }
      out.set(id, r);
    }
    if (problems.length) throw new Error(`data/clarify-task/v1.json: ${problems.join('; ')}`);
    rules = out;
  }
  return rules;
}

export function rulesOf(domain: string): DomainRulesV1 {
  return taskRulesV1().get(domain) ?? { constraints: [], offerOnly: [] };
}

/** The constraints a (partial) record breaks, by their text. A missing optional slot breaks nothing. */
export function violations(domain: string, record: Record<string, SlotValueJson>): string[] {
  const out: string[] = [];
  for (const c of rulesOf(domain).constraints) {
    if (c.differ) {
      const [a, b] = c.differ;
      if (record[a] !== undefined && record[a] === record[b]) out.push(c.text);
    } else if (c.if && c.then) {
      const v = record[c.if.slot];
      const w = record[c.then.slot];
      if (v !== undefined && c.if.in.includes(v) && w !== undefined && !c.then.in.includes(w)) out.push(c.text);
    }
  }
  return out;
}

const FUNCTION_WORDS = new Set(
  (
    'what which how when where who could would can will do does did is are you your me my i the a an for to tell ' +
    'please and or of on at in it that like want need any so right confirm correct let know about with by from ' +
    'would like prefer should shall have has this these those there be some'
  ).split(' '),
);
const GENERIC = /\b(anything else|any other|other preferences|any preferences|anything more|other requirements|any requirements|anything i should know)\b/i;

/**
 * The v1 reading of a question: the slots it raises in order, each asked openly (keyword), proposed
 * with one value (a confirmation) or offered as options (two or more values of one slot); "anything
 * else?"; and whether it is slot soup: three or more slots named with fewer function words than slots,
 * which a person does not read as a question.
 */
export function analyzeQuestionV1(dom: DomainIndex, text: string): TaskQuestionV1 {
  // The question is normalised once; `normalize(text)` is its words padded with spaces.
  const tokens = normalizedTokens(text);
  const normalized = ` ${tokens.join(' ')} `;
  const mentions = dom.mentionsIn(tokens, { bare: true });
  const asked = dom.askedSlotsIn(tokens);
  const valuesBySlot = new Map<string, { values: SlotValueJson[]; at: number }>();
  for (const m of mentions) {
    if (m.negated) continue;
    // A bare value shared by several slots (a city is origin and destination) counts only for a slot the question names.
    const shared = mentions.some((o) => o !== m && o.at === m.at);
    if (shared && !asked.includes(m.slot)) continue;
    const e = valuesBySlot.get(m.slot) ?? { values: [], at: m.at };
    if (!e.values.includes(m.value)) e.values.push(m.value);
    valuesBySlot.set(m.slot, e);
  }
  const topics: TaskQuestionV1['topics'] = [];
  const positioned: { at: number; topic: TaskQuestionV1['topics'][number] }[] = [];
  for (const [slot, e] of valuesBySlot) {
    positioned.push({
      at: e.at,
      topic: e.values.length >= 2 ? { slot, how: 'offer', values: e.values } : { slot, how: 'confirm', value: e.values[0] as SlotValueJson },
    });
  }
  for (const slot of asked) {
    if (valuesBySlot.has(slot)) continue;
    const kw = dom.normalizedKeywords.get(slot) ?? [];
    let at = tokens.length;
    for (const k of kw) {
      const i = normalized.indexOf(k);
      if (i >= 0) at = Math.min(at, wordsBefore(normalized, i));
    }
    positioned.push({ at, topic: { slot, how: 'ask' } });
  }
  positioned.sort((a, b) => a.at - b.at);
  for (const p of positioned) topics.push(p.topic);
  const functionWords = tokens.filter((t) => FUNCTION_WORDS.has(t)).length;
  // Slot soup: names or values without the grammar of a question, or a wall too long to be one.
  const soup = (topics.length >= 3 && functionWords < topics.length) || (topics.length >= 2 && tokens.length > 60);
  return { kind: 'question', text, topics, generic: GENERIC.test(text), soup };
}

/**
 * Words of a normalised text (` w1 w2 … `) before index `i`: what
 * `text.slice(0, i).trim().split(' ').filter(Boolean).length` counts, as the number of spaces that
 * open a word before `i` (each word is preceded by exactly one space).
 */
function wordsBefore(normalized: string, i: number): number {
  let n = 0;
  for (let k = 0; k < i; k++) if (normalized.charCodeAt(k) === 32 && k + 1 < i && normalized.charCodeAt(k + 1) !== 32) n++;
  return n;
}

/** The constraints as the instructions print them. */
export function constraintLines(domain: string): string[] {
  return rulesOf(domain).constraints.map((c) => c.text);
}

export { domainIndex };
