/**
 * `dialogym export`: episode records → LMRL-Gym trajectories, offline-RL transitions, SFT chats
 * (optionally filtered to the top p % by return) or TRL DPO pairs; or, from an env, prompt-only
 * `tasks` for online RL against `dialogym serve`. See docs/datasets.md. The output follows
 * core/output.ts (refused if it exists without --force, written to a temporary file until done).
 */
import type { Command } from 'commander';
import { ConfigError } from '../../core/errors.js';
import { MAX_SEED } from '../../core/limits.js';
import { checkOutput } from '../../core/output.js';
import { checkKwargs } from '../../core/registry.js';
import type { Json } from '../../core/types.js';
import { exportRecords } from '../../datasets/export/index.js';
import { EXPORT_FORMATS } from '../../datasets/export/schemas.js';
import { exportTasks, taskEnvIds } from '../../datasets/export/tasks.js';
import { checkRecordsInput } from '../../datasets/records-io.js';
import { parseSplit } from '../../eval/splits.js';
import { progress } from '../progress.js';
import { addOutputFlags, jsonObject, maxStepsArg, nonNegativeInt, numberInRange, positiveInt } from '../run.js';

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
  force?: boolean;
  verbose?: boolean;
  progress: boolean;
}

export function register(program: Command): void {
  const cmd = program
    .command('export')
    .description('Export episode records for training: lmrl, transitions, sft (filtered BC), dpo (preference pairs); or tasks (prompt-only, online RL) from an env')
    .requiredOption('--format <f>', `one of ${Object.keys(EXPORT_FORMATS).join(', ')}`)
    .option('--in <records.jsonl>', 'episode records (generate, rollout, hindsight, import); every format but tasks')
    .option('--env <id|all>', 'tasks: the env (all: every env not tagged test or legacy)')
    .option('--split <name>', 'tasks: evaluation split the tasks come from (dev or test)', 'dev')
    .option('--tasks <n>', 'tasks: tasks per env', positiveInt('--tasks', 1_000_000), 100)
    .option('--task-start <i>', 'tasks: index of the first task', nonNegativeInt('--task-start', MAX_SEED), 0)
    .option('--kwargs <json>', 'tasks: env kwargs as a JSON object', jsonObject('--kwargs'))
    .option('--max-steps <n>', 'tasks: step limit of each episode (overrides the env default; at least 1)', maxStepsArg('--max-steps'))
    .requiredOption('--out <file>', 'output JSONL')
    .option('--gamma <g>', 'transitions: discount of mc_return, in [0, 1]', numberInRange('--gamma', 0, 1), 0.99)
    .option('--top-percent <p>', 'sft: keep the top p % of episodes by return, in (0, 100]', numberInRange('--top-percent', 0, 100), 100)
    .option('--margin <m>', 'dpo: minimum return difference of a pair', numberInRange('--margin', 0, Number.MAX_VALUE))
    .option('--max-pairs <n>', 'dpo: at most n sampled pairs per shared start', positiveInt('--max-pairs', 1_000_000), 8)
    .option('--with-meta', 'dpo: add a meta column naming the two records and their returns')
    .option('--verbose', 'list every skipped input line')
    .option('--no-progress', 'no progress bar or progress lines');
  addOutputFlags(cmd, { resumable: false }).action(async (f: ExportFlags) => {
    if (f.format === 'tasks') {
      if (f.in) throw new ConfigError('--format tasks is built from an env, not from records: pass --env instead of --in');
      if (!f.env) throw new ConfigError('--format tasks needs --env <id|all>');
      const split = parseSplit(f.split);
      const envIds = taskEnvIds(f.env);
      for (const id of envIds) checkKwargs(id, f.kwargs as Record<string, Json> | undefined);
      checkOutput(f.out, { force: f.force });
      const bar = progress({ label: 'export tasks', total: envIds.length * f.tasks, unit: 'tasks', enabled: f.progress });
      let last = 0;
      try {
        const s = await exportTasks(f.out, {
          env: f.env,
          split,
          count: f.tasks,
          start: f.taskStart,
          kwargs: f.kwargs as Record<string, unknown> | undefined,
          maxEpisodeSteps: f.maxSteps,
          force: f.force,
          onProgress: (n) => {
            bar.tick(n - last);
            last = n;
          },
        });
        bar.stop();
        process.stdout.write(
          `export tasks: ${s.written} task(s) (${s.details.envs}, ${split} split, tasks ${f.taskStart}..${f.taskStart + f.tasks - 1}) in ${f.out}\n`,
        );
      } finally {
        bar.stop();
      }
      return;
    }
    if (!f.in) throw new ConfigError(`--format ${f.format} needs --in <records.jsonl>`);
    if (!Object.hasOwn(EXPORT_FORMATS, f.format)) {
      throw new ConfigError(`unknown export format '${f.format}' (known: ${Object.keys(EXPORT_FORMATS).join(', ')})`);
    }
    const inPath = f.in;
    const input = await checkRecordsInput(inPath, { verbose: f.verbose ? (l) => process.stderr.write(`${l}\n`) : undefined });
    checkOutput(f.out, { inputs: [{ path: inPath, flag: '--in' }], force: f.force });
    const bar = progress({ label: `export ${f.format}`, total: input.records, unit: 'records', enabled: f.progress });
    let last = 0;
    try {
      const s = await exportRecords(f.format, inPath, f.out, {
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
