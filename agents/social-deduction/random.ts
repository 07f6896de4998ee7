/**
 * Random baseline for SocialDeduction-v0: a uniform legal action in the action phase, a uniform
 * survey pick and vote, and a random message built from templates with random players and rooms
 * named in its observation (so its talk parses as claims, just uninformed ones).
 */
import { deriveSeed, Rng } from '../../core/rng.js';
import type { Observation, } from '../../core/types.js';
import type { Agent, AgentEpisodeContext } from '../types.js';
import { readInstructions } from './read.js';

const TEMPLATES = [
  'I think {p} is sus.',
  'I saw {p} in the {r}.',
  'I was in the {r} doing tasks.',
  'I saw {p} kill {q} in the {r}!',
  '{p} is innocent, I was with {p}.',
  "I don't know who it is.",
  'Vote {p}.',
];

export class SocialRandom implements Agent {
  readonly id = 'random';
  private rng = Rng.fromSeed(0);

  reset(ctx: AgentEpisodeContext): void {
    this.rng = Rng.fromSeed(deriveSeed(ctx.seed, 'social-random'));
  }

  act(obs: Observation): string {
    const legal = obs.legalActions ?? [];
    if (legal.length) return this.rng.pick(legal);
    const facts = readInstructions(obs.instructions);
    const players = (facts?.setup.players ?? ['Red']).filter((p) => p !== facts?.self);
    const rooms = facts?.setup.roomNames.length ? facts.setup.roomNames : ['Cafeteria'];
    const text = this.rng
      .pick(TEMPLATES)
      .replaceAll('{p}', this.rng.pick(players))
      .replaceAll('{q}', this.rng.pick(players))
      .replaceAll('{r}', this.rng.pick(rooms));
    return `SAY ${text}`;
  }
}
