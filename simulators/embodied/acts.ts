/**
 * The commander's turn for Embodied-v0: OBSERVE (stay silent and watch) or one TEACh dialogue act
 * (Gella et al. 2022's act set for the Commander side) with its utterance. Both the scripted and
 * the LLM commander produce this shape; the core validates it against `commanderTurnSchema`.
 */
import type { JsonSchema } from '../../core/schema.js';
import type { TranscriptEntry } from '../../core/types.js';
import type { Command, Outcome, World } from '../../envs/embodied/world.js';
import type { GoalStatus, TaskInstance } from '../../envs/embodied/tasks.js';

export const COMMANDER_ACTS = [
  'OBSERVE',
  'Instruction',
  'InformationOnObjectDetails',
  'InformationOther',
  'FeedbackPositive',
  'FeedbackNegative',
  'Acknowledge',
  'Confirm',
  'Deny',
  'NotifyFailure',
  'Greetings/Salutations',
  'MiscOther',
] as const;

export type CommanderAct = (typeof COMMANDER_ACTS)[number];

export interface CommanderTurn {
  act: CommanderAct;
  /** Present exactly when the act is not OBSERVE. */
  utterance?: string;
}

export const commanderTurnSchema: JsonSchema = {
  type: 'object',
  required: ['act'],
  additionalProperties: false,
  properties: {
    act: { enum: [...COMMANDER_ACTS] },
    utterance: { type: 'string', minLength: 1, maxLength: 600 },
  },
};

/** The rule the schema cannot say: speaking acts carry an utterance, OBSERVE carries none. */
export function checkCommanderTurn(turn: CommanderTurn): string | null {
  if (turn.act === 'OBSERVE' && turn.utterance !== undefined && turn.utterance.trim() !== '') {
    return 'OBSERVE means staying silent: omit "utterance" or choose a speaking act.';
  }
  if (turn.act !== 'OBSERVE' && !turn.utterance?.trim()) return `act ${turn.act} needs a non-empty "utterance".`;
  return null;
}

export interface CommanderPersona {
  /** How specific the commander is about the goal and about where things are. */
  style: 'vague' | 'specific';
  /** Probability of praising a newly satisfied goal condition. */
  chattiness: number;
  /** Steps without progress before it volunteers the next step. */
  patience: number;
}

export type CommanderInput =
  | { kind: 'start'; world: World; task: TaskInstance }
  | {
      kind: 'step';
      world: World;
      task: TaskInstance;
      step: number;
      command: Command;
      outcome: Outcome;
      status: GoalStatus;
      /** A goal condition unit was satisfied for the first time on this step. */
      progressed: boolean;
      /** The last few transcript entries, for LLM commanders. */
      recent: TranscriptEntry[];
    };

// ---------------------------------------------------------------------------------------------
// Embodied-v1

/**
 * The Commander's acts in Embodied-v1: TEACh-DA's Commander-side acts (Gella et al. 2022), with
 * `Affirm` (a yes answer) and `Confirm` kept apart as TEACh-DA does (v0 used `Confirm` for yes).
 */
export const COMMANDER_ACTS_V1 = [
  'OBSERVE',
  'Instruction',
  'InformationOnObjectDetails',
  'InformationOther',
  'FeedbackPositive',
  'FeedbackNegative',
  'Acknowledge',
  'Affirm',
  'Deny',
  'Confirm',
  'Greetings/Salutations',
  'MiscOther',
] as const;

export type CommanderActV1 = (typeof COMMANDER_ACTS_V1)[number];

export interface CommanderTurnV1 {
  act: CommanderActV1;
  utterance?: string;
}

export const commanderTurnSchemaV1: JsonSchema = {
  type: 'object',
  required: ['act'],
  additionalProperties: false,
  properties: {
    act: { enum: [...COMMANDER_ACTS_V1] },
    utterance: { type: 'string', minLength: 1, maxLength: 800 },
  },
};

/**
 * TEACh-DA's acts for what the Follower says, as the v1 Commander recognises them in the robot's
 * `say` text (recorded in `info.followerAct`).
 */
export const FOLLOWER_ACTS = [
  'RequestForInstruction',
  'RequestForObjectLocationAndOtherDetails',
  'Confirm',
  'Acknowledge',
  'Greetings/Salutations',
  'MiscOther',
] as const;

export type FollowerAct = (typeof FOLLOWER_ACTS)[number];

export type CommanderInputV1 =
  | { kind: 'start'; world: World; task: TaskInstance }
  | {
      kind: 'step';
      world: World;
      task: TaskInstance;
      step: number;
      command: Command;
      outcome: Outcome;
      status: GoalStatus;
      progressed: boolean;
      /** The last few transcript entries, for LLM commanders. */
      recent: TranscriptEntry[];
    };
