import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ConfigError } from '../../core/errors.js';
import { detectFormat, getFormat, listFormats } from '../../core/formats.js';
import { checkInputFile, terminalSafe } from '../../core/input.js';
import { nonNegativeInt } from '../run.js';
import { type JsonlLine, readJsonl } from '../../core/jsonl.js';
import { validate } from '../../core/schema.js';

export function register(program: Command): void {
  program
    .command('validate')
    .description('Check every line of a JSONL file against its JSON Schema, reporting line numbers')
    .argument('<file>', 'JSONL file')
    .option('--format <name>', 'schema to use (default: detected per line); see --list-formats')
    .option('--max-errors <n>', 'stop listing after this many bad lines', nonNegativeInt('--max-errors'), 20)
    .action(async (file: string, opts: { format?: string; maxErrors: number }) => {
      const fixed = opts.format ? getFormat(opts.format) : undefined;
      if (opts.format && !fixed) {
        throw new ConfigError(`unknown format '${opts.format}' (known: ${listFormats().map((f) => f.name).join(', ')})`);
      }
      // A directory, an empty, binary or compressed file is one line and exit 2, not a list of bad lines.
      checkInputFile(file, { holds: 'JSONL (or one JSON document)' });
      const maxErrors = opts.maxErrors;
      let good = 0;
      let bad = 0;
      // A `.json` file is one (possibly pretty-printed) document, such as an eval results file.
      const lines = /\.json$/i.test(file) ? wholeDocument(file) : readJsonl(file);
      for await (const line of lines) {
        let problem: string | undefined = line.error;
        if (!problem) {
          const fmt = fixed ?? detectFormat(line.value);
          if (!fmt) problem = 'unrecognised format (pass --format)';
          else {
            const r = validate(fmt.schema, line.value);
            if (!r.ok) problem = `${fmt.name}: ${r.errors.slice(0, 3).join('; ')}`;
          }
        }
        if (problem) {
          bad += 1;
          // The problem may quote the line (JSON.parse does): escaped, so a corrupt file cannot drive the terminal.
          if (bad <= maxErrors) process.stdout.write(`${terminalSafe(file)}:${line.lineNo}: ${terminalSafe(problem, 300)}\n`);
        } else good += 1;
      }
      process.stdout.write(`${good} valid, ${bad} invalid line(s)\n`);
      if (bad > 0 || good === 0) process.exitCode = 1;
    });
}

async function* wholeDocument(file: string): AsyncGenerator<JsonlLine> {
  const raw = readFileSync(file, 'utf8');
  try {
    yield { lineNo: 1, value: JSON.parse(raw), raw };
  } catch (e) {
    yield { lineNo: 1, error: `not JSON (${(e as Error).message})`, raw };
  }
}
