/**
 * Lexical text tools shared by the clarification envs, their simulators and agents: tokenising in
 * the style of the ClariQ corpus (lower case, apostrophes dropped so "obama's" → "obamas"), a light
 * suffix stemmer, stop words, BM25 ranking, token F1 and the yes / no / other polarity of an answer.
 *
 * Everything here is pure and deterministic; indexes are built once and only read afterwards.
 */

const STOP = new Set(
  (
    'a an the and or but if of to in on at for from by with about as into over under than then so ' +
    'is are was were be been being am do does did doing have has had having will would shall should can could may might must ' +
    'i me my mine we us our you your yours he him his she her it its they them their this that these those there here ' +
    'what which who whom whose when where why how all any some no not nor only just also very too more most much many ' +
    'such own same other another each both few s t don dont im ive id youre its thats whats ' +
    'yes yeah yep ok okay please thanks thank like want wanted wants need needs know looking look find tell ' +
    'interested interest information info specific specifically particular particularly something anything things thing ' +
    'get give see learn learning searching search would like kind type sort really one ones'
  ).split(/\s+/),
);

/**
 * Lower-cased word tokens; apostrophes are removed inside words as ClariQ's answers do.
 *
 * Defined as `text.toLowerCase().replace(/['’`]/g, '').split(/[^a-z0-9]+/).filter(nonEmpty)`
 * (`tokenizeReference`, kept for the equivalence test), written as one scan because it runs
 * several times per step: one pass over the lower-cased text, slicing runs of [a-z0-9] and
 * joining the runs an apostrophe splits.
 */
export function tokenize(text: string): string[] {
  const s = text.toLowerCase();
  const out: string[] = [];
  let word = '';
  let start = -1;
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) {
      if (start < 0) start = i;
    } else if (c === 39 || c === 0x2019 || c === 96) {
      // An apostrophe joins what is around it ("obama's" → "obamas").
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
        out.push(word);
        word = '';
      }
    }
  }
  if (start >= 0) word += s.slice(start);
  if (word.length > 0) out.push(word);
  return out;
}

/** The regular-expression definition of `tokenize`; tests hold the scan to it. */
export function tokenizeReference(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/['’`]/g, '')
    .split(/[^a-z0-9]+/)
    .filter((t) => t.length > 0);
}

const stemCache = new Map<string, string>();

/**
 * A light, deterministic suffix stripper (plural, -ing, -ed, -ly); enough to match "remedies" to "remedy".
 * Memoised per word (bounded): a step stems the same few dozen words several times.
 */
export function stem(word: string): string {
  let w = stemCache.get(word);
  if (w === undefined) {
    w = stemUncached(word);
    if (stemCache.size >= 200_000) stemCache.clear();
    stemCache.set(word, w);
  }
  return w;
}

function stemUncached(word: string): string {
  let w = word;
  if (w.length > 4 && w.endsWith('ies')) w = `${w.slice(0, -3)}y`;
  else if (w.length > 4 && w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us') && !w.endsWith('is')) w = w.slice(0, -1);
  if (w.length > 5 && w.endsWith('ing')) w = w.slice(0, -3);
  else if (w.length > 4 && w.endsWith('ed')) w = w.slice(0, -2);
  else if (w.length > 5 && w.endsWith('ly')) w = w.slice(0, -2);
  if (w.length > 4 && w.endsWith('e')) w = w.slice(0, -1);
  return w;
}

export function isStopword(token: string): boolean {
  return STOP.has(token);
}

/** Stemmed content terms (stop words removed), in order, repetitions kept. */
export function contentTerms(text: string): string[] {
  return contentTermsOf(tokenize(text));
}

/** `contentTerms` of an already tokenised text. */
export function contentTermsOf(tokens: readonly string[]): string[] {
  const out: string[] = [];
  for (const t of tokens) if (!STOP.has(t)) out.push(stem(t));
  return out;
}

export function termSet(text: string): Set<string> {
  return new Set(contentTerms(text));
}

/** SQuAD-style token F1 over lower-cased tokens (stop words kept, as in the usual definition). */
export function tokenF1(predicted: string, reference: string): number {
  const p = tokenize(predicted);
  const r = tokenize(reference);
  if (p.length === 0 || r.length === 0) return p.length === r.length ? 1 : 0;
  const counts = new Map<string, number>();
  for (const t of r) counts.set(t, (counts.get(t) ?? 0) + 1);
  let common = 0;
  for (const t of p) {
    const c = counts.get(t) ?? 0;
    if (c > 0) {
      common += 1;
      counts.set(t, c - 1);
    }
  }
  if (common === 0) return 0;
  const precision = common / p.length;
  const recall = common / r.length;
  return (2 * precision * recall) / (precision + recall);
}

export type Polarity = 'yes' | 'no' | 'other';

const YES = /^(yes|yeah|yea|yep|yup|sure|correct|right|definitely|absolutely|ok|okay|exactly|indeed|of course)\b/;
const NO = /^(no|nope|nah|not|never|neither)\b/;

/** Polarity of an answer from its opening words, the same rule for human and simulated answers. */
export function polarityOf(answer: string): Polarity {
  const a = tokenize(answer).join(' ');
  if (YES.test(a)) return 'yes';
  if (NO.test(a)) return 'no';
  return 'other';
}

/** Question form: a yes/no question opens with an auxiliary verb; anything else is open. */
export function isYesNoQuestion(question: string): boolean {
  const first = tokenize(question)[0] ?? '';
  return /^(are|is|do|does|did|would|woud|will|can|could|should|have|has|was|were|may|might|shall)$/.test(first);
}

export interface Bm25Options {
  k1?: number;
  b?: number;
}

/**
 * BM25 (Robertson & Zaragoza 2009) with the always-positive Lucene idf. Document frequencies come
 * from a reference collection given at construction (so a topic with three facets still gets
 * meaningful idf); unseen terms get the idf of a term seen in no document.
 */
export class Bm25Stats {
  readonly n: number;
  readonly avgLength: number;
  private readonly df = new Map<string, number>();
  private readonly idfs = new Map<string, number>();
  private readonly unseenIdf: number;
  readonly k1: number;
  readonly b: number;

  constructor(collection: readonly string[][], opts: Bm25Options = {}) {
    this.k1 = opts.k1 ?? 1.2;
    this.b = opts.b ?? 0.75;
    this.n = collection.length;
    let total = 0;
    for (const doc of collection) {
      total += doc.length;
      for (const t of new Set(doc)) this.df.set(t, (this.df.get(t) ?? 0) + 1);
    }
    this.avgLength = this.n > 0 ? total / this.n : 1;
    for (const [t, df] of this.df) this.idfs.set(t, Math.log(1 + (this.n - df + 0.5) / (df + 0.5)));
    this.unseenIdf = Math.log(1 + (this.n + 0.5) / 0.5);
  }

  idf(term: string): number {
    return this.idfs.get(term) ?? this.unseenIdf;
  }

  /** A document's term counts and length norm, computed once and scored many times. */
  prepare(docTerms: readonly string[]): PreparedDoc {
    const tf = new Map<string, number>();
    for (const t of docTerms) tf.set(t, (tf.get(t) ?? 0) + 1);
    return { tf, norm: this.k1 * (1 - this.b + (this.b * docTerms.length) / (this.avgLength || 1)) };
  }

  /** Score of a prepared document for a query (its terms, repetitions collapsed). */
  scorePrepared(queryTerms: readonly string[], doc: PreparedDoc): number {
    let s = 0;
    const seen = new Set<string>();
    for (const q of queryTerms) {
      if (seen.has(q)) continue;
      seen.add(q);
      const f = doc.tf.get(q);
      if (!f) continue;
      s += (this.idf(q) * f * (this.k1 + 1)) / (f + doc.norm);
    }
    return s;
  }

  /** Score of one document (its terms) for a query. */
  score(queryTerms: readonly string[], docTerms: readonly string[]): number {
    return this.scorePrepared(queryTerms, this.prepare(docTerms));
  }
}

export interface PreparedDoc {
  tf: Map<string, number>;
  norm: number;
}

/** An idf-weighted term vector with its norm, for repeated cosine comparisons. */
export interface WeightedVector {
  weights: Map<string, number>;
  norm: number;
}

export function weightedVector(terms: readonly string[], idf: (t: string) => number): WeightedVector {
  const weights = new Map<string, number>();
  for (const t of terms) weights.set(t, (weights.get(t) ?? 0) + idf(t));
  let sq = 0;
  for (const w of weights.values()) sq += w * w;
  return { weights, norm: Math.sqrt(sq) };
}

export function vectorCosine(a: WeightedVector, b: WeightedVector): number {
  if (a.norm === 0 || b.norm === 0) return 0;
  const [small, large] = a.weights.size <= b.weights.size ? [a, b] : [b, a];
  let dot = 0;
  for (const [t, w] of small.weights) {
    const o = large.weights.get(t);
    if (o) dot += w * o;
  }
  return dot / (a.norm * b.norm);
}

/**
 * An action's leading verb, one of `verbs` (lower case, tried in order), and the text after it:
 * what `/^\s*(V1|V2|…)\b\s*([\s\S]*?)\s*$/i` gives (verb upper-cased, rest trimmed), written out
 * because it runs on every step. ASCII case-insensitive, as the regular expression without the
 * `u` flag; the verb must be followed by a non-word character or the end. Null when no verb matches.
 */
export function splitVerb(action: string, verbs: readonly string[]): { verb: string; rest: string } | null {
  const s = action.trimStart();
  for (const v of verbs) {
    const n = v.length;
    if (s.length < n) continue;
    let k = 0;
    for (; k < n; k++) {
      let c = s.charCodeAt(k);
      if (c >= 65 && c <= 90) c += 32;
      if (c !== v.charCodeAt(k)) break;
    }
    if (k < n) continue;
    if (s.length > n) {
      const c = s.charCodeAt(n);
      const word = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
      if (word) continue;
    }
    return { verb: v.toUpperCase(), rest: s.slice(n).trim() };
  }
  return null;
}
