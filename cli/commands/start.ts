import { readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { listEnvs } from '../../core/registry.js';
import { type EvaluateOptions, runAll, summarize } from '../../eval/evaluate.js';
import { MAX_EVAL_EPISODES } from '../../core/limits.js';
import { checkOutput, writeFileAtomic } from '../../core/output.js';
import { buildLeaderboard, leaderboardFiles, renderStartSummary, writeLeaderboard } from '../../eval/leaderboard.js';
import { defaultWorkers, EvalPool } from '../../eval/pool.js';
import { hasOracle, hasReferenceAgents, REFERENCE_EPISODES } from '../../eval/references.js';
import { type LoadedResults, loadResults, recordsPathFor, writeResults } from '../../eval/results.js';
import type { EnvRun } from '../../eval/runner.js';
import { concurrencyArg, positiveInt, workersArg } from '../run.js';

interface StartFlags {
  out: string;
  episodes: number;
  concurrency: number;
  workers: number;
  normalize: boolean;
  force?: boolean;
}

/** Lists the files a `start` wrote in its folder, so the next `start` may replace exactly those. */
const START_MARKER = '.dialogym-start.json';

function readStartMarker(path: string): Set<string> {
  try {
    const v = JSON.parse(readFileSync(path, 'utf8')) as { files?: unknown };
    return new Set(Array.isArray(v.files) ? v.files.filter((x): x is string => typeof x === 'string') : []);
  } catch {
    return new Set();
  }
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
    .option('--episodes <n>', 'dev-split tasks per environment and agent', positiveInt('--episodes', MAX_EVAL_EPISODES), REFERENCE_EPISODES)
    .option('--concurrency <n>', 'episodes in flight at once per thread', concurrencyArg('--concurrency'), 4)
    .option('--workers <n>', 'worker threads (0 = this thread only)', workersArg('--workers'), defaultWorkers())
    .option('--no-normalize', 'leave out normalized scores (the table then shows mean returns)')
    .option('--force', 'replace files in --out that an earlier `start` did not write')
    .action(async (flags: StartFlags) => {
      const t0 = performance.now();
      const { envIds, fallback } = startEnvIds();
      // `start` rebuilds its own folder on every run (`npm start` twice must work), but never
      // replaces a file it did not write there itself (a results file of yours, say) without --force.
      const targets = [
        ...AGENTS.flatMap((a) => {
          const f = join(flags.out, 'results', `${a}.json`);
          return [f, recordsPathFor(f)];
        }),
        ...Object.values(leaderboardFiles(join(flags.out, 'leaderboard'))),
      ];
      const marker = join(flags.out, START_MARKER);
      const ours = readStartMarker(marker);
      for (const t of targets) {
        checkOutput(t, { force: flags.force || ours.has(relative(flags.out, t)) });
      }
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
      // The three agents' summaries resolve the same references: say each line once.
      const said = new Set<string>();
      const logOnce = (l: string) => {
        if (said.has(l)) return;
        said.add(l);
        process.stderr.write(`${l}\n`);
      };
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
        log: logOnce,
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
      writeFileAtomic(marker, `${JSON.stringify({ writtenBy: 'dialogym start', files: targets.map((t) => relative(flags.out, t)) }, null, 2)}\n`);
      process.stdout.write(`done in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    });
}
