/**
 * The LLM flags through the real CLI (`dialogym rollout --sim llm / --agent llm`) against the
 * loopback server: configuration mistakes and dead endpoints are one line before any episode,
 * a cached rerun sends nothing, an endpoint dying mid-run stops the run cleanly and `--resume`
 * finishes it, and no file or output carries the API key.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJsonlValues } from '../../core/jsonl.js';
import { type EpisodeRecord, validateRecord } from '../../core/record.js';
import { withoutTimings } from '../../core/rollout.js';
import { type LoopbackServer, startLoopbackServer } from '../support/loopback-server.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = join(ROOT, 'cli', 'main.ts');
// Absolute, because the CLI runs in a temp directory where `tsx` does not resolve.
const TSX = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const KEY = 'sk-dialogym-CLI-LEAK-93kq0d';

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Async, unlike spawnSync, so the loopback server in this process keeps answering. */
function cli(args: string[], env: Record<string, string | undefined> = {}): Promise<Result> {
  return new Promise((resolve) => {
    const childEnv: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' };
    for (const k of ['OPENAI_BASE_URL', 'OPENAI_API_KEY', 'DIALOGYM_AGENT_MODEL', 'DIALOGYM_SIM_MODEL', 'DIALOGYM_SIM_BASE_URL', 'DIALOGYM_SIM_API_KEY']) {
      delete childEnv[k];
    }
    const child = spawn(process.execPath, ['--import', TSX, MAIN, ...args], {
      cwd: work,
      env: { ...childEnv, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let server: LoopbackServer;
let work: string;

beforeAll(async () => {
  server = await startLoopbackServer({
    latencyMs: [0, 3],
    requireApiKey: KEY,
    models: ['sim-model', 'agent-model'],
    textReply: (body) => {
      const turns = (body.messages as unknown[]).length;
      // Wrapped in a fence and quotes, as chat models do; the agent must strip them.
      return turns > 7 ? '"GUESS 42"' : `\`\`\`\nAsk is it greater than ${10 * turns}?\n\`\`\``;
    },
  });
  work = mkdtempSync(join(tmpdir(), 'dialogym-llm-cli-'));
});
afterAll(async () => {
  await server.close();
  rmSync(work, { recursive: true, force: true });
});

const withKey = () => ({ OPENAI_API_KEY: KEY });
const simFlags = () => ['--sim', 'llm', '--sim-base-url', server.url, '--sim-model', 'sim-model'];

describe('an unreachable endpoint', () => {
  it('is one line, exit 2, before any episode and before the output file exists', async () => {
    const dead = await startLoopbackServer();
    const deadUrl = dead.url;
    await dead.close();
    const down = await cli(['rollout', '--env', 'GuessNumber-v0', '--sim', 'llm', '--sim-model', 'x', '--sim-base-url', deadUrl, '--out', 'a.jsonl']);
    expect(down.code).toBe(2);
    expect(down.stderr.trim().split('\n')).toHaveLength(1);
    expect(down.stderr).toContain(`cannot use the simulator endpoint ${deadUrl}`);
    expect(existsSync(join(work, 'a.jsonl'))).toBe(false);
  });
});

describe('rollout with LLM endpoints', () => {
  it('--sim llm: cached rerun sends zero requests and writes the same records; no key anywhere', async () => {
    server.resetStats();
    const args = ['rollout', '--env', 'GuessNumber-v0', '--agent', 'expert', '--episodes', '30', '--concurrency', '8', ...simFlags(), '--cache', 'c', '--no-progress'];
    const first = await cli([...args, '--out', 'run1.jsonl'], { DIALOGYM_SIM_API_KEY: KEY });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/LLM calls \d+ \(0 cached\), tokens \d+/);
    expect(server.stats.chatRequests).toBeGreaterThan(30);
    expect(server.stats.modelsRequests).toBe(1);

    server.resetStats();
    const second = await cli([...args, '--out', 'run2.jsonl', '--no-preflight'], { DIALOGYM_SIM_API_KEY: KEY });
    expect(second.code).toBe(0);
    expect(server.stats.requests).toBe(0);
    expect(second.stdout).toMatch(/0 requests, \d+ cache hits/);

    const a = (await readJsonlValues(join(work, 'run1.jsonl'))) as EpisodeRecord[];
    const b = (await readJsonlValues(join(work, 'run2.jsonl'))) as EpisodeRecord[];
    expect(a).toHaveLength(30);
    const strip = (r: EpisodeRecord) => withoutTimings(r);
    expect(b.map(strip)).toEqual(a.map(strip));
    expect(a[0]?.simulator).toEqual({ kind: 'llm', model: 'sim-model' });

    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
    for (const f of files(work)) expect(readFileSync(f, 'utf8').includes(KEY), f).toBe(false);
    for (const out of [first, second]) expect(out.stdout + out.stderr).not.toContain(KEY);
  });

  it('--agent llm: replies are mapped to actions of the grammar', async () => {
    const r = await cli(
      ['rollout', '--env', 'GuessNumber-v0', '--agent', 'llm', '--llm-base-url', server.url, '--llm-model', 'agent-model', '--episodes', '3', '--out', 'agent.jsonl', '--no-cache'],
      withKey(),
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const recs = (await readJsonlValues(join(work, 'agent.jsonl'))) as EpisodeRecord[];
    expect(recs).toHaveLength(3);
    for (const rec of recs) {
      expect(rec.error).toBeNull();
      expect(rec.totals.invalidActions).toBe(0);
      expect(rec.turns[0]?.action).toBe('ASK is it greater than 20?');
      expect(rec.turns.at(-1)?.action).toBe('GUESS 42');
      expect(rec.usage.agent.calls).toBe(rec.turns.length);
      expect(rec.agent.config).toEqual({ model: 'agent-model' });
    }
  });

  it('an endpoint that dies mid-run stops the run cleanly; --resume finishes it without duplicates', async () => {
    const flaky = await startLoopbackServer({ latencyMs: 5 });
    const args = (url: string) => [
      'rollout', '--env', 'GuessNumber-v0', '--agent', 'expert', '--episodes', '40', '--concurrency', '4',
      '--sim', 'llm', '--sim-base-url', url, '--sim-model', 'm', '--no-cache', '--llm-max-retries', '2',
      '--out', 'dies.jsonl',
    ];
    const watcher = setInterval(() => {
      if (flaky.stats.chatRequests >= 60) {
        clearInterval(watcher);
        void flaky.close();
      }
    }, 2);
    const r = await cli(args(flaky.url));
    clearInterval(watcher);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/stopped early: the simulator endpoint is unavailable .*--resume/);
    // The run's records wait in dies.jsonl.partial until the run completes.
    expect(existsSync(join(work, 'dies.jsonl'))).toBe(false);
    const partial = (await readJsonlValues(join(work, 'dies.jsonl.partial'))) as EpisodeRecord[];
    expect(partial.length).toBeGreaterThan(0);
    expect(partial.length).toBeLessThan(40);
    for (const rec of partial) expect(rec.error).toBeNull();

    const again = await startLoopbackServer();
    try {
      const resumed = await cli([...args(again.url), '--resume']);
      expect(resumed.code).toBe(0);
      const all = (await readJsonlValues(join(work, 'dies.jsonl'))) as EpisodeRecord[];
      expect(all).toHaveLength(40);
      expect(new Set(all.map((x) => x.key)).size).toBe(40);
      for (const rec of all) expect(validateRecord(rec).ok).toBe(true);
    } finally {
      await again.close();
    }
  });
});
