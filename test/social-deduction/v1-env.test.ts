import { describe, expect, it } from 'vitest';
import '../../envs/index.js';
import '../../agents/index.js';
import { createAgent } from '../../agents/registry.js';
import { SocialAgentV1 } from '../../agents/social-deduction/expert-v1.js';
import { ConfigError } from '../../core/errors.js';
import { validateRecord } from '../../core/record.js';
import { getRegistration, make } from '../../core/registry.js';
import { runEpisode, withoutTimings } from '../../core/rollout.js';
import { runSelfPlay } from '../../envs/social-deduction/multi-agent.js';
import { type Intent, realize, variantCount } from '../../simulators/social-deduction/phrases.js';
import { parseTalk } from '../../simulators/social-deduction/talk.js';

const ID = 'SocialDeduction-v1';
const LEX = { players: ['Red', 'Blue', 'Green', 'Yellow', 'Purple'], roomNames: ['Cafeteria', 'Weapons', 'Navigation', 'Storage', 'Electrical', 'Reactor'] };

describe('SocialDeduction-v1 talk', () => {
  it('reads back every variant of every phrase of the shared bank as what it means', () => {
    const intents: Intent[] = [
      { kind: 'where', room: 3, from: 4, to: 7 },
      { kind: 'where', room: 3, from: 5, to: 5 },
      { kind: 'saw', target: 'Red', room: 1, t: 9 },
      { kind: 'saw', target: 'Red', also: ['Green'], other: 'Blue', room: 1, t: 9 },
      { kind: 'kill', killer: 'Red', victim: 'Blue', room: 1 },
      { kind: 'found', victim: 'Blue', room: 1 },
      { kind: 'accuse', target: 'Red' },
      { kind: 'lying', target: 'Red' },
      { kind: 'deny' },
      { kind: 'skip' },
      { kind: 'nothing' },
    ];
    for (const intent of intents) {
      for (let k = 0; k < variantCount(intent.kind); k++) {
        const text = realize(intent, LEX, null, k);
        const claims = parseTalk(text, 'Yellow', LEX);
        const expected =
          intent.kind === 'where'
            ? { kind: 'where', room: intent.room, from: intent.from, to: intent.to }
            : intent.kind === 'saw'
              ? { kind: 'saw', targets: [intent.target, ...(intent.also ?? [])], room: intent.room, t: intent.t, other: intent.other ?? null }
              : intent;
        expect(claims, text).toContainEqual(expected);
      }
    }
  });

  it('reads free text: accusations, defences with negation, alibis and sightings with ticks, call-outs', () => {
    const p = (t: string) => parseTalk(t, 'Yellow', LEX);
    expect(p('Red is the imposter, vote Red')).toContainEqual({ kind: 'accuse', target: 'Red' });
    expect(p('Green is not the imposter')).toContainEqual({ kind: 'clear', target: 'Green' });
    expect(p("Red didn't kill Blue")).toContainEqual({ kind: 'clear', target: 'Red' });
    expect(p('I was in Storage at tick 5')).toContainEqual({ kind: 'where', room: 3, from: 5, to: 5 });
    expect(p('Blue was killed in the Weapons')).not.toContainEqual(expect.objectContaining({ kind: 'kill' }));
    expect(p("Green's story doesn't add up")).toContainEqual({ kind: 'lying', target: 'Green' });
    expect(p('I killed Blue')).toContainEqual({ kind: 'confess' });
    expect(p('x'.repeat(5000))).toEqual([]);
  });
});

describe('SocialDeduction-v1 env', () => {
  it('always states the room and what is visible in it, bodies included, whenever the agent acts', async () => {
    const env = make(ID, { kwargs: { agentRole: 'crewmate' } });
    const agent = createAgent('expert', { envId: ID });
    let bodySeen = false;
    let actionPrompts = 0;
    for (let seed = 0; seed < 12; seed++) {
      let { observation } = await env.reset({ seed });
      await agent.reset?.({ envId: ID, seed });
      for (;;) {
        if (observation.legalActions?.some((a) => a.startsWith('move ') || a === 'wait')) {
          actionPrompts++;
          expect(observation.newText).toMatch(/\[tick \d+\] You are in the \w+\. (You see [\w, ]+\.|Nobody else is here\.)/);
          if (observation.legalActions.some((a) => a.startsWith('report '))) {
            expect(observation.newText).toMatch(/The dead body of \w+ lies here\./);
            bodySeen = true;
          }
        }
        const r = await env.step(await agent.act(observation, 0));
        observation = r.observation;
        if (r.terminated || r.truncated) break;
      }
    }
    expect(actionPrompts).toBeGreaterThan(50);
    expect(bodySeen).toBe(true);
    await env.close();
  });

  it('pays listening, speaking and voteImposter only on the last step, keeping their per-step values in info', async () => {
    const env = make(ID, { kwargs: { agentRole: 'crewmate' } });
    const agent = createAgent('expert', { envId: ID });
    let accrued = 0;
    let paidAtEnd = 0;
    for (let seed = 0; seed < 10; seed++) {
      const rec = await runEpisode({ env, agent, seed, key: String(seed) });
      expect(validateRecord(rec).ok).toBe(true);
      rec.turns.forEach((t, i) => {
        const last = i === rec.turns.length - 1;
        for (const k of ['listening', 'speaking', 'voteImposter']) {
          if (!last) expect(t.rewardComponents[k], `${k} paid mid-episode`).toBeUndefined();
          else if (t.rewardComponents[k] !== undefined) paidAtEnd++;
        }
        const d = (t.info.deferredRewardComponents ?? {}) as Record<string, number>;
        accrued += Object.keys(d).length;
      });
    }
    expect(accrued).toBeGreaterThan(0);
    expect(paidAtEnd).toBeGreaterThan(0);
    await env.close();
  });

  it("declares the imposter's role label as a secret that appears only on the game-over line", async () => {
    const env = make(ID, { kwargs: { agentRole: 'crewmate' } });
    const agent = createAgent('expert', { envId: ID });
    const rec = await runEpisode({ env, agent, seed: 3, key: 'x' });
    const secrets = env.secrets?.() ?? [];
    expect(secrets).toEqual(rec.scenario.imposters.map((i: string) => `${i}=imposter`));
    const last = rec.turns[rec.turns.length - 1];
    expect(last?.observation).toContain(secrets[0]);
    for (const t of rec.turns.slice(0, -1)) expect(t.observation).not.toContain(secrets[0]);
    await env.close();
  });

  it('registers expert, random, oracle (privileged), deaf and silent, and an audit profile per role with no known-open exploit', () => {
    const reg = getRegistration(ID);
    expect(Object.keys(reg.agents ?? {}).sort()).toEqual(['deaf', 'expert', 'oracle', 'random', 'silent']);
    expect(new SocialAgentV1('oracle').privileged).toBe(true);
    expect(reg.audit?.variants?.map((v) => v.name)).toEqual(['crewmate', 'imposter']);
    const names = (reg.audit?.adversaries ?? []).map((a) => a.name);
    for (const n of ['template-reader', 'reward-prober', 'kill-on-sight', 'always-accuse', 'bandwagon', 'silence']) expect(names).toContain(n);
    expect(getRegistration('SocialDeduction-v0').tags).toContain('legacy');
  });

  it('rejects bad v1 kwargs with a ConfigError', async () => {
    await expect(make(ID, { kwargs: { tableTalk: 'no' } }).reset({ seed: 1 })).rejects.toThrow(ConfigError);
    await expect(make(ID, { kwargs: { npc: { charisma: 1 } } }).reset({ seed: 1 })).rejects.toThrow(/unknown npc parameter/);
  });

  it('plays the same episode for the same seed, and snapshots restore exactly', async () => {
    const env = make(ID, { kwargs: { agentRole: 'imposter' } });
    const agent = createAgent('expert', { envId: ID });
    const a = await runEpisode({ env, agent, seed: 11, key: 'a' });
    const b = await runEpisode({ env, agent, seed: 11, key: 'a' });
    expect(withoutTimings(b)).toEqual(withoutTimings(a));
    await env.close();
  });

  it('self-play runs v1 (and v0 on request), one valid record per seat', async () => {
    const seats: Record<string, SocialAgentV1> = {};
    for (const c of ['Red', 'Blue', 'Green']) seats[c] = new SocialAgentV1('expert');
    const { records, game } = await runSelfPlay({ seats, seed: 5 });
    expect(game.phase).toBe('over');
    expect(records).toHaveLength(3);
    for (const r of records) {
      expect(validateRecord(r).errors).toEqual([]);
      expect(r.env.id).toBe(ID);
    }
    expect(game.rules.revealRoles).toBe(true);
  });
});
