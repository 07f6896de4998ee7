/**
 * A small RFC 4180 CSV reader (quoted fields, doubled quotes, newlines inside quotes, CRLF), enough
 * for the PersuasionForGood files. Rows come back as objects keyed by the header line.
 */

/** Splits CSV text into rows of fields. */
export function parseCsvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i += 1;
        continue;
      }
      field += c;
      i += 1;
      continue;
    }
    if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i += 1;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += c;
    }
    i += 1;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** Rows as records keyed by the header; an empty first header cell (a pandas index) is named `_index`. */
export function parseCsv(text: string): Record<string, string>[] {
  const rows = parseCsvRows(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  const header = rows.shift();
  if (!header) return [];
  const keys = header.map((h, i) => (h === '' && i === 0 ? '_index' : h.trim()));
  const out: Record<string, string>[] = [];
  for (const r of rows) {
    if (r.length === 1 && r[0] === '') continue;
    const rec: Record<string, string> = {};
    for (let i = 0; i < keys.length; i++) rec[keys[i] as string] = r[i] ?? '';
    out.push(rec);
  }
  return out;
}
