import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { MAX_EVAL_EPISODES } from '../../core/limits.js';
import { loadResults } from '../../eval/results.js';
import { verifyResults } from '../../eval/verify.js';
import { addLlmOptions, type LlmCliOptions, setupLlm } from '../llm-options.js';
import { seedArg } from '../run.js';

interface VerifyFlags extends LlmCliOptions {
  sample: string;
  seed: number;
  rerunAgent?: boolean;
  json?: boolean;
}

function sampleSize(v: string): number {
  if (v === 'all') return Number.POSITIVE_INFINITY;
  const n = /^\s*\d+\s*$/.test(v) ? Number(v) : Number.NaN;
  if (!Number.isSafeInteger(n) || n <= 0 || n > MAX_EVAL_EPISODES) {
    throw new InvalidArgumentError(`--sample must be 'all' or an integer from 1 to ${MAX_EVAL_EPISODES}, got '${v}'`);
  }
  return n;
}

export function register(program: Command): void {
  const cmd = program
    .command('verify')
    .description("Check a results file: integrity, seeds, metrics, and re-run a sample of its episodes from their records")
    .argument('<results>', 'results file written by dialogym eval')
    .option('--sample <n|all>', 'episodes to re-run per environment', '20')
    .option('--seed <n>', 'seed of the sample choice (0 to 2^31-1)', seedArg('--seed'), 0)
    .option('--rerun-agent', "also re-create the agent and re-run it on the same seeds (deterministic or cached agents)")
    .option('--json', 'print the full report as JSON')
  addLlmOptions(cmd).action(async (path: string, flags: VerifyFlags) => {
      const loaded = await loadResults(path);
      const { simulator, agent } = loaded.results;
      // LLM episodes reproduce from the LLM cache: default to the recorded models so the cache keys match.
      const needSim = simulator.kind === 'llm';
      const needAgent = Boolean(flags.rerunAgent) && agent.name === 'llm';
      if (needSim && !flags.simModel && typeof simulator.model === 'string') flags.simModel = simulator.model;
      if (needSim && flags.simTemperature === undefined && typeof simulator.temperature === 'number') flags.simTemperature = simulator.temperature;
      const agentModel = (agent.config as { model?: unknown } | null)?.model;
      if (needAgent && !flags.llmModel && typeof agentModel === 'string') flags.llmModel = agentModel;
      const agentTemperature = (agent.config as { temperature?: unknown } | null)?.temperature;
      if (needAgent && flags.llmTemperature === undefined && typeof agentTemperature === 'number') flags.llmTemperature = agentTemperature;
      const llm = needSim || needAgent ? await setupLlm(flags, { sim: needSim, agent: needAgent }) : undefined;
      const report = await verifyResults(loaded, {
        samplePerEnv: sampleSize(flags.sample),
        seed: flags.seed,
        rerunAgent: Boolean(flags.rerunAgent),
        simulatorLlm: llm?.sim,
        agentLlm: llm?.agent,
      });
      if (flags.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else {
        for (const p of report.problems) process.stdout.write(`problem: ${p}\n`);
        for (const c of report.episodes) {
          if (c.reproduced && c.agentReproduced !== false) continue;
          const d = c.difference ?? c.agentDifference;
          const which = c.reproduced ? 'agent re-run differs' : 'replay differs';
          process.stdout.write(
            `not reproduced: ${c.key}: ${which} at ${d?.path}: recorded ${JSON.stringify(d?.recorded)?.slice(0, 120)}, re-run ${JSON.stringify(d?.replayed)?.slice(0, 120)}\n`,
          );
        }
        if (llm) process.stdout.write(`${llm.describe()}\n`);
        const pct = report.replayed ? ((100 * report.reproduced) / report.replayed).toFixed(1) : '—';
        process.stdout.write(
          `${report.ok ? 'VERIFIED' : 'NOT VERIFIED'}: ${report.reproduced}/${report.replayed} sampled episodes reproduced (${pct} %), ${report.problems.length} problem(s)\n`,
        );
      }
      if (!report.ok) process.exitCode = 1;
    });
}
