/** Scenario and turn types shared by the clarification envs, their simulators and agents. */

export interface FacetRef {
  id: string;
  description: string;
}

/** One ClarifySearch-v0 episode: a topic's ambiguous request, the hidden facet, and the facets it competes with. */
export interface SearchScenario {
  topicId: string;
  request: string;
  /** ClariQ's clarification-need level, 1 (no clarification needed) to 4 (necessary). */
  clarificationNeed: number;
  facet: FacetRef;
  /** The topic's other facets: the alternatives the final statement is ranked against. */
  otherFacets: FacetRef[];
}

export type SearchPolarity = 'yes' | 'no' | 'other';

/** A ClariQ user turn: what was said, its polarity, and which facet terms it revealed. */
export interface SearchTurn {
  utterance: string;
  polarity: SearchPolarity | 'request';
  /** 'request' (opening), 'corpus' (a crowd worker's answer), 'generated' (scripted fallback), 'recorded' (import), 'llm'. */
  source: 'request' | 'corpus' | 'generated' | 'recorded' | 'llm';
  /** Stemmed content terms of the hidden facet that the utterance contains. */
  revealedAspects: string[];
  /** Question id of the corpus question the answer was grounded on, when source is 'corpus'. */
  groundedOn: string | null;
}

export const searchTurnSchema = {
  type: 'object',
  required: ['utterance', 'polarity', 'source', 'revealedAspects', 'groundedOn'],
  additionalProperties: false,
  properties: {
    utterance: { type: 'string', minLength: 1, maxLength: 1000 },
    polarity: { enum: ['yes', 'no', 'other', 'request'] },
    source: { enum: ['request', 'corpus', 'generated', 'recorded', 'llm'] },
    revealedAspects: { type: 'array', items: { type: 'string' } },
    groundedOn: { type: ['string', 'null'] },
  },
} as const;

/** What the search env asks of its user simulator. */
export type SearchUserInput = { kind: 'open' } | { kind: 'question'; text: string };
