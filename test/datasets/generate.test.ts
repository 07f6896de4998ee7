import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import '../../envs/index.js';
import '../../agents/index.js';
import { ConfigError } from '../../core/errors.js';
import { validateRecord } from '../../core/record.js';
import {
  assertNoDuplicateEpisodes,
  type GenerateConfig,
  loadGenerateConfig,
  parseGenerateConfig,
  parseSeedsFlag,
  parseShard,
  planEpisodes,
  shardSize,
} from '../../datasets/generate/config.js';
import { generate } from '../../datasets/generate/runner.js';
import { runCli, spawnCli } from '../support/cli.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'dialogym-gen-'));
const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean);
const keys = (file: string) => lines(file).map((l) => JSON.parse(l).key as string);

const mixed: GenerateConfig = {
  jobs: [
    { env: 'GuessNumber-v0', agent: 'expert', seeds: { start: 0, count: 23 } },
    { env: 'GuessNumber-v0', agent: 'random', seeds: [3, 99, 7, 1000] },
    { env: 'GuessNumber-v0', agent: 'expert', kwargs: { hi: 1000 }, seeds: { start: 0, count: 6 } },
  ],
};

describe('generate config', () => {
  it('rejects bad configs with a ConfigError naming the field', () => {
    expect(() => parseGenerateConfig({ jobs: [{ env: 'GuessNumber-v0', agent: 'expert' }] })).toThrow(/seeds is required/);
    expect(() => parseGenerateConfig({ jobs: [] })).toThrow(ConfigError);
    expect(() => parseGenerateConfig({ jobs: [{ env: 'X-v0', agent: 'a', seeds: { start: -1, count: 2 } }] })).toThrow(/start/);
    expect(() => parseGenerateConfig({ jobs: [{ env: 'X-v0', agent: 'a', seeds: [1] }], bogus: 1 })).toThrow(/bogus/);
    expect(() => parseSeedsFlag('9-3')).toThrow(ConfigError);
    expect(() => parseShard('4/4')).toThrow(ConfigError);
    expect(parseSeedsFlag('5-9')).toEqual({ start: 5, count: 5 });
    expect(parseSeedsFlag('1,2, 8')).toEqual([1, 2, 8]);
    expect(parseShard('1/3')).toEqual({ index: 1, count: 3 });
  });

  it('rejects configs that would write the same episode twice', () => {
    const dup = parseGenerateConfig({
      jobs: [
        { env: 'GuessNumber-v0', agent: 'expert', seeds: { start: 0, count: 10 } },
        { env: 'GuessNumber-v0', agent: 'expert', seeds: [9] },
      ],
    });
    expect(() => assertNoDuplicateEpisodes(dup)).toThrow(/repeats episodes/);
    // Same seeds with other kwargs are other episodes.
    assertNoDuplicateEpisodes(mixed);
  });

  it('shards are disjoint, cover the plan, and are sized as announced', () => {
    const all = [...planEpisodes(mixed)].map((e) => e.key);
    expect(new Set(all).size).toBe(all.length);
    const n = 4;
    const parts = Array.from({ length: n }, (_, i) => [...planEpisodes(mixed, { index: i, count: n })].map((e) => e.key));
    for (const [i, p] of parts.entries()) expect(p.length).toBe(shardSize(mixed, { index: i, count: n }));
    const union = parts.flat();
    expect(union.length).toBe(all.length);
    expect(new Set(union)).toEqual(new Set(all));
    // Deterministic: planning again gives the same shard.
    expect([...planEpisodes(mixed, { index: 2, count: n })].map((e) => e.key)).toEqual(parts[2]);
  });
});

describe('generate runs', () => {
  it('writes shards whose union is the full run, identical (without timings) whether run in workers or in process', async () => {
    const dir = tmp();
    const full = await generate({ config: mixed, out: join(dir, 'full.jsonl'), workers: 0 });
    expect(full.manifest.status).toBe('complete');
    expect(full.manifest.file?.episodes).toBe(33);
    expect(full.manifest.file?.inPlanOrder).toBe(true);
    const viaWorkers = await generate({ config: mixed, out: join(dir, 'w.jsonl'), workers: 2 });
    expect(viaWorkers.mode).toBe('workers');
    expect(viaWorkers.manifest.file?.contentSha256).toBe(full.manifest.file?.contentSha256);

    const shardKeys: string[][] = [];
    for (let i = 0; i < 3; i++) {
      const out = join(dir, `s${i}.jsonl`);
      const r = await generate({ config: mixed, out, shard: { index: i, count: 3 }, workers: 0 });
      expect(r.manifest.status).toBe('complete');
      shardKeys.push(keys(out));
    }
    const union = shardKeys.flat();
    expect(new Set(union).size).toBe(union.length);
    expect(new Set(union)).toEqual(new Set(keys(join(dir, 'full.jsonl'))));

    const manifest = JSON.parse(readFileSync(join(dir, 'full.manifest.json'), 'utf8'));
    expect(manifest.dialogymVersion).toBe('0.1.0');
    expect(manifest.config).toEqual(mixed);
    expect(manifest.file.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest.file.usage.simulator.calls).toBe(0);
    expect(manifest.runs[0].peakRssMB).toBeGreaterThan(0);
  });

  it('refuses to overwrite, and refuses to resume a file written for another config', async () => {
    const dir = tmp();
    const out = join(dir, 'a.jsonl');
    const cfg: GenerateConfig = { jobs: [{ env: 'GuessNumber-v0', agent: 'expert', seeds: { start: 0, count: 3 } }] };
    await generate({ config: cfg, out, workers: 0 });
    await expect(generate({ config: cfg, out, workers: 0 })).rejects.toThrow(/--resume/);
    const other: GenerateConfig = { jobs: [{ env: 'GuessNumber-v0', agent: 'random', seeds: { start: 0, count: 3 } }] };
    await expect(generate({ config: other, out, workers: 0, resume: true })).rejects.toThrow(/another config/);
    await expect(generate({ config: { jobs: [{ env: 'Nope-v0', agent: 'x', seeds: [1] }] }, out: join(dir, 'b.jsonl') })).rejects.toThrow(ConfigError);
  });

  it('the CLI turns a bad config into one line on stderr and exit code 2', () => {
    const dir = tmp();
    const cfg = join(dir, 'bad.json');
    writeFileSync(cfg, JSON.stringify({ jobs: [{ env: 'GuessNumber-v0', agent: 'expert', seeds: { start: 0 } }] }));
    const r = runCli(['generate', '--config', cfg, '--out', join(dir, 'x.jsonl'), '--no-progress']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/count is required/);
    writeFileSync(cfg, '{not json');
    expect(() => loadGenerateConfig(cfg)).toThrow(ConfigError);
    expect(() => loadGenerateConfig(join(dir, 'missing.json'))).toThrow(/--config .*missing\.json: no such file/);
  });

  it('a run killed with SIGKILL resumes to exactly N unique valid episodes, equal to an uninterrupted run', async () => {
    const dir = tmp();
    const out = join(dir, 'run.jsonl');
    const n = 400;
    const args = ['generate', '--env', 'GuessNumber-v0', '--agent', 'expert', '--episodes', String(n), '--workers', '0', '--no-progress'];
    const child = spawnCli([...args, '--out', out]);
    // The run writes <out>.partial until it completes.
    const partialFile = `${out}.partial`;
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        if (existsSync(partialFile) && statSync(partialFile).size > 12_000) {
          clearInterval(timer);
          child.kill('SIGKILL');
        }
      }, 5);
      child.on('exit', (_code, signal) => {
        clearInterval(timer);
        if (signal === 'SIGKILL') resolve();
        else reject(new Error('generate finished before it could be killed'));
      });
    });
    expect(existsSync(out)).toBe(false);
    const partial = lines(partialFile).length;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(n);
    // The worst case as well: a torn last line.
    appendFileSync(partialFile, '{"schemaVersion":1,"key":"GuessNum');
    const r = runCli([...args, '--out', out, '--resume', '--workers', '2']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/resumed/);
    const got = lines(out);
    expect(got).toHaveLength(n);
    const ks = got.map((l) => JSON.parse(l).key);
    expect(new Set(ks).size).toBe(n);
    for (const l of got.slice(partial - 2, partial + 2)) expect(validateRecord(JSON.parse(l)).ok).toBe(true);
    const manifest = JSON.parse(readFileSync(join(dir, 'run.manifest.json'), 'utf8'));
    expect(manifest.status).toBe('complete');
    expect(manifest.runs).toHaveLength(2);
    expect(manifest.runs[1].resumedFrom).toBeGreaterThanOrEqual(partial - 1);
    expect(manifest.file.inPlanOrder).toBe(true);
    // Resumed content equals a run that was never interrupted.
    const fresh = await generate({
      config: { jobs: [{ env: 'GuessNumber-v0', agent: 'expert', simulator: { kind: 'scripted' }, seeds: { start: 0, count: n } }] },
      out: join(dir, 'fresh.jsonl'),
      workers: 0,
    });
    expect(manifest.file.contentSha256).toBe(fresh.manifest.file?.contentSha256);
  }, 180_000);
});
