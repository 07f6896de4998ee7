import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../core/machine-env.js';
import { type EpisodeRecord, RecordTrajectory, validateRecord } from '../../core/record.js';
import { OrderEnforcing, PassiveEnvChecker, RecordEpisodeStatistics, TimeLimit } from '../../core/wrappers.js';
import { TestingEnv } from '../support/testing-env.js';

describe('TimeLimit', () => {
  it('truncates after N steps, counts invalid steps, and snapshots its counter', async () => {
    const env = new TimeLimit(new TestingEnv(), 3);
    await env.reset({ seed: 1 });
    expect((await env.step('inc')).truncated).toBe(false);
    expect((await env.step('junk')).truncated).toBe(false);
    const snap = env.snapshot();
    const r = await env.step('inc');
    expect(r.truncated).toBe(true);
    expect(r.info.terminationReason).toBe('time_limit');
    const other = new TimeLimit(new TestingEnv(), 3);
    await other.restore(snap);
    expect((await other.step('inc')).truncated).toBe(true);
  });

  it('does not truncate a step that terminates', async () => {
    const env = new TimeLimit(new TestingEnv(), 5);
    await env.reset({ options: { scenario: { start: 4 } } });
    const r = await env.step('inc');
    expect(r.terminated).toBe(true);
    expect(r.truncated).toBe(false);
  });

  it('rejects a non-positive limit', () => {
    expect(() => new TimeLimit(new TestingEnv(), 0)).toThrow(RangeError);
  });
});

describe('OrderEnforcing', () => {
  it('refuses step before reset, then allows it', async () => {
    const env = new OrderEnforcing(new TestingEnv());
    await expect(env.step('inc')).rejects.toBeInstanceOf(ProtocolError);
    await env.reset({ seed: 0 });
    expect((await env.step('inc')).reward).toBe(1);
  });
});

describe('PassiveEnvChecker', () => {
  it('throws when reward components do not sum to the reward', async () => {
    const env = new PassiveEnvChecker(
      new TestingEnv({
        step: () => ({ reward: 2, terminated: false, truncated: false, info: { rewardComponents: { a: 1 } } }),
      }),
    );
    await env.reset({ seed: 0 });
    await expect(env.step('inc')).rejects.toThrow(/components sum/);
  });

  it('throws on a non-finite reward and passes a well-formed env', async () => {
    const bad = new PassiveEnvChecker(
      new TestingEnv({
        step: () => ({ reward: Number.NaN, terminated: false, truncated: false, info: { rewardComponents: {} } }),
      }),
    );
    await bad.reset({ seed: 0 });
    await expect(bad.step('inc')).rejects.toThrow(/finite/);
    const good = new PassiveEnvChecker(new TestingEnv());
    await good.reset({ seed: 0 });
    expect((await good.step('inc')).reward).toBe(1);
  });
});

describe('RecordEpisodeStatistics', () => {
  it('reports return, length and invalid actions at the end', async () => {
    const env = new RecordEpisodeStatistics(new TestingEnv());
    await env.reset({ seed: 0 });
    await env.step('nope');
    let r = await env.step('inc');
    for (let i = 0; i < 3; i++) {
      expect(r.info.episode).toBeUndefined();
      r = await env.step('inc');
    }
    r = await env.step('inc');
    expect(r.terminated).toBe(true);
    expect(r.info.episode).toEqual({ return: 5, length: 6, invalidActions: 1 });
  });
});

describe('RecordTrajectory', () => {
  it('emits one schema-valid record per episode with every turn', async () => {
    const records: EpisodeRecord[] = [];
    const env = new RecordTrajectory(new TestingEnv(), { key: 'k1', agent: { id: 'test' } }, (r) => {
      records.push(r);
    });
    await env.reset({ seed: 9 });
    await env.step('bad');
    for (let i = 0; i < 5; i++) await env.step('inc');
    expect(records).toHaveLength(1);
    const rec = records[0] as EpisodeRecord;
    expect(validateRecord(rec).errors).toEqual([]);
    expect(rec.seed).toBe(9);
    expect(rec.turns.map((t) => t.action)).toEqual(['bad', 'inc', 'inc', 'inc', 'inc', 'inc']);
    expect(rec.totals).toEqual({ return: 5, steps: 6, invalidActions: 1 });
    expect(rec.termination).toEqual({ terminated: true, truncated: false, reason: 'done' });
    expect(rec.turns[0]?.invalidAction).toEqual({ reason: 'say inc' });
  });

  it('abort emits a truncated record carrying the error', async () => {
    const records: EpisodeRecord[] = [];
    const env = new RecordTrajectory(new TestingEnv(), { key: 'k2', agent: { id: 'test' } }, (r) => {
      records.push(r);
    });
    await env.reset({ seed: 1 });
    await env.step('inc');
    await env.abort('agent_error', { type: 'agent_error', message: 'boom' });
    expect(records[0]?.termination).toEqual({ terminated: false, truncated: true, reason: 'agent_error' });
    expect(records[0]?.error).toEqual({ type: 'agent_error', message: 'boom' });
    expect(validateRecord(records[0]).ok).toBe(true);
  });
});
