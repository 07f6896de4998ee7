import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import '../../envs/index.js';
import { importP4g, registerImportP4g } from '../../cli/commands/import-p4g.js';
import { dataPath } from '../../core/data.js';
import { ConfigError } from '../../core/errors.js';
import { type EpisodeRecord, validateRecord } from '../../core/record.js';
import { replayRecord } from '../../core/rollout.js';

const sample = (f: string) => dataPath('persuasionforgood', 'sample', f);

function readRecords(path: string): EpisodeRecord[] {
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as EpisodeRecord);
}

describe('import p4g', () => {
  it('turns real dialogues into schema-valid Persuasion-v0 records and counts invalid donations', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'p4g-')), 'records.jsonl');
    const r = importP4g({ dialogs: sample('dialogs.csv'), participants: sample('participants.csv'), out });
    expect(r.written).toBe(4);
    expect(r.skippedInvalidDonation).toBe(1);
    const recs = readRecords(out);
    expect(recs).toHaveLength(4);
    for (const rec of recs) {
      expect(validateRecord(rec).errors).toEqual([]);
      expect(rec.env.id).toBe('Persuasion-v0');
      expect(rec.simulator.kind).toBe('human');
      expect(rec.turns.length).toBeGreaterThanOrEqual(10);
      expect(rec.turns.at(-1)?.action.startsWith('CLOSE ')).toBe(true);
      expect(rec.turns.slice(0, -1).every((t) => !t.action.startsWith('CLOSE'))).toBe(true);
      expect(rec.totals.return).toBe(rec.source.donation);
      expect(rec.turns.at(-1)?.reward).toBe(rec.source.donation);
      expect(rec.turns[0]?.observation.startsWith('user: ')).toBe(true);
      expect(rec.scenario.source.dialogueId).toBe(rec.source.dialogueId);
    }
  });

  it('round-trips: every imported record replays to a clean end against the scripted persuadee', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'p4g-')), 'records.jsonl');
    importP4g({ dialogs: sample('dialogs.csv'), participants: sample('participants.csv'), out });
    for (const rec of readRecords(out)) {
      const again = await replayRecord(rec, { simulator: { kind: 'scripted' } });
      expect(validateRecord(again).errors).toEqual([]);
      expect(again.error).toBeNull();
      expect(again.termination.terminated).toBe(true);
      expect(['closed', 'persuadee_left']).toContain(again.termination.reason);
      if (again.termination.reason === 'closed') {
        expect(again.turns.map((t) => t.action)).toEqual(rec.turns.map((t) => t.action));
      }
      expect(again.totals.return).toBeGreaterThanOrEqual(0);
      expect(again.totals.return).toBeLessThanOrEqual(2);
      expect(again.totals.invalidActions).toBe(0);
      // The same scripted replay twice is identical apart from timings.
      const third = await replayRecord(rec, { simulator: { kind: 'scripted' } });
      expect({ ...third, timings: null }).toEqual({ ...again, timings: null });
    }
  });

  it('is a subcommand of import and rejects missing files with a ConfigError', async () => {
    const program = new Command('dialogym').exitOverride();
    const importCmd = program.command('import').exitOverride();
    registerImportP4g(importCmd);
    const out = join(mkdtempSync(join(tmpdir(), 'p4g-')), 'cli.jsonl');
    const write = process.stdout.write;
    let printed = '';
    process.stdout.write = ((s: string) => {
      printed += s;
      return true;
    }) as typeof process.stdout.write;
    try {
      await program.parseAsync(['import', 'p4g', '--dialogs', sample('dialogs.csv'), '--participants', sample('participants.csv'), '--out', out], {
        from: 'user',
      });
    } finally {
      process.stdout.write = write;
    }
    expect(printed).toMatch(/imported 4 dialogues/);
    expect(printed).toMatch(/skipped 1 with an invalid or missing donation/);
    expect(readRecords(out)).toHaveLength(4);
    expect(() => importP4g({ dialogs: 'missing.csv', participants: sample('participants.csv'), out })).toThrow(ConfigError);
    expect(() => importP4g({ dialogs: sample('participants.csv'), participants: sample('participants.csv'), out })).toThrow(/dialogs\.csv/);
  });

  it('imports the shipped corpus when no CSV is given, and refuses half a pair', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'p4g-shipped-')), 'r.jsonl');
    const r = importP4g({ out, limit: 25 });
    expect(r.written).toBe(25);
    const recs = readRecords(out);
    expect(recs).toHaveLength(25);
    for (const rec of recs) expect(validateRecord(rec).errors).toEqual([]);
    expect(new Set(recs.map((x) => x.key)).size).toBe(25);
    expect(() => importP4g({ dialogs: sample('dialogs.csv'), out })).toThrow(/both --dialogs and --participants/);
  });
});
