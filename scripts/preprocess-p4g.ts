/**
 * Builds data/persuasionforgood/ from the PersuasionForGood CSVs.
 *
 *   npx tsx scripts/preprocess-p4g.ts <folder with dialogs.csv, participants.csv, strategy_labels.csv>
 *
 * Writes: participants.json (every participant's survey + feature statistics), dialogues.json
 * (turns, persuadee persona, donation, fit/held-out split), strategy-model.json (naive Bayes trained
 * on the fit split), strategy-heldout.json (held-out labelled sentences), phrases.json (persuadee
 * reply bank), sample/ (a few raw rows for tests). Prints the recogniser's held-out macro-F1.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashString } from '../core/rng.js';
import { parseCsv, parseCsvRows } from '../simulators/persuasion/csv.js';
import { cleanSentence, readAllPersonas, readDialogues, splitOf } from '../simulators/persuasion/corpus.js';
import { featureStats } from '../simulators/persuasion/persona.js';
import { categorise, PHRASE_CATEGORIES } from '../simulators/persuasion/phrases.js';
import { macroF1, StrategyRecogniser, trainStrategyModel } from '../simulators/persuasion/recogniser.js';

const src = process.argv[2];
if (!src) {
  console.error('usage: npx tsx scripts/preprocess-p4g.ts <persuasionforgood folder>');
  process.exit(2);
}
const out = join(import.meta.dirname, '..', 'data', 'persuasionforgood');
mkdirSync(join(out, 'sample'), { recursive: true });
const read = (f: string) => readFileSync(join(src, f), 'utf8');
const dialogsCsv = read('dialogs.csv');
const participantsCsv = read('participants.csv');
const labelsCsv = read('strategy_labels.csv');

// Personas and dialogues.
const personas = readAllPersonas(participantsCsv);
const stats = featureStats(personas);
writeFileSync(join(out, 'participants.json'), JSON.stringify({ stats, personas }));
const dialogues = readDialogues(dialogsCsv, participantsCsv).sort((a, b) => a.id.localeCompare(b.id));
const compact = dialogues.map((d) => ({
  id: d.id,
  split: splitOf(d.id),
  donation: d.donation,
  rawDonation: d.rawDonation,
  persona: d.persona,
  persuader: d.exchanges.map((e) => e.persuader),
  persuadee: d.exchanges.map((e) => e.persuadee),
}));
writeFileSync(join(out, 'dialogues.json'), JSON.stringify(compact));
const valid = dialogues.filter((d) => d.donation !== null);
console.log(
  `dialogues: ${dialogues.length} (${valid.length} with a valid donation; fit ${compact.filter((d) => d.split === 'fit').length}, held-out ${compact.filter((d) => d.split === 'heldout').length})`,
);

// Strategy recogniser.
const labelled = parseCsv(labelsCsv).map((r) => ({
  id: r.dialog_id ?? '',
  sentence: cleanSentence(r.sentence ?? ''),
  turn: Number(r.turn),
  label: (r.persuader_strategy ?? '').trim(),
}));
const train = labelled.filter((d) => d.sentence && splitOf(d.id) === 'fit');
const heldout = labelled.filter((d) => d.sentence && splitOf(d.id) === 'heldout');
const model = trainStrategyModel(train, { alpha: 0.1, minCount: 2 });
writeFileSync(join(out, 'strategy-model.json'), JSON.stringify(model));
writeFileSync(
  join(out, 'strategy-heldout.json'),
  JSON.stringify(heldout.map(({ sentence, turn, label }) => ({ sentence, turn, label }))),
);
const rec = new StrategyRecogniser(model);
const f = macroF1(
  heldout.map((d) => d.label),
  heldout.map((d) => rec.classifySentence(d.sentence, d.turn)),
);
console.log(
  `recogniser: ${train.length} training sentences, ${heldout.length} held out; macro-F1 ${f.macroF1.toFixed(3)}, accuracy ${f.accuracy.toFixed(3)}`,
);

// Reply phrase bank from every persuadee sentence.
const bank: Record<string, string[]> = Object.fromEntries(PHRASE_CATEGORIES.map((c) => [c, []]));
const seen = new Set<string>();
for (const r of parseCsv(dialogsCsv)) {
  if (String(r.B4).trim() !== '1') continue;
  const s = cleanSentence(r.Unit ?? '');
  const c = categorise(s, Number(r.Turn));
  if (!c) continue;
  const text = c.text.charAt(0).toUpperCase() + c.text.slice(1);
  const key = text.toLowerCase();
  if (seen.has(key)) continue;
  seen.add(key);
  bank[c.category]?.push(text);
}
const CAP = 160;
for (const k of Object.keys(bank)) {
  bank[k] = (bank[k] as string[])
    .sort((a, b) => hashString(a) - hashString(b) || a.localeCompare(b))
    .slice(0, CAP)
    .sort();
}
writeFileSync(join(out, 'phrases.json'), JSON.stringify(bank, null, 1));
console.log(`phrases: ${Object.entries(bank).map(([k, v]) => `${k} ${v.length}`).join(', ')}`);

// A few raw rows for tests of the importer: 4 dialogues with valid donations, 1 with an invalid one.
const invalid = dialogues.find((d) => d.rawDonation !== null && d.donation === null);
const pickIds = new Set([...valid.slice(0, 4).map((d) => d.id), ...(invalid ? [invalid.id] : [])]);
const quote = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
for (const [file, text, col] of [
  ['dialogs.csv', dialogsCsv, 4],
  ['participants.csv', participantsCsv, 0],
] as const) {
  const rows = parseCsvRows(text);
  const header = rows[0] as string[];
  const keep = rows.slice(1).filter((r) => pickIds.has((r[col] ?? '').trim()));
  writeFileSync(join(out, 'sample', file), `${[header, ...keep].map((r) => r.map(quote).join(',')).join('\n')}\n`);
}
console.log(`sample: ${pickIds.size} dialogues in data/persuasionforgood/sample/`);
