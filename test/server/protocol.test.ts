/**
 * OpenEnv's wire protocol as dialogym serves it: the HTTP routes, the WebSocket messages and their
 * error codes, and what a lab server must survive (bad input, capacity, idle clients, killed
 * clients, tokens) while staying up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import '../../envs/index.js';
import '../../agents/index.js';
import type { EpisodeRecord } from '../../core/record.js';
import { validateRecord } from '../../core/record.js';
import { validate } from '../../core/schema.js';
import { actionSchema, observationSchema, serverMessageSchema, stateSchema } from '../../core/server/protocol.js';
import { type DialogymServer, startServer } from '../../core/server/server.js';
import { taskSeed } from '../../core/server/session.js';
import type { Json } from '../../core/types.js';
import { splitSeeds } from '../../eval/splits.js';
import { connect, wsUrl } from './ws-client.js';

const ENV = 'GuessNumber-v0';
const records: EpisodeRecord[] = [];
let server: DialogymServer;

beforeAll(async () => {
  server = await startServer({ port: 0, maxSessions: 8, maxMessageBytes: 4096, onRecord: (r) => records.push(r) });
});
afterAll(async () => {
  await server.drain();
});

const get = async (path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Json }> => {
  const r = await fetch(`${server.url}${path}`, { headers });
  return { status: r.status, body: await r.json() };
};
const post = async (path: string, body: string | Json, base = server.url): Promise<{ status: number; body: Json }> => {
  const r = await fetch(`${base}${path}`, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  return { status: r.status, body: await r.json() };
};

describe('HTTP routes', () => {
  it('GET /health, /metadata, /schema, /state, /envs answer as OpenEnv does', async () => {
    expect(await get('/health')).toEqual({ status: 200, body: { status: 'healthy' } });
    const meta = await get('/metadata');
    expect(Object.keys(meta.body).sort()).toEqual(['author', 'description', 'documentation_url', 'name', 'readme_content', 'version']);
    const schema = await get('/schema');
    expect(schema.body).toEqual({ action: actionSchema, observation: observationSchema, state: stateSchema });
    // The action is one required string: generic clients map assistant text to it with no glue.
    expect(schema.body.action.required).toEqual(['message']);
    expect(schema.body.action.properties.message.type).toBe('string');
    const state = await get('/state');
    expect(validate(stateSchema, state.body).errors).toEqual([]);
    expect(state.body.step_count).toBe(0);
    const envs = await get('/envs');
    expect(envs.body.envs.map((e: Json) => e.id)).toContain(ENV);
    expect(envs.body.envs.find((e: Json) => e.id === ENV).version).toMatch(/^\d+\.\d+\.\d+$/);
    expect((await get('/schema?env_id=Nope-v0')).status).toBe(404);
    expect((await get('/nope')).status).toBe(404);
    expect((await post('/health', {})).status).toBe(405);
  });

  it('POST /reset and /step are stateless, as in OpenEnv: /step re-runs the episode from its reset fields and history', async () => {
    const reset = await post('/reset', { env_id: ENV, seed: 5 });
    expect(reset.status).toBe(200);
    expect(Object.keys(reset.body).sort()).toEqual(['done', 'observation', 'reward']);
    expect(reset.body.reward).toBeNull();
    expect(validate(observationSchema, reset.body.observation).errors).toEqual([]);
    const c = await connect(server.url);
    await c.request({ type: 'reset', data: { env_id: ENV, seed: 5 } });
    const ws1 = await c.request({ type: 'step', data: { message: 'ASK is it greater than 50?' } });
    const ws2 = await c.request({ type: 'step', data: { message: 'ASK is it even?' } });
    c.close();
    const h1 = await post('/step', { env_id: ENV, seed: 5, action: { message: 'ASK is it greater than 50?' } });
    const h2 = await post('/step', { env_id: ENV, seed: 5, history: ['ASK is it greater than 50?'], action: { message: 'ASK is it even?' } });
    const strip = (o: Json) => ({ ...o, episode_id: '' });
    expect(strip(h1.body.observation)).toEqual(strip(ws1.data.observation));
    expect(h2.body.reward).toBe(ws2.data.reward);
    expect(strip(h2.body.observation)).toEqual(strip(ws2.data.observation));
  });

  it('bad HTTP bodies are 422 with FastAPI-style details, never a crash', async () => {
    const notJson = await post('/reset', '{bad');
    expect(notJson.status).toBe(422);
    expect(notJson.body.detail[0].type).toBe('json_invalid');
    const badSeed = await post('/reset', { env_id: ENV, seed: -1 });
    expect(badSeed.status).toBe(422);
    expect(JSON.stringify(badSeed.body.detail)).toContain('seed');
    const unknownField = await post('/reset', { env_id: ENV, sed: 1 });
    expect(unknownField.status).toBe(422);
    expect(JSON.stringify(unknownField.body.detail)).toContain("unknown field 'sed'");
    const noAction = await post('/step', { env_id: ENV, seed: 1 });
    expect(noAction.status).toBe(422);
    const badAction = await post('/step', { env_id: ENV, seed: 1, action: { msg: 'x' } });
    expect(badAction.status).toBe(422);
    const unknownEnv = await post('/reset', { env_id: 'GuesNumber-v0' });
    expect(unknownEnv.status).toBe(422);
    expect(JSON.stringify(unknownEnv.body.detail)).toContain('Did you mean GuessNumber-v0');
    const big = await post('/reset', { env_id: ENV, episode_id: 'x'.repeat(10_000) });
    expect(big.status).toBe(413);
    const mcp = await post('/mcp', { jsonrpc: '2.0', id: 7, method: 'tools/list', params: {} });
    expect(mcp.body).toEqual({ jsonrpc: '2.0', id: 7, error: { code: -32603, message: 'Environment does not support MCP' } });
    expect((await get('/health')).body.status).toBe('healthy');
  });
});

describe('WebSocket /ws', () => {
  it('reset by split and task index gives the split task seed; state reports it; a mismatching seed is refused', async () => {
    const c = await connect(server.url);
    const seed = splitSeeds(ENV, 'test', 4)[3] as number;
    expect(taskSeed(ENV, 'test', 3)).toBe(seed);
    const r = await c.request({ type: 'reset', data: { env_id: ENV, split: 'test', task_index: 3 } });
    expect(r.type).toBe('observation');
    const state = await c.request({ type: 'state' });
    expect(state.data).toMatchObject({ seed, split: 'test', task_index: 3, env_id: ENV, step_count: 0, done: false });
    const bad = await c.request({ type: 'reset', data: { env_id: ENV, split: 'test', task_index: 3, seed: seed + 1 } });
    expect(bad.data.code).toBe('VALIDATION_ERROR');
    const half = await c.request({ type: 'reset', data: { env_id: ENV, split: 'dev' } });
    expect(half.data.code).toBe('VALIDATION_ERROR');
    c.close();
  });

  it("every malformed message gets OpenEnv's error code and the session keeps working", async () => {
    const c = await connect(server.url);
    const cases: [string | Buffer, string, boolean?][] = [
      ['not json', 'INVALID_JSON'],
      ['[1, 2]', 'VALIDATION_ERROR'],
      ['{"type": "dance"}', 'UNKNOWN_TYPE'],
      ['{"data": {}}', 'UNKNOWN_TYPE'],
      ['{"type": "reset", "data": {"seed": "seven"}}', 'VALIDATION_ERROR'],
      ['{"type": "reset", "data": {"env_id": "GuessNumber-v0", "sim": "telepathy"}}', 'VALIDATION_ERROR'],
      ['{"type": "reset", "data": {"env_id": "ClarifySearch-v0", "kwargs": {"split": "nope"}}}', 'VALIDATION_ERROR'],
      ['{"type": "reset", "data": {}}', 'VALIDATION_ERROR'],
      ['{"type": "reset", "data": {"env_id": "GuessNumber-v0"}, "extra": 1}', 'VALIDATION_ERROR'],
      ['{"type": "step", "data": {"message": "ASK x"}}', 'EXECUTION_ERROR'],
      ['{"type": "step"}', 'VALIDATION_ERROR'],
      ['{"type": "step", "data": {"message": 42}}', 'VALIDATION_ERROR'],
      ['{"type": "state", "data": {}}', 'VALIDATION_ERROR'],
      [`{"type": "step", "data": {"message": "${'a'.repeat(5000)}"}}`, 'VALIDATION_ERROR'],
      [Buffer.from([0xff, 0xfe, 0x00]), 'INVALID_JSON', true],
    ];
    for (const [raw, code, binary] of cases) {
      c.sendRaw(raw, binary);
      const reply = await c.next();
      expect(reply.type, String(raw).slice(0, 60)).toBe('error');
      expect(reply.data.code, String(raw).slice(0, 60)).toBe(code);
      expect(validate(serverMessageSchema, reply).errors).toEqual([]);
    }
    const mcp = await c.request({ type: 'mcp', data: { jsonrpc: '2.0', id: 3, method: 'tools/list', params: {} } });
    expect(mcp).toEqual({ type: 'mcp', data: { jsonrpc: '2.0', id: 3, error: { code: -32603, message: 'Environment does not support MCP' } } });
    // Still serving this very session.
    const ok = await c.request({ type: 'reset', data: { env_id: ENV, seed: 1 } });
    expect(ok.type).toBe('observation');
    const step = await c.request({ type: 'step', data: { message: 'GUESS 50' } });
    expect(step.data.done).toBe(true);
    const after = await c.request({ type: 'step', data: { message: 'GUESS 51' } });
    expect(after.data.code).toBe('EXECUTION_ERROR');
    c.close();
  });

  it('a message above the hard cap closes that connection (1009), not the server', async () => {
    const c = await connect(server.url);
    c.sendRaw('x'.repeat(4096 * 8 + 10));
    const how = await c.closed;
    expect(how.code).toBe(1009);
    expect((await get('/health')).body.status).toBe('healthy');
  });

  it('close: the server closes the connection and frees the session', async () => {
    const c = await connect(server.url);
    await c.request({ type: 'reset', data: { env_id: ENV, seed: 2 } });
    c.send({ type: 'close' });
    const how = await c.closed;
    expect(how.code).toBe(1000);
    await waitFor(async () => (await get('/status')).body.active_sessions === 0);
  });

  it('a killed client mid-episode leaves the server serving; its unfinished episode is not recorded', async () => {
    const before = records.length;
    const c = await connect(server.url);
    await c.request({ type: 'reset', data: { env_id: ENV, seed: 3, episode_id: 'killed' } });
    await c.request({ type: 'step', data: { message: 'ASK is it even?' } });
    c.send({ type: 'step', data: { message: 'ASK is it greater than 10?' } });
    c.ws.terminate(); // TCP reset, no close frame, a step possibly in flight
    await waitFor(async () => (await get('/status')).body.active_sessions === 0);
    expect(records.slice(before).some((r) => r.key.endsWith('/killed'))).toBe(false);
    const d = await connect(server.url);
    await d.request({ type: 'reset', data: { env_id: ENV, seed: 3, episode_id: 'after-kill' } });
    const end = await d.request({ type: 'step', data: { message: 'GUESS 42' } });
    expect(end.data.done).toBe(true);
    d.close();
    const rec = records.find((r) => r.key === `${ENV}/served/after-kill`);
    expect(rec && validateRecord(rec).ok).toBe(true);
  });

  it('a reset during an episode abandons it: only finished episodes are recorded', async () => {
    const c = await connect(server.url);
    await c.request({ type: 'reset', data: { env_id: ENV, seed: 4, episode_id: 'abandoned' } });
    await c.request({ type: 'step', data: { message: 'ASK is it even?' } });
    await c.request({ type: 'reset', data: { env_id: ENV, seed: 4, episode_id: 'finished' } });
    await c.request({ type: 'step', data: { message: 'GUESS 7' } });
    c.close();
    await c.closed;
    expect(records.some((r) => r.key.endsWith('/abandoned'))).toBe(false);
    expect(records.some((r) => r.key.endsWith('/finished'))).toBe(true);
  });
});

describe('capacity, idle timeout and tokens', () => {
  it('the session past --max-sessions gets CAPACITY_REACHED and is closed; a freed slot is reusable', async () => {
    const s = await startServer({ port: 0, maxSessions: 2 });
    try {
      const a = await connect(s.url);
      const b = await connect(s.url);
      const c = await connect(s.url);
      const refusal = await c.next();
      expect(refusal).toEqual({
        type: 'error',
        data: { message: 'Server at capacity: 2/2 sessions', code: 'CAPACITY_REACHED', active_sessions: 2, max_sessions: 2 },
      });
      await c.closed;
      expect((await post('/reset', { env_id: ENV }, s.url)).status).toBe(503);
      a.close();
      await a.closed;
      await waitFor(async () => s.stats().activeSessions === 1);
      const d = await connect(s.url);
      expect((await d.request({ type: 'reset', data: { env_id: ENV, seed: 1 } })).type).toBe('observation');
      b.close();
      d.close();
    } finally {
      await s.drain();
    }
  });

  it('an idle session is told why and closed; an active one is not', async () => {
    const s = await startServer({ port: 0, idleTimeoutMs: 300 });
    try {
      const idle = await connect(s.url);
      const busy = await connect(s.url);
      await idle.request({ type: 'reset', data: { env_id: ENV, seed: 1 } });
      const t0 = Date.now();
      while (Date.now() - t0 < 700) {
        await busy.request({ type: 'state' });
        await sleep(100);
      }
      const notice = await idle.next();
      expect(notice.data.code).toBe('SESSION_ERROR');
      expect(notice.data.message).toMatch(/idle/);
      expect((await idle.closed).code).toBe(1001);
      expect(busy.ws.readyState).toBe(WebSocket.OPEN);
      expect(s.stats().idleTimeouts).toBe(1);
      busy.close();
    } finally {
      await s.drain();
    }
  });

  it('with a token, every route but /health needs the bearer header', async () => {
    const s = await startServer({ port: 0, token: 's3cret' });
    try {
      expect((await fetch(`${s.url}/health`)).status).toBe(200);
      expect((await fetch(`${s.url}/schema`)).status).toBe(401);
      expect((await fetch(`${s.url}/schema`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
      expect((await fetch(`${s.url}/schema`, { headers: { authorization: 'Bearer s3cret' } })).status).toBe(200);
      await expect(connect(s.url)).rejects.toThrow(/HTTP 401/);
      await expect(connect(s.url, { token: 'nope' })).rejects.toThrow(/HTTP 401/);
      const c = await connect(s.url, { token: 's3cret' });
      expect((await c.request({ type: 'reset', data: { env_id: ENV, seed: 1 } })).type).toBe('observation');
      c.close();
    } finally {
      await s.drain();
    }
  });

  it('upgrades on other paths are refused', async () => {
    const ws = new WebSocket(`${wsUrl(server.url).replace(/\/ws$/, '/other')}`);
    const status = await new Promise<number>((resolve) => {
      ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.once('error', () => resolve(-1));
    });
    expect(status).toBe(404);
  });
});

async function waitFor(cond: () => Promise<boolean> | boolean, timeoutMs = 5000): Promise<void> {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > timeoutMs) throw new Error('condition not met in time');
    await sleep(20);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
