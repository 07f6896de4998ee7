/**
 * `oracle` for Persuasion-v1: the expert, plus the hidden persona read through the privileged reset
 * hook. Knowing the survey, it knows which doubts this person most likely holds (the simulator's own
 * concern weights): it answers the three likeliest ones unprompted, in place of the plan's appeals
 * that move people least (the fitted family effects are small). It cannot read the persuadee's luck
 * or its per-episode backstory (simulator state, not scenario). It is the upper reference of the
 * audit, never a leaderboard entry.
 */
import { CONCERN_SPECS, CONCERNS, type Concern } from '../../simulators/persuasion/concerns.js';
import { featureIndex, type PersuasionScenario, personaFeatures } from '../../simulators/persuasion/persona.js';
import { participants } from '../../simulators/persuasion/resources.js';
import type { AgentEpisodeContext } from '../types.js';
import { CONCERN_ANSWERS, EXPERT_PLAN, ExpertPersuaderV1 } from './expert-v1.js';

export class OraclePersuader extends ExpertPersuaderV1 {
  override readonly id: string = 'oracle';
  readonly privileged = true;

  reset(ctx: AgentEpisodeContext): void {
    this.plan = EXPERT_PLAN;
    const persona = ctx.privileged?.scenario as PersuasionScenario | undefined;
    if (!persona) return;
    const z = personaFeatures(persona, participants().stats);
    const trait = (name: string) => z[featureIndex(name)] as number;
    const weight = (c: Concern) => {
      let t = 0;
      for (const [k, v] of Object.entries(CONCERN_SPECS[c].traits)) t += v * trait(k);
      let w = CONCERN_SPECS[c].base * Math.exp(t);
      if (c === 'budget' && (persona.demographics.income ?? 5) <= 3) w *= 2;
      return w;
    };
    // The plan already covers the procedure; the persona's three likeliest other doubts are answered
    // unprompted in place of the appeals that move people least (the fitted family effects are small).
    const likely = CONCERNS.filter((c) => c !== 'procedure')
      .sort((a, b) => weight(b) - weight(a))
      .slice(0, 3);
    const swap = ['need', 'story', 'social'];
    let k = 0;
    this.plan = EXPERT_PLAN.map((p) => (swap.includes(p.key) && k < likely.length ? { key: `pre-${likely[k]}`, text: CONCERN_ANSWERS[likely[k++] as Concern] } : p));
  }
}
