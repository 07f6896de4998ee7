import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { ConfigError } from '../../core/errors.js';
import { JsonlWriter, readJsonl } from '../../core/jsonl.js';
import { validateRecord } from '../../core/record.js';
import { getRegistration, type MakeOptions } from '../../core/registry.js';
import { type EpisodeJob, RunSummary, runJobs } from '../../core/runner.js';
import { addLlmOptions, type LlmCliOptions, setupLlm } from '../llm-options.js';
import { progressBar } from '../progress.js';
import { jsonObject, nonNegativeInt, positiveInt } from '../run.js';

interface RolloutOptions extends LlmCliOptions {
  env: string;
  agent: string;
  episodes: number;
  seed: number;
  concurrency: number;
  out: string;
  resume?: boolean;
  sim: string;
  maxSteps?: number;
  kwargs?: Record<string, unknown>;
}

/** Keys of the valid records already in `path` (for --resume). Invalid lines are reported and ignored. */
export async function existingKeys(path: string): Promise<Set<string>> {
  const keys = new Set<string>();
  for await (const line of readJsonl(path)) {
    if (line.value !== undefined && validateRecord(line.value).ok) keys.add(line.value.key);
  }
  return keys;
}

export function register(program: Command): void {
  addLlmOptions(program.command('rollout'))
    .description('Run an agent against an environment for N episodes and write one episode record per line')
    .requiredOption('--env <id>', 'environment id')
    .option('--agent <name>', 'agent: random, expert, llm, replay, human, or an env-specific one', 'random')
    .option('--episodes <n>', 'number of episodes', positiveInt('--episodes'), 10)
    .option('--seed <n>', 'seed of the first episode; episode i uses seed + i', nonNegativeInt('--seed'), 0)
    .option('--concurrency <n>', 'episodes in flight at once', positiveInt('--concurrency'), 1)
    .requiredOption('--out <file>', 'output JSONL file')
    .option('--resume', 'keep the valid episodes already in --out and run only the missing ones')
    .option('--sim <kind>', 'user simulator: scripted or llm', 'scripted')
    .option('--max-steps <n>', 'override the env step limit', positiveInt('--max-steps'))
    .option('--kwargs <json>', 'env kwargs as a JSON object, e.g. \'{"taskType":"coffee"}\'', jsonObject('--kwargs'))
    .action(async (opts: RolloutOptions) => {
      const reg = getRegistration(opts.env);
      if (!(reg.simulatorKinds ?? ['scripted']).includes(opts.sim)) {
        throw new ConfigError(`${opts.env} has no '${opts.sim}' simulator (available: ${(reg.simulatorKinds ?? []).join(', ')})`);
      }
      const needLlm = { sim: opts.sim === 'llm', agent: opts.agent === 'llm' };
      if (existsSync(opts.out) && !opts.resume) {
        // Refuse to silently overwrite finished work; --resume continues it.
        throw new ConfigError(`${opts.out} exists; pass --resume to continue it or choose another --out`);
      }
      // After the output check, so a refused run never waits on an endpoint; before any episode starts.
      const llm = needLlm.sim || needLlm.agent ? await setupLlm(opts, needLlm) : undefined;
      const makeOptions: MakeOptions = {
        simulator: llm?.simulator ?? { kind: opts.sim },
        llm: llm?.sim,
        maxEpisodeSteps: opts.maxSteps,
        kwargs: opts.kwargs,
      };
      const have = opts.resume ? await existingKeys(opts.out) : new Set<string>();
      const jobs: EpisodeJob[] = [];
      for (let i = 0; i < opts.episodes; i++) {
        const seed = opts.seed + i;
        const key = `${opts.env}/${opts.agent}/${seed}`;
        if (!have.has(key)) jobs.push({ key, envId: opts.env, seed, agent: opts.agent });
      }
      const writer = JsonlWriter.open(opts.out, { append: Boolean(opts.resume) });
      const summary = new RunSummary();
      const bar = progressBar(opts.episodes, opts.env, opts.episodes - jobs.length);
      const t0 = performance.now();
      try {
        const res = await runJobs(jobs, {
          concurrency: opts.concurrency,
          makeOptions,
          agentLlm: llm?.agent,
          shouldStop: llm ? (rec) => llm.shouldStop(rec) : undefined,
          onRecord: (rec) => {
            writer.write(rec);
            summary.add(rec);
            bar.tick();
          },
        });
        bar.stop();
        const skipped = opts.episodes - jobs.length;
        process.stdout.write(
          `${opts.env} × ${opts.agent}: ${summary.format(performance.now() - t0)}${skipped ? ` · resumed (${skipped} already done)` : ''}\n`,
        );
        if (llm) process.stdout.write(`${llm.describe()}\n`);
        process.stdout.write(`wrote ${opts.out}\n`);
        if (res.stoppedBecause) {
          process.stderr.write(`stopped early: ${res.stoppedBecause}. Rerun with --resume to finish.\n`);
          process.exitCode = 1;
        }
      } finally {
        bar.stop();
        writer.close();
      }
    });
}
