/**
 * Embodied-v0 is kept registered, tagged legacy, so that its records still replay: records made
 * before Embodied-v1 existed (committed as a fixture) must reproduce exactly, field by field.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import '../../envs/index.js';
import type { EpisodeRecord } from '../../core/record.js';
import { getRegistration } from '../../core/registry.js';
import { replayRecord, withoutTimings } from '../../core/rollout.js';

const FIXTURE = new URL('./fixtures/embodied-v0-records.jsonl.gz', import.meta.url);

describe('Embodied-v0 (legacy)', () => {
  it('is registered and tagged legacy', () => {
    expect(getRegistration('Embodied-v0').tags).toContain('legacy');
  });

  it('replays records made before v1 exactly', async () => {
    const lines = gunzipSync(readFileSync(FIXTURE)).toString('utf8').trim().split('\n');
    const records = lines.map((l) => JSON.parse(l) as EpisodeRecord);
    expect(records.length).toBe(5);
    for (const rec of records) {
      expect(rec.env.id).toBe('Embodied-v0');
      const again = await replayRecord(rec);
      expect(withoutTimings(again)).toEqual(withoutTimings(rec));
    }
  });
});
