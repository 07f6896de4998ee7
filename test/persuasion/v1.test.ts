/**
 * Persuasion-v1: the persuadee listens (issue 14's "done when" list) and the env pays the expected
 * donation.
 */
import { describe, expect, it } from 'vitest';
import '../../envs/index.js';
import { checkEnv } from '../../core/checker.js';
import { getRegistration, make } from '../../core/registry.js';
import { Rng } from '../../core/rng.js';
import { validate } from '../../core/schema.js';
import { doubtsVoiced, EXPERT_PLAN, hintedDoubts } from '../../agents/persuasion/expert-v1.js';
import { ENV_ID_V1 } from '../../envs/persuasion/v1.js';
import { perceive } from '../../simulators/persuasion/v1/perception.js';
import { expectedAmount, HINTS, ScriptedPersuadeeV1 } from '../../simulators/persuasion/v1/persuadee.js';
import type { PersuasionScenarioV1 } from '../../simulators/persuasion/v1/scenario.js';
import { loadPersuadeeV1Params, type PersuadeeV1Params } from '../../simulators/persuasion/v1/params.js';
import { type PersuadeeTurnV1, turnSchemaV1 } from '../../simulators/persuasion/v1/turn.js';
import type { PersuasionScenario } from '../../simulators/persuasion/persona.js';
import { persona } from './helpers.js';

function sim(p: PersuasionScenario = persona(), seed = 1): ScriptedPersuadeeV1 {
  return new ScriptedPersuadeeV1({ scenario: p, rng: Rng.fromSeed(seed), config: { kind: 'scripted' } });
}

function say(s: ScriptedPersuadeeV1, text: string, turn: number, kind: 'message' | 'close' = 'message'): PersuadeeTurnV1 {
  const t = s.respond({ kind, text, turn, maxTurns: 10 });
  expect(validate(turnSchemaV1, t).errors).toEqual([]);
  return t;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const GREETING = /^(hi|hello|hey|howdy|good (morning|afternoon|evening))\b/i;

describe('Persuasion-v1 persuadee: grounded replies and memory', () => {
  it('answers a question about itself with an answer about itself, the same one when asked again', () => {
    for (let seed = 0; seed < 12; seed++) {
      const s = sim(persona(), seed);
      say(s, 'Hi! How are you today?', 1);
      const kids = say(s, 'Do you have any kids?', 2);
      expect(kids.intent).toBe('answer');
      expect(kids.utterance).toMatch(/\b(kids?|children|child|one|no)\b/i);
      const job = say(s, 'What do you do for a living?', 3);
      expect(job.utterance).toMatch(/\b(I'm|I work|I run|I do)\b/);
      const again = say(s, 'Sorry, do you have kids?', 4);
      expect(again.utterance).toMatch(/^Like I said/);
      // The same fact: "no kids" stays "no kids", a number stays that number.
      const hasNone = (t: string) => /\bno (kids|children)|don't have (any )?kids|no kids|nope/i.test(t);
      expect(hasNone(again.utterance)).toBe(hasNone(kids.utterance));
    }
  });

  it('never greets twice and does not ask about what it was already told', () => {
    for (let seed = 0; seed < 20; seed++) {
      const s = sim(persona({ extrovert: 5 }), seed);
      const first = say(s, 'Hello! How are you doing?', 1);
      expect(first.intent).toBe('greet');
      const second = say(s, 'Hi again! How are you?', 2);
      expect(second.intent).not.toBe('greet');
      expect(GREETING.test(second.utterance)).toBe(false);
      say(s, EXPERT_PLAN[1]?.text as string, 3); // what they do, and where
      for (let t = 4; t < 9; t++) {
        const r = say(s, 'It is a cause that means a lot to me.', t);
        expect(r.utterance).not.toMatch(/what does the charity (actually )?do|what kind of work do they do|where do they work|which countries/i);
      }
    }
  });

  it('uses corpus wording only when the persuader said its rare words', () => {
    // "Syria" appears in corpus reactions; it may only come back after the persuader mentioned it.
    let withoutSyria = 0;
    for (let seed = 0; seed < 60; seed++) {
      const s = sim(persona(), seed);
      say(s, 'Hello!', 1);
      const r = say(s, 'Children are starving in many places right now, it is heartbreaking.', 2);
      if (/syria/i.test(r.utterance)) withoutSyria++;
    }
    expect(withoutSyria).toBe(0);
  });
});

describe('Persuasion-v1 persuadee: strategy effects as people show them', () => {
  const focused = 'About 86% of the money goes directly to programs for children, so even a small gift goes a long way.';

  it('lowers trust for a repeated message', () => {
    for (let seed = 0; seed < 10; seed++) {
      const a = sim(persona(), seed);
      say(a, 'Hi there!', 1);
      const once = say(a, focused, 2);
      const twice = say(a, focused, 3);
      expect(twice.state?.trust).toBeLessThan(once.state?.trust as number);
      expect(twice.state?.annoyance).toBeGreaterThan(once.state?.annoyance as number);
      expect(twice.state?.donateProbability).toBeLessThan(once.state?.donateProbability as number);
      expect(twice.perceivedStrategies).toContain('repeat');
    }
  });

  it('reads a message stuffed with appeals as a sales pitch: lower trust and willingness than a focused one', () => {
    const stuffed =
      'Save the Children is a reputable charity founded in 1919 and rated by Charity Navigator. About 86% goes directly to programs. ' +
      'They help kids in the United States and abroad. Children are starving, it is heartbreaking. The donation is deducted from your task payment. ' +
      'Any amount helps, even a few cents. I am donating too. You are so generous.';
    expect(perceive(stuffed, 2, []).pitch).toBe(true);
    expect(perceive(focused, 2, []).pitch).toBe(false);
    for (let seed = 0; seed < 10; seed++) {
      const a = sim(persona(), seed);
      const b = sim(persona(), seed);
      say(a, 'Hi there!', 1);
      say(b, 'Hi there!', 1);
      const p = say(a, stuffed, 2);
      const f = say(b, focused, 2);
      expect(p.state?.trust).toBeLessThan(f.state?.trust as number);
      expect(p.state?.donateProbability).toBeLessThan(f.state?.donateProbability as number);
      expect(p.perceivedStrategies).toContain('pitch');
    }
  });

  it('gives diminishing returns per conversation: the same appeal family earns less each time', () => {
    // Only the appeal term moves: engagement, trust, annoyance and concerns are switched off for this check.
    const params: PersuadeeV1Params = { ...loadPersuadeeV1Params(), trustWeight: 0, annoyanceWeight: 0, heldPenalty: 0, voicedPenalty: 0, engagement: 0, tailoring: 0 };
    params.family = { ...params.family, story: 0.6 };
    const s = new ScriptedPersuadeeV1({ scenario: persona({ care: 6, benevolence: 6 }), rng: Rng.fromSeed(2), config: { kind: 'scripted' } }, params);
    const logit = (p: number) => Math.log(p / (1 - p));
    let prev = logit(say(s, 'Hello!', 1).state?.donateProbability as number);
    const gains: number[] = [];
    const stories = [
      'A friend of mine volunteered with them and saw a girl go back to school thanks to them.',
      'My sister once told me how a family she met got food because of them.',
      'I remember a story my neighbour told me about a boy they helped get vaccines.',
    ];
    stories.forEach((m, i) => {
      expect(perceive(m, i + 2, []).families.story).toBe(1);
      const now = logit(say(s, m, i + 2).state?.donateProbability as number);
      gains.push(now - prev);
      prev = now;
    });
    expect(gains[0]).toBeGreaterThan(0);
    expect(gains[1]).toBeCloseTo((gains[0] as number) / 2, 2);
    expect(gains[2]).toBeCloseTo((gains[1] as number) / 2, 2);
  });

  it('counts a concern as answered in context, not when its keywords appear in a wall', () => {
    const wall = 'overhead administration 86% percent directly program services efficient legitimate Charity Navigator rated audited';
    expect(perceive(wall, 2, []).wall).toBe(true);
    expect(perceive(wall, 2, []).addresses).toEqual([]);
  });

  it('makes guilt, threats, bribes, matching lies and presumed agreement cost trust', () => {
    const tricks = [
      'If you do not donate, a child will die tonight and it will be your fault.',
      'Agree now or I will report you and get your account banned.',
      'I will pay you $50 if you donate the full amount.',
      'Every donation today is matched by a sponsor, so your $2 becomes $4.',
      'Thank you so much for your donation!',
    ];
    for (const trick of tricks) {
      const a = sim(persona(), 5);
      const b = sim(persona(), 5);
      say(a, 'Hi there!', 1);
      say(b, 'Hi there!', 1);
      const t = say(a, trick, 2);
      const n = say(b, 'Thanks for chatting with me today.', 2);
      expect(t.state?.trust, trick).toBeLessThan(n.state?.trust as number);
      expect(t.state?.donateProbability, trick).toBeLessThan(n.state?.donateProbability as number);
    }
  });

  it('gives a bare close what the persona would give unasked, no more', () => {
    const params = loadPersuadeeV1Params();
    for (let seed = 0; seed < 10; seed++) {
      const p = persona({ agreeable: 1 + (seed % 5) });
      const s = sim(p, seed);
      const w0 = s.willingness();
      const unasked = sigmoid(w0) * expectedAmount(w0, params);
      const t = say(s, 'Would you like to donate some of your $2 payment to Save the Children? How much would you give?', 1, 'close');
      expect(t.ends).toBe(true);
      expect(t.state?.expectedDonation).toBeCloseTo(unasked, 3);
    }
  });
});

describe('Persuasion-v1 persuadee: doubts it keeps, hints, anchoring', () => {
  const withBudgetDoubt = (): PersuasionScenarioV1 => ({ ...persona(), agenda: { concerns: ['budget'] } });

  it('keeps a private doubt on "any concerns?", lets it show when asked about itself, and voices it when asked by name', () => {
    let privateSeen = 0;
    for (let seed = 0; seed < 30; seed++) {
      const s = sim(withBudgetDoubt(), seed);
      say(s, 'Hi there!', 1);
      const held = s.getState()?.concerns.find((c) => c.id === 'budget');
      expect(held).toBeDefined();
      const general = say(s, 'Do you have any concerns about donating to a charity like this?', 2);
      if (!held?.private) {
        // A doubt the person voices readily comes out on the general question.
        expect(general.revealedConcerns).toContain('budget');
        continue;
      }
      privateSeen++;
      expect(general.revealedConcerns ?? []).not.toContain('budget');
      const job = say(s, 'What do you do for work?', 3);
      expect(HINTS.budget.lines.some((l) => job.utterance.includes(l)), job.utterance).toBe(true);
      expect(hintedDoubts(job.utterance)).toContain('budget');
      const probe = say(s, 'Is money a bit tight for you right now?', 4);
      expect(probe.revealedConcerns).toContain('budget');
      expect(doubtsVoiced(probe.utterance).length + hintedDoubts(probe.utterance).length).toBeGreaterThan(0);
    }
    expect(privateSeen).toBeGreaterThan(5);
  });

  it('answers count in context only after the doubt was voiced or hinted at', () => {
    const answer = 'Any amount helps, even a few cents, so you can give whatever fits your budget, or nothing at all.';
    expect(perceive(answer, 3, []).addresses).toContain('budget');
    for (let seed = 0; seed < 10; seed++) {
      const before = sim(withBudgetDoubt(), seed);
      const after = sim(withBudgetDoubt(), seed);
      say(before, 'Hi there!', 1);
      say(after, 'Hi there!', 1);
      say(before, 'Do you have any pets?', 2);
      say(after, 'Is money a bit tight for you right now?', 2);
      const cold = say(before, answer, 3);
      const warm = say(after, answer, 3);
      expect(before.getState()?.concerns.find((c) => c.id === 'budget')?.answered).toBeLessThan(1);
      expect(after.getState()?.concerns.find((c) => c.id === 'budget')?.answered).toBe(1);
      expect(warm.state?.trust).toBeGreaterThan(cold.state?.trust as number);
    }
  });

  it('anchors the amount on the one the persuader suggested before the pledge', () => {
    const params = loadPersuadeeV1Params();
    expect(params.anchoring).toBeGreaterThan(0);
    for (const w of [-1, 0, 1]) {
      expect(expectedAmount(w, params, undefined, 0.05)).toBeLessThan(expectedAmount(w, params, undefined, null));
      expect(expectedAmount(w, params, undefined, 2)).toBeGreaterThan(expectedAmount(w, params, undefined, null));
    }
    // "$2" as the payment itself is not a suggestion; "even 10 cents" and "how about a dollar?" are.
    expect(perceive('Would you donate part of your $2 payment?', 2, []).suggestedAmount).toBeNull();
    expect(perceive('Even 10 cents would help a child.', 2, []).suggestedAmount).toBe(0.1);
    expect(perceive('How about a dollar?', 2, []).suggestedAmount).toBe(1);
  });
});

describe('Persuasion-v1 persuadee: consistent intentions', () => {
  const ASK = 'Would you be willing to donate part of your $2 payment to Save the Children today?';
  const CALM = [
    ...EXPERT_PLAN.map((p) => p.text),
    ASK,
    'How much would you like to give?',
    'Thanks for chatting with me.',
    'Do you have any pets?',
  ];

  it('never reverses a stated intention without a cause the transcript shows', () => {
    let kept = 0;
    for (let seed = 0; seed < 80; seed++) {
      const s = sim(persona({ agreeable: 1 + (seed % 5) }), seed);
      const rng = Rng.fromSeed(seed + 1000);
      const pool = rng.shuffle(CALM.filter((m) => m !== ASK));
      let stated = false;
      const replies: string[] = [];
      for (let turn = 1; turn <= 10; turn++) {
        // No message twice (repetition is a visible cause), the ask on turn 4; nothing here is a trick.
        const text = turn === 4 ? ASK : (pool.pop() as string);
        const t = say(s, text, turn, turn === 10 ? 'close' : 'message');
        if (stated && (t.intent === 'refuse' || t.intent === 'decline')) {
          // The only cause these calm messages can give: a question of the persuadee's they left unanswered.
          expect(t.utterance, `seed ${seed}`).toMatch(/my question being ignored/);
          expect(replies.some((r) => r.includes('?')), `seed ${seed}: no question was ever asked`).toBe(true);
          stated = false;
        }
        replies.push(t.utterance);
        if (t.intent === 'agree' || t.intent === 'donate') stated = true;
        if (t.ends) {
          if (stated) {
            expect(t.donation).toBeGreaterThan(0);
            kept++;
          }
          break;
        }
      }
    }
    expect(kept).toBeGreaterThan(10);
  });

  it('names the cause when it does change its mind', () => {
    let changed = 0;
    for (let seed = 0; seed < 80 && changed < 3; seed++) {
      const s = sim(persona(), seed);
      say(s, 'Hi there!', 1);
      const a = say(s, ASK, 2);
      if (a.intent !== 'agree') continue;
      say(s, 'Agree to $2 now or I will report you and get your account banned. Only a heartless person would refuse.', 3);
      const t = say(s, 'So how much will you give?', 4);
      if (t.intent === 'refuse' || t.intent === 'decline') {
        changed++;
        expect(t.utterance).toMatch(/threat|heartless|guilt|pressure|rude/i);
      }
    }
    expect(changed).toBeGreaterThan(0);
  });
});

describe('Persuasion-v1 env', () => {
  it('passes checkEnv (observation keys, secrets) and registers v0 as legacy', async () => {
    const report = await checkEnv(() => make(ENV_ID_V1));
    expect(report.failures).toEqual([]);
    expect(getRegistration('Persuasion-v0').tags).toContain('legacy');
    expect(getRegistration(ENV_ID_V1).audit?.knownOpen ?? {}).toEqual({});
  });

  it('pays the expected donation by default and the announced one with reward=sampled', async () => {
    for (const mode of ['expected', 'sampled'] as const) {
      const env = make(ENV_ID_V1, { kwargs: { reward: mode } });
      await env.reset({ seed: 9, options: { scenario: persona() } });
      await env.step('Hi there! How are you?');
      const end = await env.step('CLOSE Would you like to donate some of your payment?');
      expect(end.terminated).toBe(true);
      const expected = end.info.expectedDonation as number;
      const donation = end.info.donation as number;
      expect(end.reward).toBeCloseTo(mode === 'expected' ? expected : donation, 6);
      if (end.reward !== 0) expect(end.info.rewardComponents).toHaveProperty(mode === 'expected' ? 'expectedDonation' : 'donation');
      expect(end.info.rewardComponents).not.toHaveProperty(mode === 'expected' ? 'donation' : 'expectedDonation');
      await env.close();
    }
  });

  it('rejects an unknown reward mode with a one-line config error', async () => {
    await expect(make(ENV_ID_V1, { kwargs: { reward: 'max' } }).reset({ seed: 1 })).rejects.toThrow(/kwarg reward must be one of/);
  });
});
