/**
 * Parameters of the Persuasion-v1 scripted persuadee. `DEFAULT_V1_PARAMS` are priors; the fit
 * (`npx tsx scripts/fit-persuasion-v1.ts`) replaces the intercept, the persona weights, the
 * appeal-family effects and the amount tilt with values fitted on the fit split of PersuasionForGood
 * and writes data/persuasionforgood/persuadee-v1-params.json, which the simulator loads.
 *
 * The fit also sets what a voiced doubt costs while unanswered and what answering it earns
 * (`voicedPenalty`, `answerTrust`), from replays in which the simulated persuadee holds and voices the
 * doubts the real persuadee voiced, when they voiced them, and the amount distribution's centre (so the
 * fit split's mean donation is matched).
 *
 * The trust and annoyance dynamics of tricks are priors, not fitted: they govern what real persuaders
 * almost never do (threats, walls of keywords, pitches, presumed agreement), on which the corpus
 * carries no signal. Their values are set so that each such move costs more than it could win.
 */
import { existsSync } from 'node:fs';
import { dataPath, loadDataJson } from '../../../core/data.js';
import type { Family } from './perception.js';

export interface PersuadeeV1Params {
  /** Log-odds of giving for an average persona with no conversation (the unasked rate). */
  intercept: number;
  /** Log-odds weight per standardised persona feature (see PERSONA_FEATURES). */
  persona: Record<string, number>;
  /**
   * Population-average effect of each appeal family (log-odds, at saturation). A family's effect for
   * a persona is `(family + tailoring × receptivity) × (1 − 2^(−dose))`: the first message of a family
   * earns half of it, the second a quarter more, and so on — per conversation, not per message.
   */
  family: Record<Family, number>;
  /**
   * Log-odds per standard deviation of receptivity (receptivity.ts) at saturation: how much more an
   * appeal moves a receptive persona than the average one, and how much it puts off an unreceptive one.
   */
  tailoring: number;
  /**
   * Log-odds a conversation adds at saturation just by engaging the persuadee on the cause: every
   * coherent, trick-free message about the charity or an appeal counts one dose, saturating as
   * 1 − 2^(−doses/3). A prior, not a fit: every PersuasionForGood participant was talked to, so the
   * corpus has no unasked control; its fitted intercept is the rate *after* a conversation, and the
   * unasked rate (a bare close) sits this far below it. 0.5 since round 2 (1 in round 1): the fitted
   * coefficient is ≈ 0 (scripts/fit-persuasion-v1.ts prints it), so nothing in the data asks for a
   * large value, and at 1 a script that talks about the cause without reading a reply
   * (`strategy-rotation`) earned a third of what listening earns (audit: 33 > 30 on 200 seeds).
   */
  engagement: number;
  /** Log-odds lost per doubt held and not voiced, scaled by (1 − how far it has been answered). */
  heldPenalty: number;
  /** Log-odds lost per doubt voiced and left unanswered (voicing made it salient). */
  voicedPenalty: number;
  /** Trust gained when a doubt the persuadee voiced (or hinted at) is answered in context. */
  answerTrust: number;
  trustWeight: number;
  annoyanceWeight: number;
  /** Annoyance at which the persuadee leaves without donating. */
  annoyanceLimit: number;
  /**
   * Anchoring: how far the amount given moves toward the amount the persuader suggested (the last one
   * named before the persuadee pledged), on the logit scale of the amount distribution's quantiles:
   * logit q' = (1 − anchoring)·logit q + anchoring·logit F(suggested).
   */
  anchoring: number;
  /** Log-odds added when the last suggested amount is small (≤ $0.50: "even a few cents") or large (≥ $1). */
  anchorSmall: number;
  anchorLarge: number;
  /** Shift of the amount distribution per unit of willingness (log-odds) above `amountCenter`. */
  amountTilt: number;
  amountCenter: number;
  /** Positive donations of the fit split, sorted: the amount distribution. */
  positiveAmounts: number[];
  fit?: Record<string, unknown>;
}

export const DEFAULT_V1_PARAMS: PersuadeeV1Params = {
  intercept: 0,
  persona: {},
  family: {
    rapport: 0.3,
    credibility: 0.3,
    logic: 0.25,
    emotion: 0.3,
    story: 0.25,
    social: 0.2,
    procedure: 0.3,
    'small-ask': 0.2,
    praise: 0.1,
  },
  tailoring: 0.15,
  engagement: 0.5,
  heldPenalty: 0.3,
  voicedPenalty: 0.6,
  answerTrust: 0.25,
  trustWeight: 0.8,
  annoyanceWeight: 0.6,
  annoyanceLimit: 2.5,
  anchoring: 0,
  anchorSmall: 0,
  anchorLarge: 0,
  amountTilt: 0.3,
  amountCenter: 0,
  positiveAmounts: [0.05, 0.1, 0.1, 0.2, 0.25, 0.3, 0.5, 0.5, 0.5, 1, 1, 1, 1, 1, 2, 2],
};

export const V1_PARAMS_FILE = 'persuadee-v1-params.json';

let cached: PersuadeeV1Params | undefined;

/** The fitted parameters when the data file exists, else the priors (loaded once per process). */
export function loadPersuadeeV1Params(): PersuadeeV1Params {
  if (cached) return cached;
  cached = existsSync(dataPath('persuasionforgood', V1_PARAMS_FILE))
    ? { ...DEFAULT_V1_PARAMS, ...loadDataJson<Partial<PersuadeeV1Params>>('persuasionforgood', V1_PARAMS_FILE) }
    : DEFAULT_V1_PARAMS;
  return cached;
}
