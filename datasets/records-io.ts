/**
 * Streaming input of episode records for the dataset builders: lines that are not JSON or not a
 * valid record are counted and skipped, never fatal (a half-written file from a killed run must
 * still export).
 */
import { existsSync } from 'node:fs';
import { ConfigError } from '../core/errors.js';
import { readJsonl } from '../core/jsonl.js';
import { type EpisodeRecord, validateRecord } from '../core/record.js';

export interface InputStats {
  lines: number;
  records: number;
  notJson: number;
  invalidRecords: number;
  /** First few problems, for the summary. */
  problems: string[];
}

export function emptyInputStats(): InputStats {
  return { lines: 0, records: 0, notJson: 0, invalidRecords: 0, problems: [] };
}

export function assertReadable(path: string, what = 'input'): void {
  if (!existsSync(path)) throw new ConfigError(`${what} file not found: ${path}`);
}

/** Yields every valid record of a JSONL file with its line number; counts the rest in `stats`. */
export async function* readRecords(path: string, stats: InputStats = emptyInputStats()): AsyncGenerator<{ lineNo: number; record: EpisodeRecord }> {
  for await (const line of readJsonl(path)) {
    stats.lines += 1;
    if (line.error !== undefined) {
      stats.notJson += 1;
      if (stats.problems.length < 5) stats.problems.push(`line ${line.lineNo}: ${line.error}`);
      continue;
    }
    const v = validateRecord(line.value);
    if (!v.ok) {
      stats.invalidRecords += 1;
      if (stats.problems.length < 5) stats.problems.push(`line ${line.lineNo}: ${v.errors.slice(0, 2).join('; ')}`);
      continue;
    }
    stats.records += 1;
    yield { lineNo: line.lineNo, record: line.value as EpisodeRecord };
  }
}
