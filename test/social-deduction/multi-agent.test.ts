import { describe, expect, it } from 'vitest';
import '../../envs/index.js';
import { SocialExpert } from '../../agents/social-deduction/expert.js';
import { SocialRandom } from '../../agents/social-deduction/random.js';
import type { Agent } from '../../agents/types.js';
import { validateRecord } from '../../core/record.js';
import type { Observation, } from '../../core/types.js';
import { runSelfPlay, SocialDeductionGame } from '../../envs/social-deduction/multi-agent.js';

/** Remembers everything it was shown, and plays like the expert. */
class Spy implements Agent {
  readonly id = 'spy';
  readonly seen: Observation[] = [];
  private readonly inner = new SocialExpert();
  reset(ctx: { envId: string; seed: number }): void {
    this.inner.reset(ctx);
  }
  act(obs: Observation): string {
    this.seen.push(obs);
    return this.inner.act(obs);
  }
}

describe('SocialDeduction multi-agent play', () => {
  it('self-play writes one valid record per seat, each seat seeing only its own observations', async () => {
    const seats: Record<string, Spy> = {};
    for (const c of ['Red', 'Blue', 'Green', 'Yellow', 'Purple']) seats[c] = new Spy();
    const { records, game } = await runSelfPlay({ seats, seed: 3 });
    expect(game.phase).toBe('over');
    expect(records).toHaveLength(5);
    for (const r of records) {
      const v = validateRecord(r);
      expect(v.errors).toEqual([]);
      expect(r.turns.length).toBeGreaterThan(0);
      expect(r.scenario.agent).toBe(r.key.split('/').pop());
      expect(r.termination.terminated).toBe(true);
    }
    const imposter = game.setup.imposters[0] as string;
    for (const [c, spy] of Object.entries(seats)) {
      const first = spy.seen[0] as Observation;
      expect(first.instructions).toMatch(new RegExp(`^You are ${c} `));
      const revealsImposter = first.instructions.includes('IMPOSTER');
      expect(revealsImposter).toBe(c === imposter);
      // Before the game ends, nothing a crewmate sees names the imposter as such.
      if (c !== imposter) {
        for (const o of spy.seen) expect(o.newText).not.toMatch(/The imposter was/);
      }
    }
    const wins = records.map((r) => r.turns[r.turns.length - 1]?.info.agentWon);
    expect(wins.filter((w) => w === true).length).toBeGreaterThan(0);
  });

  it('mixes agent seats with table seats and re-asks a seat after an invalid action', async () => {
    const junky: Agent = {
      id: 'junky',
      act(obs) {
        return obs.newText.startsWith('Invalid action') ? new SocialRandom().act(obs) : 'dance';
      },
    };
    const { records, game } = await runSelfPlay({ seats: { Red: junky, Blue: new SocialRandom() }, seed: 8, kwargs: { numPlayers: 6 } });
    expect(game.phase).toBe('over');
    expect(records.map((r) => r.scenario.agent).sort()).toEqual(['Blue', 'Red']);
    const red = records.find((r) => r.scenario.agent === 'Red');
    expect(red?.totals.invalidActions).toBeGreaterThan(0);
    expect(red?.turns[0]?.invalidAction?.reason).toMatch(/not a legal action/);
    for (const r of records) expect(validateRecord(r).ok).toBe(true);
    expect(records[0]?.simulator.seats).toMatchObject({ Red: 'junky', Blue: 'random', Green: 'table:scripted' });
  });

  it('is deterministic per seed and exposes who must act', async () => {
    const g = new SocialDeductionGame({ seats: { Red: new SocialRandom(), Green: new SocialRandom() } });
    g.reset(5);
    await g.start();
    expect(g.waitingFor().sort()).toEqual(['Green', 'Red']);
    expect(g.view('Red').observation.legalActions).toContain('wait');
    await expect(g.submit('Blue', 'wait')).rejects.toThrow(/not asked/);
    const a = await runSelfPlay({ seats: { Red: new SocialExpert(), Green: new SocialRandom() }, seed: 11 });
    const b = await runSelfPlay({ seats: { Red: new SocialExpert(), Green: new SocialRandom() }, seed: 11 });
    const strip = (rs: typeof a.records) => rs.map(({ timings: _t, ...rest }) => rest);
    expect(strip(b.records)).toEqual(strip(a.records));
  });
});
