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
  /** 'request' (opening), 'corpus' (a crowd worker's answer), 'generated' (scripted fallback), 'human' (a recorded crowd answer, imports), 'llm'. */
  source: 'request' | 'corpus' | 'generated' | 'human' | 'llm';
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
    source: { enum: ['request', 'corpus', 'generated', 'human', 'llm'] },
    revealedAspects: { type: 'array', items: { type: 'string' } },
    groundedOn: { type: ['string', 'null'] },
  },
} as const;

/** What the search env asks of its user simulator. */
export type SearchUserInput = { kind: 'open' } | { kind: 'question'; text: string };

// ------------------------------------------------------------------------------------------------
// ClarifyTask-v0

export type SlotValueJson = string | number;

export const PERSONAS = ['precise', 'vague', 'oversharing', 'self_correcting', 'declining'] as const;
export type Persona = (typeof PERSONAS)[number];

/** One ClarifyTask-v0 episode: the user's full goal, the slots its opening request states, and its persona. */
export interface TaskScenario {
  domain: string;
  persona: Persona;
  /** Every required slot, plus the optional slots the user has a preference for. */
  goal: Record<string, SlotValueJson>;
  /** Slots the opening request states (a subset of the goal's). */
  stated: string[];
  /** The opening request; rendered from `stated` when absent. */
  request?: string;
}

/** The env's reading of an agent question, handed to the user simulator. */
export interface TaskQuestion {
  kind: 'question';
  text: string;
  /** Slots asked for openly ("what time?"). */
  asked: string[];
  /** Values the question proposes for confirmation ("is it friday?"). */
  confirm: { slot: string; value: SlotValueJson }[];
  /** "Anything else?"-style question about remaining preferences. */
  generic: boolean;
}

export type TaskUserInput = { kind: 'open' } | TaskQuestion;

export const TASK_ACTS = ['request', 'inform', 'affirm', 'negate', 'no_preference', 'decline', 'correct', 'clarify', 'nothing_else'] as const;

/** A task user turn: the utterance and exactly what it disclosed. */
export interface TaskTurn {
  utterance: string;
  acts: (typeof TASK_ACTS)[number][];
  /** Slot values stated in this turn (for a self-correcting user, possibly its one slip). */
  revealed: Record<string, SlotValueJson>;
  /** Slots answered only partially (a vague user's "maybe X or Y"). */
  partial: string[];
  /** Optional slots the user declined or has no preference for: to be left out of the submission. */
  declined: string[];
  /** Slots whose earlier value this turn corrects. */
  corrected: string[];
}

export const taskTurnSchema = {
  type: 'object',
  required: ['utterance', 'acts', 'revealed', 'partial', 'declined', 'corrected'],
  additionalProperties: false,
  properties: {
    utterance: { type: 'string', minLength: 1, maxLength: 1000 },
    acts: { type: 'array', items: { enum: TASK_ACTS } },
    revealed: { type: 'object', additionalProperties: { type: ['string', 'integer'] } },
    partial: { type: 'array', items: { type: 'string' } },
    declined: { type: 'array', items: { type: 'string' } },
    corrected: { type: 'array', items: { type: 'string' } },
  },
} as const;

// ------------------------------------------------------------------------------------------------
// ClarifySearch-v1

export type QuestionFormJson = 'yesno' | 'either-or' | 'open' | 'not-a-question' | 'request';

/** A v1 ClariQ user turn: the v0 fields plus how the question was read and whether it repeats one. */
export interface SearchTurnV1 extends SearchTurn {
  /** How the user read the agent's message ('request' for the opening turn). */
  form: QuestionFormJson;
  /** Index (0-based, among the agent's questions) of the earlier question this one repeats, or null. */
  repeatOf: number | null;
  /** The user gives up on the conversation (asked the same thing once too often): the episode ends. */
  ended: boolean;
}

export const searchTurnSchemaV1 = {
  type: 'object',
  required: ['utterance', 'polarity', 'source', 'revealedAspects', 'groundedOn', 'form', 'repeatOf', 'ended'],
  additionalProperties: false,
  properties: {
    ...searchTurnSchema.properties,
    form: { enum: ['yesno', 'either-or', 'open', 'not-a-question', 'request'] },
    repeatOf: { type: ['integer', 'null'], minimum: 0 },
    ended: { type: 'boolean' },
  },
} as const;

// ------------------------------------------------------------------------------------------------
// ClarifyTask-v1

/**
 * v1 personas. Each answers at most `TASK_CAPACITY[persona]` things per turn (what a person answers in
 * one reply); `terse` replaces v0's `declining` (in v1 a preference the user holds must be submitted,
 * so a user who refuses to tell it would make the task unsolvable).
 */
export const PERSONAS_V1 = ['precise', 'vague', 'oversharing', 'self_correcting', 'terse'] as const;
export type PersonaV1 = (typeof PERSONAS_V1)[number];

export const TASK_CAPACITY: Record<PersonaV1, number> = { precise: 2, vague: 1, oversharing: 2, self_correcting: 2, terse: 1 };

/** One ClarifyTask-v1 episode. The goal holds every required slot and the optional preferences the user has. */
export interface TaskScenarioV1 {
  domain: string;
  persona: PersonaV1;
  goal: Record<string, SlotValueJson>;
  stated: string[];
  request?: string;
}

/** The env's reading of an agent question (v1). */
export interface TaskQuestionV1 {
  kind: 'question';
  text: string;
  /** Slots, in the order the question raises them, with how: asked openly, one value to confirm, or options offered. */
  topics: ({ slot: string; how: 'ask' } | { slot: string; how: 'confirm'; value: SlotValueJson } | { slot: string; how: 'offer'; values: SlotValueJson[] })[];
  /** "Anything else?" */
  generic: boolean;
  /** A list of slot names or values without the grammar of a question ("cuisine day time party size"). */
  soup: boolean;
}

export type TaskUserInputV1 = { kind: 'open' } | TaskQuestionV1;

export interface TaskTurnV1 extends TaskTurn {
  /** Slots the question raised that the user left for later (over its capacity for one reply). */
  ignored: string[];
}

export const taskTurnSchemaV1 = {
  type: 'object',
  required: [...taskTurnSchema.required, 'ignored'],
  additionalProperties: false,
  properties: { ...taskTurnSchema.properties, ignored: { type: 'array', items: { type: 'string' } } },
} as const;
