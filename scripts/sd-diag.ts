import '../envs/index.js';
import '../agents/index.js';
import { createAgent } from '../agents/registry.js';
import { make } from '../core/registry.js';
const [role = 'crewmate', nStr = '100', kw = '{}', agentsArg = 'expert,silent'] = process.argv.slice(2);
for (const name of agentsArg.split(',')) {
  const env = make('SocialDeduction-v1', { kwargs: { agentRole: role, ...JSON.parse(kw) } });
  const agent = createAgent(name, { envId: 'SocialDeduction-v1' });
  const c: Record<string, number> = {};
  const inc = (k: string) => { c[k] = (c[k] ?? 0) + 1; };
  for (let s = 0; s < Number(nStr); s++) {
    let { observation } = await env.reset({ seed: 1000 + s });
    await agent.reset?.({ envId: 'x', seed: s });
    let alive = true;
    for (;;) {
      const a = await agent.act(observation, 0);
      const r = await env.step(a);
      observation = r.observation;
      if (r.terminated || r.truncated) { inc(r.info.agentWon ? 'won' : 'lost'); break; }
    }
    const text = env.render();
    const me = /agent (\w+)/.exec(text)?.[1];
    for (const line of text.split('\n')) {
      if (line.includes('MEETING:')) { const liv = /Living players: ([^.]+)\./.exec(line)?.[1] ?? ''; inc(liv.includes(me as string) ? 'meet.agentAlive' : 'meet.agentDead'); }
      if (line.startsWith('Votes:')) {
        if (line.includes('was an imposter')) inc('ej.imp'); else if (line.includes('was not an imposter')) inc(line.includes(`${me} was ejected`) ? 'ej.agent' : 'ej.innocent'); else inc('ej.none');
      }
      if (line.includes('killed you')) inc('agentKilled');
    }
  }
  console.log(name, role, JSON.stringify(Object.fromEntries(Object.entries(c).sort())));
  await env.close();
}
