/**
 * The agent contract. An agent is given what a player is given and nothing else: the
 * `Observation` (instructions, transcript, legal or sample actions, invalid-action feedback) and the
 * reward of the step that produced it. The env's `info` — hidden intent, beliefs, reward
 * components — is for analysis and never reaches `act` (see `core/types.ts`).
 *
 * Agents that need randomness build their own `Rng` from the seed given at `reset`.
 *
 * The one exception is an *oracle*: an agent that declares `privileged: true` is handed the hidden
 * scenario at `reset` (`ctx.privileged`). It is the upper bound of what can be achieved, marked as
 * privileged in every record it produces, and refused as a leaderboard submission.
 */
import type { Json, Observation, Usage } from '../core/types.js';
import type { LlmProvider } from '../simulators/types.js';

export interface AgentEpisodeContext {
  envId: string;
  /** Seed for the agent's own stream, derived from the episode seed. */
  seed: number;
  /** Only for agents that declare `privileged: true`: the episode's hidden scenario. */
  privileged?: { scenario: Json };
}

export interface Agent {
  readonly id: string;
  /** JSON describing the agent's configuration, stored in records. */
  readonly config?: Json;
  /** An oracle: reads hidden state through `reset`'s `ctx.privileged`. Never a leaderboard entry. */
  readonly privileged?: boolean;
  reset?(ctx: AgentEpisodeContext): void | Promise<void>;
  /**
   * The next action. `reward` is the reward of the step that produced `observation` (0 after reset):
   * as in RL, a policy may learn from it.
   */
  act(observation: Observation, reward: number): string | Promise<string>;
  /** Usage since the last call (LLM agents). */
  takeUsage?(): Usage | undefined;
  close?(): void | Promise<void>;
}

export interface AgentOptions {
  envId: string;
  llm?: LlmProvider;
  /** Agent-specific options (e.g. recorded actions for replay). */
  options?: Record<string, Json>;
}

export type AgentFactory = (opts: AgentOptions) => Agent;
