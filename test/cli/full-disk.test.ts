/**
 * Issue 20, items 1 and 5 on a real full disk: a small tmpfs is mounted (the test runs as root in
 * a sandbox; where mounting is not allowed the suite is skipped and says why). On ENOSPC a command
 * exits non-zero with a message naming the file and leaves every earlier file as it was: eval never
 * leaves a torn episodes file beside an old results file, export and hindsight leave the old output,
 * rollout and generate keep a line-complete partial file that --resume finishes; the LLM cache
 * reports, once, that it cannot write, and the summary counts the exchanges left uncached.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { validateRecord } from '../../core/record.js';
import { runCliAsync } from '../support/cli.js';
import { type LoopbackServer, startLoopbackServer } from '../support/loopback-server.js';

// Many CLI processes start in this file; on a loaded machine each can take tens of seconds.
vi.setConfig({ testTimeout: 300_000, hookTimeout: 300_000 });

const base = mkdtempSync(join(tmpdir(), 'dialogym-fulldisk-'));
const disk = join(base, 'disk');
mkdirSync(disk);
const SIZE = 1024 * 1024;
const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${SIZE}`, 'tmpfs', disk], { encoding: 'utf8' });
const mounted = mount.status === 0;
if (!mounted) {
  // The one skip the issue allows: where a tmpfs cannot be mounted, there is no full disk to test on.
  console.warn(`full-disk tests skipped: cannot mount a tmpfs here (${(mount.stderr || mount.error?.message || 'mount failed').trim()})`);
}

afterAll(() => {
  if (mounted) spawnSync('umount', ['-l', disk]);
  rmSync(base, { recursive: true, force: true });
});

let fillers = 0;
/** Fills the disk so that only about `free` bytes are left. */
function leaveFree(free: number): string {
  fillers += 1;
  const filler = join(disk, `filler-${fillers}`);
  const st = statfsSync(disk);
  const avail = Number(st.bavail) * Number(st.bsize);
  writeFileSync(filler, Buffer.alloc(Math.max(0, avail - free)));
  return filler;
}

function clear(): void {
  for (const n of readdirSync(disk)) rmSync(join(disk, n), { recursive: true, force: true });
}

const noTemps = (d: string) => expect(readdirSync(d).filter((n) => n.endsWith('.tmp'))).toEqual([]);
const ENOSPC = /cannot write .*: no space left on device \(ENOSPC\)/;

describe.skipIf(!mounted)('on a full disk', () => {
  let records: string;
  beforeAll(async () => {
    records = join(base, 'records.jsonl');
    const r = await runCliAsync(['rollout', '--env', 'GuessNumber-v0', '--agent', 'random', '--episodes', '60', '--out', records]);
    expect(r.code, r.stderr).toBe(0);
  });

  it('eval --force keeps the old results and episodes files, byte for byte, and they still verify', async () => {
    clear();
    const results = join(disk, 'r.json');
    const episodes = join(disk, 'r.episodes.jsonl');
    const evalArgs = ['eval', '--agent', 'random', '--env', 'GuessNumber-v0', '--workers', '0', '--no-normalize', '--out', results];
    const old = await runCliAsync([...evalArgs, '--episodes', '3']);
    expect(old.code, old.stderr).toBe(0);
    const before = [readFileSync(results, 'utf8'), readFileSync(episodes, 'utf8')];
    leaveFree(40_000);
    const r = await runCliAsync([...evalArgs, '--episodes', '200', '--force']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(ENOSPC);
    expect(r.stderr).toContain('r.episodes.jsonl');
    expect([readFileSync(results, 'utf8'), readFileSync(episodes, 'utf8')]).toEqual(before);
    noTemps(disk);
    const v = await runCliAsync(['verify', results, '--sample', '3']);
    expect(v.code, v.stdout + v.stderr).toBe(0);
  });

  it('export and hindsight --force leave the old output as it was', async () => {
    clear();
    const out = join(disk, 'old.jsonl');
    writeFileSync(out, '{"old":true}\n');
    leaveFree(20_000);
    const runs = await Promise.all([
      runCliAsync(['export', '--format', 'transitions', '--in', records, '--out', out, '--force', '--no-progress']),
      runCliAsync(['hindsight', '--in', records, '--out', out, '--force', '--no-progress', '--with-baselines']),
    ]);
    for (const r of runs) {
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(ENOSPC);
      expect(r.stderr).toMatch(/old\.jsonl was not changed/);
    }
    expect(readFileSync(out, 'utf8')).toBe('{"old":true}\n');
    noTemps(disk);
  });

  it('rollout and generate keep a line-complete partial file that --resume finishes once there is space', async () => {
    clear();
    const rollout = ['rollout', '--env', 'GuessNumber-v0', '--agent', 'expert', '--episodes', '150', '--out', join(disk, 'ro.jsonl')];
    const generate = ['generate', '--env', 'GuessNumber-v0', '--agent', 'expert', '--episodes', '150', '--workers', '0', '--no-progress', '--out', join(disk, 'ge.jsonl')];
    // One after the other, each with about 100 KB left (150 records need about 300 KB).
    let filler = leaveFree(100_000);
    const a = await runCliAsync(rollout);
    rmSync(filler);
    filler = leaveFree(100_000);
    const b = await runCliAsync(generate);
    for (const [r, name] of [[a, 'ro'], [b, 'ge']] as const) {
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(ENOSPC);
      expect(r.stderr).toMatch(/complete record\(s\) before it are kept in .*\.jsonl\.partial: free space and rerun with --resume/);
      expect(existsSync(join(disk, `${name}.jsonl`))).toBe(false);
      const partial = readFileSync(join(disk, `${name}.jsonl.partial`), 'utf8');
      expect(partial.endsWith('\n') || partial === '').toBe(true);
      for (const l of partial.split('\n').filter(Boolean)) expect(validateRecord(JSON.parse(l)).ok).toBe(true);
    }
    rmSync(filler);
    const [c, d] = await Promise.all([runCliAsync([...rollout, '--resume']), runCliAsync([...generate, '--resume'])]);
    for (const [r, name] of [[c, 'ro'], [d, 'ge']] as const) {
      expect(r.code, r.stderr).toBe(0);
      const lines = readFileSync(join(disk, `${name}.jsonl`), 'utf8').trim().split('\n');
      expect(lines).toHaveLength(150);
      expect(new Set(lines.map((l) => JSON.parse(l).key)).size).toBe(150);
    }
    expect(JSON.parse(readFileSync(join(disk, 'ge.manifest.json'), 'utf8')).status).toBe('complete');
    noTemps(disk);
  });

  describe('the LLM cache', () => {
    let server: LoopbackServer;
    beforeAll(async () => {
      server = await startLoopbackServer();
    });
    afterAll(async () => {
      await server.close();
    });

    it('says once that it cannot write, the run completes, and the summary counts the uncached exchanges', async () => {
      clear();
      leaveFree(8_000);
      const out = join(base, 'llm.jsonl');
      const r = await runCliAsync(
        [
          'rollout', '--env', 'GuessNumber-v0', '--agent', 'expert', '--episodes', '6', '--sim', 'llm', '--sim-base-url', server.url,
          '--sim-model', 'loopback-model', '--no-preflight', '--cache', join(disk, 'cache'), '--out', out,
        ],
        { env: { DIALOGYM_SIM_API_KEY: 'k' } },
      );
      expect(r.code, r.stderr).toBe(0);
      const warnings = r.stderr.split('\n').filter((l) => l.includes('warning: the LLM cache'));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/cannot be written \(no space left on device \(ENOSPC\)\)/);
      const m = /(\d+) exchange\(s\) NOT cached \(cache write failed: no space left on device \(ENOSPC\)\)/.exec(r.stdout);
      expect(m, r.stdout).not.toBeNull();
      const calls = readFileSync(out, 'utf8')
        .trim()
        .split('\n')
        .reduce((n, l) => n + JSON.parse(l).usage.simulator.calls, 0);
      // Every exchange is either an entry in the cache or counted as not cached.
      const entries = (d: string): number =>
        existsSync(d) ? readdirSync(d, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? entries(join(d, e.name)) : e.name.endsWith('.json') ? 1 : 0), 0) : 0;
      expect(Number(m?.[1])).toBeGreaterThan(0);
      expect(Number(m?.[1]) + entries(join(disk, 'cache'))).toBe(calls);
    });
  });
});
