/**
 * One served session: the env a client plays, its current episode, and the episode record the
 * server writes when the episode ends. Transport-free: the WebSocket handler and the stateless HTTP
 * endpoints both drive it.
 *
 * A session keeps one env instance and reuses it across resets while the client asks for the same
 * env id, kwargs, simulator and step limit (construction is paid once); asking for another builds
 * a fresh one and closes the old.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { splitSeeds, type SplitName } from '../splits.js';
import { ConfigError } from '../errors.js';
import { type EpisodeRecord, RecordTrajectory } from '../record.js';
import { getRegistration, type MakeOptions, make } from '../registry.js';
import { MAX_SEED } from '../rng.js';
import { SchemaError } from '../schema.js';
import type { Env, EpisodeError, Json, SimulatorConfig } from '../types.js';
import {
  type ResetParams,
  toWireObservation,
  type WireObservation,
  WireError,
} from './protocol.js';

/** How a server builds envs: the default env and simulator, and the LLM simulator when it has one. */
export interface SessionConfig {
  /** Env of resets that name none (`dialogym serve --env`). */
  defaultEnvId?: string;
  /** Simulator of resets that name none. Default `scripted`. */
  defaultSim?: string;
  /** Provider and recorded config of the `llm` simulator; absent, `sim: llm` is refused. */
  llm?: { provider: MakeOptions['llm']; simulator: SimulatorConfig };
  /** Called with the record of every finished episode. */
  onRecord?: (rec: EpisodeRecord) => void;
}

export interface ObservationReply {
  observation: WireObservation;
  reward: number | null;
  done: boolean;
}

interface EnvSlot {
  key: string;
  env: Env;
  recorder: RecordTrajectory | undefined;
  envId: string;
  kwargs: Record<string, Json> | null;
  sim: string;
  maxEpisodeSteps: number | null;
}

interface EpisodeState {
  episodeId: string;
  seed: number;
  split: string | null;
  taskIndex: number | null;
  step: number;
  episodeReturn: number;
  terminated: boolean;
  truncated: boolean;
  terminationReason: string | null;
  error: EpisodeError | null;
  /** The env threw mid-episode: its state is unknown, so no more steps. */
  broken: boolean;
}

/** Seeds of a split's tasks, computed once per (env, split) and grown by doubling. */
const taskSeedCache = new Map<string, number[]>();

export function taskSeed(envId: string, split: string, index: number): number {
  const key = `${envId}\u0000${split}`;
  let seeds = taskSeedCache.get(key) ?? [];
  if (index >= seeds.length) {
    // splitSeeds is prefix-stable: asking for more never changes the first ones.
    seeds = splitSeeds(envId, split as SplitName, Math.max(index + 1, 2 * seeds.length, 64));
    taskSeedCache.set(key, seeds);
  }
  return seeds[index] as number;
}

export class EnvSession {
  private slot: EnvSlot | undefined;
  private episode: EpisodeState | undefined;
  /** Episodes reset or closed before they ended (not recorded). */
  abandoned = 0;
  finished = 0;
  closed = false;

  constructor(private readonly config: SessionConfig) {}

  get hasEpisode(): boolean {
    return this.episode !== undefined;
  }

  get episodeOpen(): boolean {
    const e = this.episode;
    return e !== undefined && !e.terminated && !e.truncated && !e.broken;
  }

  async reset(params: ResetParams): Promise<ObservationReply> {
    if (this.closed) throw new WireError('SESSION_ERROR', 'session is closed');
    const envId = params.envId ?? this.config.defaultEnvId;
    if (!envId) {
      throw new WireError('VALIDATION_ERROR', 'reset needs an env_id: this server has no default env (start it with --env <id> to set one)', {
        errors: [{ type: 'missing', loc: ['data', 'env_id'], msg: 'env_id is required' }],
      });
    }
    try {
      getRegistration(envId);
    } catch (err) {
      throw new WireError('VALIDATION_ERROR', (err as Error).message, {
        errors: [{ type: 'value_error', loc: ['data', 'env_id'], msg: (err as Error).message }],
      });
    }
    let seed = params.seed;
    if (params.split !== undefined && params.taskIndex !== undefined) {
      const fromTask = taskSeed(envId, params.split, params.taskIndex);
      if (seed !== undefined && seed !== fromTask) {
        throw new WireError('VALIDATION_ERROR', `seed ${seed} is not task ${params.taskIndex} of ${envId}'s ${params.split} split (its seed is ${fromTask})`, {
          errors: [{ type: 'value_error', loc: ['data', 'seed'], msg: 'seed does not match split and task_index' }],
        });
      }
      seed = fromTask;
    }
    // A reset without a seed gets a fresh one (recorded, so the episode still replays); the env's own
    // stream would give every new session the same first episode.
    seed ??= randomInt(0, MAX_SEED + 1);
    const slot = await this.slotFor(envId, params);
    if (this.episodeOpen) this.abandoned += 1;
    const episodeId = params.episodeId ?? randomUUID();
    slot.recorder?.setMeta({
      key: `${envId}/served/${episodeId}`,
      agent: { id: 'remote', config: null },
      source: { kind: 'served', episodeId, split: params.split ?? null, taskIndex: params.taskIndex ?? null },
    });
    this.episode = {
      episodeId,
      seed,
      split: params.split ?? null,
      taskIndex: params.taskIndex ?? null,
      step: 0,
      episodeReturn: 0,
      terminated: false,
      truncated: false,
      terminationReason: null,
      error: null,
      broken: false,
    };
    const ep = this.episode;
    let r: Awaited<ReturnType<Env['reset']>>;
    try {
      r = await slot.env.reset({ seed });
    } catch (err) {
      ep.broken = true;
      throw asExecutionError(err);
    }
    if (r.info.error) {
      // The episode failed at reset (a simulator speaking first failed): it is over, and recorded.
      ep.terminated = true;
      ep.terminationReason = 'error';
      ep.error = { type: r.info.error.type, message: r.info.error.message };
      this.finished += 1;
    }
    return { observation: this.wire(r.observation), reward: null, done: ep.terminated };
  }

  async step(action: string): Promise<ObservationReply> {
    if (this.closed) throw new WireError('SESSION_ERROR', 'session is closed');
    const ep = this.episode;
    const slot = this.slot;
    if (!ep || !slot) throw new WireError('EXECUTION_ERROR', 'step before reset: send a reset first');
    if (ep.broken) throw new WireError('EXECUTION_ERROR', 'this episode failed on the server; send a reset to start another');
    if (ep.terminated || ep.truncated) throw new WireError('EXECUTION_ERROR', 'the episode is over; send a reset to start another');
    let r: Awaited<ReturnType<Env['step']>>;
    try {
      r = await slot.env.step(action);
    } catch (err) {
      ep.broken = true;
      throw asExecutionError(err);
    }
    ep.step += 1;
    ep.episodeReturn += r.reward;
    ep.terminated = r.terminated;
    ep.truncated = r.truncated;
    if (r.terminated || r.truncated) {
      ep.terminationReason = r.info.terminationReason ?? (r.truncated ? 'time_limit' : 'done');
      ep.error = r.info.error ? { type: r.info.error.type, message: r.info.error.message } : null;
      this.finished += 1;
    }
    return { observation: this.wire(r.observation), reward: r.reward, done: r.terminated || r.truncated };
  }

  state(): Json {
    const ep = this.episode;
    const slot = this.slot;
    return {
      episode_id: ep?.episodeId ?? null,
      step_count: ep?.step ?? 0,
      env_id: slot?.envId ?? null,
      env_version: slot?.env.spec.version ?? null,
      seed: ep?.seed ?? null,
      split: ep?.split ?? null,
      task_index: ep?.taskIndex ?? null,
      kwargs: slot?.kwargs ?? null,
      sim: slot?.sim ?? null,
      max_episode_steps: slot ? (slot.maxEpisodeSteps ?? slot.env.spec.maxEpisodeSteps ?? null) : null,
      episode_return: ep?.episodeReturn ?? 0,
      done: Boolean(ep && (ep.terminated || ep.truncated)),
      terminated: ep?.terminated ?? false,
      truncated: ep?.truncated ?? false,
      termination_reason: ep && (ep.terminated || ep.truncated) ? ep.terminationReason : null,
    };
  }

  /** Idempotent. An episode still running is abandoned (not recorded). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.episodeOpen) this.abandoned += 1;
    const slot = this.slot;
    this.slot = undefined;
    if (slot) await slot.env.close().catch(() => undefined);
  }

  private wire(obs: Parameters<typeof toWireObservation>[0]): WireObservation {
    const ep = this.episode as EpisodeState;
    return toWireObservation(obs, {
      envId: (this.slot as EnvSlot).envId,
      episodeId: ep.episodeId,
      step: ep.step,
      episodeReturn: ep.episodeReturn,
      terminated: ep.terminated,
      truncated: ep.truncated,
      terminationReason: ep.terminationReason,
      error: ep.error,
    });
  }

  private async slotFor(envId: string, p: ResetParams): Promise<EnvSlot> {
    const sim = p.sim ?? this.config.defaultSim ?? 'scripted';
    const kwargs = p.kwargs ?? null;
    const maxEpisodeSteps = p.maxEpisodeSteps ?? null;
    const key = JSON.stringify([envId, kwargs, sim, maxEpisodeSteps]);
    if (this.slot?.key === key) return this.slot;
    const reg = getRegistration(envId);
    const kinds = reg.simulatorKinds ?? ['scripted'];
    if (!kinds.includes(sim)) {
      throw new WireError('VALIDATION_ERROR', `${envId} has no '${sim}' simulator (it has: ${kinds.join(', ')})`, {
        errors: [{ type: 'value_error', loc: ['data', 'sim'], msg: `unknown simulator '${sim}'` }],
      });
    }
    if (sim === 'llm' && !this.config.llm) {
      throw new WireError('VALIDATION_ERROR', "this server has no LLM simulator: start it with --sim-model (and --sim-base-url) to offer sim 'llm'", {
        errors: [{ type: 'value_error', loc: ['data', 'sim'], msg: 'no LLM simulator configured' }],
      });
    }
    let env: Env;
    try {
      env = make(envId, {
        kwargs: kwargs ?? undefined,
        simulator: sim === 'llm' ? this.config.llm?.simulator : { kind: sim },
        llm: sim === 'llm' ? this.config.llm?.provider : undefined,
        maxEpisodeSteps: maxEpisodeSteps ?? undefined,
      });
    } catch (err) {
      if (err instanceof ConfigError || err instanceof SchemaError || err instanceof RangeError) {
        throw new WireError('VALIDATION_ERROR', (err as Error).message, {
          errors: [{ type: 'value_error', loc: ['data', 'kwargs'], msg: (err as Error).message }],
        });
      }
      throw new WireError('FACTORY_ERROR', `could not build ${envId}: ${(err as Error).message}`, { factory_name: envId });
    }
    const old = this.slot;
    this.slot = undefined;
    if (old) {
      if (this.episodeOpen) this.abandoned += 1;
      this.episode = undefined;
      await old.env.close().catch(() => undefined);
    }
    const onRecord = this.config.onRecord;
    const recorder = onRecord ? new RecordTrajectory(env, { key: '', agent: { id: 'remote' } }, (rec) => onRecord(rec)) : undefined;
    this.slot = { key, env: recorder ?? env, recorder, envId, kwargs, sim, maxEpisodeSteps };
    return this.slot;
  }
}

function asExecutionError(err: unknown): WireError {
  if (err instanceof WireError) return err;
  if (err instanceof ConfigError || err instanceof SchemaError) {
    return new WireError('VALIDATION_ERROR', (err as Error).message, { errors: [{ type: 'value_error', loc: ['data'], msg: (err as Error).message }] });
  }
  return new WireError('EXECUTION_ERROR', (err as Error)?.message ?? String(err));
}
