import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { ConfigError } from '../../core/errors.js';
import { JsonlWriter, readJsonl } from '../../core/jsonl.js';
import { type EpisodeRecord, validateRecord } from '../../core/record.js';
import { replayRecord } from '../../core/rollout.js';
import { RunSummary } from '../../core/runner.js';
import { addLlmOptions, type LlmCliOptions, setupLlm } from '../llm-options.js';
import { existingKeys } from './rollout.js';

export function register(program: Command): void {
  addLlmOptions(program.command('replay'))
    .description("Replay each record's agent actions against a simulator and write the new records")
    .requiredOption('--in <file>', 'input JSONL of episode records (rollouts, imports)')
    .requiredOption('--out <file>', 'output JSONL')
    .option('--sim <kind>', 'simulator to replay against (default: the one in each record; imports use scripted)')
    .option('--resume', 'skip records already replayed into --out')
    .action(async (opts: LlmCliOptions & { in: string; out: string; sim?: string; resume?: boolean }) => {
      if (!existsSync(opts.in)) throw new ConfigError(`no such file: ${opts.in}`);
      if (existsSync(opts.out) && !opts.resume) throw new ConfigError(`${opts.out} exists; pass --resume or choose another --out`);
      const llm = opts.sim === 'llm' ? await setupLlm(opts, { sim: true, agent: false }) : undefined;
      const have = opts.resume ? await existingKeys(opts.out) : new Set<string>();
      const writer = JsonlWriter.open(opts.out, { append: Boolean(opts.resume) });
      const summary = new RunSummary();
      let skipped = 0;
      const t0 = performance.now();
      try {
        for await (const line of readJsonl(opts.in)) {
          const v = validateRecord(line.value);
          if (line.value === undefined || !v.ok) {
            skipped += 1;
            process.stderr.write(`line ${line.lineNo}: not a valid record (${line.error ?? v.errors[0]}); skipped\n`);
            continue;
          }
          const rec = line.value as EpisodeRecord;
          if (have.has(rec.key)) continue;
          // Imported human dialogues carry kind 'human'; they are replayed against the scripted simulator.
          const kind = opts.sim ?? (rec.simulator.kind === 'human' ? 'scripted' : rec.simulator.kind);
          const simulator = kind === 'llm' && llm?.simulator ? llm.simulator : { ...rec.simulator, kind };
          if (kind === 'llm' && !llm) {
            throw new ConfigError(`${rec.key} was simulated by an LLM: pass --sim llm with an endpoint to replay it`);
          }
          const out = await replayRecord(rec, {
            simulator,
            makeOptions: { llm: llm?.sim },
            source: { replayOf: rec.key, originalReturn: rec.totals.return, originalSource: rec.source ?? null },
          });
          writer.write(out);
          summary.add(out);
        }
      } finally {
        writer.close();
      }
      process.stdout.write(`replayed: ${summary.format(performance.now() - t0)}${skipped ? ` · ${skipped} lines skipped` : ''}\n`);
    });
}
