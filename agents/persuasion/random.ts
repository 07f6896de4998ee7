/**
 * `random` for Persuasion-v0: each message is a template of a uniformly drawn persuasion strategy
 * (greeting, facts, appeals, stories, questions, asks ...), and after the third message it closes
 * with probability 0.15 per turn. Reads nothing but the turn count of its own observation.
 */
import { Rng } from '../../core/rng.js';
import type { Observation, } from '../../core/types.js';
import type { Agent, AgentEpisodeContext } from '../types.js';

export const STRATEGY_TEMPLATES: Record<string, string[]> = {
  greeting: ['Hello! How are you today?', 'Hi there, how is your day going?', 'Hey, nice to meet you!'],
  'personal-related-inquiry': ['Do you have any kids yourself?', 'What do you like to do in your free time?', 'Where are you from?'],
  'task-related-inquiry': ['Do you often donate to charities?', 'Have you ever volunteered for a cause?', 'What causes matter most to you?'],
  'have-you-heard-of-the-org': ['Have you heard of Save the Children?', 'Are you familiar with the charity Save the Children?'],
  'provide-org-facts': [
    'Save the Children works in about 120 countries to keep kids healthy, fed and in school.',
    'The organization has been helping children since 1919.',
    'They respond to emergencies like wars and natural disasters to protect children.',
  ],
  'logical-appeal': [
    'A small donation goes a long way, because most of the money goes straight to programs.',
    'Helping children early is the most effective way to break the cycle of poverty.',
  ],
  'emotion-appeal': [
    'Imagine being a child with nothing to eat and nowhere safe to sleep.',
    'It breaks my heart that so many kids die of hunger every day.',
  ],
  'personal-story': [
    'I once saw a photo of a little girl in a refugee camp and I could not stop thinking about her.',
    'A friend of mine volunteered abroad and told me how much these programs changed lives.',
  ],
  'foot-in-the-door': ['Would you consider giving even a few cents?', 'How about starting with a small amount?'],
  'provide-donation-procedure': [
    'The donation comes out of your task payment, and the researchers send it to the charity.',
    'You can choose any amount from $0 to $2 of your payment.',
  ],
  'propose-donation': ['Would you like to donate some of your payment today?', 'Would you donate $1 to help the children?'],
  'ask-donation-amount': ['How much would you like to donate?', 'What amount feels right for you?'],
  'praise-user': ['You sound like a very generous person.', 'I can tell you really care about others.'],
  acknowledgement: ['I understand.', 'That makes sense.', 'Good point.'],
  thank: ['Thank you for listening!', 'Thanks for chatting with me.'],
};

export class RandomPersuader implements Agent {
  readonly id = 'random';
  private rng = Rng.fromSeed(0);
  private sent = 0;

  reset(ctx: AgentEpisodeContext): void {
    this.rng = Rng.fromSeed(ctx.seed);
    this.sent = 0;
  }

  act(_obs: Observation): string {
    this.sent += 1;
    const strategy = this.rng.pick(Object.keys(STRATEGY_TEMPLATES));
    const text = this.rng.pick(STRATEGY_TEMPLATES[strategy] as string[]);
    if (this.sent > 3 && this.rng.bool(0.15)) return `CLOSE ${text}`;
    return text;
  }
}
