import type { Command } from 'commander';
import { agentNames } from '../../agents/registry.js';
import { listEnvs } from '../../core/registry.js';

export function register(program: Command): void {
  program
    .command('list')
    .description('List registered environments with their simulators and agents')
    .option('--json', 'print JSON')
    .option('--all', 'include test environments')
    .action((opts: { json?: boolean; all?: boolean }) => {
      const envs = listEnvs({ includeTests: opts.all, includeLegacy: opts.all }).map((r) => ({
        id: r.id,
        description: r.description ?? '',
        maxEpisodeSteps: r.maxEpisodeSteps ?? null,
        simulators: r.simulatorKinds ?? [],
        agents: agentNames(r.id),
        tags: r.tags ?? [],
      }));
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(envs, null, 2)}\n`);
        return;
      }
      for (const e of envs) {
        process.stdout.write(
          `${e.id.padEnd(22)} ${e.description}\n${' '.repeat(23)}simulators: ${e.simulators.join(', ')}; agents: ${e.agents.join(', ')}${e.tags.length ? `; tags: ${e.tags.join(', ')}` : ''}\n`,
        );
      }
    });
}
