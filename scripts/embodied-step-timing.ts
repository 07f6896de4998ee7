/**
 * Times `env.step` of Embodied-v0 with the scripted commander (median and p90, in µs) under the
 * random and expert agents. The agent's own time is excluded.
 *
 *   npx tsx scripts/embodied-step-timing.ts [--episodes 200]
 */
import '../envs/index.js';
import '../agents/index.js';
import { createAgent } from '../agents/registry.js';
import { make } from '../core/registry.js';
import { deriveSeed } from '../core/rng.js';

const i = process.argv.indexOf('--episodes');
const episodes = i >= 0 ? Number(process.argv[i + 1]) : 200;
if (!Number.isInteger(episodes) || episodes < 1) {
  console.error('--episodes must be a positive integer');
  process.exit(2);
}

const env = make('Embodied-v0');
for (const name of ['random', 'expert']) {
  const agent = createAgent(name, { envId: 'Embodied-v0' });
  const micros: number[] = [];
  for (let seed = 0; seed < episodes; seed++) {
    let { observation } = await env.reset({ seed });
    await agent.reset?.({ envId: 'Embodied-v0', seed: deriveSeed(seed, 'agent') });
    for (;;) {
      const action = await agent.act(observation, 0);
      const t0 = process.hrtime.bigint();
      const r = await env.step(action);
      micros.push(Number(process.hrtime.bigint() - t0) / 1000);
      observation = r.observation;
      if (r.terminated || r.truncated) break;
    }
  }
  micros.sort((a, b) => a - b);
  const q = (p: number) => micros[Math.min(micros.length - 1, Math.floor(micros.length * p))]!.toFixed(0);
  console.log(`${name}: ${micros.length} steps, median ${q(0.5)} µs, p90 ${q(0.9)} µs`);
}
await env.close();
