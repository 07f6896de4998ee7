/**
 * LLM-bound rollouts against the loopback OpenAI-compatible server, and the cache.
 *
 * The server (test/support/loopback-server.ts) runs in a child process with a fixed latency L per
 * reply, so its CPU is not ours. Episodes of an env with an LLM user simulator (GuessNumber-v0 by
 * default, expert agent) run in this process through `runJobs` with C episodes in flight and an
 * `LlmProvider` allowing C requests in flight, cache off.
 *
 * - Throughput: calls completed per second over a steady window (after a warm-up of a few L, before
 *   scheduling stops), as a fraction of the ideal C / L: no client can do better with C calls in
 *   flight and L seconds per call.
 * - Own time per call: CPU time (user + system, all threads, `process.cpuUsage`) of this process
 *   during the window divided by the calls completed in it. It is everything dialogym does per
 *   call: the env steps, the simulator prompt, the `openai` client and HTTP, JSON parsing, ajv
 *   validation, records. At C = 1 the wall-time overhead (mean call wall time minus L, measured
 *   around `provider.complete`) is reported too: it adds the server's own time and the loopback
 *   network, so it is an upper bound on ours.
 * - Cache: the same evaluation (episodes × expert at the eval's default concurrency) run twice
 *   against one cache directory; the rerun must send zero requests (counted by the server itself)
 *   and produce the same records (timings aside).
 * - HTTP path: the client's default (`http: 'undici'`) POSTs completions itself over undici's Pool
 *   (simulators/llm-http.ts); the same runs at 64 in flight with `http: 'sdk'` (through the `openai`
 *   package on undici, issue 19's first round) and `http: 'fetch'` (the package on Node's fetch,
 *   before issue 19), and the bare requests (`measureBareHttp`, Node's fetch and undici's Pool)
 *   show what the transport alone costs.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EpisodeRecord } from '../core/record.js';
import { getRegistration } from '../core/registry.js';
import { withoutTimings } from '../core/rollout.js';
import { type EpisodeJob, runJobs } from '../core/runner.js';
import type { LoopbackStats } from '../test/support/loopback-server.js';
import { Pool } from 'undici';
import { createLlmProvider, type LlmClientProvider } from '../simulators/llm-client.js';
import type { HttpTransport } from '../simulators/llm-http.js';
import type { LlmProvider, StructuredRequest, StructuredResponse } from '../simulators/types.js';
import { cpuMicros, mean, ROOT, round } from './util.js';

export const LOOPBACK_MODEL = 'loopback-model';

export interface ServerHandle {
  url: string;
  stats(): Promise<{ stats: LoopbackStats; cpuUs: number }>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** Forks bench/loopback-child.ts and waits until it listens. */
export function startServerChild(latencyMs: number): Promise<ServerHandle> {
  const child: ChildProcess = fork(join(ROOT, 'bench', 'loopback-child.ts'), [String(latencyMs)], {
    cwd: ROOT,
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let nextId = 0;
  const waiters = new Map<number, (msg: { stats?: LoopbackStats; cpuUs?: number }) => void>();
  child.on('message', (msg: { type: string; id?: number; stats?: LoopbackStats; cpuUs?: number }) => {
    if (msg.id !== undefined) {
      waiters.get(msg.id)?.(msg);
      waiters.delete(msg.id);
    }
  });
  const ask = (type: string) =>
    new Promise<{ stats?: LoopbackStats; cpuUs?: number }>((resolve) => {
      const id = nextId++;
      waiters.set(id, resolve);
      child.send({ type, id });
    });
  return new Promise((resolve, reject) => {
    const onReady = (msg: { type: string; url?: string }) => {
      if (msg.type !== 'ready' || !msg.url) return;
      child.off('message', onReady);
      const url = msg.url;
      resolve({
        url,
        stats: async () => {
          const r = await ask('stats');
          return { stats: r.stats as LoopbackStats, cpuUs: r.cpuUs ?? 0 };
        },
        reset: async () => {
          await ask('reset');
        },
        close: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.disconnect();
            setTimeout(() => child.kill('SIGKILL'), 5000).unref();
          }),
      });
    };
    child.on('message', onReady);
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`loopback server exited (code ${code}) before listening`)));
  });
}

/** Counts completed `complete` calls and their wall time; everything else is the inner provider's. */
class CountingProvider implements LlmProvider {
  completed = 0;
  inFlight = 0;
  readonly wallMs: number[] = [];
  recordWall = false;
  constructor(readonly inner: LlmClientProvider) {}
  get model(): string {
    return this.inner.model;
  }
  async complete(req: StructuredRequest): Promise<StructuredResponse> {
    const t0 = performance.now();
    this.inFlight += 1;
    try {
      return await this.inner.complete(req);
    } finally {
      this.inFlight -= 1;
      this.completed += 1;
      if (this.recordWall) this.wallMs.push(performance.now() - t0);
    }
  }
}

export function llmEnvId(preferred: string | undefined): string {
  const id = preferred ?? 'GuessNumber-v0';
  const reg = getRegistration(id);
  if (!(reg.simulatorKinds ?? []).includes('llm')) throw new Error(`${id} has no LLM simulator`);
  return id;
}

function agentFor(envId: string): string {
  return getRegistration(envId).agents?.expert ? 'expert' : 'random';
}

function provider(url: string, concurrency: number, cacheDir?: string, http: HttpTransport = 'undici'): LlmClientProvider {
  return createLlmProvider({
    baseURL: url,
    apiKey: 'dialogym-bench',
    model: LOOPBACK_MODEL,
    maxConcurrency: concurrency,
    noCache: cacheDir === undefined,
    cacheDir,
    jsonMode: 'schema',
    timeoutMs: 60_000,
    http,
  });
}

export interface ConcurrencyResult {
  concurrency: number;
  /** The client's HTTP path. */
  http: HttpTransport;
  latencyMs: number;
  windowMs: number;
  calls: number;
  callsPerSec: number;
  idealCallsPerSec: number;
  fractionOfIdeal: number;
  /** CPU µs of this process per call completed in the window. */
  ownCpuUsPerCall: number;
  /** CPU µs of the server process per call (for context: it shares the machine). */
  serverCpuUsPerCall: number | null;
  /** C = 1 only: mean wall time of a call minus L. */
  wallOverheadMsPerCall: number | null;
  episodes: number;
  errors: number;
  requestsSent: number;
}

/** Runs C episodes in flight for warm-up + window, and counts calls completed in the window. */
export async function measureConcurrency(
  server: ServerHandle,
  opts: { envId: string; concurrency: number; latencyMs: number; warmupMs: number; windowMs: number; http?: HttpTransport },
): Promise<ConcurrencyResult> {
  const C = opts.concurrency;
  const http = opts.http ?? 'undici';
  const inner = provider(server.url, C, undefined, http);
  const counting = new CountingProvider(inner);
  const agent = agentFor(opts.envId);
  // Enough jobs that C episodes stay in flight past the window; scheduling stops when it closes.
  const callsPerSlot = (opts.warmupMs + opts.windowMs) / opts.latencyMs;
  const jobCount = Math.ceil(C * (callsPerSlot / 4 + 4));
  const jobs: EpisodeJob[] = Array.from({ length: jobCount }, (_, i) => ({
    key: `${opts.envId}/${agent}/${i}`,
    envId: opts.envId,
    seed: i,
    agent,
  }));
  let episodes = 0;
  let errors = 0;
  let stopScheduling = false;
  const window: { t0?: number; t1?: number; c0?: number; c1?: number; n0?: number; n1?: number; s0?: number; s1?: number } = {};
  const t0 = performance.now();
  const timers: NodeJS.Timeout[] = [];
  timers.push(
    setTimeout(async () => {
      window.t0 = performance.now();
      window.c0 = cpuMicros();
      window.n0 = counting.completed;
      counting.recordWall = C === 1;
      window.s0 = (await server.stats()).cpuUs;
    }, opts.warmupMs),
  );
  timers.push(
    setTimeout(async () => {
      window.t1 = performance.now();
      window.c1 = cpuMicros();
      window.n1 = counting.completed;
      counting.recordWall = false;
      stopScheduling = true;
      window.s1 = (await server.stats()).cpuUs;
    }, opts.warmupMs + opts.windowMs),
  );
  await runJobs(jobs, {
    concurrency: C,
    makeOptions: { simulator: { kind: 'llm', model: LOOPBACK_MODEL }, llm: counting },
    onRecord: (rec) => {
      episodes += 1;
      if (rec.error) errors += 1;
    },
    shouldStop: () => (stopScheduling ? 'benchmark window over' : undefined),
  });
  for (const t of timers) clearTimeout(t);
  if (window.t1 === undefined) throw new Error(`C=${C}: the jobs ran out before the window closed (${round(performance.now() - t0)} ms)`);
  const windowMs = (window.t1 as number) - (window.t0 as number);
  const calls = (window.n1 as number) - (window.n0 as number);
  const callsPerSec = (calls / windowMs) * 1000;
  const ideal = (C / opts.latencyMs) * 1000;
  const serverCpu = window.s0 !== undefined && window.s1 !== undefined ? (window.s1 - window.s0) / Math.max(calls, 1) : null;
  return {
    concurrency: C,
    http,
    latencyMs: opts.latencyMs,
    windowMs: round(windowMs),
    calls,
    callsPerSec: round(callsPerSec, 1),
    idealCallsPerSec: round(ideal, 1),
    fractionOfIdeal: round(callsPerSec / ideal, 3),
    ownCpuUsPerCall: round(((window.c1 as number) - (window.c0 as number)) / Math.max(calls, 1), 1),
    serverCpuUsPerCall: serverCpu === null ? null : round(serverCpu, 1),
    wallOverheadMsPerCall: C === 1 && counting.wallMs.length ? round(mean(counting.wallMs) - opts.latencyMs, 2) : null,
    episodes,
    errors,
    requestsSent: inner.stats.requests,
  };
}

export interface BareHttpResult {
  /** `fetch`: Node's global fetch; `undici`: undici's `request` on a keep-alive pool. */
  client: HttpTransport;
  concurrency: number;
  requests: number;
  /** CPU µs of this process per bare POST of a simulator-sized request, JSON reply parsed. */
  cpuUsPerRequest: number;
}

/**
 * The floor under "own time per call": the same kind of request sent with nothing but the HTTP
 * client (no env, no simulator, no openai client, no validation), C in flight, latency included.
 */
export async function measureBareHttp(
  server: ServerHandle,
  opts: { concurrency: number; requests: number; client?: HttpTransport },
): Promise<BareHttpResult> {
  const client = opts.client ?? 'fetch';
  // The direct path's client: a Pool for the server's origin (simulators/llm-http.ts `createJsonHttp`).
  const pool = client === 'fetch' ? undefined : new Pool(new URL(server.url).origin, { connections: opts.concurrency });
  const path = `${new URL(server.url).pathname}/chat/completions`;
  const body = (i: number) =>
    JSON.stringify({
      model: LOOPBACK_MODEL,
      messages: [
        { role: 'system', content: `You are the user in a number-guessing game. Your secret number is ${i % 100}. ${'Answer briefly. '.repeat(12)}` },
        { role: 'user', content: `is it greater than ${i % 97}?` },
      ],
      seed: i,
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'turn',
          strict: true,
          schema: {
            type: 'object',
            required: ['utterance', 'answer'],
            additionalProperties: false,
            properties: { utterance: { type: 'string', minLength: 1 }, answer: { enum: ['yes', 'no', 'unknown'] } },
          },
        },
      },
    });
  let next = 0;
  const headers = { 'content-type': 'application/json', authorization: 'Bearer dialogym-bench' };
  const one = async () => {
    const i = next++;
    if (pool) {
      const r = await pool.request({ path, method: 'POST', headers, body: body(i) });
      JSON.parse(await r.body.text());
      return;
    }
    const r = await fetch(`${server.url}/chat/completions`, { method: 'POST', headers, body: body(i) });
    await r.json();
  };
  const lanes = (n: number) =>
    Promise.all(
      Array.from({ length: opts.concurrency }, async () => {
        for (let k = 0; k < n / opts.concurrency; k++) await one();
      }),
    );
  await lanes(opts.concurrency * 2); // warm-up
  const c0 = cpuMicros();
  const before = next;
  await lanes(opts.requests);
  const n = next - before;
  const cpuUs = cpuMicros() - c0;
  await pool?.close();
  return { client, concurrency: opts.concurrency, requests: n, cpuUsPerRequest: round(cpuUs / n, 1) };
}

export interface CacheResult {
  envId: string;
  episodes: number;
  concurrency: number;
  latencyMs: number;
  firstMs: number;
  rerunMs: number;
  speedup: number;
  firstRequests: number;
  /** Requests the server received during the rerun (must be 0). */
  rerunRequests: number;
  rerunCacheHits: number;
  identicalRecords: boolean;
}

async function evaluationRun(server: ServerHandle, envId: string, episodes: number, concurrency: number, cacheDir: string) {
  const p = provider(server.url, 8, cacheDir);
  const agent = agentFor(envId);
  const jobs: EpisodeJob[] = Array.from({ length: episodes }, (_, i) => ({ key: `${envId}/${agent}/${i}`, envId, seed: 1000 + i, agent }));
  const records: EpisodeRecord[] = [];
  await server.reset();
  const t0 = performance.now();
  await runJobs(jobs, {
    concurrency,
    makeOptions: { simulator: { kind: 'llm', model: LOOPBACK_MODEL }, llm: p },
    onRecord: (rec) => {
      records.push(rec);
    },
  });
  const ms = performance.now() - t0;
  const { stats } = await server.stats();
  return { ms, records, serverRequests: stats.chatRequests, provider: p };
}

/** The same LLM-simulator evaluation twice on one fresh cache directory. */
export async function measureCache(
  server: ServerHandle,
  opts: { envId: string; episodes: number; concurrency: number; latencyMs: number },
): Promise<CacheResult> {
  const cacheDir = mkdtempSync(join(tmpdir(), 'dialogym-bench-cache-'));
  try {
    const first = await evaluationRun(server, opts.envId, opts.episodes, opts.concurrency, cacheDir);
    const rerun = await evaluationRun(server, opts.envId, opts.episodes, opts.concurrency, cacheDir);
    const same =
      first.records.length === rerun.records.length &&
      first.records.every((r, i) => JSON.stringify(withoutTimings(r)) === JSON.stringify(withoutTimings(rerun.records[i] as EpisodeRecord)));
    // Usage differs by design on a rerun (cachedCalls counts the hits); compare records without it too.
    const sameContent =
      same ||
      first.records.every((r, i) => {
        const a = withoutTimings(r);
        const b = withoutTimings(rerun.records[i] as EpisodeRecord);
        return JSON.stringify({ ...a, usage: null }) === JSON.stringify({ ...b, usage: null });
      });
    return {
      envId: opts.envId,
      episodes: opts.episodes,
      concurrency: opts.concurrency,
      latencyMs: opts.latencyMs,
      firstMs: round(first.ms),
      rerunMs: round(rerun.ms, 1),
      speedup: round(first.ms / rerun.ms, 1),
      firstRequests: first.serverRequests,
      rerunRequests: rerun.serverRequests,
      rerunCacheHits: rerun.provider.stats.cacheHits,
      identicalRecords: sameContent,
    };
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}
