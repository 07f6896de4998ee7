/**
 * Reference values for the normalized score: the mean return of the `random` and `expert` agents
 * of each env on each split, with scripted simulators, stored in `eval/references.json` with their
 * provenance (command, dialogym version, env version, episodes, date).
 *
 *   normalized = 100 · (meanReturn − random) / (expert − random)
 *
 * so 0 is the random agent and 100 the expert on the same split. Where the env registers an
 * `oracle` (an agent that reads the hidden scenario), its mean return is stored beside them: the
 * headroom above the expert, reported with every score (it is never itself a leaderboard entry). A stored value is used only when
 * the env version, its default kwargs, the split version and the episode count still match; otherwise
 * the reference is recomputed on the fly (deterministic, so the numbers are the same as a fresh
 * `dialogym eval --update-references` would store) and marked `computed` in the results.
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../core/output.js';
import { join } from 'node:path';
import { packageRoot } from '../core/data.js';
import { getRegistration } from '../core/registry.js';
import type { Json } from '../core/types.js';
import { DIALOGYM_VERSION } from '../core/version.js';
import { computeEnvMetrics } from './metrics.js';
import type { EvalPool } from './pool.js';
import { type EnvRun, runEnvEval } from './runner.js';
import { SPLIT_VERSION, type SplitName } from './splits.js';
import { type Interval, round } from './stats.js';

/** Episodes (tasks, one trial each) behind every reference value. */
export const REFERENCE_EPISODES = 100;

export interface ReferencePoint {
  meanReturn: number;
  successRate: number;
}

export interface ReferenceEntry {
  envVersion: string;
  kwargs: Record<string, Json>;
  splitVersion: string;
  simulator: 'scripted';
  episodes: number;
  splits: Partial<Record<SplitName, { random: ReferencePoint; expert: ReferencePoint; oracle?: ReferencePoint }>>;
  provenance: { command: string; dialogymVersion: string; generatedAt: string };
}

export interface ReferenceFile {
  schemaVersion: 1;
  description: string;
  envs: Record<string, ReferenceEntry>;
}

/** The reference used for one env and split in a results file. */
export interface UsedReference {
  random: ReferencePoint;
  expert: ReferencePoint;
  /** The upper bound (an agent given the hidden scenario); absent when the env has no oracle. */
  oracle?: ReferencePoint;
  /** `stored`: from eval/references.json; `computed`: recomputed during this run. */
  source: 'stored' | 'computed';
  episodes: number;
  provenance: ReferenceEntry['provenance'] | null;
}

export function referencesPath(): string {
  return join(packageRoot(), 'eval', 'references.json');
}

export function emptyReferences(): ReferenceFile {
  return {
    schemaVersion: 1,
    description:
      'Mean return of the random and expert agents per env and split (scripted simulators), the 0 and 100 of the normalized score, and of the oracle (the headroom). Regenerate with `dialogym eval --update-references --env all`.',
    envs: {},
  };
}

export function loadReferences(path = referencesPath()): ReferenceFile {
  if (!existsSync(path)) return emptyReferences();
  try {
    const v = JSON.parse(readFileSync(path, 'utf8')) as ReferenceFile;
    if (v.schemaVersion !== 1 || typeof v.envs !== 'object') return emptyReferences();
    return v;
  } catch {
    return emptyReferences();
  }
}

export function saveReferences(file: ReferenceFile, path = referencesPath()): void {
  const sorted: Record<string, ReferenceEntry> = {};
  for (const k of Object.keys(file.envs).sort()) sorted[k] = file.envs[k] as ReferenceEntry;
  writeFileAtomic(path, `${JSON.stringify({ ...file, envs: sorted }, null, 2)}\n`);
}

function sameJson(a: Json, b: Json): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(v: Json): Json {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    const out: Record<string, Json> = {};
    for (const k of Object.keys(v).sort()) out[k] = sortKeys(v[k]);
    return out;
  }
  return v;
}

/** A stored reference still valid for this env version and kwargs, or why not. */
export function storedReference(
  file: ReferenceFile,
  envId: string,
  envVersion: string,
  kwargs: Record<string, Json>,
  split: SplitName,
): UsedReference | { stale: string } {
  const e = file.envs[envId];
  if (!e) return { stale: 'no stored reference' };
  if (e.envVersion !== envVersion) return { stale: `stored for env version ${e.envVersion}, env is ${envVersion}` };
  if (e.splitVersion !== SPLIT_VERSION) return { stale: `stored for ${e.splitVersion}` };
  if (!sameJson(e.kwargs, kwargs)) return { stale: 'stored for other kwargs' };
  if (e.episodes !== REFERENCE_EPISODES) return { stale: `stored with ${e.episodes} episodes` };
  const s = e.splits[split];
  if (!s) return { stale: `no stored value for split ${split}` };
  if (hasOracle(envId) && !s.oracle) return { stale: 'no stored oracle value' };
  return {
    random: s.random,
    expert: s.expert,
    ...(s.oracle ? { oracle: s.oracle } : {}),
    source: 'stored',
    episodes: e.episodes,
    provenance: e.provenance,
  };
}

function point(run: EnvRun, split: SplitName): ReferencePoint {
  const m = computeEnvMetrics(run.records, run.envId, split);
  return { meanReturn: m.meanReturn, successRate: m.successRate };
}

/** True when the env registers (or the generic registry has) both reference agents. */
export function hasReferenceAgents(envId: string): boolean {
  return Boolean(getRegistration(envId).agents?.expert);
}

export function hasOracle(envId: string): boolean {
  return Boolean(getRegistration(envId).agents?.oracle);
}

export type ReferenceAgent = 'random' | 'expert' | 'oracle';

/** Runs random, expert (and oracle) on the split's first REFERENCE_EPISODES seeds with the scripted simulator. */
export async function computeReference(
  envId: string,
  split: SplitName,
  opts: { concurrency?: number; runs?: Partial<Record<ReferenceAgent, EnvRun>>; pool?: EvalPool } = {},
): Promise<{ random: ReferencePoint; expert: ReferencePoint; oracle?: ReferencePoint; envVersion: string; kwargs: Record<string, Json> }> {
  const run = async (agent: ReferenceAgent): Promise<EnvRun> => {
    const given = opts.runs?.[agent];
    if (given && given.records.length === REFERENCE_EPISODES && given.seeds.length === REFERENCE_EPISODES) return given;
    return runEnvEval({
      agent,
      envId,
      split,
      episodes: REFERENCE_EPISODES,
      trials: 1,
      simulator: { kind: 'scripted' },
      concurrency: opts.concurrency,
      pool: opts.pool,
    });
  };
  const random = await run('random');
  const expert = await run('expert');
  const oracle = hasOracle(envId) ? await run('oracle') : undefined;
  return {
    random: point(random, split),
    expert: point(expert, split),
    ...(oracle ? { oracle: point(oracle, split) } : {}),
    envVersion: expert.envVersion,
    kwargs: expert.kwargs,
  };
}

/** Recomputes and stores the references of `envIds` on every split. */
export async function updateReferences(
  envIds: string[],
  opts: { path?: string; command: string; concurrency?: number; pool?: EvalPool; now?: Date; log?: (line: string) => void },
): Promise<ReferenceFile> {
  const file = loadReferences(opts.path);
  for (const envId of envIds) {
    const splits: ReferenceEntry['splits'] = {};
    let envVersion = '';
    let kwargs: Record<string, Json> = {};
    for (const split of ['dev', 'test'] as const) {
      const r = await computeReference(envId, split, { concurrency: opts.concurrency, pool: opts.pool });
      splits[split] = { random: r.random, expert: r.expert, ...(r.oracle ? { oracle: r.oracle } : {}) };
      envVersion = r.envVersion;
      kwargs = r.kwargs;
      opts.log?.(
        `${envId} ${split}: random ${r.random.meanReturn.toFixed(3)}, expert ${r.expert.meanReturn.toFixed(3)}` +
          (r.oracle ? `, oracle ${r.oracle.meanReturn.toFixed(3)}` : ''),
      );
    }
    file.envs[envId] = {
      envVersion,
      kwargs,
      splitVersion: SPLIT_VERSION,
      simulator: 'scripted',
      episodes: REFERENCE_EPISODES,
      splits,
      provenance: {
        command: opts.command,
        dialogymVersion: DIALOGYM_VERSION,
        generatedAt: (opts.now ?? new Date()).toISOString(),
      },
    };
  }
  saveReferences(file, opts.path);
  return file;
}

export interface NormalizedScore {
  score: number;
  ci: Interval;
}

export interface Headroom {
  /** The oracle on the normalized scale. */
  oracleScore: number;
  /** (expert − random) / (oracle − random): the share of the achievable that the expert reaches. */
  expertShareOfOracle: number | null;
}

/** Where the oracle sits above the expert, from a reference with an oracle point; null without one. */
export function headroomOf(ref: UsedReference | null): Headroom | null {
  if (!ref?.oracle) return null;
  const span = ref.expert.meanReturn - ref.random.meanReturn;
  if (!(Math.abs(span) > 1e-9)) return null;
  const o = ref.oracle.meanReturn - ref.random.meanReturn;
  return {
    oracleScore: round((100 * o) / span, 3),
    expertShareOfOracle: o > 1e-9 ? round(span / o, 4) : null,
  };
}

/** One line a reader understands: how far the expert is from the oracle. */
export function headroomReading(h: Headroom | null): string {
  if (!h) return 'no oracle: headroom unknown';
  if (h.expertShareOfOracle === null) return 'oracle does not beat random';
  const pct = Math.round(100 * h.expertShareOfOracle);
  return pct >= 95 ? `saturated: expert reaches ${pct} % of oracle` : `expert reaches ${pct} % of oracle`;
}

/** Linear map of a mean return (and its CI) onto the random = 0, expert = 100 scale; null when degenerate. */
export function normalize(meanReturn: number, ci: Interval, ref: UsedReference): NormalizedScore | null {
  const span = ref.expert.meanReturn - ref.random.meanReturn;
  if (!(Math.abs(span) > 1e-9)) return null;
  const f = (x: number) => round((100 * (x - ref.random.meanReturn)) / span, 3);
  const a = f(ci.lo);
  const b = f(ci.hi);
  return { score: f(meanReturn), ci: { lo: Math.min(a, b), hi: Math.max(a, b) } };
}
