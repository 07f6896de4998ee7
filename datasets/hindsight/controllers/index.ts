/**
 * Hindsight controllers by name: `scripted` is the env's own rule-based controller when it has
 * one (Persuasion-v0) and otherwise the generic `expert` controller (branch at the worst turns
 * with the env's expert); `llm` asks a model.
 */
import { ConfigError } from '../../../core/errors.js';
import type { LlmProvider } from '../../../simulators/types.js';
import type { HindsightController } from '../types.js';
import { ExpertController } from './expert.js';
import { LlmController } from './llm.js';
import { PersuasionController } from './persuasion.js';

const envControllers: Record<string, () => HindsightController> = {
  'Persuasion-v0': () => new PersuasionController(),
};

export const CONTROLLER_NAMES = ['scripted', 'expert', 'llm'] as const;

export function makeController(name: string, envId: string, llm?: LlmProvider): HindsightController {
  switch (name) {
    case 'scripted':
      return envControllers[envId]?.() ?? new ExpertController(envId);
    case 'expert':
      return new ExpertController(envId);
    case 'llm':
      return new LlmController(llm);
    default:
      throw new ConfigError(`unknown hindsight controller '${name}' (known: ${CONTROLLER_NAMES.join(', ')})`);
  }
}

export { ExpertController, LlmController, PersuasionController };
