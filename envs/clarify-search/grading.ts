/**
 * Grading of ClarifySearch-v0's final statement: BM25 over the topic's facet descriptions.
 *
 * The statement is the query; the topic's facets (the hidden one and its alternatives) are the
 * documents; idf and average length come from all ClariQ facet descriptions. The statement is
 * correct iff the hidden facet scores strictly higher than every other facet and above zero, so
 * ties and statements sharing no content word with any facet are wrong.
 *
 * Why BM25 rather than TF-IDF cosine: term-frequency saturation means repeating a word gains
 * little, and length normalisation keeps a long facet from winning by sheer size; idf from the
 * whole facet collection weights the words that tell facets apart ("pictures", "remedies") over
 * words every facet of a topic shares. It is deterministic and needs no model.
 */
import { facetBm25 } from '../clarify-common/clariq-data.js';
import { contentTerms, type PreparedDoc } from '../clarify-common/text.js';
import type { FacetRef, SearchScenario } from '../clarify-common/types.js';

export interface FacetScore {
  id: string;
  score: number;
}

export interface SearchGrade {
  correct: boolean;
  /** 1-based rank of the hidden facet (ties resolved against it). */
  rank: number;
  scores: FacetScore[];
}

const docCache = new Map<string, PreparedDoc>();

/** Facet descriptions prepared for BM25 once (bounded cache: descriptions of given scenarios are few). */
function facetDoc(f: FacetRef): PreparedDoc {
  let d = docCache.get(f.description);
  if (!d) {
    d = facetBm25().prepare(contentTerms(f.description));
    if (docCache.size < 100_000) docCache.set(f.description, d);
  }
  return d;
}

export function gradeStatement(statement: string, scenario: Pick<SearchScenario, 'facet' | 'otherFacets'>): SearchGrade {
  const bm25 = facetBm25();
  const q = contentTerms(statement);
  const target = bm25.scorePrepared(q, facetDoc(scenario.facet));
  const scores: FacetScore[] = [{ id: scenario.facet.id, score: round(target) }];
  let rank = 1;
  for (const f of scenario.otherFacets) {
    const s = bm25.scorePrepared(q, facetDoc(f));
    scores.push({ id: f.id, score: round(s) });
    if (s >= target) rank += 1;
  }
  return { correct: rank === 1 && target > 0, rank, scores };
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
