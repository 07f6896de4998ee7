/**
 * Median time per `env.step` (process CPU time and wall time) of an env played by its expert agent,
 * for the step-time figures in the README. One process, sequential.
 *
 *   npx tsx scripts/social-deduction-steptime.ts [envId=SocialDeduction-v0] [agentRole=crewmate] [episodes=300]
 *
 * GuessNumber-v0 (any role argument) is the reference measured under the same machine load.
 * `multi` as envId times the same game without the statechart: the expert plays Red through
 * `SocialDeductionGame.submit` (+ `view`), the scripted table the other seats.
 */
import '../envs/index.js';
import '../agents/index.js';
import { createAgent } from '../agents/registry.js';
import { make } from '../core/registry.js';
import { SocialExpert } from '../agents/social-deduction/expert.js';
import { SocialDeductionGame } from '../envs/social-deduction/multi-agent.js';

const envId = process.argv[2] ?? 'SocialDeduction-v0';
const role = process.argv[3] ?? 'crewmate';
const episodes = Number(process.argv[4] ?? 300);
if (envId === 'multi') {
  const cpu: number[] = [];
  for (let s = 0; s < episodes; s++) {
    const seat = new SocialExpert();
    const game = new SocialDeductionGame({ seats: { Red: seat } });
    game.reset(s);
    seat.reset({ envId: 'SocialDeduction-v0', seed: s });
    await game.start();
    while (!game.over && game.waitingFor().length) {
      const v = game.view('Red');
      const action = seat.act(v.observation);
      const c0 = process.cpuUsage();
      await game.submit('Red', action);
      game.view('Red');
      const c = process.cpuUsage(c0);
      cpu.push(c.user + c.system);
    }
  }
  cpu.sort((a, b) => a - b);
  process.stdout.write(`${JSON.stringify({ envId: 'multi (no statechart)', episodes, decisions: cpu.length, cpuMedianUs: cpu[cpu.length >> 1] })}\n`);
  process.exit(0);
}
const env = make(envId, { kwargs: envId.startsWith('SocialDeduction') ? { agentRole: role } : {} });
const agent = createAgent('expert', { envId });
const cpu: number[] = [];
const wall: number[] = [];
for (let s = 0; s < episodes; s++) {
  let { observation } = await env.reset({ seed: s });
  await agent.reset?.({ envId, seed: s });
  for (;;) {
    const action = await agent.act(observation, 0);
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const r = await env.step(action);
    const c = process.cpuUsage(c0);
    wall.push((performance.now() - t0) * 1000);
    cpu.push(c.user + c.system);
    observation = r.observation;
    if (r.terminated || r.truncated) break;
  }
}
await env.close();
const q = (v: number[], p: number) => [...v].sort((a, b) => a - b)[Math.min(v.length - 1, Math.floor(v.length * p))] ?? 0;
process.stdout.write(
  `${JSON.stringify({ envId, role, episodes, steps: cpu.length, cpuMedianUs: q(cpu, 0.5), cpuP90Us: q(cpu, 0.9), wallMedianUs: Math.round(q(wall, 0.5)) })}\n`,
);
