/** dialogym's public API. */
import './envs/index.js';
import './agents/index.js';

export * from './core/index.js';
export * from './agents/index.js';
export type * from './simulators/types.js';
