/**
 * The orchestrator: runs one agent against one env for one episode and returns its record.
 * Env, user simulator and agent stay separate; this is the only place they meet.
 */
import type { Agent } from '../agents/types.js';
import { ReplayAgent } from '../agents/replay.js';
import { type EpisodeRecord, RecordTrajectory, recordedActions } from './record.js';
import { type MakeOptions, make } from './registry.js';
import { deriveSeed } from './rng.js';
import type { Env, Json, SimulatorConfig } from './types.js';

export interface EpisodeRequest {
  env: Env;
  agent: Agent;
  seed: number;
  key: string;
  scenario?: Json;
  source?: Json;
  /** Hard stop on agent steps even when the env has no TimeLimit (protects against endless episodes). */
  maxSteps?: number;
}

/** Agent-side failures become part of the record (`error.type = 'agent_error'`), never a crash of the run. */
export async function runEpisode(req: EpisodeRequest): Promise<EpisodeRecord> {
  let record: EpisodeRecord | undefined;
  const env = new RecordTrajectory(
    req.env,
    {
      key: req.key,
      agent: { id: req.agent.id, config: req.agent.config ?? null, ...(req.agent.privileged ? { privileged: true } : {}) },
      source: req.source,
    },
    (r) => {
      record = r;
    },
  );
  const options = req.scenario !== undefined ? { scenario: req.scenario } : undefined;
  let { observation } = await env.reset({ seed: req.seed, options });
  let reward = 0;
  await req.agent.reset?.({
    envId: req.env.spec.id,
    seed: deriveSeed(req.seed, 'agent'),
    // The one door to hidden state, opened only for an agent that declares itself an oracle.
    ...(req.agent.privileged ? { privileged: { scenario: structuredClone(req.env.scenario()) } } : {}),
  });
  const cap = req.maxSteps ?? 10_000;
  let steps = 0;
  while (!record) {
    if (steps >= cap) {
      await env.abort('step_cap', null);
      break;
    }
    let action: string;
    try {
      // Only what a player sees: the observation and the step's reward, never `info`.
      action = await req.agent.act(observation, reward);
      env.addAgentUsage(req.agent.takeUsage?.());
    } catch (err) {
      env.addAgentUsage(req.agent.takeUsage?.());
      const e = err as { type?: string; message?: string; name?: string };
      await env.abort(e.name === 'EndOfInput' ? 'ended_by_user' : 'agent_error', {
        type: e.name === 'EndOfInput' ? 'ended_by_user' : (e.type ?? 'agent_error'),
        message: String(e.message ?? err),
      });
      break;
    }
    const r = await env.step(action);
    steps += 1;
    observation = r.observation;
    reward = r.reward;
  }
  if (!record) throw new Error('episode ended without a record');
  return record;
}

export interface ReplayOptions {
  simulator?: SimulatorConfig;
  makeOptions?: MakeOptions;
  key?: string;
  source?: Json;
}

/**
 * Re-runs a record's agent actions against a fresh env built from the record's env id, kwargs,
 * seed, scenario and simulator config (or the simulator given). With the same scripted simulator
 * the result equals the original apart from `timings`.
 */
export async function replayRecord(rec: EpisodeRecord, opts: ReplayOptions = {}): Promise<EpisodeRecord> {
  const env = make(rec.env.id, {
    ...opts.makeOptions,
    kwargs: rec.env.kwargs,
    simulator: opts.simulator ?? rec.simulator,
    maxEpisodeSteps: rec.env.maxEpisodeSteps ?? 0,
  });
  try {
    const agent = new ReplayAgent(recordedActions(rec));
    const out = await runEpisode({
      env,
      agent,
      seed: rec.seed,
      key: opts.key ?? rec.key,
      scenario: rec.scenario,
      source: opts.source ?? rec.source,
      maxSteps: Math.max(rec.turns.length, 1) + 200,
    });
    out.agent = rec.agent;
    return out;
  } finally {
    await env.close();
  }
}

/** A record with its clock-dependent parts removed, for comparisons. */
export function withoutTimings(rec: EpisodeRecord): Omit<EpisodeRecord, 'timings'> {
  const { timings: _t, ...rest } = rec;
  return rest;
}
