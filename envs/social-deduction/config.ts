/**
 * Keyword arguments of the social deduction game: defaults, validation (bad values raise a
 * `ConfigError`, which the CLI turns into exit code 2), and scenario sampling.
 */
import { ConfigError } from '../../core/errors.js';
import type { Rng } from '../../core/rng.js';
import type { JsonSchema } from '../../core/schema.js';
import type { Json } from '../../core/types.js';
import { DEFAULT_MIND_PARAMS, type MindParams } from '../../simulators/social-deduction/mind.js';
import { COLOURS, DEFAULT_RULES, DEFAULT_WEIGHTS, defaultRoomNames, type GameRules, type GameSetup, setupProblems } from './engine.js';

/** A scenario is the game's setup plus which seat the agent takes. */
export interface SocialScenario extends GameSetup {
  agent: string;
}

export const scenarioSchema: JsonSchema = {
  type: 'object',
  required: ['players', 'imposters', 'width', 'height', 'roomNames', 'startRoom', 'tasks', 'agent'],
  additionalProperties: false,
  properties: {
    players: { type: 'array', minItems: 3, maxItems: 10, items: { type: 'string', pattern: '^[A-Za-z]+$' } },
    imposters: { type: 'array', minItems: 1, items: { type: 'string' } },
    width: { type: 'integer', minimum: 1, maximum: 6 },
    height: { type: 'integer', minimum: 1, maximum: 6 },
    roomNames: { type: 'array', items: { type: 'string', minLength: 1 } },
    startRoom: { type: 'integer', minimum: 0 },
    tasks: { type: 'object', additionalProperties: { type: 'array', items: { type: 'integer', minimum: 0 } } },
    agent: { type: 'string' },
  },
};

export const defaultKwargs: Record<string, Json> = {
  numPlayers: 5,
  numImposters: 1,
  gridWidth: 3,
  gridHeight: 2,
  roomNames: null,
  startRoom: 0,
  tasksPerCrewmate: 5,
  taskTicks: DEFAULT_RULES.taskTicks,
  killCooldown: DEFAULT_RULES.killCooldown,
  discussionRounds: DEFAULT_RULES.discussionRounds,
  maxTicks: DEFAULT_RULES.maxTicks,
  confirmEjects: true,
  meetingResetsPositions: true,
  /** 'any' (uniform seat), 'crewmate' or 'imposter'. */
  agentRole: 'any',
  /** 'ask': the agent answers every survey with a SURVEY step; 'off': it is never asked (counted uniform). */
  agentSurvey: 'ask',
  listening: 'prob',
  weights: { ...DEFAULT_WEIGHTS },
  /** Scripted players' parameters (see simulators/social-deduction/mind.ts). */
  npc: { ...DEFAULT_MIND_PARAMS },
  invalidActionPenalty: 0,
};

function int(kwargs: Record<string, Json>, key: string, lo: number, hi: number): number {
  const v = kwargs[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) {
    throw new ConfigError(`SocialDeduction: ${key} must be an integer in [${lo}, ${hi}], got ${JSON.stringify(v)}`);
  }
  return v;
}

function oneOf<T extends string>(kwargs: Record<string, Json>, key: string, options: readonly T[]): T {
  const v = kwargs[key];
  if (!options.includes(v as T)) throw new ConfigError(`SocialDeduction: ${key} must be one of ${options.join(', ')}, got ${JSON.stringify(v)}`);
  return v as T;
}

export function rulesFromKwargs(kwargs: Record<string, Json>): GameRules {
  const w = (kwargs.weights ?? {}) as Record<string, Json>;
  const weights = { ...DEFAULT_WEIGHTS };
  for (const [k, v] of Object.entries(w)) {
    if (!(k in weights)) throw new ConfigError(`SocialDeduction: unknown reward weight '${k}' (known: ${Object.keys(weights).join(', ')})`);
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new ConfigError(`SocialDeduction: weight ${k} must be a number`);
    (weights as Record<string, number>)[k] = v;
  }
  return {
    taskTicks: int(kwargs, 'taskTicks', 1, 20),
    killCooldown: int(kwargs, 'killCooldown', 0, 50),
    discussionRounds: int(kwargs, 'discussionRounds', 0, 10),
    maxTicks: int(kwargs, 'maxTicks', 1, 1000),
    confirmEjects: kwargs.confirmEjects !== false,
    meetingResetsPositions: kwargs.meetingResetsPositions !== false,
    listening: oneOf(kwargs, 'listening', ['prob', 'logprob'] as const),
    weights,
  };
}

export function npcParams(kwargs: Record<string, Json>): MindParams {
  const p = { ...DEFAULT_MIND_PARAMS, ...((kwargs.npc ?? {}) as Partial<MindParams>) };
  for (const [k, v] of Object.entries(p)) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new ConfigError(`SocialDeduction: npc.${k} must be a number`);
  }
  return p;
}

export function surveyMode(kwargs: Record<string, Json>): 'ask' | 'off' {
  return oneOf(kwargs, 'agentSurvey', ['ask', 'off'] as const);
}

/** Draws a setup from the kwargs: colours, imposters, the agent's seat and every crewmate's task rooms. */
export function sampleScenario(rng: Rng, kwargs: Record<string, Json>): SocialScenario {
  const n = int(kwargs, 'numPlayers', 4, 10);
  const k = int(kwargs, 'numImposters', 1, Math.max(1, Math.ceil(n / 2) - 1));
  const width = int(kwargs, 'gridWidth', 1, 6);
  const height = int(kwargs, 'gridHeight', 1, 6);
  if (width * height < 2) throw new ConfigError('SocialDeduction: the map needs at least 2 rooms');
  const names = kwargs.roomNames ?? defaultRoomNames(width, height);
  if (!Array.isArray(names) || names.length !== width * height || !names.every((x) => typeof x === 'string' && x.trim())) {
    throw new ConfigError(`SocialDeduction: roomNames must be ${width * height} non-empty names`);
  }
  const startRoom = int(kwargs, 'startRoom', 0, width * height - 1);
  const perCrew = int(kwargs, 'tasksPerCrewmate', 0, 20);
  const role = oneOf(kwargs, 'agentRole', ['any', 'crewmate', 'imposter'] as const);
  const players = COLOURS.slice(0, n);
  const imposters = rng.shuffle(players).slice(0, k);
  const crew = players.filter((p) => !imposters.includes(p));
  const tasks: Record<string, number[]> = {};
  for (const p of crew) {
    // Distinct rooms while there are enough, so tasks spread players over the map.
    const rooms: number[] = [];
    let pool: number[] = [];
    for (let i = 0; i < perCrew; i++) {
      if (!pool.length) pool = rng.shuffle(Array.from({ length: width * height }, (_, r) => r));
      rooms.push(pool.pop() as number);
    }
    tasks[p] = rooms;
  }
  const agent = role === 'any' ? rng.pick(players) : role === 'imposter' ? rng.pick(imposters) : rng.pick(crew);
  return { players, imposters, width, height, roomNames: names as string[], startRoom, tasks, agent };
}

export function checkScenario(s: SocialScenario): void {
  const problems = setupProblems(s);
  if (!s.players.includes(s.agent)) problems.push(`agent ${s.agent} is not a player`);
  if (problems.length) throw new ConfigError(`SocialDeduction scenario: ${problems.join('; ')}`);
}
