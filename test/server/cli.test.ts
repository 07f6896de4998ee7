/**
 * `dialogym serve` as a process: it prints where it listens, records finished episodes, and on
 * SIGTERM lets the step in flight finish and reply before closing every session and exiting 0
 * with a valid records file.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateRecord } from '../../core/record.js';
import { runCli, spawnCli } from '../support/cli.js';
import { type LoopbackServer, startLoopbackServer } from '../support/loopback-server.js';
import { connect } from './ws-client.js';

let llm: LoopbackServer;
let work: string;

beforeAll(async () => {
  llm = await startLoopbackServer({ latencyMs: 1500 });
  work = mkdtempSync(join(tmpdir(), 'dialogym-serve-'));
});
afterAll(async () => {
  await llm.close();
  rmSync(work, { recursive: true, force: true });
});

/** Resolves with the server's URL once the child prints its listening line. */
function listening(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout?.on('data', (d) => {
      out += d.toString();
      const m = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (m) resolve(m[1] as string);
    });
    child.stderr?.on('data', (d) => {
      err += d.toString();
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code} before listening: ${err}`)));
  });
}

function exited(child: ChildProcess): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => {
    stdout += d.toString();
  });
  child.stderr?.on('data', (d) => {
    stderr += d.toString();
  });
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

describe('dialogym serve', () => {
  it('SIGTERM mid-step: the step finishes and replies, sessions close (1001), exit 0, the records file is valid', async () => {
    const recordFile = join(work, 'served.jsonl');
    const child = spawnCli(['serve', '--port', '0', '--record', recordFile, '--sim-base-url', llm.url, '--sim-model', 'sim', '--no-cache']);
    const url = await listening(child);
    const done = exited(child);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    // One scripted episode, finished before the signal.
    const a = await connect(url);
    await a.request({ type: 'reset', data: { env_id: 'GuessNumber-v0', seed: 8, episode_id: 'before' } });
    expect((await a.request({ type: 'step', data: { message: 'GUESS 50' } })).data.done).toBe(true);
    // Junk does not stop anything.
    a.sendRaw('{"type":');
    expect((await a.next()).data.code).toBe('INVALID_JSON');

    // One LLM-simulated episode whose single allowed step is in flight when SIGTERM arrives.
    const b = await connect(url);
    const first = await b.request({ type: 'reset', data: { env_id: 'GuessNumber-v0', seed: 9, sim: 'llm', max_episode_steps: 1, episode_id: 'in-flight' } }, 30_000);
    expect(first.type).toBe('observation');
    llm.resetStats();
    b.send({ type: 'step', data: { message: 'ASK is it even?' } });
    const t0 = Date.now();
    while (llm.stats.inFlight === 0 && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 20));
    expect(llm.stats.inFlight).toBe(1);
    child.kill('SIGTERM');
    const reply = await b.next(30_000);
    expect(reply.type).toBe('observation');
    expect(reply.data.done).toBe(true);
    expect(reply.data.observation.truncated).toBe(true);
    expect((await b.closed).code).toBe(1001);
    expect((await a.closed).code).toBe(1001);

    const end = await done;
    expect(end.stderr).toContain('SIGTERM: draining');
    expect(end.code).toBe(0);
    expect(end.stdout).toMatch(/2 episode\(s\) finished, 0 abandoned unfinished, 2 record\(s\) written/);
    const lines = readFileSync(recordFile, 'utf8').split('\n').filter(Boolean);
    expect(lines).toHaveLength(2);
    const recs = lines.map((l) => JSON.parse(l));
    for (const r of recs) expect(validateRecord(r).errors).toEqual([]);
    expect(recs.map((r) => r.key).sort()).toEqual(['GuessNumber-v0/served/before', 'GuessNumber-v0/served/in-flight']);
    expect(recs.find((r) => r.key.endsWith('in-flight')).simulator).toMatchObject({ kind: 'llm', model: 'sim' });
  }, 180_000);

  it('bad invocations are one line and exit 2', () => {
    const unknownEnv = runCli(['serve', '--port', '0', '--env', 'Nope-v0']);
    expect(unknownEnv.code).toBe(2);
    expect(unknownEnv.stderr.trim().split('\n')).toHaveLength(1);
    expect(unknownEnv.stderr).toContain("unknown env 'Nope-v0'");
    const badPort = runCli(['serve', '--port', '70000']);
    expect(badPort.code).toBe(2);
    const badSim = runCli(['serve', '--sim', 'oracle']);
    expect(badSim.code).toBe(2);
  }, 180_000);
});
