/**
 * The commands of `dialogym`. Each lives in `cli/commands/<name>.ts` and exports
 * `register(program)`; adding a command is one import and one list entry here.
 */
import { Command } from 'commander';
import '../envs/index.js';
import '../agents/index.js';
import { DIALOGYM_VERSION } from '../core/version.js';
import * as exportCmd from './commands/export.js';
import * as generateCmd from './commands/generate.js';
import * as hindsightCmd from './commands/hindsight.js';
import * as evalCmd from './commands/eval.js';
import * as auditCmd from './commands/audit.js';
import * as calibrateCmd from './commands/calibrate.js';
import * as graph from './commands/graph.js';
import * as importCmd from './commands/import.js';
import * as leaderboard from './commands/leaderboard.js';
import * as list from './commands/list.js';
import * as play from './commands/play.js';
import * as replay from './commands/replay.js';
import * as rollout from './commands/rollout.js';
import * as selfplay from './commands/selfplay.js';
import * as serve from './commands/serve.js';
import * as start from './commands/start.js';
import * as validateCmd from './commands/validate.js';
import * as verify from './commands/verify.js';

export const commands: { register(program: Command): void }[] = [
  list,
  play,
  rollout,
  selfplay,
  replay,
  importCmd,
  validateCmd,
  graph,
  start,
  generateCmd,
  exportCmd,
  hindsightCmd,
  evalCmd,
  auditCmd,
  calibrateCmd,
  leaderboard,
  verify,
  serve,
];

export function createProgram(): Command {
  return new Command('dialogym')
    .description('A gym for multi-turn conversations between language-model agents and simulated users.')
    .version(DIALOGYM_VERSION);
}
