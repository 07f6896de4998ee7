import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { listEnvs } from '../../core/registry.js';
import { type EvaluateOptions, runAll, summarize } from '../../eval/evaluate.js';
import { buildLeaderboard, renderTextTable, writeLeaderboard } from '../../eval/leaderboard.js';
import { REFERENCE_EPISODES } from '../../eval/references.js';
import { loadResults, writeResults } from '../../eval/results.js';
import type { EnvRun } from '../../eval/runner.js';
import { positiveInt } from '../run.js';

interface StartFlags {
  out: string;
  episodes: number;
  concurrency: number;
}

/** Every registered env not tagged `test`; the test env when none is registered yet, so start always works. */
export function startEnvIds(): { envIds: string[]; fallback: boolean } {
  const envIds = listEnvs().map((r) => r.id);
  if (envIds.length > 0) return { envIds, fallback: false };
  return { envIds: listEnvs({ includeTests: true }).map((r) => r.id), fallback: true };
}

/**
 * `npm start`: the offline main job. Evaluates the random and expert agents on the dev split of
 * every environment with scripted simulators, writes their results and the leaderboard site, and
 * prints the table. With the default episode count the runs double as the normalized-score
 * references when the stored ones are missing or stale, so nothing is run twice.
 */
export function register(program: Command): void {
  program
    .command('start')
    .description('Offline main job: evaluate random and expert on every environment and build the leaderboard site')
    .option('--out <dir>', 'output folder (results in <dir>/results, site in <dir>/leaderboard)', 'out')
    .option('--episodes <n>', 'dev-split tasks per environment and agent', positiveInt('--episodes'), REFERENCE_EPISODES)
    .option('--concurrency <n>', 'episodes in flight at once', positiveInt('--concurrency'), 4)
    .action(async (flags: StartFlags) => {
      const t0 = performance.now();
      const { envIds, fallback } = startEnvIds();
      if (fallback) process.stdout.write(`no non-test environments registered; using ${envIds.join(', ')}\n`);
      const referenceRuns = new Map<string, EnvRun>();
      const base = (agent: string): EvaluateOptions => ({
        agent,
        envIds,
        split: 'dev',
        episodes: flags.episodes,
        trials: 1,
        simulator: { kind: 'scripted' },
        concurrency: flags.concurrency,
        command: `dialogym eval --agent ${agent} --env ${envIds.join(',')} --split dev --episodes ${flags.episodes}`,
        referenceRuns,
        log: (l) => process.stderr.write(`${l}\n`),
      });
      const agents = ['random', 'expert'];
      const runs = new Map<string, EnvRun[]>();
      for (const agent of agents) {
        process.stderr.write(`evaluating ${agent} on ${envIds.length} environment(s), ${flags.episodes} episodes each\n`);
        runs.set(agent, await runAll(base(agent)));
      }
      const resultFiles: string[] = [];
      for (const agent of agents) {
        const { results, records } = await summarize(runs.get(agent) ?? [], base(agent));
        const file = join(flags.out, 'results', `${agent}.json`);
        writeResults(file, results, records);
        resultFiles.push(file);
      }
      const siteDir = join(flags.out, 'leaderboard');
      const loaded = [];
      for (const f of resultFiles) loaded.push(await loadResults(f));
      const data = buildLeaderboard(loaded, { baseDir: resolve(siteDir) });
      const files = writeLeaderboard(data, siteDir);
      process.stdout.write(`\n${renderTextTable(data)}\n\n`);
      process.stdout.write(`results: ${resultFiles.join(', ')}\n`);
      process.stdout.write(`leaderboard: ${files.md}\n`);
      process.stdout.write(`open file://${resolve(files.html)}\n`);
      process.stdout.write(`done in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    });
}
