/**
 * Task types as data (tasks.json, validated against `taskFileSchema` when loaded) and the goal
 * conditions the world checks.
 *
 * A task template is instantiated by choosing one assignment per params axis and substituting
 * `{name}` placeholders. Its conditions come in three kinds; each contributes *units* (TEACh's goal
 * conditions), so goal-condition success is satisfied units / total units:
 * - `object`: `count` objects of `type` with `props` (units: count × number of props; the best
 *   candidates count, so a clean mug without coffee scores 1 of 2);
 * - `each`: every instance of `type` present at the start has `props` (units: instances × props);
 * - `holder`: one holder (a plate) with its props, holding `count` objects of each content spec
 *   (units: holder props + Σ count).
 */
import { OBJECT_KIND } from './catalog.js';
import { assertValid, type JsonSchema } from '../../core/schema.js';
import type { Rng } from '../../core/rng.js';
import { findObject, generateHouse, type Liquid, makeObject, rootOf, spawnPlace, type World, type WorldObject } from './world.js';
import taskFile from './tasks.json' with { type: 'json' };

export interface Props {
  dirty?: boolean;
  filled?: Liquid;
  toasted?: boolean;
  cooked?: boolean;
  boiled?: boolean;
  watered?: boolean;
  /** Receptacle type the object must be in/on (through containers), not held. */
  in?: string;
}

export interface ContentSpec {
  type: string;
  props: Props;
  count: number;
}

export type Condition =
  | { kind: 'object'; type: string; props: Props; count: number }
  | { kind: 'each'; type: string; props: Props; ids: string[] }
  | { kind: 'holder'; holder: { type: string; props: Props }; contents: ContentSpec[] };

export interface TaskInstance {
  /** Task type id, e.g. `breakfast`. */
  type: string;
  params: Record<string, string>;
  /** The goal in words, as the commander states it (`make a plate of toast`). */
  goal: string;
  conditions: Condition[];
  /** Object types that matter for this task (condition types, their sources, tools). */
  relevant: string[];
  /** Receptacle types where relevant objects may sensibly be put. */
  destinations: string[];
}

export interface TaskTemplate {
  id: string;
  title: string;
  goal: string;
  params: Record<string, string>[][];
  requires: { type: string; min: number; max?: number }[];
  setup: { type: string; set: Record<string, boolean | string | null> }[];
  // biome-ignore lint/suspicious/noExplicitAny: templates hold placeholders where numbers go.
  conditions: any[];
  tools: string[];
  destinations: string[];
}

const propsSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    dirty: { const: false },
    filled: { enum: ['water', 'coffee'] },
    toasted: { const: true },
    cooked: { const: true },
    boiled: { const: true },
    watered: { const: true },
    in: { type: 'string', minLength: 1 },
  },
};
const countSchema: JsonSchema = { anyOf: [{ type: 'integer', minimum: 1 }, { type: 'string', pattern: '^(\\d+|\\{\\w+\\})$' }] };

export const conditionTemplateSchema: JsonSchema = {
  oneOf: [
    {
      type: 'object',
      required: ['kind', 'type', 'props', 'count'],
      additionalProperties: false,
      properties: { kind: { const: 'object' }, type: { type: 'string' }, props: propsSchema, count: countSchema },
    },
    {
      type: 'object',
      required: ['kind', 'type', 'props'],
      additionalProperties: false,
      properties: {
        kind: { const: 'each' },
        type: { type: 'string' },
        props: propsSchema,
        ids: { type: 'array', items: { type: 'string' } },
      },
    },
    {
      type: 'object',
      required: ['kind', 'holder', 'contents'],
      additionalProperties: false,
      properties: {
        kind: { const: 'holder' },
        holder: {
          type: 'object',
          required: ['type', 'props'],
          additionalProperties: false,
          properties: { type: { type: 'string' }, props: propsSchema },
        },
        contents: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            required: ['type', 'props', 'count'],
            additionalProperties: false,
            properties: { type: { type: 'string' }, props: propsSchema, count: countSchema },
          },
        },
      },
    },
  ],
};

export const taskFileSchema: JsonSchema = {
  type: 'object',
  required: ['tasks'],
  properties: {
    $comment: { type: 'string' },
    tasks: {
      type: 'array',
      minItems: 8,
      items: {
        type: 'object',
        required: ['id', 'title', 'goal', 'params', 'requires', 'setup', 'conditions', 'tools', 'destinations'],
        additionalProperties: false,
        properties: {
          id: { type: 'string', pattern: '^[a-z_]+$' },
          title: { type: 'string' },
          goal: { type: 'string', minLength: 3 },
          params: {
            type: 'array',
            items: {
              type: 'array',
              minItems: 1,
              items: { type: 'object', additionalProperties: { type: 'string' } },
            },
          },
          requires: {
            type: 'array',
            items: {
              type: 'object',
              required: ['type', 'min'],
              additionalProperties: false,
              properties: { type: { type: 'string' }, min: { type: 'integer', minimum: 1 }, max: { type: 'integer', minimum: 1 } },
            },
          },
          setup: {
            type: 'array',
            items: {
              type: 'object',
              required: ['type', 'set'],
              additionalProperties: false,
              properties: { type: { type: 'string' }, set: { type: 'object' } },
            },
          },
          conditions: { type: 'array', minItems: 1, items: conditionTemplateSchema },
          tools: { type: 'array', items: { type: 'string' } },
          destinations: { type: 'array', items: { type: 'string' } },
        },
      },
    },
  },
};

/** Schema of an instantiated task (part of the scenario). */
export const taskInstanceSchema: JsonSchema = {
  type: 'object',
  required: ['type', 'params', 'goal', 'conditions', 'relevant', 'destinations'],
  additionalProperties: false,
  properties: {
    type: { type: 'string' },
    params: { type: 'object', additionalProperties: { type: 'string' } },
    goal: { type: 'string', minLength: 1 },
    conditions: { type: 'array', minItems: 1, items: conditionTemplateSchema },
    relevant: { type: 'array', items: { type: 'string' } },
    destinations: { type: 'array', items: { type: 'string' } },
  },
};

/** Validates a task file and checks that every type it names exists in the catalog. */
export function loadTaskTemplates(file: unknown): TaskTemplate[] {
  assertValid(taskFileSchema, file, 'embodied task file');
  const tasks = (file as { tasks: TaskTemplate[] }).tasks;
  const ids = new Set<string>();
  for (const t of tasks) {
    if (ids.has(t.id)) throw new Error(`embodied task file: duplicate task id '${t.id}'`);
    ids.add(t.id);
    for (const assignment of allAssignments(t)) {
      const inst = instantiateTemplate(t, assignment);
      for (const type of inst.relevant) {
        if (!OBJECT_KIND.has(type)) throw new Error(`embodied task '${t.id}': unknown object type '${type}'`);
      }
    }
  }
  return tasks;
}

export const TASK_TEMPLATES: readonly TaskTemplate[] = loadTaskTemplates(taskFile);
export const TASK_TYPES: readonly string[] = TASK_TEMPLATES.map((t) => t.id);

export function taskTemplate(id: string): TaskTemplate | undefined {
  return TASK_TEMPLATES.find((t) => t.id === id);
}

/** Every combination of one assignment per params axis. */
export function allAssignments(t: TaskTemplate): Record<string, string>[] {
  let out: Record<string, string>[] = [{}];
  for (const axis of t.params) out = out.flatMap((a) => axis.map((b) => ({ ...a, ...b })));
  return out;
}

function substitute<T>(value: T, params: Record<string, string>): T {
  if (typeof value === 'string') return value.replace(/\{(\w+)\}/g, (m, k: string) => params[k] ?? m) as T;
  if (Array.isArray(value)) return value.map((v) => substitute(v, params)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = substitute(v, params);
    return out as T;
  }
  return value;
}

function sourceType(type: string): string | undefined {
  return type.endsWith(' slice') ? type.slice(0, -' slice'.length) : undefined;
}

/** A task instance without world-specific parts (`each` ids are filled in by `buildScenario`). */
export function instantiateTemplate(t: TaskTemplate, params: Record<string, string>): TaskInstance {
  const conditions = substitute(t.conditions, params).map((c: Condition & { count?: unknown }) => {
    if (c.kind === 'object') return { ...c, count: Number(c.count) };
    if (c.kind === 'holder') return { ...c, contents: c.contents.map((s) => ({ ...s, count: Number(s.count) })) };
    return { ...c, ids: c.ids ?? [] };
  }) as Condition[];
  const relevant = new Set<string>();
  for (const c of conditions) {
    const types = c.kind === 'holder' ? [c.holder.type, ...c.contents.map((s) => s.type)] : [c.type];
    for (const type of types) {
      relevant.add(type);
      const src = sourceType(type);
      if (src) relevant.add(src);
    }
  }
  for (const tool of substitute(t.tools, params)) relevant.add(tool);
  return {
    type: t.id,
    params,
    goal: substitute(t.goal, params),
    conditions,
    relevant: [...relevant],
    destinations: substitute(t.destinations, params),
  };
}

/** A house with the task's objects and starting states, and the task with `each` instances listed. */
export function buildScenarioWorld(rng: Rng, t: TaskTemplate, params: Record<string, string>): { world: World; task: TaskInstance } {
  const world = generateHouse(rng);
  const task = instantiateTemplate(t, params);
  for (const req of substitute(t.requires, params)) {
    const have = world.objects.filter((o) => o.type === req.type).length;
    const want = req.max !== undefined ? Math.max(req.min, Math.min(req.max, rng.int(req.min, req.max))) : req.min;
    for (let i = have; i < want; i++) makeObject(world, req.type, spawnPlace(world, req.type, rng));
  }
  for (const s of substitute(t.setup, params)) {
    for (const o of world.objects) if (o.type === s.type) Object.assign(o, s.set);
  }
  for (const c of task.conditions) {
    if (c.kind !== 'each') continue;
    const dest = c.props.in;
    for (const o of world.objects) {
      if (o.type !== c.type || !dest) continue;
      const root = world.receptacles.find((r) => r.id === rootOf(world, o));
      if (root?.type === dest) o.loc = spawnPlace(world, o.type, rng, [dest]);
    }
    c.ids = world.objects.filter((o) => o.type === c.type).map((o) => o.id);
  }
  return { world, task };
}

// ---------------------------------------------------------------------------------------------
// Checking

/** How many of `props` the object satisfies. */
export function propsSatisfied(w: World, o: WorldObject, props: Props): number {
  let n = 0;
  if (props.dirty === false && o.dirty === false) n++;
  if (props.filled !== undefined && o.filled === props.filled) n++;
  if (props.toasted && o.toasted) n++;
  if (props.cooked && o.cooked) n++;
  if (props.boiled && o.boiled) n++;
  if (props.watered && o.watered) n++;
  if (props.in !== undefined) {
    const root = rootOf(w, o);
    if (root !== 'robot' && w.receptacles.find((r) => r.id === root)?.type === props.in) n++;
  }
  return n;
}

export function propCount(props: Props): number {
  return Object.keys(props).length;
}

export function conditionUnits(c: Condition): number {
  if (c.kind === 'object') return c.count * propCount(c.props);
  if (c.kind === 'each') return c.ids.length * propCount(c.props);
  return propCount(c.holder.props) + c.contents.reduce((s, x) => s + x.count, 0);
}

/** Satisfied units of one condition in `w`. */
export function conditionSatisfied(w: World, c: Condition): number {
  if (c.kind === 'object') {
    const scores = w.objects
      .filter((o) => o.type === c.type)
      .map((o) => propsSatisfied(w, o, c.props))
      .sort((a, b) => b - a);
    return scores.slice(0, c.count).reduce((s, x) => s + x, 0);
  }
  if (c.kind === 'each') {
    let n = 0;
    for (const id of c.ids) {
      const o = findObject(w, id);
      if (o) n += propsSatisfied(w, o, c.props);
    }
    return n;
  }
  let best = 0;
  for (const h of w.objects) {
    if (h.type !== c.holder.type) continue;
    best = Math.max(best, holderScore(w, h, c));
  }
  return best;
}

export function holderScore(w: World, h: WorldObject, c: Extract<Condition, { kind: 'holder' }>): number {
  let score = propsSatisfied(w, h, c.holder.props);
  for (const spec of c.contents) {
    const need = propCount(spec.props);
    const have = w.objects.filter((o) => o.loc === h.id && o.type === spec.type && propsSatisfied(w, o, spec.props) === need).length;
    score += Math.min(spec.count, have);
  }
  return score;
}

export interface GoalStatus {
  satisfied: number;
  total: number;
  success: boolean;
}

export function goalStatus(w: World, conditions: Condition[]): GoalStatus {
  let satisfied = 0;
  let total = 0;
  for (const c of conditions) {
    satisfied += conditionSatisfied(w, c);
    total += conditionUnits(c);
  }
  return { satisfied, total, success: total > 0 && satisfied >= total };
}
