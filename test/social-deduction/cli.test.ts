import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateRecord } from '../../core/record.js';
import { runCli } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'sd-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('dialogym selfplay', () => {
  it('writes one valid record per agent seat per game', () => {
    const out = join(dir, 'sp.jsonl');
    const r = runCli(['selfplay', '--seats', 'Red=expert,blue=random', '--games', '2', '--seed', '4', '--out', out]);
    expect(r.stderr).toMatch(/game 4: /);
    expect(r.code).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(4);
    for (const rec of lines) expect(validateRecord(rec).ok).toBe(true);
    expect(lines.map((l) => l.scenario.agent).sort()).toEqual(['Blue', 'Blue', 'Red', 'Red']);
  });

  it('refuses bad flags with exit code 2 and one line', () => {
    const r = runCli(['selfplay', '--seats', 'Red', '--out', join(dir, 'x.jsonl')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    const seat = runCli(['selfplay', '--seats', 'Magenta=expert', '--out', join(dir, 'z.jsonl')]);
    expect(seat.code).toBe(2);
    expect(seat.stderr).toMatch(/no seat 'Magenta'/);
    expect(existsSync(join(dir, 'z.jsonl'))).toBe(false);
  });
});
