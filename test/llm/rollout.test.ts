/**
 * The bar, end to end through the core runner: 200 GuessNumber-v0 episodes with the LLM
 * user simulator against the loopback server at a 10 % fault rate; every episode is complete or
 * carries a recorded error, none missing or duplicated, token totals add up; the same run again
 * sends zero requests and produces the same records; no file written contains the API key.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../../envs/index.js';
import '../../agents/index.js';
import { readJsonlValues, JsonlWriter } from '../../core/jsonl.js';
import { type EpisodeRecord, validateRecord } from '../../core/record.js';
import { make } from '../../core/registry.js';
import { withoutTimings } from '../../core/rollout.js';
import { type EpisodeJob, RunSummary, runJobs } from '../../core/runner.js';
import { createLlmProvider } from '../../simulators/llm-client.js';
import { type LoopbackServer, startLoopbackServer } from '../support/loopback-server.js';

const API_KEY = 'sk-dialogym-LEAKCHECK-7f3a9c1e5b';
const EPISODES = 200;

let server: LoopbackServer;
let work: string;

beforeAll(async () => {
  server = await startLoopbackServer({
    latencyMs: [0, 5],
    faults: { rate: 0.1, seed: 11 },
    retryAfterMs: 3,
    hangMs: 10_000,
    requireApiKey: API_KEY,
  });
  work = mkdtempSync(join(tmpdir(), 'dialogym-llm-rollout-'));
});
afterAll(async () => {
  await server.close();
  rmSync(work, { recursive: true, force: true });
});

async function rollout(out: string) {
  const provider = createLlmProvider({
    baseURL: server.url,
    apiKey: API_KEY,
    model: 'loopback-sim',
    cacheDir: join(work, 'cache'),
    maxConcurrency: 16,
    // Long enough that a loaded CI machine does not turn slow replies into timeouts; injected hangs still cost it.
    timeoutMs: 1_500,
    retryBaseMs: 2,
    retryMaxDelayMs: 20,
    maxRetries: 6,
    maxRepairs: 2,
    label: 'simulator',
  });
  const jobs: EpisodeJob[] = Array.from({ length: EPISODES }, (_, i) => ({
    key: `GuessNumber-v0/expert/${i}`,
    envId: 'GuessNumber-v0',
    seed: i,
    agent: 'expert',
  }));
  const writer = JsonlWriter.open(out);
  const summary = new RunSummary();
  try {
    await runJobs(jobs, {
      concurrency: 32,
      // A 1..20 range keeps episodes short (about 6 simulator calls) so the test stays quick on a busy CI machine.
      makeOptions: { simulator: { kind: 'llm', model: provider.model }, llm: provider, kwargs: { hi: 20 } },
      onRecord: (rec) => {
        writer.write(rec);
        summary.add(rec);
      },
    });
  } finally {
    writer.close();
  }
  const records = (await readJsonlValues(out)) as EpisodeRecord[];
  return { provider, summary, records };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)],
  );
}

/** Cache provenance lives in `timings`, with the clock: everything else must be identical. */
function comparable(rec: EpisodeRecord) {
  return withoutTimings(rec);
}

describe('200 LLM-simulated episodes at a 10 % fault rate', () => {
  it('complete or recorded error, none missing or duplicated; rerun is free and identical; no key leaks', async () => {
    let t0 = performance.now();
    const first = await rollout(join(work, 'run1.jsonl'));
    const ms1 = performance.now() - t0;
    const faults = Object.values(server.stats.faults).reduce((a, b) => a + b, 0);
    const requests1 = server.stats.chatRequests;
    expect(faults).toBeGreaterThan(requests1 * 0.05);

    expect(first.records).toHaveLength(EPISODES);
    const keys = first.records.map((r) => r.key);
    expect(new Set(keys).size).toBe(EPISODES);
    expect(keys).toEqual(Array.from({ length: EPISODES }, (_, i) => `GuessNumber-v0/expert/${i}`));
    let errors = 0;
    const errorTypes: string[] = [];
    for (const rec of first.records) {
      expect(validateRecord(rec).errors).toEqual([]);
      if (rec.error) {
        errors += 1;
        errorTypes.push(`${rec.error.type}: ${rec.error.message}`);
        expect(rec.error.type).toMatch(/^llm_/);
        expect(rec.termination.reason).toBe('error');
      } else {
        expect(rec.termination.terminated || rec.termination.truncated).toBe(true);
        expect(rec.turns.length).toBeGreaterThan(0);
        expect(rec.usage.simulator.calls).toBeGreaterThan(rec.turns.length - 1);
        for (const t of rec.turns) for (const s of t.simulatorTurns) expect(['yes', 'no', 'unknown']).toContain(s.answer);
      }
    }
    // Every token the server reported is in exactly one record, and the summary adds them up.
    const recordTokens = first.records.reduce((a, r) => a + r.usage.simulator.promptTokens + r.usage.simulator.completionTokens, 0);
    expect(recordTokens).toBe(first.provider.stats.promptTokens + first.provider.stats.completionTokens);
    expect(first.summary.usage.promptTokens + first.summary.usage.completionTokens).toBe(recordTokens);
    expect(first.summary.episodes).toBe(EPISODES);
    expect(first.summary.errors).toBe(errors);
    console.log(
      `run 1: ${requests1} requests, ${faults} faults injected (${JSON.stringify(server.stats.faults)}), ` +
        `${first.provider.stats.retries} retries, ${first.provider.stats.repairs} repairs, ${errors} episodes with errors ${JSON.stringify(errorTypes)}, ` +
        `${recordTokens} tokens, ${ms1.toFixed(0)} ms`,
    );

    server.resetStats();
    t0 = performance.now();
    const second = await rollout(join(work, 'run2.jsonl'));
    console.log(`run 2 (all from cache): ${(performance.now() - t0).toFixed(0)} ms`);
    expect(server.stats.requests).toBe(0);
    expect(second.provider.stats.cacheHits).toBeGreaterThan(0);
    expect(second.records.map(comparable)).toEqual(first.records.map(comparable));
    for (const rec of second.records) expect(rec.timings.cachedCalls?.simulator).toBe(rec.usage.simulator.calls);

    const written = filesUnder(work);
    expect(written.length).toBeGreaterThan(EPISODES);
    for (const f of written) expect(readFileSync(f, 'utf8').includes(API_KEY), f).toBe(false);
  });

  it('an episode whose simulator stays invalid ends with a recorded llm_invalid_output error and its tokens', async () => {
    const s = await startLoopbackServer({ faults: { rate: 1, kinds: ['schema_violation'] } });
    try {
      const llm = createLlmProvider({ baseURL: s.url, model: 'm', noCache: true, maxRepairs: 1 });
      const env = make('GuessNumber-v0', { simulator: { kind: 'llm', model: 'm' }, llm });
      const jobs = [{ key: 'k', envId: 'GuessNumber-v0', seed: 3, agent: 'expert' }];
      const recs: EpisodeRecord[] = [];
      await runJobs(jobs, { makeOptions: { simulator: { kind: 'llm', model: 'm' }, llm }, onRecord: (r) => void recs.push(r) });
      await env.close();
      expect(recs).toHaveLength(1);
      const rec = recs[0] as EpisodeRecord;
      expect(rec.error?.type).toBe('llm_invalid_output');
      expect(rec.turns).toHaveLength(0);
      expect(rec.usage.simulator.calls).toBe(2);
      expect(rec.usage.simulator.promptTokens).toBeGreaterThan(0);
    } finally {
      await s.close();
    }
  });
});
