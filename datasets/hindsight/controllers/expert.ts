/**
 * The generic hindsight controller, for any env that registers an `expert` agent: replay the
 * dialogue, ask the expert what it would have done at each agent turn, and branch at the worst
 * turns where it disagrees (invalid actions first, then the lowest step reward, then the earliest).
 */
import { createAgent } from '../../../agents/registry.js';
import { deriveSeed } from '../../../core/rng.js';
import { getRegistration } from '../../../core/registry.js';
import { ConfigError } from '../../../core/errors.js';
import type { BranchProposal, ControllerInput, HindsightController } from '../types.js';

export class ExpertController implements HindsightController {
  readonly id = 'expert-at-worst-turn';

  constructor(private readonly envId: string) {
    if (!getRegistration(envId).agents?.expert) {
      throw new ConfigError(`${envId} registers no expert agent: use --controller llm for it`);
    }
  }

  async propose(input: ControllerInput): Promise<BranchProposal[]> {
    const expert = createAgent('expert', { envId: this.envId });
    await expert.reset?.({ envId: this.envId, seed: deriveSeed(input.baseline.seed, 'agent') });
    const candidates: { p: BranchProposal; invalid: boolean; reward: number }[] = [];
    for await (const point of input.decisionPoints()) {
      const suggestion = await expert.act(point.observation, point.reward);
      if (suggestion === point.action) continue;
      const turn = input.baseline.turns[point.turn];
      if (!turn) continue;
      const invalid = turn.invalidAction !== null;
      candidates.push({
        invalid,
        reward: turn.reward,
        p: {
          turn: point.turn,
          replacement: suggestion,
          rule: invalid ? 'fix-invalid-action' : 'expert-disagrees',
          rationale: invalid
            ? `turn ${point.turn} was invalid (${turn.invalidAction?.reason}); the env's expert would have played '${suggestion}'`
            : `turn ${point.turn} earned ${turn.reward} and the episode returned ${input.baseline.totals.return}; the env's expert would have played '${suggestion}' instead of '${point.action}'`,
        },
      });
    }
    await expert.close?.();
    candidates.sort((a, b) => Number(b.invalid) - Number(a.invalid) || a.reward - b.reward || a.p.turn - b.p.turn);
    return candidates.slice(0, input.maxBranches).map((c) => c.p);
  }
}
