import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import '../../envs/index.js';
import '../../agents/index.js';
import { getFormat } from '../../core/formats.js';
import type { EpisodeRecord } from '../../core/record.js';
import { validate } from '../../core/schema.js';
import { exportRecords } from '../../datasets/export/index.js';
import { EXPORT_FORMATS } from '../../datasets/export/schemas.js';
import { generate } from '../../datasets/generate/runner.js';
import { ExpertController } from '../../datasets/hindsight/controllers/expert.js';
import { hindsightFile } from '../../datasets/hindsight/engine.js';

const dir = mkdtempSync(join(tmpdir(), 'dialogym-export-'));
const records = join(dir, 'records.jsonl');
const branches = join(dir, 'branches.jsonl');
const read = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
let recs: EpisodeRecord[] = [];

beforeAll(async () => {
  // Random and expert play the same seeds: sampled branches for DPO share their first observation.
  await generate({
    config: {
      jobs: [
        { env: 'GuessNumber-v0', agent: 'expert', seeds: { start: 0, count: 12 } },
        { env: 'GuessNumber-v0', agent: 'random', seeds: { start: 0, count: 12 } },
      ],
    },
    out: records,
    workers: 0,
  });
  recs = read(records);
  await hindsightFile(records, branches, { controller: (env) => new ExpertController(env), continuation: 'expert' });
});

/** Every line of `file` through the schema registered for `format` (what `dialogym validate --format` uses). */
function expectAllValid(format: string, file: string): unknown[] {
  const spec = getFormat(format);
  expect(spec, `format ${format} is registered`).toBeDefined();
  expect(spec?.schema).toBe(EXPORT_FORMATS[format as keyof typeof EXPORT_FORMATS]);
  const lines = read(file);
  expect(lines.length).toBeGreaterThan(0);
  for (const [i, l] of lines.entries()) {
    const r = validate(spec?.schema ?? {}, l);
    expect(r.errors, `${format} line ${i + 1}`).toEqual([]);
  }
  return lines;
}

describe('exports validate against their registered schemas', () => {
  it('lmrl: segments alternate, rewards sit on actions and sum to the return', async () => {
    const out = join(dir, 'lmrl.jsonl');
    const s = await exportRecords('lmrl', records, out);
    expect(s.written).toBe(recs.length);
    const lines = expectAllValid('lmrl', out) as { text_history: { is_action: boolean }[]; reward: number[]; done: boolean }[];
    for (const [i, l] of lines.entries()) {
      const rec = recs[i] as EpisodeRecord;
      expect(l.reward).toHaveLength(l.text_history.length);
      expect(l.text_history.filter((t) => t.is_action)).toHaveLength(rec.turns.length);
      l.text_history.forEach((t, k) => {
        if (!t.is_action) expect(l.reward[k]).toBe(0);
      });
      expect(l.reward.reduce((a, b) => a + b, 0)).toBeCloseTo(rec.totals.return, 9);
      expect(l.done).toBe(rec.termination.terminated && !rec.termination.truncated);
    }
    // The schema can fail: a segment without is_action is rejected.
    expect(validate(EXPORT_FORMATS.lmrl, { text_history: [{ text: 'x' }], reward: [0], done: true }).ok).toBe(false);
  });

  it('transitions: return-to-go and discounted MC return are right, next_state chains to the next state', async () => {
    const out = join(dir, 'transitions.jsonl');
    await exportRecords('transitions', records, out, { gamma: 0.5 });
    const lines = expectAllValid('transitions', out) as {
      key: string;
      t: number;
      state: string;
      next_state: string;
      reward: number;
      return_to_go: number;
      mc_return: number;
      done: boolean;
    }[];
    const steps = recs.reduce((a, r) => a + r.turns.length, 0);
    expect(lines).toHaveLength(steps);
    const rec = recs[0] as EpisodeRecord;
    const mine = lines.filter((l) => l.key === rec.key);
    expect(mine[0]?.return_to_go).toBeCloseTo(rec.totals.return, 9);
    const rewards = rec.turns.map((t) => t.reward);
    const mc0 = rewards.reduce((acc, r, i) => acc + r * 0.5 ** i, 0);
    expect(mine[0]?.mc_return).toBeCloseTo(mc0, 9);
    for (let i = 0; i + 1 < mine.length; i++) expect(mine[i]?.next_state).toBe(mine[i + 1]?.state);
    expect(mine.at(-1)?.done).toBe(true);
    expect(mine.slice(0, -1).every((l) => !l.done)).toBe(true);
  });

  it('sft: keeps exactly the top p % of episodes by return; invalid actions get weight 0', async () => {
    const all = join(dir, 'sft-all.jsonl');
    await exportRecords('sft', records, all);
    const allLines = expectAllValid('sft', all) as { messages: { role: string; content: string }[] }[];
    expect(allLines).toHaveLength(recs.length);
    expect(allLines[0]?.messages[0]?.role).toBe('system');
    expect(allLines[0]?.messages.at(-1)?.role).toBe('assistant');

    const top = join(dir, 'sft-top.jsonl');
    const s = await exportRecords('sft', records, top, { topPercent: 25 });
    const kept = expectAllValid('sft', top);
    expect(kept).toHaveLength(Math.ceil(0.25 * recs.length));
    const threshold = s.details.returnThreshold as number;
    const returns = recs.map((r) => r.totals.return).sort((a, b) => b - a);
    expect(threshold).toBe(returns[kept.length - 1]);

    // A record with an invalid action: kept in context, not trained on.
    const bad = structuredClone(recs[0]) as EpisodeRecord;
    const first = bad.turns[0];
    if (!first) throw new Error('record without turns');
    first.invalidAction = { reason: 'test' };
    const badFile = join(dir, 'bad.jsonl');
    writeFileSync(badFile, `${JSON.stringify(bad)}\n`);
    const badOut = join(dir, 'sft-bad.jsonl');
    await exportRecords('sft', badFile, badOut);
    const [line] = expectAllValid('sft', badOut) as { messages: { role: string; weight?: number }[] }[];
    expect(line?.messages.find((m) => m.role === 'assistant')?.weight).toBe(0);
  });

  it('dpo: sampled branches and hindsight branches give pairs with chosen return above rejected', async () => {
    const both = join(dir, 'both.jsonl');
    writeFileSync(both, readFileSync(records, 'utf8') + readFileSync(branches, 'utf8'));
    const out = join(dir, 'dpo.jsonl');
    const s = await exportRecords('dpo', both, out, { withMeta: true });
    const lines = expectAllValid('dpo', out) as {
      prompt: { role: string }[];
      chosen: { content: string }[];
      rejected: { content: string }[];
      meta: { chosenReturn: number; rejectedReturn: number; origin: string; turn: number };
    }[];
    expect(s.details.sampledPairs).toBeGreaterThan(0);
    expect(s.details.hindsightPairs).toBeGreaterThan(0);
    for (const l of lines) {
      expect(l.meta.chosenReturn).toBeGreaterThan(l.meta.rejectedReturn);
      expect(l.chosen[0]?.content).not.toBe(l.rejected[0]?.content);
      // The prompt ends with what the agent saw before the differing turn.
      expect(l.prompt).toHaveLength(2 + 2 * l.meta.turn);
    }
    expect(new Set(lines.map((l) => l.meta.origin))).toEqual(new Set(['sampled', 'hindsight']));
    // Without --with-meta the lines are plain TRL columns.
    const plain = join(dir, 'dpo-plain.jsonl');
    await exportRecords('dpo', both, plain);
    for (const l of expectAllValid('dpo', plain) as object[]) expect(Object.keys(l).sort()).toEqual(['chosen', 'prompt', 'rejected']);
  });

  it('bad input lines are skipped and counted, never fatal', async () => {
    const messy = join(dir, 'messy.jsonl');
    writeFileSync(messy, readFileSync(records, 'utf8'));
    appendFileSync(messy, 'not json\n{"schemaVersion":1}\n{"half":');
    const out = join(dir, 'messy-lmrl.jsonl');
    const s = await exportRecords('lmrl', messy, out);
    expect(s.written).toBe(recs.length);
    expect(s.input.notJson).toBe(2);
    expect(s.input.invalidRecords).toBe(1);
    await expect(exportRecords('parquet', records, out)).rejects.toThrow(/unknown export format/);
    await expect(exportRecords('sft', records, out, { topPercent: 0 })).rejects.toThrow(/top-percent/);
  });
});
