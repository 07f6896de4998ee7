import { createAgent, make } from '../index.js';

const envId = 'ClarifySearch-v1';
const env = make(envId); // TimeLimit, OrderEnforcing and a passive checker applied
const agent = createAgent('expert', { envId });
let { observation } = await env.reset({ seed: 7 });
await agent.reset?.({ envId, seed: 7 });
let reward = 0;
let total = 0;
for (let done = false; !done; ) {
  const r = await env.step(await agent.act(observation, reward)); // the agent sees observation + reward only
  ({ observation, reward } = r); // r.info is analysis only: hidden facet, success, components
  total += reward;
  done = r.terminated || r.truncated;
}
console.log(`return ${total.toFixed(3)}`);
