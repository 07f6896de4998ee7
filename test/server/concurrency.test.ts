/**
 * Sessions are independent: 256 clients at once all finish with no error and no lost record, and
 * a session waiting on a slow LLM simulator never holds up another session's steps.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../../envs/index.js';
import '../../agents/index.js';
import type { EpisodeRecord } from '../../core/record.js';
import { validateRecord } from '../../core/record.js';
import { runJobs } from '../../core/runner.js';
import { startServer } from '../../core/server/server.js';
import { createLlmProvider } from '../../simulators/llm-client.js';
import { type LoopbackServer, startLoopbackServer } from '../support/loopback-server.js';
import { connect } from './ws-client.js';

const ENV = 'GuessNumber-v0';
let llmServer: LoopbackServer;

beforeAll(async () => {
  llmServer = await startLoopbackServer({ latencyMs: 1500 });
});
afterAll(async () => {
  await llmServer.close();
});

describe('concurrent sessions', () => {
  it('256 sessions at once: every episode completes, no error, no lost record, same returns as in process', async () => {
    const N = 256;
    const local: EpisodeRecord[] = [];
    await runJobs(
      Array.from({ length: N }, (_, i) => ({ key: `k${i}`, envId: ENV, seed: 1000 + i, agent: 'expert' })),
      { onRecord: (r) => void local.push(r) },
    );
    const served: EpisodeRecord[] = [];
    const server = await startServer({ port: 0, maxSessions: N, onRecord: (r) => served.push(r) });
    try {
      const returns = await Promise.all(
        local.map(async (rec, i) => {
          const c = await connect(server.url);
          const first = await c.request({ type: 'reset', data: { env_id: ENV, seed: rec.seed, episode_id: `c${i}` } });
          expect(first.type).toBe('observation');
          let ret = 0;
          for (const t of rec.turns) {
            const r = await c.request({ type: 'step', data: { message: t.action } });
            expect(r.type).toBe('observation');
            ret += r.data.reward;
          }
          c.send({ type: 'close' });
          await c.closed;
          return ret;
        }),
      );
      expect(returns).toEqual(local.map((r) => r.turns.reduce((a, t) => a + t.reward, 0)));
      expect(served).toHaveLength(N);
      expect(new Set(served.map((r) => r.key)).size).toBe(N);
      for (const r of served) expect(validateRecord(r).ok).toBe(true);
      const st = server.stats();
      expect(st.errors).toBe(0);
      expect(st.refusedCapacity).toBe(0);
      expect(st.sessionsOpened).toBe(N);
      expect(st.episodesFinished).toBe(N);
    } finally {
      await server.drain();
    }
  });

  it("a slow LLM simulator step in one session does not delay another session's steps", async () => {
    const provider = createLlmProvider({ baseURL: llmServer.url, model: 'sim', noCache: true, timeoutMs: 10_000, maxRepairs: 1 });
    const server = await startServer({ port: 0, llm: { provider, simulator: { kind: 'llm', model: 'sim' } } });
    try {
      const slow = await connect(server.url);
      const fast = await connect(server.url);
      llmServer.resetStats();
      const t0 = performance.now();
      slow.send({ type: 'reset', data: { env_id: ENV, seed: 1, sim: 'llm' } });
      // Start the scripted steps only once the LLM session is really waiting on its reply: under CI
      // load the slow session's request can otherwise reach the LLM server after the fast steps end.
      const waitUntil = performance.now() + 10_000;
      while (llmServer.stats.inFlight + llmServer.stats.chatRequests === 0 && performance.now() < waitUntil) {
        await new Promise((res) => setTimeout(res, 10));
      }
      expect(llmServer.stats.inFlight + llmServer.stats.chatRequests).toBeGreaterThan(0);
      await fast.request({ type: 'reset', data: { env_id: ENV, seed: 1 } });
      const fastSteps: number[] = [];
      for (let i = 0; i < 5; i++) {
        const s0 = performance.now();
        const r = await fast.request({ type: 'step', data: { message: `ASK is it greater than ${10 * (i + 1)}?` } });
        expect(r.type).toBe('observation');
        fastSteps.push(performance.now() - s0);
      }
      const fastDone = performance.now() - t0;
      const slowReply = await slow.next(20_000);
      const slowDone = performance.now() - t0;
      expect(slowReply.type).toBe('observation');
      // The scripted session finished all its steps while the LLM one was still waiting on its 1.5 s reply.
      expect(slowDone).toBeGreaterThan(1400);
      expect(fastDone).toBeLessThan(slowDone);
      // Had the LLM session blocked the server, a scripted step would have waited out its 1.5 s reply.
      expect(Math.max(...fastSteps)).toBeLessThan(1000);
      slow.close();
      fast.close();
    } finally {
      await server.drain();
    }
  });

  it('POST /step honours timeout_s; the abandoned episode ends quietly and the server keeps serving', async () => {
    const provider = createLlmProvider({ baseURL: llmServer.url, model: 'sim', noCache: true, timeoutMs: 10_000, maxRepairs: 1 });
    const server = await startServer({ port: 0, llm: { provider, simulator: { kind: 'llm', model: 'sim' } } });
    try {
      const r = await fetch(`${server.url}/step`, {
        method: 'POST',
        body: JSON.stringify({ env_id: ENV, seed: 1, sim: 'llm', action: { message: 'ASK is it even?' }, timeout_s: 0.2 }),
      });
      expect(r.status).toBe(500);
      expect(((await r.json()) as { detail: string }).detail).toMatch(/timeout_s=0.2/);
      // Let the abandoned LLM call come back and fail against its closed env.
      await new Promise((res) => setTimeout(res, 3500));
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
      const c = await connect(server.url);
      expect((await c.request({ type: 'reset', data: { env_id: ENV, seed: 2 } })).type).toBe('observation');
      c.close();
    } finally {
      await server.drain();
    }
  });
});
