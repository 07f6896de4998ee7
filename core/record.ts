/**
 * Episode records: one JSON document per finished episode, holding everything needed to replay it
 * (env id and version, kwargs, seed, scenario, simulator config, the agent's actions) plus what
 * happened (observations, rewards, the simulator's structured turns, termination, usage).
 *
 * Everything that depends on the wall clock lives under `timings`, so two runs with the same seeds
 * are byte-identical once `timings` is removed.
 */
import { nonStringActionKind, nonStringActionOfKind } from './input.js';
import { type JsonSchema, validate } from './schema.js';
import type { EpisodeError, Json, SimulatorConfig, StepInfo, Usage } from './types.js';
import { emptyUsage } from './types.js';
import { Wrapper } from './wrappers.js';
import type { Env, ResetOptions, ResetResult, StepResult } from './types.js';
import { DIALOGYM_VERSION } from './version.js';

export interface RecordedTurn {
  /** The agent's action ('' when the agent gave something other than a string: see invalidAction.nonString). */
  action: string;
  /** Text the agent saw after this action. */
  observation: string;
  reward: number;
  rewardComponents: Record<string, number>;
  simulatorTurns: Json[];
  /** Why the action was invalid; `nonString` names the kind of a non-string action ('null', 'an object' ...). */
  invalidAction: { reason: string; nonString?: string } | null;
  /** Env-specific analysis fields from info (hidden intent, beliefs ...). */
  info: Record<string, Json>;
}

export interface EpisodeRecord {
  schemaVersion: 1;
  /** Stable key of the episode within its run (e.g. `Persuasion-v0/random/17`). */
  key: string;
  dialogymVersion: string;
  env: { id: string; version: string; kwargs: Record<string, Json>; maxEpisodeSteps: number | null };
  seed: number;
  scenario: Json;
  /** `privileged: true` marks an oracle's episode: it read the hidden scenario (never a leaderboard entry). */
  agent: { id: string; config: Json; privileged?: true };
  simulator: SimulatorConfig;
  initialObservation: { instructions: string; text: string; info: Record<string, Json> };
  turns: RecordedTurn[];
  totals: { return: number; steps: number; invalidActions: number };
  termination: { terminated: boolean; truncated: boolean; reason: string };
  error: EpisodeError | null;
  /** Tokens, calls and cost of the episode itself: identical whether the calls were served live or from the cache. */
  usage: { simulator: RecordUsage; agent: RecordUsage };
  /** Where the episode came from when it was not a plain rollout (import, hindsight ...). */
  source: Json;
  /**
   * Everything that depends on the run rather than the episode: wall clock, and how many LLM calls
   * the cache answered (a cached rerun differs from the live run only here).
   */
  timings: {
    startedAt: string;
    wallMs: number;
    cachedCalls?: { simulator: number; agent: number };
    [k: string]: Json;
  };
}

export type RecordUsage = Omit<Usage, 'cachedCalls'>;

export function recordUsage(u: Usage): RecordUsage {
  const { cachedCalls: _c, ...rest } = u;
  return rest;
}

const usageSchema: JsonSchema = {
  type: 'object',
  required: ['promptTokens', 'completionTokens', 'calls'],
  properties: {
    promptTokens: { type: 'integer', minimum: 0 },
    completionTokens: { type: 'integer', minimum: 0 },
    calls: { type: 'integer', minimum: 0 },
    cost: { type: 'number', minimum: 0 },
  },
  additionalProperties: false,
};

export const episodeRecordSchema: JsonSchema = {
  $id: 'https://dialogym.dev/schemas/episode-record-v1.json',
  title: 'dialogym episode record',
  type: 'object',
  required: [
    'schemaVersion',
    'key',
    'dialogymVersion',
    'env',
    'seed',
    'scenario',
    'agent',
    'simulator',
    'initialObservation',
    'turns',
    'totals',
    'termination',
    'error',
    'usage',
    'source',
    'timings',
  ],
  additionalProperties: false,
  properties: {
    schemaVersion: { const: 1 },
    key: { type: 'string', minLength: 1 },
    dialogymVersion: { type: 'string' },
    env: {
      type: 'object',
      required: ['id', 'version', 'kwargs', 'maxEpisodeSteps'],
      additionalProperties: false,
      properties: {
        id: { type: 'string', pattern: '^[A-Za-z0-9_/.-]+-v\\d+$' },
        version: { type: 'string' },
        kwargs: { type: 'object' },
        maxEpisodeSteps: { type: ['integer', 'null'], minimum: 1 },
      },
    },
    seed: { type: 'integer', minimum: 0 },
    scenario: {},
    agent: {
      type: 'object',
      required: ['id', 'config'],
      additionalProperties: false,
      properties: { id: { type: 'string' }, config: {}, privileged: { const: true } },
    },
    simulator: { type: 'object', required: ['kind'], properties: { kind: { type: 'string' } } },
    initialObservation: {
      type: 'object',
      required: ['instructions', 'text', 'info'],
      additionalProperties: false,
      properties: { instructions: { type: 'string' }, text: { type: 'string' }, info: { type: 'object' } },
    },
    turns: {
      type: 'array',
      items: {
        type: 'object',
        required: ['action', 'observation', 'reward', 'rewardComponents', 'simulatorTurns', 'invalidAction', 'info'],
        additionalProperties: false,
        properties: {
          action: { type: 'string' },
          observation: { type: 'string' },
          reward: { type: 'number' },
          rewardComponents: { type: 'object', additionalProperties: { type: 'number' } },
          simulatorTurns: { type: 'array' },
          invalidAction: {
            anyOf: [
              { type: 'null' },
              { type: 'object', required: ['reason'], properties: { reason: { type: 'string' } } },
            ],
          },
          info: { type: 'object' },
        },
      },
    },
    totals: {
      type: 'object',
      required: ['return', 'steps', 'invalidActions'],
      additionalProperties: false,
      properties: {
        return: { type: 'number' },
        steps: { type: 'integer', minimum: 0 },
        invalidActions: { type: 'integer', minimum: 0 },
      },
    },
    termination: {
      type: 'object',
      required: ['terminated', 'truncated', 'reason'],
      additionalProperties: false,
      properties: { terminated: { type: 'boolean' }, truncated: { type: 'boolean' }, reason: { type: 'string' } },
    },
    error: {
      anyOf: [
        { type: 'null' },
        {
          type: 'object',
          required: ['type', 'message'],
          properties: { type: { type: 'string' }, message: { type: 'string' } },
        },
      ],
    },
    usage: {
      type: 'object',
      required: ['simulator', 'agent'],
      additionalProperties: false,
      properties: { simulator: usageSchema, agent: usageSchema },
    },
    source: {},
    timings: {
      type: 'object',
      required: ['startedAt', 'wallMs'],
      properties: {
        startedAt: { type: 'string' },
        wallMs: { type: 'number', minimum: 0 },
        cachedCalls: {
          type: 'object',
          required: ['simulator', 'agent'],
          properties: { simulator: { type: 'integer', minimum: 0 }, agent: { type: 'integer', minimum: 0 } },
        },
      },
    },
  },
};

/**
 * The actions to replay a record with: the recorded strings, and for a recorded non-string action
 * a value of the same kind, so the env gives the same invalid-action step again.
 */
export function recordedActions(rec: EpisodeRecord): string[] {
  return rec.turns.map((t) => (t.invalidAction?.nonString !== undefined ? (nonStringActionOfKind(t.invalidAction.nonString) as string) : t.action));
}

export function validateRecord(value: unknown) {
  return validate(episodeRecordSchema, value);
}

/** Info keys that are recorded elsewhere in a turn (or are recomputable by replay). */
const INFO_KEYS_NOT_COPIED = new Set([
  'rewardComponents',
  'simulatorTurns',
  'invalidAction',
  'episode',
  'seed',
]);

export function analysisInfo(info: StepInfo): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(info)) if (!INFO_KEYS_NOT_COPIED.has(k) && v !== undefined) out[k] = v;
  return out;
}

export interface RecordMeta {
  key: string;
  agent: { id: string; config?: Json; privileged?: true };
  source?: Json;
}

/**
 * Builds the episode record as the episode runs and hands it to `onRecord` when it ends.
 * Timing fields use the wall clock, which is why they are kept apart in `timings`.
 */
export class RecordTrajectory extends Wrapper {
  private current: EpisodeRecord | undefined;
  private started = 0;
  private meta: RecordMeta;

  constructor(
    env: Env,
    meta: RecordMeta,
    private readonly onRecord: (r: EpisodeRecord) => void | Promise<void>,
  ) {
    super(env);
    this.meta = meta;
  }

  /** Change key/agent/source for the next episode. */
  setMeta(meta: RecordMeta): void {
    this.meta = meta;
  }

  override async reset(opts?: ResetOptions): Promise<ResetResult> {
    const r = await this.env.reset(opts);
    this.started = performance.now();
    this.current = {
      schemaVersion: 1,
      key: this.meta.key,
      dialogymVersion: DIALOGYM_VERSION,
      env: {
        id: this.spec.id,
        version: this.spec.version,
        kwargs: structuredClone(this.spec.kwargs),
        maxEpisodeSteps: this.spec.maxEpisodeSteps ?? null,
      },
      seed: r.info.seed ?? opts?.seed ?? 0,
      scenario: structuredClone(this.env.scenario()),
      agent: {
        id: this.meta.agent.id,
        config: this.meta.agent.config ?? null,
        ...(this.meta.agent.privileged ? { privileged: true as const } : {}),
      },
      simulator: structuredClone(this.simulatorConfig),
      initialObservation: {
        instructions: r.observation.instructions,
        text: r.observation.newText,
        info: analysisInfo(r.info),
      },
      turns: [],
      totals: { return: 0, steps: 0, invalidActions: 0 },
      termination: { terminated: false, truncated: false, reason: '' },
      error: r.info.error ?? null,
      usage: { simulator: recordUsage(emptyUsage()), agent: recordUsage(emptyUsage()) },
      source: this.meta.source ?? null,
      timings: { startedAt: new Date().toISOString(), wallMs: 0, cachedCalls: { simulator: 0, agent: 0 } },
    };
    if (r.info.error) await this.finish(true, false, 'error');
    return r;
  }

  override async step(action: string): Promise<StepResult> {
    const r = await this.env.step(action);
    const rec = this.current;
    if (rec) {
      // A non-string action (a buggy policy's null or object) is stored as '' with its kind, so the
      // record stays valid JSON of the schema and a replay hands the env the same kind of value.
      const nonString = typeof action !== 'string';
      const invalid = r.info.invalidAction ?? null;
      rec.turns.push({
        action: nonString ? '' : action,
        observation: r.observation.newText,
        reward: r.reward,
        rewardComponents: r.info.rewardComponents,
        simulatorTurns: r.info.simulatorTurns ?? [],
        invalidAction: invalid && nonString ? { ...invalid, nonString: nonStringActionKind(action) } : invalid,
        info: analysisInfo(r.info),
      });
      rec.totals.return += r.reward;
      rec.totals.steps += 1;
      if (r.info.invalidAction) rec.totals.invalidActions += 1;
      if (r.info.error) rec.error = r.info.error;
      if (r.terminated || r.truncated) {
        await this.finish(r.terminated, r.truncated, r.info.terminationReason ?? (r.truncated ? 'time_limit' : 'done'));
      }
    }
    return r;
  }

  /** Ends the record early (agent failure, interrupted run) and emits it. */
  async abort(reason: string, error: EpisodeError | null): Promise<void> {
    if (!this.current) return;
    if (error) this.current.error = error;
    await this.finish(false, true, reason);
  }

  /** Add agent-side usage to the record in progress. */
  addAgentUsage(u: Usage | undefined): void {
    if (!u || !this.current) return;
    const a = this.current.usage.agent;
    a.promptTokens += u.promptTokens;
    a.completionTokens += u.completionTokens;
    a.calls += u.calls;
    const cached = this.current.timings.cachedCalls ?? { simulator: 0, agent: 0 };
    cached.agent += u.cachedCalls;
    this.current.timings.cachedCalls = cached;
    if (u.cost !== undefined) a.cost = (a.cost ?? 0) + u.cost;
  }

  private async finish(terminated: boolean, truncated: boolean, reason: string): Promise<void> {
    const rec = this.current;
    if (!rec) return;
    this.current = undefined;
    rec.termination = { terminated, truncated, reason };
    const sim = this.env.usage();
    rec.usage.simulator = recordUsage(sim);
    rec.timings.cachedCalls = { agent: 0, ...rec.timings.cachedCalls, simulator: sim.cachedCalls };
    rec.timings.wallMs = Math.round((performance.now() - this.started) * 1000) / 1000;
    await this.onRecord(rec);
  }
}
