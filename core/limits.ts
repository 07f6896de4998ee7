/**
 * The bounds of every numeric setting, in one place, so that every command means the same thing by
 * a flag and a wild value is refused before any work (one line, exit 2) instead of running out of
 * heap, never finishing or overflowing a timer. docs/files-and-failures.md lists them.
 */
import { availableParallelism } from 'node:os';
import { MAX_SEED } from './rng.js';

export { MAX_SEED };

/**
 * Seeds are integers in [0, MAX_SEED] (2^31 − 1): the RNG folds a seed to 32 bits, and keys such
 * as `Env/agent/<seed>` must stay unique, so a run's seeds (`--seed` to `--seed + episodes − 1`)
 * must all lie in that range.
 */
export const SEED_RANGE = { min: 0, max: MAX_SEED } as const;

/** Episodes of one rollout, generate job or selfplay run: the seed range. */
export const MAX_EPISODES = MAX_SEED + 1;

/** `eval` keeps its records in memory to compute metrics and hash the episodes file. */
export const MAX_EVAL_EPISODES = 100_000;

/** Episodes (or LLM requests) in flight in one process. */
export const MAX_CONCURRENCY = 1024;

/** Worker threads: at most a small multiple of the machine's cores (more only adds overhead). */
export const WORKERS_PER_CORE = 4;
export function maxWorkers(): number {
  return Math.max(1, availableParallelism()) * WORKERS_PER_CORE;
}

/** Agent steps of one episode (`--max-steps`); always ≥ 1 and always a limit. */
export const MAX_STEPS = 100_000;

/** Longest timer Node can set (ms): setTimeout fires at once for anything larger. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Retries of one LLM request, re-asks after an invalid reply. */
export const MAX_LLM_RETRIES = 100;
export const MAX_REPAIRS = 20;

/** Trials per task (pass^k). */
export const MAX_TRIALS = 100;

/** Generic cap for counts that only size a report or a sample (branches, pairs, listed errors ...). */
export const MAX_SMALL_COUNT = 1_000_000;
