/**
 * What `dialogym generate` runs: a list of jobs (env × agent × simulator × seeds), validated by a
 * JSON Schema, expanded lazily into a deterministic sequence of episodes. Episode `i` of that
 * sequence belongs to shard `i mod n`, so shards are disjoint, cover everything, and do not depend
 * on how many workers run them.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigError } from '../../core/errors.js';
import { checkInputFile } from '../../core/input.js';
import { MAX_CONCURRENCY, MAX_EPISODES, MAX_SEED, MAX_STEPS, maxWorkers, WORKERS_PER_CORE } from '../../core/limits.js';
import { type JsonSchema, validate } from '../../core/schema.js';
import type { Json, SimulatorConfig } from '../../core/types.js';

export interface SeedRange {
  start: number;
  count: number;
}

export interface GenerateJob {
  env: string;
  agent: string;
  simulator?: SimulatorConfig;
  kwargs?: Record<string, Json>;
  /** Overrides the env's registered step limit (at least 1, as `--max-steps` everywhere). */
  maxEpisodeSteps?: number;
  /** Episode seeds: a range or an explicit list. */
  seeds: SeedRange | number[];
}

export interface GenerateConfig {
  jobs: GenerateJob[];
  /** Episodes in flight at once when episodes run in this process (LLM-bound runs). */
  concurrency?: number;
  /** Worker threads for scripted runs (default: available cores); 0 runs in this process. */
  workers?: number;
}

const simulatorSchema: JsonSchema = {
  type: 'object',
  required: ['kind'],
  properties: {
    kind: { type: 'string', minLength: 1 },
    model: { type: 'string' },
    temperature: { type: 'number', minimum: 0 },
  },
};

export const generateConfigSchema: JsonSchema = {
  $id: 'https://dialogym.dev/schemas/generate-config-v1.json',
  title: 'dialogym generate config',
  type: 'object',
  required: ['jobs'],
  additionalProperties: false,
  properties: {
    $schema: { type: 'string' },
    jobs: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['env', 'agent', 'seeds'],
        additionalProperties: false,
        properties: {
          env: { type: 'string', minLength: 1 },
          agent: { type: 'string', minLength: 1 },
          simulator: simulatorSchema,
          kwargs: { type: 'object' },
          maxEpisodeSteps: { type: 'integer', minimum: 1, maximum: MAX_STEPS },
          seeds: {
            anyOf: [
              {
                type: 'object',
                required: ['start', 'count'],
                additionalProperties: false,
                properties: {
                  start: { type: 'integer', minimum: 0, maximum: MAX_SEED },
                  count: { type: 'integer', minimum: 1, maximum: MAX_EPISODES },
                },
              },
              { type: 'array', minItems: 1, items: { type: 'integer', minimum: 0, maximum: MAX_SEED } },
            ],
          },
        },
      },
    },
    concurrency: { type: 'integer', minimum: 1, maximum: MAX_CONCURRENCY },
    workers: { type: 'integer', minimum: 0 },
  },
};

/** Validates a parsed config; every problem is a ConfigError naming the field. */
export function parseGenerateConfig(value: unknown, origin = 'config'): GenerateConfig {
  const r = validate(generateConfigSchema, value);
  if (!r.ok) throw new ConfigError(`invalid ${origin}: ${r.errors.slice(0, 4).join('; ')}`);
  const cfg = value as GenerateConfig;
  if (cfg.workers !== undefined && cfg.workers > maxWorkers()) {
    throw new ConfigError(`invalid ${origin}: /workers must be at most ${maxWorkers()} (${WORKERS_PER_CORE} per core on this machine), got ${cfg.workers}`);
  }
  for (const [i, job] of cfg.jobs.entries()) {
    if (!Array.isArray(job.seeds) && job.seeds.start + job.seeds.count - 1 > MAX_SEED) {
      throw new ConfigError(`invalid ${origin}: /jobs/${i}/seeds runs past the largest seed ${MAX_SEED}`);
    }
  }
  return cfg;
}

export function loadGenerateConfig(path: string): GenerateConfig {
  checkInputFile(path, { flag: '--config', holds: 'a JSON generate config' });
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read config ${path}: ${(e as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`config ${path} is not JSON: ${(e as Error).message}`);
  }
  return parseGenerateConfig(value, `config ${path}`);
}

/** Parses `--seeds` values: `0-999`, `5`, or `1,2,7`. */
export function parseSeedsFlag(text: string): SeedRange | number[] {
  const range = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(text);
  if (range) {
    const a = Number(range[1]);
    const b = Number(range[2]);
    if (b < a) throw new ConfigError(`--seeds range ${text} is empty`);
    return { start: a, count: b - a + 1 };
  }
  if (/^\s*\d+(\s*,\s*\d+)*\s*$/.test(text)) return text.split(',').map((s) => Number(s.trim()));
  throw new ConfigError(`--seeds must look like 0-999 or 1,2,3, got '${text}'`);
}

/** Parses `--shard i/n` (0-based i). */
export function parseShard(text: string): { index: number; count: number } {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) throw new ConfigError(`--shard must look like i/n (e.g. 0/4), got '${text}'`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index >= count) throw new ConfigError(`--shard ${text}: need 0 <= i < n`);
  return { index, count };
}

export function jobSize(job: GenerateJob): number {
  return Array.isArray(job.seeds) ? job.seeds.length : job.seeds.count;
}

export function simulatorOf(job: GenerateJob): SimulatorConfig {
  return job.simulator ?? { kind: 'scripted' };
}

/** Stable key of an episode: unique within a config (duplicates are rejected up front). */
export function episodeKey(job: GenerateJob, seed: number): string {
  const sim = simulatorOf(job);
  const simName = sim.model ? `${sim.kind}:${sim.model}` : sim.kind;
  const kw = job.kwargs && Object.keys(job.kwargs).length > 0 ? `#${shortHash(canonicalJson(job.kwargs))}` : '';
  return `${job.env}${kw}/${job.agent}/${simName}/${seed}`;
}

export interface PlannedEpisode {
  /** Position in the whole (unsharded) sequence. */
  index: number;
  job: number;
  seed: number;
  key: string;
}

/** The episodes of one shard, in order, without materialising the whole list. */
export function* planEpisodes(cfg: GenerateConfig, shard = { index: 0, count: 1 }): Generator<PlannedEpisode> {
  let index = 0;
  for (const [j, job] of cfg.jobs.entries()) {
    const n = jobSize(job);
    for (let s = 0; s < n; s++, index++) {
      if (index % shard.count !== shard.index) continue;
      const seed = Array.isArray(job.seeds) ? (job.seeds[s] as number) : job.seeds.start + s;
      yield { index, job: j, seed, key: episodeKey(job, seed) };
    }
  }
}

export function shardSize(cfg: GenerateConfig, shard = { index: 0, count: 1 }): number {
  let total = 0;
  for (const job of cfg.jobs) total += jobSize(job);
  if (shard.index >= total) return 0;
  return Math.floor((total - 1 - shard.index) / shard.count) + 1;
}

/**
 * Rejects configs that would produce the same key twice (same env, kwargs, agent, simulator and
 * seed): a dataset must not silently hold duplicates. Explicit seed lists are checked one by one;
 * ranges are compared as intervals so that a million-seed range costs nothing.
 */
export function assertNoDuplicateEpisodes(cfg: GenerateConfig): void {
  const byIdentity = new Map<string, { ranges: SeedRange[]; jobs: number[] }>();
  for (const [j, job] of cfg.jobs.entries()) {
    const id = episodeKey(job, 0).replace(/\/0$/, '');
    const entry = byIdentity.get(id) ?? { ranges: [], jobs: [] };
    const ranges: SeedRange[] = Array.isArray(job.seeds) ? job.seeds.map((s) => ({ start: s, count: 1 })) : [job.seeds];
    if (Array.isArray(job.seeds) && new Set(job.seeds).size !== job.seeds.length) {
      throw new ConfigError(`config /jobs/${j}/seeds lists a seed twice`);
    }
    for (const r of ranges) {
      for (const o of entry.ranges) {
        if (r.start < o.start + o.count && o.start < r.start + r.count) {
          throw new ConfigError(`config /jobs/${j} repeats episodes of an earlier job (${id}, seed ${Math.max(r.start, o.start)})`);
        }
      }
    }
    // Explicit lists within one job were checked above; keep its ranges for later jobs.
    entry.ranges.push(...ranges);
    entry.jobs.push(j);
    byIdentity.set(id, entry);
  }
}

export function canonicalJson(value: Json): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
}

export function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}

/** Digest of everything that determines the episode sequence, stored in the manifest to refuse a mismatched --resume. */
export function configDigest(cfg: GenerateConfig, shard: { index: number; count: number }): string {
  return createHash('sha256')
    .update(canonicalJson({ jobs: cfg.jobs, shard }))
    .digest('hex');
}
