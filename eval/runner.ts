/**
 * Runs an agent on the seeds of a split: one job per task (seed), `trials` episodes per task.
 *
 * Trial 0 of a task plays the task seed; later trials replay the same scenario with fresh simulator
 * and agent randomness (see `trialSeed`). Jobs run concurrently, each with its own env and agent
 * instances, and results are put back in task order, so the output does not depend on scheduling.
 */
import pLimit from 'p-limit';
import { createAgent } from '../agents/registry.js';
import { ConfigError } from '../core/errors.js';
import type { EpisodeRecord } from '../core/record.js';
import { getRegistration, make } from '../core/registry.js';
import { runEpisode } from '../core/rollout.js';
import type { Json, SimulatorConfig } from '../core/types.js';
import type { LlmProvider } from '../simulators/types.js';
import type { EvalPool } from './pool.js';
import { SPLIT_VERSION, type SplitName, splitSeeds, trialSeed } from './splits.js';

export interface EvalRunOptions {
  agent: string;
  envId: string;
  split: SplitName;
  episodes: number;
  trials: number;
  simulator: SimulatorConfig;
  /** Env kwargs over the registered ones (e.g. an audit variant's role). */
  kwargs?: Record<string, Json>;
  /** Provider for LLM simulators. */
  simulatorLlm?: LlmProvider;
  /** Provider for LLM agents. */
  agentLlm?: LlmProvider;
  concurrency?: number;
  /** Called after each finished episode (each finished task, when a pool runs it). */
  onEpisode?: (rec: EpisodeRecord) => void;
  /** Worker threads for scripted tasks; without one (or for LLM runs) tasks run in this thread. */
  pool?: EvalPool;
  /**
   * A reason to abandon the run after this episode (e.g. the LLM endpoint is down for good): the
   * eval then fails with `EvalAborted` instead of filling the split with failed episodes.
   */
  shouldStop?: (rec: EpisodeRecord) => string | undefined;
}

/** An evaluation given up part-way; no results are written, since a partial split is not comparable. */
export class EvalAborted extends Error {
  constructor(reason: string) {
    super(`evaluation stopped: ${reason}`);
    this.name = 'EvalAborted';
  }
}

export interface EnvRun {
  envId: string;
  envVersion: string;
  kwargs: Record<string, Json>;
  maxEpisodeSteps: number | null;
  /** Task seeds, in split order. */
  seeds: number[];
  /** Records in (task, trial) order. */
  records: EpisodeRecord[];
  /** Elapsed time of the whole run for this env (ms; depends on the machine). */
  elapsedMs: number;
}

/** Source field of an eval episode: enough to place it back in its split. */
export interface EvalSource {
  eval: { split: SplitName; splitVersion: string; index: number; trial: number };
  task: number;
}

export async function runEnvEval(opts: EvalRunOptions): Promise<EnvRun> {
  if (!Number.isInteger(opts.trials) || opts.trials < 1) throw new ConfigError(`--trials must be a positive integer, got ${opts.trials}`);
  if (!Number.isInteger(opts.episodes) || opts.episodes < 1) {
    throw new ConfigError(`--episodes must be a positive integer, got ${opts.episodes}`);
  }
  const reg = getRegistration(opts.envId);
  const kinds = reg.simulatorKinds ?? ['scripted'];
  if (!kinds.includes(opts.simulator.kind)) {
    throw new ConfigError(`${opts.envId} has no '${opts.simulator.kind}' simulator (available: ${kinds.join(', ')})`);
  }
  // Fail on an unknown agent before starting any work.
  createAgent(opts.agent, { envId: opts.envId, llm: opts.agentLlm }).close?.();
  const seeds = splitSeeds(opts.envId, opts.split, opts.episodes);
  const probe = make(opts.envId, { simulator: opts.simulator, llm: opts.simulatorLlm, kwargs: opts.kwargs });
  const spec = probe.spec;
  await probe.close();
  const limit = pLimit(Math.max(1, opts.concurrency ?? 4));
  const started = performance.now();
  // Once one episode says stop, queued tasks do not start and running ones end after their episode.
  let stopped: string | undefined;
  const inner = opts.shouldStop;
  const guarded: EvalRunOptions = inner
    ? {
        ...opts,
        shouldStop: (rec) => {
          stopped ??= inner(rec);
          return stopped;
        },
      }
    : opts;
  const pooled = opts.pool && opts.pool.size > 0 && opts.simulator.kind === 'scripted' && !opts.agentLlm && opts.agent !== 'llm';
  const perTask = await Promise.all(
    seeds.map((taskSeed, index) => {
      if (!pooled || !opts.pool) {
        return limit(() => {
          if (stopped) throw new EvalAborted(stopped);
          return runTask(guarded, taskSeed, index);
        });
      }
      return opts.pool
        .run({
          agent: opts.agent,
          envId: opts.envId,
          split: opts.split,
          taskSeed,
          index,
          trials: opts.trials,
          simulator: opts.simulator,
          kwargs: opts.kwargs,
        })
        .then((recs) => {
          for (const r of recs) opts.onEpisode?.(r);
          return recs;
        });
    }),
  );
  return {
    envId: opts.envId,
    envVersion: spec.version,
    kwargs: structuredClone(spec.kwargs),
    maxEpisodeSteps: spec.maxEpisodeSteps ?? null,
    seeds,
    records: perTask.flat(),
    elapsedMs: Math.round(performance.now() - started),
  };
}

/** The episodes (trials) of one task, in trial order. */
export async function runTask(opts: EvalRunOptions, taskSeed: number, index: number): Promise<EpisodeRecord[]> {
  const env = make(opts.envId, { simulator: opts.simulator, llm: opts.simulatorLlm, kwargs: opts.kwargs });
  const out: EpisodeRecord[] = [];
  try {
    let scenario: Json | undefined;
    for (let trial = 0; trial < opts.trials; trial++) {
      const agent = createAgent(opts.agent, { envId: opts.envId, llm: opts.agentLlm });
      const source: EvalSource = {
        eval: { split: opts.split, splitVersion: SPLIT_VERSION, index, trial },
        task: taskSeed,
      };
      try {
        const rec = await runEpisode({
          env,
          agent,
          seed: trialSeed(taskSeed, trial),
          key: `${opts.envId}/${opts.agent}/${opts.split}/${index}/${trial}`,
          scenario,
          source,
          maxSteps: (env.spec.maxEpisodeSteps ?? 1000) + 1,
        });
        if (trial === 0) scenario = rec.scenario;
        out.push(rec);
        opts.onEpisode?.(rec);
        const stop = opts.shouldStop?.(rec);
        if (stop) throw new EvalAborted(stop);
      } finally {
        await agent.close?.();
      }
    }
  } finally {
    await env.close();
  }
  return out;
}
