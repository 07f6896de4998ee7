/**
 * Median time per `env.step` (process CPU time and wall time) of an env played by its expert agent,
 * for the step-time figures in docs/social-deduction.md. One process, sequential.
 *
 *   npx tsx scripts/social-deduction-steptime.ts [envId=SocialDeduction-v0] [agentRole=crewmate] [episodes=300]
 *
 * GuessNumber-v0 (any role argument) is the reference measured under the same machine load.
 */
import '../envs/index.js';
import '../agents/index.js';
import { createAgent } from '../agents/registry.js';
import { make } from '../core/registry.js';

const envId = process.argv[2] ?? 'SocialDeduction-v0';
const role = process.argv[3] ?? 'crewmate';
const episodes = Number(process.argv[4] ?? 300);
const env = make(envId, { kwargs: envId.startsWith('SocialDeduction') ? { agentRole: role } : {} });
const agent = createAgent('expert', { envId });
const cpu: number[] = [];
const wall: number[] = [];
for (let s = 0; s < episodes; s++) {
  let { observation, info } = await env.reset({ seed: s });
  await agent.reset?.({ envId, seed: s });
  for (;;) {
    const action = await agent.act(observation, info);
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const r = await env.step(action);
    const c = process.cpuUsage(c0);
    wall.push((performance.now() - t0) * 1000);
    cpu.push(c.user + c.system);
    observation = r.observation;
    info = r.info;
    if (r.terminated || r.truncated) break;
  }
}
await env.close();
const q = (v: number[], p: number) => [...v].sort((a, b) => a - b)[Math.min(v.length - 1, Math.floor(v.length * p))] ?? 0;
process.stdout.write(
  `${JSON.stringify({ envId, role, episodes, steps: cpu.length, cpuMedianUs: q(cpu, 0.5), cpuP90Us: q(cpu, 0.9), wallMedianUs: Math.round(q(wall, 0.5)) })}\n`,
);
