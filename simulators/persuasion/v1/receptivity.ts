/**
 * How receptive a persona is to each appeal family: a persona-dependent share of each family's
 * effect, so that the same appeal moves one person and leaves another cold (or puts them off).
 *
 * Why: in the persuasion literature the *average* effect of an influence strategy is small while
 * individuals differ widely, some responding negatively (Kaptein & Eckles 2012, "Heterogeneity in
 * the effects of online persuasion"; Kaptein et al. 2015 on persuasion profiles), and appeals matched
 * to the recipient's personality persuade more (Hirsh, Kang & Bodenhausen 2012; Matz et al. 2017,
 * PNAS). PersuasionForGood agrees on the first half: fitted on the corpus, the average effect of every
 * family is within 0.1 log-odds of zero (params.ts). The direction of each family's receptivity comes
 * from that literature (the weights below, on standardised survey traits):
 *
 * - emotion: empathic concern and benevolence (care, benevolence), universalism (it moderates emotional
 *   charity appeals), agreeableness and an intuitive decision style; rational deciders and people who
 *   prize self-direction react against being worked on emotionally (reactance);
 * - story: narrative transportation (Green & Brock 2000) — care, agreeableness, intuition, openness;
 * - logic and credibility: need for cognition / rational style (Cacioppo & Petty 1982), openness and
 *   conscientiousness; credibility also respect for authority and security (Kaptein's authority principle);
 * - social proof: conformity and loyalty (Kaptein's consensus principle); self-direction against;
 * - procedure: conscientiousness and security (Hirsh et al.: efficiency and order);
 * - a small first ask: conformity and agreeableness (preference for consistency, Cialdini et al. 1995);
 * - praise and rapport: extraversion (social reward, Hirsh et al.) and agreeableness; praise reads as
 *   ingratiation to the neurotic and the rational.
 *
 * Each family's score is taken relative to the persona's scores for the corpus' usual mix of appeals
 * (`CORPUS_MIX`), so receptivity says which appeals move this person more than others — not how
 * persuadable it is overall, which the fitted persona base already says — and normalised to unit
 * standard deviation over the corpus participants, so the size of the effect is one number (`PersuadeeV1Params.tailoring`, log-odds per SD at saturation). Its
 * value is checked against the corpus by scripts/fit-persuasion-v1.ts (docs/envs/persuasion.md).
 */
import { featureIndex, type PersuasionScenario, personaFeatures } from '../persona.js';
import { participants } from '../resources.js';
import { FAMILIES, type Family } from './perception.js';

export const RECEPTIVITY_WEIGHTS: Record<Family, Record<string, number>> = {
  emotion: { care: 1, benevolence: 0.6, universalism: 0.6, agreeable: 0.5, intuitive: 0.6, rational: -0.6, selfDirection: -0.4 },
  story: { care: 0.8, agreeable: 0.5, intuitive: 0.6, open: 0.4, extrovert: 0.3 },
  logic: { rational: 1, open: 0.4, conscientious: 0.4, intuitive: -0.6 },
  credibility: { rational: 0.5, conscientious: 0.5, authority: 0.6, security: 0.4 },
  social: { conform: 1, loyalty: 0.4, extrovert: 0.3, selfDirection: -0.6 },
  procedure: { conscientious: 0.8, security: 0.5 },
  'small-ask': { conform: 0.6, agreeable: 0.6 },
  praise: { extrovert: 0.6, agreeable: 0.4, neurotic: -0.3, rational: -0.3 },
  rapport: { extrovert: 1, agreeable: 0.5 },
};

/**
 * How often each family reaches a PersuasionForGood persuadee: the mean saturation 1 − 2^(−dose) of
 * each family over replays of the fit split's real persuaders (measured with scripts/fit-persuasion-v1.ts).
 * Receptivity is taken relative to this mix (below), so a persuader who uses the corpus' usual mix of
 * appeals gets no tailoring effect at all, whoever the persona is.
 */
export const CORPUS_MIX: Record<Family, number> = {
  rapport: 0.71,
  credibility: 0.77,
  logic: 0.53,
  emotion: 0.3,
  story: 0.21,
  social: 0.31,
  procedure: 0.45,
  'small-ask': 0.27,
  praise: 0.26,
};

function rawScores(z: Float64Array): Record<Family, number> {
  const out = {} as Record<Family, number>;
  for (const f of FAMILIES) {
    let t = 0;
    for (const [k, v] of Object.entries(RECEPTIVITY_WEIGHTS[f])) t += v * (z[featureIndex(k)] as number);
    out[f] = t;
  }
  // Relative to the corpus mix: what sets this person apart is which appeals move it more than
  // others, not how persuadable it is overall (that is the persona base, fitted on the corpus).
  let mix = 0;
  let total = 0;
  for (const f of FAMILIES) {
    mix += CORPUS_MIX[f] * out[f];
    total += CORPUS_MIX[f];
  }
  for (const f of FAMILIES) out[f] -= mix / total;
  return out;
}

let scale: Record<Family, number> | undefined;

/** Standard deviation of each family's relative score over the corpus participants (computed once). */
function familyScale(): Record<Family, number> {
  if (scale) return scale;
  const { personas, stats } = participants();
  const all = personas.map((p) => rawScores(personaFeatures(p, stats)));
  const out = {} as Record<Family, number>;
  for (const f of FAMILIES) {
    const v = all.map((r) => r[f]);
    const m = v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);
    const sd = Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, v.length));
    out[f] = sd > 1e-9 ? sd : 1;
  }
  scale = out;
  return out;
}

/** The persona's receptivity to each family relative to the corpus mix, in standard deviations of the corpus population. */
export function receptivity(persona: PersuasionScenario): Record<Family, number> {
  const raw = rawScores(personaFeatures(persona, participants().stats));
  const s = familyScale();
  const out = {} as Record<Family, number>;
  for (const f of FAMILIES) out[f] = Math.round((raw[f] / s[f]) * 1e4) / 1e4;
  return out;
}
