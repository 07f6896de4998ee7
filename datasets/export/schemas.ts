/**
 * JSON Schemas of the export formats, registered with `core/formats.ts` so that
 * `dialogym validate --format <name>` checks exported files. Each schema is the contract of one
 * JSONL line (docs/datasets.md shows an example line of each and the `load_dataset` call).
 *
 * Every line of a format has the same keys with the same JSON types (issue 21): every key is
 * required (absent values are `null`), and the writer (`typed-json.ts`) prints every `number`
 * field with a decimal point, so loaders that type a column from its first rows see one type.
 */
import { registerFormat } from '../../core/formats.js';
import type { JsonSchema } from '../../core/schema.js';
import type { Json } from '../../core/types.js';

const meta: JsonSchema = {
  type: 'object',
  description: 'Where the line came from: the record key, env id, seed, episode return and agent.',
  required: ['key', 'env', 'seed', 'return', 'agent'],
  additionalProperties: false,
  properties: {
    key: { type: 'string' },
    env: { type: 'string' },
    seed: { type: 'integer' },
    return: { type: 'number' },
    agent: { type: 'string' },
  },
};

/** LMRL-Gym `TextTrajectory`: text segments, one reward per segment (0 on non-actions), done. */
export const lmrlSchema: JsonSchema = {
  $id: 'https://dialogym.dev/schemas/export-lmrl-v1.json',
  title: 'dialogym export: LMRL-Gym text trajectory',
  type: 'object',
  required: ['text_history', 'reward', 'done', 'meta'],
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
  required: ['key', 'env', 't', 'state', 'action', 'reward', 'next_state', 'done', 'truncated', 'invalid', 'return_to_go', 'mc_return', 'gamma'],
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
  },
};

/**
 * Conversational SFT example (TRL `SFTTrainer` with `assistant_only_loss=True`; also OpenAI chat
 * fine-tuning). Invalid actions are left out with the feedback that followed them, so every
 * assistant turn is a training target (TRL has no per-message weight).
 */
export const sftSchema: JsonSchema = {
  $id: 'https://dialogym.dev/schemas/export-sft-v2.json',
  title: 'dialogym export: conversational fine-tuning example',
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

/**
 * A prompt-only task for online RL: the chat the policy starts from, and the episode it belongs to.
 * `info` is a JSON string (one string column, whatever the env's kwargs) that the adapters in
 * python/ turn back into the same episode over `dialogym serve`.
 */
export const tasksSchema: JsonSchema = {
  $id: 'https://dialogym.dev/schemas/export-tasks-v1.json',
  title: 'dialogym export: online-RL task',
  type: 'object',
  required: ['prompt', 'env_id', 'seed', 'split', 'task_index', 'info'],
  additionalProperties: false,
  properties: {
    prompt: {
      type: 'array',
      minItems: 2,
      maxItems: 2,
      description: "The env's instructions (system) and the first observation (user).",
      items: {
        type: 'object',
        required: ['role', 'content'],
        additionalProperties: false,
        properties: { role: { enum: ['system', 'user'] }, content: { type: 'string' } },
      },
    },
    env_id: { type: 'string' },
    seed: { type: 'integer', minimum: 0 },
    split: { type: ['string', 'null'], enum: ['dev', 'test', null] },
    task_index: { type: ['integer', 'null'], minimum: 0 },
    info: {
      type: 'string',
      contentMediaType: 'application/json',
      description: 'JSON: {env_id, env_version, seed, split, task_index, kwargs, sim, max_episode_steps}.',
    },
  },
};

const isObj = (v: Json): boolean => v !== null && typeof v === 'object' && !Array.isArray(v);

export const EXPORT_FORMATS = {
  lmrl: lmrlSchema,
  transitions: transitionsSchema,
  sft: sftSchema,
  dpo: dpoSchema,
  tasks: tasksSchema,
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
  description: 'conversational fine-tuning example {"messages": [...]} (TRL SFTTrainer, assistant_only_loss)',
  schema: sftSchema,
  detect: (v) => isObj(v) && Array.isArray(v.messages) && Object.keys(v).length === 1,
});
registerFormat({
  name: 'dpo',
  description: 'TRL preference pair {prompt, chosen, rejected} (conversational)',
  schema: dpoSchema,
  detect: (v) => isObj(v) && 'prompt' in v && 'chosen' in v && 'rejected' in v,
});
registerFormat({
  name: 'tasks',
  description: 'online-RL task {prompt, env_id, seed, split, task_index, info} for dialogym serve and the python/ adapters',
  schema: tasksSchema,
  detect: (v) => isObj(v) && 'prompt' in v && 'env_id' in v && 'info' in v,
});
