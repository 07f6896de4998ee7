/**
 * The env registry, as in Gymnasium: `register` an id with an entry point, `make` an instance with
 * the standard wrappers applied, `listEnvs` to enumerate. Ids are versioned (`Name-vN`).
 *
 * Each registration may also name env-specific agents (the expert, a smarter random) so that
 * `--agent expert` resolves per environment.
 */
import { type MachineEnvOptions, MachineEnv, type EnvDefinition } from './machine-env.js';
import type { EngineName } from './machine-runner.js';
import type { Env, Json, SimulatorConfig } from './types.js';
import { OrderEnforcing, PassiveEnvChecker, TimeLimit } from './wrappers.js';
import type { AuditProfile } from '../agents/adversaries/types.js';
import type { AgentFactory } from '../agents/types.js';
import type { LlmProvider } from '../simulators/types.js';
import { ConfigError } from './errors.js';

export interface MakeOptions {
  kwargs?: Record<string, Json>;
  simulator?: SimulatorConfig;
  llm?: LlmProvider;
  /** Overrides the registered step limit; 0 disables TimeLimit. */
  maxEpisodeSteps?: number;
  /** Seed of the env's own stream for resets without a seed. */
  seed?: number;
  disableEnvChecker?: boolean;
  /** Which engine runs the env's statechart (default: the cheapest that can; see core/machine-runner.ts). */
  engine?: EngineName;
}

export interface EnvRegistration {
  id: string;
  entryPoint: (opts: MakeOptions) => Env;
  description?: string;
  maxEpisodeSteps?: number;
  kwargs?: Record<string, Json>;
  /**
   * `test`: registered to prove the core; `legacy`: an older version kept so that its records still
   * replay and verify. Both are left out of `eval --env all`, the leaderboard, `start` and the audit suite.
   */
  tags?: string[];
  /** Env-specific agents by name (e.g. `expert`), used before the generic ones. */
  agents?: Record<string, AgentFactory>;
  /** Simulator kinds this env offers. */
  simulatorKinds?: string[];
  /** How `dialogym audit` attacks this env, and the env's own adversaries (see agents/adversaries). */
  audit?: AuditProfile;
  /**
   * The kwargs the env understands, with their defaults (an `EnvDefinition`'s `defaultKwargs`).
   * When present, `make` refuses any other kwarg and a value whose JSON type differs from a
   * non-null default's, listing the known ones (see `checkKwargs`).
   */
  defaultKwargs?: Record<string, Json>;
}

const ID_PATTERN = /^(?:[A-Za-z0-9_.-]+\/)?[A-Za-z0-9_.]+(?:-[A-Za-z0-9_.]+)*-v(\d+)$/;
const registry = new Map<string, EnvRegistration>();

export function register(reg: EnvRegistration): void {
  if (!ID_PATTERN.test(reg.id)) throw new Error(`env id '${reg.id}' must look like Name-vN`);
  if (registry.has(reg.id)) return; // idempotent: modules may be imported through several paths
  registry.set(reg.id, reg);
}

/** Registers an env defined by an `EnvDefinition` with the `MachineEnv` runner. */
export function registerMachineEnv(
  // biome-ignore lint/suspicious/noExplicitAny: definitions are generic over their scenario and context.
  definition: EnvDefinition<any, any>,
  extra: Omit<EnvRegistration, 'id' | 'entryPoint'> = {},
): void {
  register({
    id: definition.id,
    description: definition.description,
    simulatorKinds: Object.keys(definition.simulators),
    defaultKwargs: definition.defaultKwargs,
    ...extra,
    entryPoint: (opts) => new MachineEnv(definition, opts as MachineEnvOptions),
  });
}

export function listEnvs(opts: { includeTests?: boolean; includeLegacy?: boolean } = {}): EnvRegistration[] {
  return [...registry.values()]
    .filter((r) => opts.includeTests || !(r.tags ?? []).includes('test'))
    .filter((r) => opts.includeLegacy || !(r.tags ?? []).includes('legacy'))
    .sort((a, b) => a.id.localeCompare(b.id));
}

export function getRegistration(id: string): EnvRegistration {
  const reg = registry.get(id);
  if (!reg) {
    const close = closeMatches(id, [...registry.keys()]);
    throw new ConfigError(
      `unknown env '${id}'.${close.length ? ` Did you mean ${close.join(', ')}?` : ''} Known: ${[...registry.keys()].join(', ')}`,
    );
  }
  return reg;
}

function jsonType(v: Json): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/**
 * Refuses kwargs an env does not know (a typo would otherwise be silently ignored), naming the
 * known kwargs, and, unless `types` is false, values whose JSON type differs from a non-null
 * default's. Envs registered without `defaultKwargs` accept anything. `make` checks names only (an
 * env validates its values at reset); the CLI checks both before any work.
 */
export function checkKwargs(id: string, kwargs: Record<string, Json> | undefined, opts: { types?: boolean } = {}): void {
  const reg = getRegistration(id);
  if (!kwargs || !reg.defaultKwargs) return;
  const known = { ...reg.defaultKwargs, ...(reg.kwargs ?? {}) };
  const names = Object.keys(known).sort();
  const list = names.length ? names.join(', ') : 'none';
  for (const [k, v] of Object.entries(kwargs)) {
    if (!Object.hasOwn(known, k)) {
      const close = closeMatches(k, names, 1);
      throw new ConfigError(`${id} has no kwarg '${k}'${close.length ? ` (did you mean '${close[0]}'?)` : ''}; known kwargs: ${list}`);
    }
    const d = known[k];
    if (opts.types !== false && d !== null && d !== undefined && v !== null && jsonType(v) !== jsonType(d)) {
      throw new ConfigError(`${id} kwarg '${k}' must be ${jsonType(d) === 'array' ? 'an array' : `a ${jsonType(d)}`} (default ${JSON.stringify(d)}), got ${JSON.stringify(v)}`);
    }
  }
}

/** Instantiate a registered env with PassiveEnvChecker, OrderEnforcing and TimeLimit, as Gymnasium does. */
export function make(id: string, overrides: MakeOptions = {}): Env {
  const reg = getRegistration(id);
  checkKwargs(id, overrides.kwargs, { types: false });
  const maxEpisodeSteps = overrides.maxEpisodeSteps ?? reg.maxEpisodeSteps;
  const opts: MakeOptions = {
    ...overrides,
    kwargs: { ...(reg.kwargs ?? {}), ...(overrides.kwargs ?? {}) },
    maxEpisodeSteps: maxEpisodeSteps || undefined,
  };
  let env = reg.entryPoint(opts);
  if (!overrides.disableEnvChecker) env = new PassiveEnvChecker(env);
  env = new OrderEnforcing(env);
  if (maxEpisodeSteps) env = new TimeLimit(env, maxEpisodeSteps);
  return env;
}

export function closeMatches(word: string, candidates: string[], max = 3): string[] {
  const w = word.toLowerCase();
  const base = (s: string) => s.toLowerCase().replace(/-v\d+$/, '');
  return candidates
    .map((c) => ({ c, d: levenshtein(w, c.toLowerCase()) }))
    .filter(
      ({ c, d }) =>
        d <= Math.max(3, Math.floor(c.length / 3)) || base(c).includes(base(word)) || base(word).includes(base(c)),
    )
    .sort((a, b) => a.d - b.d)
    .slice(0, max)
    .map(({ c }) => c);
}

function levenshtein(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] as number;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j] as number;
      prev[j] = Math.min((prev[j] as number) + 1, (prev[j - 1] as number) + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length] as number;
}
