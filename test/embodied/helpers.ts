/** Shared set-up for the Embodied-v0 tests: scenarios with a chosen task and commander persona. */
import '../../envs/index.js';
import { Rng } from '../../core/rng.js';
import { make } from '../../core/registry.js';
import type { Env, ResetResult, StepResult } from '../../core/types.js';
import { definition, type EmbodiedScenario } from '../../envs/embodied/index.js';
import type { CommanderPersona } from '../../simulators/embodied/acts.js';

export function scenarioFor(taskType: string, seed: number, persona: Partial<CommanderPersona> = {}): EmbodiedScenario {
  const s = definition.sampleScenario(Rng.fromSeed(seed), { ...definition.defaultKwargs, taskType });
  return { ...s, persona: { ...s.persona, chattiness: 0, patience: 1000, ...persona } };
}

export async function startEnv(scenario: EmbodiedScenario, seed = 1): Promise<{ env: Env; first: string; reset: ResetResult }> {
  const env = make('Embodied-v0', { maxEpisodeSteps: 0 });
  const reset = await env.reset({ seed, options: { scenario } });
  return { env, first: reset.observation.newText, reset };
}

/** The commander's turn produced during a step (exactly one per step). */
export function commanderTurn(r: StepResult): { act: string; utterance?: string } {
  const turns = r.info.simulatorTurns ?? [];
  if (turns.length !== 1) throw new Error(`expected one commander turn, got ${turns.length}`);
  return turns[0] as { act: string; utterance?: string };
}
