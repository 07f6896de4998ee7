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
  return ` ${normalizedTokens(text).join(' ')} `;
}

/** The regular-expression definition of `normalize`; tests hold the scan below to it. */
export function normalizeReference(text: string): string {
  return ` ${text
    .toLowerCase()
    .replace(/['’]/g, '')
    .replace(/[^a-z0-9:\- ]+/g, ' ')
    .replace(/(^|\s)[-:]+|[-:]+(?=\s|$)/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()} `;
}

/**
 * The words of `normalize(text)`, in one scan (it runs several times per step): the lower-cased
 * text's runs of [a-z0-9:-] (apostrophes dropped, joining what is around them), each stripped of
 * leading and trailing `-`/`:`, empty ones left out. After the first two replacements of
 * `normalizeReference` only [a-z0-9:- ] is left, so its third strips exactly those word edges and
 * its last two only collapse the spaces between words.
 */
export function normalizedTokens(text: string): string[] {
  const s = text.toLowerCase();
  const out: string[] = [];
  let word = '';
  let start = -1;
  const n = s.length;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? s.charCodeAt(i) : 32;
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 58) || c === 45) {
      if (start < 0) start = i;
    } else if (c === 39 || c === 0x2019) {
      if (start >= 0) {
        word += s.slice(start, i);
        start = -1;
      }
    } else {
      if (start >= 0) {
        word += s.slice(start, i);
        start = -1;
      }
      if (word.length > 0) {
        let a = 0;
        let b = word.length;
        while (a < b && isEdge(word.charCodeAt(a))) a++;
        while (b > a && isEdge(word.charCodeAt(b - 1))) b--;
        if (b > a) out.push(a === 0 && b === word.length ? word : word.slice(a, b));
        word = '';
      }
    }
  }
  return out;
}

/** `-` or `:`. */
function isEdge(c: number): boolean {
  return c === 45 || c === 58;
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
  /** Token position in the normalised text, for ordering. */
  at: number;
}

/** A wording as tokens, with every (slot, value) it can mean: a bare "paris" is both an origin and a destination. */
interface Wording {
  tokens: string[];
  meanings: { slot: string; value: SlotValue }[];
}

/** Wordings indexed by first token, longest first, for greedy left-to-right longest-match scanning. */
type WordingTable = Map<string, Wording[]>;

function buildTable(items: { text: string; slot: string; value: SlotValue }[]): WordingTable {
  const byText = new Map<string, Wording>();
  for (const it of items) {
    let w = byText.get(it.text);
    if (!w) {
      w = { tokens: it.text.split(' '), meanings: [] };
      byText.set(it.text, w);
    }
    if (!w.meanings.some((m) => m.slot === it.slot && m.value === it.value)) w.meanings.push({ slot: it.slot, value: it.value });
  }
  const table: WordingTable = new Map();
  for (const w of byText.values()) {
    const first = w.tokens[0] as string;
    table.set(first, [...(table.get(first) ?? []), w]);
  }
  for (const list of table.values()) list.sort((a, b) => b.tokens.length - a.tokens.length);
  return table;
}

function tokensOf(text: string): string[] {
  return normalizedTokens(text);
}

/** Longest wording of `table` starting at token `i` that covers no masked token. */
function matchAt(table: WordingTable, tokens: readonly string[], masked: readonly boolean[], i: number): Wording | undefined {
  const list = table.get(tokens[i] as string);
  if (!list) return undefined;
  outer: for (const w of list) {
    if (i + w.tokens.length > tokens.length) continue;
    for (let k = 0; k < w.tokens.length; k++) if (masked[i + k] || tokens[i + k] !== w.tokens[k]) continue outer;
    return w;
  }
  return undefined;
}

/**
 * Scans `tokens`, marking matched spans in `masked`; appends each match and its position to `hits`
 * (when given), in scanning order. (An array rather than a callback: no closure per call.)
 */
function scan(table: WordingTable, tokens: readonly string[], masked: boolean[], hits?: { w: Wording; at: number }[]): void {
  for (let i = 0; i < tokens.length; i++) {
    if (masked[i]) continue;
    const w = matchAt(table, tokens, masked, i);
    if (!w) continue;
    hits?.push({ w, at: i });
    for (let k = 0; k < w.tokens.length; k++) masked[i + k] = true;
    i += w.tokens.length - 1;
  }
}

/** Precomputed lookup tables of one domain. Built once per domain, read-only afterwards. */
export class DomainIndex {
  readonly slotByName = new Map<string, SlotDef>();
  private readonly phrases: WordingTable;
  private readonly bare: WordingTable;
  private readonly keywords: WordingTable;
  private readonly slotOrder: Map<string, number>;
  readonly submissionSchema: JsonSchema;
  /** Each slot's keywords, normalised (`normalize(k)`), by slot name. */
  readonly normalizedKeywords = new Map<string, string[]>();

  constructor(readonly domain: DomainDef) {
    const phrases: { text: string; slot: string; value: SlotValue }[] = [];
    const bare: { text: string; slot: string; value: SlotValue }[] = [];
    const keywords: { text: string; slot: string; value: SlotValue }[] = [];
    for (const s of domain.slots) {
      this.slotByName.set(s.name, s);
      for (const v of s.values) {
        phrases.push({ text: normalize(phraseFor(s, v)).trim(), slot: s.name, value: v });
        bare.push({ text: normalize(valueText(s, v)).trim(), slot: s.name, value: v });
      }
      for (const k of s.keywords) keywords.push({ text: normalize(k).trim(), slot: s.name, value: '' });
      this.normalizedKeywords.set(s.name, s.keywords.map(normalize));
    }
    this.phrases = buildTable(phrases);
    this.bare = buildTable(bare);
    this.keywords = buildTable(keywords);
    this.slotOrder = new Map(domain.slots.map((s, i) => [s.name, i]));
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
   * Longest wordings win; a value right after "not" or "no" is reported as negated.
   */
  mentions(text: string, opts: { bare?: boolean } = {}): Mention[] {
    return this.mentionsIn(tokensOf(text), opts);
  }

  /** `mentions` of a text already cut by `normalizedTokens`. */
  mentionsIn(tokens: readonly string[], opts: { bare?: boolean } = {}): Mention[] {
    const masked = new Array<boolean>(tokens.length).fill(false);
    const hits: { w: Wording; at: number }[] = [];
    scan(this.phrases, tokens, masked, hits);
    if (opts.bare) scan(this.bare, tokens, masked, hits);
    const out: Mention[] = [];
    for (const { w, at } of hits) {
      const prev = tokens[at - 1];
      const negated = prev === 'not' || prev === 'no';
      for (const m of w.meanings) out.push({ slot: m.slot, value: m.value, negated, at });
    }
    return out.sort((a, b) => a.at - b.at);
  }

  /** Slots a question asks about by keyword, after masking the value wordings it contains. */
  askedSlots(text: string): string[] {
    return this.askedSlotsIn(tokensOf(text));
  }

  /** `askedSlots` of a text already cut by `normalizedTokens`. */
  askedSlotsIn(tokens: readonly string[]): string[] {
    const masked = new Array<boolean>(tokens.length).fill(false);
    scan(this.phrases, tokens, masked);
    scan(this.bare, tokens, masked);
    const hits: { w: Wording; at: number }[] = [];
    scan(this.keywords, tokens, masked, hits);
    const found = new Set<string>();
    for (const { w } of hits) for (const m of w.meanings) found.add(m.slot);
    return [...found].sort((a, b) => (this.slotOrder.get(a) ?? 0) - (this.slotOrder.get(b) ?? 0));
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
