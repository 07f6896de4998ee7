import { describe, expect, it } from 'vitest';
import '../../envs/index.js';
import { createAgent } from '../../agents/registry.js';
import { make } from '../../core/registry.js';
import { replayRecord, runEpisode } from '../../core/rollout.js';
import { humanDialogueRecord } from '../../envs/persuasion/import.js';
import { ENV_ID } from '../../envs/persuasion/index.js';
import { concernsAddressed } from '../../simulators/persuasion/concerns.js';
import { findOffences } from '../../simulators/persuasion/offences.js';
import { corpusDialogues } from '../../simulators/persuasion/resources.js';
import type { Observation } from '../../core/types.js';

describe('Persuasion-v0 agents', () => {
  it('the expert beats random and the replayed human persuaders on held-out personas (same seeds)', async () => {
    const dialogues = corpusDialogues()
      .filter((d) => d.split === 'heldout' && d.donation !== null && d.persona !== null)
      .slice(0, 50);
    const env = make(ENV_ID);
    const totals = { expert: 0, random: 0, human: 0 };
    for (const d of dialogues) {
      const rec = humanDialogueRecord({ id: d.id, persona: d.persona!, persuader: d.persuader, persuadee: d.persuadee, donation: d.donation as number });
      totals.human += (await replayRecord(rec, { simulator: { kind: 'scripted' } })).totals.return;
      for (const name of ['expert', 'random'] as const) {
        const agent = createAgent(name, { envId: ENV_ID });
        const r = await runEpisode({ env, agent, seed: rec.seed, key: `${name}/${d.id}`, scenario: d.persona });
        totals[name] += r.totals.return;
      }
    }
    await env.close();
    expect(totals.expert).toBeGreaterThan(totals.random);
    expect(totals.expert).toBeGreaterThan(totals.human);
  });

  it('the expert answers the concern the persuadee just voiced, and never trips the offence detectors', () => {
    const expert = createAgent('expert', { envId: ENV_ID });
    const obs = (userText: string): Observation => ({
      instructions: 'You have at most 10 messages.',
      newText: '',
      transcript: [
        { role: 'agent', text: 'Hi there! How is your day going so far? Do you ever give to charities?' },
        { role: 'user', text: userText },
      ],
    });
    const reply = expert.act(obs('Honestly, how do I know this charity is legit and not a scam?'), 0) as string;
    expect(concernsAddressed(reply)).toContain('legitimacy');
    const reply2 = expert.act(obs('Do they help kids here in the US too?'), 0) as string;
    expect(concernsAddressed(reply2)).toContain('local');
    expect(findOffences(reply, [])).toEqual([]);
    // A pledge earns a thank-you and one invitation to give a little more; a refusal naming an amount does not.
    const pledge = expert.act(obs('Sure, I will donate 50 cents.'), 0) as string;
    expect(pledge).toMatch(/generous/);
    const refusal = expert.act(obs("No, I won't donate even $1, sorry."), 0) as string;
    expect(refusal).not.toMatch(/more/);
  });

  it('random draws strategy templates with its own seed', async () => {
    const env = make(ENV_ID);
    const a = await runEpisode({ env, agent: createAgent('random', { envId: ENV_ID }), seed: 8, key: 'a' });
    const b = await runEpisode({ env, agent: createAgent('random', { envId: ENV_ID }), seed: 8, key: 'b' });
    const c = await runEpisode({ env, agent: createAgent('random', { envId: ENV_ID }), seed: 9, key: 'c' });
    await env.close();
    expect(a.turns.map((t) => t.action)).toEqual(b.turns.map((t) => t.action));
    expect(a.turns.map((t) => t.action)).not.toEqual(c.turns.map((t) => t.action));
    expect(a.termination.terminated).toBe(true);
  });
});
