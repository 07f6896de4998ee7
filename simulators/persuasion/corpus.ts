/**
 * Reading PersuasionForGood: `dialogs.csv` (one row per sentence) grouped into turns, and
 * `participants.csv` (one survey row per participant and dialogue) joined to each dialogue's
 * persuadee. Used by `import p4g` and the preprocessing script; runtime code reads the compact JSON
 * made from these in data/persuasionforgood/.
 */
import { hashString } from '../../core/rng.js';
import { parseCsv } from './csv.js';
import { type PersuasionScenario, personaFromSurveyRow } from './persona.js';

/** One exchange: the persuader's turn and the persuadee's reply to it (null when the talk ended first). */
export interface CorpusExchange {
  persuader: string;
  persuadee: string | null;
}

export interface CorpusDialogue {
  id: string;
  exchanges: CorpusExchange[];
  persona: PersuasionScenario | null;
  /** The donation as recorded (dollars), or null when missing or not a number. */
  rawDonation: number | null;
  /** The donation when it is a valid amount in [0, 2], else null (data errors in the corpus). */
  donation: number | null;
}

/** Collapses the escaping artefacts of the corpus (`\'`, doubled spaces) in a sentence. */
export function cleanSentence(s: string): string {
  return s
    .replace(/\\+'/g, "'")
    .replace(/\\+"/g, '"')
    .replace(/\\+$/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

export function isValidDonation(x: number | null): x is number {
  return x !== null && Number.isFinite(x) && x >= 0 && x <= 2;
}

/** Groups sentences by dialogue and turn; the persuader (B4 = 0) speaks first in every turn. */
export function readDialogues(dialogsCsv: string, participantsCsv: string): CorpusDialogue[] {
  const sentences = parseCsv(dialogsCsv);
  const byId = new Map<string, Map<number, { persuader: string[]; persuadee: string[] }>>();
  for (const r of sentences) {
    const id = (r.B2 ?? '').trim();
    const turn = Number(r.Turn);
    const text = cleanSentence(r.Unit ?? '');
    if (!id || !Number.isInteger(turn) || !text) continue;
    let turns = byId.get(id);
    if (!turns) {
      turns = new Map();
      byId.set(id, turns);
    }
    let t = turns.get(turn);
    if (!t) {
      t = { persuader: [], persuadee: [] };
      turns.set(turn, t);
    }
    (String(r.B4).trim() === '1' ? t.persuadee : t.persuader).push(text);
  }
  const survey = new Map<string, Record<string, string>>();
  for (const r of parseCsv(participantsCsv)) {
    if (String(r.B4).trim() === '1') survey.set((r.B2 ?? '').trim(), r);
  }
  const out: CorpusDialogue[] = [];
  for (const [id, turns] of byId) {
    const exchanges: CorpusExchange[] = [];
    for (const k of [...turns.keys()].sort((a, b) => a - b)) {
      const t = turns.get(k) as { persuader: string[]; persuadee: string[] };
      const persuader = t.persuader.join(' ');
      const persuadee = t.persuadee.length ? t.persuadee.join(' ') : null;
      if (!persuader) {
        // A persuadee turn with no persuader sentence before it continues the previous reply.
        const prev = exchanges[exchanges.length - 1];
        if (prev && persuadee) prev.persuadee = prev.persuadee ? `${prev.persuadee} ${persuadee}` : persuadee;
        continue;
      }
      exchanges.push({ persuader, persuadee });
    }
    const row = survey.get(id);
    const raw = row ? Number((row.B6 ?? '').trim() === '' ? Number.NaN : row.B6) : Number.NaN;
    const rawDonation = Number.isFinite(raw) ? raw : null;
    out.push({
      id,
      exchanges,
      persona: row ? personaFromSurveyRow(row) : null,
      rawDonation,
      donation: isValidDonation(rawDonation) ? rawDonation : null,
    });
  }
  return out;
}

/** Every participant's survey (both roles), for sampling personas. */
export function readAllPersonas(participantsCsv: string): PersuasionScenario[] {
  return parseCsv(participantsCsv).map(personaFromSurveyRow);
}

/**
 * The fixed split every PersuasionForGood fit uses: a dialogue is held out when the hash of its id
 * falls in the last quarter. Fits (recogniser, simulator calibration) see only 'fit' dialogues.
 */
export function splitOf(dialogueId: string): 'fit' | 'heldout' {
  return hashString(`p4g-split:${dialogueId}`) % 4 === 3 ? 'heldout' : 'fit';
}
