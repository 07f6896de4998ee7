/**
 * Getting a JSON value out of a model's text reply, for servers without structured outputs: the
 * whole reply, else the first fenced code block that parses, else the first balanced `{...}`.
 */
import type { Json } from '../core/types.js';

export function extractJson(text: string): { ok: true; value: Json } | { ok: false } {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false };
  const whole = tryParse(trimmed);
  if (whole.ok) return whole;
  const fence = /```(?:json|JSON)?\s*\n?([\s\S]*?)```/g;
  for (let m = fence.exec(text); m; m = fence.exec(text)) {
    const r = tryParse((m[1] ?? '').trim());
    if (r.ok) return r;
  }
  for (let start = text.indexOf('{'); start >= 0; start = text.indexOf('{', start + 1)) {
    const end = balancedEnd(text, start);
    if (end < 0) continue;
    const r = tryParse(text.slice(start, end + 1));
    if (r.ok) return r;
  }
  return { ok: false };
}

function tryParse(s: string): { ok: true; value: Json } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(s) };
  } catch {
    return { ok: false };
  }
}

/** Index of the `}` closing the `{` at `start`, honouring strings and escapes; -1 if unbalanced. */
function balancedEnd(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === '{') depth++;
    else if (ch === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}
