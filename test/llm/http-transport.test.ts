/**
 * The three HTTP paths of the LLM client (simulators/llm-http.ts) behave the same: `undici` (the
 * default: completions POSTed directly over undici's pool, without the `openai` package), `sdk`
 * (the `openai` package over that pool) and `fetch` (the package over Node's fetch): the same
 * replies and usage for plain and streamed completions, the same typed outcome for every injected
 * fault (retried once, typed error when it persists), the same result for a refused connection and
 * for `ping`. The direct path really bypasses the package. A request body the undici fetch does
 * not take goes through Node's `fetch`.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLlmProvider, type LlmProviderConfig } from '../../simulators/llm-client.js';
import { LlmError } from '../../simulators/llm-errors.js';
import { createUndiciFetch } from '../../simulators/llm-http.js';
import { type FaultKind, type LoopbackServer, startLoopbackServer } from '../support/loopback-server.js';

const schema = {
  type: 'object',
  required: ['utterance', 'answer'],
  additionalProperties: false,
  properties: { utterance: { type: 'string', minLength: 1 }, answer: { enum: ['yes', 'no', 'unknown'] } },
};

let server: LoopbackServer;
beforeAll(async () => {
  server = await startLoopbackServer({ latencyMs: 1, retryAfterMs: 5, hangMs: 5_000 });
});
afterAll(async () => {
  await server.close();
});

const TRANSPORTS = ['undici', 'sdk', 'fetch'] as const;

function provider(http: (typeof TRANSPORTS)[number], extra: Partial<LlmProviderConfig> = {}) {
  return createLlmProvider({
    baseURL: server.url,
    apiKey: 'sk-transport-test',
    model: 'loopback-model',
    noCache: true,
    timeoutMs: 2_000,
    retryBaseMs: 1,
    retryMaxDelayMs: 5,
    maxRetries: 2,
    http,
    ...extra,
  });
}

const request = (i: number) => ({
  messages: [
    { role: 'system' as const, content: 'You are a test user.' },
    { role: 'user' as const, content: `transport question ${i}` },
  ],
  schema,
  seed: i,
});

/** What a call came to, transport-independent: the value and usage, or the error type. */
async function outcome(p: ReturnType<typeof provider>, i: number): Promise<string> {
  try {
    const r = await p.complete(request(i));
    return JSON.stringify({ value: r.value, usage: r.usage });
  } catch (err) {
    expect(err).toBeInstanceOf(LlmError);
    return `error ${(err as LlmError).type}`;
  }
}

describe('the HTTP paths of the LLM client', () => {
  it('give the same replies and usage, plain and streamed', async () => {
    for (const stream of [false, true]) {
      const results = [];
      for (const http of TRANSPORTS) {
        server.setFaults(undefined);
        const p = provider(http, { stream });
        const out: string[] = [];
        for (let i = 0; i < 5; i++) out.push(await outcome(p, i));
        results.push(out);
      }
      expect(results[1]).toEqual(results[0]);
      expect(results[2]).toEqual(results[0]);
      expect(results[0]?.every((r) => r.startsWith('{'))).toBe(true);
    }
  });

  it.each(['rate_limit', 'server_error', 'hang', 'truncated', 'non_json', 'empty', 'schema_violation'] as const)(
    '%s: the same outcome once and when it persists',
    async (kind: FaultKind) => {
      const seen: string[][] = [];
      for (const http of TRANSPORTS) {
        const p = provider(http, { timeoutMs: kind === 'hang' ? 250 : 2_000 });
        const out: string[] = [];
        server.resetStats();
        server.setFaults({ script: [kind] });
        out.push(await outcome(p, 100));
        out.push(`requests ${server.stats.chatRequests}`);
        // The script counts requests from the last reset.
        server.resetStats();
        server.setFaults({ script: [kind, kind, kind, kind] });
        out.push(await outcome(p, 101));
        out.push(`retries ${p.stats.retries} repairs ${p.stats.repairs} requests ${server.stats.chatRequests}`);
        seen.push(out);
      }
      expect(seen[1]).toEqual(seen[0]);
      expect(seen[2]).toEqual(seen[0]);
      expect(seen[0]?.[0]?.startsWith('{')).toBe(true);
      expect(seen[0]?.[2]?.startsWith('error ')).toBe(true);
      server.setFaults(undefined);
    },
  );

  it('a refused connection is llm_unavailable and fatal on every path', async () => {
    // A port that was free a moment ago: nothing listens on it.
    const port = await new Promise<number>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    for (const http of TRANSPORTS) {
      const p = createLlmProvider({ baseURL: `http://127.0.0.1:${port}/v1`, model: 'm', noCache: true, http, maxRetries: 1, retryBaseMs: 1, retryMaxDelayMs: 2 });
      const err = await p.complete(request(1)).then(
        () => undefined,
        (e: unknown) => e as LlmError,
      );
      expect(err?.type).toBe('llm_unavailable');
      expect(err?.message).toMatch(/ECONNREFUSED/);
      expect(p.fatal).toBeDefined();
    }
  });

  it('ping lists the models on every path', async () => {
    server.setFaults(undefined);
    const got = [];
    for (const http of TRANSPORTS) got.push(await provider(http).ping());
    expect(got[1]).toEqual(got[0]);
    expect(got[2]).toEqual(got[0]);
    expect(got[0]?.models?.length).toBeGreaterThan(0);
  });

  it('the default path sends completions without the openai package; sdk and fetch through it', async () => {
    server.setFaults(undefined);
    const counts: Record<string, [number, number]> = {};
    for (const http of TRANSPORTS) {
      server.resetStats();
      const p = provider(http);
      for (let i = 0; i < 3; i++) await p.complete(request(200 + i));
      counts[http] = [server.stats.chatRequestsByOthers, server.stats.chatRequestsBySdk];
    }
    expect(counts).toEqual({ undici: [3, 0], sdk: [0, 3], fetch: [0, 3] });
  });

  it('error statuses read alike on every path: type, HTTP status and the message of the server', async () => {
    const seen: string[] = [];
    for (const http of TRANSPORTS) {
      // 401 with a JSON error body (the key echoed, so scrubbed), and a 404 for an unknown route.
      const keyed = await startLoopbackServer({ requireApiKey: 'the-right-key' });
      try {
        const p = createLlmProvider({ baseURL: keyed.url, apiKey: 'sk-wrong-key-123', model: 'm', noCache: true, http, maxRetries: 0 });
        const err = await p.complete(request(1)).then(
          () => undefined,
          (e: unknown) => e as LlmError,
        );
        seen.push(`${err?.type} ${err?.message}`.replace(keyed.url, '<url>'));
        expect(err?.message).not.toContain('sk-wrong-key-123');
      } finally {
        await keyed.close();
      }
      const wrongRoute = createLlmProvider({ baseURL: `${server.url}/nowhere`, model: 'm', noCache: true, http, maxRetries: 0 });
      const err = await wrongRoute.complete(request(2)).then(
        () => undefined,
        (e: unknown) => e as LlmError,
      );
      seen.push(`${err?.type} ${err?.message}`);
    }
    expect(seen[2]).toEqual(seen[0]);
    expect(seen[4]).toEqual(seen[0]);
    expect(seen[3]).toEqual(seen[1]);
    expect(seen[5]).toEqual(seen[1]);
    expect(seen[0]).toMatch(/llm_auth .*401/);
    expect(seen[1]).toMatch(/llm_bad_request .*404: no route/);
  });

  it('keeps connections alive and hands unusual bodies to fetch', async () => {
    const f = createUndiciFetch({ connections: 2 });
    try {
      const before = server.stats.requests;
      for (let i = 0; i < 3; i++) {
        const r = await f(`${server.url}/models`);
        expect(r.status).toBe(200);
        expect(((await r.json()) as { data: unknown[] }).data.length).toBeGreaterThan(0);
      }
      // A Blob body is not a string or bytes: it goes through Node's fetch, with the same result.
      const viaFetch = await f(`${server.url}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: new Blob([JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] })]),
      });
      expect(viaFetch.status).toBe(200);
      expect(server.stats.requests - before).toBe(4);
    } finally {
      await f.close();
    }
  });
});
