/**
 * The user-simulator contract shared by scripted and LLM simulators.
 *
 * A simulator produces one *turn* per call: a structured value satisfying `turnSchema`. The env's
 * statechart invokes it as a promise actor, so an instant scripted simulator and a network-bound LLM
 * one run in the same machine. The core validates every turn against `turnSchema` before the machine
 * sees it; an invalid turn ends the episode with a typed error instead of being patched up.
 */
import type { Rng } from '../core/rng.js';
import type { JsonSchema } from '../core/schema.js';
import type { Json, SimulatorConfig, Usage } from '../core/types.js';

export interface UserSimulator<TInput = Json, TTurn = Json> {
  readonly config: SimulatorConfig;
  readonly turnSchema: JsonSchema;
  /** Produce the next user turn. May be sync or async. */
  respond(input: TInput): TTurn | Promise<TTurn>;
  /** Hidden simulator state as JSON (the RNG is snapshotted by the core, not here). */
  getState(): Json;
  setState(state: Json): void;
  /** Usage since the last call to takeUsage (LLM simulators); scripted ones omit it. */
  takeUsage?(): Usage | undefined;
}

export interface SimulatorContext<TScenario = Json> {
  scenario: TScenario;
  /** The simulator's own stream, derived from the episode seed; snapshotted by the core. */
  rng: Rng;
  config: SimulatorConfig;
  /** Provider of LLM calls, present when the run was configured with one. */
  llm?: LlmProvider;
}

export type SimulatorFactory<TScenario = Json, TInput = Json, TTurn = Json> = (
  ctx: SimulatorContext<TScenario>,
) => UserSimulator<TInput, TTurn>;

/** A chat message as OpenAI-compatible servers take it. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface StructuredRequest {
  messages: ChatMessage[];
  /** The JSON Schema the reply must satisfy; omitted for free-text replies (agents). */
  schema?: JsonSchema;
  schemaName?: string;
  /** Extra environment rule check applied after schema validation; a string is a repair message. */
  check?: (value: Json) => string | null;
  seed?: number;
  temperature?: number;
  maxTokens?: number;
}

export interface StructuredResponse {
  /** Parsed and validated JSON when a schema was given, else the raw text. */
  value: Json;
  text: string;
  usage: Usage;
  cached: boolean;
}

/**
 * What the LLM layer provides to simulators and agents: a configured client with retries,
 * concurrency limiting, caching and usage accounting behind one call. Implemented in
 * `simulators/llm-client.ts`.
 */
export interface LlmProvider {
  readonly model: string;
  complete(req: StructuredRequest): Promise<StructuredResponse>;
}
