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
import { exportTasks } from '../../datasets/export/tasks.js';
import { generate } from '../../datasets/generate/runner.js';
import { ExpertController } from '../../datasets/hindsight/controllers/expert.js';
import { hindsightFile } from '../../datasets/hindsight/engine.js';
import { make } from '../../core/registry.js';
import { splitSeeds } from '../../eval/splits.js';
import { columnTypes, type JsonType, showType } from './json-types.js';

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

  it('sft: keeps exactly the top p % of episodes by return; invalid actions are left out with their feedback', async () => {
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

    // A record whose first action was invalid: TRL trains on every assistant turn, so the invalid
    // action and the feedback that answered it are left out (it changed nothing in the episode).
    const withTurns = recs.find((r) => r.turns.length >= 2) as EpisodeRecord;
    const bad = structuredClone(withTurns);
    const first = bad.turns[0];
    if (!first) throw new Error('record without turns');
    first.invalidAction = { reason: 'test' };
    first.action = 'NOT AN ACTION';
    first.observation = 'Invalid action: test.';
    bad.totals.invalidActions = 1;
    const allBad = structuredClone(withTurns);
    for (const t of allBad.turns) t.invalidAction = { reason: 'test' };
    const badFile = join(dir, 'bad.jsonl');
    writeFileSync(badFile, `${JSON.stringify(bad)}\n${JSON.stringify(allBad)}\n`);
    const badOut = join(dir, 'sft-bad.jsonl');
    const sb = await exportRecords('sft', badFile, badOut);
    const lines = expectAllValid('sft', badOut) as { messages: { role: string; content: string }[] }[];
    expect(lines).toHaveLength(1); // the episode with no valid action teaches nothing
    expect(sb.details.episodesWithoutValidAction).toBe(1);
    const msgs = lines[0]?.messages ?? [];
    expect(msgs.map((m) => m.content)).not.toContain('NOT AN ACTION');
    expect(msgs.map((m) => m.content)).not.toContain('Invalid action: test.');
    expect(msgs.filter((m) => m.role === 'assistant')).toHaveLength(withTurns.turns.length - 1);
    for (const m of msgs) expect(Object.keys(m).sort()).toEqual(['content', 'role']);
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

describe('every export format loads unchanged: same keys and JSON types on every row', () => {
  /** Writes `format` from the test records (invalid actions, whole and fractional rewards included). */
  const writers: Record<string, (out: string) => Promise<unknown>> = {
    lmrl: (out) => exportRecords('lmrl', mixed(), out),
    transitions: (out) => exportRecords('transitions', mixed(), out, { gamma: 1 }),
    sft: (out) => exportRecords('sft', mixed(), out),
    dpo: async (out) => {
      const both = join(dir, 'both-uniform.jsonl');
      writeFileSync(both, readFileSync(mixed(), 'utf8') + readFileSync(branches, 'utf8'));
      return exportRecords('dpo', both, out, { withMeta: true });
    },
    tasks: (out) => exportTasks(out, { env: 'GuessNumber-v0', split: 'dev', count: 20 }),
  };

  /** The records, first one rewritten to have whole-number rewards only and an invalid action. */
  let mixedFile: string | undefined;
  function mixed(): string {
    if (mixedFile) return mixedFile;
    const first = structuredClone(recs.find((r) => r.turns.length >= 2)) as EpisodeRecord;
    for (const t of first.turns) {
      t.reward = Math.round(t.reward);
      t.rewardComponents = { outcome: t.reward };
    }
    first.totals.return = first.turns.reduce((a, t) => a + t.reward, 0);
    (first.turns[0] as EpisodeRecord['turns'][number]).invalidAction = { reason: 'uniformity test' };
    first.totals.invalidActions = 1;
    mixedFile = join(dir, 'mixed.jsonl');
    writeFileSync(mixedFile, [first, ...recs].map((r) => JSON.stringify(r)).join('\n') + '\n');
    return mixedFile;
  }

  /** Columns whose type is fixed by the format, whatever the data: floats stay floats. */
  const expected: Record<string, Record<string, string>> = {
    lmrl: { reward: 'list<float>', done: 'bool', 'meta.return': 'float', 'meta.seed': 'int' },
    transitions: { reward: 'float', return_to_go: 'float', mc_return: 'float', gamma: 'float', t: 'int', invalid: 'bool' },
    sft: { messages: 'list<{role: string, content: string}>' },
    dpo: { 'meta.chosenReturn': 'float', 'meta.rejectedReturn': 'float', 'meta.turn': 'int' },
    tasks: { seed: 'int', task_index: 'int', split: 'string', info: 'string', prompt: 'list<{role: string, content: string}>' },
  };

  const field = (t: JsonType, path: string): JsonType | null => {
    let cur: JsonType | null = t;
    for (const k of path.split('.')) cur = cur && cur.kind === 'struct' ? (cur.fields.get(k) ?? null) : null;
    return cur;
  };

  for (const format of Object.keys(EXPORT_FORMATS)) {
    it(`${format}: every row has the same keys and types; numbers declared float are written as floats`, async () => {
      const write = writers[format];
      expect(write, `the uniformity test covers ${format}`).toBeDefined();
      const out = join(dir, `uniform-${format}.jsonl`);
      await (write as (o: string) => Promise<unknown>)(out);
      const text = readFileSync(out, 'utf8');
      const lines = expectAllValid(format, out);
      expect(lines.length).toBeGreaterThan(1);
      const types = columnTypes(text); // throws at the first row that differs
      for (const [path, want] of Object.entries(expected[format] ?? {})) expect(showType(field(types, path)), `${format}.${path}`).toBe(want);
    });
  }

  it('the type check can fail: an integer in a float column, a key on some rows only', () => {
    expect(() => columnTypes('{"r": 0.5}\n{"r": 1}\n')).toThrow(/int/);
    expect(() => columnTypes('{"r": [0.0, 1]}\n')).toThrow(/float vs int/);
    expect(() => columnTypes('{"a": 1, "b": null}\n{"a": 2}\n')).toThrow(/some rows only/);
    expect(showType(columnTypes('{"a": null, "b": []}\n{"a": 1.5, "b": [1]}\n'))).toBe('{a: float, b: list<int>}');
  });
});

describe('tasks: prompt-only rows for online RL', () => {
  it('rows are the split tasks, with the prompt the env shows at reset and info that rebuilds the episode', async () => {
    const out = join(dir, 'tasks.jsonl');
    const s = await exportTasks(out, { env: 'GuessNumber-v0', split: 'test', count: 5, start: 3 });
    expect(s.written).toBe(5);
    const rows = expectAllValid('tasks', out) as {
      prompt: { role: string; content: string }[];
      env_id: string;
      seed: number;
      split: string;
      task_index: number;
      info: string;
    }[];
    const seeds = splitSeeds('GuessNumber-v0', 'test', 8);
    const env = make('GuessNumber-v0');
    for (const [k, row] of rows.entries()) {
      expect(row.task_index).toBe(3 + k);
      expect(row.seed).toBe(seeds[3 + k]);
      const { observation } = await env.reset({ seed: row.seed });
      expect(row.prompt).toEqual([
        { role: 'system', content: observation.instructions },
        { role: 'user', content: observation.newText },
      ]);
      const info = JSON.parse(row.info);
      expect(info).toEqual({
        env_id: 'GuessNumber-v0',
        env_version: env.spec.version,
        seed: row.seed,
        split: 'test',
        task_index: 3 + k,
        kwargs: {},
        sim: 'scripted',
        max_episode_steps: null,
      });
      // Nothing hidden: the scenario is not in the row.
      expect(JSON.stringify(row)).not.toContain(JSON.stringify(env.scenario()));
    }
    await env.close();
    await expect(exportRecords('tasks', records, out)).rejects.toThrow(/built from an env/);
  });
});
