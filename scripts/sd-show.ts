import '../envs/index.js';
import '../agents/index.js';
import { createAgent } from '../agents/registry.js';
import { make } from '../core/registry.js';
const [agentName = 'expert', role = 'crewmate', seed = '1', kw = '{}'] = process.argv.slice(2);
const env = make('SocialDeduction-v1', { kwargs: { agentRole: role, ...JSON.parse(kw) } });
const agent = createAgent(agentName, { envId: 'SocialDeduction-v1' });
let { observation } = await env.reset({ seed: Number(seed) });
await agent.reset?.({ envId: 'SocialDeduction-v1', seed: 1 });
for (;;) {
  const a = await agent.act(observation, 0);
  const r = await env.step(a);
  observation = r.observation;
  if (r.terminated || r.truncated) { console.log(JSON.stringify(r.info.rewardComponents)); break; }
}
console.log(env.render());
