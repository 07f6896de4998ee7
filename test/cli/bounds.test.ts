/**
 * Issue 20, item 3: every numeric flag has a bound, checked before any work (one line, exit 2,
 * in seconds, no output file): episodes, concurrency, workers, seeds, step limits (>= 1 with the
 * same meaning everywhere), timeouts (Node's timer range), sizes; unknown kwargs list the known
 * ones. Through the CLI.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { runCliAsync } from '../support/cli.js';

// Many CLI processes start in this file; on a loaded machine each can take tens of seconds.
vi.setConfig({ testTimeout: 300_000, hookTimeout: 300_000 });

const dir = mkdtempSync(join(tmpdir(), 'dialogym-bounds-'));
const out = join(dir, 'never.jsonl');
const rollout = (...a: string[]) => ['rollout', '--env', 'GuessNumber-v0', '--out', out, ...a];
const generate = (...a: string[]) => ['generate', '--env', 'GuessNumber-v0', '--workers', '0', '--out', out, ...a];

const CASES: [string, string[], RegExp][] = [
  ['--episodes 1e18', rollout('--episodes', '1e18'), /--episodes must be an integer from 1 to 2147483648/],
  ['--concurrency 1e9', rollout('--concurrency', '1000000000'), /--concurrency must be an integer from 1 to 1024/],
  ['--workers 1000', generate('--episodes', '2', '--workers', '1000'), /--workers must be an integer \(0 = this thread; at most \d+/],
  ['eval --workers 1000', ['eval', '--env', 'GuessNumber-v0', '--workers', '1000', '--out', join(dir, 'r.json')], /--workers must be/],
  ['--seed 1e300', rollout('--seed', '1e300'), /--seed must be a seed from 0 to 2147483647/],
  ['--seed 2^53+1', rollout('--seed', '9007199254740993'), /--seed must be a seed from 0 to 2147483647/],
  ['--seed at the top with 2 episodes', rollout('--seed', '2147483647', '--episodes', '2'), /runs past the largest seed 2147483647/],
  ['generate --seeds past the range', generate('--seeds', '2147483640-2147483650'), /maximum|largest seed/],
  ['rollout --max-steps 0', rollout('--max-steps', '0'), /--max-steps must be a step limit from 1 to 100000/],
  ['generate --max-steps 0', generate('--episodes', '2', '--max-steps', '0'), /--max-steps must be a step limit from 1 to 100000/],
  ['--llm-timeout 3e9', rollout('--sim', 'llm', '--llm-timeout', '3000000000'), /--llm-timeout must be an integer from 1 to 2147483647/],
  ['--llm-max-retry-time 1e12', rollout('--llm-max-retry-time', '1000000000000'), /--llm-max-retry-time must be an integer from 0 to 2147483647/],
  ['--max-concurrency 1e9', rollout('--max-concurrency', '1000000000'), /--max-concurrency must be an integer from 1 to 1024/],
  ['eval --episodes 1e9', ['eval', '--env', 'GuessNumber-v0', '--episodes', '1000000000', '--out', join(dir, 'r.json')], /--episodes must be an integer from 1 to 100000/],
  ['eval --episodes x --trials', ['eval', '--env', 'GuessNumber-v0', '--episodes', '50000', '--trials', '3', '--out', join(dir, 'r.json')], /--episodes × --trials must be at most 100000/],
  ['selfplay --games 1e12', ['selfplay', '--all', 'expert', '--games', '1000000000000', '--out', out], /--games must be/],
  ['validate --max-errors abc', ['validate', '--max-errors', 'abc', join(dir, 'whatever.jsonl')], /--max-errors must be an integer/],
  ['export --gamma 2', ['export', '--format', 'transitions', '--in', join(dir, 'x'), '--out', out, '--gamma', '2'], /--gamma must be a number from 0 to 1/],
  ['unknown kwarg', rollout('--kwargs', '{"upper":7}'), /GuessNumber-v0 has no kwarg 'upper'; known kwargs: hi, invalidActionPenalty, lo, questionCost/],
  ['kwarg of the wrong type', generate('--episodes', '2', '--kwargs', '{"hi":"100"}'), /kwarg 'hi' must be a number \(default 100\), got "100"/],
];

describe('numeric flags out of bounds are one line and exit 2, before any work', () => {
  it.concurrent.each(CASES)('%s', async (_name, args, pattern) => {
    const r = await runCliAsync(args, { timeoutMs: 60_000 });
    expect(r.code, `${r.stderr} (${Math.round(r.ms)} ms)`).toBe(2);
    expect(r.stderr).toMatch(pattern);
    expect(r.stderr).not.toMatch(/heap|at .*\.ts:\d+|RangeError/);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.partial`)).toBe(false);
  });

  it('a generate config is held to the same bounds (a step limit of 0 is no longer "no limit")', async () => {
    const cfg = join(dir, 'cfg.json');
    writeFileSync(cfg, JSON.stringify({ jobs: [{ env: 'GuessNumber-v0', agent: 'expert', maxEpisodeSteps: 0, seeds: { start: 0, count: 2 } }] }));
    const workers = join(dir, 'workers.json');
    writeFileSync(workers, JSON.stringify({ workers: 100 * availableParallelism(), jobs: [{ env: 'GuessNumber-v0', agent: 'expert', seeds: [1] }] }));
    const [a, b] = await Promise.all([
      runCliAsync(['generate', '--config', cfg, '--out', out]),
      runCliAsync(['generate', '--config', workers, '--out', out]),
    ]);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/maxEpisodeSteps.*must be >= 1/);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/\/workers must be at most/);
  });

  it('the largest seeds give distinct keys and records', async () => {
    const top = join(dir, 'top.jsonl');
    const r = await runCliAsync(['rollout', '--env', 'GuessNumber-v0', '--seed', '2147483645', '--episodes', '3', '--out', top]);
    expect(r.code, r.stderr).toBe(0);
    const recs = readFileSync(top, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(recs.map((x) => x.seed)).toEqual([2147483645, 2147483646, 2147483647]);
    expect(new Set(recs.map((x) => x.key)).size).toBe(3);
    expect(new Set(recs.map((x) => JSON.stringify(x.scenario))).size).toBeGreaterThan(1);
  });
});
