/**
 * One ajv instance for every contract (scenario, simulator turn, record, export formats), compiled
 * schemas cached by identity, and error messages that name the offending field.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import * as addFormatsModule from 'ajv-formats';

// biome-ignore lint/suspicious/noExplicitAny: JSON Schema documents are free-form objects.
export type JsonSchema = Record<string, any>;

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: Ajv,
) => Ajv;

export const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true });
addFormats(ajv);

const compiled = new WeakMap<object, ValidateFunction>();
/**
 * Second-level cache by content: callers that build a schema per call (an LLM simulator's
 * per-turn request schema) would otherwise pay an ajv compilation per call, and grow ajv's own
 * cache (keyed by object) without bound. Bounded; evicted schemas are removed from ajv too.
 */
const byContent = new Map<string, ValidateFunction>();
const MAX_SCHEMAS_BY_CONTENT = 512;

export function compileSchema(schema: JsonSchema): ValidateFunction {
  let fn = compiled.get(schema);
  if (fn) return fn;
  let key: string | undefined;
  try {
    key = JSON.stringify(schema);
  } catch {
    key = undefined; // not JSON (cyclic): compiled by identity only
  }
  fn = key === undefined ? undefined : byContent.get(key);
  if (!fn) {
    fn = ajv.compile(schema);
    if (key !== undefined) {
      byContent.set(key, fn);
      if (byContent.size > MAX_SCHEMAS_BY_CONTENT) {
        const [oldKey, oldFn] = byContent.entries().next().value as [string, ValidateFunction];
        byContent.delete(oldKey);
        ajv.removeSchema(oldFn.schema as JsonSchema);
      }
    }
  }
  compiled.set(schema, fn);
  return fn;
}

export interface ValidationResult {
  ok: boolean;
  errors: string[];
}

export function validate(schema: JsonSchema, value: unknown): ValidationResult {
  const fn = compileSchema(schema);
  if (fn(value)) return { ok: true, errors: [] };
  return { ok: false, errors: formatErrors(fn.errors ?? []) };
}

/** Human-readable ajv errors, each starting with the field path (e.g. `/persona/age must be number`). */
export function formatErrors(errors: ErrorObject[]): string[] {
  const out: string[] = [];
  for (const e of errors) {
    const path = e.instancePath === '' ? '(root)' : e.instancePath;
    let msg = `${path} ${e.message ?? 'is invalid'}`;
    if (e.keyword === 'additionalProperties') {
      msg = `${path} has unknown field '${(e.params as { additionalProperty: string }).additionalProperty}'`;
    } else if (e.keyword === 'required') {
      const field = (e.params as { missingProperty: string }).missingProperty;
      msg = `${path === '(root)' ? '' : path}/${field} is required`;
    } else if (e.keyword === 'enum') {
      msg = `${path} must be one of ${JSON.stringify((e.params as { allowedValues: unknown[] }).allowedValues)}`;
    }
    if (!out.includes(msg)) out.push(msg);
  }
  return out;
}

export class SchemaError extends Error {
  constructor(
    readonly what: string,
    readonly errors: string[],
  ) {
    super(`invalid ${what}: ${errors.join('; ')}`);
    this.name = 'SchemaError';
  }
}

export function assertValid(schema: JsonSchema, value: unknown, what: string): void {
  const r = validate(schema, value);
  if (!r.ok) throw new SchemaError(what, r.errors);
}
