/**
 * SocialDeduction-v0 is frozen (tagged `legacy`): its records must still replay byte for byte.
 * These fingerprints were taken before v1 was built; any change to v0's engine, table, minds or
 * text changes them. Do not update them unless v0's behaviour is meant to change (it is not).
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import '../../envs/index.js';
import '../../agents/index.js';
import { createAgent } from '../../agents/registry.js';
import { SocialExpert } from '../../agents/social-deduction/expert.js';
import { make } from '../../core/registry.js';
import { runEpisode, withoutTimings } from '../../core/rollout.js';
import { runSelfPlay } from '../../envs/social-deduction/multi-agent.js';

const ID = 'SocialDeduction-v0';

function digest(x: unknown): string {
  return createHash('sha256').update(JSON.stringify(x)).digest('hex').slice(0, 16);
}

describe('SocialDeduction-v0 stays byte-for-byte unchanged', () => {
  it('single-agent episodes (random and expert, both roles) match their fingerprints', async () => {
    const got: Record<string, string> = {};
    for (const name of ['random', 'expert']) {
      for (const role of ['crewmate', 'imposter']) {
        const env = make(ID, { kwargs: { agentRole: role } });
        const agent = createAgent(name, { envId: ID });
        const recs = [];
        for (const seed of [0, 1, 2, 3, 4, 5]) {
          const r = withoutTimings(await runEpisode({ env, agent, seed, key: `${seed}` }));
          recs.push({ ...r, dialogymVersion: null });
        }
        got[`${name}/${role}`] = digest(recs);
        await env.close();
      }
    }
    expect(got).toEqual(FINGERPRINTS);
  });

  it('multi-agent self-play matches its fingerprint', async () => {
    const seats: Record<string, SocialExpert> = {};
    for (const c of ['Red', 'Blue']) seats[c] = new SocialExpert();
    const { game } = await runSelfPlay({ seats, seed: 7, envId: ID });
    expect(digest(game)).toBe(SELFPLAY);
  });
});

const FINGERPRINTS: Record<string, string> = {
  'expert/crewmate': '3d74a4efcfc78d33',
  'expert/imposter': 'f070959ef9b38e9f',
  'random/crewmate': '26ce24a3274657ab',
  'random/imposter': '35b9a030fa71b3a4',
};
const SELFPLAY = '71e86f644b536408';
