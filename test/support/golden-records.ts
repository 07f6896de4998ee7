/**
 * Golden episode records: a fixed set of episodes per registered env whose records (without
 * `timings`) are committed under `test/golden/records/<env id>.jsonl`, together with the env's
 * statechart drawing (`dialogym graph`) under `test/golden/graphs/<env id>.mmd`.
 *
 * They were first produced by the core *before* it stopped running env machines through XState's
 * interpreter (issue 19), so `test/core/golden-records.test.ts`, which regenerates them and compares
 * byte for byte, proves that the direct step path changes no episode. Later they keep every env
 * honest about the project's first principle: the same env id and version must give the same
 * episode for the same seed and actions. A legitimate change of dynamics bumps the env's version,
 * after which the goldens are regenerated with `npx tsx scripts/golden-records.ts --env <id>`.
 *
 * The set per env: seeds 0..2 with `random`, `expert` and `oracle` (the ones the env has) against
 * the scripted simulator, each agent group reusing one env instance through `reset` (as `rollout`
 * does); seed 0 with a junk player (empty, nonsense and over-long actions, then the sample actions
 * in turn, cut at 12 steps), which runs the invalid-action path and the step cap; plus, when the env
 * has an `llm` simulator, seed 0 with `expert` and `random` against the loopback OpenAI-compatible
 * server (deterministic replies, no faults), which runs the async path and its failures.
 */
import '../../envs/index.js';
import '../../agents/index.js';
import { agentNames, createAgent } from '../../agents/registry.js';
import { envMachine, machineToMermaid } from '../../core/graph.js';
import type { EpisodeRecord } from '../../core/record.js';
import { getRegistration, listEnvs, type MakeOptions, make } from '../../core/registry.js';
import { runEpisode, withoutTimings } from '../../core/rollout.js';
import type { Agent } from '../../agents/types.js';
import type { Env, Observation } from '../../core/types.js';
import { createLlmProvider } from '../../simulators/llm-client.js';
import { startLoopbackServer } from './loopback-server.js';

export const GOLDEN_SEEDS = [0, 1, 2] as const;
export const GOLDEN_AGENTS = ['random', 'expert', 'oracle'] as const;
export const GOLDEN_LLM_AGENTS = ['expert', 'random'] as const;

export type GoldenRecord = Omit<EpisodeRecord, 'timings'>;

/** Every registered env, test and legacy ones included. */
export function goldenEnvIds(): string[] {
  return listEnvs({ includeTests: true, includeLegacy: true }).map((r) => r.id);
}

/** The statechart drawing `dialogym graph <id>` prints (without its trailing newline). */
export async function graphOf(envId: string): Promise<string> {
  const env = make(envId);
  try {
    return machineToMermaid(envMachine(env));
  } finally {
    await env.close();
  }
}

const JUNK_ACTIONS = ['', '   ', '??? !!!', 'x'.repeat(5000)];
const JUNK_STEPS = 12;

/** Junk first, then the env's own legal or sample actions in turn: exercises invalid actions. */
class JunkPlayer implements Agent {
  readonly id = 'junk';
  private t = 0;
  reset(): void {
    this.t = 0;
  }
  act(obs: Observation): string {
    const t = this.t++;
    if (t < JUNK_ACTIONS.length) return JUNK_ACTIONS[t] as string;
    const pool = obs.legalActions?.length ? obs.legalActions : obs.sampleActions;
    return pool?.length ? (pool[t % pool.length] as string) : 'ok';
  }
}

async function runGroup(envId: string, agent: string, seeds: readonly number[], makeOptions: MakeOptions, tag: string): Promise<GoldenRecord[]> {
  const env: Env = make(envId, makeOptions);
  const out: GoldenRecord[] = [];
  try {
    for (const seed of seeds) {
      const rec = await runEpisode({
        env,
        agent: agent === 'junk' ? new JunkPlayer() : createAgent(agent, { envId }),
        seed,
        key: `${envId}/${tag}/${agent}/${seed}`,
        maxSteps: agent === 'junk' ? JUNK_STEPS : undefined,
      });
      out.push(withoutTimings(rec));
    }
  } finally {
    await env.close();
  }
  return out;
}

/** The golden records of one env, in a fixed order. */
export async function goldenRecords(envId: string, makeOptions: MakeOptions = {}): Promise<GoldenRecord[]> {
  const names = agentNames(envId);
  const reg = getRegistration(envId);
  const out: GoldenRecord[] = [];
  for (const agent of GOLDEN_AGENTS) {
    if (!names.includes(agent)) continue;
    out.push(...(await runGroup(envId, agent, GOLDEN_SEEDS, makeOptions, 'scripted')));
  }
  out.push(...(await runGroup(envId, 'junk', [0], makeOptions, 'scripted')));
  if (reg.simulatorKinds?.includes('llm')) {
    const server = await startLoopbackServer({ latencyMs: 0 });
    try {
      const provider = createLlmProvider({
        baseURL: server.url,
        apiKey: 'sk-golden',
        model: 'loopback-sim',
        noCache: true,
        maxConcurrency: 1,
        timeoutMs: 30_000,
        label: 'simulator',
      });
      for (const agent of GOLDEN_LLM_AGENTS) {
        if (!names.includes(agent)) continue;
        out.push(
          ...(await runGroup(envId, agent, [0], { ...makeOptions, simulator: { kind: 'llm', model: provider.model }, llm: provider }, 'llm')),
        );
      }
    } finally {
      await server.close();
    }
  }
  return out;
}

/** One JSONL line per record: the committed form, compared byte for byte. */
export function toJsonl(records: readonly GoldenRecord[]): string {
  return records.map((r) => `${JSON.stringify(r)}\n`).join('');
}
