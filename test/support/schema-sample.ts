/**
 * A small deterministic generator of JSON values from a JSON Schema (enum, const, anyOf/oneOf,
 * objects with their properties, strings within min/maxLength, numbers within bounds, arrays within
 * min/maxItems), and its opposite: a value that breaks the schema. Used by the loopback server to
 * play a model that does (or, under fault injection, does not) follow `response_format`.
 */
import type { Rng } from '../../core/rng.js';
import type { JsonSchema } from '../../core/schema.js';
import type { Json } from '../../core/types.js';

const WORDS = ['sure', 'maybe', 'yes', 'no', 'well', 'it', 'depends', 'on', 'the', 'weather', 'today', 'fine'];

export function sampleFromSchema(schema: JsonSchema, rng: Rng, depth = 0): Json {
  if (!schema || typeof schema !== 'object' || depth > 8) return null;
  if (schema.const !== undefined) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return rng.pick(schema.enum);
  if (Array.isArray(schema.oneOf) && schema.oneOf.length > 0) return sampleFromSchema(schema.oneOf[0], rng, depth + 1);
  if (Array.isArray(schema.anyOf) && schema.anyOf.length > 0) return sampleFromSchema(rng.pick(schema.anyOf), rng, depth + 1);
  if (Array.isArray(schema.allOf) && schema.allOf.length > 0) {
    return sampleFromSchema(Object.assign({}, ...schema.allOf), rng, depth + 1);
  }
  let type = schema.type;
  if (Array.isArray(type)) type = type.find((t: string) => t !== 'null') ?? 'null';
  if (type === undefined) type = schema.properties ? 'object' : schema.items ? 'array' : 'string';
  switch (type) {
    case 'object': {
      const out: Record<string, Json> = {};
      const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
      for (const [k, s] of Object.entries(props)) out[k] = sampleFromSchema(s, rng, depth + 1);
      for (const k of (schema.required ?? []) as string[]) if (!(k in out)) out[k] = 'x';
      return out;
    }
    case 'array': {
      const min = Number(schema.minItems ?? 0);
      const max = Number(schema.maxItems ?? Math.max(min, 3));
      const n = rng.int(Math.max(min, Math.min(1, max)), Math.max(min, Math.min(max, min + 2)));
      return Array.from({ length: n }, () => sampleFromSchema(schema.items ?? {}, rng, depth + 1));
    }
    case 'integer': {
      const lo = Math.ceil(schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : 0));
      const hi = Math.floor(schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - 1 : lo + 100));
      return rng.int(lo, Math.max(lo, hi));
    }
    case 'number': {
      const lo = Number(schema.minimum ?? schema.exclusiveMinimum ?? 0);
      const hi = Number(schema.maximum ?? schema.exclusiveMaximum ?? lo + 100);
      return lo + rng.float() * (hi - lo);
    }
    case 'boolean':
      return rng.bool();
    case 'null':
      return null;
    default:
      return sampleString(schema, rng);
  }
}

function sampleString(schema: JsonSchema, rng: Rng): string {
  const min = Number(schema.minLength ?? 1);
  const max = Number(schema.maxLength ?? Math.max(min, 60));
  const words: string[] = [];
  const target = Math.max(min, Math.min(max, rng.int(2, 5) * 5));
  while (words.join(' ').length < target) words.push(rng.pick(WORDS));
  let s = words.join(' ');
  if (s.length > max) s = s.slice(0, max);
  while (s.length < min) s += 'x';
  return s;
}

/** A value that fails `schema` (a required field dropped, an enum or type broken). */
export function violateSchema(schema: JsonSchema, value: Json): Json {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const required = (schema.required ?? []) as string[];
    const out = { ...value };
    if (required.length > 0) {
      delete out[required[0] as string];
      return out;
    }
    return 'not an object';
  }
  if (Array.isArray(schema.enum)) return '__not_one_of_the_allowed_values__';
  return typeof value === 'string' ? 12345 : 'not the right type';
}
