/**
 * Reference values for the normalized score: the mean return of the `random` and `expert` agents
 * of each env on each split, with scripted simulators, stored in `eval/references.json` with their
 * provenance (command, dialogym version, env version, episodes, date).
 *
 *   normalized = 100 · (meanReturn − random) / (expert − random)
 *
 * so 0 is the random agent and 100 the expert on the same split. A stored value is used only when
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
  splits: Partial<Record<SplitName, { random: ReferencePoint; expert: ReferencePoint }>>;
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
      'Mean return of the random and expert agents per env and split (scripted simulators), the 0 and 100 of the normalized score. Regenerate with `dialogym eval --update-references --env all`.',
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
  return { random: s.random, expert: s.expert, source: 'stored', episodes: e.episodes, provenance: e.provenance };
}

function point(run: EnvRun, split: SplitName): ReferencePoint {
  const m = computeEnvMetrics(run.records, run.envId, split);
  return { meanReturn: m.meanReturn, successRate: m.successRate };
}

/** True when the env registers (or the generic registry has) both reference agents. */
export function hasReferenceAgents(envId: string): boolean {
  return Boolean(getRegistration(envId).agents?.expert);
}

/** Runs random and expert on the split's first REFERENCE_EPISODES seeds with the scripted simulator. */
export async function computeReference(
  envId: string,
  split: SplitName,
  opts: { concurrency?: number; runs?: { random?: EnvRun; expert?: EnvRun }; pool?: EvalPool } = {},
): Promise<{ random: ReferencePoint; expert: ReferencePoint; envVersion: string; kwargs: Record<string, Json> }> {
  const run = async (agent: 'random' | 'expert'): Promise<EnvRun> => {
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
  return { random: point(random, split), expert: point(expert, split), envVersion: expert.envVersion, kwargs: expert.kwargs };
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
      splits[split] = { random: r.random, expert: r.expert };
      envVersion = r.envVersion;
      kwargs = r.kwargs;
      opts.log?.(
        `${envId} ${split}: random ${r.random.meanReturn.toFixed(3)}, expert ${r.expert.meanReturn.toFixed(3)}`,
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

/** Linear map of a mean return (and its CI) onto the random = 0, expert = 100 scale; null when degenerate. */
export function normalize(meanReturn: number, ci: Interval, ref: UsedReference): NormalizedScore | null {
  const span = ref.expert.meanReturn - ref.random.meanReturn;
  if (!(Math.abs(span) > 1e-9)) return null;
  const f = (x: number) => round((100 * (x - ref.random.meanReturn)) / span, 3);
  const a = f(ci.lo);
  const b = f(ci.hi);
  return { score: f(meanReturn), ci: { lo: Math.min(a, b), hi: Math.max(a, b) } };
}
