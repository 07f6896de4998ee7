/**
 * The Persuasion-v1 persuadee turn: v0's turn (utterance, intent, end, donation, concerns, stated
 * amount) with a richer analysis snapshot — the probability of giving given the transcript and the
 * expected donation, which the env pays as its default reward. Scripted and LLM persuadees produce
 * this same structure (the LLM leaves `state` out: it has no hidden model to report).
 */
import type { JsonSchema } from '../../../core/schema.js';
import { CONCERNS, type Concern } from '../concerns.js';
import { type PersuadeeTurn, turnSchema } from '../turn.js';

export interface PersuadeeTurnV1 extends Omit<PersuadeeTurn, 'state'> {
  state?: {
    /** σ(willingness): P(give) for a fresh luck draw. */
    donateProbability: number;
    /** P(give) given what the persuadee already said (its statements narrow its own luck). */
    giveProbability: number;
    /** Expected donation in dollars if the talk ended now, given the transcript. */
    expectedDonation: number;
    trust: number;
    annoyance: number;
    openConcerns: Concern[];
  };
}

export const turnSchemaV1: JsonSchema = {
  ...turnSchema,
  title: 'Persuasion-v1 persuadee turn',
  properties: {
    ...(turnSchema.properties as Record<string, JsonSchema>),
    state: {
      type: 'object',
      required: ['donateProbability', 'giveProbability', 'expectedDonation', 'trust', 'annoyance', 'openConcerns'],
      additionalProperties: false,
      properties: {
        donateProbability: { type: 'number', minimum: 0, maximum: 1 },
        giveProbability: { type: 'number', minimum: 0, maximum: 1 },
        expectedDonation: { type: 'number', minimum: 0, maximum: 2 },
        trust: { type: 'number' },
        annoyance: { type: 'number' },
        openConcerns: { type: 'array', items: { enum: [...CONCERNS] } },
      },
    },
  },
};
