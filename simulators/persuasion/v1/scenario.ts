/**
 * The Persuasion-v1 scenario: a PersuasionForGood participant's survey plus, optionally, their hidden
 * agenda — the doubts they hold about giving. `sampleScenario` draws the agenda from the survey (low
 * income → budget, loyalty and conservatism → local causes ...), so it is part of the hidden scenario
 * an oracle may read; a scenario without one lets the persuadee draw it from the same weights with
 * its own stream.
 */
import type { Rng } from '../../../core/rng.js';
import type { JsonSchema } from '../../../core/schema.js';
import { CONCERN_SPECS, CONCERNS, type Concern } from '../concerns.js';
import { featureIndex, type PersuasionScenario, personaFeatures, scenarioSchema } from '../persona.js';
import { participants } from '../resources.js';

export interface Agenda {
  /** Every doubt this person holds. */
  concerns: Concern[];
}

export interface PersuasionScenarioV1 extends PersuasionScenario {
  agenda?: Agenda;
}

export const scenarioSchemaV1: JsonSchema = {
  ...scenarioSchema,
  title: 'Persuasion-v1 scenario (persuadee persona and hidden agenda)',
  properties: {
    ...(scenarioSchema.properties as Record<string, JsonSchema>),
    agenda: {
      type: 'object',
      required: ['concerns'],
      additionalProperties: false,
      properties: { concerns: { type: 'array', items: { enum: [...CONCERNS] }, minItems: 1, maxItems: 3, uniqueItems: true } },
    },
  },
};

/** How likely this persona is to hold each doubt (unnormalised weights, from its survey). */
export function concernWeights(p: PersuasionScenario): number[] {
  const z = personaFeatures(p, participants().stats);
  const trait = (name: string) => z[featureIndex(name)] as number;
  return CONCERNS.map((c) => {
    let t = 0;
    for (const [k, v] of Object.entries(CONCERN_SPECS[c].traits)) t += v * trait(k);
    let w = Math.max(0.05, CONCERN_SPECS[c].base * Math.exp(t));
    if (c === 'budget' && (p.demographics.income ?? 5) <= 3) w *= 2;
    return w;
  });
}

/** One to three doubts, drawn without replacement with the persona's weights. */
export function drawAgenda(p: PersuasionScenario, rng: Rng): Concern[] {
  const weights = concernWeights(p);
  const n = 1 + (rng.bool(0.55) ? 1 : 0) + (rng.bool(0.2) ? 1 : 0);
  const pool = [...CONCERNS];
  const out: Concern[] = [];
  for (let k = 0; k < n; k++) {
    const i = rng.weightedIndex(pool.map((c) => weights[CONCERNS.indexOf(c)] as number));
    const [c] = pool.splice(i, 1);
    if (c) out.push(c);
  }
  return out;
}
