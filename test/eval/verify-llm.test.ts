/**
 * LLM simulators: an eval against the loopback server reproduces under `verify` from the LLM cache
 * alone (server gone), and does not without the cache — "reproducible within the cache".
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../../envs/index.js';
import '../../agents/index.js';
import { evaluate } from '../../eval/evaluate.js';
import { emptyReferences } from '../../eval/references.js';
import { loadResults, writeResults } from '../../eval/results.js';
import { verifyResults } from '../../eval/verify.js';
import { EvalAborted } from '../../eval/runner.js';
import { createLlmProvider } from '../../simulators/llm-client.js';
import { type LoopbackServer, startLoopbackServer } from '../support/loopback-server.js';

const dir = mkdtempSync(join(tmpdir(), 'dialogym-verify-llm-'));
let server: LoopbackServer;
let url = '';

/** Generous timeouts while the server is up (a loaded CI machine is slow); none needed once it is gone. */
const provider = (cache: boolean, live = false) =>
  createLlmProvider({
    baseURL: url,
    apiKey: 'dialogym-local',
    model: 'loopback-sim',
    cacheDir: join(dir, 'cache'),
    noCache: !cache,
    timeoutMs: live ? 20_000 : 2_000,
    maxRetries: live ? 3 : 0,
    maxRepairs: 1,
    label: 'simulator',
  });

beforeAll(async () => {
  server = await startLoopbackServer();
  url = server.url;
});
afterAll(async () => {
  await server?.close();
});

describe('verify with an LLM simulator', () => {
  it('reproduces from the cache without the server, and not without the cache', async () => {
    const r = await evaluate({
      agent: 'expert',
      envIds: ['GuessNumber-v0'],
      split: 'dev',
      episodes: 4,
      trials: 1,
      simulator: { kind: 'llm', model: 'loopback-sim' },
      simulatorLlm: provider(true, true),
      command: 'test',
      references: emptyReferences(),
    });
    expect(r.records.every((x) => x.simulator.kind === 'llm')).toBe(true);
    expect(r.records.map((x) => x.error)).toEqual([null, null, null, null]);
    expect(r.records.some((x) => x.usage.simulator.calls > 0)).toBe(true);
    const path = join(dir, 'llm.json');
    writeResults(path, r.results, r.records);
    const sent = server.stats.chatRequests;
    expect(sent).toBeGreaterThan(0);
    await server.close();

    const loaded = await loadResults(path);
    const cached = await verifyResults(loaded, { samplePerEnv: Number.POSITIVE_INFINITY, simulatorLlm: provider(true) });
    expect(cached.problems).toEqual([]);
    expect(cached.reproduced).toBe(4);
    expect(cached.ok).toBe(true);

    const uncached = await verifyResults(loaded, { samplePerEnv: Number.POSITIVE_INFINITY, simulatorLlm: provider(false) });
    expect(uncached.ok).toBe(false);
    expect(uncached.reproduced).toBe(0);
  });
});

describe('eval against a dead LLM endpoint', () => {
  it('stops after the first failed episodes instead of filling the split with errors', async () => {
    const dead = await startLoopbackServer();
    const deadUrl = dead.url;
    await dead.close();
    const llm = createLlmProvider({ baseURL: deadUrl, apiKey: 'dialogym-local', model: 'loopback-sim', noCache: true, timeoutMs: 2_000, maxRetries: 0, label: 'simulator' });
    let episodes = 0;
    const run = evaluate({
      agent: 'expert',
      envIds: ['GuessNumber-v0'],
      split: 'dev',
      episodes: 40,
      trials: 1,
      concurrency: 2,
      simulator: { kind: 'llm', model: 'loopback-sim' },
      simulatorLlm: llm,
      command: 'test',
      normalize: false,
      onEpisode: () => {
        episodes += 1;
      },
      shouldStop: (rec) => (rec.error ? `simulator endpoint down (${rec.error.type})` : undefined),
    });
    await expect(run).rejects.toBeInstanceOf(EvalAborted);
    await expect(run).rejects.toThrow(/evaluation stopped: simulator endpoint down/);
    expect(episodes).toBeGreaterThan(0);
    expect(episodes).toBeLessThanOrEqual(2);
  });
});
