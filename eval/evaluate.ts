/**
 * `dialogym eval` as a function: runs one agent on several envs of a split, computes the metrics
 * and normalized scores, and returns the results document with its records.
 */
import type { EpisodeRecord } from '../core/record.js';
import { listEnvs } from '../core/registry.js';
import type { SimulatorConfig } from '../core/types.js';
import { DIALOGYM_VERSION } from '../core/version.js';
import type { LlmProvider } from '../simulators/types.js';
import { computeEnvMetrics } from './metrics.js';
import {
  computeReference,
  hasReferenceAgents,
  headroomOf,
  loadReferences,
  normalize,
  REFERENCE_EPISODES,
  type ReferenceFile,
  storedReference,
  type UsedReference,
} from './references.js';
import type { EvalPool } from './pool.js';
import type { EnvResult, Results } from './results.js';
import { type EnvRun, runEnvEval } from './runner.js';
import { SPLIT_VERSION, type SplitName } from './splits.js';

export interface EvaluateOptions {
  agent: string;
  envIds: string[];
  split: SplitName;
  episodes: number;
  trials: number;
  simulator: SimulatorConfig;
  simulatorLlm?: LlmProvider;
  agentLlm?: LlmProvider;
  concurrency?: number;
  command: string;
  references?: ReferenceFile;
  /** Runs of random/expert already done in this process, reused as references when they match. */
  referenceRuns?: Map<string, EnvRun>;
  log?: (line: string) => void;
  onEpisode?: (rec: EpisodeRecord) => void;
  shouldStop?: (rec: EpisodeRecord) => string | undefined;
  now?: Date;
  /** Worker threads for scripted tasks (see pool.ts). */
  pool?: EvalPool;
  /** false: leave references and normalized scores out (a caller will add them, e.g. `start`). */
  normalize?: boolean;
}

/** `all` → every registered env not tagged `test`; otherwise a comma-separated list of ids. */
export function resolveEnvIds(spec: string): string[] {
  if (spec === 'all') return listEnvs().map((r) => r.id);
  return spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

export function referenceRunKey(agent: string, envId: string, split: SplitName): string {
  return `${agent}|${envId}|${split}`;
}

export async function resolveReference(
  run: EnvRun,
  split: SplitName,
  opts: Pick<EvaluateOptions, 'references' | 'referenceRuns' | 'concurrency' | 'log' | 'pool'>,
): Promise<{ reference: UsedReference | null; note: string | null }> {
  const file = opts.references ?? loadReferences();
  const stored = storedReference(file, run.envId, run.envVersion, run.kwargs, split);
  if (!('stale' in stored)) return { reference: stored, note: null };
  if (!hasReferenceAgents(run.envId)) return { reference: null, note: `${run.envId} registers no expert agent` };
  const runs = {
    random: opts.referenceRuns?.get(referenceRunKey('random', run.envId, split)),
    expert: opts.referenceRuns?.get(referenceRunKey('expert', run.envId, split)),
    oracle: opts.referenceRuns?.get(referenceRunKey('oracle', run.envId, split)),
  };
  const reused = runs.random?.seeds.length === REFERENCE_EPISODES && runs.expert?.seeds.length === REFERENCE_EPISODES;
  opts.log?.(
    `${run.envId}: ${stored.stale}; ${reused ? 'using this run of random and expert as' : 'computing'} the ${split} reference (${REFERENCE_EPISODES} episodes each)`,
  );
  const r = await computeReference(run.envId, split, { concurrency: opts.concurrency, runs, pool: opts.pool });
  return {
    reference: {
      random: r.random,
      expert: r.expert,
      ...(r.oracle ? { oracle: r.oracle } : {}),
      source: 'computed',
      episodes: REFERENCE_EPISODES,
      provenance: null,
    },
    note: stored.stale,
  };
}

/** The runs behind a results file, rebuilt from its records (to summarize them again). */
export function runsFromResults(results: Omit<Results, 'records'>, records: readonly EpisodeRecord[]): EnvRun[] {
  return results.envs.map((e) => ({
    envId: e.envId,
    envVersion: e.envVersion,
    kwargs: e.kwargs,
    maxEpisodeSteps: e.maxEpisodeSteps,
    seeds: e.seeds,
    records: records.filter((r) => r.env.id === e.envId),
    elapsedMs: e.elapsedMs,
  }));
}

/** Runs the agent on every env of the split (no metrics yet). */
export async function runAll(opts: EvaluateOptions): Promise<EnvRun[]> {
  const runs: EnvRun[] = [];
  for (const envId of opts.envIds) {
    const run = await runEnvEval({
      agent: opts.agent,
      envId,
      split: opts.split,
      episodes: opts.episodes,
      trials: opts.trials,
      simulator: opts.simulator,
      simulatorLlm: opts.simulatorLlm,
      agentLlm: opts.agentLlm,
      concurrency: opts.concurrency,
      onEpisode: opts.onEpisode,
      shouldStop: opts.shouldStop,
      pool: opts.pool,
    });
    if (['random', 'expert', 'oracle'].includes(opts.agent) && opts.trials === 1 && opts.simulator.kind === 'scripted') {
      opts.referenceRuns?.set(referenceRunKey(opts.agent, envId, opts.split), run);
    }
    runs.push(run);
  }
  return runs;
}

/** Metrics, references and normalized scores of finished runs, as a results document. */
export async function summarize(
  runs: readonly EnvRun[],
  opts: EvaluateOptions,
): Promise<{ results: Omit<Results, 'records'>; records: EpisodeRecord[] }> {
  const envResults: EnvResult[] = [];
  const records: EpisodeRecord[] = [];
  let agentId = opts.agent;
  let agentConfig: unknown = null;
  let privileged = false;
  for (const run of runs) {
    const metrics = computeEnvMetrics(run.records, run.envId, opts.split);
    const { reference, note } =
      opts.normalize === false
        ? { reference: null, note: 'normalized score not computed (--no-normalize)' }
        : await resolveReference(run, opts.split, opts);
    const normalized = reference ? normalize(metrics.meanReturn, metrics.returnCI, reference) : null;
    const headroom = headroomOf(reference);
    envResults.push({
      envId: run.envId,
      envVersion: run.envVersion,
      kwargs: run.kwargs,
      maxEpisodeSteps: run.maxEpisodeSteps,
      seeds: run.seeds,
      metrics,
      reference,
      referenceNote: reference && !normalized ? 'random and expert references are equal' : note,
      normalized,
      headroom,
      elapsedMs: run.elapsedMs,
    });
    const first = run.records[0];
    if (first) {
      agentId = first.agent.id;
      agentConfig = first.agent.config;
      if (first.agent.privileged) privileged = true;
    }
    records.push(...run.records);
  }
  return {
    results: {
      schemaVersion: 1,
      format: 'dialogym-results',
      dialogymVersion: DIALOGYM_VERSION,
      createdAt: (opts.now ?? new Date()).toISOString(),
      command: opts.command,
      agent: { name: opts.agent, id: agentId, config: agentConfig ?? null, ...(privileged ? { privileged: true as const } : {}) },
      simulator: opts.simulator,
      split: { name: opts.split, version: SPLIT_VERSION, episodes: opts.episodes, trials: opts.trials },
      envs: envResults,
    },
    records,
  };
}

export async function evaluate(opts: EvaluateOptions): Promise<{ results: Omit<Results, 'records'>; records: EpisodeRecord[] }> {
  return summarize(await runAll(opts), opts);
}
