/**
 * The agent contract. An agent sees only what the env shows it: the observation and the info
 * fields meant for policies (`legalActions`, `sampleActions`, `invalidAction`). Agents that need
 * randomness build their own `Rng` from the seed given at `reset`.
 */
import type { Json, Observation, StepInfo, Usage } from '../core/types.js';
import type { LlmProvider } from '../simulators/types.js';

export interface AgentEpisodeContext {
  envId: string;
  /** Seed for the agent's own stream, derived from the episode seed. */
  seed: number;
}

export interface Agent {
  readonly id: string;
  /** JSON describing the agent's configuration, stored in records. */
  readonly config?: Json;
  reset?(ctx: AgentEpisodeContext): void | Promise<void>;
  act(observation: Observation, info: StepInfo): string | Promise<string>;
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
