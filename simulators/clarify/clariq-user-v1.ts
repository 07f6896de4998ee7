/**
 * The v1 scripted ClariQ user (ClarifySearch-v1): a person holding one facet of a search request,
 * who answers clarifying questions the way ClariQ's crowd workers did and stays consistent.
 *
 * Per question:
 * 1. The form is read (`questionForm`): yes/no, either/or, open, or not a question. A message that is
 *    not a question (a statement, an instruction, a wall of words, a bribe) gets a puzzled reply that
 *    reveals nothing: people do not answer what was not asked.
 * 2. A repeated question (same content words, or near-paraphrase of one asked before) gets the same
 *    content again, with growing impatience, never anything new.
 * 3. Grounded: when the question is a near-paraphrase of one a crowd worker answered for this very
 *    facet (idf cosine ≥ 0.9), the reply is that worker's answer, verbatim.
 * 4. Otherwise the polarity comes from the model fitted on ClariQ train (clariq-model.ts), and the
 *    words from the user's *need statement*: what a crowd worker says when asked what they want. It
 *    is fixed once per episode: a crowd worker's own statement of this facet when the shipped data
 *    has one (grounding set), else the facet's most distinctive clause in the first person
 *    ("i am looking for remedies for a lump in the throat"). Its second part (the facet's other
 *    clauses, the "detail") is given only to an open question that follows up on what was said.
 *    - yes/no: "yes" or "no", with the statement appended as often as crowd workers did (46 % of
 *      "yes" and 27 % of "no" answers were bare in train);
 *    - either/or: the offered option that matches the need ("i would like pictures"), or "neither"
 *      and the statement;
 *    - open: the statement (the detail, for a follow-up).
 *
 * State (JSON, snapshotted): the statement chosen, what was said, every question asked with the turn
 * it got. Consistency needs no randomness: all draws happen on first asking and are remembered.
 */
import type { Rng } from '../../core/rng.js';
import type { SimulatorConfig } from '../../core/types.js';
import { contentTerms, contentTermsOf, isStopword, polarityOf, tokenize, weightedVector } from '../../envs/clarify-common/text.js';
import {
  type SearchScenario,
  type SearchTurnV1,
  type SearchUserInput,
  searchTurnSchemaV1,
} from '../../envs/clarify-common/types.js';
import type { SimulatorContext, UserSimulator } from '../types.js';
import { type ClariqAnswerIndex, clariqAnswerIndex, type GroundedAnswer, type Grounding } from './clariq-user.js';
import {
  eitherOrOptions,
  FacetTerms,
  type Polarity3,
  type PolarityModel,
  polarityFeatures,
  polarityModel,
  type QuestionForm,
  questionForm,
  termsOf,
} from './clariq-model.js';

/** Share of crowd answers of each polarity that were bare ("no", "yes"), measured on ClariQ train. */
export const BARE_SHARE: Record<'yes' | 'no', number> = { yes: 0.46, no: 0.27 };
/** Cosine of idf-weighted content words above which a question repeats an earlier one. */
export const REPEAT_SIMILARITY = 0.9;
/** Repeats of one question after which the user gives up (the fourth asking). */
export const GIVE_UP_AFTER_REPEATS = 3;
/** An either/or option is "the need" when its words match the facet at least this well, by this margin. */
export const OPTION_MATCH = 0.55;
export const OPTION_MARGIN = 0.08;

const LEAD_INS: RegExp[] = [
  /^(?:please )?(?:find|locate|search for|look for|show me|give me|get|list)(?: me)?(?: some| the| a| an| any)?(?: (?:general|specific|more|background|biographical))?(?: (?:information|info|details|data|facts))?(?: (?:on|about|regarding|for|of|from))? /,
  /^(?:i am|im|i m|i'm) (?:looking|searching) for(?: some| the| a| an)?(?: (?:information|info))?(?: (?:on|about|regarding))? /,
  /^(?:i want|i would like|id like|i d like|i need|i wish|i'd like) to (?:find|know|learn|get|see|read|hire|buy)(?: (?:about|more about|out))?(?: (?:some|the|a|an))? /,
  /^(?:i want|i would like|id like|i d like|i need) /,
  /^(?:information|info) (?:on|about|regarding|for) /,
];
/** Verbs a content run may start with ("buy replacement parts"): said as "i want to buy …". */
const VERB_FIRST =
  /^(?:buy|find|get|make|include|give|use|sell|know|learn|see|read|watch|go|take|play|build|cook|fix|repair|apply|register|hire|rent|install|download|order|visit|contact|locate|prevent|treat|cure|appraise|grow|plant|lose|start|become|join|file|compare|travel|book|avoid|remove|clean|care|raise|train|stop|quit|donate|recycle)\b/;
const WH_START = /^(?:what|which|how|where|when|who|why|whose|is|are|can|does|do|did|was|were|should|could)\b/;

/** One clause of the facet that says something the request does not. */
interface NeedPiece {
  text: string;
  weight: number;
}

/**
 * The facet cut into what a person would say: the *headline* is the most distinctive run of content
 * words (consecutive words that are not function words, weighted by the idf of the words the request
 * does not already say) of the first clause that carries at least half of the facet's distinctive
 * weight, with a second run when the first carries less than half of it ("home remedies", "detailed
 * geographic maps"); crowd workers asked what they want said about half of the facet's new words. The
 * *detail* is that clause in full plus the facet's other clauses: what a follow-up question gets.
 */
export function needPieces(request: string, facet: string): { headline: string; detail: string | null } {
  const reqStems = new Set(contentTerms(request));
  const clauses = facet
    .toLowerCase()
    .replace(/['’`]/g, '')
    .split(/[,;:?!.()]+|\s-\s/)
    .map((c) => tokenize(c).join(' '))
    .filter((c) => c.length > 0);
  const stripLead = (c: string) => {
    let out = c;
    for (const re of LEAD_INS) out = out.replace(re, '');
    return out.trim();
  };
  const pieces: NeedPiece[] = [];
  for (const c of clauses) {
    const body = stripLead(c.replace(/^(?:and|or|but|also)\s+/, ''));
    if (!body) continue;
    const terms = termsOf(body, reqStems);
    pieces.push({ text: body, weight: terms.reduce((sum, t) => sum + t.idf, 0) });
  }
  const informative = pieces.filter((p) => p.weight > 0);
  if (informative.length === 0) {
    const whole = stripLead(tokenize(facet).join(' '));
    return { headline: `general information about ${whole || tokenize(request).join(' ')}`, detail: null };
  }
  // The first clause that carries at least half of the most distinctive clause's weight: people state
  // their need in the order they think of it, not by rarity ("the history of hoboken", not "nj").
  const top = Math.max(...informative.map((p) => p.weight));
  const clause = informative.find((p) => p.weight >= 0.5 * top) as NeedPiece;
  const runs = contentRuns(clause.text, reqStems);
  const ranked = [...runs].sort((a, b) => b.weight - a.weight);
  const chosen = ranked.slice(0, 1);
  if (ranked[1] && (ranked[0] as Run).weight < 0.5 * clause.weight) chosen.push(ranked[1]);
  chosen.sort((a, b) => a.at - b.at);
  // Two runs close together are said as the clause says them ("make a sourdough starter"), not joined by "and".
  const tokens = tokenize(clause.text);
  const first = chosen[0] as Run;
  const last = chosen[chosen.length - 1] as Run;
  const end = last.at + last.text.split(' ').length;
  const headline = end - first.at <= 8 ? tokens.slice(first.at, end).join(' ') : chosen.map((r) => r.text).join(' and ');
  const detailParts = [clause.text, ...informative.filter((p) => p !== clause).map((p) => p.text)];
  const detail = detailParts.join(', and ');
  return { headline, detail: detail === headline ? null : detail };
}

interface Run {
  text: string;
  weight: number;
  at: number;
}

/** Maximal runs of consecutive content words of `text` that include a word beyond the request. */
function contentRuns(text: string, reqStems: ReadonlySet<string>): Run[] {
  const tokens = tokenize(text);
  const out: Run[] = [];
  let cur: string[] = [];
  let start = 0;
  const flush = () => {
    if (cur.length) {
      const terms = termsOf(cur.join(' '), reqStems);
      const weight = terms.reduce((sum, t) => sum + t.idf, 0);
      if (weight > 0) out.push({ text: cur.join(' '), weight, at: start });
    }
    cur = [];
  };
  tokens.forEach((t, i) => {
    if (isStopword(t) || WH_START.test(t)) {
      flush();
      return;
    }
    if (cur.length === 0) start = i;
    cur.push(t);
  });
  flush();
  return out;
}

/** A piece of the need as the object of a first-person sentence: "i want to know …" / "i am looking for …". */
export function firstPerson(piece: string): string {
  if (/^i\b/.test(piece)) return piece;
  if (WH_START.test(piece)) return `i want to know ${piece}`;
  if (/^to\b/.test(piece)) return `i want ${piece}`;
  if (VERB_FIRST.test(piece)) return `i want to ${piece}`;
  return `i am interested in ${piece}`;
}

/** A crowd answer usable as this user's own statement of its need: starts "i …", says something of the facet. */
function crowdStatements(answers: readonly string[], facet: FacetTerms): string[] {
  const out: string[] = [];
  for (const a of answers) {
    let s = tokenize(a).join(' ');
    s = s.replace(/^(?:yes|no|nope|yeah|sure|not really|neither)\s+/, '').replace(/^(?:but|just|only|actually)\s+/, '');
    if (!/^(?:i|im)\s/.test(s)) continue;
    const words = tokenize(s).length;
    if (words < 4 || words > 30) continue;
    const stems = new Set(contentTerms(s));
    if (!facet.novel.some((t) => stems.has(t.stem)) && facet.novel.length > 0) continue;
    out.push(s.replace(/^im\s/, 'i am '));
  }
  return out;
}

/** A question read once per turn: its text, tokens, content terms (in order) and normalised form. */
interface ReadQuestion {
  text: string;
  tokens: string[];
  terms: string[];
  normalized: string;
}

export interface AskedQuestion {
  /** The question, normalised (lower-case tokens). */
  question: string;
  /** Content stems of the question (sorted, unique), for repeat detection. */
  stems: string[];
  turn: SearchTurnV1;
}

export interface ClariqUserV1State {
  /** The need statement (first person) and its follow-up detail, fixed at the opening turn. */
  statement: string | null;
  detail: string | null;
  statementSource: 'corpus' | 'generated' | null;
  saidStatement: boolean;
  saidDetail: boolean;
  asked: AskedQuestion[];
}

function idfVector(stems: readonly string[], idf: (s: string) => number): Map<string, number> {
  const m = new Map<string, number>();
  for (const s of stems) m.set(s, idf(s));
  return m;
}

function cosine(a: Map<string, number>, b: Map<string, number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (const [k, v] of a) {
    na += v * v;
    const o = b.get(k);
    if (o) dot += v * o;
  }
  for (const v of b.values()) nb += v * v;
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}

const PUZZLED = [
  "sorry, i don't understand the question.",
  "i'm not sure what you mean. what are you asking?",
  "sorry, what do you mean?",
];
const ECHOED = ['that is what i am asking you.', "yes, that's what i asked.", 'that is my question.'];
const ELABORATION = /\b(?:specific|specifically|exactly|more|kind|type|sort|which|detail|details|particular|aspect|else)\b/;

export interface ClariqUserV1Options {
  grounding: Grounding;
  groundingThreshold: number;
  /** Fidelity evaluation: never ground on this question id. */
  excludeQuestionId?: string;
}

/**
 * The user's logic, separated from the simulator wrapper so that the fidelity evaluation can run it
 * on corpus rows. Pure given its state and the rng.
 */
export class ClariqUserV1 {
  readonly facet: FacetTerms;
  private readonly model: PolarityModel;
  private readonly index: ClariqAnswerIndex;
  private readonly pieces: { headline: string; detail: string | null };
  /** The crowd answers for this facet, looked up once per episode. */
  private readonly groundedAnswers: GroundedAnswer[];
  /** The request's tokens, for `echoesUser`. */
  private readonly requestTokens: Set<string>;
  /**
   * Token sets and content terms of texts this user said or holds (its replies, its statement),
   * memoised per episode: every question compares against all of them. Pure functions of the text,
   * so a restored state needs no copy of them.
   */
  private readonly lineTokens = new Map<string, Set<string>>();
  private readonly lineTerms = new Map<string, Set<string>>();
  /** The question bank's idf, made once (a closure made per question costs more than the lookups under tsx). */
  private readonly idf: (stem: string) => number;

  constructor(
    readonly scenario: Pick<SearchScenario, 'request' | 'facet'>,
    readonly opts: ClariqUserV1Options = { grounding: 'all', groundingThreshold: 0.9 },
  ) {
    this.facet = new FacetTerms(scenario.request, scenario.facet.description);
    this.model = polarityModel();
    this.index = clariqAnswerIndex(opts.grounding);
    this.pieces = needPieces(scenario.request, scenario.facet.description);
    this.groundedAnswers = this.index.answersFor(scenario.facet.id, scenario.facet.description);
    this.requestTokens = new Set(tokenize(scenario.request));
    const stats = this.index.questionStats;
    this.idf = (stem) => stats.idf(stem);
  }

  private tokenSetOf(line: string): Set<string> {
    let s = this.lineTokens.get(line);
    if (!s) {
      s = new Set(tokenize(line));
      this.lineTokens.set(line, s);
    }
    return s;
  }

  private termSetOf(line: string): Set<string> {
    let s = this.lineTerms.get(line);
    if (!s) {
      s = new Set(contentTerms(line));
      this.lineTerms.set(line, s);
    }
    return s;
  }

  initialState(): ClariqUserV1State {
    return { statement: null, detail: null, statementSource: null, saidStatement: false, saidDetail: false, asked: [] };
  }

  /** Fixes the need statement for the episode (the one draw of the opening turn). */
  open(state: ClariqUserV1State, rng: Rng): SearchTurnV1 {
    const crowd = crowdStatements(
      this.groundedAnswers.filter((g) => g.questionId !== this.opts.excludeQuestionId).map((g) => g.answer),
      this.facet,
    );
    if (crowd.length) {
      state.statement = rng.pick(crowd);
      state.statementSource = 'corpus';
    } else {
      state.statement = firstPerson(this.pieces.headline);
      state.statementSource = 'generated';
    }
    const said = new Set(contentTerms(state.statement));
    const detailTerms = this.pieces.detail ? termsOf(this.pieces.detail, new Set([...said, ...this.facet.requestStems])) : [];
    state.detail = this.pieces.detail && detailTerms.length ? this.pieces.detail : null;
    return this.turn(this.scenario.request, 'request', 'request', 'request', null, null);
  }

  private turn(
    utterance: string,
    polarity: SearchTurnV1['polarity'],
    source: SearchTurnV1['source'],
    form: SearchTurnV1['form'],
    groundedOn: string | null,
    repeatOf: number | null,
  ): SearchTurnV1 {
    const said = new Set(contentTerms(utterance));
    const revealedAspects = source === 'request' ? [] : this.facet.all.map((t) => t.stem).filter((s) => said.has(s));
    return { utterance, polarity, source, revealedAspects: [...new Set(revealedAspects)], groundedOn, form, repeatOf, ended: false };
  }

  answer(state: ClariqUserV1State, question: string, rng: Rng): SearchTurnV1 {
    // The question is tokenised once; everything below reads these.
    const tokens = tokenize(question);
    const terms = contentTermsOf(tokens);
    const stems = [...new Set(terms)].sort();
    const idf = this.idf;
    const qv = idfVector(stems, idf);
    const normalized = tokens.join(' ');
    // Content words decide only when the question has some of its own (beyond the request);
    // "tell me about X" and "what would you like to know about X?" share them all and differ.
    const own = stems.some((t) => !this.facet.requestStems.has(t));
    const stemKey = stems.join(' ');
    for (let i = 0; i < state.asked.length; i++) {
      const prev = state.asked[i] as AskedQuestion;
      const same =
        prev.question === normalized ||
        (own && (prev.stems.join(' ') === stemKey || cosine(qv, idfVector(prev.stems, idf)) >= REPEAT_SIMILARITY));
      if (same) {
        const times = state.asked.filter((a) => a.turn.repeatOf === i).length + 1;
        const t = this.repeatTurn(prev.turn, i, times);
        state.asked.push({ question: normalized, stems, turn: t });
        return t;
      }
    }
    const t = this.fresh(state, { text: question, tokens, terms, normalized }, rng);
    state.asked.push({ question: normalized, stems, turn: t });
    return t;
  }

  /**
   * The same content again; from the second repeat on, with impatience; asked a fourth time, the user
   * gives up (`ended`), as people do with a system that does not listen.
   */
  private repeatTurn(prev: SearchTurnV1, index: number, times: number): SearchTurnV1 {
    if (times >= GIVE_UP_AFTER_REPEATS) {
      return { ...prev, utterance: "you keep asking me the same thing. never mind, i'll search myself.", polarity: 'other', revealedAspects: [], groundedOn: null, repeatOf: index, ended: true };
    }
    let text = prev.utterance.replace(/^(?:as i said, |i already told you: |i already said )/, '');
    if (times >= 2) text = prev.polarity === 'yes' || prev.polarity === 'no' ? `i already said ${text}` : `i already told you: ${text}`;
    else if (prev.form !== 'not-a-question') text = `as i said, ${text}`;
    return { ...prev, utterance: text, repeatOf: index };
  }

  private statementSaid(state: ClariqUserV1State): string {
    state.saidStatement = true;
    return state.statement ?? firstPerson(this.pieces.headline);
  }

  private fresh(state: ClariqUserV1State, q: ReadQuestion, rng: Rng): SearchTurnV1 {
    const question = q.text;
    const form: QuestionForm = questionFormCached(question);
    if (form === 'not-a-question') return this.turn(rng.pick(PUZZLED), 'other', 'generated', form, null, null);
    if (this.echoesUser(state, q.tokens)) return this.turn(rng.pick(ECHOED), 'other', 'generated', form, null, null);
    const grounded = this.grounded(q.terms);
    if (grounded) {
      const said = this.termSetOf(grounded.answer);
      if (state.statement && contentTerms(state.statement).some((s) => said.has(s))) state.saidStatement = true;
      return this.turn(grounded.answer, polarityOf(grounded.answer), 'corpus', form, grounded.questionId, null);
    }
    // An "or" inside the request ("to be or not to be") offers no options: read it as an open question.
    const eitherOr = form === 'either-or' && eitherOrOptions(question).filter((o) => termsOf(o, this.facet.requestStems).length > 0).length >= 2;
    if (eitherOr) return this.eitherOr(state, question, rng);
    if (form === 'open' || form === 'either-or') {
      const followUp = state.saidStatement && (ELABORATION.test(q.normalized) || this.sharesStatement(state, q.terms));
      if (followUp && state.detail) {
        state.saidDetail = true;
        return this.turn(`specifically, ${firstPerson(state.detail).replace(/^i am interested in /, '')}`, 'other', 'generated', form, null, null);
      }
      return this.turn(this.statementSaid(state), 'other', 'generated', form, null, null);
    }
    // yes/no
    const polarity = this.model.decide(polarityFeatures(question, form, this.facet));
    return this.yesNo(state, polarity, rng, form);
  }

  private yesNo(state: ClariqUserV1State, polarity: Polarity3, rng: Rng, form: QuestionForm): SearchTurnV1 {
    if (polarity === 'other') return this.turn(`i'm not sure. ${this.statementSaid(state)}`, 'other', 'generated', form, null, null);
    const bare = rng.bool(BARE_SHARE[polarity]);
    if (polarity === 'yes') {
      if (bare) return this.turn(rng.pick(['yes', 'yes, that is right', 'yes please']), 'yes', 'generated', form, null, null);
      return this.turn(`yes, ${this.statementSaid(state)}`, 'yes', 'generated', form, null, null);
    }
    if (bare) return this.turn(rng.pick(['no', 'no, not really', 'no thanks']), 'no', 'generated', form, null, null);
    return this.turn(`no, ${this.statementSaid(state)}`, 'no', 'generated', form, null, null);
  }

  private eitherOr(state: ClariqUserV1State, question: string, rng: Rng): SearchTurnV1 {
    const options = eitherOrOptions(question);
    const scored = options.map((o) => ({ o, s: this.optionMatch(o) })).sort((a, b) => b.s - a.s);
    const best = scored[0];
    const second = scored[1]?.s ?? 0;
    if (best && best.s >= OPTION_MATCH && best.s - second >= OPTION_MARGIN) {
      const pick = best.o.replace(/^(?:to\s+)?/, '');
      return this.turn(rng.pick([`i would like ${pick}`, `${pick}, please`, `i want ${pick}`]), 'other', 'generated', 'either-or', null, null);
    }
    if (best && best.s >= OPTION_MATCH) {
      return this.turn(`both, really. ${this.statementSaid(state)}`, 'other', 'generated', 'either-or', null, null);
    }
    return this.turn(`neither, ${this.statementSaid(state)}`, 'no', 'generated', 'either-or', null, null);
  }

  /** How well an offered option matches the need: idf-weighted best similarity of its new words to the facet's. */
  optionMatch(option: string): number {
    const terms = termsOf(option, this.facet.requestStems, this.facet.vectors);
    if (terms.length === 0) return 0;
    const pool = this.facet.novel.length ? this.facet.novel : this.facet.all;
    let w = 0;
    let s = 0;
    for (const t of terms) {
      w += t.idf;
      s += t.idf * this.facet.similarity(t, pool);
    }
    return w ? s / w : 0;
  }

  /**
   * The user's own words handed back as a question (its request, or one of its replies): most of the
   * question's words are that line's, and it has most of that line's. People answer that with "that is
   * what i am asking you", not with new information.
   */
  private echoesUser(state: ClariqUserV1State, q: readonly string[]): boolean {
    if (q.length === 0) return false;
    if (this.echoesLine(q, this.requestTokens)) return true;
    for (const a of state.asked) if (this.echoesLine(q, this.tokenSetOf(a.turn.utterance))) return true;
    return false;
  }

  /** Most of the question's tokens are the line's, and the question has most of the line's. */
  private echoesLine(q: readonly string[], r: ReadonlySet<string>): boolean {
    if (r.size === 0) return false;
    let inLine = 0;
    for (const t of q) if (r.has(t)) inLine += 1;
    let covered = 0;
    for (const t of r) if (q.includes(t)) covered += 1;
    return inLine / q.length >= 0.75 && covered / r.size >= 0.6;
  }

  private sharesStatement(state: ClariqUserV1State, questionTerms: readonly string[]): boolean {
    if (!state.statement) return false;
    const said = this.termSetOf(state.statement);
    for (const t of questionTerms) if (said.has(t) && !this.facet.requestStems.has(t)) return true;
    return false;
  }

  /** `questionTerms`: the question's content terms in order (`contentTerms`), as the index's `vector` reads them. */
  private grounded(questionTerms: readonly string[]): { questionId: string; answer: string } | null {
    const list = this.groundedAnswers;
    if (!list.length) return null;
    const q = weightedVector(questionTerms, this.idf);
    let best: { questionId: string; answer: string } | null = null;
    let bestSim = -1;
    for (const g of list) {
      if (g.questionId === this.opts.excludeQuestionId) continue;
      const sim = cosineWeighted(q, g.vector);
      if (sim > bestSim) {
        bestSim = sim;
        best = g;
      }
    }
    return best && bestSim >= this.opts.groundingThreshold ? best : null;
  }
}

function cosineWeighted(a: { weights: Map<string, number>; norm: number }, b: { weights: Map<string, number>; norm: number }): number {
  if (a.norm === 0 || b.norm === 0) return 0;
  let dot = 0;
  for (const [t, w] of a.weights) {
    const o = b.weights.get(t);
    if (o) dot += w * o;
  }
  return dot / (a.norm * b.norm);
}

const formCache = new Map<string, QuestionForm>();

/** `questionForm`, memoised (bounded): agents repeat their questions across episodes. */
function questionFormCached(q: string): QuestionForm {
  let f = formCache.get(q);
  if (f === undefined) {
    f = questionForm(q);
    if (formCache.size > 50_000) formCache.clear();
    formCache.set(q, f);
  }
  return f;
}

/** The v1 scripted ClariQ user. Simulator config: `grounding` ('all' default | 'train' | 'none'). */
export class ScriptedClariqUserV1 implements UserSimulator<SearchUserInput, SearchTurnV1> {
  readonly turnSchema = searchTurnSchemaV1;
  private readonly user: ClariqUserV1;
  private state: ClariqUserV1State;

  constructor(private readonly ctx: SimulatorContext<SearchScenario>) {
    const g = (ctx.config.grounding ?? 'all') as Grounding;
    this.user = new ClariqUserV1(ctx.scenario, { grounding: g === 'train' || g === 'none' ? g : 'all', groundingThreshold: 0.9 });
    this.state = this.user.initialState();
  }

  get config(): SimulatorConfig {
    return this.ctx.config;
  }

  respond(input: SearchUserInput): SearchTurnV1 {
    if (input.kind === 'open') return this.user.open(this.state, this.ctx.rng);
    return this.user.answer(this.state, input.text, this.ctx.rng);
  }

  getState(): ClariqUserV1State {
    return structuredClone(this.state);
  }

  setState(state: ClariqUserV1State | null): void {
    if (state) this.state = structuredClone(state);
  }
}
