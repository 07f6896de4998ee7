import { HumanAgent } from './human.js';
import { createLlmAgent } from './llm.js';
import { RandomAgent } from './random.js';
import { registerAgent } from './registry.js';
import { ReplayAgent } from './replay.js';

registerAgent('random', () => new RandomAgent());
registerAgent('human', () => new HumanAgent());
registerAgent('llm', createLlmAgent);
registerAgent('replay', (o) => new ReplayAgent((o.options?.actions as string[] | undefined) ?? []));

export { createAgent, registerAgent, agentNames } from './registry.js';
export type { Agent, AgentFactory, AgentOptions, AgentEpisodeContext } from './types.js';
export { RandomAgent, HumanAgent, ReplayAgent };
