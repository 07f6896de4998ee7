/**
 * Persuasion-strategy recogniser: multinomial naive Bayes over word unigrams and bigrams (plus a
 * coarse position token), trained on the persuader sentences of strategy_labels.csv. The model is
 * precomputed by scripts/preprocess-p4g.ts into data/persuasionforgood/strategy-model.json and
 * classification is a sum of looked-up log-probabilities: cheap enough for every step.
 */

export const STRATEGIES = [
  'greeting',
  'task-related-inquiry',
  'personal-related-inquiry',
  'have-you-heard-of-the-org',
  'provide-org-facts',
  'logical-appeal',
  'emotion-appeal',
  'personal-story',
  'foot-in-the-door',
  'example-donation',
  'provide-donation-procedure',
  'propose-donation',
  'ask-donation-amount',
  'ask-donate-more',
  'ask-not-donate-reason',
  'confirm-donation',
  'praise-user',
  'acknowledgement',
  'thank',
  'closing',
  'comment-partner',
  'positive-to-inquiry',
  'neutral-to-inquiry',
  'negative-to-inquiry',
  'you-are-welcome',
] as const;
export type Strategy = (typeof STRATEGIES)[number];

export interface StrategyModel {
  labels: string[];
  /** log P(label). */
  logPrior: number[];
  /** Feature string → row index into `logLik`. */
  vocab: string[];
  /** logLik[row * labels.length + label] = log P(feature | label), rounded. */
  logLik: number[];
  /** log P(unseen feature | label). */
  logUnseen: number[];
}

const SPLIT = /(?<=[.!?])\s+(?=\S)/;

/** Sentences of an utterance (the corpus labels sentences, persuaders send several per turn). */
export function splitSentences(text: string): string[] {
  const parts = text.split(SPLIT);
  const out: string[] = [];
  for (const p of parts) {
    const t = p.trim();
    if (t) out.push(t);
  }
  return out.length ? out : [text.trim()];
}

export const RECOGNISER_TOKEN = /[a-z]+(?:'[a-z]+)?|\d+(?:\.\d+)?|[$%?!]/g;
const TOKEN = RECOGNISER_TOKEN;

/** Features of one sentence: unigrams, bigrams and a position token (`@0`, `@1`, `@2`, `@late`). */
export function sentenceFeatures(sentence: string, turn: number): string[] {
  const words = sentence.toLowerCase().match(TOKEN) ?? [];
  const toks: string[] = [];
  for (const w of words) toks.push(/^\d/.test(w) ? '<num>' : w);
  const out: string[] = [`@${turn <= 2 ? turn : 'late'}`];
  for (let i = 0; i < toks.length; i++) {
    out.push(toks[i] as string);
    if (i > 0) out.push(`${toks[i - 1]} ${toks[i]}`);
  }
  if (toks.length === 0) out.push('<empty>');
  return out;
}

export interface LabelledSentence {
  sentence: string;
  turn: number;
  label: string;
}

/** Trains the naive Bayes model; features seen fewer than `minCount` times are dropped. */
export function trainStrategyModel(data: LabelledSentence[], opts: { alpha?: number; minCount?: number } = {}): StrategyModel {
  const alpha = opts.alpha ?? 0.3;
  const minCount = opts.minCount ?? 2;
  const labels = [...STRATEGIES] as string[];
  for (const d of data) if (!labels.includes(d.label)) labels.push(d.label);
  const L = labels.length;
  const total = new Map<string, number>();
  const feats = data.map((d) => sentenceFeatures(d.sentence, d.turn));
  for (const f of feats) for (const t of f) total.set(t, (total.get(t) ?? 0) + 1);
  const vocab = [...total.entries()].filter(([, c]) => c >= minCount).map(([t]) => t).sort();
  const index = new Map(vocab.map((t, i) => [t, i]));
  const counts = new Float64Array(vocab.length * L);
  const labelTokens = new Float64Array(L);
  const labelDocs = new Float64Array(L);
  data.forEach((d, k) => {
    const l = labels.indexOf(d.label);
    labelDocs[l] = (labelDocs[l] as number) + 1;
    for (const t of feats[k] as string[]) {
      const r = index.get(t);
      if (r === undefined) continue;
      counts[r * L + l] = (counts[r * L + l] as number) + 1;
      labelTokens[l] = (labelTokens[l] as number) + 1;
    }
  });
  const V = vocab.length + 1;
  const round = (x: number) => Math.round(x * 1000) / 1000;
  const logPrior = Array.from(labelDocs, (c) => round(Math.log((c + 1) / (data.length + L))));
  const logUnseen = Array.from(labelTokens, (n) => round(Math.log(alpha / (n + alpha * V))));
  const logLik = new Array<number>(vocab.length * L);
  for (let r = 0; r < vocab.length; r++) {
    for (let l = 0; l < L; l++) {
      logLik[r * L + l] = round(Math.log(((counts[r * L + l] as number) + alpha) / ((labelTokens[l] as number) + alpha * V)));
    }
  }
  return { labels, logPrior, vocab, logLik, logUnseen };
}

/** A loaded model with its lookup table built once. */
export class StrategyRecogniser {
  /** Unigram (and position-token) feature → row. */
  private readonly unigram: Map<string, number>;
  /** First word → (second word → row) for bigram features: no string is built per bigram at classification. */
  private readonly bigram: Map<string, Map<string, number>>;
  private readonly L: number;
  private readonly lik: Float64Array;
  private readonly prior: Float64Array;
  private readonly scores: Float64Array;
  readonly labels: readonly string[];

  constructor(readonly model: StrategyModel) {
    this.labels = model.labels;
    this.L = model.labels.length;
    this.unigram = new Map();
    this.bigram = new Map();
    model.vocab.forEach((t, i) => {
      const sp = t.indexOf(' ');
      if (sp < 0) {
        this.unigram.set(t, i);
        return;
      }
      const a = t.slice(0, sp);
      let m = this.bigram.get(a);
      if (!m) {
        m = new Map();
        this.bigram.set(a, m);
      }
      m.set(t.slice(sp + 1), i);
    });
    this.lik = Float64Array.from(model.logLik);
    this.prior = Float64Array.from(model.logPrior);
    this.scores = new Float64Array(this.L);
  }

  /** The most probable strategy of one sentence. */
  classifySentence(sentence: string, turn: number): string {
    return this.classifyTokens(sentence.toLowerCase().match(TOKEN) ?? [], turn);
  }

  /**
   * The most probable strategy of one sentence given its tokens (`TOKEN` matches of the lowercased
   * sentence). Same features, in the same order, as `sentenceFeatures`, so the same sums to the bit;
   * bigrams are looked up through two maps instead of building a string each.
   */
  classifyTokens(words: readonly string[], turn: number): string {
    const s = this.scores;
    s.set(this.prior);
    this.add(this.unigram.get(turn <= 2 ? `@${turn}` : '@late'));
    let prev = '';
    for (let i = 0; i < words.length; i++) {
      const w = words[i] as string;
      const c = w.charCodeAt(0);
      const tok = c >= 48 && c <= 57 ? '<num>' : w;
      this.add(this.unigram.get(tok));
      if (i > 0) this.add(this.bigram.get(prev)?.get(tok));
      prev = tok;
    }
    if (words.length === 0) this.add(this.unigram.get('<empty>'));
    const L = this.L;
    let best = 0;
    for (let l = 1; l < L; l++) if ((s[l] as number) > (s[best] as number)) best = l;
    return this.labels[best] as string;
  }

  /** Adds a feature row's log-likelihoods to the scores (no-op for an unknown feature). */
  private add(row: number | undefined): void {
    if (row === undefined) return;
    const L = this.L;
    const s = this.scores;
    const lik = this.lik;
    const base = row * L;
    for (let l = 0; l < L; l++) s[l] = (s[l] as number) + (lik[base + l] as number);
  }

  /** Strategies of each sentence of an utterance, in order. */
  classifyUtterance(text: string, turn: number): string[] {
    return splitSentences(text).map((s) => this.classifySentence(s, turn));
  }
}

/** Macro-averaged F1 over the labels present in `gold`, plus per-label F1 and accuracy. */
export function macroF1(gold: string[], pred: string[]): { macroF1: number; accuracy: number; perLabel: Record<string, number> } {
  const labels = [...new Set(gold)].sort();
  const perLabel: Record<string, number> = {};
  let sum = 0;
  for (const l of labels) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let i = 0; i < gold.length; i++) {
      const g = gold[i] === l;
      const p = pred[i] === l;
      if (g && p) tp++;
      else if (p) fp++;
      else if (g) fn++;
    }
    const f1 = tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
    perLabel[l] = Math.round(f1 * 1000) / 1000;
    sum += f1;
  }
  let correct = 0;
  for (let i = 0; i < gold.length; i++) if (gold[i] === pred[i]) correct++;
  return { macroF1: labels.length ? sum / labels.length : 0, accuracy: gold.length ? correct / gold.length : 0, perLabel };
}
