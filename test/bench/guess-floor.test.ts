/**
 * The bench's floor (bench/guess-floor.ts) is the same game as GuessNumber-v0: for many seeds and
 * players (binary search, random, junk and over-long actions, running past the step limit) every
 * reset and step returns the same observation, reward, flags and info, key order included.
 */
import { describe, expect, it } from 'vitest';
import '../../envs/index.js';
import '../../agents/index.js';
import { createAgent } from '../../agents/registry.js';
import type { Agent } from '../../agents/types.js';
import { GuessNumberFloor } from '../../bench/guess-floor.js';
import { make } from '../../core/registry.js';
import type { Observation } from '../../core/types.js';

/** Junk, edge cases and questions of every kind, then guesses: exercises every branch. */
class EdgePlayer implements Agent {
  readonly id = 'edge';
  private t = 0;
  private static readonly LINES = [
    '',
    'hello',
    'GUESS 12.5',
    'GUESS',
    `ASK ${'x'.repeat(501)}`,
    `ASK ${'y'.repeat(500)}`,
    'ask is it even?',
    'ASK is it odd?',
    'ASK is it less than 30?',
    'ASK  is it above 70 ?  ',
    'ASK is it 42?',
    'ASK what colour is it?',
    'ASK is it > 10',
    'ASK is it equal to 3',
  ];
  constructor(private readonly finalGuess: boolean) {}
  reset(): void {
    this.t = 0;
  }
  act(): string {
    const t = this.t++;
    if (t < EdgePlayer.LINES.length) return EdgePlayer.LINES[t] as string;
    return this.finalGuess ? `GUESS ${t}` : 'ASK is it greater than 1?';
  }
}

async function compare(agentFor: () => Agent, seeds: number[]): Promise<number> {
  const env = make('GuessNumber-v0');
  const floor = new GuessNumberFloor();
  let steps = 0;
  for (const seed of seeds) {
    const a = agentFor();
    const b = agentFor();
    await a.reset?.({ envId: 'GuessNumber-v0', seed });
    await b.reset?.({ envId: 'GuessNumber-v0', seed });
    const r0 = await env.reset({ seed });
    const f0 = await floor.reset({ seed });
    expect(JSON.stringify(f0)).toBe(JSON.stringify(r0));
    let obs: Observation = r0.observation;
    let floorObs: Observation = f0.observation;
    let reward = 0;
    for (;;) {
      const action = await a.act(obs, reward);
      expect(await b.act(floorObs, reward)).toBe(action);
      const r = await env.step(action);
      const f = await floor.step(action);
      expect(JSON.stringify(f)).toBe(JSON.stringify(r));
      expect(f).toEqual(r);
      steps += 1;
      if (r.terminated || r.truncated) break;
      obs = r.observation;
      floorObs = f.observation;
      reward = r.reward;
    }
  }
  await env.close();
  return steps;
}

const seeds = (n: number) => Array.from({ length: n }, (_, i) => i * 7 + 1);

describe('the plain-TypeScript floor of the bench', () => {
  it('equals GuessNumber-v0 with the expert', async () => {
    expect(await compare(() => createAgent('expert', { envId: 'GuessNumber-v0' }), seeds(60))).toBeGreaterThan(300);
  });
  it('equals GuessNumber-v0 with the random player', async () => {
    expect(await compare(() => createAgent('random', { envId: 'GuessNumber-v0' }), seeds(60))).toBeGreaterThan(60);
  });
  it('equals GuessNumber-v0 on invalid and unusual actions, a final guess, and truncation at the step limit', async () => {
    expect(await compare(() => new EdgePlayer(true), seeds(5))).toBe(5 * 15);
    expect(await compare(() => new EdgePlayer(false), seeds(5))).toBe(5 * 20);
  });
});
