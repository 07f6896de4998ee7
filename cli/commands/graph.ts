import type { Command } from 'commander';
import { envMachine, machineToMermaid } from '../../core/graph.js';
import { make } from '../../core/registry.js';

export function register(program: Command): void {
  program
    .command('graph')
    .description("Print an environment's statechart as a Mermaid state diagram (derived from the machine itself)")
    .argument('<env-id>', 'environment id, e.g. Persuasion-v0')
    .action(async (envId: string) => {
      const env = make(envId);
      process.stdout.write(`${machineToMermaid(envMachine(env))}\n`);
      await env.close();
    });
}
