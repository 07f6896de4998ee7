import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { listEnvs } from '../../core/registry.js';
import { type EvaluateOptions, runAll, summarize } from '../../eval/evaluate.js';
import { buildLeaderboard, renderStartSummary, writeLeaderboard } from '../../eval/leaderboard.js';
import { defaultWorkers, EvalPool } from '../../eval/pool.js';
import { hasOracle, hasReferenceAgents, REFERENCE_EPISODES } from '../../eval/references.js';
import { type LoadedResults, loadResults, writeResults } from '../../eval/results.js';
import type { EnvRun } from '../../eval/runner.js';
import { nonNegativeInt, positiveInt } from '../run.js';

interface StartFlags {
  out: string;
  episodes: number;
  concurrency: number;
  workers: number;
  normalize: boolean;
}

/** The reference agents: random (0), expert (100) and, where registered, the oracle (the headroom). */
const AGENTS = ['random', 'expert', 'oracle'] as const;

/** Every registered env not tagged `test`; the test env when none is registered yet, so start always works. */
export function startEnvIds(): { envIds: string[]; fallback: boolean } {
  const envIds = listEnvs().map((r) => r.id);
  if (envIds.length > 0) return { envIds, fallback: false };
  return { envIds: listEnvs({ includeTests: true }).map((r) => r.id), fallback: true };
}

/**
 * `npm start`: the offline main job. Evaluates the random, expert and oracle agents on the dev split
 * of every environment with scripted simulators (all at once, spread over worker threads), adds
 * normalized scores (stored references, or these very runs when the stored ones are stale: with the
 * default episode count they are the reference runs), writes the results and the leaderboard site,
 * and prints what a newcomer wants to know: raw returns with CIs and success rates beside the
 * normalized scores, and one line per env saying how far the expert is from the oracle.
 */
export function register(program: Command): void {
  program
    .command('start')
    .description('Offline main job: evaluate random, expert and oracle on every environment and build the leaderboard site')
    .option('--out <dir>', 'output folder (results in <dir>/results, site in <dir>/leaderboard)', 'out')
    .option('--episodes <n>', 'dev-split tasks per environment and agent', positiveInt('--episodes'), REFERENCE_EPISODES)
    .option('--concurrency <n>', 'episodes in flight at once per thread', positiveInt('--concurrency'), 4)
    .option('--workers <n>', 'worker threads (0 = this thread only)', nonNegativeInt('--workers'), defaultWorkers())
    .option('--no-normalize', 'leave out normalized scores (the table then shows mean returns)')
    .action(async (flags: StartFlags) => {
      const t0 = performance.now();
      const { envIds, fallback } = startEnvIds();
      if (fallback) process.stdout.write(`no non-test environments registered; using ${envIds.join(', ')}\n`);
      const referenceRuns = new Map<string, EnvRun>();
      const pool = new EvalPool(flags.workers);
      // An env without an expert is still on the board, with the random agent only; one without an oracle, without it.
      const envsFor = (agent: string) =>
        agent === 'expert' ? envIds.filter(hasReferenceAgents) : agent === 'oracle' ? envIds.filter(hasOracle) : envIds;
      for (const id of envIds) if (!hasReferenceAgents(id)) process.stderr.write(`${id} registers no expert agent: random only\n`);
      for (const id of envIds) if (!hasOracle(id)) process.stderr.write(`${id} registers no oracle: headroom unknown\n`);
      const agents = AGENTS.filter((a) => envsFor(a).length > 0);
      process.stderr.write(
        `evaluating ${agents.join(', ')} on ${envIds.length} environment(s), ${flags.episodes} dev episodes each, ${flags.workers} worker thread(s)\n`,
      );
      const optsFor = (agent: string): EvaluateOptions => ({
        agent,
        envIds: envsFor(agent),
        split: 'dev',
        episodes: flags.episodes,
        trials: 1,
        simulator: { kind: 'scripted' },
        concurrency: flags.concurrency,
        command: `dialogym eval --agent ${agent} --env ${envsFor(agent).join(',')} --split dev --episodes ${flags.episodes}`,
        referenceRuns,
        pool,
        normalize: flags.normalize,
        log: (l) => process.stderr.write(`${l}\n`),
      });
      const files: string[] = [];
      try {
        const runs = await Promise.all(agents.map((agent) => runAll(optsFor(agent))));
        for (const [i, agent] of agents.entries()) {
          const { results, records } = await summarize(runs[i] ?? [], optsFor(agent));
          const file = join(flags.out, 'results', `${agent}.json`);
          writeResults(file, results, records);
          files.push(file);
        }
      } finally {
        await pool.close();
      }
      const loaded: LoadedResults[] = [];
      for (const f of files) loaded.push(await loadResults(f));
      const siteDir = join(flags.out, 'leaderboard');
      const data = buildLeaderboard(loaded, { baseDir: resolve(siteDir) });
      const site = writeLeaderboard(data, siteDir);
      process.stdout.write(`\n${renderStartSummary(data)}\n\n`);
      process.stdout.write(`results: ${files.join(', ')}\n`);
      process.stdout.write(`leaderboard: ${site.md}\n`);
      process.stdout.write(`open file://${resolve(site.html)}\n`);
      process.stdout.write(`done in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    });
}
