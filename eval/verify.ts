/**
 * `dialogym verify`: checks that a results file is what re-running it would give.
 *
 * 1. Integrity: the records file matches the SHA-256 in the results, every record is schema-valid.
 * 2. Seeds: each env's seeds are the split's seeds, and each record plays the seed and trial it claims.
 * 3. Metrics: every reproducible metric and normalized score recomputed from the records equals the
 *    reported one (catches an edited summary).
 * 4. Replay: a seeded sample of episodes is re-run from the records (`replayRecord`: same env version,
 *    kwargs, seed, scenario, simulator and the recorded actions) and compared field by field,
 *    ignoring only timings (and, for LLM simulators, usage, which counts cache hits differently).
 *    With scripted simulators every episode must reproduce exactly; with LLM simulators they
 *    reproduce when the provider's cache holds the original calls.
 * 5. Optionally (`rerunAgent`) the agent itself is re-created and re-run on the same seed, which
 *    checks that the recorded actions are the agent's (for deterministic or cached agents).
 */
import { createAgent } from '../agents/registry.js';
import type { EpisodeRecord } from '../core/record.js';
import { make } from '../core/registry.js';
import { deriveSeed, Rng } from '../core/rng.js';
import { replayRecord, runEpisode, withoutTimings } from '../core/rollout.js';
import type { Json } from '../core/types.js';
import type { LlmProvider } from '../simulators/types.js';
import { computeEnvMetrics, reproducibleMetrics, taskOf } from './metrics.js';
import { normalize } from './references.js';
import type { LoadedResults } from './results.js';
import { SPLIT_VERSION, splitSeeds, trialSeed } from './splits.js';

export interface VerifyOptions {
  /** Episodes to replay per env; `Infinity` replays all. */
  samplePerEnv?: number;
  seed?: number;
  simulatorLlm?: LlmProvider;
  agentLlm?: LlmProvider;
  rerunAgent?: boolean;
}

export interface EpisodeCheck {
  key: string;
  envId: string;
  reproduced: boolean;
  /** First differing field (JSON path) and the two values, when it did not reproduce. */
  difference?: { path: string; recorded: Json; replayed: Json };
  /** Same for the agent re-run, when requested. */
  agentReproduced?: boolean;
  agentDifference?: { path: string; recorded: Json; replayed: Json };
}

export interface VerifyReport {
  ok: boolean;
  problems: string[];
  episodes: EpisodeCheck[];
  replayed: number;
  reproduced: number;
}

/** First path where two JSON values differ, or null when equal. */
export function firstDifference(a: Json, b: Json, path = ''): { path: string; recorded: Json; replayed: Json } | null {
  if (a === b) return null;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') {
    if (typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b)) return null;
    return { path: path || '/', recorded: a, replayed: b };
  }
  if (Array.isArray(a) !== Array.isArray(b)) return { path: path || '/', recorded: a, replayed: b };
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) {
    const d = firstDifference(a[k], b[k], `${path}/${k}`);
    if (d) return d;
  }
  return null;
}

/**
 * What must match between a record and its re-run: everything but timings and the agent's usage
 * (a replay does not call the agent; a cached re-run counts its calls differently); for LLM
 * simulators the simulator's usage is left out too, for the same reason.
 */
function comparable(rec: EpisodeRecord, ignoreSimulatorUsage: boolean): Json {
  const r = withoutTimings(rec) as Json;
  const { usage, ...rest } = r;
  return ignoreSimulatorUsage ? rest : { ...rest, usage: { simulator: usage.simulator } };
}

function sampleIndices(n: number, k: number, seed: number): number[] {
  if (k >= n) return [...Array(n).keys()];
  return Rng.fromSeed(seed)
    .shuffle([...Array(n).keys()])
    .slice(0, k)
    .sort((a, b) => a - b);
}

export async function verifyResults(loaded: LoadedResults, opts: VerifyOptions = {}): Promise<VerifyReport> {
  const { results, records } = loaded;
  const problems = [...loaded.problems];
  const isLlmSim = results.simulator.kind !== 'scripted';
  const { name: split, version, episodes, trials } = results.split;
  const episodesChecks: EpisodeCheck[] = [];

  for (const env of results.envs) {
    const recs = records.filter((r) => r.env.id === env.envId);
    // Seeds.
    if (version === SPLIT_VERSION) {
      const expected = splitSeeds(env.envId, split, episodes);
      if (JSON.stringify(expected) !== JSON.stringify(env.seeds)) problems.push(`${env.envId}: seeds are not the first ${episodes} seeds of the ${split} split`);
    } else {
      problems.push(`${env.envId}: results use split version ${version}, this dialogym has ${SPLIT_VERSION}; seeds not checked`);
    }
    if (recs.length !== episodes * trials) problems.push(`${env.envId}: ${recs.length} records, expected ${episodes} tasks × ${trials} trials`);
    const seedSet = new Set(env.seeds);
    for (const r of recs) {
      const src = r.source as { eval?: { trial?: number } } | null;
      const trial = src?.eval?.trial;
      const task = taskOf(r);
      if (!seedSet.has(task) || typeof trial !== 'number' || r.seed !== trialSeed(task, trial)) {
        problems.push(`${r.key}: seed ${r.seed} is not a seed of this split and trial`);
      }
      if (r.env.version !== env.envVersion) problems.push(`${r.key}: env version ${r.env.version} differs from ${env.envVersion}`);
    }
    // Metrics.
    if (recs.length > 0) {
      const m = computeEnvMetrics(recs, env.envId, split);
      const d = firstDifference(reproducibleMetrics(env.metrics), reproducibleMetrics(m));
      if (d) problems.push(`${env.envId}: reported metric ${d.path} = ${JSON.stringify(d.recorded)} but the records give ${JSON.stringify(d.replayed)}`);
      if (env.reference) {
        const n = normalize(m.meanReturn, m.returnCI, env.reference);
        const dn = firstDifference(env.normalized, n);
        if (dn) problems.push(`${env.envId}: reported normalized score ${dn.path} = ${JSON.stringify(dn.recorded)} but recomputation gives ${JSON.stringify(dn.replayed)}`);
      }
    }
    // Replays.
    const k = opts.samplePerEnv ?? 20;
    const picks = sampleIndices(recs.length, k, deriveSeed(opts.seed ?? 0, `verify/${env.envId}`));
    for (const i of picks) {
      const rec = recs[i] as EpisodeRecord;
      const check: EpisodeCheck = { key: rec.key, envId: env.envId, reproduced: false };
      try {
        const again = await replayRecord(rec, { makeOptions: { llm: opts.simulatorLlm } });
        const d = firstDifference(comparable(rec, isLlmSim), comparable(again, isLlmSim));
        check.reproduced = d === null;
        if (d) check.difference = d;
      } catch (e) {
        check.difference = { path: '(replay failed)', recorded: null, replayed: String((e as Error).message ?? e) };
      }
      if (opts.rerunAgent) await rerunAgent(rec, results.agent.name, check, opts, isLlmSim);
      episodesChecks.push(check);
    }
  }
  const reproduced = episodesChecks.filter((c) => c.reproduced && c.agentReproduced !== false).length;
  return {
    ok: problems.length === 0 && reproduced === episodesChecks.length,
    problems,
    episodes: episodesChecks,
    replayed: episodesChecks.length,
    reproduced,
  };
}

async function rerunAgent(rec: EpisodeRecord, agentName: string, check: EpisodeCheck, opts: VerifyOptions, isLlmSim: boolean) {
  const env = make(rec.env.id, {
    kwargs: rec.env.kwargs,
    simulator: rec.simulator,
    llm: opts.simulatorLlm,
    maxEpisodeSteps: rec.env.maxEpisodeSteps ?? 0,
  });
  try {
    const agent = createAgent(agentName, { envId: rec.env.id, llm: opts.agentLlm });
    try {
      const again = await runEpisode({
        env,
        agent,
        seed: rec.seed,
        key: rec.key,
        scenario: rec.scenario,
        source: rec.source,
        maxSteps: (rec.env.maxEpisodeSteps ?? 1000) + 1,
      });
      const d = firstDifference(comparable(rec, isLlmSim), comparable(again, isLlmSim));
      check.agentReproduced = d === null;
      if (d) check.agentDifference = d;
    } finally {
      await agent.close?.();
    }
  } catch (e) {
    check.agentReproduced = false;
    check.agentDifference = { path: '(agent re-run failed)', recorded: null, replayed: String((e as Error).message ?? e) };
  } finally {
    await env.close();
  }
}
