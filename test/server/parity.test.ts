/**
 * Every registered env, over a real WebSocket: the same seeds and the same actions give the same
 * rewards, observations, ends and episode records as in process; every message matches the wire
 * schema; no hidden string of the episode reaches the client before the episode ends.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../../envs/index.js';
import '../../agents/index.js';
import { agentNames } from '../../agents/registry.js';
import type { EpisodeRecord } from '../../core/record.js';
import { listEnvs, make } from '../../core/registry.js';
import { runJobs } from '../../core/runner.js';
import { validate } from '../../core/schema.js';
import { serverMessageSchema } from '../../core/server/protocol.js';
import { type DialogymServer, startServer } from '../../core/server/server.js';
import type { Json } from '../../core/types.js';
import { connect } from './ws-client.js';

const SEEDS = [11, 12];
const served: EpisodeRecord[] = [];
let server: DialogymServer;

beforeAll(async () => {
  server = await startServer({ port: 0, onRecord: (r) => served.push(r) });
});
afterAll(async () => {
  await server.drain();
});

/** A record without the fields that name who ran it and when. */
function comparable(r: EpisodeRecord): Json {
  const { timings: _t, key: _k, agent: _a, source: _s, ...rest } = r;
  return rest;
}

/** The expert where the env has one (longer, more varied episodes), else random. */
function agentFor(envId: string): string {
  return agentNames(envId).includes('expert') ? 'expert' : 'random';
}

const envIds = listEnvs({ includeTests: true, includeLegacy: true }).map((r) => r.id);

describe('every registered env over /ws', () => {
  it('the registry is not empty', () => {
    expect(envIds.length).toBeGreaterThan(0);
  });

  for (const envId of envIds) {
    it(`${envId}: same rewards, observations and records as in process; nothing hidden sent`, async () => {
      const local: EpisodeRecord[] = [];
      const agent = agentFor(envId);
      await runJobs(
        SEEDS.map((seed) => ({ key: `${envId}/${agent}/${seed}`, envId, seed, agent })),
        { makeOptions: { simulator: { kind: 'scripted' } }, onRecord: (r) => void local.push(r) },
      );
      expect(local).toHaveLength(SEEDS.length);
      for (const rec of local) {
        // The strings the env declares hidden for this episode.
        const probe = make(envId);
        await probe.reset({ seed: rec.seed });
        const secrets = (probe.secrets?.() ?? []).map((s) => s.toLowerCase()).filter((s) => s.length > 0);
        await probe.close();

        const c = await connect(server.url);
        const episodeId = `parity-${envId}-${rec.seed}`;
        const first = await c.request({ type: 'reset', data: { env_id: envId, seed: rec.seed, episode_id: episodeId } });
        const check = (msg: Json, done: boolean) => {
          expect(validate(serverMessageSchema, msg).errors).toEqual([]);
          expect(msg.type).toBe('observation');
          if (!done) {
            const text = JSON.stringify(msg.data.observation).toLowerCase();
            for (const s of secrets) expect(text.includes(s), `secret ${JSON.stringify(s)} sent before the end`).toBe(false);
          }
        };
        check(first, rec.turns.length === 0);
        expect(first.data.observation.instructions).toBe(rec.initialObservation.instructions);
        expect(first.data.observation.new_text).toBe(rec.initialObservation.text);
        expect(first.data.reward).toBeNull();
        let ret = 0;
        for (const [i, turn] of rec.turns.entries()) {
          const last = i === rec.turns.length - 1;
          const reply = await c.request({ type: 'step', data: { message: turn.action } });
          check(reply, last);
          ret += turn.reward;
          expect(reply.data.reward).toBe(turn.reward);
          expect(reply.data.observation.new_text).toBe(turn.observation);
          expect(reply.data.observation.invalid_action).toBe(turn.invalidAction?.reason ?? null);
          expect(reply.data.observation.step).toBe(i + 1);
          expect(reply.data.observation.episode_return).toBeCloseTo(ret, 9);
          expect(reply.data.done).toBe(last);
          if (last) {
            expect(reply.data.observation.terminated).toBe(rec.termination.terminated);
            expect(reply.data.observation.truncated).toBe(rec.termination.truncated);
            expect(reply.data.observation.termination_reason).toBe(rec.termination.reason);
          } else expect(reply.data.observation.termination_reason).toBeNull();
        }
        const state = await c.request({ type: 'state' });
        expect(validate(serverMessageSchema, state).errors).toEqual([]);
        expect(state.data).toMatchObject({ episode_id: episodeId, step_count: rec.turns.length, env_id: envId, seed: rec.seed, done: true });
        c.close();
        await c.closed;

        const mine = served.find((r) => r.key === `${envId}/served/${episodeId}`);
        expect(mine, 'the server recorded the finished episode').toBeDefined();
        expect(comparable(mine as EpisodeRecord)).toEqual(comparable(rec));
        expect((mine as EpisodeRecord).source).toEqual({ kind: 'served', episodeId, split: null, taskIndex: null });
      }
    });
  }
});
