/**
 * `oracle` for Persuasion-v1: the expert, plus the hidden persona read through the privileged reset
 * hook. The scenario holds the persona's hidden agenda (the doubts it holds): the oracle asks about
 * each of them by name at the end of a content message and answers it once voiced — in context,
 * which is worth far more than an answer out of the blue — instead of the expert's generic "any
 * concerns?", which brings out only one.
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
    // Ask about each held doubt by name at the end of a content message (the expert's answer follows
    // once it is voiced), instead of the expert's generic "any concerns?", which finds only one.
    const plan = EXPERT_PLAN.filter((p) => p.key !== 'concerns').map((p) => ({ ...p }));
    const carriers = ['org', 'need', 'logic'];
    held.slice(0, carriers.length).forEach((c, i) => {
      const item = plan.find((p) => p.key === carriers[i]);
      if (item) item.text = `${item.text} ${PROBES[c]}`;
    });
    this.plan = plan;
  }
}
