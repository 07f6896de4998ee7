/** The seed splits live in core (envs and the server use them too); re-exported here for eval's modules. */
export * from '../core/splits.js';
