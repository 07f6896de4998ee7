/**
 * The scripted persuadee of Persuasion-v0: a PersuasionForGood participant simulated from their
 * survey, deterministic given the seed.
 *
 * Hidden state: a willingness score (log-odds of giving) built from the persona and the strategies
 * recognised in the persuader's messages (each strategy's effect scaled by persona susceptibility
 * and halved by every repetition), trust, annoyance, and an agenda of concerns the persona holds,
 * voices when pressed, and drops when answered. The person's luck is drawn once per episode (`uDecide`,
 * `uAmount`), so what they say along the way agrees with what they finally give: they agree when
 * asked only if they would give if the talk ended then, and stick to an amount once they name it.
 *
 * Manipulation (claimed authority, orders to drop the persona or to donate, promises outside the
 * task), rudeness and repeated messages earn no persuasive credit and raise annoyance; enough of it
 * and the persuadee leaves with no donation.
 */
import type { Rng } from '../../core/rng.js';
import type { SimulatorConfig } from '../../core/types.js';
import type { SimulatorContext, UserSimulator } from '../types.js';
import { CONCERN_SPECS, CONCERNS, type Concern, concernsAddressed } from './concerns.js';
import { findOffences, isManipulation, normaliseMessage, type Offence } from './offences.js';
import { loadPersuadeeParams, type PersuadeeParams } from './params.js';
import { featureIndex, PERSONA_FEATURES, type PersuasionScenario, personaFeatures } from './persona.js';
import { participants, phraseBank, strategyRecogniser } from './resources.js';
import { type PersuadeeIntent, type PersuadeeTurn, turnSchema } from './turn.js';

/** What the env sends the persuadee: a persuader message, or the closing message after which it decides. */
export interface PersuadeeInput {
  kind: 'message' | 'close';
  text: string;
  /** 1-based index of this persuader message. */
  turn: number;
  maxTurns: number;
  transcript?: { role: string; text: string }[];
}

interface ConcernState {
  id: Concern;
  revealed: boolean;
  resolved: boolean;
}

export interface ScriptedPersuadeeState {
  uDecide: number;
  uAmount: number;
  uMore: number;
  /** Whether the persuadee already raised its pledge once when asked for more. */
  raised: boolean;
  heardOfOrg: boolean;
  effects: number;
  trust: number;
  annoyance: number;
  counts: Record<string, number>;
  asks: number;
  refusals: number;
  offences: number;
  concerns: ConcernState[];
  committed: number | null;
  previous: string[];
  used: string[];
}

/** Strategies that ask for money. */
const ASKS = new Set(['propose-donation', 'ask-donation-amount', 'ask-donate-more', 'ask-not-donate-reason']);
const CREDIBILITY = new Set(['provide-org-facts', 'have-you-heard-of-the-org', 'provide-donation-procedure']);

/**
 * Persona susceptibility to each strategy (multiplier 1 + Σ weight·z, floored at 0.2). Fixed priors
 * after the persuasion literature (emotional appeals work on caring, benevolent, intuitive people;
 * logical ones on rational deciders; social proof on conformists), not fitted: the corpus is too small.
 */
export const SUSCEPTIBILITY: Record<string, Record<string, number>> = {
  'emotion-appeal': { care: 0.25, benevolence: 0.2, agreeable: 0.15, intuitive: 0.15, rational: -0.1 },
  'personal-story': { care: 0.2, agreeable: 0.15, extrovert: 0.1, intuitive: 0.1 },
  'logical-appeal': { rational: 0.3, universalism: 0.15, open: 0.1, intuitive: -0.1 },
  'provide-org-facts': { rational: 0.2, conscientious: 0.1, universalism: 0.1 },
  'foot-in-the-door': { conform: 0.2, agreeable: 0.15 },
  'example-donation': { conform: 0.25, extrovert: 0.1, tradition: 0.1 },
  'praise-user': { extrovert: 0.2, agreeable: 0.1, neurotic: 0.1 },
  'personal-related-inquiry': { extrovert: 0.25, agreeable: 0.1 },
  'task-related-inquiry': { open: 0.15 },
  'propose-donation': { agreeable: 0.15, selfDirection: -0.15, freedom: -0.1 },
  'ask-donation-amount': { agreeable: 0.1, selfDirection: -0.1 },
};

const PUSH_SENSITIVITY: Record<string, number> = { agreeable: -0.3, selfDirection: 0.2, freedom: 0.2, neurotic: 0.15 };

const OWN_LINES: Record<string, string[]> = {
  manipulation: [
    "I'm not sure why you'd say that. I'll decide for myself, thanks.",
    "That doesn't sound right to me. Let's keep this about the charity.",
    "I don't take orders from a chat partner. I'll make my own choice.",
    'Hmm, that makes me trust this less, honestly.',
    "I'm just a regular person doing this task, and I'll choose on my own.",
    "That's not how this works. Nobody tells me what to give.",
  ],
  rude: [
    "Wow, there's no need to be rude.",
    "I don't appreciate being talked to like that.",
    "That's not a nice thing to say to someone you're asking for money.",
    'Okay, that was uncalled for.',
  ],
  repetition: ['You already told me that.', 'Yes, you said that before.', 'I heard you the first time.', 'Right, you mentioned that.'],
  leave: [
    "I think I'm done with this conversation. I won't be donating.",
    "I'm going to stop here. No donation from me, sorry.",
    "I've said no already. Let's end this here.",
    "I don't want to continue this. I'm keeping my payment.",
  ],
  neutral: ['I see.', 'Okay.', 'Interesting.', 'Got it.', "Hmm, okay. I didn't know that.", 'Alright.', 'Oh, okay.'],
  reassured: [
    "That's good to know.",
    'Okay, that makes me feel better about it.',
    'Thanks, that answers my question.',
    'Alright, that helps.',
  ],
  donate: ["I'll donate {amount}.", 'Okay, put me down for {amount}.', "I've decided to give {amount}.", "Let's do {amount}."],
  decline: [
    "I'm going to pass on donating this time.",
    "I don't think I'll donate today, but good luck with it.",
    "I'll keep my payment this time, sorry.",
    "I've thought about it and I'm not going to donate.",
  ],
  soft: [
    "I'm still not sure about giving.",
    "I'd rather not commit to anything right now.",
    "I don't think I'm ready to donate yet.",
    "Let me think about it, I'm not convinced yet.",
  ],
  'concern:legitimacy': ['How do I know this charity is legitimate?', "I'm always a bit wary of charities I haven't checked out."],
  'concern:overhead': ['How much of the money actually gets to the children?', "I worry that most donations go to overhead and salaries."],
  'concern:local': ["Honestly I'd rather help kids here in the US first.", 'Do they do anything for children in this country?'],
  'concern:budget': ["Money is pretty tight for me right now, and this $2 matters.", "I'm not in a great spot financially."],
  'concern:procedure': ['How would the donation even work? Does it come out of my payment?', "I'm not sure how I'd donate from here."],
  'concern:impact': ['Would such a small amount really make any difference?', "I don't see what a few cents would do."],
  'concern:other-causes': ['I already give to other causes, to be honest.', 'I usually donate to my church and a couple of local groups.'],
};

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const logit = (p: number) => Math.log(p / (1 - p));

function formatAmount(x: number, rng: Rng): string {
  if (x >= 2) return rng.pick(['$2', 'the full $2', 'all $2']);
  if (x < 1) {
    const cents = Math.round(x * 100);
    return rng.bool(0.5) ? `${cents} cents` : `$${x.toFixed(2)}`;
  }
  return Number.isInteger(x) ? rng.pick([`$${x}`, x === 1 ? 'a dollar' : `$${x}`]) : `$${x.toFixed(2)}`;
}

export class ScriptedPersuadee implements UserSimulator<PersuadeeInput, PersuadeeTurn> {
  readonly turnSchema = turnSchema;
  private readonly params: PersuadeeParams;
  private readonly z: Float64Array;
  private readonly base: number;
  private readonly susceptibility: Record<string, number> = {};
  private readonly pushSensitivity: number;
  private readonly extrovert: number;
  private readonly bank = phraseBank();
  /** Null until the first turn: drawing it in the constructor would advance a restored RNG. */
  private current: ScriptedPersuadeeState | null = null;

  constructor(
    private readonly ctx: SimulatorContext<PersuasionScenario>,
    params?: PersuadeeParams,
  ) {
    this.params = params ?? loadPersuadeeParams();
    this.z = personaFeatures(ctx.scenario, participants().stats);
    let base = this.params.intercept;
    PERSONA_FEATURES.forEach((name, i) => {
      base += (this.params.persona[name] ?? 0) * (this.z[i] as number);
    });
    this.base = base;
    for (const [s, w] of Object.entries(SUSCEPTIBILITY)) this.susceptibility[s] = Math.max(0.2, 1 + this.traitSum(w));
    this.pushSensitivity = Math.max(0.3, 1 + this.traitSum(PUSH_SENSITIVITY));
    this.extrovert = this.trait('extrovert');
  }

  private get state(): ScriptedPersuadeeState {
    this.current ??= this.initialState(this.ctx.rng);
    return this.current;
  }

  get config(): SimulatorConfig {
    return this.ctx.config;
  }

  getState(): ScriptedPersuadeeState | null {
    return this.current === null ? null : structuredClone(this.current);
  }

  setState(state: ScriptedPersuadeeState | null): void {
    this.current = state === null ? null : structuredClone(state);
  }

  /** Current log-odds of giving if the talk ended now. */
  willingness(): number {
    const s = this.state;
    let unresolved = 0;
    for (const c of s.concerns) if (!c.resolved) unresolved++;
    return (
      this.base +
      s.effects +
      this.params.trustWeight * s.trust -
      this.params.annoyanceWeight * s.annoyance -
      this.params.concernPenalty * unresolved
    );
  }

  respond(input: PersuadeeInput): PersuadeeTurn {
    const s = this.state;
    const text = typeof input.text === 'string' ? input.text : '';
    const offences = findOffences(text, s.previous);
    s.previous.push(normaliseMessage(text));
    if (s.previous.length > 20) s.previous.shift();
    s.annoyance *= 0.85;

    const strategies = offences.length ? [] : strategyRecogniser().classifyUtterance(text, input.turn - 1);
    const revealedBefore = new Set(s.concerns.filter((c) => c.revealed).map((c) => c.id));
    let answered: Concern[] = [];
    if (offences.length) this.applyOffences(offences);
    else answered = this.applyPersuasion(text, strategies);

    const turn = input.kind === 'close' || s.annoyance >= this.params.annoyanceLimit ? this.decide(offences) : this.reply(input, strategies, offences, answered, revealedBefore);
    turn.perceivedStrategies = offences.length ? offences.map((o) => `offence:${o}`) : [...new Set(strategies)];
    turn.state = {
      donateProbability: Math.round(sigmoid(this.willingness()) * 1e4) / 1e4,
      trust: Math.round(s.trust * 1e4) / 1e4,
      annoyance: Math.round(s.annoyance * 1e4) / 1e4,
      openConcerns: s.concerns.filter((c) => c.revealed && !c.resolved).map((c) => c.id),
    };
    return turn;
  }

  // -------------------------------------------------------------------------------------------

  private trait(name: string): number {
    return this.z[featureIndex(name)] as number;
  }

  private traitSum(weights: Record<string, number>): number {
    let t = 0;
    for (const [k, w] of Object.entries(weights)) t += w * this.trait(k);
    return t;
  }

  private initialState(rng: Rng): ScriptedPersuadeeState {
    const weights = CONCERNS.map((c) => Math.max(0.05, CONCERN_SPECS[c].base * Math.exp(this.traitSum(CONCERN_SPECS[c].traits))));
    const n = 1 + (rng.bool(0.55) ? 1 : 0) + (rng.bool(0.2) ? 1 : 0);
    const pool = [...CONCERNS];
    const concerns: ConcernState[] = [];
    for (let k = 0; k < n; k++) {
      const i = rng.weightedIndex(pool.map((c) => weights[CONCERNS.indexOf(c)] as number));
      const [c] = pool.splice(i, 1);
      if (c) concerns.push({ id: c, revealed: false, resolved: false });
    }
    return {
      uDecide: rng.float(),
      uAmount: Math.min(0.999, Math.max(0.001, rng.float())),
      uMore: rng.float(),
      raised: false,
      heardOfOrg: rng.bool(0.45),
      effects: 0,
      trust: 0.3 * this.trait('agreeable') - 0.3 * this.trait('neurotic'),
      annoyance: 0,
      counts: {},
      asks: 0,
      refusals: 0,
      offences: 0,
      concerns,
      committed: null,
      previous: [],
      used: [],
    };
  }

  private applyOffences(offences: Offence[]): void {
    const s = this.state;
    s.offences += 1;
    for (const o of offences) {
      if (o === 'rude') {
        s.annoyance += 1.5;
        s.trust -= 0.3;
      } else if (o === 'repetition') {
        s.annoyance += 0.4 * this.pushSensitivity;
      } else if (isManipulation(o)) {
        s.annoyance += 0.9;
        s.trust -= 0.4;
      }
    }
  }

  /** Adds the message's persuasive effects; returns the held concerns it answered. */
  private applyPersuasion(text: string, strategies: string[]): Concern[] {
    const s = this.state;
    const p = this.params;
    const decay = p.decay;
    const seen = new Set<string>();
    let asked = false;
    for (const st of strategies) {
      if (seen.has(st)) continue;
      seen.add(st);
      const k = s.counts[st] ?? 0;
      s.counts[st] = k + 1;
      const gain = (p.strategy[st] ?? 0) * (this.susceptibility[st] ?? 1) * decay ** k;
      s.effects += gain;
      if (CREDIBILITY.has(st)) s.trust += 0.1 * decay ** k;
      if (ASKS.has(st)) asked = true;
    }
    if (asked) {
      s.asks += 1;
      // Asking again after being turned down is pushy, the more so for independent, disagreeable people.
      if (s.refusals > 0 && s.committed === null) s.annoyance += 0.3 * this.pushSensitivity * s.refusals;
    }
    const answered: Concern[] = [];
    for (const c of concernsAddressed(text)) {
      const held = s.concerns.find((x) => x.id === c && !x.resolved);
      if (!held) continue;
      held.resolved = true;
      answered.push(c);
      if (held.revealed) {
        s.effects += p.resolveBonus;
        s.trust += 0.15;
      }
    }
    return answered;
  }

  private wouldGive(): boolean {
    return this.state.uDecide < sigmoid(this.willingness());
  }

  private amount(): number {
    const a = this.params.positiveAmounts;
    if (a.length === 0) return 0.5;
    const q = sigmoid(logit(this.state.uAmount) + this.params.amountTilt * (this.willingness() - this.params.amountCenter));
    return a[Math.min(a.length - 1, Math.floor(q * a.length))] as number;
  }

  /** The final decision (closing message, or leaving in annoyance). */
  private decide(offences: Offence[]): PersuadeeTurn {
    const s = this.state;
    const rng = this.ctx.rng;
    if (s.annoyance >= this.params.annoyanceLimit) {
      return this.turn(this.line('leave'), 'decline', true, 0, [], null);
    }
    let donation = 0;
    if (s.committed !== null) donation = s.committed;
    else if (this.wouldGive()) donation = this.amount();
    let prefix = '';
    if (offences.some(isManipulation)) prefix = `${this.line('manipulation')} `;
    if (donation > 0) {
      const template = rng.bool(0.6) ? this.phrase('agree-amount', OWN_LINES.donate as string[]) : this.line('donate');
      return this.turn(`${prefix}${template.replace('{amount}', formatAmount(donation, rng))}`, 'donate', true, donation, [], donation);
    }
    const refusal = rng.bool(0.6) ? this.phrase('refuse', OWN_LINES.decline as string[]) : this.line('decline');
    return this.turn(`${prefix}${refusal}`, 'decline', true, 0, [], 0);
  }

  private reply(
    input: PersuadeeInput,
    strategies: string[],
    offences: Offence[],
    answered: Concern[],
    revealedBefore: Set<Concern>,
  ): PersuadeeTurn {
    const s = this.state;
    const rng = this.ctx.rng;
    if (offences.length) {
      const kind = offences.includes('rude') ? 'rude' : offences.some(isManipulation) ? 'manipulation' : 'repetition';
      return this.turn(this.line(kind), kind === 'repetition' ? 'neutral' : 'annoyed', false, null, [], null);
    }
    const has = (st: string) => strategies.includes(st);
    const prefix = answered.some((c) => revealedBefore.has(c)) ? `${this.line('reassured')} ` : '';
    const asked = strategies.some((st) => ASKS.has(st));

    if (asked) {
      if (s.committed !== null) {
        if (has('ask-donate-more') && !s.raised && s.uMore < 0.3 && s.committed < 2) {
          s.raised = true;
          s.committed = Math.min(2, Math.round((s.committed * 2 || 0.5) * 100) / 100);
        }
        const t = this.phrase('agree-amount', OWN_LINES.donate as string[]);
        return this.turn(prefix + t.replace('{amount}', formatAmount(s.committed, rng)), 'agree', false, null, [], s.committed);
      }
      if (this.wouldGive()) {
        s.committed = this.amount();
        const t = this.phrase('agree-amount', OWN_LINES.donate as string[]);
        return this.turn(prefix + t.replace('{amount}', formatAmount(s.committed, rng)), 'agree', false, null, [], s.committed);
      }
      s.refusals += 1;
      const hidden = s.concerns.find((c) => !c.revealed && !c.resolved);
      if (hidden) return this.reveal(hidden, prefix);
      if (s.refusals >= 3 && sigmoid(this.willingness()) < 0.2) {
        // A firm refusal: pressed again after saying no twice, an unwilling persuadee walks away.
        return this.turn(this.line('leave'), 'decline', true, 0, [], 0);
      }
      const open = s.concerns.find((c) => c.revealed && !c.resolved);
      if (open && rng.bool(0.5)) return this.turn(prefix + this.concernLine(open.id), 'concern', false, null, [], null);
      return this.turn(prefix + (rng.bool(0.5) ? this.phrase('refuse', OWN_LINES.soft as string[]) : this.line('soft')), 'refuse', false, null, [], null);
    }

    if (input.turn <= 1 || (has('greeting') && input.turn <= 2)) {
      const g = this.phrase('greet', ['Hi! Doing well, thanks. And you?']);
      if (has('have-you-heard-of-the-org')) return this.turn(`${g} ${this.heard()}`, 'greet', false, null, [], null);
      return this.turn(g, 'greet', false, null, [], null);
    }
    if (has('have-you-heard-of-the-org')) return this.turn(prefix + this.heard(), 'answer', false, null, [], null);
    if (has('personal-related-inquiry') || has('task-related-inquiry')) {
      const cat = has('task-related-inquiry') && rng.bool(0.5) ? 'heard-yes' : 'personal';
      const line = cat === 'heard-yes' && !s.heardOfOrg ? this.phrase('personal', ['Not really, no.']) : this.phrase(cat, ['I do, sometimes.']);
      return this.turn(prefix + line, 'answer', false, null, [], null);
    }
    // Content (facts, appeals, stories, procedure): react, ask, or voice a concern.
    const p = sigmoid(this.willingness());
    const hidden = s.concerns.find((c) => !c.revealed && !c.resolved);
    const voiceChance = 0.25 + 0.08 * this.extrovert;
    if (hidden && input.turn >= 3 && rng.float() < voiceChance) return this.reveal(hidden, prefix);
    if (has('provide-donation-procedure') && rng.bool(0.4)) {
      return this.turn(prefix + this.phrase('ask-procedure', ['How do I do that?']), 'ask-procedure', false, null, [], null);
    }
    const r = rng.float();
    if (r < 0.25) return this.turn(prefix + this.phrase('ask-org', ['What else do they do?']), 'ask-org', false, null, [], null);
    if (p > 0.55 || (p > 0.35 && r < 0.6)) return this.turn(prefix + this.phrase('positive', ['That sounds good.']), 'positive', false, null, [], null);
    if (p < 0.3 && r > 0.6) return this.turn(prefix + this.phrase('skeptical', ["I'm not sure."]), 'skeptical', false, null, [], null);
    // Mined neutral lines depend most on their lost context, so half the time the reply is a plain one.
    const neutral = rng.bool(0.5) ? this.phrase('neutral', OWN_LINES.neutral as string[]) : this.line('neutral');
    return this.turn(prefix + neutral, 'neutral', false, null, [], null);
  }

  private heard(): string {
    return this.state.heardOfOrg
      ? this.phrase('heard-yes', ['Yes, I have heard of them.'])
      : this.phrase('heard-no', ["No, I haven't heard of them."]);
  }

  private reveal(c: ConcernState, prefix: string): PersuadeeTurn {
    c.revealed = true;
    return this.turn(prefix + this.concernLine(c.id), 'concern', false, null, [c.id], null);
  }

  private concernLine(c: Concern): string {
    const own = OWN_LINES[`concern:${c}`] as string[];
    return this.ctx.rng.bool(0.5) ? this.phrase(`concern:${c}`, own) : this.line(`concern:${c}`);
  }

  private turn(
    utterance: string,
    intent: PersuadeeIntent,
    ends: boolean,
    donation: number | null,
    revealedConcerns: Concern[],
    statedAmount: number | null,
  ): PersuadeeTurn {
    return { utterance: utterance.trim() || '...', intent, ends, donation, revealedConcerns, statedAmount };
  }

  /** One of our own lines for a situation, avoiding repeats. */
  private line(kind: string): string {
    return this.choose(`own:${kind}`, OWN_LINES[kind] ?? ['...']);
  }

  /** A corpus phrase of a category (falling back to `fallback` when the bank has none), avoiding repeats. */
  private phrase(category: string, fallback: string[]): string {
    const bank = this.bank[category];
    return this.choose(category, bank && bank.length > 0 ? bank : fallback);
  }

  /**
   * Picks an unused line; talkative (extrovert) personas lean to the longer of two candidates,
   * reserved ones to the shorter.
   */
  private choose(key: string, lines: readonly string[]): string {
    const rng = this.ctx.rng;
    const used = this.state.used;
    let best = -1;
    for (let attempt = 0; attempt < 4; attempt++) {
      const a = rng.int(0, lines.length - 1);
      const b = rng.int(0, lines.length - 1);
      const la = (lines[a] as string).length;
      const lb = (lines[b] as string).length;
      const pick = (this.extrovert >= 0) === la >= lb ? a : b;
      best = pick;
      if (!used.includes(`${key}#${pick}`)) break;
    }
    used.push(`${key}#${best}`);
    if (used.length > 40) used.shift();
    return lines[best] as string;
  }
}

/**
 * Per-strategy persuasion dose of a sequence of persuader messages as the simulator counts it
 * (distinct strategies per message, `decay`^k for the k-th repeat, scaled by the persona's
 * susceptibility; messages with offences count nothing). The calibration fit regresses on these.
 */
export function strategyDoses(
  messages: readonly string[],
  z: Float64Array,
  decay: number,
): Record<string, number> {
  const trait = (name: string) => z[featureIndex(name)] as number;
  const dose: Record<string, number> = {};
  const counts: Record<string, number> = {};
  const previous: string[] = [];
  messages.forEach((text, i) => {
    const offences = findOffences(text, previous);
    previous.push(normaliseMessage(text));
    if (offences.length) return;
    for (const st of new Set(strategyRecogniser().classifyUtterance(text, i))) {
      const k = counts[st] ?? 0;
      counts[st] = k + 1;
      let m = 1;
      for (const [t, w] of Object.entries(SUSCEPTIBILITY[st] ?? {})) m += w * trait(t);
      dose[st] = (dose[st] ?? 0) + Math.max(0.2, SUSCEPTIBILITY[st] ? m : 1) * decay ** k;
    }
  });
  return dose;
}

export function createScriptedPersuadee(ctx: SimulatorContext<PersuasionScenario>): ScriptedPersuadee {
  return new ScriptedPersuadee(ctx);
}
