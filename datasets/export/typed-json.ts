/**
 * JSON lines whose number types follow the format's schema, so that loaders that type a column
 * from its first rows (Hugging Face `datasets`, pyarrow, pandas) see one type per column.
 *
 * `JSON.stringify(1)` is `1`, an integer to Python and pyarrow, while `0.5` is a float: a reward
 * column that starts with whole numbers is typed int64 and then fails on the first fractional
 * value. Every field the schema declares `number` is therefore written with a decimal point
 * (`1.0`), every `integer` field without one; the schema is the single statement of which is which.
 */
import { JsonlOutput, type OutputInput } from '../../core/output.js';
import type { JsonSchema } from '../../core/schema.js';
import type { Json } from '../../core/types.js';

/** `x` as a JSON float lexeme: `1` → `1.0`, `0.25` → `0.25`, `1e21` → `1e+21`; NaN and ±Infinity (not JSON) → null. */
export function floatLexeme(x: number): string {
  if (!Number.isFinite(x)) return 'null';
  const s = JSON.stringify(x);
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

function types(schema: JsonSchema | undefined): string[] {
  if (!schema || typeof schema !== 'object') return [];
  const t = schema.type;
  if (typeof t === 'string') return [t];
  if (Array.isArray(t)) return t as string[];
  return [];
}

/** The branch of an anyOf/oneOf that describes `value`'s JSON kind (first match), else the schema itself. */
function branchFor(schema: JsonSchema | undefined, value: Json): JsonSchema | undefined {
  const options = (schema?.anyOf ?? schema?.oneOf) as JsonSchema[] | undefined;
  if (!options) return schema;
  const kind = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value === 'number' ? 'number' : typeof value;
  for (const o of options) {
    const t = types(o);
    if (t.includes(kind) || (kind === 'number' && t.includes('integer')) || (kind === 'object' && (o.properties || o.required))) return o;
  }
  return schema;
}

/** Serialises `value` as one JSON text, writing numbers as floats wherever `schema` says `number`. */
export function stringifyBySchema(value: Json, schema: JsonSchema | undefined): string {
  const s = branchFor(schema, value);
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number') {
    const t = types(s);
    return t.includes('number') && !t.includes('integer') ? floatLexeme(value) : JSON.stringify(value);
  }
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (Array.isArray(value)) {
    const items = s?.items as JsonSchema | undefined;
    return `[${value.map((v) => stringifyBySchema(v, items)).join(',')}]`;
  }
  const props = (s?.properties ?? {}) as Record<string, JsonSchema>;
  const extra = typeof s?.additionalProperties === 'object' ? (s.additionalProperties as JsonSchema) : undefined;
  const parts: string[] = [];
  for (const [k, v] of Object.entries(value as Record<string, Json>)) {
    if (v === undefined) continue;
    parts.push(`${JSON.stringify(k)}:${stringifyBySchema(v, props[k] ?? extra)}`);
  }
  return `{${parts.join(',')}}`;
}

/**
 * A JSONL output file written line by line with `stringifyBySchema`, under the output discipline of
 * core/output.ts: it refuses an existing file unless `force`, and an input as output; lines go to a
 * temporary file beside `path` that `commit` renames over it. `close` without `commit` (a failure)
 * removes the temporary file and leaves `path` as it was.
 */
export class TypedJsonlWriter {
  private readonly out: JsonlOutput;

  constructor(
    readonly path: string,
    private readonly schema: JsonSchema,
    opts: { force?: boolean; inputs?: OutputInput[] } = {},
  ) {
    this.out = JsonlOutput.create(path, opts);
  }

  get written(): number {
    return this.out.written;
  }

  write(value: Json): void {
    this.out.writeLine(stringifyBySchema(value, this.schema));
  }

  /** Makes the file final. */
  commit(): void {
    this.out.commit();
  }

  /** Ends the writer; without `commit`, nothing replaces `path`. */
  close(): void {
    this.out.close();
  }
}
