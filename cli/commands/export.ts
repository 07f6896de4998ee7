/**
 * `dialogym export`: episode records → LMRL-Gym trajectories, offline-RL transitions, SFT chats
 * (optionally filtered to the top p % by return) or TRL DPO pairs; or, from an env, prompt-only
 * `tasks` for online RL against `dialogym serve`. See docs/datasets.md.
 */
import { type Command, InvalidArgumentError } from 'commander';
import { countLines } from '../../datasets/count-lines.js';
import { ConfigError } from '../../core/errors.js';
import { exportRecords } from '../../datasets/export/index.js';
import { EXPORT_FORMATS } from '../../datasets/export/schemas.js';
import { exportTasks, taskEnvIds } from '../../datasets/export/tasks.js';
import { parseSplit } from '../../eval/splits.js';
import { progressBar } from '../progress.js';
import { jsonObject, nonNegativeInt, positiveInt } from '../run.js';

function number(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`${name} must be a number, got '${v}'`);
    return n;
  };
}

interface ExportFlags {
  format: string;
  in?: string;
  env?: string;
  split: string;
  tasks: number;
  taskStart: number;
  kwargs?: Record<string, unknown>;
  maxSteps?: number;
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
    .description('Export episode records for training: lmrl, transitions, sft (filtered BC), dpo (preference pairs); or tasks (prompt-only, online RL) from an env')
    .requiredOption('--format <f>', `one of ${Object.keys(EXPORT_FORMATS).join(', ')}`)
    .option('--in <records.jsonl>', 'episode records (generate, rollout, hindsight, import); every format but tasks')
    .option('--env <id|all>', 'tasks: the env (all: every env not tagged test or legacy)')
    .option('--split <name>', 'tasks: evaluation split the tasks come from (dev or test)', 'dev')
    .option('--tasks <n>', 'tasks: tasks per env', positiveInt('--tasks'), 100)
    .option('--task-start <i>', 'tasks: index of the first task', nonNegativeInt('--task-start'), 0)
    .option('--kwargs <json>', 'tasks: env kwargs as a JSON object', jsonObject('--kwargs'))
    .option('--max-steps <n>', 'tasks: override the env step limit', positiveInt('--max-steps'))
    .requiredOption('--out <file>', 'output JSONL')
    .option('--gamma <g>', 'transitions: discount of mc_return', number('--gamma'), 0.99)
    .option('--top-percent <p>', 'sft: keep the top p % of episodes by return', number('--top-percent'), 100)
    .option('--margin <m>', 'dpo: minimum return difference of a pair', number('--margin'))
    .option('--max-pairs <n>', 'dpo: at most n sampled pairs per shared start', positiveInt('--max-pairs'), 8)
    .option('--with-meta', 'dpo: add a meta column naming the two records and their returns')
    .option('--no-progress', 'no progress bar')
    .action(async (f: ExportFlags) => {
      if (f.format === 'tasks') {
        if (f.in) throw new ConfigError('--format tasks is built from an env, not from records: pass --env instead of --in');
        if (!f.env) throw new ConfigError('--format tasks needs --env <id|all>');
        const split = parseSplit(f.split);
        const total = taskEnvIds(f.env).length * f.tasks;
        const bar = f.progress ? progressBar(total, 'export tasks') : undefined;
        let last = 0;
        try {
          const s = await exportTasks(f.out, {
            env: f.env,
            split,
            count: f.tasks,
            start: f.taskStart,
            kwargs: f.kwargs as Record<string, unknown> | undefined,
            maxEpisodeSteps: f.maxSteps,
            onProgress: (n) => {
              bar?.tick(n - last);
              last = n;
            },
          });
          bar?.stop();
          process.stdout.write(
            `export tasks: ${s.written} task(s) (${s.details.envs}, ${split} split, tasks ${f.taskStart}..${f.taskStart + f.tasks - 1}) in ${f.out}\n`,
          );
        } finally {
          bar?.stop();
        }
        return;
      }
      if (!f.in) throw new ConfigError(`--format ${f.format} needs --in <records.jsonl>`);
      const input = f.in;
      const total = f.progress ? await countLines(input) : 0;
      const bar = f.progress ? progressBar(total, `export ${f.format}`) : undefined;
      let last = 0;
      try {
        const s = await exportRecords(f.format, input, f.out, {
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
