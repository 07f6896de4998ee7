/**
 * Step cost of ClarifySearch-v1 and ClarifyTask-v1 with the scripted user, split into the whole
 * `env.step` (core + env + user) and the user's own logic (`respond`), median over the steps of
 * `--episodes` expert episodes after a warm-up (the user logic is timed on the same questions and
 * scenarios; per-episode setup, such as building the facet's terms, is outside the timer). Prints the machine load beside the figures.
 *
 *   npx tsx scripts/clarify-step-timing.ts [--episodes 300]
 */
import { loadavg } from 'node:os';
import '../envs/index.js';
import { createAgent } from '../agents/registry.js';
import { make } from '../core/registry.js';
import { Rng } from '../core/rng.js';
import type { Observation } from '../core/types.js';
import type { SearchScenario, TaskScenarioV1 } from '../envs/clarify-common/types.js';
import { domainIndex } from '../envs/clarify-task/domains.js';
import { analyzeQuestionV1 } from '../envs/clarify-task/rules-v1.js';
import { ClariqUserV1 } from '../simulators/clarify/clariq-user-v1.js';
import { initialTaskUserStateV1, taskUserTurnV1 } from '../simulators/clarify/task-user-v1.js';

const args = process.argv.slice(2);
const episodes = Number(args[args.indexOf('--episodes') + 1] ?? 300) || 300;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

async function stepTimes(envId: string): Promise<{ step: number[]; questions: string[]; scenarios: unknown[] }> {
  const env = make(envId, { disableEnvChecker: true });
  const step: number[] = [];
  const questions: string[] = [];
  const scenarios: unknown[] = [];
  for (let e = 0; e < episodes + 50; e++) {
    const agent = createAgent('expert', { envId });
    await agent.reset?.({ envId, seed: e });
    let { observation } = await env.reset({ seed: e });
    for (let i = 0; i < 30; i++) {
      const action = await agent.act(observation as Observation, 0);
      const t0 = performance.now();
      const r = await env.step(action);
      const dt = performance.now() - t0;
      if (e >= 50) step.push(dt * 1000);
      if (action.startsWith('ASK ')) {
        questions.push(action.slice(4));
        scenarios.push(env.scenario());
      }
      observation = r.observation;
      if (r.terminated || r.truncated) break;
    }
  }
  await env.close();
  return { step, questions, scenarios };
}

const out: string[] = [`load average ${loadavg().map((x) => x.toFixed(2)).join(' / ')} (2 vCPU shared)`];
{
  const { step, questions, scenarios } = await stepTimes('ClarifySearch-v1');
  const user: number[] = [];
  for (let i = 0; i < questions.length; i++) {
    const u = new ClariqUserV1(scenarios[i] as SearchScenario);
    const st = u.initialState();
    const rng = Rng.fromSeed(i);
    u.open(st, rng);
    const t0 = performance.now();
    u.answer(st, questions[i] as string, rng);
    user.push((performance.now() - t0) * 1000);
  }
  out.push(`ClarifySearch-v1: env.step median ${median(step).toFixed(1)} µs (n=${step.length}); user answer median ${median(user).toFixed(1)} µs`);
}
{
  const { step, questions, scenarios } = await stepTimes('ClarifyTask-v1');
  const user: number[] = [];
  for (let i = 0; i < questions.length; i++) {
    const sc = scenarios[i] as TaskScenarioV1;
    const dom = domainIndex(sc.domain);
    const t0 = performance.now();
    taskUserTurnV1(sc, initialTaskUserStateV1(sc), analyzeQuestionV1(dom, questions[i] as string), Rng.fromSeed(i));
    user.push((performance.now() - t0) * 1000);
  }
  out.push(`ClarifyTask-v1: env.step median ${median(step).toFixed(1)} µs (n=${step.length}); question reading + user turn median ${median(user).toFixed(1)} µs`);
}
out.push(`load average ${loadavg().map((x) => x.toFixed(2)).join(' / ')}`);
process.stdout.write(`${out.join('\n')}\n`);
