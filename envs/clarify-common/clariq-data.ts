/**
 * The ClariQ corpus as shipped in `data/clariq/clariq.json` (built by `scripts/build-clariq-data.ts`
 * from the published TSV files), and the read-only indexes built from it once per process:
 * the BM25 statistics of all facet descriptions (for grading) and, per facet, the questions crowd
 * workers were asked with their answers (for the grounded simulator).
 */
import { loadDataJson } from '../../core/data.js';
import { Bm25Stats, contentTerms } from './text.js';

export interface ClariqFacet {
  id: string;
  desc: string;
  /** [question id, crowd answer] pairs; empty answers are dropped at build time. */
  qa: [string, string][];
}

export interface ClariqTopic {
  id: string;
  split: 'train' | 'dev';
  request: string;
  /** Clarification need annotated by ClariQ: 1 (none) to 4 (necessary). */
  need: number;
  facets: ClariqFacet[];
}

export interface ClariqDialogue {
  topicId: string;
  facetId: string;
  facet: string;
  request: string;
  /** Three [question, answer] pairs. */
  turns: [string, string][];
}

export interface ClariqCorpus {
  attribution: string;
  topics: ClariqTopic[];
  /** Question bank: question id → text. */
  questions: Record<string, string>;
  dialogues: ClariqDialogue[];
}

export function loadClariq(): ClariqCorpus {
  return loadDataJson<ClariqCorpus>('clariq', 'clariq.json');
}

let facetStats: Bm25Stats | undefined;

/**
 * BM25 statistics over every facet description of the corpus (train and dev). Collection-level
 * idf is what makes ranking the two to six facets of one topic meaningful: within a topic the
 * shared words ("obama", "family") would otherwise get zero weight or all the weight.
 */
export function facetBm25(): Bm25Stats {
  if (!facetStats) {
    const docs: string[][] = [];
    for (const t of loadClariq().topics) for (const f of t.facets) docs.push(contentTerms(f.desc));
    facetStats = new Bm25Stats(docs);
  }
  return facetStats;
}
