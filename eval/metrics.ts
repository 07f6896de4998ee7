/**
 * Per-environment metrics computed from episode records alone (so `verify` can recompute them).
 *
 * Success of an episode: the env's own verdict, `info.success` of the final step, when the env
 * reports one (`info.agentWon`, which multi-player envs report, is read the same way). For an env
 * that reports neither, an episode counts as a success when it terminated (not truncated), raised no
 * error and earned a positive return.
 */
import type { EpisodeRecord } from '../core/record.js';
import { deriveSeed } from '../core/rng.js';
import { bootstrapMeanCI, type Interval, mean, passHatK, round } from './stats.js';

export type SuccessSource = 'info.success' | 'info.agentWon' | 'termination' | 'mixed';

/** Info fields holding the env's own success verdict, in order of preference. */
const VERDICT_KEYS = ['success', 'agentWon'] as const;

export interface EnvMetrics {
  /** Number of episode records (tasks × trials). */
  episodes: number;
  tasks: number;
  trials: number;
  meanReturn: number;
  /** 95 % percentile-bootstrap CI of the mean return, resampling tasks. */
  returnCI: Interval;
  /** Standard deviation of per-task mean returns. */
  returnStd: number;
  successRate: number;
  successCI: Interval;
  successSource: SuccessSource;
  /** pass^k for k = 1..trials (τ-bench, unbiased estimator over the trials of each task). */
  passK: Record<string, number>;
  meanTurns: number;
  /** Invalid actions over all agent steps. */
  invalidActionRate: number;
  /** Episodes that ended with an error (simulator failure, agent failure). */
  errorRate: number;
  /** Episodes cut by the step limit. */
  truncationRate: number;
  terminationReasons: Record<string, number>;
  tokens: { prompt: number; completion: number; total: number; calls: number; cachedCalls: number };
  /** Dollars, when the LLM layer had a price table; else null. */
  cost: number | null;
  /** Sum and mean of per-episode wall time (milliseconds, not reproducible). */
  wallMs: { total: number; meanPerEpisode: number };
}

export function episodeSuccess(rec: EpisodeRecord): { success: boolean; source: Exclude<SuccessSource, 'mixed'> } {
  const last = rec.turns.length > 0 ? rec.turns[rec.turns.length - 1]?.info : rec.initialObservation.info;
  for (const key of VERDICT_KEYS) {
    const verdict = last?.[key];
    if (typeof verdict === 'boolean') return { success: verdict, source: `info.${key}` };
  }
  const ok = rec.termination.terminated && !rec.termination.truncated && rec.error === null && rec.totals.return > 0;
  return { success: ok, source: 'termination' };
}

/** Key of the task an episode belongs to: records carry it in `source.task` (the task seed). */
export function taskOf(rec: EpisodeRecord): number {
  const t = (rec.source as { task?: unknown } | null)?.task;
  return typeof t === 'number' ? t : rec.seed;
}

/** Seed of the bootstrap for an env and split: fixed, so CIs are reproducible. */
export function bootstrapSeed(envId: string, split: string): number {
  return deriveSeed(0, `bootstrap/${envId}/${split}`);
}

export function computeEnvMetrics(records: readonly EpisodeRecord[], envId: string, split: string): EnvMetrics {
  const byTask = new Map<number, EpisodeRecord[]>();
  for (const r of records) {
    const k = taskOf(r);
    const list = byTask.get(k);
    if (list) list.push(r);
    else byTask.set(k, [r]);
  }
  const tasks = [...byTask.values()];
  const taskReturns = tasks.map((rs) => mean(rs.map((r) => r.totals.return)));
  const sources = new Set<string>();
  const taskOutcomes = tasks.map((rs) => {
    let successes = 0;
    for (const r of rs) {
      const s = episodeSuccess(r);
      sources.add(s.source);
      if (s.success) successes += 1;
    }
    return { trials: rs.length, successes };
  });
  const taskSuccess = taskOutcomes.map((t) => t.successes / t.trials);
  const minTrials = taskOutcomes.length ? Math.min(...taskOutcomes.map((t) => t.trials)) : 0;
  const passK: Record<string, number> = {};
  for (let k = 1; k <= minTrials; k++) passK[String(k)] = round(passHatK(taskOutcomes, k));

  const steps = records.reduce((s, r) => s + r.totals.steps, 0);
  const invalid = records.reduce((s, r) => s + r.totals.invalidActions, 0);
  const reasons: Record<string, number> = {};
  for (const r of records) reasons[r.termination.reason] = (reasons[r.termination.reason] ?? 0) + 1;
  const tokens = { prompt: 0, completion: 0, total: 0, calls: 0, cachedCalls: 0 };
  let cost: number | null = null;
  for (const r of records) {
    tokens.cachedCalls += (r.timings.cachedCalls?.simulator ?? 0) + (r.timings.cachedCalls?.agent ?? 0);
    for (const u of [r.usage.simulator, r.usage.agent]) {
      tokens.prompt += u.promptTokens;
      tokens.completion += u.completionTokens;
      tokens.calls += u.calls;
      if (u.cost !== undefined) cost = (cost ?? 0) + u.cost;
    }
  }
  tokens.total = tokens.prompt + tokens.completion;
  const wallTotal = records.reduce((s, r) => s + r.timings.wallMs, 0);
  const seed = bootstrapSeed(envId, split);
  const rci = bootstrapMeanCI(taskReturns, { seed });
  const sci = bootstrapMeanCI(taskSuccess, { seed: deriveSeed(seed, 'success') });
  const mr = mean(taskReturns);
  const variance = taskReturns.length > 1 ? mean(taskReturns.map((x) => (x - mr) ** 2)) * (taskReturns.length / (taskReturns.length - 1)) : 0;
  const n = records.length;
  return {
    episodes: n,
    tasks: tasks.length,
    trials: minTrials,
    meanReturn: round(mr),
    returnCI: { lo: round(rci.lo), hi: round(rci.hi) },
    returnStd: round(Math.sqrt(variance)),
    successRate: round(mean(taskSuccess)),
    successCI: { lo: round(sci.lo), hi: round(sci.hi) },
    successSource: sources.size > 1 ? 'mixed' : ((sources.values().next().value as SuccessSource | undefined) ?? 'info.success'),
    passK,
    meanTurns: round(n ? steps / n : Number.NaN),
    invalidActionRate: round(steps ? invalid / steps : 0),
    errorRate: round(n ? records.filter((r) => r.error !== null).length / n : 0),
    truncationRate: round(n ? records.filter((r) => r.termination.truncated).length / n : 0),
    terminationReasons: reasons,
    tokens,
    cost: cost === null ? null : round(cost, 6),
    wallMs: { total: round(wallTotal, 3), meanPerEpisode: round(n ? wallTotal / n : 0, 3) },
  };
}

/** Metrics that depend only on the records' content, not on the clock (what verify recomputes). */
export function reproducibleMetrics(m: EnvMetrics): Omit<EnvMetrics, 'wallMs'> {
  const { wallMs: _w, ...rest } = m;
  return rest;
}
