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
import { contentTerms } from '../clarify-common/text.js';
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

const termCache = new Map<string, string[]>();

function facetTerms(f: FacetRef): string[] {
  let t = termCache.get(f.description);
  if (!t) {
    t = contentTerms(f.description);
    if (termCache.size < 100_000) termCache.set(f.description, t);
  }
  return t;
}

export function gradeStatement(statement: string, scenario: Pick<SearchScenario, 'facet' | 'otherFacets'>): SearchGrade {
  const bm25 = facetBm25();
  const q = contentTerms(statement);
  const target = bm25.score(q, facetTerms(scenario.facet));
  const scores: FacetScore[] = [{ id: scenario.facet.id, score: round(target) }];
  let rank = 1;
  for (const f of scenario.otherFacets) {
    const s = bm25.score(q, facetTerms(f));
    scores.push({ id: f.id, score: round(s) });
    if (s >= target) rank += 1;
  }
  return { correct: rank === 1 && target > 0, rank, scores };
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
