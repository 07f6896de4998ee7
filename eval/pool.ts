/**
 * A pool of worker threads for scripted evaluation: env steps are CPU-bound JavaScript, so on a
 * machine with several cores the tasks of an eval (and of both agents in `start`) are spread over
 * threads. Each task runs exactly as it would in the main thread (`runTask`), and results are
 * placed by task index, so records do not depend on which thread ran them.
 *
 * LLM simulators and agents stay on the main thread (their providers hold sockets and a cache and
 * are I/O-bound anyway).
 */
import type { Worker } from 'node:worker_threads';
import { defaultWorkerCount, startModuleWorker } from '../core/workers.js';
import type { EpisodeRecord } from '../core/record.js';
import type { Json, SimulatorConfig } from '../core/types.js';
import type { SplitName } from './splits.js';

export interface EvalTask {
  agent: string;
  envId: string;
  split: SplitName;
  taskSeed: number;
  index: number;
  trials: number;
  simulator: SimulatorConfig;
  kwargs?: Record<string, Json>;
}

export type PoolReply = { id: number; records: EpisodeRecord[] } | { id: number; error: string };

/** Default worker count: one per core, at most 4, none on a single core. */
export function defaultWorkers(): number {
  return defaultWorkerCount(4);
}

function startWorker(): Worker {
  return startModuleWorker(import.meta.url, 'worker');
}

interface Queued {
  id: number;
  task: EvalTask;
  resolve: (r: EpisodeRecord[]) => void;
  reject: (e: Error) => void;
}

export class EvalPool {
  private readonly workers: Worker[] = [];
  private readonly load = new Map<Worker, number>();
  private readonly waiting = new Map<number, { resolve: (r: EpisodeRecord[]) => void; reject: (e: Error) => void; worker: Worker }>();
  private readonly queue: Queued[] = [];
  private nextId = 0;
  private closed = false;
  private failure: Error | undefined;

  constructor(size: number) {
    for (let i = 0; i < size; i++) {
      const w = startWorker();
      w.on('message', (msg: PoolReply) => this.onReply(w, msg));
      w.on('error', (err) => this.onCrash(w, err));
      w.on('exit', (code) => {
        if (!this.closed) this.onCrash(w, new Error(`eval worker exited with code ${code}`));
      });
      this.workers.push(w);
      this.load.set(w, 0);
    }
  }

  get size(): number {
    return this.workers.length;
  }

  /** Queues a task; a worker takes it when it has fewer than two in flight (so none idles between tasks). */
  run(task: EvalTask): Promise<EpisodeRecord[]> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new Error('eval pool is closed'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.queue.push({ id, task, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    for (const w of this.workers) {
      while ((this.load.get(w) ?? 0) < 2 && this.queue.length > 0) {
        const next = this.queue.shift() as Queued;
        this.load.set(w, (this.load.get(w) ?? 0) + 1);
        this.waiting.set(next.id, { resolve: next.resolve, reject: next.reject, worker: w });
        w.postMessage({ id: next.id, task: next.task });
      }
    }
  }

  private onReply(w: Worker, msg: PoolReply): void {
    const entry = this.waiting.get(msg.id);
    if (!entry) return;
    this.waiting.delete(msg.id);
    this.load.set(w, Math.max(0, (this.load.get(w) ?? 1) - 1));
    if ('error' in msg) entry.reject(new Error(msg.error));
    else entry.resolve(msg.records);
    this.dispatch();
  }

  private onCrash(w: Worker, err: Error): void {
    this.failure ??= err;
    for (const q of this.queue.splice(0)) q.reject(err);
    for (const [id, entry] of this.waiting) {
      if (entry.worker !== w) continue;
      this.waiting.delete(id);
      entry.reject(err);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
