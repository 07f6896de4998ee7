/**
 * Issue 20, item 4: a non-string action (null, an object, a number from a buggy policy) is an
 * invalid action with feedback: it never reaches the simulator as "null" or "[object Object]", the
 * record stays valid, and replaying the record gives the same episode. A policy can only hand the
 * env a non-string through the API (the CLI's agents return strings), so this test is at that level.
 */
import { describe, expect, it } from 'vitest';
import '../../index.js';
import type { Agent } from '../../agents/types.js';
import { type EpisodeRecord, validateRecord } from '../../core/record.js';
import { make } from '../../core/registry.js';
import { replayRecord, runEpisode, withoutTimings } from '../../core/rollout.js';

/** A policy that answers `bad[i]` on turn i, then a valid action. */
function buggy(bad: unknown[], then: string): Agent {
  let i = 0;
  return {
    id: 'buggy',
    reset() {
      i = 0;
    },
    act() {
      const a = i < bad.length ? bad[i] : then;
      i += 1;
      return a as string;
    },
  };
}

describe('non-string actions', () => {
  for (const envId of ['GuessNumber-v0', 'Persuasion-v0']) {
    it(`${envId}: null, an object, a number and an array are invalid actions with feedback, recorded and replayed`, async () => {
      const env = make(envId);
      const first = await env.reset({ seed: 3 });
      const transcript = first.observation.transcript.length;
      for (const [value, kind] of [
        [null, 'null'],
        [{ text: 'hi' }, 'an object'],
        [42, 'a number'],
        [['x'], 'an array'],
        [undefined, 'undefined'],
      ] as const) {
        const r = await env.step(value as unknown as string);
        expect(r.info.invalidAction).toEqual({ reason: `the action must be a string, got ${kind}` });
        expect(r.observation.invalidAction?.reason).toBe(`the action must be a string, got ${kind}`);
        expect(r.observation.newText).toMatch(/^Invalid action: the action must be a string/);
        expect(r.terminated).toBe(false);
        // Nothing was said: the conversation did not move.
        expect(r.observation.transcript).toHaveLength(transcript);
        expect(JSON.stringify(r.observation.transcript)).not.toMatch(/\[object Object\]|"null"/);
      }
      await env.close();

      const rec = await runEpisode({
        env: make(envId),
        agent: buggy([null, { a: 1 }], envId === 'GuessNumber-v0' ? 'GUESS 50' : 'Would you donate to Save the Children?'),
        seed: 5,
        key: 'k',
      });
      expect(validateRecord(rec).errors).toEqual([]);
      expect(rec.turns[0]?.action).toBe('');
      expect(rec.turns[0]?.invalidAction).toEqual({ reason: 'the action must be a string, got null', nonString: 'null' });
      expect(rec.turns[1]?.invalidAction).toEqual({ reason: 'the action must be a string, got an object', nonString: 'an object' });
      expect(rec.totals.invalidActions).toBeGreaterThanOrEqual(2);
      const again = await replayRecord(JSON.parse(JSON.stringify(rec)) as EpisodeRecord);
      expect(withoutTimings(again)).toEqual(withoutTimings(rec));
    });
  }
});
