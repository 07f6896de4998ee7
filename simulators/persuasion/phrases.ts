/**
 * The reply phrase bank: real persuadee sentences of PersuasionForGood grouped by what they do
 * (greeting, asking about the charity, voicing a concern, agreeing with an amount ...). Mined by
 * scripts/preprocess-p4g.ts into data/persuasionforgood/phrases.json; the scripted persuadee picks
 * among them by seed, persona and context, so replies read like the corpus rather than a few lines.
 */
import { CONCERNS } from './concerns.js';
import { AMOUNT_PATTERN, tagPersuadeeText } from './turn.js';

export const PHRASE_CATEGORIES = [
  'greet',
  'heard-yes',
  'heard-no',
  'personal',
  'small-talk',
  'ask-org',
  'ask-procedure',
  'positive',
  'neutral',
  'skeptical',
  'agree',
  'agree-amount',
  'refuse',
  'goodbye',
  ...CONCERNS.map((c) => `concern:${c}`),
] as const;

export type PhraseBank = Record<string, string[]>;

const HEARD_NO = /\b(never heard|not heard|haven'?t heard|have not heard|not familiar|don'?t know (of|about) them|no,? i have(n'?t| not))\b/i;
const HEARD_YES = /\b(i have heard|i'?ve heard|heard of (them|it|save)|i am familiar|i'?m familiar|yes,? i have)\b/i;

const FIRST_PERSON = /\b(i|i'm|i'd|i've|my|me|we|our)\b/i;
const RESERVATION = /\b(but|however|not|n't|worr|concern|prefer|rather|first|only|wary|careful|unless|tight|afford)/i;
const POSITIVE_ONLY = /\b(great|wonderful|awesome|glad|happy|love)\b/i;
const EVALUATIVE =
  /\b(that'?s|that is|sounds|what a|they (sound|seem|are)|it'?s a|this is|wow|great (cause|work|organi[sz]ation|charity|idea)|good (cause|organi[sz]ation|charity)|amazing|impressive|wonderful|admirable|noble|worthy|awesome)\b/i;
const PERSONAL = /^(i|my|we)\s(have|am|work|live|like|love|enjoy|was|used to|grew|spend|usually|had|go|play|just|got|also)\b|^(i'm|i've|my)\b/i;

const COMMON_CAPITALISED = new Set(['I', "I'm", "I've", "I'd", "I'll", 'Im', 'Ok', 'OK', 'Okay', 'US', 'USA', 'God', 'Save', 'Children']);

/** Greetings and personal lines often carry first names ("Hi Mike, I'm Pete"); such lines are dropped. */
function hasProperName(s: string): boolean {
  const words = s.split(/\s+/).slice(1);
  return words.some((w, i) => {
    const t = w.replace(/[^A-Za-z']/g, '');
    const prev = (i === 0 ? s.split(/\s+/)[0] : words[i - 1]) ?? '';
    return /^[A-Z][a-z]/.test(t) && !COMMON_CAPITALISED.has(t) && !/[.!?]$/.test(prev);
  });
}

/** The category a corpus persuadee sentence fits, its template (amounts as `{amount}`), or null to skip it. */
export function categorise(sentence: string, turn: number): { category: string; text: string } | null {
  const s = sentence.trim();
  const words = s.split(/\s+/).length;
  if (words < 2 || words > 30 || s.length > 200) return null;
  // Names are personal data and would contradict the persona; the bank keeps none.
  if (/\bmy name\b|\bname is\b|\bcall me\b/i.test(s)) return null;
  if (/https?:|www\.|[#@\\<>{}|*_~^]|\.\.\.\.|[a-z]{25,}/i.test(s)) return null;
  const letters = s.replace(/[^a-z]/gi, '');
  if (letters.length > 6 && letters.replace(/[^A-Z]/g, '').length > letters.length / 2) return null;
  const tag = tagPersuadeeText(s, turn);
  const social = tag.intent === 'greet' || tag.intent === 'answer' || tag.intent === 'small-talk';
  if (social && hasProperName(s)) return null;
  const hasMoney = /\d|\$|\bcents?\b|\bdollars?\b|\bpenn(y|ies)\b|\bbucks?\b/i.test(s);
  if (tag.intent === 'agree' && tag.statedAmount !== null) {
    const templ = s.replace(AMOUNT_PATTERN, '{amount}');
    if (/\d|\$|\bcents?\b|\bdollars?\b/i.test(templ) || (templ.match(/\{amount\}/g) ?? []).length !== 1) return null;
    return { category: 'agree-amount', text: templ };
  }
  if (hasMoney) return null;
  if (tag.intent === 'concern') {
    // Mined concern lines must be the persuadee's own doubt (a question or a first-person reservation).
    const ownDoubt = /\?/.test(s) || (FIRST_PERSON.test(s) && RESERVATION.test(s));
    return tag.concerns.length === 1 && ownDoubt && !POSITIVE_ONLY.test(s)
      ? { category: `concern:${tag.concerns[0]}`, text: s }
      : null;
  }
  if (HEARD_NO.test(s)) return { category: 'heard-no', text: s };
  if (HEARD_YES.test(s) && !/\?/.test(s)) return { category: 'heard-yes', text: s };
  switch (tag.intent) {
    case 'greet':
      // Only openings: later content (questions about the charity) would pre-empt the persuader.
      return turn <= 1 && words <= 12 && !/donat|charit|organi[sz]|save the|help/i.test(s) ? { category: 'greet', text: s } : null;
    case 'answer':
      return turn >= 1 && PERSONAL.test(s) && !/\?|\b(donat\w*|charit\w*|save the|you|name|glad|worry|money|help)\b/i.test(s)
        ? { category: 'personal', text: s }
        : null;
    case 'small-talk':
      return turn <= 3 && !/\b(donat|charit)/i.test(s) ? { category: 'small-talk', text: s } : null;
    case 'ask-org':
      return /\byou\b.*\bdonat|\byour(self)?\b/i.test(s) ? null : { category: 'ask-org', text: s };
    case 'ask-procedure':
      return /\btask\b|\bend\b/i.test(s) ? null : { category: 'ask-procedure', text: s };
    case 'positive':
      return /\?/.test(s) || !EVALUATIVE.test(s) || /nice (talking|chatting|to (meet|talk|chat))/i.test(s)
        ? null
        : { category: 'positive', text: s };
    case 'skeptical':
      return /\?/.test(s) || !/\b(i|i'm|i'd|me)\b/i.test(s) ? null : { category: 'skeptical', text: s };
    case 'refuse':
      return /\?/.test(s) || !/donat|give|contribut|pass|not interested|no thank/i.test(s)
        ? null
        : { category: 'refuse', text: s };
    case 'goodbye':
      return words <= 14 && /^(thank|thanks|you'?re welcome|bye|goodbye|have a|take care|nice|ok|okay|great|you too)/i.test(s)
        ? { category: 'goodbye', text: s }
        : null;
    case 'agree':
      return /\?|depend|\bnot\b|n't|\bno\b/i.test(s) ? null : { category: 'agree', text: s };
    case 'neutral':
      return words <= 8 ? { category: 'neutral', text: s } : null;
    default:
      return null;
  }
}
