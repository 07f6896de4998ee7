/**
 * The README's step loop is `examples/step-loop.ts`, word for word (apart from the import path), and it
 * runs: its printed return is the return of the same episode run by `runEpisode`. A README example that
 * stops compiling or drifts from the contract fails here.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import '../../envs/index.js';
import '../../agents/index.js';
import { createAgent } from '../../agents/registry.js';
import { make } from '../../core/registry.js';
import { runEpisode } from '../../core/rollout.js';
import { ROOT } from '../support/cli.js';

describe('README step loop', () => {
  const example = readFileSync(join(ROOT, 'examples/step-loop.ts'), 'utf8');
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

  it('is examples/step-loop.ts', () => {
    const block = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBeDefined();
    expect(block).toBe(example.replace("from '../index.js'", "from 'dialogym'"));
  });

  it('runs and prints the return runEpisode gives for the same episode', async () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'examples/step-loop.ts'], { cwd: ROOT, encoding: 'utf8' });
    const printed = Number(/^return (-?\d+\.\d+)$/m.exec(out)?.[1]);
    const envId = /const envId = '([^']+)'/.exec(example)?.[1] as string;
    const seed = Number(/env\.reset\(\{ seed: (\d+) \}\)/.exec(example)?.[1]);
    const record = await runEpisode({ env: make(envId), agent: createAgent('expert', { envId }), seed, key: 'readme' });
    const total = record.turns.reduce((a, t) => a + t.reward, 0);
    expect(printed).toBeCloseTo(total, 3);
    expect(record.turns.length).toBeGreaterThan(1);
  });
});
