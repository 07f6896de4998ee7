/**
 * Parameters of the scripted persuadee. `DEFAULT_PARAMS` are priors; the calibration fit
 * (`npx tsx scripts/calibrate-persuasion.ts --fit`) replaces the intercept, persona weights,
 * strategy effects and amount tilt with values fitted on the fit split of PersuasionForGood and
 * writes them to data/persuasionforgood/persuadee-params.json, which the simulator loads.
 */
import { existsSync } from 'node:fs';
import { dataPath, loadDataJson } from '../../core/data.js';

export interface PersuadeeParams {
  /** Log-odds of donating for an average persona before any persuasion. */
  intercept: number;
  /** Log-odds weight per standardised persona feature (see PERSONA_FEATURES). */
  persona: Record<string, number>;
  /** Log-odds effect of the first use of each strategy; later uses count `decay`^k of it. */
  strategy: Record<string, number>;
  decay: number;
  /** Log-odds lost per concern the persuadee holds and nobody answered. */
  concernPenalty: number;
  /** Log-odds gained when a concern the persuadee voiced gets answered. */
  resolveBonus: number;
  trustWeight: number;
  annoyanceWeight: number;
  /** Annoyance at which the persuadee leaves without donating. */
  annoyanceLimit: number;
  /** How strongly willingness shifts the amount given (0: amounts independent of willingness). */
  amountTilt: number;
  /** Willingness (log-odds) at which the amount distribution is untilted: the fit split's mean at decision time. */
  amountCenter: number;
  /** Positive donations of the fit split, sorted: the amount distribution. */
  positiveAmounts: number[];
  /** Provenance of a fitted parameter file. */
  fit?: Record<string, unknown>;
}

export const DEFAULT_PARAMS: PersuadeeParams = {
  intercept: 0,
  persona: {},
  strategy: {
    'logical-appeal': 0.15,
    'emotion-appeal': 0.2,
    'provide-org-facts': 0.1,
    'personal-story': 0.15,
    'foot-in-the-door': 0.15,
    'example-donation': 0.1,
    'provide-donation-procedure': 0.05,
    'propose-donation': 0.1,
    'ask-donation-amount': 0.05,
    'task-related-inquiry': 0.05,
    'personal-related-inquiry': 0.05,
    'praise-user': 0.05,
    'have-you-heard-of-the-org': 0.05,
  },
  decay: 0.5,
  concernPenalty: 0.35,
  resolveBonus: 0.15,
  trustWeight: 0.4,
  annoyanceWeight: 0.8,
  annoyanceLimit: 2.5,
  amountTilt: 0.6,
  amountCenter: 0,
  positiveAmounts: [0.05, 0.1, 0.1, 0.2, 0.25, 0.3, 0.5, 0.5, 0.5, 1, 1, 1, 1, 1, 2, 2],
};

export const PARAMS_FILE = 'persuadee-params.json';

/** The fitted parameters when the data file exists, else the priors. */
export function loadPersuadeeParams(): PersuadeeParams {
  if (!existsSync(dataPath('persuasionforgood', PARAMS_FILE))) return DEFAULT_PARAMS;
  return { ...DEFAULT_PARAMS, ...loadDataJson<Partial<PersuadeeParams>>('persuasionforgood', PARAMS_FILE) };
}
