/**
 * Hindsight regeneration (Hong, Lin, Dragan & Levine, 2024): read a finished dialogue together with
 * its outcome and what the user revealed later, pick turns where the agent could have done better,
 * propose a replacement utterance with a rationale, and let the simulator play the dialogue out
 * again from that turn.
 *
 * A *controller* makes the proposals; the engine (`engine.ts`) does the branching.
 */
import type { EpisodeRecord } from '../../core/record.js';
import type { Json, Observation, SimulatorConfig, StepInfo } from '../../core/types.js';
import type { LlmProvider } from '../../simulators/types.js';

export interface BranchProposal {
  /** 0-based index of the agent action to replace. */
  turn: number;
  /** The action played instead (in the env's action grammar). */
  replacement: string;
  /** Why this turn, why this replacement: kept in the branch's provenance. */
  rationale: string;
  /** Short name of the rule or heuristic that produced it (for per-rule statistics). */
  rule: string;
}

/** One decision point of a replayed record: what the agent saw before acting at turn t. */
export interface DecisionPoint {
  turn: number;
  /** What the agent saw before `action`: the observation and the reward of the step that produced it. */
  observation: Observation;
  reward: number;
  /** The env's analysis info at that point: for a controller's judgement, never for an agent's `act`. */
  info: StepInfo;
  action: string;
}

export interface ControllerInput {
  /** The record as given (a generated episode, an imported human dialogue ...). */
  source: EpisodeRecord;
  /**
   * The source's agent actions replayed under the simulator the branches will use. Branch rewards
   * are compared with its return, and its `simulatorTurns` / `info` hold the simulator's view
   * (hidden state, intents) even when the source was a human dialogue.
   */
  baseline: EpisodeRecord;
  /** Replays the baseline and yields what the agent saw at each of its turns. */
  decisionPoints(): AsyncGenerator<DecisionPoint>;
  /** At most this many proposals are used. */
  maxBranches: number;
}

export interface HindsightController {
  readonly id: string;
  propose(input: ControllerInput): Promise<BranchProposal[]> | BranchProposal[];
}

export interface ControllerOptions {
  envId: string;
  /** For the LLM controller. */
  llm?: LlmProvider;
  simulator: SimulatorConfig;
}

/** Provenance stored in `source` of every regenerated record. */
export interface HindsightProvenance {
  kind: 'hindsight';
  controller: string;
  rule: string;
  sourceKey: string;
  /** The source record's own provenance (e.g. the import of a human dialogue). */
  sourceOrigin: Json;
  branchTurn: number;
  originalAction: string;
  replacementAction: string;
  rationale: string;
  continuation: string;
  simulator: SimulatorConfig;
  /** Return of the source as recorded (a human dialogue: the real outcome). */
  sourceReturn: number;
  /** Return of the source's actions replayed under `simulator`: what the branch is compared with. */
  rewardBefore: number;
  /** Return of this branch. */
  rewardAfter: number;
}
