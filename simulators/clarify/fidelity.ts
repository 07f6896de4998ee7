/**
 * Fidelity of the scripted ClariQ user against real crowd answers: for each (request, facet,
 * question) with a human answer, simulate an answer and compare its polarity (yes / no / other,
 * one rule for both sides: `polarityOf`) and its token F1 with the human answer.
 *
 * Honest by construction: the evaluated rows are never in the grounding set ('dev' and the
 * multi-turn dialogues are answered with train-only grounding; 'train-loo' grounds each train row
 * on the other questions of its facet, never on its own).
 */
import { Rng } from '../../core/rng.js';
import { loadClariq } from '../../envs/clarify-common/clariq-data.js';
import { contentTerms, type Polarity, polarityOf, tokenF1 } from '../../envs/clarify-common/text.js';
import { answerClariq, clariqAnswerIndex, DEFAULT_ANSWER_OPTIONS, type ClariqAnswerOptions } from './clariq-user.js';

export interface FidelityFigures {
  set: string;
  n: number;
  polarityAgreement: number;
  tokenF1: number;
  /** Share of simulated answers taken from the corpus (grounded path). */
  groundedShare: number;
  /** Mean share of the facet's words beyond the request that the answers contain: human vs simulated. */
  revealHuman: number;
  revealSimulated: number;
  /** Agreement of always answering the human majority polarity of the set, for reference. */
  majorityBaseline: number;
  confusion: Record<string, number>;
}

interface Item {
  request: string;
  facetId: string;
  facet: string;
  question: string;
  questionId?: string;
  human: string;
}

function score(set: string, items: Item[], grounding: 'train' | 'all', opts: ClariqAnswerOptions, seed: number): FidelityFigures {
  const index = clariqAnswerIndex(grounding);
  const rng = Rng.fromSeed(seed);
  let agree = 0;
  let f1 = 0;
  let grounded = 0;
  let revealH = 0;
  let revealS = 0;
  let revealN = 0;
  const confusion: Record<string, number> = {};
  const humanCounts: Record<Polarity, number> = { yes: 0, no: 0, other: 0 };
  for (const it of items) {
    const turn = answerClariq(
      it.question,
      { request: it.request, facet: { id: it.facetId, description: it.facet } },
      index,
      rng,
      { ...opts, excludeQuestionId: set === 'train-loo' ? it.questionId : undefined },
    );
    const h = polarityOf(it.human);
    const s = polarityOf(turn.utterance);
    humanCounts[h] += 1;
    if (h === s) agree += 1;
    const key = `${h}->${s}`;
    confusion[key] = (confusion[key] ?? 0) + 1;
    f1 += tokenF1(turn.utterance, it.human);
    if (turn.source === 'corpus') grounded += 1;
    const req = new Set(contentTerms(it.request));
    const novel = [...new Set(contentTerms(it.facet))].filter((t) => !req.has(t));
    if (novel.length) {
      const h = new Set(contentTerms(it.human));
      const s = new Set(contentTerms(turn.utterance));
      revealH += novel.filter((t) => h.has(t)).length / novel.length;
      revealS += novel.filter((t) => s.has(t)).length / novel.length;
      revealN += 1;
    }
  }
  const n = items.length || 1;
  return {
    set,
    n: items.length,
    polarityAgreement: agree / n,
    tokenF1: f1 / n,
    groundedShare: grounded / n,
    revealHuman: revealN ? revealH / revealN : 0,
    revealSimulated: revealN ? revealS / revealN : 0,
    majorityBaseline: Math.max(humanCounts.yes, humanCounts.no, humanCounts.other) / n,
    confusion,
  };
}

/** Fidelity on one evaluation set: 'dev' (train grounding), 'multiturn' (train grounding), 'train-loo'. */
export function clariqFidelity(
  set: 'dev' | 'multiturn' | 'train-loo',
  opts: ClariqAnswerOptions = DEFAULT_ANSWER_OPTIONS,
  seed = 0,
): FidelityFigures {
  const corpus = loadClariq();
  const items: Item[] = [];
  if (set === 'multiturn') {
    for (const d of corpus.dialogues) {
      for (const [q, a] of d.turns) items.push({ request: d.request, facetId: d.facetId, facet: d.facet, question: q, human: a });
    }
  } else {
    const split = set === 'dev' ? 'dev' : 'train';
    for (const t of corpus.topics) {
      if (t.split !== split) continue;
      for (const f of t.facets) {
        for (const [qid, a] of f.qa) {
          const q = corpus.questions[qid];
          if (q) items.push({ request: t.request, facetId: f.id, facet: f.desc, question: q, questionId: qid, human: a });
        }
      }
    }
  }
  return score(set, items, 'train', opts, seed);
}
