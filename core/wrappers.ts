/**
 * Wrappers: one concern each, composable around any `Env`.
 *
 * A wrapper that keeps state of its own adds it to the snapshot under `wrappers[<name>]`, so that
 * `restore` through the same wrapper stack continues exactly.
 */
import type { JsonSchema } from './schema.js';
import {
  OBSERVATION_KEYS,
  type Env,
  type EnvSnapshot,
  type EnvSpec,
  type Json,
  type ResetOptions,
  type ResetResult,
  type SimulatorConfig,
  type StepResult,
  type Usage,
} from './types.js';
import { ProtocolError } from './machine-env.js';

export abstract class Wrapper implements Env {
  constructor(readonly env: Env) {}

  get spec(): EnvSpec {
    return this.env.spec;
  }
  get scenarioSchema(): JsonSchema {
    return this.env.scenarioSchema;
  }
  get simulatorConfig(): SimulatorConfig {
    return this.env.simulatorConfig;
  }
  reset(opts?: ResetOptions): Promise<ResetResult> {
    return this.env.reset(opts);
  }
  step(action: string): Promise<StepResult> {
    return this.env.step(action);
  }
  render(): string {
    return this.env.render();
  }
  close(): Promise<void> {
    return this.env.close();
  }
  snapshot(): EnvSnapshot {
    return this.env.snapshot();
  }
  restore(snapshot: EnvSnapshot): Promise<void> {
    return this.env.restore(snapshot);
  }
  scenario(): Json {
    return this.env.scenario();
  }
  usage(): Usage {
    return this.env.usage();
  }
  flushDeferredRewards(): Record<string, number> {
    return this.env.flushDeferredRewards?.() ?? {};
  }
  secrets(): string[] {
    return this.env.secrets?.() ?? [];
  }
  /** The innermost env. */
  get unwrapped(): Env {
    let e: Env = this.env;
    while (e instanceof Wrapper) e = e.env;
    return e;
  }
}

function wrapperState(s: EnvSnapshot, name: string): Json {
  return (s.wrappers as Record<string, Json> | undefined)?.[name];
}
function withWrapperState(s: EnvSnapshot, name: string, value: Json): EnvSnapshot {
  return { ...s, wrappers: { ...((s.wrappers as Record<string, Json>) ?? {}), [name]: value } };
}

/** Truncates the episode after `maxEpisodeSteps` steps (invalid actions count: they are steps). */
export class TimeLimit extends Wrapper {
  private elapsed = 0;
  constructor(
    env: Env,
    readonly maxEpisodeSteps: number,
  ) {
    super(env);
    if (!(Number.isInteger(maxEpisodeSteps) && maxEpisodeSteps > 0)) {
      throw new RangeError(`maxEpisodeSteps must be a positive integer, got ${maxEpisodeSteps}`);
    }
  }
  override async reset(opts?: ResetOptions): Promise<ResetResult> {
    this.elapsed = 0;
    return this.env.reset(opts);
  }
  override async step(action: string): Promise<StepResult> {
    const r = await this.env.step(action);
    this.elapsed += 1;
    if (this.elapsed >= this.maxEpisodeSteps && !r.terminated) {
      r.truncated = true;
      r.info.terminationReason = 'time_limit';
      // Deferred shaping is paid on the last step however the episode ends.
      const owed = this.env.flushDeferredRewards?.() ?? {};
      for (const [k, v] of Object.entries(owed)) {
        r.info.rewardComponents[k] = (r.info.rewardComponents[k] ?? 0) + v;
        r.reward += v;
      }
    }
    return r;
  }
  override snapshot(): EnvSnapshot {
    return withWrapperState(this.env.snapshot(), 'timeLimit', this.elapsed);
  }
  override async restore(s: EnvSnapshot): Promise<void> {
    await this.env.restore(s);
    this.elapsed = Number(wrapperState(s, 'timeLimit') ?? 0);
  }
}

/** Refuses `step` and `render` before the first `reset`. */
export class OrderEnforcing extends Wrapper {
  private hasReset = false;
  override async reset(opts?: ResetOptions): Promise<ResetResult> {
    const r = await this.env.reset(opts);
    this.hasReset = true;
    return r;
  }
  override step(action: string): Promise<StepResult> {
    if (!this.hasReset) return Promise.reject(new ProtocolError('step() before reset()'));
    return this.env.step(action);
  }
  override async restore(s: EnvSnapshot): Promise<void> {
    await this.env.restore(s);
    this.hasReset = true;
  }
}

/**
 * Checks each return value's shape the way Gymnasium's passive checker does, and throws on a
 * contract violation by the env (never on the agent's action).
 */
export class PassiveEnvChecker extends Wrapper {
  override async reset(opts?: ResetOptions): Promise<ResetResult> {
    const r = await this.env.reset(opts);
    assertObservation(r.observation, 'reset');
    assertInfo(r.info, 'reset');
    return r;
  }
  override async step(action: string): Promise<StepResult> {
    const r = await this.env.step(action);
    assertObservation(r.observation, 'step');
    assertInfo(r.info, 'step');
    if (typeof r.reward !== 'number' || !Number.isFinite(r.reward)) {
      throw new ProtocolError(`${this.spec.id}: step reward must be a finite number, got ${r.reward}`);
    }
    if (typeof r.terminated !== 'boolean' || typeof r.truncated !== 'boolean') {
      throw new ProtocolError(`${this.spec.id}: terminated and truncated must be booleans`);
    }
    let sum = 0;
    const components = r.info.rewardComponents;
    for (const k in components) sum += components[k] as number;
    if (Math.abs(sum - r.reward) > 1e-9) {
      throw new ProtocolError(`${this.spec.id}: reward components sum to ${sum}, reward is ${r.reward}`);
    }
    return r;
  }
}

function assertObservation(o: Json, where: string): void {
  if (!o || typeof o.instructions !== 'string' || typeof o.newText !== 'string' || !Array.isArray(o.transcript)) {
    throw new ProtocolError(`${where}: observation must have instructions, newText and transcript`);
  }
  for (const k in o) {
    if (!OBSERVATION_KEYS.includes(k)) {
      throw new ProtocolError(`${where}: observation has '${k}', which is not part of what an agent may see`);
    }
  }
  if (!isStringArray(o.legalActions)) throw new ProtocolError(`${where}: observation.legalActions must be an array of strings`);
  if (!isStringArray(o.sampleActions)) throw new ProtocolError(`${where}: observation.sampleActions must be an array of strings`);
  const transcript = o.transcript as Json[];
  for (let i = 0; i < transcript.length; i++) {
    const t = transcript[i];
    if (typeof t?.role !== 'string' || typeof t?.text !== 'string') {
      throw new ProtocolError(`${where}: transcript entries must be {role, text} strings`);
    }
  }
}

/** Absent, or an array of strings. */
function isStringArray(a: Json): boolean {
  if (a === undefined) return true;
  if (!Array.isArray(a)) return false;
  for (let i = 0; i < a.length; i++) if (typeof a[i] !== 'string') return false;
  return true;
}

function assertInfo(info: Json, where: string): void {
  if (!info || typeof info !== 'object' || typeof info.rewardComponents !== 'object') {
    throw new ProtocolError(`${where}: info must be an object with rewardComponents`);
  }
}

export interface EpisodeStatistics {
  return: number;
  length: number;
  invalidActions: number;
}

/** Adds `info.episode = {return, length, invalidActions}` on the step that ends an episode. */
export class RecordEpisodeStatistics extends Wrapper {
  private ret = 0;
  private len = 0;
  private invalid = 0;
  override async reset(opts?: ResetOptions): Promise<ResetResult> {
    this.ret = 0;
    this.len = 0;
    this.invalid = 0;
    return this.env.reset(opts);
  }
  override async step(action: string): Promise<StepResult> {
    const r = await this.env.step(action);
    this.ret += r.reward;
    this.len += 1;
    if (r.info.invalidAction) this.invalid += 1;
    if (r.terminated || r.truncated) {
      r.info.episode = { return: this.ret, length: this.len, invalidActions: this.invalid } satisfies EpisodeStatistics;
    }
    return r;
  }
  override snapshot(): EnvSnapshot {
    return withWrapperState(this.env.snapshot(), 'episodeStatistics', [this.ret, this.len, this.invalid]);
  }
  override async restore(s: EnvSnapshot): Promise<void> {
    await this.env.restore(s);
    const st = (wrapperState(s, 'episodeStatistics') as number[] | undefined) ?? [0, 0, 0];
    [this.ret, this.len, this.invalid] = [st[0] ?? 0, st[1] ?? 0, st[2] ?? 0];
  }
}
