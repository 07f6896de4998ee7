/**
 * Worker-thread entry of the eval pool: receives eval tasks, runs them with the same `runTask` as
 * the main thread and posts the records back. It imports the env and agent registries itself
 * because a worker shares no modules with the main thread.
 */
import { parentPort } from 'node:worker_threads';
import '../envs/index.js';
import '../agents/index.js';
import type { EvalTask, PoolReply } from './pool.js';
import { runTask } from './runner.js';

const port = parentPort;
if (!port) throw new Error('the eval worker must run in a worker thread');

port.on('message', async (msg: { id: number; task: EvalTask } | { stop: true }) => {
  if ('stop' in msg) {
    port.close();
    return;
  }
  let reply: PoolReply;
  try {
    const { task } = msg;
    const records = await runTask(
      {
        agent: task.agent,
        envId: task.envId,
        split: task.split,
        episodes: 1,
        trials: task.trials,
        simulator: task.simulator,
        kwargs: task.kwargs,
      },
      task.taskSeed,
      task.index,
    );
    reply = { id: msg.id, records };
  } catch (err) {
    reply = { id: msg.id, error: String((err as Error).message ?? err) };
  }
  port.postMessage(reply);
});
