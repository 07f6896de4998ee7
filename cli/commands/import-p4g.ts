/**
 * `dialogym import p4g --dialogs <dialogs.csv> --participants <participants.csv> --out <records.jsonl>`:
 * PersuasionForGood dialogues as Persuasion-v0 episode records (see envs/persuasion/import.ts).
 * Dialogues whose donation is missing or outside [$0, $2], or whose persuadee has no survey row,
 * are skipped and counted.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ConfigError } from '../../core/errors.js';
import { MAX_EPISODES } from '../../core/limits.js';
import { checkInputFile } from '../../core/input.js';
import { checkOutput, JsonlOutput } from '../../core/output.js';
import { positiveInt } from '../run.js';
import { humanDialogueRecord } from '../../envs/persuasion/import.js';
import { type CorpusDialogue, readDialogues } from '../../simulators/persuasion/corpus.js';
import { corpusDialogues } from '../../simulators/persuasion/resources.js';

export interface ImportP4gOptions {
  /** Both omitted: the copy of the corpus shipped in data/persuasionforgood (879 dialogues). */
  dialogs?: string;
  participants?: string;
  out: string;
  /** Import at most this many dialogues (after skipping). */
  limit?: number;
  /** Replace an existing output (refused otherwise). */
  force?: boolean;
}

export interface ImportP4gResult {
  written: number;
  skippedInvalidDonation: number;
  skippedNoSurvey: number;
  skippedNoTurns: number;
  meanDonation: number;
  donorShare: number;
}

function readText(path: string, what: string): string {
  checkInputFile(path, { flag: what, holds: 'PersuasionForGood CSV' });
  return readFileSync(path, 'utf8');
}

/** The shipped, preprocessed corpus in the shape the CSV reader produces. */
function shippedDialogues(): CorpusDialogue[] {
  return corpusDialogues().map((d) => ({
    id: d.id,
    persona: d.persona,
    donation: d.donation,
    rawDonation: d.rawDonation,
    exchanges: d.persuader.map((persuader, i) => ({ persuader, persuadee: d.persuadee[i] ?? null })),
  }));
}

function csvDialogues(dialogs: string, participants: string): CorpusDialogue[] {
  const dialogsCsv = readText(dialogs, '--dialogs');
  const participantsCsv = readText(participants, '--participants');
  const header = dialogsCsv.slice(0, 200);
  if (!/\bUnit\b/.test(header) || !/\bB2\b/.test(header)) {
    throw new ConfigError(`--dialogs ${dialogs} does not look like PersuasionForGood dialogs.csv (needs Unit, Turn, B4, B2 columns)`);
  }
  if (!/\bB6\b/.test(participantsCsv.slice(0, 400))) {
    throw new ConfigError(`--participants ${participants} does not look like PersuasionForGood participants.csv (needs B2, B4, B6 columns)`);
  }
  return readDialogues(dialogsCsv, participantsCsv);
}

export function importP4g(opts: ImportP4gOptions): ImportP4gResult {
  if ((opts.dialogs === undefined) !== (opts.participants === undefined)) {
    throw new ConfigError('give both --dialogs and --participants, or neither to import the shipped corpus');
  }
  const inputs = [
    ...(opts.dialogs ? [{ path: opts.dialogs, flag: '--dialogs' }] : []),
    ...(opts.participants ? [{ path: opts.participants, flag: '--participants' }] : []),
  ];
  // Inputs are read and checked first, then the output is claimed (nothing is written before both).
  const source =
    opts.dialogs !== undefined && opts.participants !== undefined
      ? csvDialogues(opts.dialogs, opts.participants)
      : shippedDialogues();
  const dialogues = source.sort((a, b) => a.id.localeCompare(b.id));
  checkOutput(opts.out, { inputs, force: opts.force });
  const res: ImportP4gResult = {
    written: 0,
    skippedInvalidDonation: 0,
    skippedNoSurvey: 0,
    skippedNoTurns: 0,
    meanDonation: 0,
    donorShare: 0,
  };
  const writer = JsonlOutput.create(opts.out, { inputs, force: opts.force });
  let total = 0;
  let donors = 0;
  try {
    for (const d of dialogues) {
      if (opts.limit !== undefined && res.written >= opts.limit) break;
      if (!d.persona) {
        res.skippedNoSurvey++;
        continue;
      }
      if (d.donation === null) {
        res.skippedInvalidDonation++;
        continue;
      }
      if (d.exchanges.length === 0) {
        res.skippedNoTurns++;
        continue;
      }
      writer.write(
        humanDialogueRecord({
          id: d.id,
          persona: d.persona,
          persuader: d.exchanges.map((e) => e.persuader),
          persuadee: d.exchanges.map((e) => e.persuadee),
          donation: d.donation,
          rawDonation: d.rawDonation,
        }),
      );
      res.written++;
      total += d.donation;
      if (d.donation > 0) donors++;
    }
    writer.commit();
  } finally {
    writer.close();
  }
  res.meanDonation = res.written ? total / res.written : 0;
  res.donorShare = res.written ? donors / res.written : 0;
  return res;
}

export function registerImportP4g(importCmd: Command): void {
  importCmd
    .command('p4g')
    .description('PersuasionForGood dialogues → Persuasion-v0 episode records (reward = the real donation)')
    .option('--dialogs <csv>', 'dialogs.csv (one row per sentence); omit both CSVs to import the shipped corpus')
    .option('--participants <csv>', 'participants.csv (surveys and donations)')
    .requiredOption('--out <jsonl>', 'output records')
    .option('--limit <n>', 'import at most N dialogues', positiveInt('--limit', MAX_EPISODES))
    .option('--force', 'replace an existing output (it stays untouched until the import succeeded)')
    .action(async (opts: { dialogs?: string; participants?: string; out: string; limit?: number; force?: boolean }) => {
      const r = importP4g(opts);
      process.stdout.write(
        `imported ${r.written} dialogues into ${opts.out} (mean donation $${r.meanDonation.toFixed(3)}, ${(r.donorShare * 100).toFixed(1)}% donors); ` +
          `skipped ${r.skippedInvalidDonation} with an invalid or missing donation, ${r.skippedNoSurvey} without a persuadee survey, ${r.skippedNoTurns} without turns\n`,
      );
    });
}
