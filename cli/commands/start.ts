import type { Command } from 'commander';
import { listEnvs } from '../../core/registry.js';
import { RunSummary, runJobs } from '../../core/runner.js';

/**
 * `npm start`: the offline main job. For now, random and expert rollouts of every registered env
 * with a summary (the leaderboard replaces this).
 */
export function register(program: Command): void {
  program
    .command('start')
    .description('Offline main job: roll out the random and expert agents on every environment and summarise')
    .action(async () => {
      const envs = listEnvs({ includeTests: true });
      for (const reg of envs) {
        for (const agent of ['random', 'expert']) {
          const summary = new RunSummary();
          const t0 = performance.now();
          const jobs = Array.from({ length: 50 }, (_, i) => ({ key: `${reg.id}/${agent}/${i}`, envId: reg.id, seed: i, agent }));
          await runJobs(jobs, { onRecord: (r) => summary.add(r) });
          process.stdout.write(`${reg.id.padEnd(20)} ${agent.padEnd(7)} ${summary.format(performance.now() - t0)}\n`);
        }
      }
    });
}
