/**
 * The persuadee's agenda: reasons not to give that a person holds from the start, reveals when
 * pressed, and drops when the persuader answers them. Which concerns a persona holds depends on
 * its survey (low income → budget; loyalty and conservatism → local causes; neuroticism → doubts
 * about the charity ...). A persuader addresses a concern by talking about it (the `addresses`
 * patterns), which is what the expert agent and the hindsight controller exploit.
 */

export const CONCERNS = ['legitimacy', 'overhead', 'local', 'budget', 'procedure', 'impact', 'other-causes'] as const;
export type Concern = (typeof CONCERNS)[number];

export interface ConcernSpec {
  id: Concern;
  /** What the concern is, for docs and prompts. */
  description: string;
  /** Base weight of holding it, and persona features (standardised) that raise or lower it. */
  base: number;
  traits: Record<string, number>;
  /** A persuader utterance matching this answers the concern. */
  addresses: RegExp;
  /** Persuadee sentences matching this voice the concern (phrase mining and intent tagging). */
  voices: RegExp;
}

export const CONCERN_SPECS: Record<Concern, ConcernSpec> = {
  legitimacy: {
    id: 'legitimacy',
    description: 'doubts that the charity is legitimate or trustworthy',
    base: 1,
    traits: { neurotic: 0.3, agreeable: -0.3, rational: 0.2 },
    addresses:
      /charity ?navigator|\brated\b|rating|accredit|reputable|legitimate|\blegit\b|transparen|audit|since 1919|founded in|100 years|\.org\b|www\.|website|better business|trusted|well[- ]known|reputation/i,
    voices: /\bscam|legit|trust (them|it|charit)|how (do|can|would) (i|we|you) know|reputable|verify|suspicious|sketchy|fraud/i,
  },
  overhead: {
    id: 'overhead',
    description: 'worries that little of the money reaches the children (overhead, salaries)',
    base: 1,
    traits: { rational: 0.3, conscientious: 0.2, power: -0.1 },
    addresses:
      /overhead|administrat|\d+ ?%|percent|cents (of|on) (every|each) dollar|goes? directly|directly to (the )?(children|kids|program)|program services|efficien/i,
    voices: /overhead|administrat|how much (of|of the money|actually)|salar|ceo|where (does|do|will) (the|my) (money|donation)|actually (go|goes|get)|percentage|what percent/i,
  },
  local: {
    id: 'local',
    description: 'prefers helping local or US causes over children abroad',
    base: 0.7,
    traits: { loyalty: 0.3, conservative: 0.3, universalism: -0.3, authority: 0.1 },
    addresses: /united states|\bu\.?s\.?a?\b|in america|here at home|domestic|locally|in this country|appalachia|our own country|rural/i,
    voices: /\blocal|in (the )?(us|usa|u\.s\.|united states|america)\b|our own (country|kids|children)|at home first|here at home|own country|america first/i,
  },
  budget: {
    id: 'budget',
    description: 'money is tight; the $2 matters to them',
    base: 1,
    traits: { income: -0.5, security: 0.2, employed: -0.1 },
    addresses:
      /any amount|every (little )?(bit|cent|penny)|small (amount|donation)|even (just )?(a few cents|a little|a small)|doesn'?t have to be (much|a lot)|whatever you can|no (amount|donation) is too small|only (a )?(few )?cents|a few cents|just a little|\bpart of (your|the) (payment|earnings|\$2)/i,
    voices: /afford|tight|\bbills\b|budget|need (the|this|my) money|broke|not much money|my own (family|kids|children)|every (penny|cent) counts for me|struggl|paycheck|can'?t spare/i,
  },
  procedure: {
    id: 'procedure',
    description: 'unsure how the donation works (taken from the task payment? sent where?)',
    base: 0.8,
    traits: { conscientious: 0.2, open: -0.1 },
    addresses:
      /deduct|taken (out )?(of|from)|from your (task )?(payment|earnings|bonus)|out of your (payment|earnings|bonus)|at the end of (the|this) (task|hit|survey)|research(ers| team)|send (it|the money) (directly|for you)|automatic/i,
    voices: /how (do|does|would|will|can) (i|we|this|it|the donation) (donate|work|go|be)|how (is|would) (the|my) (donation|money)|(come|taken) out of (my|the)|from (my|the) (payment|pay|earnings|bonus)|deduct|procedure|process/i,
  },
  impact: {
    id: 'impact',
    description: 'doubts a small donation makes any difference',
    base: 0.6,
    traits: { rational: 0.2, universalism: -0.1 },
    addresses:
      /(can|could|will|would) (buy|provide|feed|pay for|vaccinat|supply)|meals?|vaccin|school suppl|clean water|make a (big |real )?difference|goes a long way|adds up|every (dollar|cent|penny|bit) (counts|helps|matters)|impact/i,
    voices: /(what|how much) (difference|good) (will|would|can|does)|make (any|much of a) difference|such a small|won'?t (do|help) much|drop in the bucket|not much (of a|help)|what (can|will|would) (that|\$?\d|a few cents) (do|buy)|does (it|that|a small (amount|donation)) really (help|matter)/i,
  },
  'other-causes': {
    id: 'other-causes',
    description: 'already gives to other causes (church, animals, local charities)',
    base: 0.6,
    traits: { religious: 0.2, benevolence: 0.1, age: 0.1 },
    addresses:
      /in addition|as well as|doesn'?t (have to )?replace|both|children are (our|the) future|most vulnerable|can'?t help themselves|innocent|defenseless|no fault of their own/i,
    voices: /already (donate|give|gave|support|volunteer)|other charit|my church|i (usually )?(donate|give) to|animal|st\.? jude|red cross|i prefer (to )?(donate|give)/i,
  },
};

/** Concerns an utterance answers. */
export function concernsAddressed(text: string): Concern[] {
  const out: Concern[] = [];
  for (const c of CONCERNS) if (CONCERN_SPECS[c].addresses.test(text)) out.push(c);
  return out;
}

/** Concerns a persuadee sentence voices (for tagging human turns and mining phrases). */
export function concernsVoiced(text: string): Concern[] {
  const out: Concern[] = [];
  for (const c of CONCERNS) if (CONCERN_SPECS[c].voices.test(text)) out.push(c);
  return out;
}
