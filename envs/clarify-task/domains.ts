/**
 * ClarifyTask-v0's task domains, defined as data (`data/clarify-task/domains.json`) and checked
 * at load against `domainFileSchema` plus the rules a fair exact-match grader needs: within a
 * domain no wording of one slot's value contains another slot's, and each slot's title, used in a
 * question ("could you tell me the party size?"), is understood as a question about that slot.
 *
 * Also here: the JSON Schema of a domain's submission, value wording ("for 4 people"), and the
 * lexical parsers shared by the env, the scripted user and the agents: which slots a question
 * asks about (keywords), which values a text mentions (value wordings, longest first), and which
 * mentions it negates ("not on friday").
 */
import { loadDataJson } from '../../core/data.js';
import { assertValid, type JsonSchema } from '../../core/schema.js';

export type SlotValue = string | number;

export interface SlotDef {
  name: string;
  title: string;
  required: boolean;
  type: 'string' | 'integer';
  values: SlotValue[];
  /** Unit said after an integer ("4 people"). */
  unit?: string;
  /** How the user says a value, `{v}` standing for it: "for {v} people". */
  phrase: string;
  /** Words or phrases by which a question asks for this slot. */
  keywords: string[];
}

export interface DomainDef {
  id: string;
  title: string;
  openers: string[];
  slots: SlotDef[];
}

export const domainFileSchema: JsonSchema = {
  type: 'object',
  required: ['version', 'domains'],
  additionalProperties: false,
  properties: {
    version: { const: 1 },
    domains: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['id', 'title', 'openers', 'slots'],
        additionalProperties: false,
        properties: {
          id: { type: 'string', pattern: '^[a-z][a-z0-9_]*$' },
          title: { type: 'string', minLength: 1 },
          openers: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
          slots: {
            type: 'array',
            minItems: 2,
            items: {
              type: 'object',
              required: ['name', 'title', 'required', 'type', 'values', 'phrase', 'keywords'],
              additionalProperties: false,
              properties: {
                name: { type: 'string', pattern: '^[a-z][a-z0-9_]*$' },
                title: { type: 'string', minLength: 1 },
                required: { type: 'boolean' },
                type: { enum: ['string', 'integer'] },
                values: { type: 'array', minItems: 2, items: { type: ['string', 'integer'] } },
                unit: { type: 'string', minLength: 1 },
                phrase: { type: 'string', pattern: '\\{v\\}' },
                keywords: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
              },
            },
          },
        },
      },
    },
  },
};

/** Lower case, punctuation other than `:` and `-` inside words turned to spaces, padded for phrase search. */
export function normalize(text: string): string {
  return ` ${text
    .toLowerCase()
    .replace(/['’]/g, '')
    .replace(/[^a-z0-9:\- ]+/g, ' ')
    .replace(/(^|\s)[-:]+|[-:]+(?=\s|$)/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()} `;
}

/** The bare wording of a value: "italian", "4 people". */
export function valueText(slot: SlotDef, value: SlotValue): string {
  return slot.type === 'integer' ? `${value} ${slot.unit ?? ''}`.trim() : String(value);
}

/** How the user says a value: the slot's phrase filled in ("for 4 people"). */
export function phraseFor(slot: SlotDef, value: SlotValue): string {
  return slot.phrase.replace('{v}', String(value));
}

export interface Mention {
  slot: string;
  value: SlotValue;
  /** Preceded by "not" ("not on friday"): the speaker rules this value out. */
  negated: boolean;
  /** Position in the normalised text, for ordering. */
  at: number;
}

/** One wording and every (slot, value) it can mean: a bare "paris" is both an origin and a destination. */
interface PatternGroup {
  text: string;
  meanings: { slot: string; value: SlotValue }[];
}

function groupPatterns(items: { text: string; slot: string; value: SlotValue }[]): PatternGroup[] {
  const byText = new Map<string, PatternGroup>();
  for (const it of items) {
    let g = byText.get(it.text);
    if (!g) {
      g = { text: it.text, meanings: [] };
      byText.set(it.text, g);
    }
    g.meanings.push({ slot: it.slot, value: it.value });
  }
  return [...byText.values()].sort((a, b) => b.text.length - a.text.length);
}

/** Precomputed lookup tables of one domain. Built once per domain, read-only afterwards. */
export class DomainIndex {
  readonly slotByName = new Map<string, SlotDef>();
  /** Value wordings (phrase and bare), longest first. */
  private readonly phrases: PatternGroup[];
  private readonly bare: PatternGroup[];
  private readonly keywords: { text: string; slot: string }[] = [];
  readonly submissionSchema: JsonSchema;

  constructor(readonly domain: DomainDef) {
    const phrases: { text: string; slot: string; value: SlotValue }[] = [];
    const bare: { text: string; slot: string; value: SlotValue }[] = [];
    for (const s of domain.slots) {
      this.slotByName.set(s.name, s);
      for (const v of s.values) {
        phrases.push({ text: normalize(phraseFor(s, v)).trim(), slot: s.name, value: v });
        bare.push({ text: normalize(valueText(s, v)).trim(), slot: s.name, value: v });
      }
      for (const k of s.keywords) this.keywords.push({ text: normalize(k).trim(), slot: s.name });
    }
    this.phrases = groupPatterns(phrases);
    this.bare = groupPatterns(bare);
    this.keywords.sort((a, b) => b.text.length - a.text.length);
    this.submissionSchema = submissionSchemaOf(domain);
  }

  slot(name: string): SlotDef {
    const s = this.slotByName.get(name);
    if (!s) throw new Error(`unknown slot '${name}' in domain ${this.domain.id}`);
    return s;
  }

  /**
   * Values mentioned in `text` by their full wording ("for 4 people"); with `bare`, also by the
   * value alone ("4 people", "friday"), which may fit several slots (origin and destination).
   */
  mentions(text: string, opts: { bare?: boolean } = {}): Mention[] {
    let t = normalize(text);
    const out: Mention[] = [];
    const scan = (groups: PatternGroup[]) => {
      for (const g of groups) {
        const needle = ` ${g.text} `;
        const hits: number[] = [];
        for (let i = t.indexOf(needle); i >= 0; i = t.indexOf(needle, i + 1)) hits.push(i);
        for (const i of hits) {
          const negated = /\s(not|no)\s$/.test(t.slice(Math.max(0, i - 5), i + 1));
          for (const m of g.meanings) out.push({ slot: m.slot, value: m.value, negated, at: i });
          t = `${t.slice(0, i + 1)}${'#'.repeat(g.text.length)}${t.slice(i + 1 + g.text.length)}`;
        }
      }
    };
    scan(this.phrases);
    if (opts.bare) scan(this.bare);
    return out.sort((a, b) => a.at - b.at);
  }

  /** Slots a question asks about by keyword, after masking the value wordings it contains. */
  askedSlots(text: string): string[] {
    let t = normalize(text);
    for (const p of [...this.phrases, ...this.bare]) {
      const needle = ` ${p.text} `;
      while (t.includes(needle)) t = t.replace(needle, ` ${'#'.repeat(p.text.length)} `);
    }
    const found: string[] = [];
    for (const k of this.keywords) {
      const needle = ` ${k.text} `;
      if (t.includes(needle)) {
        if (!found.includes(k.slot)) found.push(k.slot);
        while (t.includes(needle)) t = t.replace(needle, ` ${'#'.repeat(k.text.length)} `);
      }
    }
    const order = this.domain.slots.map((s) => s.name);
    return found.sort((a, b) => order.indexOf(a) - order.indexOf(b));
  }
}

/** The JSON Schema a submission for `domain` must satisfy; public (shown to the agent). */
export function submissionSchemaOf(domain: DomainDef): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const s of domain.slots) {
    properties[s.name] = {
      title: s.title,
      type: s.type,
      enum: s.values,
      ...(s.unit ? { 'x-unit': s.unit } : {}),
      'x-phrase': s.phrase,
    };
  }
  return {
    type: 'object',
    required: domain.slots.filter((s) => s.required).map((s) => s.name),
    additionalProperties: false,
    properties,
  };
}

/** Load-time checks beyond the schema; returns the problems found (empty when the domain is sound). */
export function domainProblems(domain: DomainDef): string[] {
  const problems: string[] = [];
  const idx = new DomainIndex(domain);
  const names = new Set<string>();
  for (const s of domain.slots) {
    if (names.has(s.name)) problems.push(`${domain.id}: duplicate slot ${s.name}`);
    names.add(s.name);
    if (s.type === 'integer' && !s.unit) problems.push(`${domain.id}.${s.name}: integer slot without unit`);
    for (const v of s.values) {
      if ((s.type === 'integer') !== (typeof v === 'number')) problems.push(`${domain.id}.${s.name}: value ${v} is not ${s.type}`);
      const m = idx.mentions(phraseFor(s, v));
      if (m.length !== 1 || m[0]?.slot !== s.name || m[0]?.value !== v) {
        problems.push(`${domain.id}.${s.name}: wording "${phraseFor(s, v)}" is not read back as ${s.name}=${v}`);
      }
    }
    const asked = idx.askedSlots(`could you tell me the ${s.title}?`);
    if (asked.length !== 1 || asked[0] !== s.name) {
      problems.push(`${domain.id}.${s.name}: title question reads as [${asked.join(', ')}]`);
    }
  }
  if (!domain.slots.some((s) => s.required)) problems.push(`${domain.id}: no required slot`);
  return problems;
}

interface DomainFile {
  version: 1;
  domains: DomainDef[];
}

let loaded: Map<string, DomainIndex> | undefined;

/** The shipped domains, validated once (schema and soundness rules); throws listing every problem. */
export function taskDomains(): Map<string, DomainIndex> {
  if (!loaded) {
    const file = loadDataJson<DomainFile>('clarify-task', 'domains.json');
    assertValid(domainFileSchema, file, 'data/clarify-task/domains.json');
    const problems = file.domains.flatMap(domainProblems);
    if (problems.length) throw new Error(`data/clarify-task/domains.json: ${problems.join('; ')}`);
    loaded = new Map(file.domains.map((d) => [d.id, new DomainIndex(d)]));
  }
  return loaded;
}

export function domainIndex(id: string): DomainIndex {
  const d = taskDomains().get(id);
  if (!d) throw new Error(`unknown ClarifyTask domain '${id}' (known: ${[...taskDomains().keys()].join(', ')})`);
  return d;
}
