/**
 * The Embodied-v1 Commander's paraphrase templates (phrasing.json), with their held-out split.
 *
 * Every template key has a `train` and a `test` list. An episode's phrasing split follows its seed
 * (`splitOfSeed`: dev seeds < 2^30 draw `train` phrasings, test seeds `test`), so data generated from
 * dev seeds never contains a test phrasing and the eval's test split measures how well a follower
 * understands phrasings it was not trained on. Which paraphrase is used is drawn by the simulator's
 * stream, so the same situation is worded differently across episodes.
 */
import { assertValid, type JsonSchema } from '../../core/schema.js';
import type { Rng } from '../../core/rng.js';
import phrasingFile from './phrasing.json' with { type: 'json' };

export type PhrasingSplit = 'train' | 'test';
export const PHRASING_SPLITS: readonly PhrasingSplit[] = ['train', 'test'];

export const phrasingSchema: JsonSchema = {
  type: 'object',
  required: ['templates'],
  additionalProperties: false,
  properties: {
    $comment: { type: 'string' },
    templates: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        required: ['train', 'test'],
        additionalProperties: false,
        properties: {
          train: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
          test: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
        },
      },
    },
  },
};

export type Templates = Record<string, Record<PhrasingSplit, string[]>>;

/** Validates the template file; a template naming an instance (`mug 2`) or shared by both splits is an error. */
export function loadTemplates(file: unknown): Templates {
  assertValid(phrasingSchema, file, 'embodied phrasing file');
  const t = (file as { templates: Templates }).templates;
  for (const [key, v] of Object.entries(t)) {
    for (const s of [...v.train, ...v.test]) {
      if (/\b[a-z]+ \d+\b/i.test(s)) throw new Error(`embodied phrasing '${key}': '${s}' names an instance`);
    }
    const shared = v.train.filter((s) => v.test.includes(s));
    if (shared.length) throw new Error(`embodied phrasing '${key}': '${shared[0]}' is in both splits`);
  }
  return t;
}

export const TEMPLATES: Templates = loadTemplates(phrasingFile);

/** Capitalises the first letter. */
export function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * One paraphrase of `key` from `split`, with `{name}` replaced by `vars[name]` (and `{Name}` by the
 * capitalised value). Unknown keys and placeholders are programming errors: they throw.
 */
export function realize(key: string, split: PhrasingSplit, rng: Rng, vars: Record<string, string> = {}): string {
  const entry = TEMPLATES[key];
  if (!entry) throw new Error(`no phrasing '${key}'`);
  return fill(rng.pick(entry[split]), vars, key);
}

/** A template with its placeholders filled. */
export function fill(template: string, vars: Record<string, string>, key = 'template'): string {
  return template.replace(/\{(\w+)\}/g, (_m, name: string, at: number) => {
    const lower = name.charAt(0).toLowerCase() + name.slice(1);
    const v = vars[lower];
    if (v === undefined) throw new Error(`phrasing '${key}': no value for {${name}}`);
    if (name !== lower) return cap(v);
    // A sentence placed after a comma ("Now, {hint}") goes on in lower case.
    return template.slice(Math.max(0, at - 2), at) === ', ' && !/^I\b/.test(v) ? v.charAt(0).toLowerCase() + v.slice(1) : v;
  });
}

/** Every template of a split (for tests and the novelty figure). */
export function allTemplates(split: PhrasingSplit): string[] {
  return Object.values(TEMPLATES).flatMap((v) => v[split]);
}
