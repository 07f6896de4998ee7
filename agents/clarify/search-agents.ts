/**
 * Agents for ClarifySearch-v0. Both read only the observation (the request, their own questions,
 * the user's answers) and public data: ClariQ's question bank. Neither sees the topic's facets.
 *
 * - `expert`: retrieves the bank questions most relevant to the request (BM25) as hypotheses
 *   about what the user might want, and asks the best one that differs most from what was already
 *   asked and was not rejected (maximal marginal relevance): with the facets hidden, diverse
 *   hypotheses are how it splits the remaining possibilities. It stops when an answer carries
 *   content of its own (the user said what they want) or after `maxQuestions`, and answers with
 *   the request plus the words of the accepted hypotheses and of the user's answers, minus the
 *   words of rejected ones.
 * - `random`: asks a uniformly drawn bank question or answers with the request, each with
 *   probability one half.
 */
import { Rng } from '../../core/rng.js';
import type { Observation, TranscriptEntry } from '../../core/types.js';
import { loadClariq } from '../../envs/clarify-common/clariq-data.js';
import {
  Bm25Stats,
  contentTerms,
  isStopword,
  type PreparedDoc,
  polarityOf,
  stem,
  tokenize,
  vectorCosine,
  type WeightedVector,
  weightedVector,
} from '../../envs/clarify-common/text.js';
import type { Agent, AgentEpisodeContext } from '../types.js';

interface BankQuestion {
  id: string;
  text: string;
  terms: string[];
  doc: PreparedDoc;
  vector: WeightedVector;
}

interface Bank {
  questions: BankQuestion[];
  stats: Bm25Stats;
}

let bank: Bank | undefined;

/** The question bank with its BM25 statistics, built once and only read afterwards. */
export function questionBank(): Bank {
  if (!bank) {
    const raw = Object.entries(loadClariq().questions).map(([id, text]) => ({ id, text, terms: contentTerms(text) }));
    const stats = new Bm25Stats(raw.map((q) => q.terms));
    const idf = (t: string) => stats.idf(t);
    const questions = raw.map((q) => ({ ...q, doc: stats.prepare(q.terms), vector: weightedVector(q.terms, idf) }));
    bank = { questions, stats };
  }
  return bank;
}

/** (question, answer) pairs from the transcript: an agent line followed by a user line. */
export function questionAnswerPairs(transcript: readonly TranscriptEntry[]): { question: string; answer: string }[] {
  const out: { question: string; answer: string }[] = [];
  for (let i = 0; i + 1 < transcript.length; i++) {
    const a = transcript[i] as TranscriptEntry;
    const b = transcript[i + 1] as TranscriptEntry;
    if (a.role === 'agent' && b.role === 'user' && !a.text.startsWith('ANSWER ')) out.push({ question: a.text, answer: b.text });
  }
  return out;
}

function maxQuestionsOf(instructions: string): number {
  const m = /at most (\d+) questions/.exec(instructions);
  return m ? Number(m[1]) : 5;
}

export class ClariqSearchExpert implements Agent {
  readonly id = 'expert';
  readonly config: { maxQuestions: number; candidates: number; diversity: number };

  constructor(opts: { maxQuestions?: number; candidates?: number; diversity?: number } = {}) {
    this.config = { maxQuestions: opts.maxQuestions ?? 3, candidates: opts.candidates ?? 40, diversity: opts.diversity ?? 0.8 };
  }

  act(obs: Observation): string {
    const request = obs.transcript.find((t) => t.role === 'user')?.text ?? '';
    const pairs = questionAnswerPairs(obs.transcript);
    const requestTerms = new Set(contentTerms(request));
    const cap = Math.min(this.config.maxQuestions, maxQuestionsOf(obs.instructions));
    const last = pairs[pairs.length - 1];
    const informative = last !== undefined && this.isInformative(last, requestTerms);
    if (pairs.length >= cap || informative) return `ANSWER ${this.statement(request, pairs, requestTerms)}`;
    const q = this.nextQuestion(pairs, requestTerms);
    return q ? `ASK ${q}` : `ANSWER ${this.statement(request, pairs, requestTerms)}`;
  }

  /** An answer is informative when it accepts the hypothesis or names something beyond request and question. */
  private isInformative(p: { question: string; answer: string }, requestTerms: Set<string>): boolean {
    const pol = polarityOf(p.answer);
    const qTerms = new Set(contentTerms(p.question));
    const own = contentTerms(p.answer).filter((t) => !requestTerms.has(t) && !qTerms.has(t));
    return pol === 'yes' || new Set(own).size >= 2;
  }

  private nextQuestion(pairs: { question: string; answer: string }[], requestTerms: Set<string>): string | null {
    const { questions, stats } = questionBank();
    const rq = [...requestTerms];
    const scored: { q: BankQuestion; rel: number }[] = [];
    for (const q of questions) {
      const rel = stats.scorePrepared(rq, q.doc);
      if (rel > 0) scored.push({ q, rel });
    }
    scored.sort((a, b) => b.rel - a.rel || a.q.id.localeCompare(b.q.id));
    const top = scored.slice(0, this.config.candidates);
    const best = top[0]?.rel ?? 0;
    if (!best) return null;
    const askedVectors = pairs.map((p) => weightedVector(contentTerms(p.question), (t) => stats.idf(t)));
    const asked = new Set(pairs.map((p) => p.question.trim().toLowerCase()));
    const rejected = new Set<string>();
    for (const p of pairs) {
      if (polarityOf(p.answer) !== 'no') continue;
      const said = new Set(contentTerms(p.answer));
      for (const t of contentTerms(p.question)) if (!requestTerms.has(t) && !said.has(t)) rejected.add(t);
    }
    let choice: BankQuestion | undefined;
    let choiceScore = Number.NEGATIVE_INFINITY;
    for (const { q, rel } of top) {
      if (asked.has(q.text.trim().toLowerCase())) continue;
      const novel = q.terms.filter((t) => !requestTerms.has(t));
      if (novel.length === 0) continue;
      if (novel.some((t) => rejected.has(t))) continue;
      let redundancy = 0;
      for (const a of askedVectors) redundancy = Math.max(redundancy, vectorCosine(q.vector, a));
      const s = rel / best - this.config.diversity * redundancy;
      if (s > choiceScore) {
        choiceScore = s;
        choice = q;
      }
    }
    return choice?.text ?? null;
  }

  private statement(request: string, pairs: { question: string; answer: string }[], requestTerms: Set<string>): string {
    const keep: string[] = [];
    const seen = new Set<string>();
    const add = (text: string, drop: Set<string>) => {
      for (const w of tokenize(text)) {
        if (isStopword(w)) continue;
        const s = stem(w);
        if (drop.has(s) || seen.has(s)) continue;
        seen.add(s);
        keep.push(w);
      }
    };
    for (const p of pairs) {
      const pol = polarityOf(p.answer);
      const said = new Set(contentTerms(p.answer));
      const rejected = new Set(pol === 'no' ? contentTerms(p.question).filter((t) => !requestTerms.has(t) && !said.has(t)) : []);
      add(p.answer, rejected);
      if (pol === 'yes') add(p.question, rejected);
    }
    add(request, new Set());
    const text = keep.join(' ');
    return (text || request).slice(0, 300).trim();
  }
}

export class ClariqSearchRandom implements Agent {
  readonly id = 'random';
  private rng = Rng.fromSeed(0);

  /** `maxChars`: the env's statement cap (v0 300, v1 200); the request is cut to it. */
  constructor(private readonly maxChars = 300) {}

  reset(ctx: AgentEpisodeContext): void {
    this.rng = Rng.fromSeed(ctx.seed);
  }

  act(obs: Observation): string {
    const request = obs.transcript.find((t) => t.role === 'user')?.text ?? 'information';
    const asked = questionAnswerPairs(obs.transcript).length;
    if (asked >= maxQuestionsOf(obs.instructions) || this.rng.bool(0.5)) return `ANSWER ${request.slice(0, this.maxChars)}`;
    return `ASK ${this.rng.pick(questionBank().questions).text}`;
  }
}

/** The no-question baseline: answers at once with the user's own request. */
export class ClariqSearchNoQuestion implements Agent {
  readonly id = 'no-question';

  act(obs: Observation): string {
    const request = obs.transcript.find((t) => t.role === 'user')?.text ?? 'information';
    return `ANSWER ${request.slice(0, 300)}`;
  }
}
