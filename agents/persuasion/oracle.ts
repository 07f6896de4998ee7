/**
 * `oracle` for Persuasion-v1: the expert, plus the hidden persona read through the privileged reset
 * hook. The scenario holds the persona's hidden agenda (the doubts it holds): the oracle asks about
 * each of them by name and answers it once voiced — in context, which is worth far more than an
 * answer out of the blue — instead of the expert's generic "any concerns?" and its weakest appeals.
 * It cannot read the persuadee's luck or its backstory (simulator state, not scenario). It is the
 * upper reference of the audit, never a leaderboard entry.
 */
import { CONCERNS, type Concern } from '../../simulators/persuasion/concerns.js';
import { concernWeights, type PersuasionScenarioV1 } from '../../simulators/persuasion/v1/scenario.js';
import type { AgentEpisodeContext } from '../types.js';
import { EXPERT_PLAN, ExpertPersuaderV1 } from './expert-v1.js';

/** A question asking whether the persuadee holds one particular doubt. */
export const PROBES: Record<Concern, string> = {
  legitimacy: 'Are you worried about whether the charity is legit?',
  overhead: 'Are you concerned about how much of the money actually reaches the children?',
  local: 'Would you rather help kids here at home in the US?',
  budget: 'Is money a bit tight for you right now? That would be a fair worry.',
  procedure: 'Are you wondering how the donation works?',
  impact: "Are you worried a small amount won't make a difference?",
  'other-causes': 'Do you already give to other causes you care about?',
};

export class OraclePersuader extends ExpertPersuaderV1 {
  override readonly id: string = 'oracle';
  readonly privileged = true;

  reset(ctx: AgentEpisodeContext): void {
    this.plan = EXPERT_PLAN;
    const scenario = ctx.privileged?.scenario as PersuasionScenarioV1 | undefined;
    if (!scenario) return;
    // The doubts this person holds (the hidden agenda; from the survey's weights if the scenario has none).
    const weights = concernWeights(scenario);
    const held =
      scenario.agenda?.concerns ??
      [...CONCERNS].sort((a, b) => (weights[CONCERNS.indexOf(b)] as number) - (weights[CONCERNS.indexOf(a)] as number)).slice(0, 2);
    // After the greeting and the charity, ask about each held doubt by name (the expert's answers
    // follow when it is voiced), in place of the generic "any concerns?" and the weakest appeals.
    const probes = held.map((c) => ({ key: `probe-${c}`, text: PROBES[c] }));
    const [hello, org, ...rest] = EXPERT_PLAN;
    const drop = new Set(['concerns', 'social', 'story', 'need'].slice(0, Math.min(4, probes.length + 1)));
    this.plan = [hello as { key: string; text: string }, org as { key: string; text: string }, ...probes, ...rest.filter((p) => !drop.has(p.key))];
  }
}
