/**
 * The same env id and version give the same episodes: every committed golden record (see
 * test/support/golden-records.ts) is regenerated and compared byte for byte, timings aside, and each
 * env's statechart drawing is compared with the committed one.
 *
 * The goldens of the v0 envs were written by the core that still ran env machines through XState's
 * interpreter (commit b5aaa20); that they still match proves the engines of issue 19 changed no
 * episode. Envs registered later (ClarifySearch-v1, ClarifyTask-v1) got theirs from
 * `scripts/golden-records.ts --missing`, checked equal to the interpreter engine's before commit.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { getRegistration } from '../../core/registry.js';
import { goldenRecords, graphOf, toJsonl } from '../support/golden-records.js';

const GOLDEN = fileURLToPath(new URL('../golden/', import.meta.url));
const files = readdirSync(join(GOLDEN, 'records'))
  .filter((f) => f.endsWith('.jsonl'))
  .sort();

function firstDifference(expected: string, actual: string): string {
  const e = expected.split('\n');
  const a = actual.split('\n');
  for (let i = 0; i < Math.max(e.length, a.length); i++) {
    if (e[i] === a[i]) continue;
    const el = e[i] ?? '';
    const al = a[i] ?? '';
    let c = 0;
    while (c < el.length && el[c] === al[c]) c++;
    const key = /"key":"([^"]*)"/.exec(el)?.[1] ?? `line ${i + 1}`;
    return `record ${key} differs at character ${c}: expected …${el.slice(Math.max(0, c - 80), c + 80)}… got …${al.slice(Math.max(0, c - 80), c + 80)}…`;
  }
  return 'no difference';
}

describe('golden records', () => {
  it('covers the envs registered when the goldens were written', () => {
    expect(files.map((f) => f.replace(/\.jsonl$/, ''))).toEqual(
      expect.arrayContaining(['GuessNumber-v0', 'Persuasion-v0', 'ClarifySearch-v0', 'ClarifyTask-v0', 'SocialDeduction-v0', 'Embodied-v0']),
    );
  });

  for (const file of files) {
    const envId = file.replace(/\.jsonl$/, '');
    it(`${envId}: regenerated records are byte-identical apart from timings, and the graph is unchanged`, async () => {
      const expected = readFileSync(join(GOLDEN, 'records', file), 'utf8');
      const goldenVersion = (JSON.parse(expected.slice(0, expected.indexOf('\n'))) as { env: { version: string } }).env.version;
      const registered = getRegistration(envId);
      const version = registered.entryPoint({}).spec.version;
      expect(
        version,
        `${envId} is now version ${version} but its goldens are of ${goldenVersion}: if its dynamics changed on purpose, regenerate them with \`npx tsx scripts/golden-records.ts --env ${envId}\``,
      ).toBe(goldenVersion);
      const actual = toJsonl(await goldenRecords(envId));
      if (actual !== expected) expect.fail(`${envId}: ${firstDifference(expected, actual)}`);
      expect(`${await graphOf(envId)}\n`).toBe(readFileSync(join(GOLDEN, 'graphs', `${envId}.mmd`), 'utf8'));
    }, 120_000);
  }
});
