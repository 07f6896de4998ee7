/** LLM-bound generation runs in one process under the concurrency limiter, against the loopback server. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../../envs/index.js';
import '../../agents/index.js';
import type { EpisodeRecord } from '../../core/record.js';
import { generate } from '../../datasets/generate/runner.js';
import { createLlmProvider } from '../../simulators/llm-client.js';
import { type LoopbackServer, startLoopbackServer } from '../support/loopback-server.js';

let server: LoopbackServer;
let work: string;

beforeAll(async () => {
  server = await startLoopbackServer({ latencyMs: [0, 3] });
  work = mkdtempSync(join(tmpdir(), 'dialogym-gen-llm-'));
});
afterAll(async () => {
  await server.close();
  rmSync(work, { recursive: true, force: true });
});

describe('generate with an LLM simulator', () => {
  it('runs in process, in plan order, and sums token usage into the manifest', async () => {
    const simLlm = createLlmProvider({ baseURL: server.url, apiKey: 'x', model: 'loopback-sim', noCache: true, maxConcurrency: 4, label: 'simulator' });
    const out = join(work, 'llm.jsonl');
    const config = { jobs: [{ env: 'GuessNumber-v0', agent: 'expert', simulator: { kind: 'llm', model: 'loopback-sim' }, seeds: { start: 0, count: 12 } }] };
    // Without a provider the run refuses before any episode.
    await expect(generate({ config, out })).rejects.toThrow(/LLM simulator/);
    const r = await generate({ config, out, simLlm, concurrency: 4 });
    expect(r.mode).toBe('in-process');
    expect(r.manifest.status).toBe('complete');
    const recs: EpisodeRecord[] = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(recs.map((x) => x.seed)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect(recs.every((x) => x.simulator.kind === 'llm')).toBe(true);
    const prompt = recs.reduce((a, x) => a + x.usage.simulator.promptTokens, 0);
    expect(prompt).toBeGreaterThan(0);
    expect(r.manifest.file?.usage.simulator.promptTokens).toBe(prompt);
    expect(r.manifest.file?.inPlanOrder).toBe(true);
  });
});
