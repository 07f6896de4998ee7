import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import '../../envs/index.js';
import '../../agents/index.js';
import { withoutTimings } from '../../core/rollout.js';
import type { Json } from '../../core/types.js';
import type { EpisodeRecord } from '../../core/record.js';
import { validate } from '../../core/schema.js';
import { getFormat } from '../../core/formats.js';
import { evaluate } from '../../eval/evaluate.js';
import { computeEnvMetrics, episodeSuccess } from '../../eval/metrics.js';
import { EvalPool } from '../../eval/pool.js';
import { emptyReferences, REFERENCE_EPISODES, storedReference, updateReferences, loadReferences } from '../../eval/references.js';
import { loadResults, resultsSchema, sha256, writeResults } from '../../eval/results.js';
import { splitSeeds } from '../../eval/splits.js';
import { firstDifference, verifyResults } from '../../eval/verify.js';
import { runCli } from '../support/cli.js';

const ENV = 'GuessNumber-v0';
const dir = mkdtempSync(join(tmpdir(), 'dialogym-eval-'));
const base = { envIds: [ENV], split: 'dev' as const, simulator: { kind: 'scripted' }, command: 'test', references: emptyReferences() };

let randomPath = '';
let expertPath = '';

beforeAll(async () => {
  const r = await evaluate({ ...base, agent: 'random', episodes: 12, trials: 3 });
  randomPath = join(dir, 'random.json');
  writeResults(randomPath, r.results, r.records);
  const e = await evaluate({ ...base, agent: 'expert', episodes: 12, trials: 1 });
  expertPath = join(dir, 'expert.json');
  writeResults(expertPath, e.results, e.records);
});

/** Rewrites a results file's JSONL with `edit` applied and a matching hash, as a careful forger would. */
function forge(path: string, edit: (recs: Json[]) => void): string {
  const out = join(dir, `forged-${Math.abs(sha256(String(edit)).charCodeAt(0))}-${Date.now()}.json`);
  const results = JSON.parse(readFileSync(path, 'utf8'));
  const jsonl = readFileSync(join(dir, results.records.file), 'utf8');
  const recs = jsonl.trim().split('\n').map((l) => JSON.parse(l));
  edit(recs);
  const text = recs.map((r) => `${JSON.stringify(r)}\n`).join('');
  const recFile = out.replace(/\.json$/, '.episodes.jsonl');
  writeFileSync(recFile, text);
  results.records = { ...results.records, file: recFile.split('/').pop(), sha256: sha256(text) };
  writeFileSync(out, JSON.stringify(results));
  return out;
}

describe('dialogym eval', () => {
  it('writes a schema-valid results file on the fixed split, with records next to it', async () => {
    const loaded = await loadResults(randomPath);
    expect(loaded.problems).toEqual([]);
    expect(validate(resultsSchema, loaded.results).ok).toBe(true);
    expect(getFormat('results')?.detect?.(loaded.results)).toBe(true);
    const env = loaded.results.envs[0];
    expect(env?.seeds).toEqual(splitSeeds(ENV, 'dev', 12));
    expect(loaded.records).toHaveLength(36);
    expect(env?.metrics.tasks).toBe(12);
    expect(env?.metrics.trials).toBe(3);
    expect(Object.keys(env?.metrics.passK ?? {})).toEqual(['1', '2', '3']);
    // Trials of a task share its scenario but not its seed.
    const task0 = loaded.records.filter((r) => (r.source as { task: number }).task === env?.seeds[0]);
    expect(task0).toHaveLength(3);
    expect(new Set(task0.map((r) => JSON.stringify(r.scenario))).size).toBe(1);
    expect(new Set(task0.map((r) => r.seed)).size).toBe(3);
  });

  it('scores the expert near 100 and the random agent near 0 against references computed on the same split', async () => {
    const ex = (await loadResults(expertPath)).results.envs[0];
    const rd = (await loadResults(randomPath)).results.envs[0];
    expect(ex?.reference?.source).toBe('computed');
    expect(ex?.reference?.episodes).toBe(REFERENCE_EPISODES);
    expect(ex?.metrics.successRate).toBe(1);
    expect(ex?.metrics.passK['1']).toBe(1);
    expect(rd?.metrics.successRate).toBeLessThan(0.3);
    expect(ex?.normalized?.score).toBeGreaterThan(90);
    expect(rd?.normalized?.score).toBeLessThan(20);
    expect(ex?.normalized?.ci.lo).toBeLessThanOrEqual(ex?.normalized?.score as number);
    expect(ex?.normalized?.ci.hi).toBeGreaterThanOrEqual(ex?.normalized?.score as number);
  });

  it('success comes from info.success, and pass^1 equals the success rate', async () => {
    const loaded = await loadResults(randomPath);
    const m = computeEnvMetrics(loaded.records, ENV, 'dev');
    expect(m.successSource).toBe('info.success');
    expect(m.passK['1']).toBeCloseTo(m.successRate, 6);
    const wins = loaded.records.filter((r) => r.termination.reason === 'correct').length;
    expect(loaded.records.filter((r) => episodeSuccess(r).success)).toHaveLength(wins);
  });

  it('gives identical records whatever the concurrency', async () => {
    const a = await evaluate({ ...base, agent: 'random', episodes: 8, trials: 2, concurrency: 1 });
    const b = await evaluate({ ...base, agent: 'random', episodes: 8, trials: 2, concurrency: 8 });
    expect(b.records.map(withoutTimings)).toEqual(a.records.map(withoutTimings));
    expect(b.results.envs[0]?.metrics.returnCI).toEqual(a.results.envs[0]?.metrics.returnCI);
  });

  it('gives the same records on worker threads as in this thread', async () => {
    const pool = new EvalPool(2);
    try {
      const a = await evaluate({ ...base, agent: 'random', episodes: 8, trials: 2 });
      const b = await evaluate({ ...base, agent: 'random', episodes: 8, trials: 2, pool });
      expect(b.records).toHaveLength(16);
      b.records.forEach((r, i) => {
        expect(firstDifference(withoutTimings(a.records[i] as EpisodeRecord), withoutTimings(r))).toBeNull();
      });
    } finally {
      await pool.close();
    }
  });

  it('uses stored references when they match, and stores them with provenance', async () => {
    const path = join(dir, 'refs.json');
    await updateReferences([ENV], { path, command: 'dialogym eval --update-references --env GuessNumber-v0', now: new Date(0) });
    const file = loadReferences(path);
    const entry = file.envs[ENV];
    expect(entry?.provenance.command).toContain('--update-references');
    expect(entry?.splits.dev?.expert.meanReturn).toBeGreaterThan(entry?.splits.dev?.random.meanReturn as number);
    const ex = (await loadResults(expertPath)).results.envs[0];
    // Same value as the on-the-fly reference: both are the first REFERENCE_EPISODES seeds of the split.
    expect(entry?.splits.dev?.expert.meanReturn).toBe(ex?.reference?.expert.meanReturn);
    const used = storedReference(file, ENV, ex?.envVersion as string, ex?.kwargs ?? {}, 'dev');
    expect('stale' in used).toBe(false);
    const stale = storedReference(file, ENV, '9.9.9', ex?.kwargs ?? {}, 'dev');
    expect('stale' in stale && stale.stale).toMatch(/env version/);
  });
});

describe('dialogym verify', () => {
  it('reproduces 100 % of scripted episodes, and with --rerun-agent the agent actions too', async () => {
    const report = await verifyResults(await loadResults(randomPath), { samplePerEnv: Number.POSITIVE_INFINITY, rerunAgent: true });
    expect(report.problems).toEqual([]);
    expect(report.replayed).toBe(36);
    expect(report.reproduced).toBe(36);
    expect(report.ok).toBe(true);
  });

  it('detects a changed reward even when the hash was recomputed', async () => {
    const forged = forge(expertPath, (recs) => {
      recs[2].turns.at(-1).reward += 1;
      recs[2].totals.return += 1;
    });
    const report = await verifyResults(await loadResults(forged), { samplePerEnv: Number.POSITIVE_INFINITY });
    expect(report.ok).toBe(false);
    const bad = report.episodes.filter((c) => !c.reproduced);
    expect(bad).toHaveLength(1);
    expect(bad[0]?.difference?.path).toMatch(/reward|return/);
    expect(report.problems.join('\n')).toMatch(/meanReturn/);
  });

  it('detects a changed action', async () => {
    const forged = forge(expertPath, (recs) => {
      const last = recs[5].turns.at(-1);
      last.action = last.action.replace(/\d+/, (n: string) => String(Number(n) + 1));
    });
    const report = await verifyResults(await loadResults(forged), { samplePerEnv: Number.POSITIVE_INFINITY });
    expect(report.ok).toBe(false);
    expect(report.episodes.filter((c) => !c.reproduced).map((c) => c.key)).toEqual([`${ENV}/expert/dev/5/0`]);
  });

  it('detects an edited summary, a swapped seed and a broken hash', async () => {
    const results = JSON.parse(readFileSync(expertPath, 'utf8'));
    results.envs[0].metrics.successRate = 0.5;
    results.envs[0].normalized.score = 120;
    const edited = join(dir, 'edited.json');
    writeFileSync(edited, JSON.stringify(results));
    const r1 = await verifyResults(await loadResults(edited), { samplePerEnv: 2 });
    expect(r1.ok).toBe(false);
    expect(r1.problems.join('\n')).toMatch(/successRate/);
    expect(r1.problems.join('\n')).toMatch(/normalized/);

    const swapped = forge(expertPath, (recs) => {
      recs[0].seed = 12345;
    });
    const r2 = await verifyResults(await loadResults(swapped), { samplePerEnv: 1 });
    expect(r2.problems.join('\n')).toMatch(/not a seed of this split/);

    const broken = join(dir, 'broken.json');
    const res = JSON.parse(readFileSync(expertPath, 'utf8'));
    res.records.sha256 = '0'.repeat(64);
    writeFileSync(broken, JSON.stringify(res));
    const r3 = await verifyResults(await loadResults(broken), { samplePerEnv: 1 });
    expect(r3.problems.join('\n')).toMatch(/SHA-256/);
  });
});

describe('CLI', () => {
  it('eval → verify round trip, and bad flags exit 2 with one line', () => {
    const out = join(dir, 'cli', 'expert.json');
    const ev = runCli(['eval', '--agent', 'expert', '--env', ENV, '--episodes', '5', '--out', out]);
    expect(ev.code, ev.stderr).toBe(0);
    expect(ev.stdout).toMatch(/GuessNumber-v0\s+score/);
    const ver = runCli(['verify', out, '--sample', 'all']);
    expect(ver.code, ver.stdout + ver.stderr).toBe(0);
    expect(ver.stdout).toMatch(/VERIFIED: 5\/5/);
    const bad = runCli(['eval', '--agent', 'expert', '--env', ENV, '--split', 'holdout', '--out', out]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/unknown split 'holdout'/);
  });
});
