/**
 * (Legacy: the v0 envs. The v1 figures come from `dialogym audit ClarifySearch-v1|ClarifyTask-v1` and
 * `dialogym calibrate clariq`; see docs/envs/clarify-*.md.)
 *
 * Returns of the clarification envs' agents (expert, random, no-question) with the scripted user,
 * printed as a table; the figures in the README come from this command.
 *
 *   npx tsx scripts/clariq-eval.ts [--env ClarifySearch-v0|ClarifyTask-v0|all] [--episodes N] [--json]
 *
 * ClarifySearch-v0 runs every (topic, facet) scenario of the shipped data once per agent (seed =
 * scenario index) and reports the success rate per clarification-need level; it then repeats the
 * dev topics with a user grounded on train only (the setting of topics the simulator never saw). ClarifyTask-v0
 * runs N seeds (default 500) per agent (expert, confirming-expert, random, no-question) and persona.
 */
import '../envs/index.js';
import { createAgent } from '../agents/registry.js';
import { make } from '../core/registry.js';
import { runEpisode } from '../core/rollout.js';
import { clariqScenarios } from '../envs/clarify-search/index.js';

const args = process.argv.slice(2);
const flag = (name: string, dflt: string) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? (args[i + 1] as string) : dflt;
};
const which = flag('--env', 'all');
const episodes = Number(flag('--episodes', '500'));
const json = args.includes('--json');

interface Row {
  env: string;
  agent: string;
  group: string;
  n: number;
  meanReturn: number;
  success: number;
  meanQuestions: number;
}
const rows: Row[] = [];

function summarise(env: string, agent: string, group: string, recs: { ret: number; ok: boolean; q: number }[]): void {
  const n = recs.length || 1;
  rows.push({
    env,
    agent,
    group,
    n: recs.length,
    meanReturn: recs.reduce((s, r) => s + r.ret, 0) / n,
    success: recs.filter((r) => r.ok).length / n,
    meanQuestions: recs.reduce((s, r) => s + r.q, 0) / n,
  });
}

async function evalSearch(split: 'all' | 'dev', grounding: 'all' | 'train'): Promise<void> {
  const id = 'ClarifySearch-v0';
  const scenarios = clariqScenarios(split);
  const label = split === 'all' ? '' : `dev,${grounding === 'all' ? 'all' : 'train'}-grounded,`;
  for (const agentName of ['expert', 'random', 'no-question']) {
    const env = make(id, { simulator: { kind: 'scripted', grounding } });
    const agent = createAgent(agentName, { envId: id });
    const byNeed = new Map<string, { ret: number; ok: boolean; q: number }[]>();
    const all: { ret: number; ok: boolean; q: number }[] = [];
    for (let i = 0; i < scenarios.length; i++) {
      const sc = scenarios[i];
      const rec = await runEpisode({ env, agent, seed: i, key: `${id}/${agentName}/${i}`, scenario: sc });
      const last = rec.turns[rec.turns.length - 1];
      const r = { ret: rec.totals.return, ok: last?.info.success === true, q: Number(last?.info.questions ?? 0) };
      all.push(r);
      const k = `need=${sc?.clarificationNeed}`;
      byNeed.set(k, [...(byNeed.get(k) ?? []), r]);
    }
    summarise(id, agentName, `${label}all`, all);
    for (const k of [...byNeed.keys()].sort()) summarise(id, agentName, `${label}${k}`, byNeed.get(k) ?? []);
    await env.close();
  }
}

async function evalTask(): Promise<void> {
  const id = 'ClarifyTask-v0';
  for (const persona of ['precise', 'vague', 'oversharing', 'self_correcting', 'declining']) {
    for (const agentName of ['expert', 'confirming-expert', 'random', 'no-question']) {
      const env = make(id, { kwargs: { personas: [persona] } });
      const agent = createAgent(agentName, { envId: id });
      const recs: { ret: number; ok: boolean; q: number }[] = [];
      for (let seed = 0; seed < episodes; seed++) {
        const rec = await runEpisode({ env, agent, seed, key: `${id}/${agentName}/${seed}` });
        const last = rec.turns[rec.turns.length - 1];
        recs.push({ ret: rec.totals.return, ok: last?.info.success === true, q: Number(last?.info.questions ?? 0) });
      }
      summarise(id, agentName, `persona=${persona}`, recs);
      await env.close();
    }
  }
}

if (which === 'all' || which === 'ClarifySearch-v0') {
  await evalSearch('all', 'all');
  // Dev topics twice: answered from the crowd's own answers where the question matches ('all'),
  // and as unseen topics by a user grounded on train only: the gap is the simulator's effect on agents.
  await evalSearch('dev', 'all');
  await evalSearch('dev', 'train');
}
if (which === 'all' || which === 'ClarifyTask-v0') await evalTask();
if (json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
else {
  process.stdout.write('env               agent        group                         n     return   success  questions\n');
  for (const r of rows) {
    process.stdout.write(
      `${r.env.padEnd(17)} ${r.agent.padEnd(12)} ${r.group.padEnd(29)} ${String(r.n).padEnd(5)} ${r.meanReturn.toFixed(3).padStart(7)}  ${(100 * r.success).toFixed(1).padStart(6)}%  ${r.meanQuestions.toFixed(2).padStart(6)}\n`,
    );
  }
}
