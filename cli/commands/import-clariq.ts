/**
 * `dialogym import clariq --in <tsv> --out <records.jsonl>`: ClariQ train/dev rows as one-question
 * ClarifySearch-v0 episode records (see envs/clarify-search/clariq-import.ts). `dialogym replay
 * --in <records.jsonl>` then re-answers the same questions with the scripted user.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { ConfigError } from '../../core/errors.js';
import { JsonlWriter, readJsonl } from '../../core/jsonl.js';
import { parseClariqRows } from '../../envs/clarify-common/clariq-tsv.js';
import { importClariqRows } from '../../envs/clarify-search/clariq-import.js';

export function registerImportClariq(importCmd: Command): void {
  importCmd
    .command('clariq')
    .description('ClariQ train/dev TSV rows → one-question ClarifySearch-v0 episode records')
    .requiredOption('--in <tsv>', 'a ClariQ train.tsv or dev.tsv')
    .requiredOption('--out <file>', 'output JSONL of episode records')
    .option('--limit <n>', 'import at most n records')
    .option('--resume', 'append to --out, skipping records already there')
    .action(async (opts: { in: string; out: string; limit?: string; resume?: boolean }) => {
      if (!existsSync(opts.in)) throw new ConfigError(`no such file: ${opts.in}`);
      if (existsSync(opts.out) && !opts.resume) throw new ConfigError(`${opts.out} exists; pass --resume or choose another --out`);
      const limit = opts.limit === undefined ? undefined : Number(opts.limit);
      if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw new ConfigError(`--limit must be a positive integer (got '${opts.limit}')`);
      let rows: ReturnType<typeof parseClariqRows>;
      try {
        rows = parseClariqRows(readFileSync(opts.in, 'utf8'));
      } catch (err) {
        throw new ConfigError(`${opts.in}: ${(err as Error).message}`);
      }
      const skipKeys = new Set<string>();
      if (opts.resume && existsSync(opts.out)) {
        for await (const line of readJsonl(opts.out)) if (line.value?.key) skipKeys.add(String(line.value.key));
      }
      const writer = JsonlWriter.open(opts.out, { append: Boolean(opts.resume) });
      try {
        const stats = await importClariqRows(rows, basename(opts.in), (rec) => writer.write(rec), { limit, skipKeys });
        process.stdout.write(
          `imported ${stats.imported} records from ${stats.rows} rows (${stats.skipped} rows without question/answer skipped) → ${opts.out}\n`,
        );
      } finally {
        writer.close();
      }
    });
}
