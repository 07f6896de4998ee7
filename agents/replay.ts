import type { Observation } from '../core/types.js';
import type { Agent } from './types.js';

/** Thrown when a replay runs out of recorded actions before the episode ends. */
export class ReplayExhausted extends Error {
  readonly type = 'replay_exhausted';
  constructor(n: number) {
    super(`the record's ${n} actions ran out before the episode ended`);
    this.name = 'ReplayExhausted';
  }
}

/**
 * Plays a fixed list of recorded actions in order. When the list runs out before the episode
 * ends (the simulator answered differently and the talk went on), it plays `endAction` if one was
 * given (e.g. an env's closing move), else throws `ReplayExhausted`, which the orchestrator records.
 */
export class ReplayAgent implements Agent {
  readonly id = 'replay';
  private i = 0;

  constructor(
    private readonly actions: readonly string[],
    private readonly endAction?: string,
  ) {}

  reset(): void {
    this.i = 0;
  }

  get exhausted(): boolean {
    return this.i >= this.actions.length;
  }

  act(_obs: Observation): string {
    const a = this.actions[this.i];
    this.i += 1;
    if (a !== undefined) return a;
    if (this.endAction !== undefined) return this.endAction;
    throw new ReplayExhausted(this.actions.length);
  }
}
