/**
 * Grading of ClarifySearch-v1's final statement: what a fair grader of "state what the user wants" is.
 *
 * The statement is ranked against the topic's facets by BM25 (as in v0: the statement is the query,
 * the facet descriptions the documents, idf and average length from every ClariQ facet). It is
 * correct when the hidden facet comes first **by a margin**: its score must exceed the runner-up's by
 * `MARGIN` (20 %) and be above zero. Why:
 *
 * - A statement names one need. One that hedges across several ("pictures or history or recipes")
 *   scores about equally on several facets; with the margin a hedge is wrong, as a person would judge
 *   an answer that lists every possibility. v0 counted the narrowest of leads as correct.
 * - Stuffing the grader's vocabulary (every frequent facet word) raises every facet's score at once:
 *   its lead is chance, and rarely 20 %.
 * - Pasting the user's replies is fair: the user says only its own need, only when asked a question,
 *   and never more when the question is repeated, so a paste is worth exactly what the questions got.
 * - A statement must be *faithful*: at least `SUPPORT` (60 %) of its content words (idf-weighted) must
 *   be supported by what the user said in the episode (request and replies) or by the hidden need
 *   itself, lexically or through word vectors (cosine ≥ `SUPPORT_SIMILARITY`). Stuffing a true reply
 *   with the grader's vocabulary, or with every hypothesis of the question bank, makes a statement
 *   mostly about things nobody said: wrong, however BM25 ranks it. A paraphrase in other words
 *   ("remedies" for "treatments") is supported through the vectors.
 * - Statements are capped at `MAX_STATEMENT_CHARS_V1` (200 characters: two sentences), so that a
 *   statement cannot be every reply plus every hypothesis.
 *
 * Each facet's own description, used as the statement, still wins with the margin for every shipped
 * scenario except near-duplicate facets (tested; the count is in the docs).
 */
import { facetBm25 } from '../clarify-common/clariq-data.js';
import { contentTerms, type PreparedDoc } from '../clarify-common/text.js';
import { type Term, termsOf } from '../../simulators/clarify/clariq-model.js';
import { type WordVectors, wordVectors } from '../clarify-common/vectors.js';
import type { FacetRef, SearchScenario } from '../clarify-common/types.js';
import type { SearchGrade } from './grading.js';

export const MARGIN = 0.2;
export const SUPPORT = 0.6;
export const SUPPORT_SIMILARITY = 0.7;
export const MAX_STATEMENT_CHARS_V1 = 200;

const docCache = new Map<string, PreparedDoc>();

function facetDoc(f: FacetRef): PreparedDoc {
  let d = docCache.get(f.description);
  if (!d) {
    d = facetBm25().prepare(contentTerms(f.description));
    if (docCache.size < 100_000) docCache.set(f.description, d);
  }
  return d;
}

export interface SearchGradeV1 extends SearchGrade {
  /** Hidden facet's score over the best other facet's (Infinity when no other facet scores). */
  lead: number;
  /** Share of the statement's content (idf-weighted) supported by the user's words or the hidden need. */
  support: number;
}

const facetTermCache = new Map<string, { terms: Term[]; stems: Set<string> }>();

/** A facet description's content terms (`termsOf`), once per description. */
function facetTerms(facet: string, vectors: WordVectors): { terms: Term[]; stems: Set<string> } {
  let e = facetTermCache.get(facet);
  if (!e) {
    const terms = termsOf(facet, new Set(), vectors);
    e = { terms, stems: new Set(terms.map((t) => t.stem)) };
    if (facetTermCache.size < 100_000) facetTermCache.set(facet, e);
  }
  return e;
}

/**
 * idf-weighted share of `statement`'s content words close to a word the user said or of the facet.
 *
 * A statement word is supported when some word of the pool (`termsOf` of the facet followed by the
 * user's words: one term per stem, first occurrence kept) has its stem or a vector cosine ≥
 * `SUPPORT_SIMILARITY`. The pool is the facet's terms (cached per facet) followed by the user words'
 * terms whose stem the facet lacks, which is the same list; the stem test runs on a set before any
 * cosine, which changes no outcome (either test supports the word).
 */
export function statementSupport(statement: string, facet: string, userWords: readonly string[]): number {
  const vectors = wordVectors();
  const terms = termsOf(statement, new Set(), vectors);
  if (terms.length === 0) return 0;
  const ft = facetTerms(facet, vectors);
  const userTerms = termsOf(userWords.join(' '), ft.stems, vectors);
  const poolStems = new Set(ft.stems);
  for (const p of userTerms) poolStems.add(p.stem);
  // Vector offsets of the pool (words without a vector never reach the threshold: cosine 0).
  const poolVecs: number[] = [];
  for (const p of ft.terms) if (p.vec >= 0) poolVecs.push(p.vec);
  for (const p of userTerms) if (p.vec >= 0) poolVecs.push(p.vec);
  let total = 0;
  let supported = 0;
  for (const t of terms) {
    total += t.idf;
    if (poolStems.has(t.stem)) {
      supported += t.idf;
      continue;
    }
    if (t.vec < 0) continue;
    for (const v of poolVecs) {
      if (vectors.cosineAt(t.vec, v) >= SUPPORT_SIMILARITY) {
        supported += t.idf;
        break;
      }
    }
  }
  return total ? supported / total : 0;
}

/** `userWords`: what the user said in the episode (its request and replies). */
export function gradeStatementV1(
  statement: string,
  scenario: Pick<SearchScenario, 'facet' | 'otherFacets'>,
  userWords: readonly string[] = [],
): SearchGradeV1 {
  const bm25 = facetBm25();
  const q = contentTerms(statement);
  const target = bm25.scorePrepared(q, facetDoc(scenario.facet));
  const scores = [{ id: scenario.facet.id, score: round(target) }];
  let rank = 1;
  let best = 0;
  for (const f of scenario.otherFacets) {
    const s = bm25.scorePrepared(q, facetDoc(f));
    scores.push({ id: f.id, score: round(s) });
    if (s >= target) rank += 1;
    if (s > best) best = s;
  }
  const lead = best > 0 ? target / best : target > 0 ? Number.POSITIVE_INFINITY : 0;
  const support = statementSupport(statement, scenario.facet.description, userWords);
  return {
    correct: rank === 1 && target > 0 && lead >= 1 + MARGIN && support >= SUPPORT,
    rank,
    scores,
    // JSON has no Infinity: a lead over facets that all score 0 is recorded as 1e9.
    lead: Number.isFinite(lead) ? round(lead) : 1e9,
    support: round(support),
  };
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
