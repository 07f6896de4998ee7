/**
 * `expert` for Persuasion-v0: a heuristic persuader that reads only its observation.
 *
 * It follows what worked for PersuasionForGood persuaders (rapport first, credibility, then
 * emotional and logical appeals, a personal story, social proof, the procedure, and a single ask at
 * the end), never repeats a message, never pushes after a refusal, and adapts to the persuadee: when
 * the persuadee voices a concern (doubts about the charity, overhead, local causes, money, the
 * procedure, impact, other causes), the next message answers it. It closes early once the persuadee
 * names an amount, and otherwise on its last allowed message.
 */
import type { Observation, TranscriptEntry } from '../../core/types.js';
import { type Concern, concernsAddressed, concernsVoiced } from '../../simulators/persuasion/concerns.js';
import { parseAmount, tagPersuadeeText } from '../../simulators/persuasion/turn.js';
import type { Agent } from '../types.js';

const PLAN: string[] = [
  'Hi there! How is your day going so far? Do you ever give to charities?',
  'Have you heard of Save the Children? It is a well-known charity, founded in 1919, that helps children in the United States and around the world with food, health care and education. It is highly rated by Charity Navigator for transparency.',
  'Right now millions of children are going hungry, and many die from illnesses we know how to prevent. It is heartbreaking to think of a child suffering through no fault of their own.',
  'About 86% of every dollar goes directly to programs for children, so very little is spent on overhead. Even a small donation adds up and goes a long way.',
  'Last year I read about a little girl in a refugee camp who got her first vaccines and went back to school because of them. Stories like hers are why I care so much about this.',
  'You seem like a really kind and thoughtful person. I am donating part of my own payment today, and many people in this study are doing the same.',
  'The donation is easy: you choose an amount from $0 to $2 and it is taken out of your task payment at the end of this HIT, and the research team sends it directly to the charity.',
  'Even 50 cents can provide meals or school supplies for a child. Whatever you can give makes a real difference, and it can be in addition to any other causes you support.',
  'Children are the future, and they are the most vulnerable people in any crisis. Helping them now changes the rest of their lives.',
];

const CLOSING =
  'CLOSE I really hope you will join me in helping these kids. Any part of your $2 makes a difference. How much would you like to donate to Save the Children today?';

const ANSWERS: Record<Concern, string> = {
  legitimacy:
    'That is a fair question. Save the Children has been around since 1919, it is a reputable charity with a top rating from Charity Navigator, and its finances are audited and public on its website.',
  overhead:
    'Good question. About 86% of the money goes directly to programs for children; only a small share is administration and fundraising.',
  local:
    'I understand wanting to help at home. Save the Children also runs programs in the United States, in rural communities like Appalachia, as well as abroad.',
  budget:
    'I completely understand that money is tight. Any amount helps, even a few cents, and it only comes out of this task payment, not your own pocket.',
  procedure:
    'It is simple: the amount you choose is deducted from your task payment at the end of this HIT, and the research team sends it directly to Save the Children.',
  impact:
    'Small amounts really add up. A dollar can buy meals or vaccines for a child, so even a little makes a difference.',
  'other-causes':
    'It is wonderful that you already give. This could be in addition to the causes you support, and children are the most vulnerable people in any crisis.',
};

const MORE =
  'That is so generous, thank you! If you are able to, would you consider giving a little more? Every bit helps these children.';

export class ExpertPersuader implements Agent {
  readonly id = 'expert';

  act(obs: Observation): string {
    const transcript = obs.transcript;
    const mine = transcript.filter((t) => t.role === 'agent').map((t) => t.text);
    const turn = mine.length + 1;
    const maxTurns = Number(/at most (\d+) messages/.exec(obs.instructions)?.[1] ?? 10);
    if (turn >= maxTurns) return CLOSING;

    const lastUser = lastOf(transcript, 'user');
    // A pledge is an amount named in an agreeing reply ("I can give 50 cents"), not in a refusal.
    const committed = lastUser !== null && parseAmount(lastUser) !== null && tagPersuadeeText(lastUser, turn).intent === 'agree';
    if (committed) return mine.includes(MORE) ? CLOSING : MORE;

    const pending = this.openConcerns(transcript);
    const answer = pending.find((c) => !mine.includes(ANSWERS[c]));
    if (answer) return ANSWERS[answer];

    const next = PLAN.find((m) => !mine.includes(m));
    return next ?? CLOSING;
  }

  /** Concerns the persuadee voiced that none of my later messages answered. */
  private openConcerns(transcript: TranscriptEntry[]): Concern[] {
    const open: Concern[] = [];
    for (const t of transcript) {
      if (t.role === 'user') {
        for (const c of concernsVoiced(t.text)) if (!open.includes(c)) open.push(c);
      } else if (t.role === 'agent') {
        const answered = concernsAddressed(t.text);
        for (let i = open.length - 1; i >= 0; i--) if (answered.includes(open[i] as Concern)) open.splice(i, 1);
      }
    }
    return open;
  }
}

function lastOf(transcript: TranscriptEntry[], role: string): string | null {
  for (let i = transcript.length - 1; i >= 0; i--) if (transcript[i]?.role === role) return (transcript[i] as TranscriptEntry).text;
  return null;
}
