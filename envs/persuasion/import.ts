/**
 * Real PersuasionForGood dialogues as Persuasion-v0 episode records.
 *
 * scenario = the persuadee's survey; agent actions = the persuader's turns, the last one prefixed
 * with `CLOSE` so that a replay ends exactly where the human talk ended; the human persuadee's
 * replies are the turns' observations and `simulatorTurns` (tagged with intent, concerns and amounts
 * by the same tagger that mined the reply bank); reward = the real donation, paid on the last turn.
 * The message cap of each record is max(10, the dialogue's persuader turns).
 */
import { type EpisodeRecord, recordUsage, validateRecord } from '../../core/record.js';
import { hashString, MAX_SEED } from '../../core/rng.js';
import { emptyUsage } from '../../core/types.js';
import { DIALOGYM_VERSION } from '../../core/version.js';
import type { Concern } from '../../simulators/persuasion/concerns.js';
import type { PersuasionScenario } from '../../simulators/persuasion/persona.js';
import { type PersuadeeTurn, tagPersuadeeText } from '../../simulators/persuasion/turn.js';
import { DEFAULT_MAX_TURNS, definition, ENV_ID, ENV_VERSION, instructions } from './index.js';

/** One human dialogue: the persuader's turns and the persuadee's replies (null when none came). */
export interface HumanDialogue {
  id: string;
  persona: PersuasionScenario;
  persuader: string[];
  persuadee: (string | null)[];
  donation: number;
  rawDonation?: number | null;
}

/** Registration step cap of Persuasion-v0, recorded like a rollout would. */
export const RECORD_MAX_EPISODE_STEPS = 40;

/** The dialogue id's timestamp (`20180904-045349_715_live` → 2018-09-04T04:53:49Z), else the epoch. */
export function dialogueTime(id: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})/.exec(id);
  if (!m) return new Date(0).toISOString();
  const [, y, mo, d, h, mi, s] = m;
  const t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  return Number.isFinite(t) ? new Date(t).toISOString() : new Date(0).toISOString();
}

export function seedForDialogue(id: string): number {
  return hashString(`p4g:${id}`) & MAX_SEED;
}

function dollars(x: number): string {
  return `$${x.toFixed(2)}`;
}

/** Builds the record; throws only on programming errors (the result is validated against the record schema). */
export function humanDialogueRecord(d: HumanDialogue): EpisodeRecord {
  const n = d.persuader.length;
  if (n === 0) throw new Error(`dialogue ${d.id} has no persuader turns`);
  const maxTurns = Math.max(DEFAULT_MAX_TURNS, n);
  const kwargs = { ...definition.defaultKwargs, maxTurns };
  const maxChars = Number((kwargs as Record<string, unknown>).maxMessageChars ?? 2000);
  const revealed = new Set<Concern>();
  const turns: EpisodeRecord['turns'] = [];
  for (let i = 0; i < n; i++) {
    const last = i === n - 1;
    const said = (d.persuader[i] as string).slice(0, maxChars);
    const reply = d.persuadee[i] ?? null;
    const tag = reply ? tagPersuadeeText(reply, i) : null;
    const fresh = (tag?.concerns ?? []).filter((c) => !revealed.has(c));
    for (const c of fresh) revealed.add(c);
    const utterance = reply ?? (last ? '(the persuadee left the chat; the donation was made after the task)' : '(no reply)');
    const simTurn: PersuadeeTurn = {
      utterance,
      intent: last ? (d.donation > 0 ? 'donate' : 'decline') : (tag?.intent ?? 'neutral'),
      ends: last,
      donation: last ? d.donation : null,
      revealedConcerns: fresh,
      statedAmount: tag?.statedAmount ?? null,
    };
    const end = d.donation > 0 ? `The chat is over. The persuadee donated ${dollars(d.donation)}.` : 'The chat is over. The persuadee did not donate.';
    turns.push({
      action: last ? `CLOSE ${said}` : said,
      observation: `user: ${utterance}${last ? `\nsystem: ${end}` : ''}`,
      reward: last ? d.donation : 0,
      rewardComponents: last && d.donation !== 0 ? { donation: d.donation } : {},
      simulatorTurns: [simTurn],
      invalidAction: null,
      info: {
        turn: i + 1,
        maxTurns,
        persuadeeIntent: simTurn.intent,
        revealedConcerns: [...revealed],
        ...(last ? { donation: d.donation, success: d.donation > 0 } : {}),
        ...(last ? { terminationReason: 'closed' } : {}),
      },
    });
  }
  const rec: EpisodeRecord = {
    schemaVersion: 1,
    key: `p4g/${d.id}`,
    dialogymVersion: DIALOGYM_VERSION,
    env: { id: ENV_ID, version: ENV_VERSION, kwargs, maxEpisodeSteps: RECORD_MAX_EPISODE_STEPS },
    seed: seedForDialogue(d.id),
    scenario: d.persona,
    agent: { id: 'human', config: { corpus: 'PersuasionForGood', role: 'persuader' } },
    simulator: { kind: 'human', corpus: 'PersuasionForGood', role: 'persuadee' },
    initialObservation: {
      instructions: instructions(maxTurns, maxChars),
      text: 'system: The persuadee has joined the chat. You speak first.',
      info: { turn: 0, maxTurns, persuadeeIntent: null, revealedConcerns: [] },
    },
    turns,
    totals: { return: d.donation, steps: n, invalidActions: 0 },
    termination: { terminated: true, truncated: false, reason: 'closed' },
    error: null,
    usage: { simulator: recordUsage(emptyUsage()), agent: recordUsage(emptyUsage()) },
    source: {
      corpus: 'PersuasionForGood',
      citation: 'Wang et al., Persuasion for Good, ACL 2019',
      license: 'Apache-2.0',
      dialogueId: d.id,
      donation: d.donation,
      ...(d.rawDonation !== undefined ? { rawDonation: d.rawDonation } : {}),
    },
    timings: { startedAt: dialogueTime(d.id), wallMs: 0 },
  };
  const v = validateRecord(rec);
  if (!v.ok) throw new Error(`record for ${d.id} is invalid: ${v.errors.join('; ')}`);
  return rec;
}
