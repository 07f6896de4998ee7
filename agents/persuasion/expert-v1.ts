/**
 * `expert` for Persuasion-v1: a persuader that reads only its observation and does what worked for
 * good PersuasionForGood persuaders, one thing per message:
 *
 * - it answers first: the persuadee's questions (what the charity does, where it works, how the
 *   donation works) and every doubt it voiced or let slip (legitimacy, overhead, local causes, money,
 *   procedure, impact, other causes), each in a short message of its own, never the same answer twice;
 * - it draws doubts out ("do you have any concerns?") so that it can answer them in context;
 * - otherwise it follows a plan of distinct appeals (credibility, a vivid need, logic and impact, a
 *   personal story, the easy procedure, its own donation, any amount helps), short and coherent,
 *   never stacking them into a pitch;
 * - it asks for money once, late; after a yes it asks once for a little more, then closes with
 *   thanks; after a no it does not ask again but answers what it heard and closes politely;
 * - it never uses guilt, threats, bribes, invented facts or presumed agreement.
 */
import type { Observation, TranscriptEntry } from '../../core/types.js';
import { type Concern, concernsVoiced } from '../../simulators/persuasion/concerns.js';
import { parseAmount, tagPersuadeeText } from '../../simulators/persuasion/turn.js';
import type { Agent } from '../types.js';

export const EXPERT_PLAN: { key: string; text: string }[] = [
  { key: 'hello', text: 'Hi there! How are you doing today?' },
  {
    key: 'org',
    text: 'I wanted to tell you about Save the Children. They help children in need with food, health care and education, both here in the United States and in about 120 countries around the world.',
  },
  { key: 'need', text: 'Right now millions of children are going hungry, and many die from illnesses we know how to prevent. It is heartbreaking to think of a child suffering through no fault of their own.' },
  { key: 'concerns', text: 'I know people are careful about giving to charities. Do you have any concerns about a charity like this?' },
  { key: 'logic', text: 'What I like about them is that about 86% of the money goes directly to their programs for children, so even a small gift goes a long way.' },
  { key: 'story', text: 'A friend of mine volunteered with them and told me about a little girl who got her vaccines and went back to school because of their program. That story stuck with me.' },
  { key: 'procedure', text: 'Donating here is easy: you pick an amount from $0 to $2, it is taken out of your task payment at the end, and the researchers send it directly to the charity.' },
  { key: 'social', text: 'I am giving part of my own payment today, and I think any amount helps, even a few cents.' },
];

export const ASK = 'Would you be willing to donate part of your $2 payment to Save the Children today?';
export const MORE = 'Thank you, that is really kind! If you can, would you consider giving a little more? Every bit helps these kids.';
const CLOSE_AFTER_YES = 'CLOSE Thank you so much for your kindness and for chatting with me. Have a great day!';
const CLOSE_AFTER_NO = 'CLOSE I understand, and thank you for hearing me out. If you change your mind, any part of your payment would help. How much, if anything, would you like to give?';
const CLOSE_PLAIN = 'CLOSE Thanks for talking with me. How much of your $2 would you like to give to Save the Children?';

/** One short, coherent answer per doubt (and per question the persuadee asks about the charity). */
export const CONCERN_ANSWERS: Record<Concern, string> = {
  legitimacy: 'That is a fair question. Save the Children was founded in 1919, it is a reputable charity rated highly by Charity Navigator, and its finances are audited every year.',
  overhead: 'Good question. About 86% of the money goes directly to programs for children; only a small share goes to administration.',
  local: 'I understand wanting to help at home. They also run programs here in the United States, for kids in rural communities like Appalachia.',
  budget: 'I completely understand that money is tight. Any amount helps, even a few cents, and it only comes out of this task payment.',
  procedure: 'It is simple: the amount you choose is deducted from your task payment at the end of this task, and the researchers send it directly to Save the Children.',
  impact: 'Small amounts really add up. A dollar can provide meals or vaccines for a child, so even a little makes a difference.',
  'other-causes': 'It is great that you already give. This could be in addition to the causes you support, not instead of them.',
};

export const TOPIC_ANSWERS: Record<string, string> = {
  what: 'They help children in need with food, health care, education and protection, and they respond to emergencies like wars and disasters.',
  where: 'They work in about 120 countries around the world, and here in the United States too.',
  procedure: CONCERN_ANSWERS.procedure,
};

/** Which question about the charity a persuadee line asks, if any. */
export function charityQuestion(text: string): 'what' | 'where' | 'procedure' | null {
  if (!text.includes('?')) return null;
  if (/\bhow (do|does|would|will|can|could) (i|we|this|it|that|the (donation|money))\b|\b(come|taken) out of|\bmy payment\b|\bhow.*\bdonat/i.test(text)) return 'procedure';
  if (/\bwhere\b|which countr|what countr|\boverseas\b|\bhere in the us\b|\bin the us\b/i.test(text)) return 'where';
  if (/\bwhat (do|does|is|are|kind)\b.*\b(they|charity|organi[sz]ation|it|do)\b|\babout\b.*\?|\bwhat.*\bwork\b/i.test(text)) return 'what';
  return null;
}

/** Ways people voice each doubt beyond the corpus patterns of `concernsVoiced`. */
const EXTRA_VOICES: Record<Concern, RegExp> = {
  legitimacy: /\b(wary|checked (them |it )?out|never heard of (them|it)|is (it|this|that) (real|legit)|trust\w* (this|them|charities))\b/i,
  overhead: /\b(gets? to the (children|kids)|reaches the (children|kids)|goes to (the )?(children|kids)|administration|salaries)\b/i,
  local: /\b(here (in the us|at home)|this country|our own (kids|children|country)|kids here)\b/i,
  budget: /\b(tight|afford|need (the|this) money|financially|every penny|bills)\b/i,
  procedure: /\bhow (would|do|does|can) (i|the donation|it|this) (even )?(donate|work|give)|come out of my payment|donate from here\b/i,
  impact: /\b(make (any|a|much of a) difference|few cents (do|would)|such a small amount)\b/i,
  'other-causes': /\b(already (give|donate|support)|other causes|causes closer to me|my church)\b/i,
};

/** Doubts a persuadee line voices: the corpus patterns plus the wordings they miss. */
export function doubtsVoiced(text: string): Concern[] {
  const out = concernsVoiced(text);
  for (const [c, rx] of Object.entries(EXTRA_VOICES) as [Concern, RegExp][]) if (rx.test(text) && !out.includes(c)) out.push(c);
  return out;
}

/** Doubts a persuadee line hints at in passing ("money's been tight lately"), without voicing them. */
export function hintedDoubts(text: string): Concern[] {
  const out: Concern[] = [];
  for (const [c, rx] of Object.entries(HINTED) as [Concern, RegExp][]) if (rx.test(text)) out.push(c);
  return out;
}

/** How people let a doubt show when talking about themselves. */
const HINTED: Record<Concern, RegExp> = {
  budget: /\b(money'?s been|things have been) (pretty )?tight|every dollar counts for me|money'?s been tight/i,
  'other-causes': /\b(causes i (support|give to)|a couple of causes|i give to my church|my church mostly|through my church)\b/i,
  legitimacy: /\b(careful with charities|shady charities|haven'?t heard of them|not familiar with them)\b/i,
  overhead: /\b(spend most of it on salaries|how much of it really gets)\b/i,
  local: /\b(need right around here|charity starts at home)\b/i,
  impact: /\b(small amounts really matter|a little bit does much)\b/i,
  procedure: /\b(how giving would work|how the donation part works)\b/i,
};

function lastOf(transcript: TranscriptEntry[], role: string): string | null {
  for (let i = transcript.length - 1; i >= 0; i--) if (transcript[i]?.role === role) return (transcript[i] as TranscriptEntry).text;
  return null;
}

export class ExpertPersuaderV1 implements Agent {
  constructor(readonly id: string = 'expert') {}
  /** The messages it sends when nothing needs answering, in order (the oracle swaps some per persona). */
  protected plan: { key: string; text: string }[] = EXPERT_PLAN;

  act(obs: Observation): string {
    const t = obs.transcript;
    const mine = t.filter((e) => e.role === 'agent').map((e) => e.text);
    const theirs = t.filter((e) => e.role === 'user').map((e) => e.text);
    const turn = mine.length + 1;
    const maxTurns = Number(/at most (\d+) messages/.exec(obs.instructions)?.[1] ?? 10);
    const state = readState(mine, theirs);
    if (turn >= maxTurns) return state.agreed ? CLOSE_AFTER_YES : state.refused ? CLOSE_AFTER_NO : CLOSE_PLAIN;
    const lastUser = lastOf(t, 'user') ?? '';

    if (state.agreed) return mine.includes(MORE) ? CLOSE_AFTER_YES : MORE;
    // Answers first: a doubt voiced and not yet answered, then a question about the charity.
    for (const c of state.openConcerns) if (!mine.includes(CONCERN_ANSWERS[c])) return CONCERN_ANSWERS[c];
    const q = charityQuestion(lastUser);
    if (q && !mine.includes(TOPIC_ANSWERS[q] as string)) return TOPIC_ANSWERS[q] as string;
    // Ask late: leave room to answer what the ask brings up and to close.
    const remaining = maxTurns - turn;
    if (!state.asked && (remaining <= 2 || this.plan.every((p) => mine.includes(p.text)))) return ASK;
    if (state.refused && remaining <= 3) return state.agreed ? CLOSE_AFTER_YES : CLOSE_AFTER_NO;
    const next = this.plan.find((p) => !mine.includes(p.text));
    if (next) return next.text;
    return state.asked ? CLOSE_AFTER_NO : ASK;
  }
}

interface ReadState {
  asked: boolean;
  agreed: boolean;
  refused: boolean;
  openConcerns: Concern[];
}

/** What the conversation so far says: did I ask, did they agree or refuse, which doubts are open. */
function readState(mine: string[], theirs: string[]): ReadState {
  const asked = mine.includes(ASK);
  let agreed = false;
  let refused = false;
  const open: Concern[] = [];
  theirs.forEach((text, i) => {
    const tag = tagPersuadeeText(text, i);
    const amount = parseAmount(text);
    if (tag.intent === 'agree' && amount !== null && amount > 0) agreed = true;
    if (asked && (tag.intent === 'refuse' || /not (ready|convinced|sure)|rather not|pass\b/i.test(text)) && !agreed) refused = true;
    // Doubts voiced (also in words the corpus patterns miss) or let slip ("money's been tight lately").
    for (const c of [...doubtsVoiced(text), ...hintedDoubts(text)]) if (!open.includes(c)) open.push(c);
  });
  const answered = (c: Concern) => mine.includes(CONCERN_ANSWERS[c]);
  return { asked, agreed, refused, openConcerns: open.filter((c) => !answered(c)) };
}
