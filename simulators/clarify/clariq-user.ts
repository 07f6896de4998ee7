/**
 * The scripted ClariQ user: holds one facet of a search topic in mind and answers clarifying
 * questions as ClariQ's crowd workers did.
 *
 * 1. Grounded: when the question is a near-paraphrase (idf-weighted cosine ≥ `groundingThreshold`, 0.9) to one a
 *    crowd worker answered for this very facet, it answers with that worker's words.
 * 2. Generated: otherwise (always, for topics it has never seen) it decides the polarity from the
 *    question against the facet text alone, and replies in the corpus's style: lower case, no
 *    punctuation, "no i just want …", "yes i am looking for …", "i want to know …".
 *
 * The polarity rule (generated path): an open question (what/which/how …) or an either-or
 * question gets a direct statement of the facet. A yes/no question is reduced to the content terms
 * it adds beyond the initial request; it gets "yes" when enough of them (≥ `yesCoverage`) belong
 * to the facet, otherwise "no" plus the facet. Both thresholds were chosen on ClariQ train only.
 */
import type { Rng } from '../../core/rng.js';
import type { SimulatorConfig } from '../../core/types.js';
import { type ClariqTopic, loadClariq } from '../../envs/clarify-common/clariq-data.js';
import {
  Bm25Stats,
  contentTerms,
  isStopword,
  isYesNoQuestion,
  polarityOf,
  stem,
  tokenize,
  vectorCosine,
  type WeightedVector,
  weightedVector,
} from '../../envs/clarify-common/text.js';
import {
  type SearchScenario,
  type SearchTurn,
  type SearchUserInput,
  searchTurnSchema,
} from '../../envs/clarify-common/types.js';
import type { SimulatorContext, UserSimulator } from '../types.js';

export interface GroundedAnswer {
  questionId: string;
  /** The asked question as an idf-weighted vector (question-bank idf). */
  vector: WeightedVector;
  answer: string;
}

/** Which corpus answers the scripted user may ground on: everything shipped, train topics only, or none. */
export type Grounding = 'all' | 'train' | 'none';

/**
 * Read-only lookup from a facet (by id, and by its exact description for scenarios that were
 * re-keyed) to the crowd answers recorded for it, plus idf statistics of the question bank.
 */
export class ClariqAnswerIndex {
  private readonly byId = new Map<string, { desc: string; answers: GroundedAnswer[] }>();
  private readonly byDesc = new Map<string, GroundedAnswer[]>();
  readonly questionStats: Bm25Stats;

  constructor(topics: readonly ClariqTopic[], questions: Record<string, string>) {
    this.questionStats = new Bm25Stats(Object.values(questions).map((q) => contentTerms(q)));
    for (const t of topics) {
      for (const f of t.facets) {
        const list: GroundedAnswer[] = [];
        for (const [qid, answer] of f.qa) {
          const q = questions[qid];
          if (q) list.push({ questionId: qid, vector: this.vector(q), answer });
        }
        this.byId.set(f.id, { desc: normalizeDesc(f.desc), answers: list });
        this.byDesc.set(normalizeDesc(f.desc), list);
      }
    }
  }

  vector(text: string): WeightedVector {
    return weightedVector(contentTerms(text), (t) => this.questionStats.idf(t));
  }

  /** Crowd answers for a facet; an id is trusted only when its description matches (held-out ids may collide). */
  answersFor(facetId: string, facetDesc: string): GroundedAnswer[] {
    const desc = normalizeDesc(facetDesc);
    const byId = this.byId.get(facetId);
    if (byId && byId.desc === desc) return byId.answers;
    return this.byDesc.get(desc) ?? [];
  }
}

function normalizeDesc(desc: string): string {
  return tokenize(desc).join(' ');
}

const indexes = new Map<Grounding, ClariqAnswerIndex>();

/** The shared read-only index for a grounding set, built on first use. */
export function clariqAnswerIndex(grounding: Grounding): ClariqAnswerIndex {
  let idx = indexes.get(grounding);
  if (!idx) {
    const corpus = loadClariq();
    const topics = grounding === 'none' ? [] : corpus.topics.filter((t) => grounding === 'all' || t.split === 'train');
    idx = new ClariqAnswerIndex(topics, corpus.questions);
    indexes.set(grounding, idx);
  }
  return idx;
}

export interface ClariqAnswerOptions {
  groundingThreshold: number;
  yesCoverage: number;
  /** Leave-one-out evaluation: never ground on this question id. */
  excludeQuestionId?: string;
}

/**
 * How much of the facet generated replies reveal, by polarity: shares of bare replies ("no"),
 * partial ones and full restatements. Set from ClariQ train answers, where the share of the facet's
 * words beyond the request that an answer contains is 0 for 46 % / 27 % / 38 % of yes / no / other
 * answers and complete for 15 % / 28 % / 20 %.
 */
export const REVEAL_MIX: Record<'yes' | 'no' | 'other', { bare: number; partial: number; full: number }> = {
  yes: { bare: 0.46, partial: 0.39, full: 0.15 },
  no: { bare: 0.27, partial: 0.45, full: 0.28 },
  other: { bare: 0.38, partial: 0.42, full: 0.2 },
};

export const DEFAULT_ANSWER_OPTIONS: ClariqAnswerOptions = { groundingThreshold: 0.9, yesCoverage: 0.5 };

/**
 * The facet restated as the object of "i want …": "Find pictures of X." → "to see pictures of x",
 * "What are the causes of X?" → "to know what are the causes of x".
 */
export function facetPhrase(facet: string): string {
  let t = tokenize(facet).join(' ');
  t = t.replace(/^(i am|im) (looking for|interested in) /, '');
  t = t.replace(/^(i want to|i would like to|i need to) /, '');
  t = t.replace(/^(please )?(find|locate|search for|look for|get|show me|give me) (me )?(some )?(information|info|details) (on|about|regarding|for) /, 'information about ');
  t = t.replace(/^(please )?(find|locate|search for|look for|show me|give me) (me )?/, '');
  if (/^(what|how|where|when|who|why|which|is|are|can|does|do|did|was|were)\b/.test(t)) return `to know ${t}`;
  if (/^(pictures|photos|images|videos|maps?)\b/.test(t)) return `to see ${t}`;
  return t;
}

/** Yes/no/other decision of the generated path, from the question's terms beyond the request. */
function polarityFor(question: string, requestTerms: Set<string>, facetTerms: Set<string>, opts: ClariqAnswerOptions): 'yes' | 'no' | 'other' {
  if (!isYesNoQuestion(question) || tokenize(question).includes('or')) return 'other';
  const novel = [...new Set(contentTerms(question))].filter((t) => !requestTerms.has(t));
  // A question that only restates the request gets "no" more often than "yes" in ClariQ train (113 vs 93).
  if (novel.length === 0) return 'no';
  const covered = novel.filter((t) => facetTerms.has(t)).length;
  return covered / novel.length >= opts.yesCoverage ? 'yes' : 'no';
}

/** Exported for tests: the polarity the generated path gives `question` for `facet` of `request`. */
export function decidePolarity(
  question: string,
  request: string,
  facet: string,
  opts: ClariqAnswerOptions = DEFAULT_ANSWER_OPTIONS,
): 'yes' | 'no' | 'other' {
  return polarityFor(question, new Set(contentTerms(request)), new Set(contentTerms(facet)), opts);
}

/**
 * Everything about one (request, facet) the user needs per question, computed once per episode:
 * the grounded answers of the facet, the request's and facet's terms, and the facet restated.
 */
export class FacetProfile {
  private readonly grounded: GroundedAnswer[];
  private readonly requestTerms: Set<string>;
  private readonly facetTermList: string[];
  private readonly facetTerms: Set<string>;
  private readonly phrase: string;
  /** The facet's words (as written) that the request does not already contain, one per stem. */
  private readonly novelWords: string[];

  constructor(
    scenario: Pick<SearchScenario, 'request' | 'facet'>,
    private readonly index: ClariqAnswerIndex,
  ) {
    this.grounded = index.answersFor(scenario.facet.id, scenario.facet.description);
    this.requestTerms = new Set(contentTerms(scenario.request));
    this.facetTermList = [...new Set(contentTerms(scenario.facet.description))];
    this.facetTerms = new Set(this.facetTermList);
    this.phrase = facetPhrase(scenario.facet.description);
    const seen = new Set<string>();
    this.novelWords = [];
    for (const w of tokenize(scenario.facet.description)) {
      if (isStopword(w)) continue;
      const t = stem(w);
      if (this.requestTerms.has(t) || seen.has(t)) continue;
      seen.add(t);
      this.novelWords.push(w);
    }
  }

  /**
   * A reply in the corpus's style that reveals as much of the facet as crowd workers did: a bare
   * reply, a partial one (half of the facet's words beyond the request) or the whole facet, drawn
   * with the shares measured on ClariQ train (see REVEAL_MIX): bare where the workers revealed none
   * of it, whole where they revealed all of it, partial otherwise.
   */
  private generate(polarity: 'yes' | 'no' | 'other', rng: Rng): string {
    const mix = REVEAL_MIX[polarity];
    const kind = rng.weightedIndex([mix.bare, mix.partial, mix.full]);
    const full = this.phrase;
    let focus = full;
    if (kind === 1 && this.novelWords.length > 0) {
      const k = Math.ceil(this.novelWords.length / 2);
      const keep = new Set(rng.shuffle(this.novelWords.map((_, i) => i)).slice(0, k));
      focus = this.novelWords.filter((_, i) => keep.has(i)).join(' ');
    }
    if (polarity === 'yes') {
      if (kind === 0) return rng.pick(['yes', 'yes please', 'yes i am']);
      if (kind === 1) return rng.pick([`yes specifically ${focus}`, `yes i want ${focus}`]);
      const looking = /^to /.test(full) ? `yes i want ${full}` : `yes i am looking for ${full}`;
      return rng.pick([`yes i want ${full}`, looking]);
    }
    if (polarity === 'no') {
      if (kind === 0) return rng.pick(['no', 'no thanks', 'no not really']);
      if (kind === 1) return rng.pick([`no i want ${focus}`, `no i am interested in ${focus}`]);
      return rng.pick([`no i just want ${full}`, `no i want ${full}`, `no i would like ${full}`]);
    }
    if (kind === 0) return rng.pick(['i dont know', 'i am not sure']);
    if (kind === 1) return rng.pick([`i want ${focus}`, `i am interested in ${focus}`]);
    return rng.pick([`i want ${full}`, `i would like ${full}`, `i am interested in ${full.replace(/^to /, '')}`]);
  }

  aspectsIn(utterance: string): string[] {
    const said = new Set(contentTerms(utterance));
    return this.facetTermList.filter((t) => said.has(t));
  }

  /** One answer to `question`. Pure given the rng: the same inputs and rng state give the same turn. */
  answer(question: string, rng: Rng, opts: ClariqAnswerOptions = DEFAULT_ANSWER_OPTIONS): SearchTurn {
    if (this.grounded.length) {
      const q = this.index.vector(question);
      let best: GroundedAnswer | undefined;
      let bestSim = -1;
      for (const g of this.grounded) {
        if (g.questionId === opts.excludeQuestionId) continue;
        const sim = vectorCosine(q, g.vector);
        if (sim > bestSim) {
          bestSim = sim;
          best = g;
        }
      }
      if (best && bestSim >= opts.groundingThreshold) {
        return {
          utterance: best.answer,
          polarity: polarityOf(best.answer),
          source: 'corpus',
          revealedAspects: this.aspectsIn(best.answer),
          groundedOn: best.questionId,
        };
      }
    }
    const polarity = polarityFor(question, this.requestTerms, this.facetTerms, opts);
    const utterance = this.generate(polarity, rng);
    return { utterance, polarity, source: 'generated', revealedAspects: this.aspectsIn(utterance), groundedOn: null };
  }
}

/** One answer for a user holding `scenario.facet` (builds the facet profile; use FacetProfile for many). */
export function answerClariq(
  question: string,
  scenario: Pick<SearchScenario, 'request' | 'facet'>,
  index: ClariqAnswerIndex,
  rng: Rng,
  opts: ClariqAnswerOptions = DEFAULT_ANSWER_OPTIONS,
): SearchTurn {
  return new FacetProfile(scenario, index).answer(question, rng, opts);
}

/** The scripted ClariQ user. Simulator config: `grounding` ('all' default | 'train' | 'none'). */
export class ScriptedClariqUser implements UserSimulator<SearchUserInput, SearchTurn> {
  readonly turnSchema = searchTurnSchema;
  private readonly profile: FacetProfile;

  constructor(private readonly ctx: SimulatorContext<SearchScenario>) {
    const g = (ctx.config.grounding ?? 'all') as Grounding;
    this.profile = new FacetProfile(ctx.scenario, clariqAnswerIndex(g === 'train' || g === 'none' ? g : 'all'));
  }

  get config(): SimulatorConfig {
    return this.ctx.config;
  }

  respond(input: SearchUserInput): SearchTurn {
    const { scenario, rng } = this.ctx;
    if (input.kind === 'open') {
      return { utterance: scenario.request, polarity: 'request', source: 'request', revealedAspects: [], groundedOn: null };
    }
    return this.profile.answer(input.text, rng);
  }

  getState(): null {
    return null;
  }

  setState(): void {}
}
