/**
 * Issue 20, item 1: one output discipline for every command. No command empties, truncates or
 * replaces a file it was not asked to replace: an existing output is refused without --force (or
 * --resume where a run can continue), an output that is one of the inputs is refused, a command
 * that fails leaves the old output as it was, an unwritable output path fails at once. Through
 * the CLI.
 */
import { existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { runCliAsync } from '../support/cli.js';

// Many CLI processes start in this file; on a loaded machine each can take tens of seconds.
vi.setConfig({ testTimeout: 300_000, hookTimeout: 300_000 });

let dir: string;
let records: string;
let recordsText: string;

const OLD = '{"old":"a file the user cares about"}\n';

/** One line on stderr, exit 2, and `file` still holds `text`. */
function refused(r: { code: number | null; stderr: string }, file: string, text: string, pattern: RegExp) {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
  expect(r.stderr).toMatch(pattern);
  expect(readFileSync(file, 'utf8')).toBe(text);
}

/** No temporary files left in `d`. */
function noTemps(d: string) {
  expect(readdirSync(d).filter((n) => n.endsWith('.tmp'))).toEqual([]);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dialogym-output-'));
  records = join(dir, 'records.jsonl');
  const r = await runCliAsync(['rollout', '--env', 'GuessNumber-v0', '--agent', 'random', '--episodes', '6', '--out', records]);
  expect(r.code, r.stderr).toBe(0);
  recordsText = readFileSync(records, 'utf8');
});

describe('an output that is also the input is refused, and the input stays whole', () => {
  it('hindsight and export with --out equal to --in (also through a symlink or a hard link, and with --force)', async () => {
    const link = join(dir, 'link.jsonl');
    symlinkSync(records, link);
    const hard = join(dir, 'hard.jsonl');
    linkSync(records, hard);
    const runs = await Promise.all([
      runCliAsync(['hindsight', '--in', records, '--out', records, '--no-progress']),
      runCliAsync(['export', '--format', 'lmrl', '--in', records, '--out', records, '--no-progress']),
      runCliAsync(['export', '--format', 'sft', '--in', records, '--out', link, '--force', '--no-progress']),
      runCliAsync(['hindsight', '--in', link, '--out', hard, '--force', '--no-progress']),
      runCliAsync(['replay', '--in', records, '--out', `${dir}/../${dir.split('/').pop()}/records.jsonl`, '--resume']),
    ]);
    for (const r of runs) refused(r, records, recordsText, /is the same file as --in/);
    noTemps(dir);
  });
});

describe('a command that fails or is refused never touches an existing output', () => {
  it('hindsight and export failing (unknown env records, unknown agent, a directory as input) leave --out as it was, even with --force', async () => {
    const out = join(dir, 'keep.jsonl');
    writeFileSync(out, OLD);
    const alien = join(dir, 'alien.jsonl');
    writeFileSync(alien, recordsText.replaceAll('"id":"GuessNumber-v0"', '"id":"Atlantis-v9"'));
    const runs = await Promise.all([
      runCliAsync(['hindsight', '--in', alien, '--out', out, '--no-progress']),
      runCliAsync(['hindsight', '--in', records, '--out', out, '--continuation', 'no-such-agent', '--no-progress']),
      runCliAsync(['hindsight', '--in', dir, '--out', out, '--no-progress']),
      runCliAsync(['export', '--format', 'dpo', '--in', dir, '--out', out, '--no-progress']),
      runCliAsync(['export', '--format', 'parquet', '--in', records, '--out', out, '--no-progress']),
      // Even when asked to replace the output, a run that fails leaves it as it was.
      runCliAsync(['hindsight', '--in', records, '--out', out, '--continuation', 'no-such-agent', '--force', '--no-progress']),
      runCliAsync(['hindsight', '--in', alien, '--out', out, '--force', '--no-progress']),
    ]);
    // The old output first: this is what a failing run used to destroy (truncated to 0 bytes).
    expect(readFileSync(out, 'utf8')).toBe(OLD);
    for (const r of runs) {
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).not.toMatch(/EISDIR|at .*\.ts:\d+/);
    }
    expect(runs[0]?.stderr).toMatch(/Atlantis-v9/);
    expect(runs[2]?.stderr).toMatch(/is a directory/);
    expect(runs[5]?.stderr).toMatch(/no agent 'no-such-agent'/);
    expect(readFileSync(out, 'utf8')).toBe(OLD);
    noTemps(dir);
  });

  it('hindsight, export, import p4g, eval, audit --json, leaderboard and play refuse an existing output without --force', async () => {
    const sub = join(dir, 'existing');
    mkdirSync(sub);
    const files = ['h.jsonl', 'e.jsonl', 'p.jsonl', 'r.json', 'r.episodes.jsonl', 'a.json', 'play.jsonl', 'leaderboard.json'].map((f) => join(sub, f));
    for (const f of files) writeFileSync(f, OLD);
    const [h, e, p, r, rEp, a, play, lb] = files as string[];
    const runs = await Promise.all([
      runCliAsync(['hindsight', '--in', records, '--out', h as string, '--no-progress']),
      runCliAsync(['export', '--format', 'lmrl', '--in', records, '--out', e as string, '--no-progress']),
      runCliAsync(['import', 'p4g', '--limit', '3', '--out', p as string]),
      runCliAsync(['eval', '--agent', 'random', '--env', 'GuessNumber-v0', '--episodes', '3', '--workers', '0', '--no-normalize', '--out', r as string]),
      runCliAsync(['audit', 'GuessNumber-v0', '--short', '--workers', '0', '--json', a as string]),
      runCliAsync(['play', 'GuessNumber-v0', '--out', play as string], { input: 'GUESS 50\n' }),
      runCliAsync(['leaderboard', r as string, '--out', sub]),
    ]);
    // The files first: this is what these commands used to replace silently.
    for (const f of [h, e, p, r, rEp, a, play, lb]) expect(readFileSync(f as string, 'utf8'), f).toBe(OLD);
    for (const x of runs) {
      expect(x.code, x.stderr).toBe(2);
      expect(x.stderr).toMatch(/exists; pass (--resume to continue it or )?--force to replace it/);
    }
    for (const f of [h, e, p, r, rEp, a, play, lb]) expect(readFileSync(f as string, 'utf8')).toBe(OLD);
    // Only the episodes file of an eval exists: still refused, the results file is not created.
    writeFileSync(join(sub, 'q.episodes.jsonl'), OLD);
    const q = await runCliAsync(['eval', '--agent', 'random', '--env', 'GuessNumber-v0', '--episodes', '3', '--workers', '0', '--no-normalize', '--out', join(sub, 'q.json')]);
    expect(q.code).toBe(2);
    expect(existsSync(join(sub, 'q.json'))).toBe(false);
    // With --force they are replaced, by valid files.
    const forced = await Promise.all([
      runCliAsync(['export', '--format', 'lmrl', '--in', records, '--out', e as string, '--force', '--no-progress']),
      runCliAsync(['eval', '--agent', 'random', '--env', 'GuessNumber-v0', '--episodes', '3', '--workers', '0', '--no-normalize', '--out', r as string, '--force']),
    ]);
    for (const x of forced) expect(x.code, x.stderr).toBe(0);
    expect(readFileSync(e as string, 'utf8').trim().split('\n')).toHaveLength(6);
    const v = await runCliAsync(['verify', r as string, '--sample', '3']);
    expect(v.code, v.stdout + v.stderr).toBe(0);
    noTemps(sub);
  });

  it('a rejected rollout (unknown agent, unknown kwarg) creates no file, so the retry needs no --resume', async () => {
    const out = join(dir, 'retry.jsonl');
    const bad = await Promise.all([
      runCliAsync(['rollout', '--env', 'GuessNumber-v0', '--agent', 'no-such-agent', '--episodes', '2', '--out', out]),
      runCliAsync(['rollout', '--env', 'GuessNumber-v0', '--kwargs', '{"hi":50,"hihg":3}', '--episodes', '2', '--out', out]),
      runCliAsync(['generate', '--env', 'GuessNumber-v0', '--kwargs', '{"lo":"one"}', '--episodes', '2', '--workers', '0', '--out', out]),
    ]);
    for (const r of bad) expect(r.code, r.stderr).toBe(2);
    expect(bad[0]?.stderr).toMatch(/no agent 'no-such-agent'/);
    expect(bad[1]?.stderr).toMatch(/no kwarg 'hihg'.*known kwargs: hi, invalidActionPenalty, lo, questionCost/);
    expect(bad[2]?.stderr).toMatch(/kwarg 'lo' must be a number/);
    expect(readdirSync(dir).filter((n) => n.startsWith('retry'))).toEqual([]);
    const ok = await runCliAsync(['rollout', '--env', 'GuessNumber-v0', '--episodes', '2', '--out', out]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(readFileSync(out, 'utf8').trim().split('\n')).toHaveLength(2);
  });

  it('an output path that cannot be created fails at once with one line', async () => {
    const blocker = join(dir, 'plain-file');
    writeFileSync(blocker, 'x');
    const runs = await Promise.all([
      runCliAsync(['rollout', '--env', 'GuessNumber-v0', '--episodes', '2', '--out', '/proc/nope/x.jsonl'], { timeoutMs: 150_000 }),
      runCliAsync(['generate', '--env', 'GuessNumber-v0', '--episodes', '2', '--workers', '0', '--out', '/proc/nope/x.jsonl'], { timeoutMs: 150_000 }),
      runCliAsync(['export', '--format', 'lmrl', '--in', records, '--out', join(blocker, 'x.jsonl')], { timeoutMs: 150_000 }),
      runCliAsync(['rollout', '--env', 'GuessNumber-v0', '--episodes', '2', '--out', dir], { timeoutMs: 150_000 }),
    ]);
    for (const r of runs) {
      expect(r.code, `${r.stderr} (${Math.round(r.ms)} ms)`).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(runs[0]?.stderr).toMatch(/cannot create directory \/proc\/nope/);
    expect(runs[2]?.stderr).toMatch(/is not a directory/);
    expect(runs[3]?.stderr).toMatch(/is a directory/);
  });
});

describe('while a resumable run goes on, its records are in <out>.partial', () => {
  it('an interrupted run (its partial file) is refused without --resume or --force', async () => {
    const out = join(dir, 'interrupted.jsonl');
    writeFileSync(`${out}.partial`, recordsText.split('\n').slice(0, 2).join('\n'));
    const r = await runCliAsync(['rollout', '--env', 'GuessNumber-v0', '--agent', 'random', '--episodes', '6', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/holds an interrupted run; pass --resume/);
    const resumed = await runCliAsync(['rollout', '--env', 'GuessNumber-v0', '--agent', 'random', '--episodes', '6', '--out', out, '--resume']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(existsSync(`${out}.partial`)).toBe(false);
    const keys = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l).key);
    expect(keys.sort()).toEqual(recordsText.trim().split('\n').map((l) => JSON.parse(l).key).sort());
  });
});
