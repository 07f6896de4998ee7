/**
 * The dialogym environment contract: Gymnasium v1 semantics, made async for conversations.
 *
 * An episode is a conversation between the *agent* (the policy being trained or evaluated) and the
 * *user* (a simulator, scripted or LLM). The agent's actions are strings in an env-documented
 * grammar.
 *
 * What the agent may see is split from what it may not, by type:
 *
 * - The `Observation` is everything a player sees: the instructions, the transcript, the legal or
 *   sample actions and the feedback on an invalid action. With the step's `reward` it is all an
 *   `Agent` is ever given (`agent.act(observation, reward)`), all `play` prints, and all the env
 *   server sends.
 * - `info` (`StepInfo`) is the *analysis* channel, as in Gymnasium: hidden intent, beliefs, success,
 *   reward components, simulator turns. Rollouts record it; nothing hands it to a policy. An env may
 *   put anything there, hidden state included, precisely because it never reaches the agent.
 *
 * A reward is itself an observation an agent can read. Shaping components that are a function of
 * hidden state (a survey scored against the true imposter) are therefore declared `deferred` by the
 * env: their per-step values stay in `info.rewardComponents` for analysis but are paid, summed, on the
 * step that ends the episode (see `EnvDefinition.deferredRewards`).
 */
import type { JsonSchema } from './schema.js';

// biome-ignore lint/suspicious/noExplicitAny: JSON values are untyped by nature.
export type Json = any;

/** One line of the conversation as some participant sees it. */
export interface TranscriptEntry {
  /** 'agent' is the policy; 'user' the simulator; 'system' is the environment narrating; envs may add names (players). */
  role: string;
  text: string;
}

/** What a player sees. The only thing, besides the reward, that reaches an agent. */
export interface Observation {
  /** The agent's episode instructions: its role, goal and action grammar. Constant within an episode. */
  instructions: string;
  /** What appeared since the agent's last action (or since reset), rendered as text. */
  newText: string;
  /** The full role-tagged transcript visible to the agent. */
  transcript: TranscriptEntry[];
  /** The finite set of legal actions right now, when the env has one (absent once the episode ended). */
  legalActions?: string[];
  /** Example actions an uninformed policy may use when the action set is open text. */
  sampleActions?: string[];
  /** Present when the last action could not be applied: why (the hidden state is then unchanged). */
  invalidAction?: InvalidAction;
}

/** The keys an `Observation` may have; anything else is a leak (checked by `checkEnv`). */
export const OBSERVATION_KEYS: readonly string[] = [
  'instructions',
  'newText',
  'transcript',
  'legalActions',
  'sampleActions',
  'invalidAction',
];

export interface InvalidAction {
  reason: string;
}

/**
 * The analysis channel of reset and step: recorded, never given to an agent (see the top of this file).
 */
export interface StepInfo {
  /** Reward of this step broken into named components; the paid ones sum to `reward`. */
  rewardComponents: Record<string, number>;
  /**
   * Per-step values of the env's deferred components (functions of hidden state): accrued on this
   * step but paid only on the episode's last step, under `rewardComponents`. For analysis.
   */
  deferredRewardComponents?: Record<string, number>;
  /** Present when the action could not be applied; the hidden state is then unchanged. */
  invalidAction?: InvalidAction;
  /** Structured outputs of the simulator produced during this step, in order. */
  simulatorTurns?: Json[];
  /** Why the episode ended, once it has. */
  terminationReason?: string;
  /** A typed error that ended the episode (e.g. a simulator that failed after its repairs). */
  error?: EpisodeError;
  /** Episode seed actually used (set by reset). */
  seed?: number;
  [key: string]: Json;
}

export interface EpisodeError {
  type: string;
  message: string;
}

export interface ResetResult {
  observation: Observation;
  info: StepInfo;
}

export interface StepResult {
  observation: Observation;
  reward: number;
  terminated: boolean;
  truncated: boolean;
  info: StepInfo;
}

export interface ResetOptions {
  /** A fresh per-episode seed; omitted, the env continues its own seed stream. */
  seed?: number;
  options?: {
    /** Run this scenario instead of sampling one; validated against the env's scenario schema. */
    scenario?: Json;
    [key: string]: Json;
  };
}

/** How the user side is simulated; recorded in every episode so it can be replayed. */
export interface SimulatorConfig {
  kind: 'scripted' | 'llm' | string;
  model?: string;
  temperature?: number;
  [key: string]: Json;
}

export interface EnvSpec {
  id: string;
  /** Semantic version of the env's dynamics; bumped whenever the same actions could give a different episode. */
  version: string;
  maxEpisodeSteps?: number;
  kwargs: Record<string, Json>;
}

export interface Env {
  readonly spec: EnvSpec;
  /** JSON Schema of a scenario for this env. */
  readonly scenarioSchema: JsonSchema;
  /** The simulator configuration in use, recorded with each episode. */
  readonly simulatorConfig: SimulatorConfig;

  reset(opts?: ResetOptions): Promise<ResetResult>;
  step(action: string): Promise<StepResult>;
  /** A readable text transcript of the current episode, including hidden outcome once ended. */
  render(): string;
  /** Idempotent. */
  close(): Promise<void>;
  /** JSON-serialisable state from which `restore` continues identically. Only between steps. */
  snapshot(): EnvSnapshot;
  restore(snapshot: EnvSnapshot): Promise<void>;
  /** The scenario of the current episode. */
  scenario(): Json;
  /** Token usage of the simulator during the current episode. */
  usage(): Usage;
  /**
   * Pays out deferred reward components accrued but not yet paid, and forgets them. Called by
   * `TimeLimit` when it truncates an episode, so deferred shaping is paid however the episode ends.
   */
  flushDeferredRewards?(): Record<string, number>;
  /**
   * Strings of the current episode that must not reach the agent before the episode ends (from the
   * env definition's `secrets`). For conformance checks only.
   */
  secrets?(): string[];
}

export interface EnvSnapshot {
  envId: string;
  envVersion: string;
  [key: string]: Json;
}

export interface Usage {
  promptTokens: number;
  completionTokens: number;
  calls: number;
  cachedCalls: number;
  /** Dollars, when a price table was given. */
  cost?: number;
}

export function emptyUsage(): Usage {
  return { promptTokens: 0, completionTokens: 0, calls: 0, cachedCalls: 0 };
}

/** Adds `more` into `into`; record usage (which keeps cache hits under timings) counts no cached calls. */
export function addUsage(into: Usage, more: (Omit<Usage, 'cachedCalls'> & { cachedCalls?: number }) | undefined): Usage {
  if (!more) return into;
  into.promptTokens += more.promptTokens;
  into.completionTokens += more.completionTokens;
  into.calls += more.calls;
  into.cachedCalls += more.cachedCalls ?? 0;
  if (more.cost !== undefined) into.cost = (into.cost ?? 0) + more.cost;
  return into;
}

/** Renders an observation as the text a human or a plain-text policy reads. */
export function formatObservation(obs: Observation, opts: { full?: boolean } = {}): string {
  if (opts.full) {
    const lines = obs.transcript.map((t) => `${t.role}: ${t.text}`);
    return `${obs.instructions}\n\n${lines.join('\n')}`;
  }
  return obs.newText;
}
