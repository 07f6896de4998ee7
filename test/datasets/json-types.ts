/**
 * The column types a loader that types from the data (Hugging Face `datasets`, pyarrow's JSON
 * reader) would give a JSONL file, read from the raw text: `1` is an integer and `1.0` a float,
 * which `JSON.parse` cannot tell apart. `unify` merges the types of two rows the way such a loader
 * must (null fits anything, an empty list fits any list) and throws on anything else: a key on
 * some rows only, an integer in a float column, a list whose items differ.
 */

export type JsonType =
  | { kind: 'null' }
  | { kind: 'bool' }
  | { kind: 'int' }
  | { kind: 'float' }
  | { kind: 'string' }
  | { kind: 'list'; item: JsonType | null }
  | { kind: 'struct'; fields: Map<string, JsonType> };

/** The type of one JSON text (one JSONL line). Throws on text that is not JSON. */
export function typeOfJson(text: string): JsonType {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++;
  };
  const fail = (what: string): never => {
    throw new Error(`not JSON at ${i}: ${what}`);
  };
  const str = (): string => {
    const start = i;
    i++; // opening quote
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (text[i] !== '"') fail('unterminated string');
    i++;
    return JSON.parse(text.slice(start, i));
  };
  const value = (path: string): JsonType => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const fields = new Map<string, JsonType>();
      ws();
      if (text[i] === '}') {
        i++;
        return { kind: 'struct', fields };
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a key');
        const k = str();
        ws();
        if (text[i] !== ':') fail('expected :');
        i++;
        fields.set(k, value(`${path}.${k}`));
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return { kind: 'struct', fields };
        }
        fail('expected , or }');
      }
    }
    if (c === '[') {
      i++;
      let item: JsonType | null = null;
      ws();
      if (text[i] === ']') {
        i++;
        return { kind: 'list', item };
      }
      let n = 0;
      for (;;) {
        const t = value(`${path}[${n}]`);
        item = item === null ? t : unify(item, t, `${path}[]`);
        n++;
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return { kind: 'list', item };
        }
        fail('expected , or ]');
      }
    }
    if (c === '"') {
      str();
      return { kind: 'string' };
    }
    if (text.startsWith('true', i) || text.startsWith('false', i)) {
      i += text[i] === 't' ? 4 : 5;
      return { kind: 'bool' };
    }
    if (text.startsWith('null', i)) {
      i += 4;
      return { kind: 'null' };
    }
    const m = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 64));
    if (!m) return fail('unexpected character');
    i += m[0].length;
    return { kind: m[1] || m[2] ? 'float' : 'int' };
  };
  const t = value('');
  ws();
  if (i !== text.length) fail('trailing text');
  return t;
}

/** The common type of two values of one column, or an error naming the path where they differ. */
export function unify(a: JsonType, b: JsonType, path = ''): JsonType {
  if (a.kind === 'null') return b;
  if (b.kind === 'null') return a;
  if (a.kind !== b.kind) throw new Error(`${path || '(row)'}: ${a.kind} vs ${b.kind}`);
  if (a.kind === 'list' && b.kind === 'list') {
    if (a.item === null) return b;
    if (b.item === null) return a;
    return { kind: 'list', item: unify(a.item, b.item, `${path}[]`) };
  }
  if (a.kind === 'struct' && b.kind === 'struct') {
    const keys = new Set([...a.fields.keys(), ...b.fields.keys()]);
    const fields = new Map<string, JsonType>();
    for (const k of keys) {
      const x = a.fields.get(k);
      const y = b.fields.get(k);
      if (!x || !y) throw new Error(`${path}.${k}: present on some rows only`);
      fields.set(k, unify(x, y, `${path}.${k}`));
    }
    return { kind: 'struct', fields };
  }
  return a;
}

/** A readable rendering, e.g. `{reward: list<float>, done: bool}`. */
export function showType(t: JsonType | null): string {
  if (t === null) return 'list<?>';
  switch (t.kind) {
    case 'list':
      return `list<${t.item === null ? '?' : showType(t.item)}>`;
    case 'struct':
      return `{${[...t.fields].map(([k, v]) => `${k}: ${showType(v)}`).join(', ')}}`;
    default:
      return t.kind;
  }
}

/** Unifies every line of a JSONL text, throwing at the first line that does not fit the rows before it. */
export function columnTypes(jsonl: string): JsonType {
  let acc: JsonType | null = null;
  const lines = jsonl.split('\n').filter((l) => l.trim() !== '');
  for (const [n, line] of lines.entries()) {
    const t = typeOfJson(line);
    try {
      acc = acc === null ? t : unify(acc, t);
    } catch (e) {
      throw new Error(`line ${n + 1}: ${(e as Error).message}`);
    }
  }
  if (acc === null) throw new Error('no lines');
  return acc;
}
