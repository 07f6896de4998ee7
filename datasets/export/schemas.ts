/**
 * JSON Schemas of the export formats, registered with `core/formats.ts` so that
 * `dialogym validate --format <name>` checks exported files. Each schema is the contract of one
 * JSONL line; `the README` shows an example line of each.
 */
import { registerFormat } from '../../core/formats.js';
import type { JsonSchema } from '../../core/schema.js';
import type { Json } from '../../core/types.js';

const meta: JsonSchema = {
  type: 'object',
  description: 'Where the line came from: the record key, env id, seed and anything format-specific.',
  required: ['key', 'env'],
  properties: { key: { type: 'string' }, env: { type: 'string' }, seed: { type: 'integer' } },
};

/** LMRL-Gym `TextTrajectory`: text segments, one reward per segment (0 on non-actions), done. */
export const lmrlSchema: JsonSchema = {
  $id: 'https://dialogym.dev/schemas/export-lmrl-v1.json',
  title: 'dialogym export: LMRL-Gym text trajectory',
  type: 'object',
  required: ['text_history', 'reward', 'done'],
  additionalProperties: false,
  properties: {
    text_history: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['text', 'is_action'],
        additionalProperties: false,
        properties: { text: { type: 'string' }, is_action: { type: 'boolean' } },
      },
    },
    reward: { type: 'array', items: { type: 'number' } },
    done: { type: 'boolean' },
    meta,
  },
};

/** One environment step for offline RL (ILQL, CQL, IQL ...). */
export const transitionsSchema: JsonSchema = {
  $id: 'https://dialogym.dev/schemas/export-transitions-v1.json',
  title: 'dialogym export: transition',
  type: 'object',
  required: ['key', 't', 'state', 'action', 'reward', 'next_state', 'done', 'truncated', 'return_to_go', 'mc_return', 'gamma'],
  additionalProperties: false,
  properties: {
    key: { type: 'string' },
    env: { type: 'string' },
    t: { type: 'integer', minimum: 0 },
    state: { type: 'string' },
    action: { type: 'string' },
    reward: { type: 'number' },
    next_state: { type: 'string' },
    done: { type: 'boolean', description: 'The episode terminated after this step (not a time-limit cut).' },
    truncated: { type: 'boolean', description: 'The episode was cut after this step (time limit, cap, error): bootstrap from next_state.' },
    invalid: { type: 'boolean' },
    return_to_go: { type: 'number', description: 'Undiscounted sum of rewards from this step to the end.' },
    mc_return: { type: 'number', description: 'Discounted Monte-Carlo return from this step with `gamma`.' },
    gamma: { type: 'number', minimum: 0, maximum: 1 },
  },
};

const chatMessage: JsonSchema = {
  type: 'object',
  required: ['role', 'content'],
  additionalProperties: false,
  properties: {
    role: { enum: ['system', 'user', 'assistant'] },
    content: { type: 'string' },
    weight: { enum: [0, 1], description: 'OpenAI fine-tuning: 0 = do not train on this assistant message.' },
  },
};

/** OpenAI chat fine-tuning line. */
export const sftSchema: JsonSchema = {
  $id: 'https://dialogym.dev/schemas/export-sft-v1.json',
  title: 'dialogym export: OpenAI chat fine-tuning example',
  type: 'object',
  required: ['messages'],
  additionalProperties: false,
  properties: {
    messages: {
      type: 'array',
      minItems: 2,
      items: chatMessage,
      contains: { type: 'object', properties: { role: { const: 'assistant' } }, required: ['role'] },
    },
  },
};

const assistantOnly: JsonSchema = {
  type: 'array',
  minItems: 1,
  maxItems: 1,
  items: {
    type: 'object',
    required: ['role', 'content'],
    additionalProperties: false,
    properties: { role: { const: 'assistant' }, content: { type: 'string' } },
  },
};

/** TRL preference example in the conversational form (prompt messages, one chosen and one rejected reply). */
export const dpoSchema: JsonSchema = {
  $id: 'https://dialogym.dev/schemas/export-dpo-v1.json',
  title: 'dialogym export: DPO preference pair (TRL conversational)',
  type: 'object',
  required: ['prompt', 'chosen', 'rejected'],
  additionalProperties: false,
  properties: {
    prompt: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['role', 'content'],
        additionalProperties: false,
        properties: { role: { enum: ['system', 'user', 'assistant'] }, content: { type: 'string' } },
      },
    },
    chosen: assistantOnly,
    rejected: assistantOnly,
    meta: {
      type: 'object',
      required: ['chosenKey', 'rejectedKey', 'turn', 'chosenReturn', 'rejectedReturn', 'origin'],
      properties: {
        chosenKey: { type: 'string' },
        rejectedKey: { type: 'string' },
        turn: { type: 'integer', minimum: 0 },
        chosenReturn: { type: 'number' },
        rejectedReturn: { type: 'number' },
        origin: { enum: ['hindsight', 'sampled'] },
      },
    },
  },
};

const isObj = (v: Json): boolean => v !== null && typeof v === 'object' && !Array.isArray(v);

export const EXPORT_FORMATS = {
  lmrl: lmrlSchema,
  transitions: transitionsSchema,
  sft: sftSchema,
  dpo: dpoSchema,
} as const;

export type ExportFormat = keyof typeof EXPORT_FORMATS;

registerFormat({
  name: 'lmrl',
  description: 'LMRL-Gym text trajectory: text_history segments with is_action, one reward per segment, done',
  schema: lmrlSchema,
  detect: (v) => isObj(v) && Array.isArray(v.text_history),
});
registerFormat({
  name: 'transitions',
  description: 'offline-RL transition: state, action, reward, next_state, done, return-to-go, discounted MC return',
  schema: transitionsSchema,
  detect: (v) => isObj(v) && 'next_state' in v && 'mc_return' in v,
});
registerFormat({
  name: 'sft',
  description: 'OpenAI chat fine-tuning example {"messages": [...]}',
  schema: sftSchema,
  detect: (v) => isObj(v) && Array.isArray(v.messages) && Object.keys(v).length === 1,
});
registerFormat({
  name: 'dpo',
  description: 'TRL preference pair {prompt, chosen, rejected} (conversational)',
  schema: dpoSchema,
  detect: (v) => isObj(v) && 'prompt' in v && 'chosen' in v && 'rejected' in v,
});
