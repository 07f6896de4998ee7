/**
 * Streaming input of episode records for the commands that read them (replay, hindsight, export).
 *
 * `checkRecordsInput` runs before any work: a missing, empty, binary or compressed file, a
 * directory, a file without a single valid record, or records of an env that is not registered
 * are one line and exit 2 (core/input.ts). A file with some bad lines is read: they are
 * counted and skipped (a half-written file from a killed run must still export), the summary says
 * how many, and `--verbose` lists them; nothing from the file reaches the terminal unescaped.
 */
import { ConfigError } from '../core/errors.js';
import { checkInputFile, SkippedLines, terminalSafe } from '../core/input.js';
import { readJsonl } from '../core/jsonl.js';
import { type EpisodeRecord, validateRecord } from '../core/record.js';
import { listEnvs } from '../core/registry.js';

export interface InputStats {
  lines: number;
  records: number;
  notJson: number;
  invalidRecords: number;
  /** First few problems, for the summary (escaped for the terminal). */
  problems: string[];
}

export function emptyInputStats(): InputStats {
  return { lines: 0, records: 0, notJson: 0, invalidRecords: 0, problems: [] };
}

/** A missing, empty, binary or compressed file or a directory is a ConfigError (exit 2). */
export function assertReadable(path: string, what = 'input'): void {
  checkInputFile(path, { flag: what === 'input' ? undefined : what, holds: 'episode records (JSONL)' });
}

export interface RecordsInputSummary {
  /** Valid records. */
  records: number;
  lines: number;
  skipped: SkippedLines;
  envIds: Set<string>;
}

/**
 * One pass over a records file before any work: checks it (see above) and counts its valid records
 * (the progress total). `requireKnownEnvs`: records of an env that is not registered cannot be
 * replayed; the first one is a ConfigError.
 */
export async function checkRecordsInput(
  path: string,
  opts: { flag?: string; verbose?: (line: string) => void; requireKnownEnvs?: boolean } = {},
): Promise<RecordsInputSummary> {
  const flag = opts.flag ?? '--in';
  checkInputFile(path, { flag, holds: 'episode records (JSONL)' });
  const skipped = new SkippedLines(path, opts.verbose);
  const envIds = new Set<string>();
  let records = 0;
  let lines = 0;
  let known: Set<string> | undefined;
  for await (const line of readJsonl(path)) {
    lines += 1;
    if (line.error !== undefined) {
      skipped.add(line.lineNo, 'not JSON');
      continue;
    }
    const v = validateRecord(line.value);
    if (!v.ok) {
      skipped.add(line.lineNo, `not a valid episode record (${v.errors.slice(0, 2).join('; ')})`);
      continue;
    }
    const rec = line.value as EpisodeRecord;
    if (opts.requireKnownEnvs && !envIds.has(rec.env.id)) {
      known ??= new Set(listEnvs({ includeTests: true, includeLegacy: true }).map((r) => r.id));
      if (!known.has(rec.env.id)) {
        throw new ConfigError(
          `${flag} ${terminalSafe(path)} line ${line.lineNo} is a record of '${terminalSafe(rec.env.id, 80)}', an env that is not registered ` +
            `(known: ${[...known].sort().join(', ')})`,
        );
      }
    }
    envIds.add(rec.env.id);
    records += 1;
  }
  if (records === 0) {
    throw new ConfigError(
      `${flag} ${terminalSafe(path)} holds no valid episode records${skipped.count ? `: ${skipped.summary()}` : ` (${lines} line(s))`}`,
    );
  }
  return { records, lines, skipped, envIds };
}

/** Yields every valid record of a JSONL file with its line number; counts the rest in `stats`. */
export async function* readRecords(path: string, stats: InputStats = emptyInputStats()): AsyncGenerator<{ lineNo: number; record: EpisodeRecord }> {
  for await (const line of readJsonl(path)) {
    stats.lines += 1;
    if (line.error !== undefined) {
      stats.notJson += 1;
      if (stats.problems.length < 5) stats.problems.push(`line ${line.lineNo}: not JSON`);
      continue;
    }
    const v = validateRecord(line.value);
    if (!v.ok) {
      stats.invalidRecords += 1;
      if (stats.problems.length < 5) stats.problems.push(`line ${line.lineNo}: ${terminalSafe(v.errors.slice(0, 2).join('; '), 200)}`);
      continue;
    }
    stats.records += 1;
    yield { lineNo: line.lineNo, record: line.value as EpisodeRecord };
  }
}
