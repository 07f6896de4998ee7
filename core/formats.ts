/**
 * Named JSONL formats that `dialogym validate` knows: the episode record and whatever other
 * modules register (export formats, results). Each is one JSON Schema; `detect` lets validate pick
 * the format of a line when none was named.
 */
import { episodeRecordSchema } from './record.js';
import type { JsonSchema } from './schema.js';
import type { Json } from './types.js';

export interface FormatSpec {
  name: string;
  description: string;
  schema: JsonSchema;
  /** True when a parsed line looks like this format. */
  detect?: (value: Json) => boolean;
}

const formats = new Map<string, FormatSpec>();

export function registerFormat(spec: FormatSpec): void {
  formats.set(spec.name, spec);
}

export function getFormat(name: string): FormatSpec | undefined {
  return formats.get(name);
}

export function listFormats(): FormatSpec[] {
  return [...formats.values()];
}

export function detectFormat(value: Json): FormatSpec | undefined {
  for (const f of formats.values()) if (f.detect?.(value)) return f;
  return undefined;
}

registerFormat({
  name: 'record',
  description: 'dialogym episode record (one finished episode per line)',
  schema: episodeRecordSchema,
  detect: (v) => v !== null && typeof v === 'object' && 'schemaVersion' in v && 'turns' in v && 'env' in v,
});
