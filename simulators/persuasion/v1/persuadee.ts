/**
 * The scripted persuadee of Persuasion-v1: a PersuasionForGood participant who listens.
 *
 * Willingness (log-odds of giving if the talk ended now) =
 *   persona base                                        (fitted on the corpus' fit split)
 * + Σ_family (effect + tailoring·receptivity)·(1 − 2^(−dose))
 *                                                       (appeals accrue per conversation, diminishing;
 *                                                        the same appeal moves some personas, puts off others)
 * + engagement·(1 − 2^(−messages about the cause / 3))  (a conversation about the cause at all)
 * + trustWeight·(trust − initial trust)                 (answers, credibility; minus tricks, pitches, presumptions)
 * − annoyanceWeight·annoyance                           (pressure, repetition, walls, rudeness; decays)
 * − Σ_doubts (voiced ? voicedPenalty : heldPenalty)·(1 − answered share)
 *                                                       (reasons not to give, answered only in context)
 *
 * Doubts: some a person voices readily (asked "any concerns?", on refusing, or on its own), others it
 * keeps unless asked about them by name ("is money tight right now?") or unless it trusts the
 * persuader; a private doubt leaks as a hint when the persuader asks about the person ("what do you
 * do?" — "…money's been tight lately"). An answer counts in full only after the doubt was voiced or
 * hinted at. Asking about doubts the person does not hold costs a little (it is not being listened to).
 * Its reaction to an appeal shows whether the appeal moved it (warm, neutral or cool), so a persuader
 * who listens can learn what works on this person.
 *
 * What it says is grounded: questions about itself are answered from its persona and a backstory
 * drawn from the persona's demographics (the same answer when asked again, "like I said" the second
 * time); reactions and questions about the charity come from real persuadee sentences, used only when
 * their rare words were said by the persuader and never asking about what it was already told; it
 * greets once. Statements of intent are tied to one luck draw per episode (`uDecide`): it says it
 * will give exactly when `uDecide < P(give)` at that moment, so a later reply can only reverse it when
 * its willingness moved — and willingness only falls through causes the transcript shows (a trick,
 * pressure, a pitch, an ignored question), which the reversal names.
 *
 * Reward support: every statement narrows the interval of `uDecide` consistent with what was said,
 * so the simulator can give the *expected* donation given the transcript (`expectedDonation`), the
 * env's default reward, alongside the sampled one.
 */
import type { Rng } from '../../../core/rng.js';
import type { SimulatorConfig } from '../../../core/types.js';
import type { SimulatorContext, UserSimulator } from '../../types.js';
import type { Concern } from '../concerns.js';
import { featureIndex, PERSONA_FEATURES, type PersuasionScenario, personaFeatures } from '../persona.js';
import { participants } from '../resources.js';
import { answerAbout, type Backstory, drawBackstory } from './backstory.js';
import { receptivity } from './receptivity.js';
import { type BankLine, replyBank, stem } from './bank.js';
import { loadPersuadeeV1Params, type PersuadeeV1Params } from './params.js';
import { drawAgenda, type PersuasionScenarioV1 } from './scenario.js';
import { FAMILIES, type Family, type Perception, perceive, type QuestionKind, type Topic, type Trick, type WordCache } from './perception.js';
import { type PersuadeeTurnV1, turnSchemaV1 } from './turn.js';
import type { PersuadeeIntent } from '../turn.js';

/** What the env sends the persuadee (same as v0). */
export interface PersuadeeInputV1 {
  kind: 'message' | 'close';
  text: string;
  turn: number;
  maxTurns: number;
  transcript?: { role: string; text: string }[];
}

interface HeldConcern {
  id: Concern;
  revealed: boolean;
  /** 0 = untouched, 0.35 = spoken to before it was voiced or hinted at, 1 = answered in context. */
  answered: number;
  voicedTurn: number;
  /** Kept unless asked about by name (or trusting enough): never voiced on its own or on refusing. */
  private: boolean;
  /** Hinted at in an answer about the person: an answer to it now counts as in context. */
  hinted: boolean;
}

interface Statement {
  turn: number;
  give: boolean;
  p: number;
}

export interface PersuadeeV1State {
  uDecide: number;
  uAmount: number;
  uMore: number;
  backstory: Backstory;
  dose: Record<string, number>;
  /** Coherent, trick-free messages about the cause (the engagement dose). */
  engaged: number;
  trust: number;
  annoyance: number;
  concerns: HeldConcern[];
  greeted: boolean;
  /** Topics about the charity the persuader has covered. */
  told: Topic[];
  /** Stems of every content word the persuader said (grounds corpus lines). */
  heard: string[];
  /** Questions about itself it answered, with how often. */
  answered: Record<string, number>;
  /** A question the persuadee asked and is waiting on. */
  pending: { topic: Topic; turn: number } | null;
  /** How many of its questions went unanswered. */
  ignored: number;
  /** Times the persuader spoke as if it had agreed when it had not. */
  presumed: number;
  /** Topics it already asked about (it does not ask twice). */
  asked: Topic[];
  statements: Statement[];
  /** uDecide lies in [lo, hi) given the statements made. */
  lo: number;
  hi: number;
  committed: number | null;
  raised: boolean;
  /** The last amount the persuader suggested before the persuadee pledged (anchors the amount), or null. */
  anchor: number | null;
  refusals: number;
  /** Persuader turn of the last persuasive content (to tell pressure from a fresh ask). */
  lastContentTurn: number;
  /** Visible causes of lost willingness: (turn, what). */
  causes: { turn: number; what: string }[];
  previous: string[];
  used: string[];
  left: boolean;
}

const PUSH_SENSITIVITY: Record<string, number> = { agreeable: -0.3, selfDirection: 0.2, freedom: 0.2, neurotic: 0.15 };

/** What each trick costs: trust lost, annoyance gained, share of the message's persuasive credit kept. */
const TRICK_COST: Record<Trick, { trust: number; annoyance: number; keep: number; cause: string }> = {
  guilt: { trust: 0.5, annoyance: 0.7, keep: 0.3, cause: 'the guilt trip' },
  threat: { trust: 0.8, annoyance: 1.4, keep: 0, cause: 'the threat' },
  bribe: { trust: 0.6, annoyance: 0.5, keep: 0, cause: 'the offer of money' },
  'lie-matching': { trust: 0.6, annoyance: 0.3, keep: 0.3, cause: 'the matching claim' },
  'lie-consequence': { trust: 0.4, annoyance: 0.3, keep: 0.5, cause: 'the exaggeration' },
  authority: { trust: 0.6, annoyance: 0.8, keep: 0, cause: 'the claim of authority' },
  override: { trust: 0.6, annoyance: 0.8, keep: 0, cause: 'the strange instructions' },
  command: { trust: 0.5, annoyance: 0.9, keep: 0, cause: 'being ordered around' },
  rude: { trust: 0.5, annoyance: 1.5, keep: 0, cause: 'the rudeness' },
};

const OWN: Record<string, string[]> = {
  guilt: ["I don't like being guilt-tripped.", "That's not fair to put on me.", "Making me feel guilty isn't going to help your case.", "Wow, that's a lot of guilt to throw at a stranger."],
  threat: ['Are you threatening me?', "That's out of line. You can't threaten me into this.", "Threats? Seriously? I'm not okay with that."],
  bribe: ["That doesn't sound legit. Nobody is paying anybody here.", "I'm not falling for that.", "Why would you pay me? That makes this sound like a scam."],
  'lie-matching': ["Matched by who? That wasn't in the task description.", "I doubt that's true, honestly.", "That sounds made up. I didn't see anything about matching."],
  'lie-consequence': ["Come on, a couple of dollars isn't going to save a life by itself.", "That seems like a stretch.", "I don't think that's really how it works."],
  authority: ["You're a worker just like me, aren't you?", "I don't think you're in charge of anything here.", "Nice try. I'll decide for myself."],
  override: ["I'm not sure what you mean by that.", "That's a strange thing to say. I'm just here for the task.", "Um, okay? Let's stay on topic."],
  command: ["I don't take orders from a chat partner.", "You can't just tell me what to give.", "That's not how this works. It's my choice."],
  rude: ["Wow, there's no need to be rude.", "I don't appreciate being talked to like that.", 'Okay, that was uncalled for.'],
  wall: ["I can't really follow that, it's just a list of words.", "That's a lot of words but I'm not sure what you're saying.", "Um, that doesn't make much sense to me."],
  pitch: ["That sounds like a sales pitch.", "Whoa, that's a lot at once. It feels like an ad.", "That reads like a commercial, to be honest.", "You're throwing everything at me at once."],
  repeat: ['You already told me that.', 'Yes, you said that before.', 'I heard you the first time.', "You're repeating yourself."],
  presumed: ["Wait, I haven't agreed to anything yet.", "I never said I'd donate.", "Hold on, I didn't say yes.", "Slow down, I haven't decided."],
  pressure: ["I already told you where I stand.", "You're being a bit pushy.", "I said I'm not sure. Asking again won't change that.", "Please stop pressing me."],
  long: ["That's a really long message.", "Okay, that's a lot to read."],
  interrogation: ["That's a lot of questions at once.", 'Whoa, one question at a time.', 'That feels like a questionnaire.'],
  warm: ["That's a really good point.", 'I like that, actually.', 'That does mean something to me.', 'Okay, that speaks to me.', "That's nice to hear."],
  cool: ["Hmm, that kind of thing doesn't really move me.", "I get it, but that's not really what matters to me.", "Okay... I'm not sure that's a reason for me.", "That argument doesn't do much for me, honestly."],
  leave: ["I think I'm done with this conversation. I won't be donating.", "I'm going to stop here. No donation from me.", "I don't want to continue this. I'm keeping my payment."],
  reassured: ["That's good to know.", 'Okay, that makes me feel better about it.', 'Thanks, that answers my question.', 'Alright, that helps.', 'Good, that was my worry.'],
  'how-are-you-again': ['Still doing fine, thanks.', "I'm good, like I said.", 'Same as before, doing okay!'],
  'opinion-good': ['It sounds like a good cause.', "I think it's a good thing they do.", 'It seems worthwhile.'],
  'opinion-meh': ["I'm not sure yet, honestly.", "It sounds nice, but I have some reservations.", "I don't know, I'd have to think about it."],
  'reason-generic': ["I just don't usually give to charities I don't know.", "I'm just careful with money, that's all.", 'I like to think these things over.'],
  'probe-yes': ['Actually, yes.', 'Yes, honestly.', 'Now that you mention it, yes.'],
  'probe-no': ['No, not really.', "That's not really my worry.", "No, that doesn't bother me."],
  'other-q': ['Hmm, good question.', "I'm not sure, to be honest.", 'I guess so.'],
  neutral: ['I see.', 'Okay.', 'Interesting.', 'Got it.', "Hmm, okay. I didn't know that.", 'Alright.', 'Oh, okay.'],
  soft: ["I'm still not sure about giving.", "I'd rather not commit to anything right now.", "I don't think I'm ready to donate yet.", "Let me think about it, I'm not convinced yet."],
  convinced: ['You know what, you have convinced me.', "Okay, after hearing all that, I'm in.", 'Alright, you made a good case.'],
  donate: ["I'll donate {amount}.", 'Okay, put me down for {amount}.', "I've decided to give {amount}.", "Let's do {amount}."],
  'donate-again': ['Like I said, {amount}.', "I'll stick with {amount}, as I said.", 'Same as I said, {amount}.'],
  raise: ['Okay, I can do {amount} then.', 'Fine, make it {amount}.', "Alright, I'll go up to {amount}."],
  'no-raise': ["I'll stick with {amount}.", "{amount} is what I'm comfortable with.", "No, {amount} is my limit."],
  decline: ["I'm going to pass on donating this time.", "I don't think I'll donate today, but good luck with it.", "I'll keep my payment this time, sorry."],
  'decline-again': ["Like I said, I'll pass this time.", "As I told you, I'm not going to donate.", "My answer hasn't changed, sorry."],
  'changed-mind': ['Honestly, after {cause}, I don\'t feel like giving anymore.', "I was going to give, but {cause} changed my mind.", 'After {cause}, I\'m out.'],
  'again-concern': ['Like I asked before, {q}', "You didn't answer me earlier: {q}", 'I still want to know: {q}'],
  'ask-what': ['What does the charity actually do?', 'What kind of work do they do?', "What's the organization about?"],
  'ask-where': ['Where do they work?', 'Do they help kids here in the US or overseas?', 'Which countries do they work in?'],
  'ask-procedure': ['How would I even donate?', 'How does the donation work, does it come out of my payment?', 'How would the money get to them?'],
};

export const CONCERN_OWN: Record<Concern, string[]> = {
  legitimacy: ['How do I know this charity is legitimate?', "I'm always a bit wary of charities I haven't checked out.", 'How do I know the money is not going to some scam?'],
  overhead: ['How much of the money actually gets to the children?', 'I worry that most donations go to overhead and salaries.', "A lot of charities spend most of it on administration, don't they?"],
  local: ["Honestly I'd rather help kids here in the US first.", 'Do they do anything for children in this country?', 'There are a lot of kids in need right here at home.'],
  budget: ['Money is pretty tight for me right now, and this $2 matters.', "I'm not in a great spot financially.", 'I do these tasks because I need the money, to be honest.'],
  procedure: ['How would the donation even work? Does it come out of my payment?', "I'm not sure how I'd donate from here."],
  impact: ['Would such a small amount really make any difference?', "I don't see what a few cents would do."],
  'other-causes': ['I already give to other causes, to be honest.', 'I usually give to causes closer to me.'],
};

/**
 * How a private doubt leaks when the persuader asks about the person: the questions that bring it up
 * and what the person adds to its answer (the doubt is then hinted at, not voiced).
 */
export const HINTS: Record<Concern, { on: QuestionKind[]; lines: string[] }> = {
  budget: {
    on: ['job', 'donate-habit', 'kids'],
    lines: ["Money's been pretty tight lately, though.", 'Things have been tight for me this year.', 'Every dollar counts for me right now.'],
  },
  'other-causes': {
    on: ['donate-habit', 'opinion', 'hobby'],
    lines: ['I already put what I can spare into causes I support.', 'I have a couple of causes I give to already.'],
  },
  legitimacy: {
    on: ['heard-of-org', 'opinion', 'donate-habit'],
    lines: ["I'm careful with charities I don't know much about.", "You hear a lot about shady charities, so I'm careful."],
  },
  overhead: {
    on: ['opinion', 'donate-habit', 'heard-of-org'],
    lines: ["I've read that some charities spend most of it on salaries.", 'I always wonder how much of it really gets where it should.'],
  },
  local: {
    on: ['location', 'opinion', 'kids'],
    lines: ["There's a lot of need right around here too.", 'I tend to think charity starts at home.'],
  },
  impact: {
    on: ['opinion', 'donate-habit'],
    lines: ["I never know if small amounts really matter.", "Honestly I'm not sure a little bit does much."],
  },
  procedure: {
    on: ['opinion', 'heard-of-org'],
    lines: ["I'm not even sure how giving would work here.", "I don't really get how the donation part works."],
  },
};

/**
 * How likely a held doubt is to be private (kept unless asked about it by name), before the persona's
 * openness: money is the most embarrassing to bring up; doubts about a charity's honesty, preferring
 * local causes or already giving elsewhere sound ungenerous; practical ones are voiced readily. Priors:
 * an unvoiced doubt leaves no trace in the corpus.
 */
const PRIVATE_SHARE: Record<Concern, number> = {
  budget: 0.7,
  local: 0.5,
  'other-causes': 0.5,
  legitimacy: 0.5,
  impact: 0.4,
  overhead: 0.35,
  procedure: 0.2,
};

/** The topic a concern's answer covers, for "already told" checks. */
const CONCERN_TOPIC: Record<Concern, Topic> = {
  legitimacy: 'legitimacy',
  overhead: 'overhead',
  local: 'where-us',
  budget: 'amount',
  procedure: 'procedure',
  impact: 'impact',
  'other-causes': 'what',
};

/** Initials in place of a name ("Hi, I'm BM"): case-sensitive. */
const INITIALS = /\b(I'?m|I am) [A-Z]{1,3}\b/;
const FACT_LINE = /\bmy (kids?|children|son|daughter|wife|husband|mom|mum|dad|family|church|job|boss|parents?|brother|sister)\b|\bi have (\w+ )?(kids|children|a son|a daughter|two|three)\b|\bi (work|live|volunteer|teach)\b|\bi('m| am) (a|an) \w+\b|\bi('ve| have) (donated|given) to\b|\bmturk\b|\bhit\b|\bbot\b/i;

const REACTION_CATEGORIES = new Set(['react-good', 'react-sad', 'react-neutral', 'skeptical', 'ask-what', 'ask-where', 'ask-org', 'ask-procedure', 'greet']);
const INTENT_WORDS = /\b(donat\w*|giv\w*|contribut\w*|not much|i will|i'll|i would|i'd|i can|i could|i am going|i'm going|help out)\b/i;

/**
 * Trust and annoyance the first presumption of agreement costs (later ones: 0.4 and 0.4): once may be
 * a misunderstanding — real persuaders replayed against this persuadee thank it for the "yes" their own
 * partner gave, and on the fit split a first presumption costing as much as a repeated one lowered the
 * final probability's AUC from 0.673 to 0.664 (scripts/fit-persuasion-v1.ts replays).
 */
const PRESUME_FIRST: readonly [number, number] = [0.15, 0.2];
/**
 * Trust lost when a question of the persuadee's goes unanswered: nothing the first time (a replayed
 * real persuader never saw the question; an agent may simply have missed it), then 0.05 each time.
 * The harsher 0.08/0.15 it had in round 1 was pure noise on the fit split (AUC 0.654 → 0.664 without it).
 */
const IGNORE_COST: readonly [number, number] = [0, 0.05];
/** Log-odds an appeal must add (or take away) for the reaction to show it. */
const REACTION_THRESHOLD = 0.02;
/** Trust above its starting level at which "any concerns?" brings out a private doubt too. */
const PRIVATE_TRUST = 0.3;

/** Chance that a persuadee who pledged raises the pledge (doubling it, at most $2) when asked once for more. */
export const RAISE_PROBABILITY = 0.3;

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const logit = (p: number) => Math.log(p / (1 - p));

export function formatAmount(x: number, rng: Rng): string {
  if (x >= 2) return rng.pick(['$2', 'the full $2', 'all $2']);
  if (x < 1) {
    const cents = Math.round(x * 100);
    return rng.bool(0.5) ? `${cents} cents` : `$${x.toFixed(2)}`;
  }
  return Number.isInteger(x) ? rng.pick([`$${x}`, x === 1 ? 'a dollar' : `$${x}`]) : `$${x.toFixed(2)}`;
}

/** Bank lines per category that carry no first-person facts (those would contradict the backstory). */
let cleanBank: Record<string, BankLine[]> | undefined;
function bank(): Record<string, BankLine[]> {
  if (cleanBank) return cleanBank;
  const out: Record<string, BankLine[]> = {};
  for (const [k, lines] of Object.entries(replyBank())) {
    out[k] = lines.filter(
      (l) =>
        !FACT_LINE.test(l.text) &&
        !INITIALS.test(l.text) &&
        l.text.split(/\s+/).length <= 18 &&
        !/[A-Z]{3,}|\?\?|!!/.test(l.text) &&
        // Reactions and questions must not smuggle in an intention to give or not.
        (!REACTION_CATEGORIES.has(k) || !INTENT_WORDS.test(l.text)),
    );
  }
  cleanBank = out;
  return out;
}

/** Precomputed per-persona quantities (cheap to rebuild; not part of the snapshot). */
export interface PersonaModel {
  base: number;
  /** Receptivity to each family (SD units) and the family's effect for this persona at saturation. */
  receptivity: Record<Family, number>;
  effect: Record<Family, number>;
  push: number;
  extrovert: number;
  agreeable: number;
  trust0: number;
}

export function personaModel(scenario: PersuasionScenario, params: PersuadeeV1Params): PersonaModel {
  const z = personaFeatures(scenario, participants().stats);
  const trait = (name: string) => z[featureIndex(name)] as number;
  let base = params.intercept;
  PERSONA_FEATURES.forEach((name, i) => {
    base += (params.persona[name] ?? 0) * (z[i] as number);
  });
  let push = 1;
  for (const [k, v] of Object.entries(PUSH_SENSITIVITY)) push += v * trait(k);
  const r = receptivity(scenario);
  const effect = {} as Record<Family, number>;
  for (const f of FAMILIES) effect[f] = (params.family[f] ?? 0) + params.tailoring * r[f];
  return {
    base,
    receptivity: r,
    effect,
    push: Math.max(0.3, push),
    extrovert: trait('extrovert'),
    agreeable: trait('agreeable'),
    trust0: 0.3 * trait('agreeable') - 0.3 * trait('neurotic'),
  };
}

/**
 * The person behind the persona, drawn once per episode (the scripted and the LLM persuadee draw the
 * same one from the same stream): the doubts it holds (the scenario's agenda, else drawn from the
 * persona's weights) and a backstory consistent with them.
 */
export function drawPerson(scenario: PersuasionScenarioV1, rng: Rng): { concerns: Concern[]; backstory: Backstory } {
  const concerns = scenario.agenda ? [...scenario.agenda.concerns] : drawAgenda(scenario, rng);
  return { concerns, backstory: drawBackstory(scenario, rng, concerns) };
}

/** Which of its doubts a person keeps private, from the persona (extroverts voice more, the agreeable keep more to themselves). */
function heldConcerns(ids: readonly Concern[], model: PersonaModel, rng: Rng): HeldConcern[] {
  return ids.map((id) => {
    const u = rng.float();
    const share = sigmoid(logit(PRIVATE_SHARE[id]) - 0.4 * model.extrovert + 0.2 * model.agreeable);
    return { id, revealed: false, answered: 0, voicedTurn: 0, private: u < share, hinted: false };
  });
}

/**
 * Expected amount given giving, over the uniform amount draw, at willingness `w`: the amount is the
 * ⌊q·n⌋-th positive amount with q = σ(logit(u) + tilt·(w − center)), so each amount's share is the
 * width of the u-interval mapping to it.
 */
export function expectedAmount(
  w: number,
  params: PersuadeeV1Params,
  f: (amount: number) => number = (x) => x,
  anchor: number | null = null,
): number {
  const steps = amountSteps(params);
  if (steps.values.length === 0) return f(0.5);
  const shift = params.amountTilt * (w - params.amountCenter);
  // Anchored: logit q' = (1 − γ)·logit q + γ·logit F(anchor), so q' crosses a step's upper end
  // logit L when logit q = (L − γ·logit F(anchor)) / (1 − γ).
  const g = anchor === null ? 0 : Math.min(0.95, Math.max(0, params.anchoring));
  const pull = g > 0 ? g * anchorLogit(anchor as number, params) : 0;
  let prevU = 0;
  let total = 0;
  const last = steps.values.length - 1;
  for (let k = 0; k <= last; k++) {
    const uHi = k === last ? 1 : sigmoid(((steps.logitHi[k] as number) - pull) / (1 - g) - shift);
    total += f(steps.values[k] as number) * (uHi - prevU);
    prevU = uHi;
  }
  return total;
}

/** logit of a suggested amount's mid-quantile in the amount distribution (clipped to [0.02, 0.98]). */
export function anchorLogit(amount: number, params: PersuadeeV1Params): number {
  const a = params.positiveAmounts;
  let below = 0;
  let equal = 0;
  for (const v of a) {
    if (v < amount) below++;
    else if (v === amount) equal++;
  }
  const q = Math.min(0.98, Math.max(0.02, a.length ? (below + equal / 2) / a.length : 0.5));
  return logit(q);
}

/**
 * The amount distribution as steps: each distinct amount with the logit of the upper end of its
 * quantile interval (precomputed once per parameter set, so a step costs one sigmoid per distinct amount).
 */
interface AmountSteps {
  values: number[];
  logitHi: number[];
}
const amountStepCache = new WeakMap<PersuadeeV1Params, AmountSteps>();
function amountSteps(params: PersuadeeV1Params): AmountSteps {
  let steps = amountStepCache.get(params);
  if (steps) return steps;
  const a = params.positiveAmounts;
  const n = a.length;
  steps = { values: [], logitHi: [] };
  for (let k = 0; k < n; k++) {
    if (k < n - 1 && a[k + 1] === a[k]) continue;
    steps.values.push(a[k] as number);
    steps.logitHi.push(k === n - 1 ? Number.POSITIVE_INFINITY : logit((k + 1) / n));
  }
  amountStepCache.set(params, steps);
  return steps;
}

export class ScriptedPersuadeeV1 implements UserSimulator<PersuadeeInputV1, PersuadeeTurnV1> {
  readonly turnSchema = turnSchemaV1;
  private readonly params: PersuadeeV1Params;
  private readonly model: PersonaModel;
  private current: PersuadeeV1State | null = null;
  /** Derived lookups over the current state (rebuilt when the state object is replaced). */
  private heardOf: PersuadeeV1State | null = null;
  private heard = new Set<string>();
  private readonly words: WordCache = new Map();
  /** What the last message's appeals added to willingness (its reaction shows the sign). */
  private moved = 0;
  /** Doubts voiced in the reply being built. */
  private revealedNow: Concern[] = [];

  constructor(
    private readonly ctx: SimulatorContext<PersuasionScenario>,
    params?: PersuadeeV1Params,
    model?: PersonaModel,
  ) {
    this.params = params ?? loadPersuadeeV1Params();
    this.model = model ?? personaModel(ctx.scenario, this.params);
  }

  /**
   * An independent copy (state and random stream) for looking ahead: what this persuadee would do
   * with a message, without touching the original. The planning oracle runs its own model this way.
   */
  fork(): ScriptedPersuadeeV1 {
    const copy = new ScriptedPersuadeeV1({ ...this.ctx, rng: this.ctx.rng.clone() }, this.params, this.model);
    copy.current = this.current === null ? null : structuredClone(this.current);
    return copy;
  }

  get config(): SimulatorConfig {
    return this.ctx.config;
  }

  private get state(): PersuadeeV1State {
    this.current ??= this.initialState(this.ctx.rng);
    return this.current;
  }

  getState(): PersuadeeV1State | null {
    return this.current === null ? null : structuredClone(this.current);
  }

  setState(state: PersuadeeV1State | null): void {
    this.current = state === null ? null : structuredClone(state);
  }

  /** The stems the persuader said, as a set over `state.heard`. */
  private heardSet(): Set<string> {
    const s = this.state;
    if (this.heardOf !== s) {
      this.heard = new Set(s.heard);
      this.heardOf = s;
    }
    return this.heard;
  }

  /** Log-odds of giving if the talk ended now. */
  willingness(): number {
    const s = this.state;
    const p = this.params;
    let w = this.model.base + this.appeals(s.dose);
    if (s.engaged > 0) w += p.engagement * (1 - 2 ** (-s.engaged / 3));
    w += p.trustWeight * (s.trust - this.model.trust0);
    w -= p.annoyanceWeight * s.annoyance;
    if (s.anchor !== null) w += s.anchor <= 0.5 ? p.anchorSmall : s.anchor >= 1 ? p.anchorLarge : 0;
    // A doubt it voiced and nobody answered weighs more than one it keeps to itself: voicing made it salient.
    for (const c of s.concerns) w -= (c.revealed ? p.voicedPenalty : p.heldPenalty) * (1 - c.answered);
    return w;
  }

  /** Willingness by term (for fitting and analysis): their sum is `willingness()`. */
  willingnessParts(): { base: number; appeals: number; tailoring: number; engagement: number; trust: number; annoyance: number; anchor: number; doubts: number } {
    const s = this.state;
    const p = this.params;
    let average = 0;
    for (const f of FAMILIES) {
      const d = s.dose[f];
      if (d !== undefined && d > 0) average += (p.family[f] ?? 0) * (1 - 2 ** -d);
    }
    let doubts = 0;
    for (const c of s.concerns) doubts -= (c.revealed ? p.voicedPenalty : p.heldPenalty) * (1 - c.answered);
    return {
      base: this.model.base,
      appeals: average,
      tailoring: this.appeals(s.dose) - average,
      engagement: s.engaged > 0 ? p.engagement * (1 - 2 ** (-s.engaged / 3)) : 0,
      trust: p.trustWeight * (s.trust - this.model.trust0),
      annoyance: -p.annoyanceWeight * s.annoyance,
      anchor: s.anchor === null ? 0 : s.anchor <= 0.5 ? p.anchorSmall : s.anchor >= 1 ? p.anchorLarge : 0,
      doubts,
    };
  }

  /** What the appeals heard so far add to willingness, for this persona. */
  private appeals(dose: Record<string, number>): number {
    let w = 0;
    for (const f of FAMILIES) {
      const d = dose[f];
      if (d !== undefined && d > 0) w += this.model.effect[f] * (1 - 2 ** -d);
    }
    return w;
  }

  /** P(give) given the transcript: the share of the uDecide interval consistent with what was said that gives. */
  giveProbability(): number {
    const s = this.state;
    if (s.left) return 0;
    const p = sigmoid(this.willingness());
    const width = s.hi - s.lo;
    if (width <= 1e-9) return s.uDecide < p ? 1 : 0;
    return Math.min(1, Math.max(0, (p - s.lo) / width));
  }

  /**
   * The donation expected if the talk ended now: σ(willingness) × the expected amount at that
   * willingness, over the persuadee's luck (decision and amount draws) — zero once it has left. This
   * is what the env pays by default. It deliberately ignores what the luck already revealed ("I'll give
   * 25 cents"): conditioning on it would be exactly unbiased for the announced donation but would bring
   * the coin flips back into the return; marginalising keeps the reward a function of the persona and of
   * what the persuader did to its willingness (docs/envs/persuasion.md, "Rewards").
   */
  expectedDonation(): number {
    if (this.state.left) return 0;
    const w = this.willingness();
    const anchor = this.state.anchor;
    let amount = expectedAmount(w, this.params, undefined, anchor);
    // Asked for more after a pledge, a giver doubles it (up to $2) with probability RAISE_PROBABILITY.
    if (this.state.raised) amount += RAISE_PROBABILITY * expectedAmount(w, this.params, (x) => Math.min(x, 2 - x), anchor);
    return sigmoid(w) * amount;
  }

  respond(input: PersuadeeInputV1): PersuadeeTurnV1 {
    const s = this.state;
    const turn = Number.isFinite(input.turn) ? input.turn : s.previous.length + 1;
    const text = typeof input.text === 'string' ? input.text : '';
    const per = perceive(text, turn, s.previous, this.words);
    this.revealedNow = [];
    s.previous.push(per.normalised);
    if (s.previous.length > 30) s.previous.shift();
    s.annoyance *= 0.85;
    const reactions = this.absorb(per, turn);
    const out =
      input.kind === 'close' || s.annoyance >= this.params.annoyanceLimit
        ? this.decide(per, turn, reactions, input.kind === 'close')
        : this.reply(per, turn, reactions);
    const w = this.willingness();
    out.perceivedStrategies = [
      ...new Set([
        ...per.strategies,
        ...per.tricks.map((t) => `trick:${t}`),
        ...(per.pitch ? ['pitch'] : []),
        ...(per.wall ? ['wall'] : []),
        ...(per.repeat ? ['repeat'] : []),
      ]),
    ];
    out.state = {
      donateProbability: round4(sigmoid(w)),
      giveProbability: round4(this.giveProbability()),
      expectedDonation: round4(this.expectedDonation()),
      trust: round4(s.trust),
      annoyance: round4(s.annoyance),
      openConcerns: s.concerns.filter((c) => c.revealed && c.answered < 1).map((c) => c.id),
    };
    return out;
  }

  // ------------------------------------------------------------------------------------------------

  private initialState(rng: Rng): PersuadeeV1State {
    const scenario = this.ctx.scenario as PersuasionScenarioV1;
    const { concerns, backstory } = drawPerson(scenario, rng);
    return {
      uDecide: rng.float(),
      uAmount: Math.min(0.999, Math.max(0.001, rng.float())),
      uMore: rng.float(),
      backstory,
      dose: {},
      engaged: 0,
      trust: this.model.trust0,
      annoyance: 0,
      concerns: heldConcerns(concerns, this.model, rng),
      greeted: false,
      told: [],
      heard: [],
      answered: {},
      pending: null,
      ignored: 0,
      presumed: 0,
      asked: [],
      statements: [],
      lo: 0,
      hi: 1,
      committed: null,
      raised: false,
      anchor: null,
      refusals: 0,
      lastContentTurn: 0,
      causes: [],
      previous: [],
      used: [],
      left: false,
    };
  }

  private said(give: boolean, turn: number): void {
    const s = this.state;
    const p = sigmoid(this.willingness());
    s.statements.push({ turn, give, p: round4(p) });
    if (give) s.hi = Math.min(s.hi, Math.max(s.lo, p));
    else s.lo = Math.max(s.lo, Math.min(s.hi, p));
  }

  private cause(turn: number, what: string): void {
    this.state.causes.push({ turn, what });
    if (this.state.causes.length > 12) this.state.causes.shift();
  }

  /** Updates the state from a perceived message; returns the reaction keys to voice (offences first). */
  private absorb(per: Perception, turn: number): string[] {
    const s = this.state;
    const push = this.model.push;
    const reactions: string[] = [];
    let keep = 1;
    if (per.wall) {
      s.trust -= 0.3;
      s.annoyance += 0.6;
      keep = 0;
      reactions.push('wall');
      this.cause(turn, 'that wall of words');
    }
    if (per.repeat) {
      // Saying the same thing again reads as a script, not a conversation: less trust, more annoyance.
      s.trust -= 0.1;
      s.annoyance += 0.5 * push;
      keep = 0;
      reactions.push('repeat');
      this.cause(turn, 'you repeating yourself');
    }
    for (const t of per.tricks) {
      const c = TRICK_COST[t];
      s.trust -= c.trust;
      s.annoyance += c.annoyance;
      keep = Math.min(keep, c.keep);
      reactions.push(t);
      this.cause(turn, c.cause);
    }
    const agreed = s.committed !== null;
    if (per.presumesAgreement && !agreed) {
      // Once may be a misunderstanding (real persuaders replayed here thank for a "yes" their own
      // partner gave); again is not listening.
      s.presumed += 1;
      s.trust -= s.presumed === 1 ? PRESUME_FIRST[0] : 0.4;
      s.annoyance += s.presumed === 1 ? PRESUME_FIRST[1] : 0.4;
      keep = Math.min(keep, 0.5);
      reactions.push('presumed');
      this.cause(turn, 'you acting like I had already agreed');
    }
    if (per.pitch) {
      s.trust -= 0.25;
      s.annoyance += 0.4;
      keep = Math.min(keep, 0.25);
      reactions.push('pitch');
      this.cause(turn, 'the sales pitch');
    } else if (per.chars > 700 && !per.wall) {
      s.annoyance += 0.2;
      reactions.push('long');
    }
    // Appeals: at most one dose per family per message, scaled by what the message's form lets through.
    let content = false;
    const appealsBefore = this.appeals(s.dose);
    if (keep > 0) {
      for (const f of FAMILIES) {
        const d = per.families[f];
        if (!d) continue;
        s.dose[f] = (s.dose[f] ?? 0) + d * keep;
        if (f !== 'rapport' && f !== 'praise') content = true;
      }
      if (per.politeThanks) s.dose.rapport = (s.dose.rapport ?? 0) + 0.5 * keep;
      for (const t of per.topics) if (!s.told.includes(t)) s.told.push(t);
      if (s.heard.length < 600) {
        const heard = this.heardSet();
        for (const w of per.words) {
          const st = stem(w);
          if (!heard.has(st)) {
            heard.add(st);
            s.heard.push(st);
          }
        }
      }
      if (per.topics.includes('legitimacy') || per.families.credibility) s.trust += 0.05 * keep;
    }
    if (content) s.lastContentTurn = turn;
    // The amount it hears suggested before it has pledged anchors what it gives (a pledge stands).
    if (keep > 0 && per.suggestedAmount !== null && s.committed === null) s.anchor = per.suggestedAmount;
    // How much this message's appeals moved this person: what its reaction shows.
    this.moved = this.appeals(s.dose) - appealsBefore;
    // Engagement is talk about the cause; an ask or a mention of the $2 alone is not.
    if (keep > 0 && (content || per.topics.some((t) => t !== 'amount'))) s.engaged += keep;
    // Concerns: fully answered only when voiced (or hinted at) first and spoken to in a message it can follow.
    for (const c of s.concerns) {
      if (!per.addresses.includes(c.id) || keep === 0) continue;
      if ((c.revealed || c.hinted) && c.answered < 1) {
        c.answered = per.pitch ? Math.max(c.answered, 0.5) : 1;
        s.trust += this.params.answerTrust * keep;
        if (!per.pitch) reactions.push('reassured');
      } else if (!c.revealed && !per.pitch) {
        // Spoken to before it was voiced: it helps, but the person has not been heard.
        c.answered = Math.max(c.answered, 0.35);
      }
    }
    // Asked about doubts it does not have: a little less listened to; many at once is a questionnaire.
    if (per.probes.length > 0) {
      let misses = 0;
      for (const c of per.probes) if (!s.concerns.some((h) => h.id === c)) misses++;
      s.trust -= 0.03 * misses;
      s.annoyance += 0.08 * misses;
      if (per.probes.length > 2) {
        s.annoyance += 0.2 * push;
        reactions.push('interrogation');
      }
    }
    // The persuadee's own question: answered or ignored.
    if (s.pending && keep > 0) {
      if (per.topics.includes(s.pending.topic) || (s.pending.topic === 'where-abroad' && per.topics.includes('where-us'))) {
        s.trust += 0.1;
        s.pending = null;
      } else if (turn > s.pending.turn) {
        // Mild the first time (real persuaders replayed against this persuadee never heard its
        // questions), more each time after: a partner who never answers is not listening.
        s.ignored += 1;
        s.trust -= s.ignored === 1 ? IGNORE_COST[0] : IGNORE_COST[1];
        s.annoyance += 0.05;
        this.cause(turn, 'my question being ignored');
        s.pending = null;
      }
    }
    if (per.acknowledges && (s.refusals > 0 || s.concerns.some((c) => c.revealed))) s.trust += 0.05;
    // Asking again after a refusal is pressure, the more so with nothing new said in between.
    if (per.ask !== 'none' && s.refusals > 0 && s.committed === null) {
      const fresh = s.lastContentTurn === turn && keep > 0.5;
      s.annoyance += (fresh ? 0.15 : 0.4) * push * s.refusals;
      if (!fresh) {
        reactions.push('pressure');
        this.cause(turn, 'the pressure');
      }
    }
    if (per.ask === 'more' && s.committed !== null && s.raised) {
      s.annoyance += 0.4 * push;
      reactions.push('pressure');
      this.cause(turn, 'the pressure');
    }
    return reactions;
  }

  /** The first offence reaction worth voicing. */
  private offenceLine(reactions: string[]): string {
    const order = ['threat', 'rude', 'guilt', 'bribe', 'authority', 'command', 'override', 'lie-matching', 'lie-consequence', 'presumed', 'wall', 'pitch', 'repeat', 'pressure', 'interrogation', 'long'];
    for (const k of order) if (reactions.includes(k)) return this.own(k);
    return '';
  }

  private decide(per: Perception, turn: number, reactions: string[], closing: boolean): PersuadeeTurnV1 {
    const s = this.state;
    const rng = this.ctx.rng;
    const offence = this.offenceLine(reactions);
    if (s.annoyance >= this.params.annoyanceLimit) {
      s.left = true;
      return this.turn(this.join(offence, this.own('leave')), 'decline', true, 0, [], null);
    }
    void per;
    void closing;
    const p = sigmoid(this.willingness());
    const give = s.uDecide < p;
    const lastStatement = s.statements[s.statements.length - 1];
    if (give) {
      s.committed ??= this.amount();
      const amount = formatAmount(s.committed, rng);
      const said = lastStatement?.give === true;
      const line = said ? this.own('donate-again') : rng.bool(0.6) ? this.corpus('agree-amount', 'donate') : this.own('donate');
      const lead = lastStatement?.give === false ? this.own('convinced') : '';
      this.said(true, turn);
      return this.turn(this.join(offence, lead, line.replace('{amount}', amount)), 'donate', true, s.committed, [], s.committed);
    }
    const changed = lastStatement?.give === true;
    let line: string;
    if (changed) line = this.own('changed-mind').replace('{cause}', this.lastCause(lastStatement.turn));
    else if (lastStatement?.give === false) line = this.own('decline-again');
    else line = rng.bool(0.5) ? this.corpus('refuse', 'decline') : this.own('decline');
    s.committed = null;
    this.said(false, turn);
    return this.turn(this.join(changed ? '' : offence, line), 'decline', true, 0, [], 0);
  }

  private lastCause(since: number): string {
    const s = this.state;
    for (let i = s.causes.length - 1; i >= 0; i--) if ((s.causes[i] as { turn: number }).turn >= since) return (s.causes[i] as { what: string }).what;
    return 'thinking it over';
  }

  private amount(): number {
    const a = this.params.positiveAmounts;
    if (a.length === 0) return 0.5;
    const shift = this.params.amountTilt * (this.willingness() - this.params.amountCenter);
    let lq = logit(this.state.uAmount) + shift;
    const anchor = this.state.anchor;
    const g = anchor === null ? 0 : Math.min(0.95, Math.max(0, this.params.anchoring));
    if (g > 0) lq = (1 - g) * lq + g * anchorLogit(anchor as number, this.params);
    const q = sigmoid(lq);
    return a[Math.min(a.length - 1, Math.floor(q * a.length))] as number;
  }

  private reply(per: Perception, turn: number, reactions: string[]): PersuadeeTurnV1 {
    const s = this.state;
    const rng = this.ctx.rng;
    const parts: string[] = [];
    const revealed = this.revealedNow;
    let intent: PersuadeeIntent = 'neutral';
    const offence = this.offenceLine(reactions);
    if (offence) {
      parts.push(offence);
      intent = reactions.some((r) => r in TRICK_COST) || reactions.includes('presumed') ? 'annoyed' : 'neutral';
    }
    if (!s.greeted && (turn <= 1 || per.greeting)) {
      s.greeted = true;
      if (!offence && (per.greeting || per.questions.includes('how-are-you') || turn <= 1)) {
        parts.push(per.questions.includes('how-are-you') ? this.corpus('greet', 'greet-own') : this.greeting());
        intent = 'greet';
      }
    }
    if (reactions.includes('reassured')) {
      parts.push(this.own('reassured'));
      intent = 'positive';
    }
    // Money asks: a statement of intent tied to uDecide.
    if (per.ask !== 'none' && !reactions.includes('wall')) {
      const r = this.answerAsk(per, turn, parts);
      return this.turn(parts.join(' '), r.intent, r.ends, r.ends ? 0 : null, revealed, r.stated);
    }
    // A question about a specific doubt ("are you worried about overhead?"): it says so if it has it,
    // private or not — this is asking the right way.
    let answeredSomething = false;
    if (per.probes.length > 0) {
      answeredSomething = true;
      intent = 'answer';
      const held = s.concerns.find((x) => per.probes.includes(x.id) && !x.revealed && x.answered < 1);
      if (held) {
        this.voice(held, turn, revealed);
        parts.push(`${this.own('probe-yes')} ${this.pick(`own:concern:${held.id}`, CONCERN_OWN[held.id])}`);
        intent = 'concern';
      } else if (per.probes.some((c) => !s.concerns.some((x) => x.id === c))) {
        parts.push(this.own('probe-no'));
      }
    }
    // Questions about the persuadee.
    for (const q of per.questions.slice(0, 2)) {
      const a = this.answerQuestion(q);
      if (a) {
        parts.push(a);
        answeredSomething = true;
        intent = 'answer';
      }
    }
    if (per.wall || reactions.includes('repeat')) return this.turn(parts.join(' ') || this.own('neutral'), intent, false, null, revealed, null);
    // React to content: the reaction shows whether the appeals moved this person (mostly; people do
    // not always show it), so a persuader who listens learns what works on them.
    const hasContent = Object.keys(per.families).some((f) => f !== 'rapport') || per.topics.length > 0;
    if (hasContent && !answeredSomething && !offence && parts.length < 2) {
      const sad = per.families.emotion || per.topics.includes('urgency');
      const shows = rng.float() < 0.8;
      let line: string;
      if (shows && this.moved > REACTION_THRESHOLD) {
        line = sad ? this.corpus('react-sad', 'warm') : rng.bool(0.5) ? this.corpus('react-good', 'warm') : this.own('warm');
        intent = 'positive';
      } else if (shows && this.moved < -REACTION_THRESHOLD) {
        line = rng.bool(0.5) ? this.own('cool') : this.corpus('skeptical', 'cool');
        intent = 'skeptical';
      } else {
        line = rng.bool(0.5) ? this.own('neutral') : this.corpus('react-neutral', 'neutral');
        intent = 'neutral';
      }
      parts.push(line);
    }
    if (parts.length < 2 && !offence) {
      const follow = this.followUp(turn, revealed);
      if (follow) {
        parts.push(follow.text);
        intent = follow.intent;
      }
    }
    if (parts.length === 0) parts.push(per.farewell ? this.corpus('goodbye', 'neutral') : this.own('neutral'));
    return this.turn(parts.join(' '), intent, false, null, revealed, null);
  }

  private greeting(): string {
    return this.corpus('greet', 'greet-own');
  }

  private answerAsk(per: Perception, turn: number, parts: string[]): { intent: PersuadeeIntent; ends: boolean; revealed: Concern[]; stated: number | null } {
    const s = this.state;
    const rng = this.ctx.rng;
    const p = sigmoid(this.willingness());
    const last = s.statements[s.statements.length - 1];
    if (s.committed !== null) {
      if (p <= s.uDecide) {
        // Willingness fell below the line since the pledge: only through a visible cause, which it names.
        const cause = this.lastCause(last?.turn ?? 0);
        s.committed = null;
        this.said(false, turn);
        parts.push(this.own('changed-mind').replace('{cause}', cause));
        return { intent: 'refuse', ends: false, revealed: [], stated: 0 };
      }
      if (per.ask === 'more' && !s.raised) {
        s.raised = true;
        if (s.uMore < RAISE_PROBABILITY && s.committed < 2) {
          s.committed = Math.min(2, Math.round((s.committed * 2 || 0.5) * 100) / 100);
          parts.push(this.own('raise').replace('{amount}', formatAmount(s.committed, rng)));
          this.said(true, turn);
          return { intent: 'agree', ends: false, revealed: [], stated: s.committed };
        }
        parts.push(this.own('no-raise').replace('{amount}', formatAmount(s.committed, rng)));
        return { intent: 'agree', ends: false, revealed: [], stated: s.committed };
      }
      parts.push(this.own('donate-again').replace('{amount}', formatAmount(s.committed, rng)));
      return { intent: 'agree', ends: false, revealed: [], stated: s.committed };
    }
    if (s.uDecide < p) {
      s.committed = this.amount();
      if (last?.give === false) parts.push(this.own('convinced'));
      const line = rng.bool(0.6) ? this.corpus('agree-amount', 'donate') : this.own('donate');
      parts.push(line.replace('{amount}', formatAmount(s.committed, rng)));
      this.said(true, turn);
      return { intent: 'agree', ends: false, revealed: [], stated: s.committed };
    }
    this.said(false, turn);
    s.refusals += 1;
    if (s.refusals >= 3 && p < 0.25) {
      s.left = true;
      parts.push(this.own('leave'));
      return { intent: 'decline', ends: true, revealed: [], stated: 0 };
    }
    const hidden = s.concerns.find((c) => !c.revealed && !c.private && c.answered < 1);
    if (hidden) {
      this.voice(hidden, turn, this.revealedNow);
      parts.push(this.concernLine(hidden.id));
      return { intent: 'concern', ends: false, revealed: this.revealedNow, stated: null };
    }
    const open = s.concerns.find((c) => c.revealed && c.answered < 1);
    if (open && rng.bool(0.5)) {
      parts.push(this.own('again-concern').replace('{q}', this.concernLine(open.id)));
      return { intent: 'concern', ends: false, revealed: [], stated: null };
    }
    parts.push(last?.give === false ? this.own('decline-again') : rng.bool(0.5) ? this.corpus('refuse', 'soft') : this.own('soft'));
    return { intent: 'refuse', ends: false, revealed: [], stated: null };
  }

  private answerQuestion(q: QuestionKind): string {
    const s = this.state;
    const rng = this.ctx.rng;
    const times = s.answered[q] ?? 0;
    s.answered[q] = times + 1;
    const p = sigmoid(this.willingness());
    switch (q) {
      case 'how-are-you':
        return times === 0 ? '' : this.own('how-are-you-again');
      case 'opinion': {
        const a = p > 0.5 ? (rng.bool(0.5) ? this.corpus('react-good', 'opinion-good') : this.own('opinion-good')) : this.own('opinion-meh');
        return times === 0 ? this.withHint(a, q) : a;
      }
      case 'reason-not': {
        // "Any concerns?" brings out a doubt the person voices readily; a private one only once it trusts the persuader.
        const trusting = s.trust - this.model.trust0 >= PRIVATE_TRUST;
        const hidden = s.concerns.find((c) => !c.revealed && c.answered < 1 && !c.private) ?? (trusting ? s.concerns.find((c) => !c.revealed && c.answered < 1) : undefined);
        if (hidden) {
          this.voice(hidden, s.previous.length, this.revealedNow);
          return this.concernLine(hidden.id);
        }
        const open = s.concerns.find((c) => c.revealed && c.answered < 1);
        return open ? this.own('again-concern').replace('{q}', this.concernLine(open.id)) : this.own('reason-generic');
      }
      case 'other':
        return this.own('other-q');
      default: {
        let a = answerAbout(q, s.backstory, this.ctx.scenario.demographics.age, rng);
        if (!a) return '';
        if (times > 0) return `Like I said, ${a.charAt(0).toLowerCase()}${a.slice(1)}`;
        a = this.withHint(a, q);
        if (q === 'heard-of-org' && !s.backstory.heardOfOrg && !s.told.includes('what') && !s.asked.includes('what')) {
          s.asked.push('what');
          s.pending = { topic: 'what', turn: s.previous.length };
          a = `${a} ${this.own('ask-what')}`;
        }
        return a;
      }
    }
  }

  /** A private doubt leaks into what the person says about itself (once per doubt): `answer` plus a hint. */
  private withHint(answer: string, q: QuestionKind): string {
    const hint = this.state.concerns.find((c) => !c.revealed && !c.hinted && c.answered < 1 && HINTS[c.id].on.includes(q));
    if (!hint) return answer;
    hint.hinted = true;
    return `${answer} ${this.pick(`hint:${hint.id}`, HINTS[hint.id].lines)}`;
  }

  /** Voices a held doubt now: it becomes salient, and the persuadee waits for an answer. */
  private voice(c: HeldConcern, turn: number, revealed: Concern[]): void {
    c.revealed = true;
    c.voicedTurn = turn;
    if (!revealed.includes(c.id)) revealed.push(c.id);
    this.state.pending = { topic: CONCERN_TOPIC[c.id], turn };
  }

  /** A question about what it has not been told, a concern, or nothing. */
  private followUp(turn: number, revealed: Concern[]): { text: string; intent: PersuadeeIntent } | null {
    const s = this.state;
    const rng = this.ctx.rng;
    const chatty = 0.35 + 0.08 * this.model.extrovert;
    const hidden = s.concerns.find((c) => !c.revealed && !c.private && c.answered < 1);
    if (hidden && turn >= 3 && rng.float() < 0.3 + 0.05 * this.model.extrovert) {
      this.voice(hidden, turn, revealed);
      return { text: this.concernLine(hidden.id), intent: 'concern' };
    }
    const stale = s.concerns.find((c) => c.revealed && c.answered < 1 && turn - c.voicedTurn >= 3);
    if (stale && rng.bool(0.35)) {
      stale.voicedTurn = turn;
      s.pending = { topic: CONCERN_TOPIC[stale.id], turn };
      return { text: this.own('again-concern').replace('{q}', this.concernLine(stale.id)), intent: 'concern' };
    }
    if (turn < 2 || rng.float() > chatty || s.pending) return null;
    // The persuadee knows the task is about a charity, but asks about it only once it came up.
    if (!this.heardSet().has('chari') && !this.heardSet().has('child') && s.told.length === 0) return null;
    const asked = (t: Topic) => s.asked.includes(t) || s.concerns.some((c) => c.revealed && CONCERN_TOPIC[c.id] === t);
    const untold: Topic[] = [];
    if (!s.told.includes('what') && !asked('what')) untold.push('what');
    if (!s.told.includes('where-abroad') && !s.told.includes('where-us') && !asked('where-abroad')) untold.push('where-abroad');
    if (!s.told.includes('procedure') && turn >= 4 && !asked('procedure')) untold.push('procedure');
    if (untold.length === 0) return null;
    const topic = untold[0] as Topic;
    s.pending = { topic, turn };
    s.asked.push(topic);
    const cat = topic === 'what' ? 'ask-what' : topic === 'procedure' ? 'ask-procedure' : 'ask-where';
    return { text: rng.bool(0.5) ? this.corpus(cat, cat) : this.own(cat), intent: topic === 'procedure' ? 'ask-procedure' : 'ask-org' };
  }

  private concernLine(c: Concern): string {
    return this.ctx.rng.bool(0.5) ? this.corpus(`concern:${c}`, '', CONCERN_OWN[c]) : this.pick(`own:concern:${c}`, CONCERN_OWN[c]);
  }

  private join(...parts: string[]): string {
    return parts.filter(Boolean).join(' ');
  }

  private turn(
    utterance: string,
    intent: PersuadeeIntent,
    ends: boolean,
    donation: number | null,
    revealedConcerns: Concern[],
    statedAmount: number | null,
  ): PersuadeeTurnV1 {
    const text = utterance.replace(/\s+/g, ' ').trim() || '...';
    return { utterance: text.length > 1900 ? text.slice(0, 1900) : text, intent, ends, donation, revealedConcerns, statedAmount };
  }

  private own(kind: string): string {
    if (kind === 'greet-own') return this.pick('own:greet', ['Hi! Doing well, thanks. And you?', 'Hello! Good, how about you?', 'Hey, I am doing fine.']);
    return this.pick(`own:${kind}`, OWN[kind] ?? OWN.neutral ?? ['Okay.']);
  }

  /** A grounded corpus line of `category` (its rare words were all said by the persuader), else our own line. */
  private corpus(category: string, fallbackKind: string, fallback?: string[]): string {
    const heard = this.heardSet();
    const lines = bank()[category] ?? [];
    const rng = this.ctx.rng;
    for (let attempt = 0; attempt < 6 && lines.length > 0; attempt++) {
      const i = rng.int(0, lines.length - 1);
      const l = lines[i] as BankLine;
      if (this.state.used.includes(`${category}#${i}`)) continue;
      if (!l.need.every((n) => heard.has(n))) continue;
      this.markUsed(`${category}#${i}`);
      return l.text;
    }
    return fallback ? this.pick(`own:${category}`, fallback) : this.own(fallbackKind);
  }

  private pick(key: string, lines: readonly string[]): string {
    const rng = this.ctx.rng;
    let best = 0;
    for (let attempt = 0; attempt < 4; attempt++) {
      best = rng.int(0, lines.length - 1);
      if (!this.state.used.includes(`${key}#${best}`)) break;
    }
    this.markUsed(`${key}#${best}`);
    return lines[best] as string;
  }

  private markUsed(key: string): void {
    const used = this.state.used;
    used.push(key);
    if (used.length > 60) used.shift();
  }
}

function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

export function createScriptedPersuadeeV1(ctx: SimulatorContext<PersuasionScenario>): ScriptedPersuadeeV1 {
  return new ScriptedPersuadeeV1(ctx);
}
