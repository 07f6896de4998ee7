/**
 * `npm run bench -- --only server`: steps/s of `dialogym serve` over WebSocket at 1, 64 and 256
 * concurrent sessions, against the same episodes played in process, as a ratio.
 *
 * Method. The episodes are an agent's episodes recorded in process first (default: GuessNumber-v0
 * × expert, the cheapest env step there is, so the ratio shows the protocol's overhead at its
 * most visible). The server runs as `dialogym serve` in its own process, as in a lab; the
 * clients (this process) replay the recorded actions, each session one episode after another,
 * and count the steps answered. The in-process figure replays the same actions through the same
 * runner (`runJobs` with a replay agent) at the same concurrency. Both are wall-clock steps/s
 * including resets; client and server share the machine's cores, as a trainer and its env server
 * on one node do. Each WebSocket step's round-trip time is sampled for its median and p95, and the
 * server's CPU time per step (from its /status) is set beside the in-process CPU time per step:
 * on a loaded machine wall-clock rates swing with the load, CPU time much less.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { ReplayAgent } from '../agents/replay.js';
import type { EpisodeRecord } from '../core/record.js';
import { runJobs } from '../core/runner.js';
import { quantile, ROOT, round, tsxArgs } from './util.js';

export interface ServerRun {
  concurrency: number;
  episodes: number;
  steps: number;
  wsStepsPerSec: number;
  inProcessStepsPerSec: number;
  /** ws / in process. */
  ratio: number;
  stepRttMedianMs: number;
  stepRttP95Ms: number;
  /** CPU time of the server process per step (reset included), from its /status: less sensitive to machine load than wall time. */
  serverCpuUsPerStep: number;
  /** CPU time per step of the in-process replay (this process). */
  inProcessCpuUsPerStep: number;
  errors: number;
}

export interface ServerBenchResult {
  envId: string;
  agent: string;
  meanStepsPerEpisode: number;
  runs: ServerRun[];
  error?: string;
}

export interface ServerBenchOptions {
  envId?: string;
  agent?: string;
  concurrencies?: number[];
  /** Episodes per session at each concurrency (at least `minEpisodes` in total). */
  episodesPerSession?: number;
  minEpisodes?: number;
}

interface ServeChild {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

function startServe(maxSessions: number): Promise<ServeChild> {
  const child = spawn(process.execPath, tsxArgs(join(ROOT, 'cli', 'main.ts'), ['serve', '--port', '0', '--max-sessions', String(maxSessions), '--idle-timeout', '0']), {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  let out = '';
  let err = '';
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        resolve({
          url: m[1] as string,
          child,
          stop: () =>
            new Promise<void>((done) => {
              if (child.exitCode !== null) return done();
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
      }
    });
    child.once('exit', (code) => reject(new Error(`dialogym serve exited (${code}) before listening: ${err.trim()}`)));
  });
}

/** One WebSocket session replaying episodes; resolves with its step count and sampled round trips. */
async function session(url: string, episodes: EpisodeRecord[], rtts: number[]): Promise<{ steps: number; errors: number }> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws`, { perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  let waiting: ((msg: { type: string }) => void) | undefined;
  ws.on('message', (data) => {
    const w = waiting;
    waiting = undefined;
    w?.(JSON.parse(data.toString()));
  });
  const request = (msg: unknown) =>
    new Promise<{ type: string }>((resolve) => {
      waiting = resolve;
      ws.send(JSON.stringify(msg));
    });
  let steps = 0;
  let errors = 0;
  for (const rec of episodes) {
    const r = await request({ type: 'reset', data: { env_id: rec.env.id, seed: rec.seed } });
    if (r.type !== 'observation') errors += 1;
    for (const t of rec.turns) {
      const t0 = performance.now();
      const s = await request({ type: 'step', data: { message: t.action } });
      if (rtts.length < 20_000) rtts.push(performance.now() - t0);
      if (s.type !== 'observation') errors += 1;
      steps += 1;
    }
  }
  ws.close();
  return { steps, errors };
}

async function serverCpuSeconds(url: string): Promise<number> {
  const r = await fetch(`${url}/status`);
  return ((await r.json()) as { cpu_seconds: number }).cpu_seconds;
}

async function inProcess(episodes: EpisodeRecord[], concurrency: number): Promise<{ stepsPerSec: number; cpuUsPerStep: number }> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let steps = 0;
  await runJobs(
    episodes.map((r, i) => ({ key: `b${i}`, envId: r.env.id, seed: r.seed, agent: 'replay', source: i })),
    {
      concurrency,
      agentFor: (job) => new ReplayAgent((episodes[job.source as number] as EpisodeRecord).turns.map((t) => t.action)),
      onRecord: (r) => {
        steps += r.turns.length;
      },
    },
  );
  const c = process.cpuUsage(c0);
  return { stepsPerSec: steps / ((performance.now() - t0) / 1000), cpuUsPerStep: (c.user + c.system) / steps };
}

export async function measureServer(opts: ServerBenchOptions = {}): Promise<ServerBenchResult> {
  const envId = opts.envId ?? 'GuessNumber-v0';
  const agent = opts.agent ?? 'expert';
  const concurrencies = opts.concurrencies ?? [1, 64, 256];
  const perSession = opts.episodesPerSession ?? 4;
  const minEpisodes = opts.minEpisodes ?? 200;
  const total = Math.max(minEpisodes, perSession * Math.max(...concurrencies));
  const recorded: EpisodeRecord[] = [];
  await runJobs(
    Array.from({ length: total }, (_, i) => ({ key: `r${i}`, envId, seed: 5000 + i, agent })),
    { onRecord: (r) => void recorded.push(r) },
  );
  const meanSteps = recorded.reduce((a, r) => a + r.turns.length, 0) / recorded.length;
  const result: ServerBenchResult = { envId, agent, meanStepsPerEpisode: round(meanSteps, 2), runs: [] };
  let server: ServeChild | undefined;
  try {
    server = await startServe(Math.max(...concurrencies) + 8);
    // Warm up both paths (JIT, env construction) before measuring.
    await session(server.url, recorded.slice(0, 20), []);
    await inProcess(recorded.slice(0, 20), 1);
    for (const c of concurrencies) {
      const n = Math.max(c * perSession, minEpisodes);
      const eps = recorded.slice(0, n);
      const shards: EpisodeRecord[][] = Array.from({ length: c }, () => []);
      for (const [i, r] of eps.entries()) shards[i % c]?.push(r);
      const rtts: number[] = [];
      const cpu0 = await serverCpuSeconds(server.url);
      const t0 = performance.now();
      const outs = await Promise.all(shards.map((s) => session((server as ServeChild).url, s, rtts)));
      const wallS = (performance.now() - t0) / 1000;
      const serverCpuS = (await serverCpuSeconds(server.url)) - cpu0;
      const steps = outs.reduce((a, o) => a + o.steps, 0);
      const wsRate = steps / wallS;
      const inProc = await inProcess(eps, c);
      const inRate = inProc.stepsPerSec;
      result.runs.push({
        concurrency: c,
        episodes: eps.length,
        steps,
        wsStepsPerSec: round(wsRate),
        inProcessStepsPerSec: round(inRate),
        ratio: round(wsRate / inRate, 3),
        stepRttMedianMs: round(quantile(rtts, 0.5), 3),
        stepRttP95Ms: round(quantile(rtts, 0.95), 3),
        serverCpuUsPerStep: round((serverCpuS * 1e6) / steps, 1),
        inProcessCpuUsPerStep: round(inProc.cpuUsPerStep, 1),
        errors: outs.reduce((a, o) => a + o.errors, 0),
      });
    }
  } catch (err) {
    result.error = (err as Error).message;
  } finally {
    await server?.stop();
  }
  return result;
}

/** Rows for bench/run.ts's table (same shape as its own). */
export function serverRows(r: ServerBenchResult): { benchmark: string; figure: string; target: string; status: 'PASS' | 'MISS' | 'INFO' | 'ERROR' }[] {
  if (r.error && r.runs.length === 0) {
    return [{ benchmark: `dialogym serve over WebSocket (${r.envId})`, figure: `error: ${r.error}`, target: '', status: 'ERROR' }];
  }
  return r.runs.map((run) => ({
    benchmark: `serve over WebSocket, ${run.concurrency} session${run.concurrency === 1 ? '' : 's'} (${r.envId} × ${r.agent})`,
    figure:
      `${Math.round(run.wsStepsPerSec).toLocaleString('en-US')} steps/s vs ${Math.round(run.inProcessStepsPerSec).toLocaleString('en-US')} in process ` +
      `= ${run.ratio.toFixed(2)}×; server CPU ${run.serverCpuUsPerStep.toFixed(0)} µs/step vs ${run.inProcessCpuUsPerStep.toFixed(0)} in process; ` +
      `step round trip median ${run.stepRttMedianMs.toFixed(2)} ms, p95 ${run.stepRttP95Ms.toFixed(2)} ms; ` +
      `${run.episodes} episodes, ${run.errors} errors`,
    target: 'no errors',
    status: run.errors === 0 ? 'PASS' : 'MISS',
  }));
}
