/**
 * The Embodied-v0 expert robot. It reads only the observation: the goal from the commander's words,
 * the house plan from its instructions, and what it has seen; it plans with the shared planner on
 * that belief, asks the commander where things are when it does not know (`say where is the X?`),
 * and explores places it has not looked into otherwise. It never reads hidden state.
 */
import type { Observation, } from '../../core/types.js';
import { planExplore, planNext } from '../../envs/embodied/planner.js';
import type { Agent } from '../types.js';
import { Belief } from './belief.js';
import { mentionedType } from '../../simulators/embodied/commander.js';

export class EmbodiedExpert implements Agent {
  readonly id = 'expert';
  private belief = new Belief();
  private askedForGoal = 0;
  private lastAction = '';
  private repeats = 0;

  reset(): void {
    this.belief = new Belief();
    this.askedForGoal = 0;
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
      const type = mentionedType(asked[1]!) ?? asked[1]!;
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
        return 'say what should I do?';
      }
      return planExplore(b.world, this.knowledge())?.action ?? 'look';
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

  private knowledge() {
    const b = this.belief;
    return { explored: b.explored, hints: b.hints, asked: b.asked, canAsk: true };
  }
}
