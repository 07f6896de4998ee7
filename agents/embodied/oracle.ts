/**
 * The Embodied-v1 oracle: reads the hidden scenario through the privileged reset hook (the whole
 * house and the goal conditions) and plays the shared planner with perfect knowledge, keeping its own
 * copy of the world in step with the env (the world only changes through the robot's actions). Its
 * path is therefore the env's reference path L*, and its path-length weight is 1: the upper bound of
 * the reward. It never talks to the Commander.
 */
import type { Agent, AgentEpisodeContext } from '../types.js';
import { fullKnowledge, parseCommand, planNext } from '../../envs/embodied/planner.js';
import type { Condition } from '../../envs/embodied/tasks.js';
import { applyCommand, cloneWorld, settle, type World } from '../../envs/embodied/world.js';

export class EmbodiedOracle implements Agent {
  readonly id = 'oracle';
  readonly privileged = true;
  private world: World | null = null;
  private conditions: Condition[] = [];

  reset(ctx: AgentEpisodeContext): void {
    const scenario = ctx.privileged?.scenario as { world: World; task: { conditions: Condition[] } } | undefined;
    this.world = scenario ? cloneWorld(scenario.world) : null;
    this.conditions = scenario?.task.conditions ?? [];
  }

  act(): string {
    const w = this.world;
    if (!w) return 'done';
    const s = planNext(w, this.conditions, fullKnowledge(w));
    const cmd = s ? parseCommand(s.action) : null;
    if (!s || !cmd) return 'done';
    if (applyCommand(w, cmd).ok) settle(w);
    return s.action;
  }
}
