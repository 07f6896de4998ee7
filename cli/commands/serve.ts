/**
 * `dialogym serve`: every registered env over OpenEnv's protocol (HTTP + WebSocket /ws), for
 * trainers in Python (TRL, verl, SkyRL, verifiers, OpenEnv's GenericEnvClient). See docs/serving.md
 * and core/server/.
 */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { ConfigError } from '../../core/errors.js';
import { JsonlWriter } from '../../core/jsonl.js';
import { listEnvs } from '../../core/registry.js';
import { startServer } from '../../core/server/server.js';
import { addLlmOptions, type LlmCliOptions, setupLlm } from '../llm-options.js';
import { positiveInt } from '../run.js';

interface ServeFlags extends LlmCliOptions {
  host: string;
  port: number;
  maxSessions: number;
  record?: string;
  env?: string;
  sim: string;
  idleTimeout: number;
  maxMessageKb: number;
  drainTimeout: number;
}

function portArg(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`--port must be an integer in [0, 65535], got '${v}'`);
  return n;
}

function secondsArg(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`${name} must be a non-negative number of seconds, got '${v}'`);
    return n;
  };
}

function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

export function register(program: Command): void {
  const cmd = program
    .command('serve')
    .description("Serve every registered env over OpenEnv's protocol (HTTP + WebSocket /ws) for trainers in Python; see docs/serving.md")
    .option('--host <addr>', 'address to bind (loopback by default; 0.0.0.0 exposes it: set DIALOGYM_SERVER_TOKEN)', '127.0.0.1')
    .option('--port <n>', 'port (0 picks a free one, printed at startup)', portArg, 8000)
    .option('--max-sessions <n>', 'concurrent sessions; more get CAPACITY_REACHED', positiveInt('--max-sessions'), 64)
    .option('--record <file>', 'append the record of every finished WebSocket episode to this JSONL file')
    .option('--env <id>', 'env of resets that name no env_id (needed by clients that only send a seed)')
    .option('--sim <kind>', 'simulator of resets that name none: scripted or llm', 'scripted')
    .option('--idle-timeout <s>', 'close a session after this many seconds without a message (0: never)', secondsArg('--idle-timeout'), 600)
    .option('--max-message-kb <n>', 'messages above this size get a VALIDATION_ERROR reply', positiveInt('--max-message-kb'), 1024)
    .option('--drain-timeout <s>', 'on SIGTERM, how long steps in flight may take to finish', secondsArg('--drain-timeout'), 30);
  addLlmOptions(cmd).action(async (flags: ServeFlags) => {
    if (flags.sim !== 'scripted' && flags.sim !== 'llm') throw new ConfigError(`--sim must be scripted or llm, got '${flags.sim}'`);
    // The LLM simulator is offered when a simulator model is configured (flag or DIALOGYM_SIM_MODEL).
    const wantLlm = flags.sim === 'llm' || Boolean(flags.simModel ?? process.env.DIALOGYM_SIM_MODEL);
    const llm = wantLlm ? await setupLlm(flags, { sim: true, agent: false }) : undefined;
    const token = process.env.DIALOGYM_SERVER_TOKEN || undefined;
    const writer = flags.record ? JsonlWriter.open(flags.record, { append: true }) : undefined;
    const server = await startServer({
      host: flags.host,
      port: flags.port,
      maxSessions: flags.maxSessions,
      defaultEnvId: flags.env,
      defaultSim: flags.sim,
      llm: llm?.sim && llm.simulator ? { provider: llm.sim, simulator: llm.simulator } : undefined,
      onRecord: writer ? (rec) => writer.write(rec) : undefined,
      idleTimeoutMs: flags.idleTimeout * 1000,
      maxMessageBytes: flags.maxMessageKb * 1024,
      drainTimeoutMs: flags.drainTimeout * 1000,
      token,
      log: (line) => process.stderr.write(`serve: ${line}\n`),
    }).catch((err: NodeJS.ErrnoException) => {
      writer?.close();
      if (err.code === 'EADDRINUSE') throw new ConfigError(`port ${flags.port} on ${flags.host} is in use (pick another with --port, or 0 for any)`);
      if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND') throw new ConfigError(`cannot bind ${flags.host}: ${err.message}`);
      throw err;
    });
    if (!isLoopbackHost(flags.host) && !token) {
      process.stderr.write(
        `warning: serving on ${flags.host} without DIALOGYM_SERVER_TOKEN: anyone who can reach port ${server.port} can run episodes${llm ? ' (and spend your LLM budget)' : ''}\n`,
      );
    }
    const envs = listEnvs({ includeTests: true, includeLegacy: true }).length;
    const wsUrl = server.url.replace(/^http/, 'ws');
    process.stdout.write(
      `dialogym serve: listening on ${server.url} (WebSocket ${wsUrl}/ws) · ${envs} envs${flags.env ? `, default ${flags.env}` : ''} · ` +
        `simulators: scripted${llm ? `, llm (${llm.simulator?.model})` : ''} · max ${flags.maxSessions} sessions` +
        `${token ? ' · bearer token required' : ''}${writer ? ` · recording to ${flags.record}` : ''}\n`,
    );
    await new Promise<void>((resolve) => {
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        process.stderr.write(`serve: ${signal}: draining (steps in flight finish, then every session closes)\n`);
        void server.drain().then(resolve);
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });
    writer?.close();
    const s = server.stats();
    process.stdout.write(
      `dialogym serve: stopped · ${s.sessionsOpened} session(s), ${s.episodesFinished} episode(s) finished, ${s.episodesAbandoned} abandoned unfinished, ` +
        `${s.recordsWritten} record(s) written${flags.record ? ` to ${flags.record}` : ''}, ${s.errors} error repl${s.errors === 1 ? 'y' : 'ies'}, ` +
        `${s.refusedCapacity} refused at capacity, ${s.idleTimeouts} idle timeout(s)\n`,
    );
    if (llm) process.stdout.write(`${llm.describe()}\n`);
  });
}
