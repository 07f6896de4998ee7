/**
 * `dialogym export`: episode records → LMRL-Gym trajectories, offline-RL transitions, OpenAI SFT
 * chats (optionally filtered to the top p % by return) or TRL DPO pairs. See the README.
 */
import type { Command } from 'commander';
import { checkOutput } from '../../core/output.js';
import { exportRecords } from '../../datasets/export/index.js';
import { EXPORT_FORMATS } from '../../datasets/export/schemas.js';
import { checkRecordsInput } from '../../datasets/records-io.js';
import { progress } from '../progress.js';
import { addOutputFlags, numberInRange, positiveInt } from '../run.js';

interface ExportFlags {
  format: string;
  in: string;
  out: string;
  gamma: number;
  topPercent: number;
  margin?: number;
  maxPairs: number;
  withMeta?: boolean;
  force?: boolean;
  verbose?: boolean;
  progress: boolean;
}

export function register(program: Command): void {
  const cmd = program
    .command('export')
    .description('Export episode records for training: lmrl, transitions, sft (filtered BC), dpo (preference pairs)')
    .requiredOption('--format <f>', `one of ${Object.keys(EXPORT_FORMATS).join(', ')}`)
    .requiredOption('--in <records.jsonl>', 'episode records (generate, rollout, hindsight, import)')
    .requiredOption('--out <file>', 'output JSONL')
    .option('--gamma <g>', 'transitions: discount of mc_return, in [0, 1]', numberInRange('--gamma', 0, 1), 0.99)
    .option('--top-percent <p>', 'sft: keep the top p % of episodes by return, in (0, 100]', numberInRange('--top-percent', 0, 100), 100)
    .option('--margin <m>', 'dpo: minimum return difference of a pair', numberInRange('--margin', 0, Number.MAX_VALUE))
    .option('--max-pairs <n>', 'dpo: at most n sampled pairs per shared start', positiveInt('--max-pairs', 1_000_000), 8)
    .option('--with-meta', 'dpo: add a meta column naming the two records and their returns')
    .option('--verbose', 'list every skipped input line')
    .option('--no-progress', 'no progress bar or progress lines');
  addOutputFlags(cmd, { resumable: false }).action(async (f: ExportFlags) => {
    const input = await checkRecordsInput(f.in, { verbose: f.verbose ? (l) => process.stderr.write(`${l}\n`) : undefined });
    checkOutput(f.out, { inputs: [{ path: f.in, flag: '--in' }], force: f.force });
    const bar = progress({ label: `export ${f.format}`, total: input.records, unit: 'records', enabled: f.progress });
    let last = 0;
    try {
      const s = await exportRecords(f.format, f.in, f.out, {
        gamma: f.gamma,
        topPercent: f.topPercent,
        margin: f.margin,
        maxPairsPerGroup: f.maxPairs,
        withMeta: f.withMeta,
        force: f.force,
        onProgress: (n) => {
          bar.tick(n - last);
          last = n;
        },
      });
      bar.stop();
      const details = Object.entries(s.details)
        .map(([k, v]) => `${k} ${v}`)
        .join(' · ');
      process.stdout.write(`export ${s.format}: ${s.input.records} record(s) → ${s.written} line(s) in ${f.out}${details ? ` · ${details}` : ''}\n`);
      const skipped = input.skipped.summary();
      if (skipped) process.stdout.write(`${skipped}\n`);
    } finally {
      bar.stop();
    }
  });
}
