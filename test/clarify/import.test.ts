import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import '../../envs/index.js';
import { registerImportClariq } from '../../cli/commands/import-clariq.js';
import { type EpisodeRecord, validateRecord } from '../../core/record.js';
import { replayRecord, withoutTimings } from '../../core/rollout.js';
import { loadClariq } from '../../envs/clarify-common/clariq-data.js';
import { CLARIQ_COLUMNS, parseClariqRows } from '../../envs/clarify-common/clariq-tsv.js';
import { importClariqRows } from '../../envs/clarify-search/clariq-import.js';

/** A small ClariQ-format TSV built from the shipped data: two topics, plus a "no question" row. */
function fixtureTsv(): string {
  const corpus = loadClariq();
  const header = ['topic_id', 'initial_request', 'topic_desc', 'clarification_need', 'facet_id', 'facet_desc', 'question_id', 'question', 'answer'];
  const lines = [header.join('\t')];
  for (const t of corpus.topics.filter((x) => x.split === 'dev' && x.facets.length >= 3).slice(0, 2)) {
    for (const f of t.facets) {
      lines.push([t.id, t.request, t.request, t.need, f.id, `"${f.desc.replace(/"/g, '""')}"`, '', '', ''].join('\t'));
      for (const [qid, a] of f.qa.slice(0, 2)) lines.push([t.id, t.request, t.request, t.need, f.id, f.desc, qid, corpus.questions[qid], a].join('\t'));
    }
  }
  return `${lines.join('\n')}\n`;
}

describe('ClariQ import', () => {
  const rows = parseClariqRows(fixtureTsv());

  it('parses the fixture with every ClariQ column', () => {
    expect(rows.length).toBeGreaterThan(10);
    expect(CLARIQ_COLUMNS.length).toBe(8);
  });

  it('turns rows into valid one-question records that replay identically and end cleanly', async () => {
    const recs: EpisodeRecord[] = [];
    const stats = await importClariqRows(rows, 'fixture.tsv', (r) => {
      recs.push(r);
    });
    expect(stats.imported).toBe(recs.length);
    expect(stats.skipped).toBeGreaterThan(0);
    expect(stats.imported + stats.skipped).toBe(rows.length);
    for (const rec of recs) {
      expect(validateRecord(rec).errors).toEqual([]);
      expect(rec.turns.map((t) => t.action.split(' ')[0])).toEqual(['ASK', 'ANSWER']);
      expect(rec.termination.terminated).toBe(true);
      expect(rec.simulator.kind).toBe('human');
    }
    const first = recs[0] as EpisodeRecord;
    const row = rows.find((r) => r.question && r.answer) as (typeof rows)[number];
    expect(first.turns[0]?.action).toBe(`ASK ${row.question}`);
    expect(first.turns[0]?.simulatorTurns[0]).toMatchObject({ utterance: row.answer, source: 'human' });
    expect(first.scenario.facet).toEqual({ id: row.facetId, description: row.facet });
    expect(first.scenario.otherFacets.length).toBeGreaterThanOrEqual(2);
    expect(first.source).toMatchObject({ corpus: 'ClariQ', file: 'fixture.tsv', questionId: row.questionId });

    for (const rec of recs.slice(0, 4)) {
      const again = await replayRecord(rec);
      expect(withoutTimings(again)).toEqual(withoutTimings(rec));
      const scripted = await replayRecord(rec, { simulator: { kind: 'scripted' } });
      expect(scripted.termination).toMatchObject({ terminated: true });
      expect(scripted.error).toBeNull();
      expect(scripted.turns[0]?.simulatorTurns[0].source).not.toBe('human');
    }
  });

  it('runs as `dialogym import clariq`, refuses to overwrite, and resumes without duplicates', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clariq-import-'));
    const input = join(dir, 'dev.tsv');
    const out = join(dir, 'records.jsonl');
    writeFileSync(input, fixtureTsv());
    const program = new Command('dialogym').exitOverride();
    const importCmd = program.command('import').exitOverride();
    registerImportClariq(importCmd);
    const log: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => {
      log.push(String(chunk));
      return true;
    }) as typeof process.stdout.write;
    try {
      await program.parseAsync(['node', 'dialogym', 'import', 'clariq', '--in', input, '--out', out, '--limit', '3']);
      await expect(program.parseAsync(['node', 'dialogym', 'import', 'clariq', '--in', input, '--out', out])).rejects.toThrow(/exists/);
      await program.parseAsync(['node', 'dialogym', 'import', 'clariq', '--in', input, '--out', out, '--resume']);
      await expect(program.parseAsync(['node', 'dialogym', 'import', 'clariq', '--in', join(dir, 'none.tsv'), '--out', join(dir, 'x.jsonl')])).rejects.toThrow(
        /no such file/,
      );
    } finally {
      process.stdout.write = write;
    }
    const keys = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l).key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.length).toBe(rows.filter((r) => r.question && r.answer).length);
    expect(log.join('')).toMatch(/imported 3 records/);
  });
});
