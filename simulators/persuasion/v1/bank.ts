/**
 * The Persuasion-v1 reply bank: real persuadee sentences of PersuasionForGood (fit split) by what
 * they do, each with the rare content words it relies on (built by
 * scripts/build-persuasion-v1-bank.ts into data/persuasionforgood/reply-bank-v1.json). A line is
 * usable only once the persuader has said every one of its grounding stems, so corpus wording never
 * refers to something nobody mentioned.
 */
import { loadDataJson } from '../../../core/data.js';

export interface BankLine {
  text: string;
  need: string[];
}
export type ReplyBank = Record<string, BankLine[]>;

export const STOP_WORDS = new Set(
  (
    'about above after again against also because been before being below between both could does doing down during each ' +
    'from further have having here into just more most much only other over same should some such than that that\'s their theirs ' +
    'them then there these they this those through under until very what when where which while will with would your yours ' +
    "i'm i've i'll i'd you're you've don't didn't doesn't isn't wasn't can't won't it's that's what's there's"
  ).split(' '),
);

/** A crude stem: the first five letters (enough to join "vaccine"/"vaccines"/"vaccinated"). */
export function stem(w: string): string {
  return w.toLowerCase().slice(0, 5);
}

let bank: ReplyBank | undefined;
export function replyBank(): ReplyBank {
  bank ??= loadDataJson<ReplyBank>('persuasionforgood', 'reply-bank-v1.json');
  return bank;
}
