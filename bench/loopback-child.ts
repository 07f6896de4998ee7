/**
 * The loopback OpenAI-compatible server (test/support/loopback-server.ts) in its own process, so
 * that its CPU time is not counted as dialogym's. Started with `fork` by `bench/llm.ts`:
 *
 *   node --import tsx bench/loopback-child.ts <latencyMs>
 *
 * It sends `{type: 'ready', url}` once listening, answers `{type: 'stats'}` with the server's
 * request counters and its own CPU time, and `{type: 'reset'}` by zeroing the counters. It exits
 * when the parent disconnects.
 */
import { startLoopbackServer } from '../test/support/loopback-server.js';

const latencyMs = Number(process.argv[2] ?? 200);
const send = process.send?.bind(process);
if (!send) throw new Error('loopback-child must be started with child_process.fork');

const server = await startLoopbackServer({ latencyMs });

process.on('message', (msg: { type: string; id?: number }) => {
  if (msg.type === 'stats') {
    const cpu = process.cpuUsage();
    send({ type: 'stats', id: msg.id, stats: server.stats, cpuUs: cpu.user + cpu.system });
  } else if (msg.type === 'reset') {
    server.resetStats();
    send({ type: 'reset', id: msg.id });
  }
});
process.on('disconnect', () => {
  void server.close().finally(() => process.exit(0));
});
send({ type: 'ready', url: server.url });
