/**
 * Issue 20, item 2: --resume continues the same run or refuses, naming the first difference (env
 * version, kwargs, step limit, simulator, agent), and leaves the file as it was; corrupt and torn
 * lines are dropped and reported, and the file is rewritten so that it validates. Through the CLI.
 */
import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { validateRecord } from '../../core/record.js';
import { runCliAsync } from '../support/cli.js';

// Many CLI processes start in this file; on a loaded machine each can take tens of seconds.
vi.setConfig({ testTimeout: 300_000, hookTimeout: 300_000 });

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dialogym-resume-'));
});

const lines = (f: string) => readFileSync(f, 'utf8').trim().split('\n');
const rollout = (out: string, ...extra: string[]) =>
  runCliAsync(['rollout', '--env', 'GuessNumber-v0', '--agent', 'random', '--episodes', '6', '--out', out, ...extra]);

describe('rollout --resume', () => {
  it('refuses a file run with other kwargs, step limit, agent or env version, naming the first difference', async () => {
    const out = join(dir, 'r.jsonl');
    const first = await rollout(out, '--kwargs', '{"hi":60}', '--max-steps', '12');
    expect(first.code, first.stderr).toBe(0);
    const before = readFileSync(out, 'utf8');
    const versioned = join(dir, 'v.jsonl');
    writeFileSync(versioned, before.replaceAll('"version":"1.0.0"', '"version":"0.9.0"'));
    const runs = await Promise.all([
      rollout(out, '--kwargs', '{"hi":70}', '--max-steps', '12', '--resume'),
      rollout(out, '--kwargs', '{"hi":60}', '--resume'),
      rollout(out, '--kwargs', '{"hi":60}', '--max-steps', '11', '--resume'),
      rollout(out, '--kwargs', '{"hi":60,"questionCost":0.1}', '--max-steps', '12', '--resume'),
      rollout(versioned, '--kwargs', '{"hi":60}', '--max-steps', '12', '--resume'),
      runCliAsync(['rollout', '--env', 'GuessNumber-v0', '--agent', 'expert', '--episodes', '6', '--out', out, '--kwargs', '{"hi":60}', '--max-steps', '12', '--resume']),
    ]);
    const why = [/kwargs\.hi: the file has 60, this run 70/, /step limit: the file has 12, this run 20/, /step limit: the file has 12, this run 11/, /kwargs\.questionCost: the file has 0\.05, this run 0\.1/, /env version: the file has "0\.9\.0", this run "1\.0\.0"/, /agent: the file has "random", this run "expert"/];
    for (const [i, r] of runs.entries()) {
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(why[i] as RegExp);
    }
    expect(readFileSync(out, 'utf8')).toBe(before);
    // The same settings continue it.
    const more = await runCliAsync(['rollout', '--env', 'GuessNumber-v0', '--agent', 'random', '--episodes', '9', '--out', out, '--kwargs', '{"hi":60}', '--max-steps', '12', '--resume']);
    expect(more.code, more.stderr).toBe(0);
    expect(lines(out)).toHaveLength(9);
  });

  it('drops a corrupt line in the middle and a torn last line, says so, and rewrites the file so that it validates', async () => {
    const out = join(dir, 'c.jsonl');
    expect((await rollout(out)).code).toBe(0);
    const good = lines(out);
    const corrupted = [...good.slice(0, 2), '{"schemaVersion":1,"key":"corrupt\u001b[2J', ...good.slice(3), '{"schemaVersion":1,"key":"tor'].join('\n');
    writeFileSync(out, corrupted);
    const r = await rollout(out, '--resume');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/resume: kept 5 line\(s\) of .*c\.jsonl and dropped 2 \(line 3: not JSON; line 7: torn last line/);
    expect(r.stderr).not.toContain('\u001b');
    const after = lines(out);
    expect(after).toHaveLength(6);
    for (const l of after) expect(validateRecord(JSON.parse(l)).ok).toBe(true);
    expect(new Set(after.map((l) => JSON.parse(l).key)).size).toBe(6);
    const v = await runCliAsync(['validate', out]);
    expect(v.code, v.stdout).toBe(0);
  });
});

describe('generate --resume', () => {
  it('drops a corrupt line in the middle, redoes it and what followed, and ends equal to an uninterrupted run', async () => {
    const args = ['generate', '--env', 'GuessNumber-v0', '--agent', 'expert', '--episodes', '12', '--workers', '0', '--no-progress'];
    const out = join(dir, 'g.jsonl');
    const fresh = join(dir, 'fresh.jsonl');
    const [a, b] = await Promise.all([runCliAsync([...args, '--out', out]), runCliAsync([...args, '--out', fresh])]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    const good = lines(out);
    writeFileSync(out, `${[...good.slice(0, 4), 'garbage', ...good.slice(5, 8)].join('\n')}\n`);
    const r = await runCliAsync([...args, '--out', out, '--resume']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/dropped .*line 5: not JSON/);
    const manifest = JSON.parse(readFileSync(join(dir, 'g.manifest.json'), 'utf8'));
    const freshManifest = JSON.parse(readFileSync(join(dir, 'fresh.manifest.json'), 'utf8'));
    expect(manifest.status).toBe('complete');
    expect(manifest.file.inPlanOrder).toBe(true);
    expect(manifest.file.contentSha256).toBe(freshManifest.file.contentSha256);
    expect(manifest.runs[1].resumedFrom).toBe(4);
  });

  it('refuses a file of another step limit even without its manifest, naming it', async () => {
    const out = join(dir, 'm.jsonl');
    const args = ['generate', '--env', 'GuessNumber-v0', '--agent', 'random', '--episodes', '4', '--workers', '0', '--no-progress', '--out', out];
    expect((await runCliAsync([...args, '--max-steps', '7'])).code).toBe(0);
    const before = readFileSync(out, 'utf8');
    const withManifest = await runCliAsync([...args, '--max-steps', '8', '--resume']);
    expect(withManifest.code).toBe(2);
    expect(withManifest.stderr).toMatch(/maxEpisodeSteps: 7 then, 8 now/);
    unlinkSync(join(dir, 'm.manifest.json'));
    const without = await runCliAsync([...args, '--max-steps', '8', '--resume']);
    expect(without.code).toBe(2);
    expect(without.stderr).toMatch(/step limit: the file has 7, this run 8/);
    expect(readFileSync(out, 'utf8')).toBe(before);
    rmSync(out);
  });
});
