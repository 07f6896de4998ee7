/**
 * The env contract over the wire: OpenEnv's protocol (meta-pytorch/OpenEnv,
 * `src/openenv/core/env_server/{http_server,types,serialization}.py` and `env_client.py`), with
 * dialogym's fields.
 *
 * WebSocket `/ws` (one connection = one session = one env):
 *
 *   client → `{"type": "reset", "data": {seed?, episode_id?, env_id?, split?, task_index?, kwargs?, sim?, max_episode_steps?}}`
 *   client → `{"type": "step",  "data": {"message": "<action>", "metadata"?: {}}}`
 *   client → `{"type": "state"}`
 *   client → `{"type": "close"}`                      (the server closes the connection; no reply)
 *   server → `{"type": "observation", "data": {"observation": {...}, "reward": float | null, "done": bool}}`
 *   server → `{"type": "state", "data": {...}}`
 *   server → `{"type": "error", "data": {"message": str, "code": INVALID_JSON | UNKNOWN_TYPE | VALIDATION_ERROR | EXECUTION_ERROR | CAPACITY_REACHED | FACTORY_ERROR | SESSION_ERROR, ...}}`
 *
 * As in OpenEnv's `serialize_observation`, `reward` and `done` sit beside the observation, not in it.
 *
 * What is sent is built from the `Observation` (what a player sees) and the step's reward and
 * end flags, nothing else: `info` (the analysis channel: hidden intent, beliefs, success, reward
 * components, simulator turns, the scenario) never leaves the server. The one field taken from
 * `info` is the termination reason, and only on the step that ends the episode, when the episode
 * is over and nothing is hidden any more (the same moment `secrets` may appear in the transcript).
 */
import { MAX_SEED } from '../rng.js';
import { type JsonSchema, validate } from '../schema.js';
import type { EpisodeError, Json, Observation } from '../types.js';

/** OpenEnv's `WSErrorCode`, all of them. */
export const ERROR_CODES = [
  'INVALID_JSON',
  'UNKNOWN_TYPE',
  'VALIDATION_ERROR',
  'EXECUTION_ERROR',
  'CAPACITY_REACHED',
  'FACTORY_ERROR',
  'SESSION_ERROR',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** A failure answered with an `error` message (WS) or an HTTP error status; never a crash. */
export class WireError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Extra fields of the error's `data` (`errors`, `active_sessions` ...). */
    readonly extra: Record<string, Json> = {},
  ) {
    super(message);
    this.name = 'WireError';
  }
}

export function errorMessage(code: ErrorCode, message: string, extra: Record<string, Json> = {}): Json {
  return { type: 'error', data: { message, code, ...extra } };
}

/** The reset fields OpenEnv defines (`seed`, `episode_id`) and dialogym's own. */
export interface ResetParams {
  seed?: number;
  episodeId?: string;
  envId?: string;
  /** An evaluation split (`dev`, `test`): with `taskIndex`, picks the split's task seed. */
  split?: string;
  taskIndex?: number;
  /** Env kwargs on top of the registered defaults. */
  kwargs?: Record<string, Json>;
  /** Simulator kind: `scripted` (default) or `llm` (when the server has an LLM simulator). */
  sim?: string;
  maxEpisodeSteps?: number;
}

/** Highest `task_index` served: the split's seeds are computed (and cached) up to it. */
export const MAX_TASK_INDEX = 1_000_000;

export const resetDataSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    seed: { type: ['integer', 'null'], minimum: 0, maximum: MAX_SEED, description: 'Episode seed; the scenario follows from it.' },
    episode_id: { type: ['string', 'null'], maxLength: 255, description: 'Your id for the episode (default: a fresh UUID).' },
    env_id: { type: ['string', 'null'], maxLength: 255, description: 'Registered env id (default: the server\'s --env).' },
    split: { type: ['string', 'null'], enum: ['dev', 'test', null], description: 'Evaluation split of the task.' },
    task_index: { type: ['integer', 'null'], minimum: 0, maximum: MAX_TASK_INDEX, description: 'Index of the task in the split.' },
    kwargs: { type: ['object', 'null'], description: 'Env kwargs over the registered defaults.' },
    sim: { type: ['string', 'null'], enum: ['scripted', 'llm', null], description: 'User simulator kind (default scripted).' },
    max_episode_steps: { type: ['integer', 'null'], minimum: 1, maximum: 100_000, description: 'Overrides the env step limit.' },
  },
};

/** `/schema`'s action: one string field, so generic clients (verifiers' `OpenEnvEnv`) map assistant text to it. */
export const actionSchema: JsonSchema = {
  title: 'DialogymAction',
  description: "The agent's utterance or command, in the env's action grammar (see the observation's instructions).",
  type: 'object',
  required: ['message'],
  additionalProperties: false,
  properties: {
    message: { type: 'string', title: 'Message' },
    metadata: { type: 'object', title: 'Metadata', description: 'Ignored by the env (OpenEnv Action field).' },
  },
};

const stringList = { anyOf: [{ type: 'array', items: { type: 'string' } }, { type: 'null' }] };

/** The `observation` object of an `observation` reply: every key always present (null when absent). */
export const observationSchema: JsonSchema = {
  title: 'DialogymObservation',
  description: 'What a player sees after reset or a step. Nothing hidden: no scenario, no simulator state, no reward components.',
  type: 'object',
  additionalProperties: false,
  required: [
    'env_id',
    'episode_id',
    'instructions',
    'new_text',
    'transcript',
    'legal_actions',
    'sample_actions',
    'invalid_action',
    'step',
    'episode_return',
    'terminated',
    'truncated',
    'termination_reason',
    'error',
  ],
  properties: {
    env_id: { type: 'string' },
    episode_id: { type: 'string' },
    instructions: { type: 'string', description: "The agent's role, goal and action grammar; constant within an episode." },
    new_text: { type: 'string', description: "What appeared since the agent's last action (or since reset)." },
    transcript: {
      type: 'array',
      description: 'The role-tagged conversation the agent has seen.',
      items: {
        type: 'object',
        required: ['role', 'text'],
        additionalProperties: false,
        properties: { role: { type: 'string' }, text: { type: 'string' } },
      },
    },
    legal_actions: { ...stringList, description: 'The finite set of legal actions now, when the env has one.' },
    sample_actions: { ...stringList, description: 'Example actions when the action set is open text.' },
    invalid_action: { type: ['string', 'null'], description: 'Why the last action could not be applied (state unchanged).' },
    step: { type: 'integer', minimum: 0, description: 'Steps taken in this episode.' },
    episode_return: { type: 'number', description: 'Sum of the rewards paid so far in this episode.' },
    terminated: { type: 'boolean' },
    truncated: { type: 'boolean' },
    termination_reason: { type: ['string', 'null'], description: 'Why the episode ended, on its last step only.' },
    error: {
      anyOf: [
        { type: 'null' },
        { type: 'object', required: ['type', 'message'], additionalProperties: false, properties: { type: { type: 'string' }, message: { type: 'string' } } },
      ],
      description: 'A failure that ended the episode (e.g. an LLM simulator that failed after its repairs).',
    },
  },
};

/** `state` reply: the public bookkeeping of the session's episode (OpenEnv State: episode_id, step_count, extras). */
export const stateSchema: JsonSchema = {
  title: 'DialogymState',
  type: 'object',
  additionalProperties: false,
  required: [
    'episode_id',
    'step_count',
    'env_id',
    'env_version',
    'seed',
    'split',
    'task_index',
    'kwargs',
    'sim',
    'max_episode_steps',
    'episode_return',
    'done',
    'terminated',
    'truncated',
    'termination_reason',
  ],
  properties: {
    episode_id: { type: ['string', 'null'] },
    step_count: { type: 'integer', minimum: 0 },
    env_id: { type: ['string', 'null'] },
    env_version: { type: ['string', 'null'] },
    seed: { type: ['integer', 'null'] },
    split: { type: ['string', 'null'] },
    task_index: { type: ['integer', 'null'] },
    kwargs: { type: ['object', 'null'], description: 'The kwargs the client asked for (over the registered defaults).' },
    sim: { type: ['string', 'null'] },
    max_episode_steps: { type: ['integer', 'null'] },
    episode_return: { type: 'number' },
    done: { type: 'boolean' },
    terminated: { type: 'boolean' },
    truncated: { type: 'boolean' },
    termination_reason: { type: ['string', 'null'] },
  },
};

/** JSON Schemas of every server → client message, for tests and for clients that validate. */
export const serverMessageSchema: JsonSchema = {
  oneOf: [
    {
      type: 'object',
      required: ['type', 'data'],
      additionalProperties: false,
      properties: {
        type: { const: 'observation' },
        data: {
          type: 'object',
          required: ['observation', 'reward', 'done'],
          additionalProperties: false,
          properties: { observation: observationSchema, reward: { type: ['number', 'null'] }, done: { type: 'boolean' } },
        },
      },
    },
    { type: 'object', required: ['type', 'data'], additionalProperties: false, properties: { type: { const: 'state' }, data: stateSchema } },
    {
      type: 'object',
      required: ['type', 'data'],
      additionalProperties: false,
      properties: {
        type: { const: 'error' },
        data: {
          type: 'object',
          required: ['message', 'code'],
          properties: { message: { type: 'string' }, code: { enum: [...ERROR_CODES] } },
        },
      },
    },
  ],
};

/** The wire form of an episode's public state after reset or a step. */
export interface WireObservation {
  env_id: string;
  episode_id: string;
  instructions: string;
  new_text: string;
  transcript: { role: string; text: string }[];
  legal_actions: string[] | null;
  sample_actions: string[] | null;
  invalid_action: string | null;
  step: number;
  episode_return: number;
  terminated: boolean;
  truncated: boolean;
  termination_reason: string | null;
  error: EpisodeError | null;
}

export interface WireEpisodeStatus {
  envId: string;
  episodeId: string;
  step: number;
  episodeReturn: number;
  terminated: boolean;
  truncated: boolean;
  /** Set only once the episode is over. */
  terminationReason: string | null;
  error: EpisodeError | null;
}

/**
 * The observation object sent to the client: the `Observation`'s fields, copied one by one (an
 * allow-list, so a field added to `Observation` or to `info` never travels by accident), plus the
 * episode's public status.
 */
export function toWireObservation(obs: Observation, status: WireEpisodeStatus): WireObservation {
  return {
    env_id: status.envId,
    episode_id: status.episodeId,
    instructions: obs.instructions,
    new_text: obs.newText,
    transcript: obs.transcript.map((t) => ({ role: t.role, text: t.text })),
    legal_actions: obs.legalActions ? [...obs.legalActions] : null,
    sample_actions: obs.sampleActions ? [...obs.sampleActions] : null,
    invalid_action: obs.invalidAction ? obs.invalidAction.reason : null,
    step: status.step,
    episode_return: status.episodeReturn,
    terminated: status.terminated,
    truncated: status.truncated,
    termination_reason: status.terminated || status.truncated ? status.terminationReason : null,
    error: status.terminated || status.truncated ? status.error : null,
  };
}

export type ClientMessage =
  | { type: 'reset'; params: ResetParams }
  | { type: 'step'; message: string }
  | { type: 'state' }
  | { type: 'close' }
  | { type: 'mcp'; id: Json };

function validationError(errors: string[]): WireError {
  return new WireError('VALIDATION_ERROR', 'Invalid message', {
    errors: errors.map((msg) => ({ type: 'value_error', loc: locOf(msg), msg })),
  });
}

/** `/data/seed must be integer` → ['data', 'seed'] (pydantic's `loc`). */
function locOf(msg: string): string[] {
  const path = msg.split(' ')[0] ?? '';
  return path.startsWith('/') ? path.slice(1).split('/') : [];
}

const isObject = (v: unknown): v is Record<string, Json> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Reset data (WS `data` or the POST /reset body) → typed params; unknown fields are refused, not dropped. */
export function parseResetData(data: unknown, where = '/data'): ResetParams {
  if (data === undefined || data === null) return {};
  if (!isObject(data)) throw validationError([`${where} must be an object`]);
  const r = validate(resetDataSchema, data);
  if (!r.ok) throw validationError(r.errors.map((e) => (e.startsWith('(root)') ? `${where}${e.slice(6)}` : `${where}${e}`)));
  const d = data as Record<string, Json>;
  const out: ResetParams = {};
  if (typeof d.seed === 'number') out.seed = d.seed;
  if (typeof d.episode_id === 'string') out.episodeId = d.episode_id;
  if (typeof d.env_id === 'string') out.envId = d.env_id;
  if (typeof d.split === 'string') out.split = d.split;
  if (typeof d.task_index === 'number') out.taskIndex = d.task_index;
  if (isObject(d.kwargs)) out.kwargs = d.kwargs;
  if (typeof d.sim === 'string') out.sim = d.sim;
  if (typeof d.max_episode_steps === 'number') out.maxEpisodeSteps = d.max_episode_steps;
  if ((out.split === undefined) !== (out.taskIndex === undefined)) {
    throw validationError([`${where} split and task_index go together: give both or neither`]);
  }
  return out;
}

/** Step data (OpenEnv: the action object) → the action string. */
export function parseAction(data: unknown, where = '/data'): string {
  if (!isObject(data)) throw validationError([`${where} must be an object like {"message": "..."}`]);
  const r = validate(actionSchema, data);
  if (!r.ok) throw validationError(r.errors.map((e) => (e.startsWith('(root)') ? `${where}${e.slice(6)}` : `${where}${e}`)));
  return data.message as string;
}

/**
 * One text frame → a client message, or a `WireError` with OpenEnv's code: `INVALID_JSON` for text
 * that is not JSON, `UNKNOWN_TYPE` for an unknown `type`, `VALIDATION_ERROR` for a known type with
 * bad fields (OpenEnv's messages forbid extra fields).
 */
export function parseClientMessage(text: string): ClientMessage {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new WireError('INVALID_JSON', `Invalid JSON: ${(e as Error).message}`);
  }
  if (!isObject(value)) throw validationError(['(root) a message must be a JSON object with a "type"']);
  const type = value.type ?? '';
  const extra = (allowed: string[]) => {
    const unknown = Object.keys(value as object).filter((k) => !allowed.includes(k));
    if (unknown.length) throw validationError(unknown.map((k) => `/${k} is not a field of a '${String(type)}' message`));
  };
  switch (type) {
    case 'reset':
      extra(['type', 'data']);
      return { type: 'reset', params: parseResetData(value.data) };
    case 'step':
      extra(['type', 'data']);
      if (value.data === undefined) throw validationError(['/data is required']);
      return { type: 'step', message: parseAction(value.data) };
    case 'state':
      extra(['type']);
      return { type: 'state' };
    case 'close':
      extra(['type']);
      return { type: 'close' };
    case 'mcp':
      return { type: 'mcp', id: isObject(value.data) ? (value.data.id ?? null) : null };
    default:
      throw new WireError('UNKNOWN_TYPE', `Unknown message type: ${typeof type === 'string' ? type : JSON.stringify(type)}`);
  }
}

/** What OpenEnv answers an MCP request on an env that has no MCP tools (dialogym envs speak the gym contract). */
export function mcpUnsupported(id: Json): Json {
  return { jsonrpc: '2.0', id: id ?? null, error: { code: -32603, message: 'Environment does not support MCP' } };
}
