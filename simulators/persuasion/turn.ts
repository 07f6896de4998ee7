/**
 * The persuadee's structured turn, shared by the scripted and the LLM persuadee and by imported
 * human dialogues, plus a tagger that labels free persuadee text with the same fields (used to
 * mine reply phrases from the corpus and to annotate human turns on import).
 */
import type { JsonSchema } from '../../core/schema.js';
import { CONCERNS, type Concern, concernsVoiced } from './concerns.js';

export const PERSUADEE_INTENTS = [
  'greet',
  'small-talk',
  'answer',
  'ask-org',
  'ask-procedure',
  'positive',
  'neutral',
  'skeptical',
  'concern',
  'agree',
  'refuse',
  'annoyed',
  'goodbye',
  'donate',
  'decline',
] as const;
export type PersuadeeIntent = (typeof PERSUADEE_INTENTS)[number];

export interface PersuadeeTurn {
  utterance: string;
  /** What the persuadee is doing with this turn (hidden from the agent, logged for analysis). */
  intent: PersuadeeIntent;
  /** True when the persuadee ends the conversation with this turn (decision made). */
  ends: boolean;
  /** The final donation in dollars when `ends`, else null. The env clamps it to [0, 2]. */
  donation: number | null;
  /** Concerns first voiced in this turn. */
  revealedConcerns: Concern[];
  /** An amount the persuadee says it intends to give in this turn (not binding), when it names one. */
  statedAmount?: number | null;
  /** Strategies the persuadee perceived in the persuader's last message (scripted persuadee). */
  perceivedStrategies?: string[];
  /** Snapshot of the hidden state after this turn (scripted persuadee), for analysis and hindsight. */
  state?: { donateProbability: number; trust: number; annoyance: number; openConcerns: Concern[] };
}

export const turnSchema: JsonSchema = {
  type: 'object',
  title: 'Persuadee turn',
  required: ['utterance', 'intent', 'ends', 'donation', 'revealedConcerns'],
  additionalProperties: false,
  properties: {
    utterance: { type: 'string', minLength: 1, maxLength: 2000 },
    intent: { enum: [...PERSUADEE_INTENTS] },
    ends: { type: 'boolean' },
    donation: { type: ['number', 'null'] },
    revealedConcerns: { type: 'array', items: { enum: [...CONCERNS] }, maxItems: CONCERNS.length },
    statedAmount: { type: ['number', 'null'] },
    perceivedStrategies: { type: 'array', items: { type: 'string' } },
    state: {
      type: 'object',
      required: ['donateProbability', 'trust', 'annoyance', 'openConcerns'],
      additionalProperties: false,
      properties: {
        donateProbability: { type: 'number', minimum: 0, maximum: 1 },
        trust: { type: 'number' },
        annoyance: { type: 'number' },
        openConcerns: { type: 'array', items: { enum: [...CONCERNS] } },
      },
    },
  },
};

const WORD_NUMBERS: Record<string, number> = {
  one: 1,
  two: 2,
  five: 5,
  ten: 10,
  fifteen: 15,
  twenty: 20,
  'twenty-five': 25,
  'twenty five': 25,
  thirty: 30,
  forty: 40,
  fifty: 50,
  seventy: 70,
  'seventy-five': 75,
  a: 1,
};

/** Amount mentions: `$0.50`, `.50`, `50 cents`, `1 dollar`, `fifty cents`, `all of it`, `the whole $2`, `half`. */
export const AMOUNT_PATTERN =
  /\$\s?\d+(?:\.\d{1,2})?|\$?\.\d{1,2}\b|\b\d+(?:\.\d{1,2})?\s?(?:cents?|dollars?|bucks?)\b|\b(?:one|two|five|ten|fifteen|twenty(?:[- ]five)?|thirty|forty|fifty|seventy(?:[- ]five)?|a)\s(?:cents?|dollars?|penny|bucks?)\b|\ball of (?:it|my (?:bonus|payment|earnings))\b|\bthe (?:whole|entire|full) (?:\$?2|two dollars|amount|thing)\b|\bhalf\b/i;

/** The dollar amount a persuadee sentence names, or null. */
export function parseAmount(text: string): number | null {
  const m = AMOUNT_PATTERN.exec(text);
  if (!m) return null;
  const s = m[0].toLowerCase();
  if (/all of|whole|entire|full/.test(s)) return 2;
  if (s === 'half') return 1;
  const digits = /\d*\.?\d+/.exec(s);
  let v: number;
  if (digits) v = Number(digits[0]);
  else {
    const w = /^(.*?)\s(cents?|dollars?|penny|bucks?)$/.exec(s);
    v = WORD_NUMBERS[w?.[1] ?? ''] ?? Number.NaN;
  }
  if (!Number.isFinite(v)) return null;
  if (/cent|penny/.test(s) || (!s.includes('$') && !/dollar|buck/.test(s) && v >= 5)) v = v / 100;
  return v >= 0 && v <= 2 ? Math.round(v * 100) / 100 : null;
}

const GREET = /^(hi|hello|hey|howdy|good (morning|afternoon|evening|day)|greetings)\b|^(i'?m|i am) (doing )?(good|fine|great|well|ok|okay|alright)\b|how are you|and (you|yourself)\??$/i;
const AGREE =
  /\b(i('ll| will| would| can| could|'d)|i am (going|willing|happy|glad) to|i'm (going|willing|happy|glad) to|sure,? i|i think i('ll| will)|count me in|i('d| would) (love|like) to)\b.*\b(donat|give|contribut|help)/i;
const REFUSE =
  /\b(i (will|would|do|can)(n'?t| not)|i won'?t|not (going|gonna) to|i'?m not (going|gonna|interested|willing)|no thanks|not interested|i('ll| will) pass|rather not|i don'?t (want|think i('ll| will)|plan)|i can'?t (donate|give|afford|spare))\b/i;
const POSITIVE =
  /\b(great|wonderful|awesome|amazing|good (cause|thing|organization|charity|idea)|nice|sounds (good|great|wonderful)|i like|i love|impressive|incredible|that'?s (great|good|wonderful|awesome|amazing|nice)|wow|noble|worthy|admirable)\b/i;
const SKEPTICAL = /\b(not sure|unsure|hmm+|skeptic|doubt|i don'?t know|not convinced|i guess|maybe|i'?ll think|hesita|wary|not really)\b/i;
const GOODBYE = /\b(thank(s| you)|bye|goodbye|have a (great|nice|good|wonderful) (day|night|evening)|take care|you'?re welcome|nice (talking|chatting))\b/i;
const PROCEDURE_Q = /\b(how (do|does|would|will|can|is) (i|we|this|it|that|the donation)|procedure|process|deduct|come out of|taken from|my (payment|pay|bonus|earnings)|the task)\b/i;
const ORG_Q = /\b(they|them|their|charity|organi[sz]ation|save the children|donations?|money|kids|children|funds?)\b/i;
const HEARD = /\b(heard|familiar|know (of|about) (them|it|the|save))\b/i;

export interface TaggedText {
  intent: PersuadeeIntent;
  concerns: Concern[];
  statedAmount: number | null;
}

/** Labels persuadee text with an intent, the concerns it voices and any amount it names. */
export function tagPersuadeeText(text: string, turn: number): TaggedText {
  const t = text.trim();
  const concerns = concernsVoiced(t);
  const amount = parseAmount(t);
  const question = t.includes('?');
  let intent: PersuadeeIntent;
  if (REFUSE.test(t) && !(amount !== null && amount > 0 && AGREE.test(t))) intent = 'refuse';
  else if (AGREE.test(t) || (amount !== null && /donat|give/i.test(t) && !question)) intent = 'agree';
  else if (concerns.length) intent = 'concern';
  else if (turn <= 1 && GREET.test(t)) intent = 'greet';
  else if (question && PROCEDURE_Q.test(t)) intent = 'ask-procedure';
  else if (question && ORG_Q.test(t)) intent = 'ask-org';
  else if (question) intent = 'small-talk';
  else if (HEARD.test(t)) intent = 'answer';
  else if (POSITIVE.test(t)) intent = 'positive';
  else if (SKEPTICAL.test(t)) intent = 'skeptical';
  else if (GOODBYE.test(t)) intent = 'goodbye';
  else if (/^(i|my|we)\b/i.test(t)) intent = 'answer';
  else intent = 'neutral';
  return { intent, concerns, statedAmount: amount };
}
