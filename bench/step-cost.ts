/**
 * Cost of `env.step` per environment with its scripted simulator.
 *
 * Two instances of each env run the same seeds, one episode each in turn so that both see the same
 * machine load: one from `make(id)` (PassiveEnvChecker, OrderEnforcing, TimeLimit: what users get,
 * the reported figure) and one from `make(id, { disableEnvChecker: true })` (for information).
 * Actions come from the env's `expert` agent (else `random`); only `env.step` is inside the timer,
 * so agent time is excluded. Each step is timed in wall time (`process.hrtime`, for the median and
 * p95) and in process CPU time (`process.cpuUsage`, for throughput: steps/s and episodes/s on one
 * core are steps or episodes per CPU-second spent inside `reset` + `step`, which on a shared
 * machine is a fairer "one core" figure than wall time, as other processes' time is left out).
 */
import { createAgent, agentNames } from '../agents/registry.js';
import type { Agent } from '../agents/types.js';
import { getRegistration, listEnvs, make } from '../core/registry.js';
import type { Env, Observation, StepInfo } from '../core/types.js';
import { cpuMicros, mean, quantile, round } from './util.js';

export interface VariantStats {
  medianUs: number;
  p95Us: number;
  meanUs: number;
  /** Median process CPU time per step: unlike wall time, it leaves out time other processes ran. */
  cpuMedianUs: number;
  resetMedianUs: number;
  /** Steps per CPU-second spent in `step`. */
  stepsPerSec: number;
  /** Episodes per CPU-second spent in `reset` + `step`. */
  episodesPerSec: number;
  cpuUsPerStep: number;
}

export interface StepCostResult {
  envId: string;
  tags: string[];
  agent: string;
  episodes: number;
  steps: number;
  meanStepsPerEpisode: number;
  withWrappers: VariantStats | null;
  noChecker: VariantStats | null;
  /** Median target in µs from the issue, when the env has one. */
  targetMedianUs: number | null;
  error?: string;
}

/** Step-median targets of issue 10, by env family. */
export function stepTargetUs(envId: string): number | null {
  if (/^(Persuasion|ClarifySearch|ClarifyTask|Clarify)/i.test(envId)) return 50;
  if (/^(SocialDeduction|Embodied)/i.test(envId)) return 200;
  return null;
}

/** The envs measured: every registered env not tagged `test`, plus GuessNumber-v0 as the core's reference. */
export function benchEnvIds(): string[] {
  const ids = listEnvs().map((r) => r.id);
  const reference = 'GuessNumber-v0';
  try {
    getRegistration(reference);
    if (!ids.includes(reference)) ids.unshift(reference);
  } catch {
    // A tree without the test env still measures the others.
  }
  return ids;
}

function pickAgent(envId: string): string {
  const names = agentNames(envId);
  if (names.includes('expert')) return 'expert';
  return 'random';
}

class Samples {
  readonly step: number[] = [];
  readonly stepCpuUs: number[] = [];
  readonly reset: number[] = [];
  stepCpu = 0;
  resetCpu = 0;
  episodes = 0;

  stats(): VariantStats | null {
    if (this.step.length === 0) return null;
    return {
      medianUs: round(quantile(this.step, 0.5), 1),
      p95Us: round(quantile(this.step, 0.95), 1),
      meanUs: round(mean(this.step), 1),
      cpuMedianUs: round(quantile(this.stepCpuUs, 0.5), 1),
      resetMedianUs: round(quantile(this.reset, 0.5), 1),
      stepsPerSec: round(this.step.length / Math.max(this.stepCpu, 1) * 1e6),
      episodesPerSec: round((this.episodes / Math.max(this.stepCpu + this.resetCpu, 1)) * 1e6, 1),
      cpuUsPerStep: round(this.stepCpu / this.step.length, 1),
    };
  }
}

const MAX_STEPS_PER_EPISODE = 1000;

async function runEpisode(env: Env, agent: Agent, envId: string, seed: number, samples: Samples | undefined): Promise<number> {
  let c0 = cpuMicros();
  let t0 = process.hrtime.bigint();
  const r0 = await env.reset({ seed });
  let t1 = process.hrtime.bigint();
  let c1 = cpuMicros();
  if (samples) {
    samples.reset.push(Number(t1 - t0) / 1000);
    samples.resetCpu += c1 - c0;
  }
  await agent.reset?.({ envId, seed });
  let observation: Observation = r0.observation;
  const info: StepInfo = r0.info;
  let reward = 0;
  let steps = 0;
  let ended = Boolean(info.error);
  while (!ended && steps < MAX_STEPS_PER_EPISODE) {
    const action = await agent.act(observation, reward);
    c0 = cpuMicros();
    t0 = process.hrtime.bigint();
    const r = await env.step(action);
    t1 = process.hrtime.bigint();
    c1 = cpuMicros();
    if (samples) {
      samples.step.push(Number(t1 - t0) / 1000);
      samples.stepCpuUs.push(c1 - c0);
      samples.stepCpu += c1 - c0;
    }
    steps += 1;
    observation = r.observation;
    reward = r.reward;
    ended = r.terminated || r.truncated;
  }
  if (samples) samples.episodes += 1;
  return steps;
}

/**
 * Measures one env for about `seconds` of wall time (split between the two variants), after a
 * warm-up of `warmupSeconds` that lets the JIT settle.
 */
export async function measureStepCost(envId: string, opts: { seconds: number; warmupSeconds: number; minEpisodes?: number }): Promise<StepCostResult> {
  const reg = getRegistration(envId);
  const agentName = pickAgent(envId);
  const result: StepCostResult = {
    envId,
    tags: reg.tags ?? [],
    agent: agentName,
    episodes: 0,
    steps: 0,
    meanStepsPerEpisode: 0,
    withWrappers: null,
    noChecker: null,
    targetMedianUs: stepTargetUs(envId),
  };
  const envs: Env[] = [];
  try {
    const wrapped = make(envId);
    envs.push(wrapped);
    const bare = make(envId, { disableEnvChecker: true });
    envs.push(bare);
    const agentA = createAgent(agentName, { envId });
    const agentB = createAgent(agentName, { envId });
    const a = new Samples();
    const b = new Samples();
    let seed = 0;
    const warmEnd = performance.now() + opts.warmupSeconds * 1000;
    while (performance.now() < warmEnd || seed < 2) {
      await runEpisode(wrapped, agentA, envId, seed, undefined);
      await runEpisode(bare, agentB, envId, seed, undefined);
      seed += 1;
    }
    const end = performance.now() + opts.seconds * 1000;
    const minEpisodes = opts.minEpisodes ?? 5;
    let steps = 0;
    while (performance.now() < end || a.episodes < minEpisodes) {
      steps += await runEpisode(wrapped, agentA, envId, seed, a);
      await runEpisode(bare, agentB, envId, seed, b);
      seed += 1;
    }
    result.episodes = a.episodes;
    result.steps = steps;
    result.meanStepsPerEpisode = round(steps / Math.max(1, a.episodes), 2);
    result.withWrappers = a.stats();
    result.noChecker = b.stats();
  } catch (err) {
    result.error = (err as Error).message ?? String(err);
  } finally {
    for (const e of envs) await e.close().catch(() => {});
  }
  return result;
}
