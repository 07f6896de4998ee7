/**
 * `dialogym import clariq --in <tsv> --out <records.jsonl>`: ClariQ train/dev rows as one-question
 * ClarifySearch-v0 episode records (see envs/clarify-search/clariq-import.ts). `dialogym replay
 * --in <records.jsonl>` then re-answers the same questions with the scripted user.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { ConfigError } from '../../core/errors.js';
import { MAX_EPISODES } from '../../core/limits.js';
import { checkInputFile } from '../../core/input.js';
import { checkOutput, JsonlOutput } from '../../core/output.js';
import { make } from '../../core/registry.js';
import { identityOfRecord, recordResumeCheck, type RunIdentity } from '../../core/resume.js';
import { positiveInt } from '../run.js';
import { parseClariqRows } from '../../envs/clarify-common/clariq-tsv.js';
import { importClariqRows } from '../../envs/clarify-search/clariq-import.js';

export function registerImportClariq(importCmd: Command): void {
  importCmd
    .command('clariq')
    .description('ClariQ train/dev TSV rows → one-question ClarifySearch-v0 episode records')
    .requiredOption('--in <tsv>', 'a ClariQ train.tsv or dev.tsv')
    .requiredOption('--out <file>', 'output JSONL of episode records (written as <file>.partial until the import completes)')
    .option('--limit <n>', 'import at most n records', positiveInt('--limit', MAX_EPISODES))
    .option('--resume', 'continue an earlier import into --out: keep its records, add the missing ones')
    .option('--force', 'replace an existing output (it stays untouched until the import succeeded)')
    .action(async (opts: { in: string; out: string; limit?: number; resume?: boolean; force?: boolean }) => {
      checkInputFile(opts.in, { flag: '--in', holds: 'a ClariQ TSV' });
      const outFlags = { inputs: [{ path: opts.in, flag: '--in' }], force: opts.force, resume: opts.resume, resumable: true };
      checkOutput(opts.out, outFlags);
      let rows: ReturnType<typeof parseClariqRows>;
      try {
        rows = parseClariqRows(readFileSync(opts.in, 'utf8'));
      } catch (err) {
        throw new ConfigError(`${opts.in}: ${(err as Error).message}`);
      }
      // Imported records are all of one env at this dialogym's version with the same kwargs and step
      // limit; their simulator block holds each dialogue's own human turns, so only the env part is
      // compared (core/resume.ts). A file of another env version or other kwargs is refused.
      let envPart: Pick<RunIdentity, 'envId' | 'envVersion' | 'kwargs' | 'maxEpisodeSteps'> | undefined;
      const resumeCheck = recordResumeCheck({
        file: opts.out,
        expected: (rec) => {
          const id = identityOfRecord(rec);
          if (!envPart) {
            const env = make(id.envId);
            envPart = { envId: id.envId, envVersion: env.spec.version, kwargs: id.kwargs, maxEpisodeSteps: id.maxEpisodeSteps };
            void env.close();
          }
          return { ...id, ...envPart };
        },
      });
      const writer = await JsonlOutput.open(opts.out, { ...outFlags, check: resumeCheck.check });
      try {
        const stats = await importClariqRows(rows, basename(opts.in), (rec) => writer.write(rec), { limit: opts.limit, skipKeys: resumeCheck.keys });
        writer.commit();
        process.stdout.write(
          `imported ${stats.imported} records from ${stats.rows} rows (${stats.skipped} rows without question/answer skipped)` +
            `${writer.resumed ? `, ${writer.resumed} kept from the earlier import` : ''} → ${opts.out}\n`,
        );
      } finally {
        writer.close();
      }
    });
}
