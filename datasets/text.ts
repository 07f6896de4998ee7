/**
 * How an episode record reads as text, shared by every export and by the hindsight controllers.
 *
 * A record is a sequence of *decision points*: before turn t the agent had seen the instructions,
 * the initial observation and, for every earlier turn, its own action and the observation that
 * followed. All formats render that history the same way so that a state in `transitions`, a prompt
 * in `dpo` and a conversation in `sft` agree byte for byte.
 */
import type { EpisodeRecord } from '../core/record.js';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** Chat messages the agent had seen before acting at turn `t` (0-based); t = turns.length gives the whole episode. */
export function messagesBefore(rec: EpisodeRecord, t: number): ChatMessage[] {
  const out: ChatMessage[] = [{ role: 'system', content: rec.initialObservation.instructions }];
  out.push({ role: 'user', content: rec.initialObservation.text });
  const n = Math.min(t, rec.turns.length);
  for (let i = 0; i < n; i++) {
    const turn = rec.turns[i];
    if (!turn) break;
    out.push({ role: 'assistant', content: turn.action });
    out.push({ role: 'user', content: turn.observation });
  }
  return out;
}

/** Plain-text state before turn `t`: the instructions, then one `role: text` block per segment. */
export function stateText(rec: EpisodeRecord, t: number): string {
  const parts = [rec.initialObservation.instructions, '', `observation: ${rec.initialObservation.text}`];
  const n = Math.min(t, rec.turns.length);
  for (let i = 0; i < n; i++) {
    const turn = rec.turns[i];
    if (!turn) break;
    parts.push(`action: ${turn.action}`, `observation: ${turn.observation}`);
  }
  return parts.join('\n');
}

/** Reward-to-go from each turn: rtg[t] = sum of rewards from t on. */
export function returnsToGo(rewards: readonly number[], gamma = 1): number[] {
  const out = new Array<number>(rewards.length);
  let acc = 0;
  for (let i = rewards.length - 1; i >= 0; i--) {
    acc = (rewards[i] ?? 0) + gamma * acc;
    out[i] = roundReward(acc);
  }
  return out;
}

/** Rounds away float noise (1e-17) so that exported returns compare exactly across runs. */
export function roundReward(x: number): number {
  return Math.round(x * 1e12) / 1e12;
}

/** True when the episode ended on its own (not cut by a time limit, a step cap or an error). */
export function endedNaturally(rec: EpisodeRecord): boolean {
  return rec.termination.terminated && !rec.termination.truncated && rec.error === null;
}
