import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import '../../envs/index.js';
import '../../agents/index.js';
import { listEnvs } from '../../core/registry.js';
import { hasOracle } from '../../eval/references.js';
import { runCli } from '../support/cli.js';

describe('dialogym start', () => {
  it('evaluates random, expert and oracle on every registered environment, prints raw and normalized figures and writes the site', () => {
    const out = mkdtempSync(join(tmpdir(), 'dialogym-start-'));
    // A few episodes and no normalization keep this fast; npm start itself runs 100 per env and agent.
    const r = runCli(['start', '--out', out, '--episodes', '3', '--workers', '0', '--no-normalize']);
    expect(r.code, r.stderr).toBe(0);
    const envs = listEnvs().map((e) => e.id);
    const expected = envs.length > 0 ? envs : ['GuessNumber-v0'];
    const lines = r.stdout.split('\n');
    for (const id of expected) {
      // One block per env: its header, a header row, random and expert (and the oracle, when registered), a reading.
      const at = lines.findIndex((l) => l.startsWith(`${id} (`));
      expect(at, `no block for ${id}`).toBeGreaterThanOrEqual(0);
      const block = lines.slice(at + 1, lines.indexOf('', at));
      expect(block[0]).toMatch(/agent\s+mean return \[95% CI\]\s+success\s+score/);
      expect(block.some((l) => /^\s+random\s+-?\d+\.\d{3} \[/.test(l))).toBe(true);
      expect(block.some((l) => /^\s+expert\s+-?\d+\.\d{3} \[/.test(l))).toBe(true);
      expect(block.some((l) => /^\s+oracle \(privileged, reference\)/.test(l))).toBe(hasOracle(id));
      expect(block.at(-1)).toMatch(/^\s+→ /);
    }
    expect(r.stdout).toContain(`open file://${join(out, 'leaderboard', 'index.html')}`);
    for (const f of ['index.html', 'leaderboard.md', 'leaderboard.json']) expect(existsSync(join(out, 'leaderboard', f))).toBe(true);
    const data = JSON.parse(readFileSync(join(out, 'leaderboard', 'leaderboard.json'), 'utf8'));
    expect(data.envs).toEqual([...expected].sort());
    const withOracle = expected.some(hasOracle);
    expect(data.entries.map((e: { agent: string }) => e.agent).sort()).toEqual(withOracle ? ['expert', 'oracle', 'random'] : ['expert', 'random']);
    for (const e of data.entries) expect(e.privileged).toBe(e.agent === 'oracle');
  });
});
