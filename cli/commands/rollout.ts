import type { Command } from 'commander';
import { createAgent } from '../../agents/registry.js';
import { ConfigError } from '../../core/errors.js';
import { MAX_EPISODES } from '../../core/limits.js';
import { checkOutput, JsonlOutput } from '../../core/output.js';
import { getRegistration, checkKwargs, type MakeOptions } from '../../core/registry.js';
import { expectedIdentity, recordResumeCheck } from '../../core/resume.js';
import { type EpisodeJob, RunSummary, runJobs } from '../../core/runner.js';
import { addLlmOptions, type LlmCliOptions, setupLlm } from '../llm-options.js';
import { progress } from '../progress.js';
import { addOutputFlags, checkSeedRange, concurrencyArg, discardedNote, jsonObject, maxStepsArg, positiveInt, seedArg } from '../run.js';

interface RolloutOptions extends LlmCliOptions {
  env: string;
  agent: string;
  episodes: number;
  seed: number;
  concurrency: number;
  out: string;
  resume?: boolean;
  force?: boolean;
  sim: string;
  maxSteps?: number;
  kwargs?: Record<string, unknown>;
  progress: boolean;
}

/** Episodes are run in chunks of this many, so memory does not grow with --episodes. */
const CHUNK = 4096;

export function register(program: Command): void {
  const cmd = addLlmOptions(program.command('rollout'))
    .description('Run an agent against an environment for N episodes and write one episode record per line')
    .requiredOption('--env <id>', 'environment id')
    .option('--agent <name>', 'agent: random, expert, llm, replay, human, or an env-specific one', 'random')
    .option('--episodes <n>', 'number of episodes', positiveInt('--episodes', MAX_EPISODES), 10)
    .option('--seed <n>', 'seed of the first episode; episode i uses seed + i (seeds 0 to 2^31-1)', seedArg('--seed'), 0)
    .option('--concurrency <n>', 'episodes in flight at once', concurrencyArg('--concurrency'), 1)
    .requiredOption('--out <file>', 'output JSONL file (written as <file>.partial until the run completes)')
    .option('--sim <kind>', 'user simulator: scripted or llm', 'scripted')
    .option('--max-steps <n>', 'step limit of each episode (overrides the env default; at least 1)', maxStepsArg('--max-steps'))
    .option('--kwargs <json>', 'env kwargs as a JSON object, e.g. \'{"taskType":"coffee"}\'', jsonObject('--kwargs'))
    .option('--no-progress', 'no progress bar or progress lines');
  addOutputFlags(cmd, { resumable: true }).action(async (opts: RolloutOptions) => {
    const reg = getRegistration(opts.env);
    if (!(reg.simulatorKinds ?? ['scripted']).includes(opts.sim)) {
      throw new ConfigError(`${opts.env} has no '${opts.sim}' simulator (available: ${(reg.simulatorKinds ?? []).join(', ')})`);
    }
    checkSeedRange(opts.seed, opts.episodes);
    checkKwargs(opts.env, opts.kwargs);
    // An unknown agent is refused before any endpoint is contacted and before the output is touched.
    if (opts.agent !== 'llm') createAgent(opts.agent, { envId: opts.env });
    const needLlm = { sim: opts.sim === 'llm', agent: opts.agent === 'llm' };
    // Refusals about the output come before the endpoint check, so a refused run never waits on a server.
    const outFlags = { force: opts.force, resume: opts.resume, resumable: true };
    checkOutput(opts.out, outFlags);
    const llm = needLlm.sim || needLlm.agent ? await setupLlm(opts, needLlm) : undefined;
    const makeOptions: MakeOptions = {
      simulator: llm?.simulator ?? { kind: opts.sim },
      llm: llm?.sim,
      maxEpisodeSteps: opts.maxSteps,
      kwargs: opts.kwargs,
    };
    const identity = await expectedIdentity(opts.env, makeOptions, createAgent(opts.agent, { envId: opts.env, llm: llm?.agent }));
    const resumeCheck = recordResumeCheck({ file: opts.out, expected: () => identity });
    const out = await JsonlOutput.open(opts.out, { ...outFlags, check: resumeCheck.check });
    const have = resumeCheck.keys;
    const keyOf = (seed: number) => `${opts.env}/${opts.agent}/${seed}`;
    const prefix = `${opts.env}/${opts.agent}/`;
    let present = 0;
    for (const k of have) {
      const seed = k.startsWith(prefix) ? Number(k.slice(prefix.length)) : Number.NaN;
      if (Number.isInteger(seed) && seed >= opts.seed && seed < opts.seed + opts.episodes) present += 1;
    }
    const summary = new RunSummary();
    const bar = progress({ label: `rollout ${opts.env}`, total: opts.episodes, start: present, enabled: opts.progress });
    const t0 = performance.now();
    let stoppedBecause: string | undefined;
    const discarded = { episodes: 0, tokens: 0, cost: 0 };
    try {
      for (let from = 0; from < opts.episodes && !stoppedBecause; from += CHUNK) {
        const jobs: EpisodeJob[] = [];
        for (let i = from; i < Math.min(opts.episodes, from + CHUNK); i++) {
          const seed = opts.seed + i;
          const key = keyOf(seed);
          if (!have.has(key)) jobs.push({ key, envId: opts.env, seed, agent: opts.agent });
        }
        if (jobs.length === 0) continue;
        const res = await runJobs(jobs, {
          concurrency: opts.concurrency,
          makeOptions,
          agentLlm: llm?.agent,
          shouldStop: llm ? (rec) => llm.shouldStop(rec) : undefined,
          onRecord: (rec) => {
            out.write(rec);
            summary.add(rec);
            bar.tick();
          },
        });
        stoppedBecause = res.stoppedBecause;
        discarded.episodes += res.discarded.episodes;
        for (const u of [res.discarded.usage.simulator, res.discarded.usage.agent]) {
          discarded.tokens += u.promptTokens + u.completionTokens;
          discarded.cost += u.cost ?? 0;
        }
      }
      bar.stop();
      if (!stoppedBecause) out.commit();
    } finally {
      bar.stop();
      out.close();
    }
    const kept = out.resumed;
    process.stdout.write(
      `${opts.env} × ${opts.agent}: ${summary.format(performance.now() - t0)}${kept ? ` · resumed (${present} already done)` : ''}\n`,
    );
    if (llm) process.stdout.write(`${llm.describe()}\n`);
    if (discarded.episodes) process.stdout.write(`${discardedNote(discarded)}\n`);
    if (stoppedBecause) {
      process.stdout.write(`${present + out.written}/${opts.episodes} episodes so far in ${out.workPath}\n`);
      process.stderr.write(`stopped early: ${stoppedBecause}. Rerun with --resume to finish.\n`);
      process.exitCode = 1;
      return;
    }
    process.stdout.write(`wrote ${kept + out.written} episode records to ${opts.out}${kept ? ` (${out.written} new, ${kept} kept)` : ''}\n`);
  });
}
