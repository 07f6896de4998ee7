/**
 * The Embodied-v1 expert robot. It reads only the observation and grounds the Commander's everyday
 * words in the world it observes:
 * - the goal, recognised from the content words of the Commander's request (`recogniseGoalV1`);
 * - the house plan and kitchen layout from its instructions, so that "the cabinet above the sink",
 *   "a counter near the stove" or "the knife by the sink" become the places they mean
 *   (`locationHints`, `resolvePlace`);
 * - what it has seen at each place, from the env's descriptions.
 * It plans with the shared planner on that belief (the same planner the oracle runs on the true
 * world), asks where things are when it does not know (`say where is the X?`), explores otherwise, and
 * names objects by the ids it has seen. It never reads hidden state.
 */
import type { Observation } from '../../core/types.js';
import { planExplore, planNext } from '../../envs/embodied/planner.js';
import { type Receptacle, rootOf } from '../../envs/embodied/world.js';
import { listing } from '../../simulators/embodied/commander-v1.js';
import { mentions } from '../../simulators/embodied/nlu.js';
import { nounOf } from '../../simulators/embodied/refer.js';
import type { Agent } from '../types.js';
import { Belief } from './belief.js';
import { type HousePlan, locationHints, parseHousePlan, recogniseGoalV1 } from './language.js';

/** The v0 belief with v1's house plan and the v1 Commander's words. */
export class BeliefV1 extends Belief {
  plan: HousePlan = { receptacles: [], layout: { wall: [], on: {}, above: {}, under: {} } };

  /** `listen: false` keeps the goal but ignores where the Commander says things are (an ablation). */
  constructor(private readonly listen = true) {
    super();
  }

  protected override parsePlaces(instructions: string): Receptacle[] {
    this.plan = parseHousePlan(instructions);
    return this.plan.receptacles.map((r) => ({ ...r }));
  }

  protected override readCommander(text: string): void {
    if (!this.goal) this.goal = recogniseGoalV1(text);
    if (!this.listen) return;
    for (const h of locationHints(text, this.plan, this.lastAsked)) {
      const type = h.mention.type;
      const known = this.hints[type] ?? [];
      this.hints[type] = [...h.places.filter((p) => !known.includes(p)), ...known];
      // Told it is there: look again even where it has looked before (things move).
      for (const p of h.places) {
        if (!this.world.objects.some((o) => o.type === type && rootOf(this.world, o) === p)) this.explored.delete(p);
      }
    }
  }
}

export interface ExpertV1Options {
  /**
   * false: an ablation that takes the goal from the Commander but never asks where things are and
   * ignores the places it is told, finding everything by exploring (what listening is worth).
   */
  listen?: boolean;
}

export class EmbodiedExpertV1 implements Agent {
  readonly id: string;
  private belief: BeliefV1;
  private readonly listen: boolean;

  constructor(opts: ExpertV1Options = {}) {
    this.listen = opts.listen !== false;
    this.id = this.listen ? 'expert' : 'expert-no-listening';
    this.belief = new BeliefV1(this.listen);
  }


  private askedForGoal = 0;
  private askedAll = false;
  private lastAction = '';
  private repeats = 0;

  reset(): void {
    this.belief = new BeliefV1(this.listen);
    this.askedForGoal = 0;
    this.askedAll = false;
    this.lastAction = '';
    this.repeats = 0;
  }

  act(obs: Observation): string {
    const b = this.belief;
    b.update(obs.instructions, obs.transcript);
    const action = this.choose();
    this.repeats = action === this.lastAction ? this.repeats + 1 : 0;
    this.lastAction = action;
    const asked = /^say where (?:is|are) the (.+)\?$/.exec(action);
    if (asked) {
      const type = mentions(asked[1]!)[0]?.type ?? asked[1]!;
      b.asked.add(type);
      b.lastAsked = type;
    }
    return action;
  }

  private choose(): string {
    const b = this.belief;
    if (!b.goal) {
      if (this.askedForGoal < 2) {
        this.askedForGoal += 1;
        return 'say what is the task?';
      }
      return planExplore(b.world, this.knowledge())?.action ?? 'look';
    }
    // Once the goal is known, one question for everything it needs and has not seen (the Commander
    // answers every object a question asks about): fewer steps than asking one object at a time.
    if (!this.askedAll && this.listen) {
      this.askedAll = true;
      const want = this.goalTypes.filter((t) => !b.world.objects.some((o) => o.type === t)).slice(0, 4);
      if (want.length > 1) {
        for (const t of want) b.asked.add(t);
        b.lastAsked = null;
        return `say where are the ${listing(want.map((t) => nounOf(t)))}?`;
      }
    }
    // The same action over and over means the belief is wrong somewhere: look around afresh.
    if (this.repeats >= 3) {
      b.explored.clear();
      this.repeats = 0;
    }
    const step = planNext(b.world, b.goal.conditions, this.knowledge()) ?? planExplore(b.world, this.knowledge());
    if (step) return step.action;
    // Everything known looks done yet the episode goes on: some instances are still unseen.
    b.explored.clear();
    return 'say what should I do next?';
  }

  /** The whole objects the goal involves (what slices are cut from, tools), from the task catalogue. */
  private get goalTypes(): string[] {
    const g = this.belief.goal as { relevant?: string[] } | null;
    const types = (g?.relevant ?? []).map((t) => t.replace(/ slice$/, ''));
    return [...new Set(types)];
  }

  private knowledge() {
    const b = this.belief;
    return { explored: b.explored, hints: b.hints, asked: b.asked, canAsk: this.listen };
  }
}
