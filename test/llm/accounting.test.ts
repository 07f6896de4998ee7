/**
 * Issue 20, item 5: the tokens and cost of every answer the server gave are accounted for — in the
 * records, including answers that were rejected (repairs) or retried (a 200 without choices), and
 * in the run's summary for episodes a dead endpoint cut short; and a cache that cannot be written
 * is reported once, with the count of exchanges left uncached in the summary. Through the CLI,
 * against the loopback server, which counts the tokens it served.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { EpisodeRecord } from '../../core/record.js';
import { runCliAsync } from '../support/cli.js';
import { type LoopbackServer, startLoopbackServer } from '../support/loopback-server.js';

// Many CLI processes start in this file; on a loaded machine each can take tens of seconds.
vi.setConfig({ testTimeout: 300_000, hookTimeout: 300_000 });

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'dialogym-accounting-'));
});

function records(file: string): EpisodeRecord[] {
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as EpisodeRecord);
}

function tokensOf(recs: EpisodeRecord[]): { prompt: number; completion: number; cost: number } {
  let prompt = 0;
  let completion = 0;
  let cost = 0;
  for (const r of recs) {
    for (const u of [r.usage.simulator, r.usage.agent]) {
      prompt += u.promptTokens;
      completion += u.completionTokens;
      cost += u.cost ?? 0;
    }
  }
  return { prompt, completion, cost };
}

const simArgs = (url: string) => ['--sim', 'llm', '--sim-base-url', url, '--sim-model', 'loopback-model', '--no-preflight'];

describe('LLM accounting through the CLI', () => {
  let server: LoopbackServer;
  beforeAll(async () => {
    server = await startLoopbackServer({
      latencyMs: 1,
      retryAfterMs: 1,
      // Answers that are billed but unusable: a 200 without choices (retried), off-schema and empty
      // replies (repaired, some calls failing for good), plus transport faults that cost nothing.
      faults: { rate: 0.35, seed: 11, kinds: ['no_choices', 'schema_violation', 'empty', 'server_error', 'rate_limit'] },
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it('every token the server served is in the records, with its cost, including retried and rejected answers', async () => {
    const prices = join(work, 'prices.json');
    writeFileSync(prices, JSON.stringify({ 'loopback-model': { prompt: 3, completion: 7 } }));
    const out = join(work, 'faulty.jsonl');
    server.resetStats();
    const r = await runCliAsync(
      [
        'rollout', '--env', 'GuessNumber-v0', '--agent', 'expert', '--episodes', '8', '--concurrency', '4', ...simArgs(server.url),
        '--no-cache', '--llm-max-retries', '3', '--max-repairs', '1', '--price-table', prices, '--out', out,
      ],
      { env: { DIALOGYM_SIM_API_KEY: 'k' } },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(server.stats.faults.no_choices ?? 0).toBeGreaterThan(0);
    const served = server.stats.servedTokens;
    const got = tokensOf(records(out));
    expect(got.prompt).toBe(served.prompt);
    expect(got.completion).toBe(served.completion);
    expect(got.cost).toBeCloseTo((3 * served.prompt + 7 * served.completion) / 1e6, 9);
  });

  it('an endpoint that dies mid-run: records plus the summary of the episodes not written account for every token', async () => {
    const flaky = await startLoopbackServer({ latencyMs: 3 });
    const out = join(work, 'dies.jsonl');
    // After 50 requests every answer is a 500 (never billed): the provider gives up for good.
    const watcher = setInterval(() => {
      if (flaky.stats.chatRequests >= 50) {
        clearInterval(watcher);
        flaky.setFaults({ rate: 1, kinds: ['server_error'] });
      }
    }, 2);
    const r = await runCliAsync(
      [
        'rollout', '--env', 'GuessNumber-v0', '--agent', 'expert', '--episodes', '40', '--concurrency', '6', ...simArgs(flaky.url),
        '--no-cache', '--llm-max-retries', '1', '--out', out,
      ],
      { env: { DIALOGYM_SIM_API_KEY: 'k' } },
    );
    clearInterval(watcher);
    expect(r.code).toBe(1);
    const m = /(\d+) episode\(s\) cut short by the endpoint outage were not written .* they used (\d+) tokens/.exec(r.stdout);
    expect(m, r.stdout).not.toBeNull();
    const written = tokensOf(records(`${out}.partial`));
    const served = flaky.stats.servedTokens;
    expect(written.prompt + written.completion + Number(m?.[2])).toBe(served.prompt + served.completion);
    await flaky.close();
  });

  it('a cache that cannot be written is one warning, the run goes on, and the summary counts the uncached exchanges', async () => {
    const blocker = join(work, 'not-a-dir');
    writeFileSync(blocker, 'a file where the cache directory should go\n');
    const out = join(work, 'nocache.jsonl');
    server.setFaults(undefined);
    const r = await runCliAsync(
      ['rollout', '--env', 'GuessNumber-v0', '--agent', 'expert', '--episodes', '3', ...simArgs(server.url), '--cache', join(blocker, 'llm'), '--out', out],
      { env: { DIALOGYM_SIM_API_KEY: 'k' } },
    );
    expect(r.code, r.stderr).toBe(0);
    const warnings = r.stderr.split('\n').filter((l) => l.includes('warning: the LLM cache'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(join(blocker, 'llm'));
    const calls = records(out).reduce((n, rec) => n + rec.usage.simulator.calls, 0);
    expect(calls).toBeGreaterThan(0);
    expect(r.stdout).toContain(`${calls} exchange(s) NOT cached`);
  });
});
