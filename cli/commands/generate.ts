/**
 * `dialogym generate`: datasets of episodes from a config file or flags, sharded, resumable,
 * with a manifest. See the README.
 */
import type { Command } from 'commander';
import { ConfigError } from '../../core/errors.js';
import type { Json } from '../../core/types.js';
import {
  type GenerateConfig,
  loadGenerateConfig,
  parseGenerateConfig,
  parseSeedsFlag,
  parseShard,
} from '../../datasets/generate/config.js';
import { generate } from '../../datasets/generate/runner.js';
import { addLlmOptions, type LlmCliOptions, setupLlm } from '../llm-options.js';
import { progress, type Progress } from '../progress.js';
import { addOutputFlags, checkSeedRange, concurrencyArg, maxStepsArg, positiveInt, seedArg, workersArg } from '../run.js';
import { MAX_EPISODES } from '../../core/limits.js';
import { checkOutput } from '../../core/output.js';

interface GenerateFlags extends LlmCliOptions {
  config?: string;
  env?: string;
  agent: string;
  sim: string;
  seeds?: string;
  episodes?: number;
  seed: number;
  kwargs?: string;
  maxSteps?: number;
  out: string;
  shard?: string;
  resume?: boolean;
  force?: boolean;
  workers?: number;
  concurrency?: number;
  progress: boolean;
}

/** The config a run uses: the file, or one job built from the flags. */
export function configFromFlags(f: GenerateFlags): GenerateConfig {
  if (f.config) {
    if (f.env || f.seeds || f.episodes !== undefined) throw new ConfigError('pass either --config or --env/--seeds/--episodes, not both');
    return loadGenerateConfig(f.config);
  }
  if (!f.env) throw new ConfigError('pass --config <file> or --env <id> (with --episodes or --seeds)');
  let kwargs: Json;
  if (f.kwargs) {
    try {
      kwargs = JSON.parse(f.kwargs);
    } catch {
      throw new ConfigError(`--kwargs must be a JSON object, got '${f.kwargs}'`);
    }
  }
  const seeds = f.seeds ? parseSeedsFlag(f.seeds) : { start: f.seed, count: f.episodes ?? 10 };
  const job: Json = { env: f.env, agent: f.agent, simulator: { kind: f.sim }, seeds };
  if (kwargs !== undefined) job.kwargs = kwargs;
  if (f.maxSteps !== undefined) job.maxEpisodeSteps = f.maxSteps;
  return parseGenerateConfig({ jobs: [job] }, 'flags');
}

export function register(program: Command): void {
  const cmd = program
    .command('generate')
    .description('Generate a dataset of episodes over envs × agents × simulators × seeds (sharded, resumable, with a manifest)')
    .option('--config <file>', 'JSON config: {"jobs": [{"env", "agent", "simulator", "kwargs", "seeds": {"start","count"} | [..]}], "workers", "concurrency"}')
    .option('--env <id>', 'environment id (single-job runs without --config)')
    .option('--agent <name>', 'agent name', 'expert')
    .option('--sim <kind>', 'user simulator kind', 'scripted')
    .option('--seeds <range>', 'seeds: 0-999 or 1,2,3')
    .option('--episodes <n>', 'number of episodes from --seed', positiveInt('--episodes', MAX_EPISODES))
    .option('--seed <n>', 'first seed with --episodes (seeds 0 to 2^31-1)', seedArg('--seed'), 0)
    .option('--kwargs <json>', 'env kwargs as a JSON object')
    .option('--max-steps <n>', 'step limit of each episode (overrides the env default; at least 1)', maxStepsArg('--max-steps'))
    .requiredOption('--out <file>', 'output JSONL (the manifest goes next to it; <file>.partial until the run completes)')
    .option('--shard <i/n>', 'run only episodes i, i+n, i+2n ... of the plan (0-based i)')
    .option('--workers <n>', 'worker threads for scripted runs (0 = in this process; default: all cores)', workersArg('--workers'))
    .option('--concurrency <n>', 'episodes in flight for LLM-bound runs', concurrencyArg('--concurrency'))
    .option('--no-progress', 'no progress bar or progress lines');
  addOutputFlags(cmd, { resumable: true });
  addLlmOptions(cmd).action(async (flags: GenerateFlags) => {
    if (flags.episodes !== undefined && !flags.config && !flags.seeds) checkSeedRange(flags.seed, flags.episodes);
    const config = configFromFlags(flags);
    if (flags.config) {
      checkOutput(flags.out, { inputs: [{ path: flags.config, flag: '--config' }], force: flags.force, resume: flags.resume, resumable: true });
    }
    const shard = flags.shard ? parseShard(flags.shard) : undefined;
    const needSim = config.jobs.some((j) => j.simulator?.kind === 'llm');
    const needAgent = config.jobs.some((j) => j.agent === 'llm');
    // A model named in the config serves as --sim-model when the flag is absent.
    const configModels = new Set(config.jobs.filter((j) => j.simulator?.kind === 'llm' && j.simulator.model).map((j) => j.simulator?.model));
    if (flags.simModel === undefined && configModels.size === 1) flags.simModel = [...configModels][0];
    const llm = needSim || needAgent ? await setupLlm(flags, { sim: needSim, agent: needAgent }) : undefined;
    if (llm?.simulator) {
      // One simulator endpoint per run; the recorded simulator names the model actually used, so records replay against it.
      for (const [i, j] of config.jobs.entries()) {
        if (j.simulator?.kind !== 'llm') continue;
        if (j.simulator.model && j.simulator.model !== llm.simulator.model) {
          throw new ConfigError(`config /jobs/${i} names simulator model '${j.simulator.model}' but --sim-model is '${llm.simulator.model}'`);
        }
        j.simulator = { ...llm.simulator, ...j.simulator, model: llm.simulator.model };
      }
    }
    let bar: Progress | undefined;
    let label = '';
    const result = await generate({
      config,
      out: flags.out,
      shard,
      resume: flags.resume,
      force: flags.force,
      workers: flags.workers,
      concurrency: flags.concurrency,
      simLlm: llm?.sim,
      agentLlm: llm?.agent,
      shouldStop: llm ? (rec) => llm.shouldStop(rec) : undefined,
      onStart: ({ total, present, mode, workers }) => {
        label = mode === 'workers' ? `generate (${workers} workers)` : 'generate';
        bar = progress({ label, total, start: present, enabled: flags.progress });
      },
      onProgress: () => bar?.tick(),
    }).finally(() => bar?.stop());
    const f = result.manifest.file;
    const secs = result.wallMs / 1000;
    const where = result.partialPath ?? flags.out;
    const lines = [
      `${label}: ${result.written} episode(s) written${result.resumed ? `, ${result.resumed} resumed` : ''}; ` +
        `${f?.episodes ?? 0}/${result.manifest.requested} in ${where} (${result.manifest.status}${result.partialPath ? `: rerun with --resume to finish ${flags.out}` : ''})`,
      `  mean return ${f?.meanReturn?.toFixed(4) ?? 'n/a'} · errors ${f?.errors ?? 0} · truncated ${f?.truncated ?? 0} · invalid actions ${f?.invalidActions ?? 0}`,
      `  tokens: simulator ${f?.usage.simulator.promptTokens ?? 0}+${f?.usage.simulator.completionTokens ?? 0}, agent ${f?.usage.agent.promptTokens ?? 0}+${f?.usage.agent.completionTokens ?? 0}`,
      `  ${secs.toFixed(1)} s · ${(result.written / Math.max(secs, 1e-3)).toFixed(1)} episodes/s · peak RSS ${result.peakRssMB} MB`,
      `  manifest ${result.manifestPath} · sha256 ${f?.sha256.slice(0, 16) ?? ''}… content ${f?.contentSha256.slice(0, 16) ?? ''}…`,
    ];
    if (llm) lines.push(`  ${llm.describe()}`);
    process.stdout.write(`${lines.join('\n')}\n`);
    if (result.manifest.status !== 'complete' || (f && !f.inPlanOrder)) process.exitCode = 1;
  });
}
