import '../envs/index.js';
import '../agents/index.js';
import { createAgent } from '../agents/registry.js';
import { make } from '../core/registry.js';
import { runEpisode } from '../core/rollout.js';
const [agentName = 'expert', role = 'crewmate', nStr = '100', kw = '{}'] = process.argv.slice(2);
const env = make('SocialDeduction-v1', { kwargs: { agentRole: role, ...JSON.parse(kw) } });
const agent = createAgent(agentName, { envId: 'SocialDeduction-v1' });
let wins = 0, ret = 0; const ends: Record<string, number> = {};
const t0 = performance.now(); let steps = 0;
for (let s = 0; s < Number(nStr); s++) {
  const rec = await runEpisode({ env, agent, seed: 1000 + s, key: String(s) });
  const last = rec.turns[rec.turns.length - 1]?.info ?? rec.initialObservation.info;
  if (last.agentWon) wins++;
  ret += rec.totals.return; steps += rec.totals.steps;
  ends[rec.termination.reason] = (ends[rec.termination.reason] ?? 0) + 1;
  if (rec.error) console.log(rec.error);
}
console.log(agentName, role, 'win', wins / Number(nStr), 'ret', (ret / Number(nStr)).toFixed(3), JSON.stringify(ends), 'ms/ep', ((performance.now() - t0) / Number(nStr)).toFixed(1), 'steps', steps / Number(nStr));
