/** The on-disk exchange cache and the per-endpoint concurrency limiter. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheKey, canonicalJson } from '../../simulators/llm-cache.js';
import { createLimiter, createLlmProvider, type LlmProviderConfig } from '../../simulators/llm-client.js';
import { type LoopbackServer, startLoopbackServer } from '../support/loopback-server.js';

const schema = {
  type: 'object',
  required: ['reply', 'mood'],
  additionalProperties: false,
  properties: { reply: { type: 'string' }, mood: { enum: ['calm', 'angry'] } },
};

let server: LoopbackServer;
const dirs: string[] = [];

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'dialogym-llm-cache-'));
  dirs.push(d);
  return d;
}

function allFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...allFiles(p));
    else out.push(p);
  }
  return out;
}

beforeAll(async () => {
  server = await startLoopbackServer({ latencyMs: 1 });
});
afterAll(async () => {
  await server.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function provider(cacheDir: string, extra: Partial<LlmProviderConfig> = {}) {
  return createLlmProvider({ baseURL: server.url, apiKey: 'sk-cache-key-AAAA', model: 'm', cacheDir, ...extra });
}

const request = (seed: number, content = 'hello') => ({
  messages: [{ role: 'user' as const, content }],
  schema,
  seed,
  temperature: 0.7,
});

describe('cache', () => {
  it('a hit sends no request and returns the same value with cachedCalls', async () => {
    const dir = tempDir();
    server.resetStats();
    const first = await provider(dir).complete(request(1));
    expect(first.cached).toBe(false);
    expect(server.stats.chatRequests).toBe(1);
    const again = await provider(dir).complete(request(1));
    expect(server.stats.chatRequests).toBe(1);
    expect(again.cached).toBe(true);
    expect(again.value).toEqual(first.value);
    expect(again.usage).toEqual({ ...first.usage, cachedCalls: 1 });
  });

  it('is addressed by content: another seed, temperature, schema or message misses', async () => {
    const dir = tempDir();
    const p = provider(dir);
    await p.complete(request(1));
    server.resetStats();
    await p.complete(request(2));
    await p.complete({ ...request(1), temperature: 0 });
    await p.complete({ ...request(1), schema: { ...schema, required: ['reply'] } });
    await p.complete(request(1, 'other'));
    expect(server.stats.chatRequests).toBe(4);
    expect(p.stats.cacheHits).toBe(0);
  });

  it('never depends on the key or base URL: another key on the same content hits', async () => {
    const dir = tempDir();
    await provider(dir).complete(request(5));
    server.resetStats();
    const other = provider(dir, { apiKey: 'sk-completely-different' });
    const r = await other.complete(request(5));
    expect(r.cached).toBe(true);
    expect(server.stats.chatRequests).toBe(0);
    for (const f of allFiles(dir)) expect(readFileSync(f, 'utf8')).not.toMatch(/sk-cache-key|sk-completely|127\.0\.0\.1/);
  });

  it('replays a whole repair sequence, including one that ended in an error', async () => {
    const dir = tempDir();
    server.resetStats();
    server.setFaults({ script: ['schema_violation', 'schema_violation', 'schema_violation'] });
    const p = provider(dir, { maxRepairs: 2 });
    await expect(p.complete(request(9))).rejects.toMatchObject({ type: 'llm_invalid_output' });
    server.setFaults(undefined);
    expect(server.stats.chatRequests).toBe(3);
    const again = provider(dir, { maxRepairs: 2 });
    await expect(again.complete(request(9))).rejects.toMatchObject({ type: 'llm_invalid_output' });
    expect(server.stats.chatRequests).toBe(3);
    expect(again.stats.cacheHits).toBe(3);
  });

  it('is safe with concurrent writers and ignores a corrupt entry', async () => {
    const dir = tempDir();
    const providers = [provider(dir), provider(dir), provider(dir)];
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => (providers[i % 3] as (typeof providers)[0]).complete(request(i % 10))),
    );
    const files = allFiles(dir);
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(files).toHaveLength(10);
    for (const f of files) expect(() => JSON.parse(readFileSync(f, 'utf8'))).not.toThrow();
    for (let i = 0; i < 30; i++) expect(results[i]?.value).toEqual(results[i % 10]?.value);

    writeFileSync(files[0] as string, '{"v":1,"exchange":{"te');
    server.resetStats();
    await Promise.all(Array.from({ length: 10 }, (_, i) => provider(dir).complete(request(i))));
    expect(server.stats.chatRequests).toBe(1);
    expect(() => JSON.parse(readFileSync(files[0] as string, 'utf8'))).not.toThrow();
  });

  it('noCache writes nothing and always asks', async () => {
    const dir = tempDir();
    server.resetStats();
    await provider(dir, { noCache: true }).complete(request(1));
    await provider(dir, { noCache: true }).complete(request(1));
    expect(server.stats.chatRequests).toBe(2);
    expect(allFiles(dir)).toEqual([]);
  });

  it('auto mode finds entries an earlier run stored in text mode', async () => {
    const dir = tempDir();
    server.setFaults({ rejectJsonSchema: true });
    await provider(dir, { jsonMode: 'auto' }).complete(request(3));
    server.resetStats();
    const again = provider(dir, { jsonMode: 'auto' });
    const r = await again.complete(request(3));
    server.setFaults(undefined);
    expect(r.cached).toBe(true);
    expect(server.stats.requests).toBe(0);
  });

  it('keys are canonical: property order does not matter', () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: [3, { f: 1, e: 2 }] } })).toBe('{"a":{"c":[3,{"e":2,"f":1}],"d":2},"b":1}');
    expect(cacheKey({ x: 1, y: 2 })).toBe(cacheKey({ y: 2, x: 1 }));
  });
});

describe('concurrency limiter', () => {
  it('bounds requests in flight per endpoint, shared by providers', async () => {
    const s = await startLoopbackServer({ latencyMs: 15 });
    try {
      const limiter = createLimiter(3);
      const make = () => createLlmProvider({ baseURL: s.url, model: 'm', noCache: true, limiter });
      const a = make();
      const b = make();
      await Promise.all(
        Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).complete({ messages: [{ role: 'user', content: `q${i}` }] })),
      );
      expect(s.stats.chatRequests).toBe(40);
      expect(s.stats.maxInFlight).toBe(3);
    } finally {
      await s.close();
    }
  });

  it('one slow call does not stall the others', async () => {
    const s = await startLoopbackServer({ latencyMs: 2, hangMs: 10_000, faults: { script: ['hang'] } });
    try {
      const p = createLlmProvider({ baseURL: s.url, model: 'm', noCache: true, maxConcurrency: 4, timeoutMs: 3_000, retryBaseMs: 1 });
      const slow = p.complete({ messages: [{ role: 'user', content: 'slow' }] });
      const fast = await Promise.all(Array.from({ length: 20 }, (_, i) => p.complete({ messages: [{ role: 'user', content: `f${i}` }] })));
      expect(fast).toHaveLength(20);
      expect(s.stats.inFlight).toBe(1);
      await s.close();
      await expect(slow).rejects.toMatchObject({ type: expect.stringMatching(/^llm_/) });
    } finally {
      await s.close().catch(() => {});
    }
  });
});
