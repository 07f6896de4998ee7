import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import '../../envs/index.js';
import { listEnvs } from '../../core/registry.js';
import { runCli } from '../support/cli.js';

describe('dialogym start', () => {
  it('evaluates random and expert on every registered environment, prints the table and writes the site', () => {
    const out = mkdtempSync(join(tmpdir(), 'dialogym-start-'));
    // A few episodes and no normalization keep this fast; npm start itself runs 100 per env and agent.
    const r = runCli(['start', '--out', out, '--episodes', '3', '--workers', '0', '--no-normalize']);
    expect(r.code, r.stderr).toBe(0);
    const envs = listEnvs().map((e) => e.id);
    const expected = envs.length > 0 ? envs : ['GuessNumber-v0'];
    const header = r.stdout.split('\n').find((l) => l.startsWith('Agent')) ?? '';
    for (const id of expected) expect(header).toContain(id);
    expect(r.stdout).toMatch(/^expert\s+dev/m);
    expect(r.stdout).toMatch(/^random\s+dev/m);
    expect(r.stdout).toContain(`open file://${join(out, 'leaderboard', 'index.html')}`);
    for (const f of ['index.html', 'leaderboard.md', 'leaderboard.json']) expect(existsSync(join(out, 'leaderboard', f))).toBe(true);
    const data = JSON.parse(readFileSync(join(out, 'leaderboard', 'leaderboard.json'), 'utf8'));
    expect(data.envs).toEqual([...expected].sort());
    expect(data.entries.map((e: { agent: string }) => e.agent).sort()).toEqual(['expert', 'random']);
  });
});
