/**
 * Every fault the loopback server can inject, against the real provider, with its outcome:
 * retried and succeeded, repaired, fell back, or a typed error (and, for a dead endpoint, a fatal
 * provider that fails fast).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validate } from '../../core/schema.js';
import { createLlmProvider, type LlmProviderConfig } from '../../simulators/llm-client.js';
import { LlmError, LlmUnavailableError } from '../../simulators/llm-errors.js';
import { type FaultKind, type LoopbackServer, startLoopbackServer } from '../support/loopback-server.js';

const schema = {
  type: 'object',
  required: ['utterance', 'answer'],
  additionalProperties: false,
  properties: { utterance: { type: 'string', minLength: 1 }, answer: { enum: ['yes', 'no', 'unknown'] } },
};

let server: LoopbackServer;
let n = 0;

beforeAll(async () => {
  server = await startLoopbackServer({ latencyMs: 1, retryAfterMs: 40, hangMs: 5_000 });
  // Warm the HTTP stack so the first measured request is not slowed by lazy loading.
  await provider().complete({ messages: [{ role: 'user', content: 'warm-up' }] });
});
afterAll(async () => {
  await server.close();
});

function provider(extra: Partial<LlmProviderConfig> = {}) {
  return createLlmProvider({
    baseURL: server.url,
    apiKey: 'sk-fault-test-key-0001',
    model: 'loopback-model',
    noCache: true,
    timeoutMs: 2_000,
    retryBaseMs: 2,
    retryMaxDelayMs: 10,
    maxRetries: 3,
    ...extra,
  });
}

/** The next request gets `faults` in order, then the server behaves. */
function inject(...faults: (FaultKind | 'ok')[]) {
  server.resetStats();
  server.setFaults({ script: faults });
}

async function ask(p: ReturnType<typeof provider>, withSchema = true) {
  n += 1;
  return p.complete({
    messages: [
      { role: 'system', content: 'You are a test user.' },
      { role: 'user', content: `question ${n}` },
    ],
    schema: withSchema ? schema : undefined,
    seed: n,
  });
}

async function failure(promise: Promise<unknown>): Promise<LlmError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(LlmError);
    return err as LlmError;
  }
  throw new Error('expected the call to fail');
}

describe('transport faults are retried', () => {
  it.each([
    ['rate_limit', 'llm_server_error'],
    ['server_error', 'llm_server_error'],
    ['hang', 'llm_timeout'],
    ['truncated', 'llm_server_error'],
    ['non_json', 'llm_server_error'],
  ] as const)('%s once: retried and succeeded; always: typed error %s', async (kind, type) => {
    // Only hangs need a short timeout; elsewhere a slow CI machine must not turn into timeouts.
    const p = provider({ timeoutMs: kind === 'hang' ? 300 : 2_000 });
    inject(kind);
    const ok = await ask(p);
    expect(validate(schema, ok.value).ok).toBe(true);
    expect(p.stats.retries).toBe(1);
    expect(server.stats.chatRequests).toBe(2);
    expect(server.stats.faults[kind]).toBe(1);
    expect(ok.usage.calls).toBe(1);

    inject(kind, kind, kind, kind, kind, kind);
    const err = await failure(ask(p));
    expect(err.type).toBe(type);
    expect(err.message).toContain('gave up after 4 attempts');
    expect(server.stats.chatRequests).toBe(4);
    expect(err.message).not.toContain('sk-fault-test-key-0001');
  });

  it('streams too: a truncated event stream is retried', async () => {
    const p = provider({ stream: true });
    inject('truncated');
    const ok = await ask(p);
    expect(validate(schema, ok.value).ok).toBe(true);
    expect(server.stats.streamed).toBe(2);
    expect(p.stats.retries).toBe(1);
    expect(ok.usage.promptTokens).toBeGreaterThan(0);
  });

  it('honours retry-after-ms instead of its own backoff', async () => {
    const p = provider({ retryBaseMs: 1, retryMaxDelayMs: 1 });
    inject('rate_limit');
    const t0 = performance.now();
    await ask(p);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(38);
  });

  it('a 429 pauses the other callers too', async () => {
    const s = await startLoopbackServer({ retryAfterMs: 400, faults: { script: ['rate_limit'] } });
    try {
      const p = createLlmProvider({ baseURL: s.url, model: 'm', noCache: true });
      const first = p.complete({ messages: [{ role: 'user', content: 'first' }] });
      // Let the first request get its 429 (retry-after 400 ms) before the second one starts.
      while (s.stats.chatRequests < 1) await new Promise((r) => setTimeout(r, 1));
      await new Promise((r) => setTimeout(r, 30));
      const t1 = performance.now();
      await p.complete({ messages: [{ role: 'user', content: 'second' }] });
      // Unpaused the second call takes a few ms; paused it waits out most of the 400 ms.
      expect(performance.now() - t1).toBeGreaterThanOrEqual(250);
      await first;
      expect(s.stats.chatRequests).toBe(3);
    } finally {
      await s.close();
    }
  });

  it('bounds the total retry time', async () => {
    const p = provider({ maxRetries: 50, maxRetryTimeMs: 100 });
    inject(...Array<FaultKind>(50).fill('rate_limit'));
    const t0 = performance.now();
    const err = await failure(ask(p));
    expect(err.type).toBe('llm_server_error');
    // 40 ms per retry-after: two waits fit in 100 ms, a third would not.
    expect(server.stats.chatRequests).toBe(3);
    expect(performance.now() - t0).toBeLessThan(1_000);
  });
});

describe('bad output is repaired, then a typed error', () => {
  it.each(['schema_violation', 'empty'] as const)('%s once: repaired', async (kind) => {
    const p = provider({ maxRepairs: 2 });
    server.resetStats();
    server.setFaults({ script: [kind] });
    const ok = await ask(p);
    expect(validate(schema, ok.value).ok).toBe(true);
    expect(p.stats.repairs).toBe(1);
    expect(ok.usage.calls).toBe(2);
  });

  it.each(['schema_violation', 'empty'] as const)('%s every time: llm_invalid_output after the repairs', async (kind) => {
    const p = provider({ maxRepairs: 2 });
    inject(kind, kind, kind, kind);
    const err = await failure(ask(p));
    expect(err.type).toBe('llm_invalid_output');
    expect(server.stats.chatRequests).toBe(3);
    expect((err as LlmError & { usage?: { calls: number } }).usage?.calls).toBe(3);
  });

  it('sends the validation errors back to the model', async () => {
    const s = await startLoopbackServer({ keepBodies: true, faults: { script: ['schema_violation'] } });
    try {
      const p = createLlmProvider({ baseURL: s.url, model: 'm', noCache: true });
      await p.complete({ messages: [{ role: 'user', content: 'hi' }], schema });
      expect(s.bodies).toHaveLength(2);
      const repair = s.bodies[1].messages.at(-1).content as string;
      expect(repair).toMatch(/\/utterance is required/);
      expect(s.bodies[1].messages.at(-2).role).toBe('assistant');
    } finally {
      await s.close();
    }
  });

  it('env checks reject schema-valid turns and are repaired like schema errors', async () => {
    const p = provider({ maxRepairs: 3 });
    server.resetStats();
    server.setFaults(undefined);
    let calls = 0;
    const r = await p.complete({
      messages: [{ role: 'user', content: 'check me' }],
      schema,
      check: () => (++calls < 3 ? 'that answer breaks the rules' : null),
    });
    expect(calls).toBe(3);
    expect(p.stats.repairs).toBe(2);
    expect(r.usage.calls).toBe(3);
  });
});

describe('servers without json_schema support', () => {
  it('auto: falls back to JSON in text after the 400 and stays there', async () => {
    const p = provider({ jsonMode: 'auto' });
    server.resetStats();
    server.setFaults({ rejectJsonSchema: true });
    const a = await ask(p);
    const b = await ask(p);
    expect(validate(schema, a.value).ok && validate(schema, b.value).ok).toBe(true);
    expect(a.text).toContain('```json');
    expect(p.jsonMode).toBe('text');
    expect(p.stats.fellBackToText).toBe(true);
    expect(server.stats.faults.reject_json_schema).toBe(1);
    expect(server.stats.textSchemaRequests).toBe(2);
  });

  it('schema: the 400 is a fatal llm_bad_request that names the fix', async () => {
    const p = provider({ jsonMode: 'schema' });
    server.setFaults({ rejectJsonSchema: true });
    const err = await failure(ask(p));
    expect(err.type).toBe('llm_bad_request');
    expect(err.message).toContain('--json-mode');
    expect(err.fatal).toBe(true);
  });

  it('text: never asks for response_format', async () => {
    const p = provider({ jsonMode: 'text' });
    server.resetStats();
    server.setFaults({ rejectJsonSchema: true });
    await ask(p);
    expect(server.stats.jsonSchemaRequests + (server.stats.faults.reject_json_schema ?? 0)).toBe(0);
    expect(server.stats.textSchemaRequests).toBe(1);
  });
});

describe('an endpoint that is down', () => {
  it('connection refused: llm_unavailable, then the provider is fatal and fails at once', async () => {
    const s = await startLoopbackServer();
    const url = s.url;
    await s.close();
    const p = createLlmProvider({ baseURL: url, model: 'm', noCache: true, retryBaseMs: 1, maxRetries: 2 });
    const err = await failure(p.complete({ messages: [{ role: 'user', content: 'x' }] }));
    expect(err.type).toBe('llm_unavailable');
    expect(err).toBeInstanceOf(LlmUnavailableError);
    expect(p.fatal).toBeDefined();
    const t0 = performance.now();
    await failure(p.complete({ messages: [{ role: 'user', content: 'y' }] }));
    expect(performance.now() - t0).toBeLessThan(50);
  });

  it('a refused key is fatal and never echoed', async () => {
    const s = await startLoopbackServer({ requireApiKey: 'right-key' });
    try {
      const p = createLlmProvider({ baseURL: s.url, apiKey: 'sk-wrong-key-abcdef123', model: 'm', noCache: true });
      const err = await failure(p.complete({ messages: [{ role: 'user', content: 'x' }] }));
      expect(err.type).toBe('llm_auth');
      expect(p.fatal).toBeDefined();
      expect(err.message).not.toContain('sk-wrong-key-abcdef123');
      expect(s.stats.requests).toBe(1);
    } finally {
      await s.close();
    }
  });

  it('N consecutive failed calls make the provider fatal; a success resets the count', async () => {
    const p = provider({ maxRetries: 0, fatalAfterFailures: 3 });
    inject('server_error', 'server_error', 'ok', 'server_error', 'server_error', 'server_error');
    await failure(ask(p));
    await failure(ask(p));
    await ask(p);
    expect(p.fatal).toBeUndefined();
    await failure(ask(p));
    await failure(ask(p));
    const third = await failure(ask(p));
    expect(third).toBeInstanceOf(LlmUnavailableError);
    expect(p.fatal).toBeDefined();
    const before = server.stats.chatRequests;
    await failure(ask(p));
    expect(server.stats.chatRequests).toBe(before);
  });
});

describe('usage and cost', () => {
  it('reports the server token counts and prices them', async () => {
    const s = await startLoopbackServer({ promptTokens: 1000, completionTokens: 200 });
    try {
      const p = createLlmProvider({
        baseURL: s.url,
        model: 'priced',
        noCache: true,
        prices: { priced: { prompt: 2, completion: 10 } },
      });
      const r = await p.complete({ messages: [{ role: 'user', content: 'x' }], schema });
      expect(r.usage).toMatchObject({ promptTokens: 1000, completionTokens: 200, calls: 1, cachedCalls: 0 });
      expect(r.usage.cost).toBeCloseTo((1000 * 2 + 200 * 10) / 1e6, 12);
    } finally {
      await s.close();
    }
  });
});
