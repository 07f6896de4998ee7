/**
 * `dialogym generate`: streams the episodes of one shard of a config into a JSONL file, in episode
 * order, with a manifest next to it.
 *
 * - Scripted (CPU-bound) runs use worker threads; LLM-bound runs (an LLM simulator or agent) run in
 *   this process under the concurrency limiter of `core/runner.ts`.
 * - Records are written in plan order whatever order they finish in; at most a bounded window of
 *   finished-but-unwritten records is held, so memory does not grow with the number of episodes.
 * - The records go to `<out>.partial` (and the manifest to `<manifest>.partial`) until the run
 *   completes; then both replace `<out>` and its manifest (core/output.ts). Because the file is always
 *   a prefix of the plan, `--resume` checks that prefix line by line (each record must also have
 *   this run's env version, kwargs, step limit, simulator and agent), drops corrupt or torn lines
 *   (and, after a dropped line, the rest, which is redone to keep plan order) and runs only the
 *   rest: a killed run ends with exactly the requested episodes, each once.
 */
import { availableParallelism } from 'node:os';
import { existsSync, renameSync, unlinkSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../../core/workers.js';
import { maxWorkers } from '../../core/limits.js';
import { checkKwargs, getRegistration } from '../../core/registry.js';
import { createAgent } from '../../agents/registry.js';
import { ConfigError } from '../../core/errors.js';
import { checkOutput, JsonlOutput, partialPathOf, type ResumeVerdict } from '../../core/output.js';
import { type EpisodeRecord, validateRecord } from '../../core/record.js';
import { expectedIdentity, firstDifference, identityOfRecord, type RunIdentity } from '../../core/resume.js';
import type { Json } from '../../core/types.js';
import { runJobs, type EpisodeJob } from '../../core/runner.js';
import type { LlmProvider } from '../../simulators/types.js';
import {
  assertNoDuplicateEpisodes,
  canonicalJson,
  configDigest,
  type GenerateConfig,
  type PlannedEpisode,
  planEpisodes,
  shardSize,
  simulatorOf,
} from './config.js';
import type { WorkerReply, WorkerTask } from './worker.js';
import { type FileStats, type Manifest, manifestPath, readManifest, scanOutput, writeManifest } from './manifest.js';
import { DIALOGYM_VERSION } from '../../core/version.js';

export interface GenerateOptions {
  config: GenerateConfig;
  out: string;
  shard?: { index: number; count: number };
  resume?: boolean;
  /** Overwrite an existing output instead of refusing. */
  force?: boolean;
  /** Worker threads for scripted runs; 0 = in this process. Default: config.workers ?? cores. */
  workers?: number;
  /** Episodes in flight in this process (LLM-bound runs). */
  concurrency?: number;
  /** LLM provider for LLM simulators. */
  simLlm?: LlmProvider;
  /** LLM provider for `llm` agents. */
  agentLlm?: LlmProvider;
  /** A reason to stop scheduling episodes (an LLM endpoint down for good); the file stays resumable. */
  shouldStop?: (rec: EpisodeRecord) => string | undefined;
  /** Called with (written so far including resumed, total of the shard). */
  onProgress?: (done: number, total: number) => void;
  /** Called once before running with how many episodes were already present. */
  onStart?: (info: { total: number; present: number; mode: 'workers' | 'in-process'; workers: number }) => void;
  /** Notes about lines dropped from a resumed file (default stderr). */
  log?: (line: string) => void;
}

export interface GenerateResult {
  manifest: Manifest;
  manifestPath: string;
  /** Episodes present before this run (resume). */
  resumed: number;
  /** Episodes written by this run. */
  written: number;
  mode: 'workers' | 'in-process';
  workers: number;
  wallMs: number;
  peakRssMB: number;
  /** Set when the run did not complete: the partial file that `--resume` continues. */
  partialPath?: string;
}

/** An agent or simulator that calls a model makes the run network-bound. */
export function isLlmBound(cfg: GenerateConfig): boolean {
  return cfg.jobs.some((j) => simulatorOf(j).kind !== 'scripted' || j.agent === 'llm');
}

/** Fails before any episode runs when an env, agent or simulator is unknown. */
export function checkConfigResolves(cfg: GenerateConfig, llm: { sim?: LlmProvider; agent?: LlmProvider } = {}): void {
  for (const [i, job] of cfg.jobs.entries()) {
    const reg = getRegistration(job.env);
    const kinds = reg.simulatorKinds ?? ['scripted'];
    checkKwargs(job.env, job.kwargs);
    const kind = simulatorOf(job).kind;
    if (!kinds.includes(kind)) throw new ConfigError(`config /jobs/${i}: ${job.env} has no '${kind}' simulator (available: ${kinds.join(', ')})`);
    if (kind === 'llm' && !llm.sim) throw new ConfigError(`config /jobs/${i} uses an LLM simulator: pass --sim-model (see --help)`);
    if (job.agent === 'llm' && !llm.agent) throw new ConfigError(`config /jobs/${i} uses the LLM agent: pass --llm-model (see --help)`);
    if (job.agent !== 'llm') createAgent(job.agent, { envId: job.env });
  }
}

export async function generate(opts: GenerateOptions): Promise<GenerateResult> {
  const t0 = performance.now();
  const cfg = opts.config;
  const shard = opts.shard ?? { index: 0, count: 1 };
  assertNoDuplicateEpisodes(cfg);
  checkConfigResolves(cfg, { sim: opts.simLlm, agent: opts.agentLlm });
  const total = shardSize(cfg, shard);
  const digest = configDigest(cfg, shard);
  const mPath = manifestPath(opts.out);
  const mPartial = partialPathOf(mPath);
  const outFlags = { force: opts.force, resume: opts.resume, resumable: true };
  checkOutput(opts.out, outFlags);
  // The manifest belongs to the output: it is replaced (or continued) with it, never on its own.
  if (!opts.resume && !opts.force && existsSync(mPath)) {
    throw new ConfigError(`${mPath} exists (the manifest of an earlier run); pass --force to replace it, or choose another --out`);
  }
  const previous = opts.resume ? (readManifest(mPartial) ?? readManifest(mPath)) : undefined;
  if (previous && previous.configDigest !== digest) {
    const diff = configDifference({ jobs: previous.config?.jobs ?? [], shard: previous.shard }, { jobs: cfg.jobs, shard });
    throw new ConfigError(
      `--resume: ${existsSync(mPartial) ? mPartial : mPath} was written for another config or shard (${diff}); use a new --out`,
    );
  }

  // What every record of each job must say about how it was run (env version, kwargs, step limit,
  // simulator, agent), to prove that a resumed file continues this run.
  const identities: RunIdentity[] = [];
  for (const job of cfg.jobs) {
    identities.push(
      await expectedIdentity(
        job.env,
        { kwargs: job.kwargs, simulator: simulatorOf(job), maxEpisodeSteps: job.maxEpisodeSteps },
        createAgent(job.agent, { envId: job.env, llm: opts.agentLlm }),
      ),
    );
  }
  const plan = pushback(planEpisodes(cfg, shard));
  const check = (value: Json, lineNo: number, ctx: { droppedBefore: number }): ResumeVerdict => {
    const v = validateRecord(value);
    if (!v.ok) return { drop: `not a valid episode record (${v.errors.slice(0, 2).join('; ')})` };
    const rec = value as EpisodeRecord;
    const expected = plan.next();
    if (expected.done || expected.value.key !== rec.key) {
      if (!expected.done) plan.push(expected.value);
      if (ctx.droppedBefore > 0) return { cut: 'after a dropped line: redone to keep the file in plan order' };
      throw new ConfigError(
        `--resume: line ${lineNo} of ${opts.out} is '${rec.key}' but this config expects '${expected.done ? '(end of plan)' : expected.value.key}'; use a new --out`,
      );
    }
    const diff = firstDifference(identities[expected.value.job] as RunIdentity, identityOfRecord(rec));
    if (diff) {
      throw new ConfigError(`--resume: line ${lineNo} of ${opts.out} (${rec.key}) was run with other settings (${diff}); use a new --out`);
    }
    return undefined;
  };
  const out = await JsonlOutput.open(opts.out, { ...outFlags, check, log: opts.log });
  const present = out.resumed;
  const llmBound = isLlmBound(cfg);
  const workers = llmBound ? 0 : Math.max(0, opts.workers ?? cfg.workers ?? Math.min(availableParallelism(), maxWorkers()));
  const mode = workers > 0 ? 'workers' : 'in-process';
  const startedAt = new Date().toISOString();
  const base = {
    dialogymVersion: DIALOGYM_VERSION,
    config: cfg,
    configDigest: digest,
    shard,
    out: opts.out,
    requested: total,
    mode,
    workers,
    runs: [] as Manifest['runs'],
  };
  const runs = [...(previous?.runs ?? []), { startedAt, resumedFrom: present, wallMs: 0, peakRssMB: 0, status: 'running' }];
  const last = runs[runs.length - 1] as Manifest['runs'][number];
  let written = 0;
  try {
    // While the run goes on its manifest sits beside the partial file; the finished manifest
    // replaces the old one only together with the data.
    writeManifest(mPartial, { ...base, runs, status: 'running', file: null });
    opts.onStart?.({ total, present, mode, workers });
    const write = (rec: EpisodeRecord) => {
      out.write(rec);
      written += 1;
      opts.onProgress?.(present + written, total);
    };
    if (workers > 0) await runInWorkers(cfg, plan, workers, write);
    else await runInProcess(cfg, plan, opts.concurrency ?? cfg.concurrency ?? 4, opts, write);
  } catch (err) {
    last.status = 'failed';
    last.wallMs = Math.round(performance.now() - t0);
    out.close();
    try {
      writeManifest(mPartial, { ...base, runs, status: 'incomplete', file: null });
    } catch {
      // the disk may be what failed; the error thrown below says so
    }
    throw err;
  }
  out.close();
  const dataPath = existsSync(out.workPath) ? out.workPath : opts.out;
  const file: FileStats = await scanOutput(dataPath, planEpisodes(cfg, shard));
  const wallMs = Math.round(performance.now() - t0);
  const peakRssMB = Math.round(process.resourceUsage().maxRSS / 1024);
  last.wallMs = wallMs;
  last.peakRssMB = peakRssMB;
  const complete = file.episodes === total && file.inPlanOrder;
  last.status = complete ? 'complete' : 'incomplete';
  const manifest: Manifest = { ...base, runs, status: complete ? 'complete' : 'incomplete', file };
  if (!complete) {
    writeManifest(mPartial, manifest);
    return { manifest, manifestPath: mPartial, resumed: present, written, mode, workers, wallMs, peakRssMB, partialPath: dataPath };
  }
  if (dataPath !== opts.out) renameSync(dataPath, opts.out);
  writeManifest(mPath, manifest);
  try {
    unlinkSync(mPartial);
  } catch {
    // already gone
  }
  return { manifest, manifestPath: mPath, resumed: present, written, mode, workers, wallMs, peakRssMB };
}

/** The first difference between the config and shard of a manifest and this run's, in words. */
export function configDifference(
  was: { jobs: GenerateConfig['jobs']; shard: { index: number; count: number } | undefined },
  now: { jobs: GenerateConfig['jobs']; shard: { index: number; count: number } },
): string {
  const show = (v: unknown) => (v === undefined ? '(none)' : canonicalJson(v as Json));
  if (was.jobs.length !== now.jobs.length) return `${was.jobs.length} job(s) then, ${now.jobs.length} now`;
  for (const [i, a] of was.jobs.entries()) {
    const b = now.jobs[i] as GenerateConfig['jobs'][number];
    for (const k of ['env', 'agent', 'simulator', 'kwargs', 'maxEpisodeSteps', 'seeds'] as const) {
      if (show(a[k]) !== show(b[k])) return `/jobs/${i}/${k}: ${show(a[k])} then, ${show(b[k])} now`;
    }
  }
  if (show(was.shard) !== show(now.shard)) return `shard: ${show(was.shard)} then, ${show(now.shard)} now`;
  return 'same jobs, different digest';
}

/** A plan that can take back one episode (the resume check looks one ahead). */
type PushbackPlan = Generator<PlannedEpisode> & { push(p: PlannedEpisode): void };

function pushback(gen: Generator<PlannedEpisode>): PushbackPlan {
  const back: PlannedEpisode[] = [];
  const it = {
    next(): IteratorResult<PlannedEpisode> {
      const b = back.pop();
      return b ? { done: false, value: b } : gen.next();
    },
    push(p: PlannedEpisode) {
      back.push(p);
    },
    return(v?: unknown) {
      return gen.return(v as never);
    },
    throw(e?: unknown) {
      return gen.throw(e);
    },
    [Symbol.iterator]() {
      return it;
    },
  };
  return it as unknown as PushbackPlan;
}

/** Old-generation cap of each worker (MB); `DIALOGYM_WORKER_HEAP_MB` raises it for envs with big scenarios. */
const WORKER_HEAP_MB = Math.max(32, Number(process.env.DIALOGYM_WORKER_HEAP_MB) || 96);

/** Starts a generate worker (from source or built JS: see core/workers.ts). */
function startWorker(config: GenerateConfig): Worker {
  // A worker's heap holds one episode at a time; capping it makes V8 collect instead of growing
  // each isolate towards its default limit, which keeps the process's RSS flat and small.
  const resourceLimits = { maxOldGenerationSizeMb: WORKER_HEAP_MB, maxYoungGenerationSizeMb: 8 };
  return startModuleWorker(import.meta.url, 'worker', { workerData: { config }, resourceLimits });
}

/**
 * Feeds planned episodes to `n` workers (two in flight each, so none idles between tasks) and
 * writes their records in plan order. Dispatch stops while the reorder buffer is full, which
 * bounds memory by the window, not the run.
 */
async function runInWorkers(
  cfg: GenerateConfig,
  plan: Generator<PlannedEpisode>,
  n: number,
  write: (rec: EpisodeRecord) => void,
): Promise<void> {
  const pool = Array.from({ length: n }, () => startWorker(cfg));
  const window = Math.max(64, n * 16);
  const buffer = new Map<number, string>();
  let nextPos = 0; // position (within this run) of the next record to write
  let dispatched = 0;
  let finished = false;
  const inFlight = new Map<Worker, number>();
  try {
    await new Promise<void>((resolve, reject) => {
      let failed = false;
      const fail = (err: Error) => {
        if (failed) return;
        failed = true;
        reject(err);
      };
      const feed = (w: Worker) => {
        while (!finished && (inFlight.get(w) ?? 0) < 2 && dispatched - nextPos < window) {
          const next = plan.next();
          if (next.done) {
            finished = true;
            break;
          }
          const task: WorkerTask = { type: 'run', pos: dispatched, job: next.value.job, seed: next.value.seed, key: next.value.key };
          dispatched += 1;
          inFlight.set(w, (inFlight.get(w) ?? 0) + 1);
          w.postMessage(task);
        }
      };
      const maybeDone = () => {
        if (finished && nextPos === dispatched) resolve();
      };
      for (const w of pool) {
        w.on('message', (msg: WorkerReply) => {
          inFlight.set(w, (inFlight.get(w) ?? 1) - 1);
          if (msg.type === 'failed') {
            fail(new Error(`episode ${msg.pos} failed in a worker: ${msg.message}`));
            return;
          }
          buffer.set(msg.pos, msg.line);
          try {
            while (buffer.has(nextPos)) {
              const line = buffer.get(nextPos) as string;
              buffer.delete(nextPos);
              nextPos += 1;
              write(JSON.parse(line) as EpisodeRecord);
            }
          } catch (err) {
            // A write that failed (disk full) ends the run; the file keeps every complete record.
            finished = true;
            fail(err as Error);
            return;
          }
          for (const other of pool) feed(other);
          maybeDone();
        });
        w.on('error', (e) => {
          const oom = (e as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY';
          fail(oom ? new Error(`a generate worker ran out of its ${WORKER_HEAP_MB} MB heap; set DIALOGYM_WORKER_HEAP_MB higher and rerun with --resume`) : e);
        });
        w.on('exit', (code) => {
          if (!finished || nextPos < dispatched) fail(new Error(`a generate worker exited (code ${code}) before the run ended`));
        });
      }
      for (const w of pool) feed(w);
      maybeDone();
    });
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
}

/** LLM-bound episodes: one process, `concurrency` episodes in flight, planned in bounded chunks. */
async function runInProcess(
  cfg: GenerateConfig,
  plan: Generator<PlannedEpisode>,
  concurrency: number,
  llm: Pick<GenerateOptions, 'simLlm' | 'agentLlm' | 'shouldStop'>,
  write: (rec: EpisodeRecord) => void,
): Promise<void> {
  const chunkSize = Math.max(256, concurrency * 8);
  for (;;) {
    const chunk: EpisodeJob[] = [];
    const jobOf: number[] = [];
    for (let i = 0; i < chunkSize; i++) {
      const next = plan.next();
      if (next.done) break;
      const job = cfg.jobs[next.value.job];
      if (!job) continue;
      chunk.push({ key: next.value.key, envId: job.env, seed: next.value.seed, agent: job.agent });
      jobOf.push(next.value.job);
    }
    if (chunk.length === 0) return;
    // Jobs differ in kwargs/simulator, so each chunk is split into runs of the same job.
    let i = 0;
    while (i < chunk.length) {
      const j = jobOf[i] as number;
      let k = i;
      while (k < chunk.length && jobOf[k] === j) k += 1;
      const job = cfg.jobs[j];
      if (!job) break;
      const res = await runJobs(chunk.slice(i, k), {
        concurrency,
        makeOptions: { kwargs: job.kwargs, simulator: simulatorOf(job), llm: llm.simLlm, maxEpisodeSteps: job.maxEpisodeSteps },
        agentLlm: llm.agentLlm,
        onRecord: (rec) => write(rec),
        shouldStop: llm.shouldStop,
      });
      if (res.stoppedBecause) throw new Error(`stopped: ${res.stoppedBecause}; rerun with --resume to finish`);
      i = k;
    }
  }
}
