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
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { LineCounter, round, runNode, tsxArgs } from './util.js';

export interface WorkerRun {
  workers: number;
  episodes: number;
  /** Episodes/s between 10 % and 90 % of the output. */
  steadyEpisodesPerSec: number;
  /**
   * CPU ms per episode over the same window, all threads of the child (main + workers), from
   * /proc/<pid>/stat: what parallelism costs, whatever the machine's load. Null without /proc.
   */
  steadyCpuMsPerEpisode: number | null;
  /** The main thread's share of it (reordering, writing, dispatch). */
  steadyMainCpuMsPerEpisode: number | null;
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
  /**
   * The speed-up the measured CPU costs allow on `cores` idle cores: each mode's rate is bounded by
   * its workers (W / worker CPU per episode), its main thread (1 / main CPU per episode) and the
   * cores (cores / total CPU per episode). Independent of other processes' load.
   */
  projectedSpeedup: number | null;
  cores: number;
  /** 2-thread speed-up of pure arithmetic on this machine: the ceiling for any parallel code. */
  machineCeiling?: number;
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
  const points: { t: number; n: number; cpuMs: number; mainMs: number }[] = [];
  let timer: NodeJS.Timeout | undefined;
  const run = await runNode(args, {
    onSpawn: (child) => {
      timer = setInterval(() => {
        const pid = child.pid;
        const main = pid === undefined ? undefined : `/proc/${pid}/task/${pid}/stat`;
        points.push({ t: performance.now(), n: counter.poll(), cpuMs: procCpuMs(pid === undefined ? undefined : `/proc/${pid}/stat`), mainMs: procCpuMs(main) });
      }, 50);
    },
  }).finally(() => clearInterval(timer));
  points.push({ t: performance.now(), n: counter.poll(), cpuMs: Number.NaN, mainMs: Number.NaN });
  if (run.code !== 0) throw new Error(`generate --workers ${workers} exited ${run.code}: ${run.stderr.trim().split('\n').pop()}`);
  const at = (frac: number) => points.find((p) => p.n >= frac * episodes);
  const a = at(0.1);
  const b = at(0.9);
  const steady = a && b && b.t > a.t ? ((b.n - a.n) / (b.t - a.t)) * 1000 : Number.NaN;
  const cpu = a && b && b.n > a.n ? (b.cpuMs - a.cpuMs) / (b.n - a.n) : Number.NaN;
  const mainCpu = a && b && b.n > a.n ? (b.mainMs - a.mainMs) / (b.n - a.n) : Number.NaN;
  const reported = /[\d.]+ s · [\d.]+ episodes\/s · peak RSS \d+ MB/.exec(run.stdout)?.[0] ?? '';
  return {
    workers,
    episodes,
    steadyEpisodesPerSec: round(steady, 1),
    steadyCpuMsPerEpisode: Number.isFinite(cpu) ? round(cpu, 3) : null,
    steadyMainCpuMsPerEpisode: Number.isFinite(mainCpu) ? round(mainCpu, 3) : null,
    childWallMs: round(run.wallMs), reported };
}

/** utime + stime in ms from a /proc stat file (a process: all threads; a task: one thread); NaN when unavailable. */
function procCpuMs(statPath: string | undefined): number {
  if (statPath === undefined) return Number.NaN;
  try {
    const stat = readFileSync(statPath, 'utf8');
    // Fields after the command name (which may contain spaces) start at state; utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return Number.NaN;
  }
}

/** USER_HZ: 100 on every Linux configuration node supports. */
const CLOCK_TICKS = 100;

/** Episodes/s a run's CPU costs allow on `cores` idle cores (see `projectedSpeedup`). */
function boundRate(r: WorkerRun, cores: number): number {
  const total = r.steadyCpuMsPerEpisode;
  const main = r.steadyMainCpuMsPerEpisode;
  if (total === null || main === null || total <= 0) return Number.NaN;
  const workers = Math.max(total - main, 1e-9);
  return Math.min((r.workers * 1000) / workers, 1000 / Math.max(main, 1e-9), (cores * 1000) / total);
}

const SPIN_CODE = `
const { parentPort, workerData } = require('node:worker_threads');
let x = 0;
for (let i = 0; i < workerData.n; i++) x += Math.sqrt(i);
parentPort.postMessage(x);
`;

function spinIn(threads: number, n: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let done = 0;
    for (let i = 0; i < threads; i++) {
      const w = new Worker(SPIN_CODE, { eval: true, workerData: { n } });
      w.once('error', reject);
      w.once('message', () => {
        done += 1;
        if (done === threads) resolve();
      });
    }
  });
}

/**
 * The speed-up two threads of pure arithmetic get on this machine over one thread doing the same
 * work twice: the ceiling for any parallel code here. On shared or SMT-backed vCPUs it is well under 2.
 */
export async function measureParallelCeiling(n = 150_000_000): Promise<number> {
  await spinIn(1, n / 10); // warm-up: thread start-up and JIT
  let t = performance.now();
  await spinIn(1, n);
  await spinIn(1, n);
  const serial = performance.now() - t;
  t = performance.now();
  await spinIn(2, n);
  const parallel = performance.now() - t;
  return round(serial / parallel, 2);
}

export async function measureWorkers(opts: { envId: string; agent: string; episodes: number; cores: number }): Promise<WorkersResult> {
  const dir = mkdtempSync(join(tmpdir(), 'dialogym-bench-workers-'));
  const result: WorkersResult = { envId: opts.envId, agent: opts.agent, runs: [], speedup: null, projectedSpeedup: null, cores: opts.cores };
  try {
    result.machineCeiling = await measureParallelCeiling();
    for (const w of [1, 2]) result.runs.push(await runGenerate(opts.envId, opts.agent, opts.episodes, w, dir));
    const [one, two] = result.runs;
    if (one && two && one.steadyEpisodesPerSec > 0) result.speedup = round(two.steadyEpisodesPerSec / one.steadyEpisodesPerSec, 2);
    if (one && two) {
      const r1 = boundRate(one, opts.cores);
      const r2 = boundRate(two, opts.cores);
      if (Number.isFinite(r1) && Number.isFinite(r2) && r1 > 0) result.projectedSpeedup = round(r2 / r1, 2);
    }
  } catch (err) {
    result.error = (err as Error).message;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return result;
}
