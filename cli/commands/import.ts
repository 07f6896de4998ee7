import type { Command } from 'commander';
import { registerImportClariq } from './import-clariq.js';
import { registerImportP4g } from './import-p4g.js';

/**
 * `dialogym import <corpus>`: turns human dialogue corpora into episode records. Each corpus
 * adds a subcommand from its own module.
 */
const importers: ((importCmd: Command) => void)[] = [registerImportP4g, registerImportClariq];

export function register(program: Command): void {
  const cmd = program.command('import').description('Import human dialogues as episode records');
  for (const add of importers) add(cmd);
  cmd.exitOverride();
}
