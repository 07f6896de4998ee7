/**
 * SocialDeduction-v0 (legacy, frozen: its records must keep replaying byte for byte; see
 * test/social-deduction/v0-frozen.test.ts). The current version is SocialDeduction-v1 (v1.ts).
 *
 * SocialDeduction-v0: the Among-Us-style game of Sarkar et al. (AAMAS 2025). The agent plays one
 * seat (crewmate or imposter, by scenario or seed); every other seat is a simulated player of "the
 * table" (scripted by default, or LLM players).
 *
 * Statechart: `action` (one tick: the agent's action, then the table's) → on a report,
 * `discussion` (before every message a `survey` of everyone's suspicion, then one `speak`er, in a
 * shuffled round-robin) → `voting` → `ejection` → back to `action`, until `gameOver`. Only states
 * where the agent must act are tagged `agentTurn`; a dead or ejected agent watches the rest of the
 * game play out without being asked anything. The rules themselves live in `engine.ts`, the seat's
 * text interface in `seat.ts`.
 *
 * Reward components (weights in kwargs.weights): win, task, report, kill, voteImposter, listening
 * (a crewmate agent's survey probability — or log-probability — on the imposter, every survey) and
 * speaking (change in the summed probability living crewmates put on the imposter from the survey
 * before the agent's message to the survey after it; negated for an imposter).
 */
import { registerMachineEnv } from '../../core/registry.js';
import type { SimulatorContext } from '../../simulators/types.js';
import { LlmTable, ScriptedTable } from '../../simulators/social-deduction/table.js';
import { SocialExpert } from '../../agents/social-deduction/expert.js';
import { SocialRandom } from '../../agents/social-deduction/random.js';
import { defaultKwargs, npcParams, rulesFromKwargs, sampleScenario, type SocialScenario } from './config.js';
import { socialDefinition } from './define.js';

export { fedAfter, tableInput, updatesFor, type SocialContext } from './define.js';

export const ENV_ID = 'SocialDeduction-v0';

export const definition = socialDefinition({
  id: ENV_ID,
  version: '1.0.0',
  description: 'Among-Us-style social deduction (Sarkar et al. 2025): tasks, kills, meetings with suspicion surveys, votes.',
  defaultKwargs,
  sampleScenario,
  simulators: {
    scripted: (ctx) => new ScriptedTable(ctx as SimulatorContext<SocialScenario>),
    llm: (ctx) => new LlmTable(ctx as SimulatorContext<SocialScenario>),
  },
  rules: rulesFromKwargs,
  params: (kwargs) => ({ ...npcParams(kwargs) }),
  seat: { version: 0 },
});

registerMachineEnv(definition, {
  maxEpisodeSteps: 600,
  tags: ['legacy'],
  agents: {
    expert: () => new SocialExpert(),
    random: () => new SocialRandom(),
  },
});

export type { SocialScenario } from './config.js';
