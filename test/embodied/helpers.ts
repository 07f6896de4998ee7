/** Shared set-up for the Embodied tests: scenarios with a chosen task and commander persona. */
import '../../envs/index.js';
import { Rng } from '../../core/rng.js';
import { make } from '../../core/registry.js';
import type { Env, ResetResult, StepResult } from '../../core/types.js';
import { definition, type EmbodiedScenario } from '../../envs/embodied/index.js';
import type { CommanderPersona } from '../../simulators/embodied/acts.js';
import { definitionV1, type EmbodiedScenarioV1 } from '../../envs/embodied/v1.js';
import type { CommanderPersonaV1 } from '../../simulators/embodied/commander-v1.js';

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

/** Starts Embodied-v1 on an explicit scenario, without a step limit. */
export async function startV1(scenario: EmbodiedScenarioV1, seed = 1): Promise<{ env: Env; first: string; reset: ResetResult }> {
  const env = make('Embodied-v1', { maxEpisodeSteps: 0 });
  const reset = await env.reset({ seed, options: { scenario } });
  return { env, first: reset.observation.newText, reset };
}

/** A v1 scenario of a task type with a chosen Commander persona and phrasing split. */
export function scenarioV1(taskType: string | null, seed: number, persona: Partial<CommanderPersonaV1> = {}, extra: Partial<EmbodiedScenarioV1> = {}): EmbodiedScenarioV1 {
  const s = definitionV1.sampleScenario(Rng.fromSeed(seed), { ...definitionV1.defaultKwargs, taskType }, { seed });
  return { ...s, persona: { ...s.persona, chattiness: 0, patience: 1000, ...persona }, ...extra };
}
