/**
 * `dialogym serve`: every registered env over OpenEnv's HTTP + WebSocket protocol (see
 * `protocol.ts` for the messages), on node:http with the `ws` package for RFC 6455.
 *
 * Why `ws` rather than our own framing: it has no dependencies, is what most of the Node ecosystem
 * runs on, and already gets the parts of RFC 6455 that are easy to get subtly wrong (fragmented
 * messages, control frames between fragments, masking, UTF-8 validation, the close handshake, a
 * payload cap enforced while reading). Node 20 also has no WebSocket client of its own, which the
 * tests and the benchmark need.
 *
 * Routes (OpenEnv's, in its "simulation" mode):
 *   GET  /health   {"status": "healthy"}
 *   GET  /metadata EnvironmentMetadata of the default env (or of the server when it has none)
 *   GET  /schema   {action, observation, state} JSON Schemas
 *   GET  /state    the state of a fresh env (HTTP is stateless, as in OpenEnv)
 *   POST /reset    stateless: a fresh env, reset, closed → {observation, reward, done}
 *   POST /step     stateless: a fresh env, reset with the body's reset fields, the body's `history`
 *                  replayed, then `action` → {observation, reward, done}
 *   POST /mcp      JSON-RPC error: dialogym envs speak the gym contract, not MCP
 *   WS   /ws       one session per connection (the stateful path; the only one that records)
 * dialogym's own: GET /envs (the registry as served), GET /status (sessions, steps in flight).
 *
 * Lab-ready: sessions are independent (each runs its own steps in order; an LLM simulator's slow
 * step is awaited I/O and never blocks another session), idle sessions are closed, capacity is
 * enforced with CAPACITY_REACHED, malformed or oversized messages get an error reply, and
 * `drain()` (SIGTERM) lets steps in flight finish and reply before closing every connection.
 * With a token (DIALOGYM_SERVER_TOKEN) every route but /health needs `Authorization: Bearer <token>`.
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import type { EpisodeRecord } from '../record.js';
import { getRegistration, listEnvs, make } from '../registry.js';
import type { Json } from '../types.js';
import { DIALOGYM_VERSION } from '../version.js';
import {
  actionSchema,
  errorMessage,
  mcpUnsupported,
  observationSchema,
  parseAction,
  parseClientMessage,
  parseResetData,
  stateSchema,
  WireError,
} from './protocol.js';
import { EnvSession, type ObservationReply, type SessionConfig } from './session.js';

export interface ServerOptions extends SessionConfig {
  host?: string;
  port?: number;
  /** Concurrent WebSocket sessions (and stateless HTTP episodes in flight). Default 64. */
  maxSessions?: number;
  /** A session with no message for this long is closed. Default 600 s; 0 disables. */
  idleTimeoutMs?: number;
  /** Messages above this size get a VALIDATION_ERROR reply. Default 1 MiB. */
  maxMessageBytes?: number;
  /** Bearer token required on every route but /health; undefined = no authentication. */
  token?: string;
  /** How long `drain` waits for steps in flight. Default 30 s. */
  drainTimeoutMs?: number;
  /** One line per notable event (connections refused, sessions timed out ...). */
  log?: (line: string) => void;
}

export interface ServerStats {
  activeSessions: number;
  maxSessions: number;
  stepsInFlight: number;
  sessionsOpened: number;
  episodesFinished: number;
  episodesAbandoned: number;
  recordsWritten: number;
  messages: number;
  errors: number;
  refusedCapacity: number;
  idleTimeouts: number;
}

export interface DialogymServer {
  readonly url: string;
  readonly port: number;
  readonly host: string;
  stats(): ServerStats;
  /** Stops accepting, lets steps in flight finish and reply, closes every session. Idempotent. */
  drain(): Promise<void>;
}

/** A message at most this many times `maxMessageBytes` is read and answered with an error; above, the connection closes (1009). */
const HARD_LIMIT_FACTOR = 8;
/** Messages queued per session before the socket stops being read (backpressure). */
const QUEUE_HIGH_WATER = 16;

interface WsSession {
  ws: WebSocket;
  session: EnvSession;
  queue: string[];
  busy: boolean;
  /** Date.now() of the last message answered (or of the connection). */
  lastActivity: number;
  closing: boolean;
}

export async function startServer(opts: ServerOptions = {}): Promise<DialogymServer> {
  const host = opts.host ?? '127.0.0.1';
  const maxSessions = opts.maxSessions ?? 64;
  const idleTimeoutMs = opts.idleTimeoutMs ?? 600_000;
  const maxMessageBytes = opts.maxMessageBytes ?? 1 << 20;
  const drainTimeoutMs = opts.drainTimeoutMs ?? 30_000;
  const log = opts.log ?? (() => undefined);
  const token = opts.token ? Buffer.from(opts.token, 'utf8') : undefined;
  if (opts.defaultEnvId) getRegistration(opts.defaultEnvId); // a typo is a ConfigError at startup

  const stats: ServerStats = {
    activeSessions: 0,
    maxSessions,
    stepsInFlight: 0,
    sessionsOpened: 0,
    episodesFinished: 0,
    episodesAbandoned: 0,
    recordsWritten: 0,
    messages: 0,
    errors: 0,
    refusedCapacity: 0,
    idleTimeouts: 0,
  };
  const sessionConfig: SessionConfig = {
    defaultEnvId: opts.defaultEnvId,
    defaultSim: opts.defaultSim,
    llm: opts.llm,
    onRecord: opts.onRecord
      ? (rec: EpisodeRecord) => {
          (opts.onRecord as (r: EpisodeRecord) => void)(rec);
          stats.recordsWritten += 1;
        }
      : undefined,
  };
  const live = new Set<WsSession>();
  let httpEpisodes = 0;
  let draining = false;
  const idleWaiters = new Set<() => void>();
  const notifyIdle = () => {
    for (const w of idleWaiters) w();
  };

  const authorized = (req: IncomingMessage): boolean => {
    if (!token) return true;
    const h = req.headers.authorization ?? '';
    const m = /^Bearer\s+(.+)$/i.exec(h);
    if (!m) return false;
    const given = Buffer.from((m[1] as string).trim(), 'utf8');
    return given.length === token.length && timingSafeEqual(given, token);
  };

  // ---------------------------------------------------------------------------------- HTTP

  const envInfo = new Map<string, Json>();
  const describeEnv = (id: string): Json => {
    let info = envInfo.get(id);
    if (!info) {
      const reg = getRegistration(id);
      let version: string | null = null;
      let maxSteps: number | null = reg.maxEpisodeSteps ?? null;
      try {
        const env = make(id, { disableEnvChecker: true });
        version = env.spec.version;
        maxSteps = env.spec.maxEpisodeSteps ?? maxSteps;
        env.close().catch(() => undefined);
      } catch {
        // An env that cannot be built with its defaults is still listed; reset will report why.
      }
      info = {
        id,
        version,
        description: reg.description ?? '',
        tags: reg.tags ?? [],
        simulators: (reg.simulatorKinds ?? ['scripted']).filter((k) => k !== 'human'),
        max_episode_steps: maxSteps,
        kwargs: reg.kwargs ?? {},
      };
      envInfo.set(id, info);
    }
    return info;
  };

  const metadata = (): Json => {
    if (opts.defaultEnvId) {
      const d = describeEnv(opts.defaultEnvId);
      return {
        name: opts.defaultEnvId,
        description: d.description,
        readme_content: null,
        version: d.version,
        author: 'dialogym',
        documentation_url: null,
      };
    }
    return {
      name: 'dialogym',
      description: `dialogym ${DIALOGYM_VERSION}: every registered environment; pick one with reset's env_id (GET /envs lists them).`,
      readme_content: null,
      version: DIALOGYM_VERSION,
      author: 'dialogym',
      documentation_url: null,
    };
  };

  const sendJson = (res: ServerResponse, status: number, body: Json) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };

  const readBody = (req: IncomingMessage): Promise<string | undefined> =>
    new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let tooBig = false;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size > maxMessageBytes) tooBig = true;
        else chunks.push(c);
      });
      req.on('end', () => resolve(tooBig ? undefined : Buffer.concat(chunks).toString('utf8')));
      req.on('error', reject);
    });

  /** FastAPI's 422 shape: {"detail": [{type, loc, msg}]}. */
  const detailOf = (e: WireError, where: string): Json =>
    Array.isArray(e.extra.errors)
      ? (e.extra.errors as Json[]).map((x) => ({ ...x, loc: ['body', ...((x.loc as string[]) ?? []).filter((l) => l !== 'data')] }))
      : [{ type: 'value_error', loc: ['body', where], msg: e.message }];

  const httpStatusOf = (e: WireError): number => {
    if (e.code === 'VALIDATION_ERROR' || e.code === 'INVALID_JSON') return 422;
    if (e.code === 'CAPACITY_REACHED') return 503;
    return 500;
  };

  /** One stateless episode (POST /reset, /step): counted against capacity while it runs. */
  const statelessEpisode = async (run: (s: EnvSession) => Promise<ObservationReply>): Promise<ObservationReply> => {
    if (live.size + httpEpisodes >= maxSessions) {
      stats.refusedCapacity += 1;
      throw new WireError('CAPACITY_REACHED', `Server at capacity: ${live.size + httpEpisodes}/${maxSessions} sessions`);
    }
    httpEpisodes += 1;
    stats.stepsInFlight += 1;
    // HTTP episodes are not recorded: each request re-runs its episode from the start (see docs/serving.md).
    const session = new EnvSession({ ...sessionConfig, onRecord: undefined });
    try {
      return await run(session);
    } finally {
      httpEpisodes -= 1;
      stats.stepsInFlight -= 1;
      await session.close();
      notifyIdle();
    }
  };

  const handleHttp = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const route = `${req.method} ${path}`;
    if (path === '/health' && req.method === 'GET') {
      sendJson(res, draining ? 503 : 200, { status: draining ? 'unhealthy' : 'healthy' });
      return;
    }
    if (!authorized(req)) {
      res.setHeader('www-authenticate', 'Bearer');
      sendJson(res, 401, { detail: 'Missing or invalid bearer token (DIALOGYM_SERVER_TOKEN)' });
      return;
    }
    if (draining) {
      sendJson(res, 503, { detail: 'server shutting down' });
      return;
    }
    switch (route) {
      case 'GET /metadata':
        sendJson(res, 200, metadata());
        return;
      case 'GET /schema': {
        const envId = url.searchParams.get('env_id');
        const body: Json = { action: actionSchema, observation: observationSchema, state: stateSchema };
        if (envId) {
          try {
            getRegistration(envId);
          } catch (err) {
            sendJson(res, 404, { detail: (err as Error).message });
            return;
          }
          body.observation = { ...observationSchema, 'x-dialogym-env': describeEnv(envId) };
        }
        sendJson(res, 200, body);
        return;
      }
      case 'GET /state':
        sendJson(res, 200, new EnvSession(sessionConfig).state());
        return;
      case 'GET /envs':
        sendJson(res, 200, { default_env: opts.defaultEnvId ?? null, envs: listEnvs({ includeTests: true, includeLegacy: true }).map((r) => describeEnv(r.id)) });
        return;
      case 'GET /status':
        sendJson(res, 200, statusBody());
        return;
      case 'POST /reset':
      case 'POST /step':
      case 'POST /mcp': {
        const text = await readBody(req);
        if (text === undefined) {
          sendJson(res, 413, { detail: `request body above ${maxMessageBytes} bytes` });
          return;
        }
        let body: Json = {};
        if (text.trim() !== '') {
          try {
            body = JSON.parse(text);
          } catch (e) {
            sendJson(res, 422, { detail: [{ type: 'json_invalid', loc: ['body'], msg: `JSON decode error: ${(e as Error).message}` }] });
            return;
          }
        }
        if (route === 'POST /mcp') {
          sendJson(res, 200, mcpUnsupported(body?.id ?? null));
          return;
        }
        try {
          const reply = route === 'POST /reset' ? await httpReset(body) : await httpStep(body);
          sendJson(res, 200, reply);
        } catch (err) {
          const e = err instanceof WireError ? err : new WireError('EXECUTION_ERROR', (err as Error).message);
          stats.errors += 1;
          const status = httpStatusOf(e);
          sendJson(res, status, { detail: status === 422 ? detailOf(e, route === 'POST /step' ? 'action' : 'seed') : e.message });
        }
        return;
      }
      default: {
        const known = ['/health', '/metadata', '/schema', '/state', '/envs', '/status', '/reset', '/step', '/mcp', '/ws'];
        if (known.includes(path)) sendJson(res, 405, { detail: 'Method Not Allowed' });
        else sendJson(res, 404, { detail: 'Not Found' });
      }
    }
  };

  const httpReset = (body: Json) =>
    statelessEpisode(async (s) => {
      if (body === null || typeof body !== 'object' || Array.isArray(body)) {
        throw new WireError('VALIDATION_ERROR', 'the body must be a JSON object', { errors: [{ type: 'model_type', loc: [], msg: 'must be an object' }] });
      }
      return s.reset(parseResetData(body, ''));
    });

  const httpStep = (body: Json) =>
    statelessEpisode(async (s) => {
      if (body === null || typeof body !== 'object' || Array.isArray(body)) {
        throw new WireError('VALIDATION_ERROR', 'the body must be a JSON object', { errors: [{ type: 'model_type', loc: [], msg: 'must be an object' }] });
      }
      const { action, history, timeout_s: timeoutS, request_id: _requestId, ...resetFields } = body as Record<string, Json>;
      if (action === undefined) {
        throw new WireError('VALIDATION_ERROR', 'action is required', { errors: [{ type: 'missing', loc: ['action'], msg: 'Field required' }] });
      }
      const message = parseAction(action, '/action');
      if (history !== undefined && !(Array.isArray(history) && history.every((h) => typeof h === 'string'))) {
        throw new WireError('VALIDATION_ERROR', 'history must be a list of strings', { errors: [{ type: 'list_type', loc: ['history'], msg: 'must be a list of strings' }] });
      }
      if (timeoutS !== undefined && timeoutS !== null && !(typeof timeoutS === 'number' && timeoutS > 0)) {
        throw new WireError('VALIDATION_ERROR', 'timeout_s must be a positive number', { errors: [{ type: 'greater_than', loc: ['timeout_s'], msg: 'must be > 0' }] });
      }
      const run = async (): Promise<ObservationReply> => {
        let last = await s.reset(parseResetData(resetFields, ''));
        for (const h of (history as string[] | undefined) ?? []) {
          if (last.done) throw new WireError('EXECUTION_ERROR', 'history continues after the episode ended');
          last = await s.step(h);
        }
        return s.step(message);
      };
      if (typeof timeoutS !== 'number') return run();
      let timer: NodeJS.Timeout | undefined;
      const running = run();
      // After a timeout the episode is abandoned (its env is closed under it): its failure is nobody's to handle.
      running.catch(() => undefined);
      try {
        return await Promise.race([
          running,
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new WireError('EXECUTION_ERROR', `step took longer than timeout_s=${timeoutS}`)), timeoutS * 1000);
          }),
        ]);
      } finally {
        clearTimeout(timer);
      }
    });

  // ---------------------------------------------------------------------------------- WebSocket

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: maxMessageBytes * HARD_LIMIT_FACTOR,
    perMessageDeflate: false,
    clientTracking: false,
  });

  const send = (s: WsSession, msg: Json) => {
    if (s.ws.readyState === WebSocket.OPEN) s.ws.send(JSON.stringify(msg));
  };

  // One sweep for every session (as OpenEnv's reaper) rather than a timer re-armed on each message.
  const reaper =
    idleTimeoutMs > 0
      ? setInterval(
          () => {
            const now = Date.now();
            for (const s of live) {
              if (s.closing || s.busy || s.queue.length > 0 || now - s.lastActivity < idleTimeoutMs) continue;
              stats.idleTimeouts += 1;
              send(s, errorMessage('SESSION_ERROR', `session idle for ${Math.round(idleTimeoutMs / 1000)} s: closed`));
              void endSession(s, 1001, 'idle timeout');
            }
          },
          Math.max(10, Math.min(idleTimeoutMs / 4, 5000)),
        )
      : undefined;
  reaper?.unref();

  const endSession = async (s: WsSession, code: number, reason: string): Promise<void> => {
    if (s.closing) return;
    s.closing = true;
    s.queue.length = 0;
    // Close the env once its step in flight (if any) has finished: `pump` calls back here.
    if (!s.busy) await finishSession(s);
    // A paused socket would never read the client's close frame (the handshake would wait out ws's 30 s timer).
    if (s.ws.isPaused) s.ws.resume();
    if (s.ws.readyState === WebSocket.OPEN || s.ws.readyState === WebSocket.CONNECTING) s.ws.close(code, reason);
  };

  const finishSession = async (s: WsSession): Promise<void> => {
    if (!live.has(s)) return;
    live.delete(s);
    await s.session.close();
    stats.activeSessions = live.size;
    stats.episodesFinished += s.session.finished;
    stats.episodesAbandoned += s.session.abandoned;
    notifyIdle();
  };

  const handleMessage = async (s: WsSession, text: string): Promise<void> => {
    stats.messages += 1;
    let reply: Json;
    try {
      if (Buffer.byteLength(text, 'utf8') > maxMessageBytes) {
        throw new WireError('VALIDATION_ERROR', `message of ${Buffer.byteLength(text, 'utf8')} bytes is above the ${maxMessageBytes}-byte limit`, {
          errors: [{ type: 'too_long', loc: [], msg: 'message too large' }],
        });
      }
      const msg = parseClientMessage(text);
      switch (msg.type) {
        case 'reset':
          reply = { type: 'observation', data: await s.session.reset(msg.params) };
          break;
        case 'step':
          reply = { type: 'observation', data: await s.session.step(msg.message) };
          break;
        case 'state':
          reply = { type: 'state', data: s.session.state() };
          break;
        case 'mcp':
          reply = { type: 'mcp', data: mcpUnsupported(msg.id) };
          break;
        case 'close':
          await endSession(s, 1000, 'closed by client');
          return;
      }
    } catch (err) {
      stats.errors += 1;
      const e = err instanceof WireError ? err : new WireError('EXECUTION_ERROR', (err as Error)?.message ?? String(err));
      reply = errorMessage(e.code, e.message, e.extra);
    }
    send(s, reply);
  };

  /** Runs a session's messages one at a time, in arrival order. */
  const pump = async (s: WsSession): Promise<void> => {
    if (s.busy) return;
    s.busy = true;
    stats.stepsInFlight += 1;
    try {
      while (s.queue.length > 0 && !s.closing) {
        const text = s.queue.shift() as string;
        if (s.queue.length < QUEUE_HIGH_WATER / 2 && s.ws.isPaused) s.ws.resume();
        await handleMessage(s, text);
      }
    } finally {
      s.busy = false;
      stats.stepsInFlight -= 1;
      s.lastActivity = Date.now();
      if (s.closing) await finishSession(s);
      notifyIdle();
    }
  };

  wss.on('connection', (ws: WebSocket) => {
    if (draining) {
      ws.close(1001, 'server shutting down');
      return;
    }
    if (live.size + httpEpisodes >= maxSessions) {
      // As OpenEnv: the connection is accepted, told why, and closed.
      stats.refusedCapacity += 1;
      ws.send(
        JSON.stringify(
          errorMessage('CAPACITY_REACHED', `Server at capacity: ${live.size + httpEpisodes}/${maxSessions} sessions`, {
            active_sessions: live.size + httpEpisodes,
            max_sessions: maxSessions,
          }),
        ),
      );
      ws.close(1013, 'capacity reached');
      return;
    }
    const s: WsSession = { ws, session: new EnvSession(sessionConfig), queue: [], busy: false, lastActivity: Date.now(), closing: false };
    live.add(s);
    stats.activeSessions = live.size;
    stats.sessionsOpened += 1;
    ws.on('message', (data: RawData) => {
      if (s.closing) return;
      if (draining) {
        send(s, errorMessage('SESSION_ERROR', 'server shutting down: message not run'));
        return;
      }
      // Binary frames are read as UTF-8 text too: JSON in them is accepted, anything else is INVALID_JSON.
      const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
      s.queue.push(buf.toString('utf8'));
      if (s.queue.length >= QUEUE_HIGH_WATER && !ws.isPaused) ws.pause();
      void pump(s);
    });
    ws.on('close', () => {
      void endSession(s, 1000, '');
    });
    ws.on('error', (err) => {
      // A protocol violation (e.g. a message above the hard cap: 1009) ends the connection, never the server.
      log(`connection error: ${err.message}`);
      void endSession(s, 1002, 'protocol error');
    });
  });

  const rejectUpgrade = (socket: Duplex, status: number, text: string, extraHeaders = '') => {
    const body = JSON.stringify({ detail: text });
    socket.end(
      `HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : status === 404 ? 'Not Found' : 'Service Unavailable'}\r\n` +
        `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n${extraHeaders}\r\n${body}`,
    );
  };

  const server: Server = createServer((req, res) => {
    handleHttp(req, res).catch((err) => {
      stats.errors += 1;
      log(`HTTP ${req.method} ${req.url}: ${(err as Error).message}`);
      if (!res.headersSent) sendJson(res, 500, { detail: (err as Error).message });
      else res.destroy();
    });
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => undefined);
    const path = new URL(req.url ?? '/', 'http://x').pathname.replace(/\/+$/, '');
    if (path !== '/ws') return rejectUpgrade(socket, 404, 'Not Found');
    if (!authorized(req)) return rejectUpgrade(socket, 401, 'Missing or invalid bearer token (DIALOGYM_SERVER_TOKEN)', 'www-authenticate: Bearer\r\n');
    if (draining) return rejectUpgrade(socket, 503, 'server shutting down');
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 8000, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;

  const snapshotStats = (): ServerStats => {
    let finished = stats.episodesFinished;
    let abandoned = stats.episodesAbandoned;
    for (const s of live) {
      finished += s.session.finished;
      abandoned += s.session.abandoned;
    }
    return { ...stats, activeSessions: live.size, episodesFinished: finished, episodesAbandoned: abandoned };
  };

  const statusBody = (): Json => {
    const st = snapshotStats();
    return {
      version: DIALOGYM_VERSION,
      draining,
      active_sessions: st.activeSessions,
      max_sessions: st.maxSessions,
      steps_in_flight: st.stepsInFlight,
      sessions_opened: st.sessionsOpened,
      episodes_finished: st.episodesFinished,
      episodes_abandoned: st.episodesAbandoned,
      records_written: st.recordsWritten,
      messages: st.messages,
      error_replies: st.errors,
      refused_at_capacity: st.refusedCapacity,
      idle_timeouts: st.idleTimeouts,
      // This process's CPU time, for the throughput benchmark's per-step cost and for operators.
      cpu_seconds: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
    };
  };

  let drained: Promise<void> | undefined;
  const drain = (): Promise<void> => {
    drained ??= (async () => {
      draining = true;
      if (reaper) clearInterval(reaper);
      server.close();
      // Nothing new is read; what is queued but not started is dropped, what runs finishes and replies.
      for (const s of live) {
        s.queue.length = 0;
        s.ws.pause();
      }
      const deadline = Date.now() + drainTimeoutMs;
      while ((stats.stepsInFlight > 0 || httpEpisodes > 0) && Date.now() < deadline) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(done, Math.max(1, deadline - Date.now()));
          function done() {
            clearTimeout(t);
            idleWaiters.delete(done);
            resolve();
          }
          idleWaiters.add(done);
        });
      }
      if (stats.stepsInFlight > 0) log(`drain: ${stats.stepsInFlight} step(s) still running after ${drainTimeoutMs} ms; closing anyway`);
      const sockets = [...live].map((s) => s.ws);
      await Promise.all([...live].map((s) => endSession(s, 1001, 'server shutting down')));
      // Sessions whose step did not finish in time are closed here (their env is closed under them).
      await Promise.all([...live].map((s) => finishSession(s)));
      // Give clients a moment to answer the close frame, then cut whatever is left.
      const closeBy = Date.now() + 2000;
      while (sockets.some((w) => w.readyState !== WebSocket.CLOSED) && Date.now() < closeBy) await new Promise((r) => setTimeout(r, 10));
      for (const w of sockets) if (w.readyState !== WebSocket.CLOSED) w.terminate();
      server.closeAllConnections?.();
    })();
    return drained;
  };

  return {
    url: `http://${shownHost}:${port}`,
    port,
    host,
    stats: snapshotStats,
    drain,
  };
}
