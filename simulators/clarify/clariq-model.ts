/**
 * The ClariQ answer model of the v1 user: how a crowd worker holding a facet reads a clarifying
 * question, and with which polarity (yes / no / other) they answer it.
 *
 * 1. `questionForm` reads the question's form: yes/no, either/or (two to four options), open
 *    (what / which / how …, "could you tell me …"), or not a question at all (a statement, an
 *    instruction, a wall of words). Rules, checked against the question bank (docs/envs/clarify-search.md).
 * 2. `PolarityFeatures` turns (request, facet, question) into features: the form; lexical overlap of
 *    the question's own words (those beyond the request) with the facet, idf-weighted, both ways;
 *    semantic overlap of the same words through offline word vectors (envs/clarify-common/vectors.ts);
 *    whether the question adds anything to the request and whether the facet does.
 * 3. `PolarityModel` is a multinomial logistic regression over those features, fitted on ClariQ
 *    train by `scripts/fit-clariq-user.ts` and stored in `data/clariq/user-model.json`; dev is never
 *    used to fit it. Its decision is the argmax (the most likely polarity), so the same question gets
 *    the same polarity, as a person would give.
 *
 * Facet-side work (tokens, idf, vector offsets) is done once per episode in `FacetTerms`; a question
 * costs a few dozen vector dot products.
 */
import { loadDataJson } from '../../core/data.js';
import { loadClariq } from '../../envs/clarify-common/clariq-data.js';
import { Bm25Stats, contentTerms, isStopword, stem, tokenize } from '../../envs/clarify-common/text.js';
import { type WordVectors, wordVectors } from '../../envs/clarify-common/vectors.js';

export type QuestionForm = 'yesno' | 'either-or' | 'open' | 'not-a-question';
export type Polarity3 = 'yes' | 'no' | 'other';
export const POLARITIES: readonly Polarity3[] = ['yes', 'no', 'other'];

const AUX = /^(are|is|do|does|did|would|woud|will|can|could|should|have|has|had|was|were|may|might|shall|ae|arey|dio|r|u|wanna)$/;
const WH = /^(what|which|how|where|when|who|why|whose|whom|whats|wheres|hows)$/;
const ELLIPTIC = /^(want|interested|looking|need|any|anything|something|you)$/;
const TELL = /^(tell|describe|specify|explain|say|clarify|elaborate|give|share|list|name)$/;

/** Words of a question that are not content (for the "wall of words" test). */
function functionShare(tokens: readonly string[]): number {
  if (tokens.length === 0) return 0;
  let f = 0;
  for (const t of tokens) if (isStopword(t)) f += 1;
  return f / tokens.length;
}

/** The options of an either/or question: the phrases around "or" (and commas before it), 2 to 4 of them. */
export function eitherOrOptions(question: string): string[] {
  const text = tokenize(question).join(' ');
  if (!/\bor\b/.test(text)) return [];
  // Strip the question's lead-in up to the first option: "are you looking for", "would you like".
  const body = text
    .replace(/^(?:(?:are|is|do|does|did|would|will|can|could|should)\s+you\s+)?(?:(?:looking|searching|interested|asking)\s+(?:for|in|about)\s+|(?:want|like|need|prefer|mean)\s+(?:to\s+(?:know|see|find|learn|read|get|buy)\s+(?:about\s+)?)?)?/, '')
    .replace(/^(?:what|which)\s+(?:\w+\s+)?(?:are|is|do)\s+you\s+\w+\s+(?:in|for|about)\s+/, '');
  const parts = body
    .split(/\s*,\s*|\s+or\s+/)
    .map((p) => p.replace(/^(?:and|the|a|an|maybe|perhaps|either)\s+/, '').trim())
    .filter((p) => p.length > 0 && contentTerms(p).length > 0);
  return parts.length >= 2 && parts.length <= 4 ? parts : [];
}

/**
 * The form of a clarifying question. A message that neither opens like a question (auxiliary verb,
 * wh-word, "tell me …") nor ends with "?", or that is mostly a list of content words, is not a question.
 */
export function questionForm(question: string): QuestionForm {
  const tokens = tokenize(question);
  if (tokens.length === 0) return 'not-a-question';
  const content = tokens.filter((t) => !isStopword(t)).length;
  // A wall of content words, or a paragraph, is not something a person answers as a question.
  if (tokens.length > 40 || (tokens.length >= 8 && functionShare(tokens) < 0.2) || content > 18) return 'not-a-question';
  const first = tokens[0] as string;
  const second = tokens[1] ?? '';
  const third = tokens[2] ?? '';
  const hasWhEarly = tokens.slice(0, 4).some((t) => WH.test(t));
  const asksToTell = (AUX.test(first) && second === 'you' && TELL.test(third)) || TELL.test(first);
  if (tokens.includes('or') && eitherOrOptions(question).length >= 2 && (AUX.test(first) || WH.test(first) || question.trim().endsWith('?'))) {
    return 'either-or';
  }
  if (WH.test(first) || asksToTell || (hasWhEarly && !AUX.test(first))) return 'open';
  if (AUX.test(first)) return 'yesno';
  if (question.trim().endsWith('?') || ELLIPTIC.test(first)) return 'yesno';
  return 'not-a-question';
}

let idfStats: Bm25Stats | undefined;

/** idf over every ClariQ request, facet and bank question (public text), by stem. */
export function clariqIdf(): Bm25Stats {
  if (!idfStats) {
    const c = loadClariq();
    const docs: string[][] = [];
    for (const t of c.topics) {
      docs.push(contentTerms(t.request));
      for (const f of t.facets) docs.push(contentTerms(f.desc));
    }
    for (const q of Object.values(c.questions)) docs.push(contentTerms(q));
    idfStats = new Bm25Stats(docs);
  }
  return idfStats;
}

/** A content word with its stem, idf and vector offset. */
export interface Term {
  word: string;
  stem: string;
  idf: number;
  vec: number;
}

/** Content words of `text` (one per stem, in order), dropping stems in `drop`. */
export function termsOf(text: string, drop: ReadonlySet<string>, vectors: WordVectors = wordVectors()): Term[] {
  const stats = clariqIdf();
  const out: Term[] = [];
  const seen = new Set<string>();
  for (const w of tokenize(text)) {
    if (w.length < 2 || isStopword(w)) continue;
    const s = stem(w);
    if (drop.has(s) || seen.has(s)) continue;
    seen.add(s);
    out.push({ word: w, stem: s, idf: stats.idf(s), vec: vectors.offset(w) });
  }
  return out;
}

/** The facet side of the features, computed once per episode. */
export class FacetTerms {
  readonly requestStems: Set<string>;
  /** Every content word of the facet. */
  readonly all: Term[];
  /** The facet's words beyond the request: what the user wants that the request does not say. */
  readonly novel: Term[];
  readonly allStems: Set<string>;

  constructor(
    readonly request: string,
    readonly facet: string,
    readonly vectors: WordVectors = wordVectors(),
  ) {
    this.requestStems = new Set(contentTerms(request));
    this.all = termsOf(facet, new Set(), vectors);
    this.novel = this.all.filter((t) => !this.requestStems.has(t.stem));
    this.allStems = new Set(this.all.map((t) => t.stem));
  }

  /** Best similarity of `t` to any of `pool`: 1 for the same stem, else the vectors' cosine. */
  similarity(t: Term, pool: readonly Term[]): number {
    let best = 0;
    for (const p of pool) {
      const s = p.stem === t.stem ? 1 : this.vectors.cosineAt(t.vec, p.vec);
      if (s > best) best = s;
    }
    return best;
  }
}

export const FEATURE_NAMES = [
  'bias',
  'form:yesno',
  'form:either-or',
  'form:open',
  'question adds nothing to the request',
  'facet adds nothing to the request',
  'lexical precision (question words in facet, idf)',
  'lexical recall (facet words in question, idf)',
  'any question word in facet',
  'semantic precision (mean best cosine, idf)',
  'semantic max',
  'semantic recall',
  'yesno × semantic precision',
  'yesno × lexical precision',
  'question words beyond request (/8)',
  'facet words beyond request (/10)',
  'question words in request (share)',
] as const;

/** The features of one question for a facet (see FEATURE_NAMES, same order). */
export function polarityFeatures(question: string, form: QuestionForm, facet: FacetTerms): number[] {
  const qAll = termsOf(question, new Set(), facet.vectors);
  const q = qAll.filter((t) => !facet.requestStems.has(t.stem));
  const yn = form === 'yesno' ? 1 : 0;
  let wq = 0;
  let hitW = 0;
  let semP = 0;
  let semMax = 0;
  let anyHit = 0;
  for (const t of q) {
    wq += t.idf;
    if (facet.allStems.has(t.stem)) {
      hitW += t.idf;
      anyHit = 1;
    }
    const s = facet.similarity(t, facet.all);
    semP += t.idf * s;
    if (s > semMax) semMax = s;
  }
  const lexP = wq ? hitW / wq : 0;
  semP = wq ? semP / wq : 0;
  const qStems = new Set(q.map((t) => t.stem));
  let wf = 0;
  let covW = 0;
  let semR = 0;
  for (const t of facet.novel) {
    wf += t.idf;
    if (qStems.has(t.stem)) covW += t.idf;
    semR += t.idf * facet.similarity(t, q);
  }
  const lexR = wf ? covW / wf : 0;
  semR = wf ? semR / wf : 0;
  const inRequest = qAll.length ? (qAll.length - q.length) / qAll.length : 0;
  return [
    1,
    yn,
    form === 'either-or' ? 1 : 0,
    form === 'open' ? 1 : 0,
    q.length === 0 ? 1 : 0,
    facet.novel.length === 0 ? 1 : 0,
    lexP,
    lexR,
    anyHit,
    semP,
    semMax,
    semR,
    yn * semP,
    yn * lexP,
    Math.min(q.length, 8) / 8,
    Math.min(facet.novel.length, 10) / 10,
    inRequest,
  ];
}

export interface PolarityModelFile {
  attribution: string;
  fittedOn: string;
  features: string[];
  classes: Polarity3[];
  mean: number[];
  sd: number[];
  weights: number[][];
  /** Figures written by the fitting script, for the record (the calibrate command recomputes them). */
  figures?: Record<string, number>;
}

/** Multinomial logistic regression over standardised features. */
export class PolarityModel {
  constructor(readonly file: PolarityModelFile) {
    if (file.features.length !== FEATURE_NAMES.length) {
      throw new Error(`data/clariq/user-model.json has ${file.features.length} features, the code ${FEATURE_NAMES.length}: refit with scripts/fit-clariq-user.ts`);
    }
  }

  probabilities(x: readonly number[]): number[] {
    const { mean, sd, weights } = this.file;
    const z = weights.map((w) => {
      let s = 0;
      for (let i = 0; i < x.length; i++) s += (w[i] as number) * (((x[i] as number) - (mean[i] as number)) / (sd[i] as number));
      return s;
    });
    const m = Math.max(...z);
    const e = z.map((v) => Math.exp(v - m));
    const total = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / total);
  }

  decide(x: readonly number[]): Polarity3 {
    const p = this.probabilities(x);
    let k = 0;
    for (let i = 1; i < p.length; i++) if ((p[i] as number) > (p[k] as number)) k = i;
    return this.file.classes[k] as Polarity3;
  }
}

let model: PolarityModel | undefined;

export function polarityModel(): PolarityModel {
  if (!model) model = new PolarityModel(loadDataJson<PolarityModelFile>('clariq', 'user-model.json'));
  return model;
}

/** Standardisation and a full-batch gradient-descent fit with L2; deterministic. Used by the fitting script. */
export function fitPolarityModel(
  xs: readonly number[][],
  ys: readonly number[],
  opts: { epochs?: number; rate?: number; l2?: number } = {},
): Pick<PolarityModelFile, 'mean' | 'sd' | 'weights'> {
  const n = xs.length;
  const d = (xs[0] as number[]).length;
  const k = 3;
  const mean = new Array<number>(d).fill(0);
  const sd = new Array<number>(d).fill(0);
  for (const x of xs) for (let i = 0; i < d; i++) mean[i] = (mean[i] as number) + (x[i] as number) / n;
  for (const x of xs) for (let i = 0; i < d; i++) sd[i] = (sd[i] as number) + ((x[i] as number) - (mean[i] as number)) ** 2 / n;
  for (let i = 0; i < d; i++) sd[i] = Math.sqrt(sd[i] as number) || 1;
  mean[0] = 0;
  sd[0] = 1;
  const z = xs.map((x) => x.map((v, i) => (v - (mean[i] as number)) / (sd[i] as number)));
  const w = Array.from({ length: k }, () => new Array<number>(d).fill(0));
  const epochs = opts.epochs ?? 1500;
  const rate = opts.rate ?? 0.5;
  const l2 = opts.l2 ?? 1e-3;
  for (let ep = 0; ep < epochs; ep++) {
    const g = Array.from({ length: k }, () => new Array<number>(d).fill(0));
    for (let r = 0; r < n; r++) {
      const x = z[r] as number[];
      const logits = w.map((wk) => wk.reduce((s, v, i) => s + v * (x[i] as number), 0));
      const m = Math.max(...logits);
      const e = logits.map((v) => Math.exp(v - m));
      const total = e.reduce((a, b) => a + b, 0);
      for (let c = 0; c < k; c++) {
        const diff = (e[c] as number) / total - (ys[r] === c ? 1 : 0);
        const gc = g[c] as number[];
        for (let i = 0; i < d; i++) gc[i] = (gc[i] as number) + diff * (x[i] as number);
      }
    }
    for (let c = 0; c < k; c++) {
      const wc = w[c] as number[];
      const gc = g[c] as number[];
      for (let i = 0; i < d; i++) wc[i] = (wc[i] as number) - rate * ((gc[i] as number) / n + l2 * (wc[i] as number));
    }
  }
  return { mean, sd, weights: w.map((row) => row.map((v) => Math.round(v * 1e6) / 1e6)) };
}
