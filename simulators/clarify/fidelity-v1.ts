/**
 * Fidelity of a ClariQ user (the v1 scripted user, or any `respond`-style user such as the LLM one)
 * against the crowd: for each (request, facet, question) of a ClariQ split with a crowd answer, a
 * fresh user holding that facet answers the question; its answer is compared with the crowd's.
 *
 * Figures (docs/envs/clarify-search.md):
 * - polarity agreement, two ways: (a) the *decision*, the turn's `polarity` field (the fitted model
 *   for yes/no questions, the form rules otherwise) against the crowd answer's polarity; (b) the same
 *   opening-word rule (`polarityOf`) applied to the simulated and the crowd answer text;
 * - the always-"no" baseline and the majority-form baseline (yes/no → no, other forms → other);
 * - content: token F1 with the crowd answer; the share of the facet's words beyond the request that
 *   the answer contains, simulated vs crowd (how much of the need is told); and, for open questions,
 *   the same share (what is told when asked what you want);
 * - a per-form breakdown.
 *
 * Honest by construction: dev rows are answered by a user grounded on train only, and a train row
 * never on its own answer (leave-one-out).
 */
import { Rng, deriveSeed } from '../../core/rng.js';
import { loadClariq } from '../../envs/clarify-common/clariq-data.js';
import { contentTerms, type Polarity, polarityOf, tokenF1 } from '../../envs/clarify-common/text.js';
import type { SearchTurnV1 } from '../../envs/clarify-common/types.js';
import { questionForm } from './clariq-model.js';
import { ClariqUserV1 } from './clariq-user-v1.js';

export interface ClariqItem {
  topicId: string;
  request: string;
  facetId: string;
  facet: string;
  otherFacets: { id: string; description: string }[];
  question: string;
  questionId?: string;
  human: string;
}

export type ClariqSet = 'dev' | 'train' | 'multiturn';

/** The rows of a set; 'multiturn' takes the first question of each human dialogue. */
export function clariqItems(set: ClariqSet, limit?: number): ClariqItem[] {
  const corpus = loadClariq();
  const items: ClariqItem[] = [];
  if (set === 'multiturn') {
    for (const d of corpus.dialogues) {
      const first = d.turns[0];
      if (first) {
        items.push({ topicId: d.topicId, request: d.request, facetId: d.facetId, facet: d.facet, otherFacets: [], question: first[0], human: first[1] });
      }
    }
  } else {
    for (const t of corpus.topics) {
      if (t.split !== set) continue;
      for (const f of t.facets) {
        const others = t.facets.filter((o) => o !== f).map((o) => ({ id: o.id, description: o.desc }));
        for (const [qid, a] of f.qa) {
          const q = corpus.questions[qid];
          if (q) items.push({ topicId: t.id, request: t.request, facetId: f.id, facet: f.desc, otherFacets: others, question: q, questionId: qid, human: a });
        }
      }
    }
  }
  return limit ? items.slice(0, limit) : items;
}

export interface FormFigures {
  n: number;
  decisionAgreement: number;
  ruleAgreement: number;
}

export interface ClariqFidelity {
  set: string;
  simulator: string;
  n: number;
  decisionAgreement: number;
  ruleAgreement: number;
  alwaysNo: number;
  majorityByForm: number;
  tokenF1: number;
  revealHuman: number;
  revealSimulated: number;
  openRevealHuman: number;
  openRevealSimulated: number;
  byForm: Record<string, FormFigures>;
  confusion: Record<string, number>;
  /** Crowd polarity shares, for reading the agreement. */
  humanShares: Record<Polarity, number>;
}

/** Answers an item as some simulator would: the turn it gives to the item's question. */
export type ItemAnswerer = (item: ClariqItem, index: number) => Promise<Pick<SearchTurnV1, 'utterance' | 'polarity'>>;

/** The v1 scripted user, grounded on train only and never on the item's own answer. */
export function scriptedAnswerer(seed = 0): ItemAnswerer {
  return async (it, i) => {
    const user = new ClariqUserV1(
      { request: it.request, facet: { id: it.facetId, description: it.facet } },
      { grounding: 'train', groundingThreshold: 0.9, excludeQuestionId: it.questionId },
    );
    const rng = Rng.fromSeed(deriveSeed(seed, `clariq-fidelity/${i}`));
    const state = user.initialState();
    user.open(state, rng);
    return user.answer(state, it.question, rng);
  };
}

function novelShare(request: string, facet: string, text: string): number | null {
  const req = new Set(contentTerms(request));
  const novel = [...new Set(contentTerms(facet))].filter((t) => !req.has(t));
  if (!novel.length) return null;
  const said = new Set(contentTerms(text));
  return novel.filter((t) => said.has(t)).length / novel.length;
}

export async function clariqFidelityV1(set: ClariqSet, answer: ItemAnswerer, simulator: string, limit?: number): Promise<ClariqFidelity> {
  const items = clariqItems(set, limit);
  let decision = 0;
  let rule = 0;
  let no = 0;
  let majority = 0;
  let f1 = 0;
  const reveal = { h: 0, s: 0, n: 0, oh: 0, os: 0, on: 0 };
  const byForm: Record<string, FormFigures> = {};
  const confusion: Record<string, number> = {};
  const shares: Record<Polarity, number> = { yes: 0, no: 0, other: 0 };
  for (let i = 0; i < items.length; i++) {
    const it = items[i] as ClariqItem;
    const turn = await answer(it, i);
    const h = polarityOf(it.human);
    const simRule = polarityOf(turn.utterance);
    const simDecision = turn.polarity === 'request' ? 'other' : turn.polarity;
    const form = questionForm(it.question);
    shares[h] += 1;
    if (simDecision === h) decision += 1;
    if (simRule === h) rule += 1;
    if (h === 'no') no += 1;
    if ((form === 'yesno' ? 'no' : 'other') === h) majority += 1;
    const key = `${h}->${simDecision}`;
    confusion[key] = (confusion[key] ?? 0) + 1;
    let bf = byForm[form];
    if (!bf) {
      bf = { n: 0, decisionAgreement: 0, ruleAgreement: 0 };
      byForm[form] = bf;
    }
    bf.n += 1;
    if (simDecision === h) bf.decisionAgreement += 1;
    if (simRule === h) bf.ruleAgreement += 1;
    f1 += tokenF1(turn.utterance, it.human);
    const rh = novelShare(it.request, it.facet, it.human);
    const rs = novelShare(it.request, it.facet, turn.utterance);
    if (rh !== null && rs !== null) {
      reveal.h += rh;
      reveal.s += rs;
      reveal.n += 1;
      if (form === 'open') {
        reveal.oh += rh;
        reveal.os += rs;
        reveal.on += 1;
      }
    }
  }
  const n = items.length || 1;
  for (const f of Object.values(byForm)) {
    f.decisionAgreement /= f.n;
    f.ruleAgreement /= f.n;
  }
  for (const k of Object.keys(shares) as Polarity[]) shares[k] /= n;
  return {
    set,
    simulator,
    n: items.length,
    decisionAgreement: decision / n,
    ruleAgreement: rule / n,
    alwaysNo: no / n,
    majorityByForm: majority / n,
    tokenF1: f1 / n,
    revealHuman: reveal.n ? reveal.h / reveal.n : 0,
    revealSimulated: reveal.n ? reveal.s / reveal.n : 0,
    openRevealHuman: reveal.on ? reveal.oh / reveal.on : 0,
    openRevealSimulated: reveal.on ? reveal.os / reveal.on : 0,
    byForm,
    confusion,
    humanShares: shares,
  };
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

/** The figures as the plain-text table `dialogym calibrate clariq` prints. */
export function formatClariqFidelity(rows: ClariqFidelity[]): string {
  const out: string[] = [];
  out.push(
    `${'set'.padEnd(10)} ${'simulator'.padEnd(10)} ${'n'.padStart(5)}  ${'decision'.padStart(9)} ${'rule'.padStart(8)} ${'always-no'.padStart(9)} ${'by-form'.padStart(8)}  ${'token-F1'.padStart(8)}  reveal crowd/sim (open questions)`,
  );
  for (const r of rows) {
    out.push(
      `${r.set.padEnd(10)} ${r.simulator.padEnd(10)} ${String(r.n).padStart(5)}  ${pct(r.decisionAgreement).padStart(9)} ${pct(r.ruleAgreement).padStart(8)} ${pct(r.alwaysNo).padStart(9)} ${pct(r.majorityByForm).padStart(8)}  ${r.tokenF1.toFixed(3).padStart(8)}  ${r.revealHuman.toFixed(2)}/${r.revealSimulated.toFixed(2)} (${r.openRevealHuman.toFixed(2)}/${r.openRevealSimulated.toFixed(2)})`,
    );
  }
  for (const r of rows) {
    const forms = Object.entries(r.byForm)
      .sort((a, b) => b[1].n - a[1].n)
      .map(([f, v]) => `${f} n=${v.n} ${pct(v.decisionAgreement)}/${pct(v.ruleAgreement)}`)
      .join('; ');
    out.push(`  ${r.set} ${r.simulator} by question form (decision/rule): ${forms}`);
    out.push(
      `  ${r.set} crowd polarity shares: yes ${pct(r.humanShares.yes)}, no ${pct(r.humanShares.no)}, other ${pct(r.humanShares.other)}`,
    );
  }
  return out.join('\n');
}
