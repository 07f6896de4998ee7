/**
 * The manifest written next to each generated file (`<name>.manifest.json`): the config and shard,
 * dialogym's version, counts, checksums, token usage and the history of runs that built the file
 * (a resumed file lists each run). Checksums are computed from the finished file, so they are
 * right however many times the run was resumed:
 * - `sha256`: of the file's bytes (changes with wall-clock `timings`);
 * - `contentSha256`: of the records without `timings`, one per line; equal for two runs of the same
 *   config whatever the machine, worker count or resumes.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../../core/output.js';
import { readJsonl } from '../../core/jsonl.js';
import { type EpisodeRecord, validateRecord } from '../../core/record.js';
import { withoutTimings } from '../../core/rollout.js';
import { emptyUsage, type Json, type Usage } from '../../core/types.js';
import type { GenerateConfig, PlannedEpisode } from './config.js';

export interface FileStats {
  episodes: number;
  /** Lines that are not valid records or not where the plan puts them (0 for a healthy file). */
  badLines: number;
  /** Records in plan order, each key once. */
  inPlanOrder: boolean;
  errors: number;
  errorTypes: Record<string, number>;
  truncated: number;
  invalidActions: number;
  steps: number;
  meanReturn: number | null;
  minReturn: number | null;
  maxReturn: number | null;
  usage: { simulator: Usage; agent: Usage };
  sha256: string;
  contentSha256: string;
  bytes: number;
}

export interface Manifest {
  dialogymVersion: string;
  config: GenerateConfig;
  configDigest: string;
  shard: { index: number; count: number };
  out: string;
  requested: number;
  mode: string;
  workers: number;
  status: 'running' | 'complete' | 'incomplete';
  runs: { startedAt: string; resumedFrom: number; wallMs: number; peakRssMB: number; status: string }[];
  file: FileStats | null;
}

export function manifestPath(out: string): string {
  return out.endsWith('.jsonl') ? `${out.slice(0, -'.jsonl'.length)}.manifest.json` : `${out}.manifest.json`;
}

export function readManifest(path: string): Manifest | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Manifest;
  } catch {
    return undefined; // a torn manifest is rewritten at the end of the run
  }
}

/** Written to a temporary file and renamed (core/output.ts), so a crash never leaves half a manifest. */
export function writeManifest(path: string, m: Json): void {
  writeFileAtomic(path, `${JSON.stringify(m, null, 2)}\n`);
}

/** One streaming pass over the output: checksums, counts and usage, and a check of plan order. */
export async function scanOutput(path: string, plan: Iterator<PlannedEpisode>): Promise<FileStats> {
  const bytes = createHash('sha256');
  const content = createHash('sha256');
  const usage = { simulator: emptyUsage(), agent: emptyUsage() };
  const s: FileStats = {
    episodes: 0,
    badLines: 0,
    inPlanOrder: true,
    errors: 0,
    errorTypes: {},
    truncated: 0,
    invalidActions: 0,
    steps: 0,
    meanReturn: null,
    minReturn: null,
    maxReturn: null,
    usage,
    sha256: '',
    contentSha256: '',
    bytes: 0,
  };
  let sum = 0;
  for await (const line of readJsonl(path)) {
    const raw = `${line.raw}\n`;
    bytes.update(raw);
    s.bytes += Buffer.byteLength(raw);
    if (line.error !== undefined || !validateRecord(line.value).ok) {
      s.badLines += 1;
      s.inPlanOrder = false;
      continue;
    }
    const rec = line.value as EpisodeRecord;
    const expected = plan.next();
    if (expected.done || expected.value.key !== rec.key) s.inPlanOrder = false;
    content.update(`${JSON.stringify(withoutTimings(rec))}\n`);
    s.episodes += 1;
    s.steps += rec.totals.steps;
    s.invalidActions += rec.totals.invalidActions;
    if (rec.termination.truncated) s.truncated += 1;
    if (rec.error) {
      s.errors += 1;
      s.errorTypes[rec.error.type] = (s.errorTypes[rec.error.type] ?? 0) + 1;
    }
    const r = rec.totals.return;
    sum += r;
    s.minReturn = s.minReturn === null ? r : Math.min(s.minReturn, r);
    s.maxReturn = s.maxReturn === null ? r : Math.max(s.maxReturn, r);
    const cached = (rec.timings as { cachedCalls?: { simulator?: number; agent?: number } }).cachedCalls;
    addTokens(usage.simulator, rec.usage.simulator, cached?.simulator);
    addTokens(usage.agent, rec.usage.agent, cached?.agent);
  }
  s.meanReturn = s.episodes > 0 ? sum / s.episodes : null;
  s.sha256 = bytes.digest('hex');
  s.contentSha256 = content.digest('hex');
  return s;
}

/** Adds a record's usage; cache hits are counted from the record or from its `timings` (where newer records keep them). */
function addTokens(
  into: Usage,
  u: { promptTokens: number; completionTokens: number; calls: number; cost?: number; cachedCalls?: number } | undefined,
  cachedFromTimings: number | undefined,
): void {
  if (!u) return;
  into.promptTokens += u.promptTokens;
  into.completionTokens += u.completionTokens;
  into.calls += u.calls;
  into.cachedCalls += u.cachedCalls ?? cachedFromTimings ?? 0;
  if (u.cost !== undefined) into.cost = (into.cost ?? 0) + u.cost;
}
