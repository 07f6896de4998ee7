/**
 * CPU-bound rollouts with 1 and 2 worker threads: `dialogym generate --workers W` run as a child
 * process on a fixed number of scripted episodes, writing JSONL to a temp file.
 *
 * Throughput is read from the output file as it grows (polled every 50 ms): episodes/s between the
 * moments 10 % and 90 % of the episodes were on disk. That is the steady-state rate, free of the
 * fixed costs of starting node, tsx and the workers, which would otherwise shrink the speed-up of
 * short runs. The child's total wall time is reported beside it. The env is deliberately a cheap
 * one (GuessNumber-v0 by default): the cheaper the episode, the more the main thread's share
 * (reordering, writing) limits scaling, so it is the hardest case for the speed-up.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LineCounter, round, runNode, tsxArgs } from './util.js';

export interface WorkerRun {
  workers: number;
  episodes: number;
  /** Episodes/s between 10 % and 90 % of the output. */
  steadyEpisodesPerSec: number;
  /** Wall time of the whole child process, startup included. */
  childWallMs: number;
  /** The command's own report line (time, episodes/s, peak RSS). */
  reported: string;
}

export interface WorkersResult {
  envId: string;
  agent: string;
  runs: WorkerRun[];
  speedup: number | null;
  error?: string;
}

async function runGenerate(envId: string, agent: string, episodes: number, workers: number, dir: string): Promise<WorkerRun> {
  const out = join(dir, `workers-${workers}.jsonl`);
  const args = tsxArgs('cli/main.ts', [
    'generate',
    '--env',
    envId,
    '--agent',
    agent,
    '--episodes',
    String(episodes),
    '--workers',
    String(workers),
    '--out',
    out,
    '--force',
    '--no-progress',
  ]);
  const counter = new LineCounter(out);
  const points: { t: number; n: number }[] = [];
  let timer: NodeJS.Timeout | undefined;
  const run = await runNode(args, {
    onSpawn: () => {
      timer = setInterval(() => points.push({ t: performance.now(), n: counter.poll() }), 50);
    },
  }).finally(() => clearInterval(timer));
  points.push({ t: performance.now(), n: counter.poll() });
  if (run.code !== 0) throw new Error(`generate --workers ${workers} exited ${run.code}: ${run.stderr.trim().split('\n').pop()}`);
  const at = (frac: number) => points.find((p) => p.n >= frac * episodes);
  const a = at(0.1);
  const b = at(0.9);
  const steady = a && b && b.t > a.t ? ((b.n - a.n) / (b.t - a.t)) * 1000 : Number.NaN;
  const reported = /[\d.]+ s · [\d.]+ episodes\/s · peak RSS \d+ MB/.exec(run.stdout)?.[0] ?? '';
  return { workers, episodes, steadyEpisodesPerSec: round(steady, 1), childWallMs: round(run.wallMs), reported };
}

export async function measureWorkers(opts: { envId: string; agent: string; episodes: number }): Promise<WorkersResult> {
  const dir = mkdtempSync(join(tmpdir(), 'dialogym-bench-workers-'));
  const result: WorkersResult = { envId: opts.envId, agent: opts.agent, runs: [], speedup: null };
  try {
    for (const w of [1, 2]) result.runs.push(await runGenerate(opts.envId, opts.agent, opts.episodes, w, dir));
    const [one, two] = result.runs;
    if (one && two && one.steadyEpisodesPerSec > 0) result.speedup = round(two.steadyEpisodesPerSec / one.steadyEpisodesPerSec, 2);
  } catch (err) {
    result.error = (err as Error).message;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return result;
}
