/**
 * Parsing ClariQ's tab-separated files (train/dev rows, question bank, multi-turn dialogues).
 * Fields may be wrapped in double quotes with `""` escapes (pandas' TSV export); the topic
 * descriptions carry backslash-escaped apostrophes, which are unescaped. Rows never span lines.
 */

function unquote(field: string): string {
  let f = field;
  if (f.length >= 2 && f.startsWith('"') && f.endsWith('"')) f = f.slice(1, -1).replace(/""/g, '"');
  return f.replace(/\\'/g, "'").trim();
}

/** Rows as objects keyed by the header line's column names. Blank lines are skipped. */
export function parseTsv(text: string): Record<string, string>[] {
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? '').split('\t').map((h) => h.trim());
  const rows: Record<string, string>[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === '') continue;
    const cells = line.split('\t');
    const row: Record<string, string> = {};
    header.forEach((h, j) => {
      row[h] = unquote(cells[j] ?? '');
    });
    rows.push(row);
  }
  return rows;
}

/** One row of ClariQ's train.tsv / dev.tsv. */
export interface ClariqRow {
  topicId: string;
  request: string;
  need: number;
  facetId: string;
  facet: string;
  questionId: string;
  question: string;
  answer: string;
}

export const CLARIQ_COLUMNS = [
  'topic_id',
  'initial_request',
  'clarification_need',
  'facet_id',
  'facet_desc',
  'question_id',
  'question',
  'answer',
] as const;

/** Rows of a ClariQ train/dev file; throws with the missing column names if the header is not ClariQ's. */
export function parseClariqRows(text: string): ClariqRow[] {
  const raw = parseTsv(text);
  const first = raw[0];
  if (first) {
    const missing = CLARIQ_COLUMNS.filter((c) => !(c in first));
    if (missing.length) throw new Error(`not a ClariQ train/dev file: missing column(s) ${missing.join(', ')}`);
  }
  return raw.map((r) => ({
    topicId: r.topic_id ?? '',
    request: r.initial_request ?? '',
    need: Number(r.clarification_need ?? 0),
    facetId: r.facet_id ?? '',
    facet: r.facet_desc ?? '',
    questionId: r.question_id ?? '',
    question: r.question ?? '',
    answer: r.answer ?? '',
  }));
}
