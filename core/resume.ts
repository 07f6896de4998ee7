/**
 * Proving that `--resume` continues the same run.
 *
 * Every episode record already carries what makes a run: the env id and version, the kwargs as
 * the env used them (defaults included), the step limit, the simulator config and the agent's id
 * and config. A resumed file is accepted only when each of its records has exactly the identity
 * this run would give its own records; the first difference is named (and the file left as it
 * was). No header or sidecar is needed, so files written before this check existed resume too.
 */
import { ConfigError } from './errors.js';
import { terminalSafe } from './input.js';
import type { ResumeVerdict } from './output.js';
import { type EpisodeRecord, validateRecord } from './record.js';
import { type MakeOptions, make } from './registry.js';
import type { Json, SimulatorConfig } from './types.js';

export interface RunIdentity {
  envId: string;
  envVersion: string;
  kwargs: Record<string, Json>;
  maxEpisodeSteps: number | null;
  simulator: SimulatorConfig;
  agent: { id: string; config: Json };
}

/** The identity stored in a record. */
export function identityOfRecord(rec: EpisodeRecord): RunIdentity {
  return {
    envId: rec.env.id,
    envVersion: rec.env.version,
    kwargs: rec.env.kwargs,
    maxEpisodeSteps: rec.env.maxEpisodeSteps ?? null,
    simulator: rec.simulator,
    agent: { id: rec.agent.id, config: rec.agent.config ?? null },
  };
}

/**
 * The identity this run's records will have: the env is made (which also validates the kwargs)
 * and closed again; `agent` is the agent the run will use (its id and config).
 */
export async function expectedIdentity(
  envId: string,
  makeOptions: MakeOptions,
  agent: { id: string; config?: Json },
): Promise<RunIdentity> {
  const env = make(envId, makeOptions);
  try {
    return {
      envId: env.spec.id,
      envVersion: env.spec.version,
      kwargs: structuredClone(env.spec.kwargs),
      maxEpisodeSteps: env.spec.maxEpisodeSteps ?? null,
      simulator: structuredClone(env.simulatorConfig),
      agent: { id: agent.id, config: agent.config ?? null },
    };
  } finally {
    await env.close();
  }
}

function canonical(v: Json): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'undefined';
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  const keys = Object.keys(v)
    .filter((k) => v[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
}

const short = (v: Json) => terminalSafe(canonical(v), 120);

/** The first way `found` differs from `expected`, as "<what>: the file has X, this run Y", or undefined. */
export function firstDifference(expected: RunIdentity, found: RunIdentity): string | undefined {
  if (found.envId !== expected.envId) return `env: the file has ${short(found.envId)}, this run ${short(expected.envId)}`;
  if (found.envVersion !== expected.envVersion) {
    return `env version: the file has ${short(found.envVersion)}, this run ${short(expected.envVersion)}`;
  }
  const keys = [...new Set([...Object.keys(expected.kwargs), ...Object.keys(found.kwargs)])].sort();
  for (const k of keys) {
    if (canonical(found.kwargs[k]) !== canonical(expected.kwargs[k])) {
      return `kwargs.${terminalSafe(k, 60)}: the file has ${short(found.kwargs[k])}, this run ${short(expected.kwargs[k])}`;
    }
  }
  if (found.maxEpisodeSteps !== expected.maxEpisodeSteps) {
    const s = (x: number | null) => (x === null ? 'no limit' : String(x));
    return `step limit: the file has ${s(found.maxEpisodeSteps)}, this run ${s(expected.maxEpisodeSteps)}`;
  }
  if (canonical(found.simulator) !== canonical(expected.simulator)) {
    return `simulator: the file has ${short(found.simulator)}, this run ${short(expected.simulator)}`;
  }
  if (found.agent.id !== expected.agent.id) return `agent: the file has ${short(found.agent.id)}, this run ${short(expected.agent.id)}`;
  if (canonical(found.agent.config) !== canonical(expected.agent.config)) {
    return `agent config: the file has ${short(found.agent.config)}, this run ${short(expected.agent.config)}`;
  }
  return undefined;
}

export interface RecordResumeCheck {
  /** The file being resumed, for messages. */
  file: string;
  /** The identity a record with this key must have; undefined when the key belongs to no part of this run. */
  expected: (rec: EpisodeRecord) => RunIdentity | undefined;
  /** Extra per-record decision once the identity matched (plan order ...). */
  then?: (rec: EpisodeRecord, lineNo: number) => ResumeVerdict;
}

/**
 * A `check` for `JsonlOutput.open`: lines that are not valid records, and repeated keys, are
 * dropped; a record run with another env version, kwargs, step limit, simulator or agent refuses
 * the resume with the first difference. Returns the check and the set of keys kept.
 */
export function recordResumeCheck(opts: RecordResumeCheck): { check: (value: Json, lineNo: number) => ResumeVerdict; keys: Set<string> } {
  const keys = new Set<string>();
  const check = (value: Json, lineNo: number): ResumeVerdict => {
    const v = validateRecord(value);
    if (!v.ok) return { drop: `not a valid episode record (${v.errors.slice(0, 2).join('; ')})` };
    const rec = value as EpisodeRecord;
    if (keys.has(rec.key)) return { drop: `repeats episode ${rec.key}` };
    const expected = opts.expected(rec);
    if (expected) {
      const diff = firstDifference(expected, identityOfRecord(rec));
      if (diff) {
        throw new ConfigError(
          `--resume: ${terminalSafe(opts.file)} line ${lineNo} (${terminalSafe(rec.key, 80)}) was run with other settings (${diff}); ` +
            'use another --out, or --force to replace the file',
        );
      }
    }
    const verdict = opts.then?.(rec, lineNo);
    if (verdict === undefined) keys.add(rec.key);
    return verdict;
  };
  return { check, keys };
}
