/**
 * Worker-thread entry of `dialogym generate`: receives `{pos, job, seed, key}` tasks, runs them
 * with its own env instances and posts each record back. It imports the env and agent registries
 * itself because a worker shares no modules with the main thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import '../../envs/index.js';
import '../../agents/index.js';
import type { GenerateConfig } from './config.js';
import { JobRunner } from './episode.js';

export interface WorkerTask {
  type: 'run';
  pos: number;
  job: number;
  seed: number;
  key: string;
}

export type WorkerReply =
  | { type: 'done'; pos: number; line: string }
  | { type: 'failed'; pos: number; message: string };

const port = parentPort;
if (!port) throw new Error('generate worker started outside a worker thread');
const runner = new JobRunner((workerData as { config: GenerateConfig }).config);

port.on('message', async (msg: WorkerTask | { type: 'stop' }) => {
  if (msg.type === 'stop') {
    await runner.close();
    port.close();
    return;
  }
  try {
    const rec = await runner.run(msg.job, msg.seed, msg.key);
    // Serialised here so the main thread only writes bytes: JSON work is spread over the workers.
    port.postMessage({ type: 'done', pos: msg.pos, line: JSON.stringify(rec) } satisfies WorkerReply);
  } catch (e) {
    port.postMessage({ type: 'failed', pos: msg.pos, message: (e as Error).message ?? String(e) } satisfies WorkerReply);
  }
});
