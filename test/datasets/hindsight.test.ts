import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import '../../envs/index.js';
import '../../agents/index.js';
import { importP4g } from '../../cli/commands/import-p4g.js';
import { type EpisodeRecord, validateRecord } from '../../core/record.js';
import { replayRecord, withoutTimings } from '../../core/rollout.js';
import { validate } from '../../core/schema.js';
import { generate } from '../../datasets/generate/runner.js';
import { ExpertController, makeController } from '../../datasets/hindsight/controllers/index.js';
import { LlmController, proposalSchema } from '../../datasets/hindsight/controllers/llm.js';
import { CONCERN_ANSWERS, firstReveals, withSentence } from '../../datasets/hindsight/controllers/persuasion.js';
import { HindsightEngine, hindsightFile } from '../../datasets/hindsight/engine.js';
import type { HindsightProvenance } from '../../datasets/hindsight/types.js';
import { CONCERNS, concernsAddressed } from '../../simulators/persuasion/concerns.js';
import type { LlmProvider, StructuredRequest, StructuredResponse } from '../../simulators/types.js';
import { emptyUsage, type Json } from '../../core/types.js';

const dir = mkdtempSync(join(tmpdir(), 'dialogym-hindsight-'));
const read = (file: string): EpisodeRecord[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
const guessRecords = join(dir, 'guess.jsonl');
let sources: Map<string, EpisodeRecord>;

beforeAll(async () => {
  await generate({
    config: { jobs: [{ env: 'GuessNumber-v0', agent: 'random', seeds: { start: 0, count: 10 } }] },
    out: guessRecords,
    workers: 0,
  });
  sources = new Map(read(guessRecords).map((r) => [r.key, r]));
});

/** The provenance contract every branch must satisfy, checked against its source. */
async function expectProvenance(branch: EpisodeRecord, src: Map<string, EpisodeRecord>) {
  expect(validateRecord(branch).errors).toEqual([]);
  const p = branch.source as HindsightProvenance;
  expect(p.kind).toBe('hindsight');
  const source = src.get(p.sourceKey);
  expect(source, `source ${p.sourceKey}`).toBeDefined();
  if (!source) return;
  expect(branch.key.startsWith(`${source.key}/hindsight/`)).toBe(true);
  expect(p.rationale.length).toBeGreaterThan(0);
  expect(p.rule.length).toBeGreaterThan(0);
  const t = p.branchTurn;
  expect(branch.turns[t]?.action).toBe(p.replacementAction);
  expect(p.replacementAction).not.toBe(p.originalAction);
  expect(branch.seed).toBe(source.seed);
  expect(branch.scenario).toEqual(source.scenario);
  expect(p.rewardAfter).toBe(branch.totals.return);
  expect(p.sourceReturn).toBe(source.totals.return);
  // Before = the source's actions replayed under the branch's simulator.
  const replayed = await replayRecord(source, { simulator: p.simulator });
  expect(p.rewardBefore).toBeCloseTo(replayed.totals.return, 9);
  expect(p.originalAction).toBe(replayed.turns[t]?.action);
  // The prefix is the source's.
  expect(branch.turns.slice(0, t).map((x) => x.action)).toEqual(replayed.turns.slice(0, t).map((x) => x.action));
  return { p, source, replayed };
}

describe('hindsight engine on GuessNumber-v0 (generic expert controller)', () => {
  it('branches carry full provenance; with replay continuation only the branch turn changes', async () => {
    const out = join(dir, 'guess-replay.jsonl');
    const s = await hindsightFile(guessRecords, out, { controller: (env) => new ExpertController(env), continuation: 'replay', maxBranches: 2 });
    const branches = read(out);
    expect(branches.length).toBe(s.stats.branches);
    expect(branches.length).toBeGreaterThan(0);
    for (const b of branches) {
      const r = await expectProvenance(b, sources);
      if (!r) continue;
      const t = r.p.branchTurn;
      // The source's remaining actions follow (the env's expert finishes if they run out first).
      const rest = r.replayed.turns.slice(t + 1).map((x) => x.action);
      const after = b.turns.slice(t + 1, t + 1 + rest.length).map((x) => x.action);
      expect(after).toEqual(rest.slice(0, after.length));
      expect(r.p.continuation).toBe('replay');
    }
  });

  it('with the expert continuing, branches beat their sources on average; output is deterministic', async () => {
    const a = join(dir, 'guess-expert-a.jsonl');
    const b = join(dir, 'guess-expert-b.jsonl');
    const opts = { controller: (env: string) => makeController('scripted', env), continuation: 'expert', maxBranches: 1 };
    const s = await hindsightFile(guessRecords, a, { ...opts, withBaselines: true });
    await hindsightFile(guessRecords, b, { ...opts, withBaselines: true });
    expect(s.stats.meanDelta).toBeGreaterThan(0);
    expect(s.stats.meanAfter).toBeGreaterThan(s.stats.meanBefore ?? 0);
    expect(read(a).map(withoutTimings)).toEqual(read(b).map(withoutTimings));
    const improvedOnly = join(dir, 'guess-improved.jsonl');
    const si = await hindsightFile(guessRecords, improvedOnly, { ...opts, onlyImproved: true });
    expect(si.stats).toEqual(s.stats);
    expect(read(improvedOnly)).toHaveLength(s.stats.improved);
    for (const r of read(improvedOnly)) expect((r.source as HindsightProvenance).rewardAfter).toBeGreaterThan((r.source as HindsightProvenance).rewardBefore);
    const baselines = read(a).filter((r) => (r.source as { kind: string }).kind === 'hindsight-baseline');
    expect(baselines).toHaveLength(sources.size);
    for (const br of read(a).filter((r) => (r.source as { kind: string }).kind === 'hindsight')) await expectProvenance(br, sources);
  });

  it('drops proposals that cannot be played instead of writing wrong branches', async () => {
    const rec = [...sources.values()][0] as EpisodeRecord;
    const engine = new HindsightEngine({
      controller: {
        id: 'bad',
        propose: () => [
          { turn: 99, replacement: 'GUESS 1', rationale: 'out of range', rule: 'x' },
          { turn: 0, replacement: rec.turns[0]?.action ?? '', rationale: 'same as original', rule: 'x' },
          { turn: 0, replacement: 'GUESS 42', rationale: 'fine', rule: 'x' },
          { turn: 0, replacement: 'GUESS 42', rationale: 'duplicate', rule: 'x' },
        ],
      },
      maxBranches: 4,
    });
    const res = await engine.regenerate(rec);
    expect(res.branches).toHaveLength(1);
    expect(res.dropped.map((d) => d.reason)).toEqual([
      expect.stringMatching(/not an agent turn/),
      expect.stringMatching(/equals the original/),
      expect.stringMatching(/duplicate/),
    ]);
  });
});

class FakeProvider implements LlmProvider {
  readonly model = 'fake-model';
  requests: StructuredRequest[] = [];
  constructor(private readonly reply: (req: StructuredRequest) => Json) {}
  async complete(req: StructuredRequest): Promise<StructuredResponse> {
    this.requests.push(req);
    const value = this.reply(req);
    return { value, text: JSON.stringify(value), usage: { ...emptyUsage(), calls: 1, promptTokens: 10, completionTokens: 5 }, cached: false };
  }
}

describe('LLM hindsight controller', () => {
  it('sends the dialogue with its outcome, checks turn numbers, and turns the reply into branches', async () => {
    const fake = new FakeProvider(() => ({ branches: [{ turn: 0, replacement: 'ASK is it greater than 50?', rationale: 'halve the range first' }] }));
    const rec = [...sources.values()].find((r) => r.turns[0]?.action !== 'ASK is it greater than 50?') as EpisodeRecord;
    const engine = new HindsightEngine({ controller: new LlmController(fake), continuation: 'expert' });
    const res = await engine.regenerate(rec);
    expect(fake.requests).toHaveLength(1);
    const req = fake.requests[0] as StructuredRequest;
    expect(req.schema).toBe(proposalSchema);
    const prompt = req.messages.map((m) => m.content).join('\n');
    expect(prompt).toContain('[agent turn 0]');
    expect(prompt).toContain(`return ${rec.totals.return}`);
    // The env-rule check rejects turns that do not exist and unchanged replacements.
    expect(req.check?.({ branches: [{ turn: rec.turns.length + 3, replacement: 'x', rationale: 'y' }] })).toMatch(/does not exist/);
    expect(req.check?.({ branches: [{ turn: 0, replacement: rec.turns[0]?.action, rationale: 'y' }] })).toMatch(/must differ/);
    expect(req.check?.({ branches: [{ turn: 0, replacement: 'GUESS 7', rationale: 'y' }] })).toBeNull();
    expect(validate(proposalSchema, { branches: [{ turn: -1, replacement: 'x', rationale: 'y' }] }).ok).toBe(false);
    expect(res.branches).toHaveLength(1);
    const p = res.branches[0]?.source as HindsightProvenance;
    expect(p.controller).toBe('llm:fake-model');
    expect(p.rule).toBe('llm');
    expect(p.rationale).toBe('halve the range first');
    await expectProvenance(res.branches[0] as EpisodeRecord, sources);
  });
});

describe('Persuasion-v0 scripted controller on imported human dialogues', () => {
  it('every concern answer answers its concern, and CLOSE stays a CLOSE', () => {
    for (const c of CONCERNS) expect(concernsAddressed(CONCERN_ANSWERS[c])).toContain(c);
    expect(withSentence('CLOSE How much?', 'Any amount helps.')).toBe('CLOSE Any amount helps. How much?');
    expect(withSentence('SAY hello', 'Hi.')).toBe('Hi. hello');
  });

  it('regenerates the sample PersuasionForGood dialogues with provenance, answering concerns the persuadee voiced', async () => {
    const records = join(dir, 'p4g.jsonl');
    const imported = importP4g({
      dialogs: join('data', 'persuasionforgood', 'sample', 'dialogs.csv'),
      participants: join('data', 'persuasionforgood', 'sample', 'participants.csv'),
      out: records,
    });
    expect(imported.written).toBeGreaterThan(0);
    const src = new Map(read(records).map((r) => [r.key, r]));
    const out = join(dir, 'p4g-h.jsonl');
    const s = await hindsightFile(records, out, { controller: (env) => makeController('scripted', env), maxBranches: 3, withBaselines: true });
    expect(s.stats.records).toBe(imported.written);
    const all = read(out);
    const baselines = new Map(all.filter((r) => (r.source as { kind: string }).kind === 'hindsight-baseline').map((r) => [(r.source as { sourceKey: string }).sourceKey, r]));
    const branches = all.filter((r) => (r.source as { kind: string }).kind === 'hindsight');
    expect(branches.length).toBeGreaterThan(0);
    for (const b of branches) {
      const r = await expectProvenance(b, src);
      if (!r) continue;
      expect(r.p.controller).toBe('persuasion-rules');
      expect(r.p.simulator.kind).toBe('scripted');
      expect(r.p.sourceOrigin).toMatchObject({ corpus: 'PersuasionForGood' });
      if (r.p.rule === 'answer-ignored-concern') {
        const concern = CONCERNS.find((c) => r.p.replacementAction.includes(CONCERN_ANSWERS[c]));
        expect(concern, r.p.replacementAction).toBeDefined();
        const base = baselines.get(r.p.sourceKey) as EpisodeRecord;
        // It was voiced in the replayed dialogue just before the branch turn.
        expect(firstReveals(base).get(concern as (typeof CONCERNS)[number])).toBe(r.p.branchTurn - 1);
      }
    }
  });
});
