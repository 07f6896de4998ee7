/**
 * The results file of `dialogym eval`: one agent on one or more envs on one split.
 *
 * It is a JSON document (schema below, also registered as the `results` format for
 * `dialogym validate`) holding per-env metrics, the references behind the normalized score, and a
 * pointer to the episode records: a JSONL file next to it (`<name>.episodes.jsonl`) whose SHA-256 is
 * stored, so a results file and its episodes can be checked together by `dialogym verify`.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ConfigError } from '../core/errors.js';
import { registerFormat } from '../core/formats.js';
import { checkInputFile } from '../core/input.js';
import { readJsonlValues } from '../core/jsonl.js';
import { AtomicFile, checkOutput, commitAll, type OutputInput } from '../core/output.js';
import { type EpisodeRecord, validateRecord } from '../core/record.js';
import { type JsonSchema, validate } from '../core/schema.js';
import type { Json, SimulatorConfig } from '../core/types.js';
import type { EnvMetrics } from './metrics.js';
import type { Headroom, NormalizedScore, UsedReference } from './references.js';
import type { SplitName } from './splits.js';

export interface EnvResult {
  envId: string;
  envVersion: string;
  kwargs: Record<string, Json>;
  maxEpisodeSteps: number | null;
  /** Task seeds of the split that were played, in order. */
  seeds: number[];
  metrics: EnvMetrics;
  reference: UsedReference | null;
  /** Why there is no reference (no expert agent, degenerate span ...). */
  referenceNote: string | null;
  normalized: NormalizedScore | null;
  /** Where the oracle sits (from the reference); null without an oracle. Absent in files written before oracles. */
  headroom?: Headroom | null;
  /** Elapsed wall time of this env's run in ms (not reproducible). */
  elapsedMs: number;
}

export interface Results {
  schemaVersion: 1;
  format: 'dialogym-results';
  dialogymVersion: string;
  createdAt: string;
  command: string;
  /** `privileged`: the agent read hidden state (an oracle): a reference, never a leaderboard submission. */
  agent: { name: string; id: string; config: Json; privileged?: true };
  simulator: SimulatorConfig;
  split: { name: SplitName; version: string; episodes: number; trials: number };
  envs: EnvResult[];
  records: { file: string; count: number; sha256: string };
}

const interval: JsonSchema = {
  type: 'object',
  required: ['lo', 'hi'],
  additionalProperties: false,
  properties: { lo: { type: ['number', 'null'] }, hi: { type: ['number', 'null'] } },
};
const refPoint: JsonSchema = {
  type: 'object',
  required: ['meanReturn', 'successRate'],
  properties: { meanReturn: { type: 'number' }, successRate: { type: 'number' } },
};
const num = { type: ['number', 'null'] };

const metricsSchema: JsonSchema = {
  type: 'object',
  required: [
    'episodes',
    'tasks',
    'trials',
    'meanReturn',
    'returnCI',
    'returnStd',
    'successRate',
    'successCI',
    'successSource',
    'passK',
    'meanTurns',
    'invalidActionRate',
    'errorRate',
    'truncationRate',
    'terminationReasons',
    'tokens',
    'cost',
    'wallMs',
  ],
  additionalProperties: false,
  properties: {
    episodes: { type: 'integer', minimum: 1 },
    tasks: { type: 'integer', minimum: 1 },
    trials: { type: 'integer', minimum: 1 },
    meanReturn: num,
    returnCI: interval,
    returnStd: num,
    successRate: { type: 'number', minimum: 0, maximum: 1 },
    successCI: interval,
    successSource: { enum: ['info.success', 'info.agentWon', 'termination', 'mixed'] },
    passK: { type: 'object', additionalProperties: { type: 'number', minimum: 0, maximum: 1 } },
    meanTurns: num,
    invalidActionRate: { type: 'number', minimum: 0, maximum: 1 },
    errorRate: { type: 'number', minimum: 0, maximum: 1 },
    truncationRate: { type: 'number', minimum: 0, maximum: 1 },
    terminationReasons: { type: 'object', additionalProperties: { type: 'integer', minimum: 0 } },
    tokens: {
      type: 'object',
      required: ['prompt', 'completion', 'total', 'calls', 'cachedCalls'],
      additionalProperties: { type: 'integer', minimum: 0 },
    },
    cost: num,
    wallMs: {
      type: 'object',
      required: ['total', 'meanPerEpisode'],
      properties: { total: { type: 'number' }, meanPerEpisode: { type: 'number' } },
    },
  },
};

export const resultsSchema: JsonSchema = {
  $id: 'https://dialogym.dev/schemas/results-v1.json',
  title: 'dialogym evaluation results',
  type: 'object',
  required: ['schemaVersion', 'format', 'dialogymVersion', 'createdAt', 'command', 'agent', 'simulator', 'split', 'envs', 'records'],
  additionalProperties: false,
  properties: {
    schemaVersion: { const: 1 },
    format: { const: 'dialogym-results' },
    dialogymVersion: { type: 'string' },
    createdAt: { type: 'string' },
    command: { type: 'string' },
    agent: {
      type: 'object',
      required: ['name', 'id', 'config'],
      additionalProperties: false,
      properties: { name: { type: 'string', minLength: 1 }, id: { type: 'string' }, config: {}, privileged: { const: true } },
    },
    simulator: { type: 'object', required: ['kind'], properties: { kind: { type: 'string' } } },
    split: {
      type: 'object',
      required: ['name', 'version', 'episodes', 'trials'],
      additionalProperties: false,
      properties: {
        name: { enum: ['dev', 'test'] },
        version: { type: 'string' },
        episodes: { type: 'integer', minimum: 1 },
        trials: { type: 'integer', minimum: 1 },
      },
    },
    envs: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['envId', 'envVersion', 'kwargs', 'maxEpisodeSteps', 'seeds', 'metrics', 'reference', 'referenceNote', 'normalized', 'elapsedMs'],
        additionalProperties: false,
        properties: {
          envId: { type: 'string' },
          envVersion: { type: 'string' },
          kwargs: { type: 'object' },
          maxEpisodeSteps: { type: ['integer', 'null'] },
          seeds: { type: 'array', items: { type: 'integer', minimum: 0 } },
          metrics: metricsSchema,
          reference: {
            anyOf: [
              { type: 'null' },
              {
                type: 'object',
                required: ['random', 'expert', 'source', 'episodes', 'provenance'],
                properties: {
                  random: refPoint,
                  expert: refPoint,
                  oracle: refPoint,
                  source: { enum: ['stored', 'computed'] },
                  episodes: { type: 'integer' },
                  provenance: {},
                },
              },
            ],
          },
          referenceNote: { type: ['string', 'null'] },
          normalized: {
            anyOf: [
              { type: 'null' },
              {
                type: 'object',
                required: ['score', 'ci'],
                additionalProperties: false,
                properties: { score: { type: 'number' }, ci: interval },
              },
            ],
          },
          headroom: {
            anyOf: [
              { type: 'null' },
              {
                type: 'object',
                required: ['oracleScore', 'expertShareOfOracle'],
                additionalProperties: false,
                properties: { oracleScore: { type: 'number' }, expertShareOfOracle: { type: ['number', 'null'] } },
              },
            ],
          },
          elapsedMs: { type: 'number', minimum: 0 },
        },
      },
    },
    records: {
      type: 'object',
      required: ['file', 'count', 'sha256'],
      additionalProperties: false,
      properties: {
        file: { type: 'string', minLength: 1 },
        count: { type: 'integer', minimum: 0 },
        sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
      },
    },
  },
};

registerFormat({
  name: 'results',
  description: 'dialogym eval results (one JSON document; episodes in the JSONL it points to)',
  schema: resultsSchema,
  detect: (v) => v !== null && typeof v === 'object' && v.format === 'dialogym-results',
});

/** `<dir>/<name>.episodes.jsonl` for `<dir>/<name>.json`. */
export function recordsPathFor(resultsPath: string): string {
  const b = basename(resultsPath).replace(/\.json$/i, '');
  return join(dirname(resultsPath), `${b}.episodes.jsonl`);
}

export function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

export function serializeRecords(records: readonly EpisodeRecord[]): string {
  return records.map((r) => `${JSON.stringify(r)}\n`).join('');
}

/**
 * Refuses, before a run, results or episodes files that exist (unless `force`) or that cannot be
 * written (core/output.ts).
 */
export function checkResultsOutput(path: string, opts: { force?: boolean; inputs?: OutputInput[] } = {}): void {
  checkOutput(path, { force: opts.force, inputs: opts.inputs });
  checkOutput(recordsPathFor(path), { flag: '--out (its episodes file)', force: opts.force, inputs: opts.inputs });
}

/**
 * Writes the records JSONL and the results document (records pointer filled in). Both go to
 * temporary files first and are renamed only when both are complete, episodes first: a full disk
 * or a crash never leaves a torn episodes file beside an old results file.
 */
export function writeResults(path: string, results: Omit<Results, 'records'>, records: readonly EpisodeRecord[]): Results {
  const recPath = recordsPathFor(path);
  const recFile = AtomicFile.create(recPath, '--out');
  const resFile = AtomicFile.create(path, '--out');
  try {
    const hash = createHash('sha256');
    // In chunks: a run of 100,000 episodes is far more than one string may hold.
    let chunk: string[] = [];
    let size = 0;
    const flush = () => {
      const text = chunk.join('');
      hash.update(text);
      recFile.write(text);
      chunk = [];
      size = 0;
    };
    for (const r of records) {
      const line = `${JSON.stringify(r)}\n`;
      chunk.push(line);
      size += line.length;
      if (size > 1 << 22) flush();
    }
    flush();
    const full: Results = { ...results, records: { file: basename(recPath), count: records.length, sha256: hash.digest('hex') } };
    resFile.write(`${JSON.stringify(full, null, 2)}\n`);
    commitAll([recFile, resFile]);
    return full;
  } finally {
    recFile.abort();
    resFile.abort();
  }
}

export interface LoadedResults {
  path: string;
  results: Results;
  records: EpisodeRecord[];
  /** Problems found while loading (hash mismatch, invalid records); empty when clean. */
  problems: string[];
}

/** Reads a results file and its records; schema violations are ConfigErrors, integrity problems are reported. */
export async function loadResults(path: string): Promise<LoadedResults> {
  if (!existsSync(path)) throw new ConfigError(`results file not found: ${path}`);
  checkInputFile(path, { holds: 'a dialogym results file (JSON)' });
  let value: Json;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ConfigError(`${path} is not JSON (${(e as Error).message})`);
  }
  const v = validate(resultsSchema, value);
  if (!v.ok) throw new ConfigError(`${path} is not a dialogym results file: ${v.errors.slice(0, 3).join('; ')}`);
  const results = value as Results;
  const recPath = join(dirname(resolve(path)), results.records.file);
  if (!existsSync(recPath)) throw new ConfigError(`episode records of ${path} not found: ${recPath}`);
  const problems: string[] = [];
  const text = readFileSync(recPath);
  if (sha256(text) !== results.records.sha256) problems.push(`records file ${results.records.file} does not match its SHA-256 in the results`);
  const raw = await readJsonlValues(recPath);
  const records: EpisodeRecord[] = [];
  raw.forEach((r, i) => {
    const rv = validateRecord(r);
    if (rv.ok) records.push(r as EpisodeRecord);
    else problems.push(`record ${i + 1} is invalid: ${rv.errors.slice(0, 2).join('; ')}`);
  });
  if (records.length !== results.records.count) problems.push(`expected ${results.records.count} records, found ${records.length}`);
  return { path, results, records, problems };
}
