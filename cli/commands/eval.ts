import type { Command } from 'commander';
import { ConfigError } from '../../core/errors.js';
import { getRegistration } from '../../core/registry.js';
import { evaluate, resolveEnvIds } from '../../eval/evaluate.js';
import { defaultWorkers, EvalPool } from '../../eval/pool.js';
import { headroomReading, REFERENCE_EPISODES, updateReferences } from '../../eval/references.js';
import { checkResultsOutput, type Results, writeResults } from '../../eval/results.js';
import { createAgent } from '../../agents/registry.js';
import { MAX_EVAL_EPISODES, MAX_TRIALS } from '../../core/limits.js';
import { parseSplit } from '../../eval/splits.js';
import { addLlmOptions, type LlmCliOptions, setupLlm } from '../llm-options.js';
import { progress } from '../progress.js';
import { concurrencyArg, positiveInt, workersArg } from '../run.js';

interface EvalFlags extends LlmCliOptions {
  agent: string;
  env: string;
  episodes: number;
  split: string;
  trials: number;
  sim: string;
  concurrency: number;
  out?: string;
  updateReferences?: boolean;
  normalize: boolean;
  workers: number;
  force?: boolean;
  progress: boolean;
}

function fmt(x: number | null | undefined, d = 1): string {
  return typeof x === 'number' && Number.isFinite(x) ? x.toFixed(d) : '—';
}

/** One line per env: the numbers a reader looks at first. */
export function summaryLines(results: Omit<Results, 'records'>): string[] {
  return results.envs.map((e) => {
    const m = e.metrics;
    const norm = e.normalized ? `${fmt(e.normalized.score)} [${fmt(e.normalized.ci.lo)}, ${fmt(e.normalized.ci.hi)}]` : '—';
    const passK = Object.entries(m.passK)
      .map(([k, v]) => `pass^${k} ${v.toFixed(2)}`)
      .join(' ');
    const ref = e.reference;
    const refs = ref
      ? `  [random ${fmt(ref.random.meanReturn, 3)} · expert ${fmt(ref.expert.meanReturn, 3)} · oracle ${fmt(ref.oracle?.meanReturn, 3)}; ${headroomReading(e.headroom ?? null)}]`
      : '';
    return (
      `${e.envId.padEnd(22)} score ${norm.padEnd(22)} return ${fmt(m.meanReturn, 3)} [${fmt(m.returnCI.lo, 3)}, ${fmt(m.returnCI.hi, 3)}]` +
      `  success ${fmt(100 * m.successRate)} %  ${passK}  turns ${fmt(m.meanTurns)}  invalid ${fmt(100 * m.invalidActionRate)} %` +
      `  tokens ${m.tokens.total}  ${(e.elapsedMs / 1000).toFixed(1)} s${refs}`
    );
  });
}

export function register(program: Command): void {
  const cmd = program
    .command('eval')
    .description('Evaluate an agent on the fixed seed split of one or all environments and write a results file')
    .option('--agent <name>', 'agent: random, expert, llm, or an env-specific one', 'random')
    .option('--env <id|all>', "environment id, a comma-separated list, or 'all' (every env not tagged test)", 'all')
    .option('--episodes <n>', `tasks (seeds of the split) per environment (at most ${MAX_EVAL_EPISODES} with --trials)`, positiveInt('--episodes', MAX_EVAL_EPISODES), 100)
    .option('--split <name>', 'seed split: dev (public) or test', 'dev')
    .option('--trials <k>', 'trials per task, for pass^k', positiveInt('--trials', MAX_TRIALS), 1)
    .option('--sim <kind>', 'user simulator: scripted or llm', 'scripted')
    .option('--concurrency <n>', 'episodes in flight at once (per thread)', concurrencyArg('--concurrency'), 4)
    .option('--workers <n>', 'worker threads for scripted episodes (0 = this thread only)', workersArg('--workers'), defaultWorkers())
    .option('--out <file>', 'results file (JSON); the episodes go to <file minus .json>.episodes.jsonl next to it')
    .option('--force', 'replace existing results and episodes files (both stay untouched until this run succeeds)')
    .option('--no-progress', 'no progress bar or progress lines')
    .option('--no-normalize', 'leave out references and normalized scores (`start` adds them once both agents ran)')
    .option(
      '--update-references',
      `recompute eval/references.json (random, expert and oracle, ${REFERENCE_EPISODES} episodes, both splits) for --env`,
    )
  addLlmOptions(cmd).action(async (flags: EvalFlags) => {
      const envIds = resolveEnvIds(flags.env);
      if (envIds.length === 0) throw new ConfigError(`--env ${flags.env} names no environment`);
      for (const id of envIds) getRegistration(id);
      const command = `dialogym ${process.argv.slice(2).join(' ')}`;
      if (flags.updateReferences) {
        const pool = new EvalPool(flags.workers);
        try {
          await updateReferences(envIds, {
            command,
            concurrency: flags.concurrency,
            pool,
            log: (l) => process.stdout.write(`${l}\n`),
          });
        } finally {
          await pool.close();
        }
        process.stdout.write('wrote eval/references.json\n');
        return;
      }
      if (!flags.out) throw new ConfigError('--out <results.json> is required');
      if (!flags.out.endsWith('.json')) throw new ConfigError(`--out must name a .json file, got '${flags.out}'`);
      const split = parseSplit(flags.split);
      if (flags.sim !== 'scripted' && flags.sim !== 'llm') throw new ConfigError(`--sim must be scripted or llm, got '${flags.sim}'`);
      if (flags.episodes * flags.trials > MAX_EVAL_EPISODES) {
        throw new ConfigError(`--episodes × --trials must be at most ${MAX_EVAL_EPISODES} per environment (eval keeps its records in memory)`);
      }
      if (flags.agent !== 'llm') for (const id of envIds) createAgent(flags.agent, { envId: id });
      // Refused before any episode: an existing results or episodes file, or one that cannot be written.
      checkResultsOutput(flags.out, { force: flags.force });
      const needSim = flags.sim === 'llm';
      const needAgent = flags.agent === 'llm';
      const llm = needSim || needAgent ? await setupLlm(flags, { sim: needSim, agent: needAgent }) : undefined;
      const bar = progress({ label: `eval ${flags.agent}`, total: envIds.length * flags.episodes * flags.trials, enabled: flags.progress });
      // Starting a worker costs about a second of module loading: not worth it for a handful of episodes.
      const small = envIds.length * flags.episodes * flags.trials < 40;
      const pool = new EvalPool(needSim || needAgent || small ? 0 : flags.workers);
      const { results, records } = await evaluate({
        pool,
        agent: flags.agent,
        envIds,
        split,
        episodes: flags.episodes,
        trials: flags.trials,
        simulator: llm?.simulator ?? { kind: 'scripted' },
        simulatorLlm: llm?.sim,
        agentLlm: llm?.agent,
        concurrency: flags.concurrency,
        command,
        normalize: flags.normalize,
        log: (l) => process.stderr.write(`${l}\n`),
        onEpisode: () => bar.tick(),
        shouldStop: llm ? (rec) => llm.shouldStop(rec) : undefined,
      }).finally(() => {
        bar.stop();
        return pool.close();
      });
      bar.stop();
      const full = writeResults(flags.out, results, records);
      for (const line of summaryLines(results)) process.stdout.write(`${line}\n`);
      if (llm) process.stdout.write(`${llm.describe()}\n`);
      process.stdout.write(`wrote ${flags.out} and ${full.records.file} (${full.records.count} episodes)\n`);
    });
}
