/**
 * TEACh's evaluation metrics computed from dialogym episode records of Embodied-v0:
 * success rate (SR), goal-condition success (GC: mean per-episode fraction of goal-condition units
 * satisfied at the end), and their path-length-weighted versions (PLW), where an episode's score
 * is multiplied by L* / max(L, L*), L its number of steps and L* the reference path length: the
 * expert's path length on the same seed when expert records are given, else the env's
 * `oraclePathLength` (the planner with perfect knowledge).
 */
import type { EpisodeRecord } from '../../core/record.js';
import type { Json } from '../../core/types.js';

export interface EmbodiedMetrics {
  episodes: number;
  successRate: number;
  goalConditionSuccess: number;
  plwSuccessRate: number;
  plwGoalConditionSuccess: number;
  meanSteps: number;
}

function finalInfo(rec: EpisodeRecord): Record<string, Json> {
  return rec.turns.length ? rec.turns[rec.turns.length - 1]!.info : rec.initialObservation.info;
}

/** What one episode contributes to the metrics. */
export interface EpisodeSummary {
  seed: number;
  success: boolean;
  /** Fraction of goal-condition units satisfied at the end. */
  gc: number;
  steps: number;
  oracle: number | null;
}

export function summarizeEpisode(rec: EpisodeRecord): EpisodeSummary {
  const info = finalInfo(rec);
  const gcs = info.goalConditions as { satisfied: number; total: number } | undefined;
  return {
    seed: rec.seed,
    success: info.success === true,
    gc: gcs && gcs.total > 0 ? gcs.satisfied / gcs.total : 0,
    steps: rec.totals.steps,
    oracle: typeof info.oraclePathLength === 'number' ? info.oraclePathLength : null,
  };
}

/**
 * Metrics over episode summaries. `reference` maps a seed to the reference path length (e.g. the
 * expert's, from `referenceLengths`); seeds missing there fall back to the oracle length.
 */
export function metricsFromSummaries(eps: readonly EpisodeSummary[], reference?: ReadonlyMap<number, number>): EmbodiedMetrics {
  let sr = 0;
  let gc = 0;
  let psr = 0;
  let pgc = 0;
  let steps = 0;
  for (const o of eps) {
    const ref = reference?.get(o.seed) ?? o.oracle ?? o.steps;
    const weight = ref / Math.max(o.steps, ref, 1);
    sr += o.success ? 1 : 0;
    gc += o.gc;
    psr += o.success ? weight : 0;
    pgc += o.gc * weight;
    steps += o.steps;
  }
  const n = eps.length || 1;
  return {
    episodes: eps.length,
    successRate: sr / n,
    goalConditionSuccess: gc / n,
    plwSuccessRate: psr / n,
    plwGoalConditionSuccess: pgc / n,
    meanSteps: steps / n,
  };
}

/** TEACh metrics over records; see `metricsFromSummaries` for `reference`. */
export function embodiedMetrics(records: readonly EpisodeRecord[], reference?: ReadonlyMap<number, number>): EmbodiedMetrics {
  return metricsFromSummaries(records.map(summarizeEpisode), reference);
}

/** Seed → path length of the successful episodes among the expert's summaries. */
export function referenceLengths(expert: readonly EpisodeSummary[]): Map<number, number> {
  const m = new Map<number, number>();
  for (const o of expert) if (o.success) m.set(o.seed, o.steps);
  return m;
}

/** How often the commander took each act (OBSERVE included), over all its turns in `records`. */
export function commanderActCounts(records: readonly EpisodeRecord[]): Record<string, number> {
  const counts: Record<string, number> = {};
  const add = (act: unknown) => {
    if (typeof act === 'string') counts[act] = (counts[act] ?? 0) + 1;
  };
  for (const rec of records) {
    add(rec.initialObservation.info.commanderAct);
    for (const t of rec.turns) for (const s of t.simulatorTurns) add((s as { act?: unknown }).act);
  }
  return counts;
}
