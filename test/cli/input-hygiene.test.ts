/**
 * Issue 20, item 4: binary, compressed or empty inputs, directories, files without a valid record
 * and records of an unknown env are one line and exit 2 (with a short count of skipped lines, and
 * --verbose to list them); nothing raw from an input reaches the terminal. Through the CLI.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { runCliAsync } from '../support/cli.js';

// Many CLI processes start in this file; on a loaded machine each can take tens of seconds.
vi.setConfig({ testTimeout: 300_000, hookTimeout: 300_000 });

let dir: string;
let records: string;
const files: Record<string, string> = {};

/** No ESC, BEL, CR, backspace or other control byte except newline. */
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dialogym-input-'));
  records = join(dir, 'records.jsonl');
  const r = await runCliAsync(['rollout', '--env', 'GuessNumber-v0', '--agent', 'expert', '--episodes', '4', '--out', records]);
  expect(r.code, r.stderr).toBe(0);
  const text = readFileSync(records, 'utf8');
  files.gzip = join(dir, 'records.jsonl.gz');
  writeFileSync(files.gzip, gzipSync(text));
  files.binary = join(dir, 'blob.jsonl');
  writeFileSync(files.binary, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)));
  files.empty = join(dir, 'empty.jsonl');
  writeFileSync(files.empty, '');
  files.directory = dir;
  files.garbage = join(dir, 'garbage.jsonl');
  writeFileSync(files.garbage, 'hello\nworld\n{"half":\n');
  files.alien = join(dir, 'alien.jsonl');
  writeFileSync(files.alien, text.replaceAll('"id":"GuessNumber-v0"', '"id":"Atlantis-v9"'));
});

const EXPECT: Record<string, RegExp> = {
  gzip: /is gzip-compressed, not text: decompress it first \(gunzip -k/,
  binary: /is a binary file|is not UTF-8 text/,
  empty: /is empty/,
  directory: /is a directory/,
  garbage: /holds no valid episode records: skipped 3 bad line\(s\)/,
};

describe('unusable inputs are one line and exit 2', () => {
  for (const kind of Object.keys(EXPECT)) {
    it.concurrent(`${kind}: replay, hindsight and export`, async () => {
      const input = files[kind] as string;
      const runs = await Promise.all([
        runCliAsync(['replay', '--in', input, '--out', join(dir, `${kind}-replay.jsonl`)]),
        runCliAsync(['hindsight', '--in', input, '--out', join(dir, `${kind}-hindsight.jsonl`)]),
        runCliAsync(['export', '--format', 'lmrl', '--in', input, '--out', join(dir, `${kind}-export.jsonl`)]),
      ]);
      for (const r of runs) {
        expect(r.code, r.stderr).toBe(2);
        expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
        expect(r.stderr).toMatch(EXPECT[kind] as RegExp);
        expect(r.stderr).not.toMatch(RAW_CONTROL);
        expect(r.stdout).toBe('');
      }
    });
  }

  it.concurrent('validate: a compressed, binary, empty file or a directory is exit 2, not a page of bad lines', async () => {
    const runs = await Promise.all(['gzip', 'binary', 'empty', 'directory'].map((k) => runCliAsync(['validate', files[k] as string])));
    for (const [i, k] of ['gzip', 'binary', 'empty', 'directory'].entries()) {
      const r = runs[i] as { code: number | null; stderr: string; stdout: string };
      expect(r.code, `${k}: ${r.stderr}`).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(EXPECT[k] as RegExp);
    }
  });

  it.concurrent('records of an env that is not registered: replay and hindsight refuse with the env named', async () => {
    const runs = await Promise.all([
      runCliAsync(['replay', '--in', files.alien as string, '--out', join(dir, 'alien-replay.jsonl')]),
      runCliAsync(['hindsight', '--in', files.alien as string, '--out', join(dir, 'alien-hindsight.jsonl')]),
    ]);
    for (const r of runs) {
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/line 1 is a record of 'Atlantis-v9', an env that is not registered/);
    }
  });
});

describe('some bad lines among good ones', () => {
  it.concurrent('are skipped with a one-line count; --verbose lists each; nothing raw reaches the terminal', async () => {
    const messy = join(dir, 'messy.jsonl');
    const bad = ['\u001b]0;pwned\u0007\u001b[2J{"oops"', 'plain text \r\b\b\bhidden', '{"schemaVersion":1,"key":"\\u001b[31mred"}'];
    writeFileSync(messy, `${readFileSync(records, 'utf8')}${bad.join('\n')}\n`);
    const [quiet, verbose] = await Promise.all([
      runCliAsync(['export', '--format', 'lmrl', '--in', messy, '--out', join(dir, 'messy-1.jsonl'), '--no-progress']),
      runCliAsync(['export', '--format', 'lmrl', '--in', messy, '--out', join(dir, 'messy-2.jsonl'), '--no-progress', '--verbose']),
    ]);
    for (const r of [quiet, verbose]) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/4 record\(s\) → 4 line\(s\)/);
      expect(r.stdout).toMatch(/skipped 3 bad line\(s\) of .*messy\.jsonl \(line 5: not JSON; line 6: not JSON; line 7: not a valid episode record/);
      expect(r.stdout + r.stderr).not.toMatch(RAW_CONTROL);
    }
    expect(quiet.stderr).toBe('');
    expect(verbose.stderr.trim().split('\n')).toHaveLength(3);
  });

  it.concurrent('validate shows bad lines escaped (no terminal control sequences from the file)', async () => {
    const hostile = join(dir, 'hostile.jsonl');
    writeFileSync(hostile, `${readFileSync(records, 'utf8').split('\n')[0]}\n\u001b[2J\u001b[31m{"x":\u0007\u0008}\n`);
    const r = await runCliAsync(['validate', hostile]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/hostile\.jsonl:2: not JSON/);
    expect(r.stdout).toContain('\\x1b');
    expect(r.stdout + r.stderr).not.toMatch(RAW_CONTROL);
    expect(r.stdout).toMatch(/1 valid, 1 invalid line\(s\)/);
  });
});
