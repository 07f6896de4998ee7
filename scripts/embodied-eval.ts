/**
 * TEACh metrics per task type for Embodied agents: success rate (SR), goal-condition success (GC),
 * their path-length-weighted versions (PLW-SR, PLW-GC), mean return and steps, and the Commander's
 * dialogue acts, as Markdown.
 *
 *   npx tsx scripts/embodied-eval.ts [--env Embodied-v1] [--split dev|test] [--phrasing auto|train|test]
 *                                    [--episodes 100] [--agents expert,oracle,random] [--tasks all]
 *
 * `expert-no-listening` (v1) is the expert that takes the goal from the Commander but never asks
 * where things are and ignores the places it is told: the gap to `expert` is what listening is worth.
 *
 * Embodied-v1: the seeds are the first N of the split's seeds (eval/splits.ts), the same for every task
 * type and agent; the Commander's phrasing follows the seed's split unless `--phrasing` forces one.
 * Path-length weighting uses the env's reference path (`info.oraclePathLength`, the planner with
 * perfect knowledge), as the reward does.
 * Embodied-v0 (legacy): seeds `--seed .. --seed+N-1` as before; the expert is weighted against the
 * oracle path, every other agent against the expert's path on the same seed.
 */
import '../envs/index.js';
import '../agents/index.js';
import { EmbodiedExpertV1 } from '../agents/embodied/expert-v1.js';
import { createAgent } from '../agents/registry.js';
import type { Agent } from '../agents/types.js';
import { make } from '../core/registry.js';
import { deriveSeed } from '../core/rng.js';
import type { Env } from '../core/types.js';
import { type EpisodeSummary, metricsFromSummaries, referenceLengths } from '../envs/embodied/metrics.js';
import { TASK_TYPES } from '../envs/embodied/tasks.js';
import { parseSplit, splitSeeds } from '../eval/splits.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

function fail(msg: string): never {
  console.error(msg);
  process.exit(2);
}

const envId = arg('env', 'Embodied-v1');
if (envId !== 'Embodied-v0' && envId !== 'Embodied-v1') fail(`--env must be Embodied-v0 or Embodied-v1, got '${envId}'`);
const v1 = envId === 'Embodied-v1';
const episodes = Number(arg('episodes', v1 ? '100' : '500'));
const agents = arg('agents', v1 ? 'expert,oracle,random' : 'expert,random').split(',');
const tasksArg = arg('tasks', 'all');
const tasks = tasksArg === 'all' ? [...TASK_TYPES] : tasksArg.split(',');
const seed0 = Number(arg('seed', '0'));
let split: ReturnType<typeof parseSplit> = 'dev';
try {
  split = parseSplit(arg('split', 'dev'));
} catch (err) {
  fail((err as Error).message);
}
const phrasing = arg('phrasing', 'auto');
if (!['auto', 'train', 'test'].includes(phrasing)) fail(`--phrasing must be auto, train or test, got '${phrasing}'`);
if (!Number.isInteger(episodes) || episodes < 1 || !Number.isInteger(seed0)) fail('--episodes must be a positive integer and --seed an integer');
for (const t of tasks) if (!TASK_TYPES.includes(t)) fail(`unknown task '${t}' (one of ${TASK_TYPES.join(', ')})`);
const seeds = v1 ? splitSeeds(envId, split, episodes) : Array.from({ length: episodes }, (_, i) => seed0 + i);

interface Played extends EpisodeSummary {
  return: number;
}

/**
 * One episode as `runEpisode` plays it (same agent seed derivation, privileged scenario for an
 * oracle), without keeping a record: thousands of episodes would otherwise hold every observation.
 */
async function playEpisode(env: Env, agent: Agent, seed: number, counts: Record<string, number>): Promise<Played> {
  const count = (act: unknown) => {
    if (typeof act === 'string') counts[act] = (counts[act] ?? 0) + 1;
  };
  let { observation, info } = await env.reset({ seed });
  await agent.reset?.({
    envId: env.spec.id,
    seed: deriveSeed(seed, 'agent'),
    ...(agent.privileged ? { privileged: { scenario: structuredClone(env.scenario()) } } : {}),
  });
  for (const t of info.simulatorTurns ?? []) count((t as { act?: unknown }).act);
  let steps = 0;
  let reward = 0;
  let total = 0;
  for (;;) {
    const r = await env.step(await agent.act(observation, reward));
    steps += 1;
    for (const t of r.info.simulatorTurns ?? []) count((t as { act?: unknown }).act);
    observation = r.observation;
    info = r.info;
    reward = r.reward;
    total += r.reward;
    if (r.terminated || r.truncated) break;
  }
  const gcs = info.goalConditions as { satisfied: number; total: number };
  return {
    seed,
    success: info.success === true,
    gc: gcs.total ? gcs.satisfied / gcs.total : 0,
    steps,
    oracle: typeof info.oraclePathLength === 'number' ? info.oraclePathLength : null,
    return: total,
  };
}

const pct = (x: number) => (100 * x).toFixed(1);
const rows: string[] = [];
const acts: Record<string, Record<string, number>> = {};
const overall: Record<string, Played[]> = {};
const started = Date.now();
const runOrder = v1 ? agents : ['expert', ...agents.filter((a) => a !== 'expert')];
const kwargsBase = v1 ? { phrasing } : {};
for (const task of tasks) {
  const byAgent: Record<string, Played[]> = {};
  for (const agentName of runOrder) {
    const env = make(envId, { kwargs: { ...kwargsBase, taskType: task } });
    const agent = agentName === 'expert-no-listening' && v1 ? new EmbodiedExpertV1({ listen: false }) : createAgent(agentName, { envId });
    const played: Played[] = [];
    const counts = acts[agentName] ?? {};
    acts[agentName] = counts;
    for (const seed of seeds) played.push(await playEpisode(env, agent, seed, counts));
    await env.close();
    byAgent[agentName] = played;
    overall[agentName] = [...(overall[agentName] ?? []), ...played];
    const failed = played.filter((p) => !p.success).map((p) => p.seed);
    if (agentName === 'expert' && failed.length) process.stderr.write(`${task}: expert failed on seeds ${failed.slice(0, 10).join(', ')}\n`);
  }
  const ref = v1 ? undefined : referenceLengths(byAgent.expert ?? []);
  for (const agentName of agents) {
    const played = byAgent[agentName] ?? [];
    const m = metricsFromSummaries(played, agentName === 'expert' ? undefined : ref);
    const ret = played.reduce((s, p) => s + p.return, 0) / (played.length || 1);
    rows.push(
      `| ${task} | ${agentName} | ${m.episodes} | ${pct(m.successRate)} | ${pct(m.plwSuccessRate)} | ${pct(m.goalConditionSuccess)} | ${pct(m.plwGoalConditionSuccess)} | ${ret.toFixed(3)} | ${m.meanSteps.toFixed(1)} |`,
    );
  }
  process.stderr.write(`${task} done (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
}

console.log(`${envId}, ${v1 ? `${split} split seeds (phrasing ${phrasing})` : `seeds ${seed0}..${seed0 + episodes - 1}`}, ${episodes} episodes per task type and agent\n`);
console.log('| task | agent | episodes | SR % | PLW-SR % | GC % | PLW-GC % | return | mean steps |');
console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) console.log(r);
if (v1) {
  for (const agentName of agents) {
    const played = overall[agentName] ?? [];
    const m = metricsFromSummaries(played);
    const ret = played.reduce((s, p) => s + p.return, 0) / (played.length || 1);
    console.log(
      `| **all** | ${agentName} | ${m.episodes} | ${pct(m.successRate)} | ${pct(m.plwSuccessRate)} | ${pct(m.goalConditionSuccess)} | ${pct(m.plwGoalConditionSuccess)} | ${ret.toFixed(3)} | ${m.meanSteps.toFixed(1)} |`,
    );
  }
}
if (v1) {
  // Per-episode spread of the return, and how much of it the task type (one draw per episode) explains.
  console.log('\n| agent | return sd | share of the variance between task types |');
  console.log('|---|---:|---:|');
  for (const agentName of agents) {
    const played = overall[agentName] ?? [];
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / (xs.length || 1);
    const m = mean(played.map((p) => p.return));
    const total = mean(played.map((p) => (p.return - m) ** 2));
    let within = 0;
    for (let i = 0; i < tasks.length; i++) {
      const group = played.slice(i * seeds.length, (i + 1) * seeds.length).map((p) => p.return);
      const gm = mean(group);
      within += group.reduce((a, x) => a + (x - gm) ** 2, 0);
    }
    within /= played.length || 1;
    const share = total > 1e-12 ? 1 - within / total : 0;
    console.log(`| ${agentName} | ${Math.sqrt(total).toFixed(3)} | ${pct(share)} % |`);
  }
}
for (const agentName of agents) {
  const counts = acts[agentName] ?? {};
  const total = Object.values(counts).reduce((s, x) => s + x, 0);
  console.log(`\nCommander acts with the ${agentName} agent (${total} commander turns):\n`);
  console.log('| act | turns | % |');
  console.log('|---|---:|---:|');
  for (const [act, n] of Object.entries(counts).sort((a, b) => b[1] - a[1])) console.log(`| ${act} | ${n} | ${pct(n / total)} |`);
}
console.error(`elapsed ${((Date.now() - started) / 1000).toFixed(0)} s`);
