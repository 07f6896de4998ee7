/**
 * Evaluates agents on Embodied-v0 per task type and prints TEACh metrics (SR, GC, PLW-SR, PLW-GC)
 * and the scripted commander's dialogue-act distribution as Markdown.
 *
 *   npx tsx scripts/embodied-eval.ts [--episodes 500] [--agents expert,random] [--tasks all] [--seed 0]
 *
 * Seeds are `seed .. seed+episodes-1` for every task type and agent. Path-length weighting uses the
 * expert's path length on the same seed as reference for the other agents; the expert itself is
 * weighted against the env's oracle path length (the planner with perfect knowledge).
 */
import '../envs/index.js';
import '../agents/index.js';
import { createAgent } from '../agents/registry.js';
import { make } from '../core/registry.js';
import { deriveSeed } from '../core/rng.js';
import type { Env } from '../core/types.js';
import type { Agent } from '../agents/types.js';
import { type EpisodeSummary, metricsFromSummaries, referenceLengths } from '../envs/embodied/metrics.js';
import { TASK_TYPES } from '../envs/embodied/tasks.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

const episodes = Number(arg('episodes', '500'));
const agents = arg('agents', 'expert,random').split(',');
const tasksArg = arg('tasks', 'all');
const tasks = tasksArg === 'all' ? [...TASK_TYPES] : tasksArg.split(',');
const seed0 = Number(arg('seed', '0'));
if (!Number.isInteger(episodes) || episodes < 1 || !Number.isInteger(seed0)) {
  console.error('--episodes must be a positive integer and --seed an integer');
  process.exit(2);
}
for (const t of tasks) {
  if (!TASK_TYPES.includes(t)) {
    console.error(`unknown task '${t}' (one of ${TASK_TYPES.join(', ')})`);
    process.exit(2);
  }
}

/**
 * One episode as `runEpisode` plays it (same agent seed derivation), without keeping a record:
 * 500 episodes per task type would otherwise hold every observation in memory.
 */
async function playEpisode(env: Env, agent: Agent, seed: number, counts: Record<string, number>): Promise<EpisodeSummary> {
  const count = (act: unknown) => {
    if (typeof act === 'string') counts[act] = (counts[act] ?? 0) + 1;
  };
  let { observation, info } = await env.reset({ seed });
  await agent.reset?.({ envId: env.spec.id, seed: deriveSeed(seed, 'agent') });
  count(info.commanderAct);
  let steps = 0;
  let reward = 0;
  for (;;) {
    const r = await env.step(await agent.act(observation, reward));
    steps += 1;
    for (const t of r.info.simulatorTurns ?? []) count((t as { act?: unknown }).act);
    observation = r.observation;
    info = r.info;
    reward = r.reward;
    if (r.terminated || r.truncated) break;
  }
  const gcs = info.goalConditions as { satisfied: number; total: number };
  return {
    seed,
    success: info.success === true,
    gc: gcs.total ? gcs.satisfied / gcs.total : 0,
    steps,
    oracle: typeof info.oraclePathLength === 'number' ? info.oraclePathLength : null,
  };
}

const pct = (x: number) => (100 * x).toFixed(1);
const rows: string[] = [];
const acts: Record<string, Record<string, number>> = {};
const started = Date.now();
const runOrder = ['expert', ...agents.filter((a) => a !== 'expert')];
for (const task of tasks) {
  const byAgent: Record<string, EpisodeSummary[]> = {};
  for (const agentName of runOrder) {
    const env = make('Embodied-v0', { kwargs: { taskType: task } });
    const agent = createAgent(agentName, { envId: 'Embodied-v0' });
    const summaries: EpisodeSummary[] = [];
    const counts = acts[agentName] ?? {};
    acts[agentName] = counts;
    for (let i = 0; i < episodes; i++) summaries.push(await playEpisode(env, agent, seed0 + i, counts));
    await env.close();
    byAgent[agentName] = summaries;
  }
  const ref = referenceLengths(byAgent.expert ?? []);
  for (const agentName of agents) {
    const m = metricsFromSummaries(byAgent[agentName] ?? [], agentName === 'expert' ? undefined : ref);
    rows.push(
      `| ${task} | ${agentName} | ${m.episodes} | ${pct(m.successRate)} | ${pct(m.goalConditionSuccess)} | ${pct(m.plwSuccessRate)} | ${pct(m.plwGoalConditionSuccess)} | ${m.meanSteps.toFixed(1)} |`,
    );
  }
  process.stderr.write(`${task} done (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
}

console.log('| task | agent | episodes | SR % | GC % | PLW-SR % | PLW-GC % | mean steps |');
console.log('|---|---|---:|---:|---:|---:|---:|---:|');
for (const r of rows) console.log(r);
for (const agentName of agents) {
  const counts = acts[agentName] ?? {};
  const total = Object.values(counts).reduce((s, x) => s + x, 0);
  console.log(`\nCommander acts with the ${agentName} agent (${total} commander turns):\n`);
  console.log('| act | turns | % |');
  console.log('|---|---:|---:|');
  for (const [act, n] of Object.entries(counts).sort((a, b) => b[1] - a[1])) console.log(`| ${act} | ${n} | ${pct(n / total)} |`);
}
