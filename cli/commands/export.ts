/**
 * `dialogym export`: episode records → LMRL-Gym trajectories, offline-RL transitions, OpenAI SFT
 * chats (optionally filtered to the top p % by return) or TRL DPO pairs. See the README.
 */
import { type Command, InvalidArgumentError } from 'commander';
import { countLines } from '../../datasets/count-lines.js';
import { exportRecords } from '../../datasets/export/index.js';
import { EXPORT_FORMATS } from '../../datasets/export/schemas.js';
import { progressBar } from '../progress.js';
import { positiveInt } from '../run.js';

function number(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`${name} must be a number, got '${v}'`);
    return n;
  };
}

interface ExportFlags {
  format: string;
  in: string;
  out: string;
  gamma: number;
  topPercent: number;
  margin?: number;
  maxPairs: number;
  withMeta?: boolean;
  progress: boolean;
}

export function register(program: Command): void {
  program
    .command('export')
    .description('Export episode records for training: lmrl, transitions, sft (filtered BC), dpo (preference pairs)')
    .requiredOption('--format <f>', `one of ${Object.keys(EXPORT_FORMATS).join(', ')}`)
    .requiredOption('--in <records.jsonl>', 'episode records (generate, rollout, hindsight, import)')
    .requiredOption('--out <file>', 'output JSONL')
    .option('--gamma <g>', 'transitions: discount of mc_return', number('--gamma'), 0.99)
    .option('--top-percent <p>', 'sft: keep the top p % of episodes by return', number('--top-percent'), 100)
    .option('--margin <m>', 'dpo: minimum return difference of a pair', number('--margin'))
    .option('--max-pairs <n>', 'dpo: at most n sampled pairs per shared start', positiveInt('--max-pairs'), 8)
    .option('--with-meta', 'dpo: add a meta column naming the two records and their returns')
    .option('--no-progress', 'no progress bar')
    .action(async (f: ExportFlags) => {
      const total = f.progress ? await countLines(f.in) : 0;
      const bar = f.progress ? progressBar(total, `export ${f.format}`) : undefined;
      let last = 0;
      try {
        const s = await exportRecords(f.format, f.in, f.out, {
          gamma: f.gamma,
          topPercent: f.topPercent,
          margin: f.margin,
          maxPairsPerGroup: f.maxPairs,
          withMeta: f.withMeta,
          onProgress: (n) => {
            bar?.tick(n - last);
            last = n;
          },
        });
        bar?.stop();
        const skipped = s.input.notJson + s.input.invalidRecords;
        const details = Object.entries(s.details)
          .map(([k, v]) => `${k} ${v}`)
          .join(' · ');
        process.stdout.write(
          `export ${s.format}: ${s.input.records} record(s) → ${s.written} line(s) in ${f.out}` +
            `${skipped ? ` · skipped ${skipped} bad line(s)` : ''}${details ? ` · ${details}` : ''}\n`,
        );
        for (const p of s.input.problems) process.stderr.write(`  ${p}\n`);
      } finally {
        bar?.stop();
      }
    });
}
