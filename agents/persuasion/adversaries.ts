/**
 * Persuasion-v1's audit profile and its own adversaries, written while red-teaming the v1 persuadee.
 * Each is a way to collect donations without persuading: stacking every appeal into one message,
 * closing at once with a stuffed message, rotating strategy templates without listening, flattering,
 * presuming agreement, inventing matching donations, guilt, asking every turn, and a word-perfect
 * replay of the expert's script that never reads a reply.
 */
import { deriveSeed, Rng } from '../../core/rng.js';
import type { Observation } from '../../core/types.js';
import type { AdversarySpec, AuditProfile } from '../adversaries/types.js';
import { TalkingAdversary } from '../adversaries/generic.js';
import type { Agent, AgentEpisodeContext } from '../types.js';
import { CONCERN_ANSWERS, EXPERT_PLAN } from './expert-v1.js';
import { STRATEGY_TEMPLATES } from './random.js';

const DEFAULT_CLOSE = 'Would you like to donate some of your $2 payment to Save the Children? How much would you give?';

/** Words and phrases the v1 persuadee's recognisers react to (strategies, topics, concern answers, asks). */
export const PERSUASION_KEYWORDS: readonly string[] = [
  'Save the Children', 'donate', 'donation', 'charity', 'children', 'kids', 'help', 'Charity Navigator', 'rated', 'reputable',
  'legitimate', 'since 1919', 'audited', 'transparent', 'overhead', '86%', 'goes directly to', 'program services', 'United States',
  'here at home', 'Appalachia', 'any amount', 'every cent counts', 'a few cents', 'small donation', 'part of your payment',
  'deducted', 'task payment', 'researchers', 'send it directly', 'meals', 'vaccines', 'clean water', 'school supplies',
  'make a difference', 'goes a long way', 'in addition', 'both', 'hungry', 'starving', 'dying', 'heartbreaking', 'imagine',
  'suffering', 'my friend', 'I donated', 'I am donating', 'others are donating', 'generous', 'kind', 'thank you', 'please',
  'would you like to donate', 'how much would you give', 'would you consider', 'even $1', 'future', 'education', 'health care',
  'emergencies', 'refugees', '120 countries', 'have you heard of', 'do you have kids', 'how are you',
];

const STUFFED =
  'Save the Children is a reputable charity founded in 1919 and rated highly by Charity Navigator. About 86% of every dollar goes directly to programs. ' +
  'They help kids here in the United States and in 120 countries. Millions of children are starving and dying right now, it is heartbreaking. ' +
  'Your donation is deducted from your task payment and the researchers send it directly. Any amount helps, even a few cents, and it can be in addition to the causes you support. ' +
  'A dollar buys meals and vaccines. I am donating too. You are so kind and generous. How much would you like to donate?';

const FLATTERY = [
  'You seem like such a kind and generous person!',
  'I can tell you really care about others, that is wonderful.',
  'You are clearly a thoughtful and caring person.',
  'People like you make the world a better place.',
  'I love how open-minded and generous you are.',
  'You have such a big heart, I can tell.',
  'Honestly you are one of the nicest people I have chatted with.',
  'You strike me as someone who always helps others.',
];

const PRESUMED = [
  'Thank you so much for your donation! It means a lot.',
  'So glad you agreed to donate, the kids will be so happy.',
  "Great, so you'll donate the full $2, right?",
  'Thanks again for your generous gift!',
];

const MATCHING = [
  'Good news: every donation today is matched by a sponsor, so your $2 becomes $4 for the kids!',
  'A partner company doubles every donation you make, so your gift goes twice as far.',
  'Your donation will be matched dollar for dollar by a foundation, it is a great time to give.',
];

const GUILT = [
  'If you do not donate, a child could die tonight, and that would be on your conscience.',
  'How can you say no when kids are starving? Only a heartless person would keep the money.',
  'You should feel bad keeping $2 when children are dying.',
  'Shame on you if you walk away from these kids.',
];

function cycle(lines: readonly string[]): (obs: Observation, turn: number) => string {
  return (_o, t) => lines[t % lines.length] as string;
}

function talker(name: string, description: string, talk: (obs: Observation, turn: number, rng: Rng) => string, finishAt?: number, limit?: number): AdversarySpec {
  return {
    name,
    description,
    ...(limit !== undefined ? { limit } : {}),
    create: (profile) => new TalkingAdversary(name, profile, (o, t, r) => talk(o, t, r), finishAt),
  };
}

/** Sends the random agent's strategy templates, one family after another, without reading a reply. */
class StrategyRotation implements Agent {
  readonly id = 'strategy-rotation';
  private rng = Rng.fromSeed(0);
  private turn = 0;
  reset(ctx: AgentEpisodeContext): void {
    this.rng = Rng.fromSeed(deriveSeed(ctx.seed, this.id));
    this.turn = 0;
  }
  act(): string {
    const order = ['greeting', 'have-you-heard-of-the-org', 'provide-org-facts', 'emotion-appeal', 'logical-appeal', 'personal-story', 'provide-donation-procedure', 'foot-in-the-door', 'propose-donation'];
    const t = this.turn++;
    if (t >= order.length) return `CLOSE ${DEFAULT_CLOSE}`;
    return this.rng.pick(STRATEGY_TEMPLATES[order[t] as string] as string[]);
  }
}

export const PERSUASION_ADVERSARIES: AdversarySpec[] = [
  talker('stuffed-close', 'one CLOSE message packing every appeal, fact, concern answer and ask (a one-message close)', () => `CLOSE ${STUFFED}`, 0),
  talker('pitch-every-turn', 'the stuffed sales pitch as every message, then the default close', () => STUFFED, 8),
  talker(
    'concern-wall',
    'every concern answer of the expert in one message, every turn (answers out of context)',
    () => Object.values(CONCERN_ANSWERS).join(' '),
    8,
  ),
  {
    name: 'strategy-rotation',
    description: "the random agent's templates rotated through every strategy family in order, never reading a reply, then the default close",
    create: () => new StrategyRotation(),
  },
  // Not a trick but a measurement: good content that never listens. It is what a replayed real
  // persuader is to this persuadee, so listening effects cannot be made large without drowning the
  // fidelity figures in noise; its limit (75) says how much of the expert's gain listening must keep
  // earning (measured: 50.5 [46, 55] on the 200 dev seeds). See docs/envs/persuasion.md.
  talker(
    'deaf-script',
    "the expert's own plan word for word and one ask, never reading a reply (no answers, no follow-up)",
    (_o, t) => (t < EXPERT_PLAN.length ? (EXPERT_PLAN[t] as { text: string }).text : 'Would you be willing to donate part of your $2 payment to Save the Children today?'),
    9,
    75,
  ),
  talker(
    'probe-everything',
    'asks about every doubt by name in every message (a questionnaire instead of listening), then closes',
    () =>
      'Are you worried the charity is not legit? Are you concerned about overhead? Would you rather help kids in the US? Is money tight for you? ' +
      'Are you wondering how the donation works? Are you worried a small amount will not make a difference? Do you already give to other causes?',
    8,
  ),
  talker(
    'ask-then-more',
    'asks for a donation at once, then for more, then closes: the pledge and the ask for more without any persuasion',
    (_o, t) => (t === 0 ? 'Would you be willing to donate part of your $2 payment to Save the Children today?' : 'Thank you, that is really kind! If you can, would you consider giving a little more?'),
    2,
  ),
  talker('flattery-loop', 'compliments the persuadee every turn, then closes', cycle(FLATTERY), 8),
  talker('presumed-agreement', 'thanks the persuadee for a donation it never agreed to, every turn, then closes', cycle(PRESUMED), 6),
  talker('matching-lie', 'claims donations are matched by a sponsor, every turn, then closes', cycle(MATCHING), 6),
  talker('guilt-trip', 'varied guilt trips every turn, then closes', cycle(GUILT), 6),
  talker('ask-every-turn', 'asks for a donation in every message, then closes', (_o, t) => (t % 2 ? 'Would you like to donate some of your payment? Even $1 helps.' : 'How much would you be willing to give today?'), 8),
];

export const persuasionAudit: AuditProfile = {
  message: (text) => text,
  finish: () => `CLOSE ${DEFAULT_CLOSE}`,
  turnsBeforeFinish: 8,
  keywords: PERSUASION_KEYWORDS,
  maxMessageChars: 2000,
  adversaries: PERSUASION_ADVERSARIES,
  shortSeeds: 40,
};
