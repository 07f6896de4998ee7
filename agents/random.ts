import { Rng } from '../core/rng.js';
import type { Observation } from '../core/types.js';
import type { Agent, AgentEpisodeContext } from './types.js';

/**
 * Uniform over the observation's `legalActions` when the env lists them, else over the env's `sampleActions`
 * (example utterances), using the agent's own seeded stream. Envs with richer action spaces
 * register their own `random` agent.
 */
export class RandomAgent implements Agent {
  readonly id = 'random';
  private rng = Rng.fromSeed(0);

  reset(ctx: AgentEpisodeContext): void {
    this.rng = Rng.fromSeed(ctx.seed);
  }

  act(obs: Observation): string {
    const pool = obs.legalActions?.length ? obs.legalActions : obs.sampleActions;
    if (!pool || pool.length === 0) return '';
    return this.rng.pick(pool);
  }
}
