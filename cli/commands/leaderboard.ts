import { resolve } from 'node:path';
import type { Command } from 'commander';
import { buildLeaderboard, checkLeaderboardOutput, renderTextTable, writeLeaderboard } from '../../eval/leaderboard.js';
import { loadResults } from '../../eval/results.js';
import { positiveInt } from '../run.js';

interface LeaderboardFlags {
  out: string;
  samples: number;
  force?: boolean;
}

export function register(program: Command): void {
  program
    .command('leaderboard')
    .description('Build leaderboard.md, leaderboard.json and a static HTML site (works from file://) from results files')
    .argument('<results...>', 'results files written by dialogym eval')
    .requiredOption('--out <dir>', 'output folder')
    .option('--samples <n>', 'sample episodes per entry and environment in the transcript viewer', positiveInt('--samples', 1000), 3)
    .option('--force', 'replace the leaderboard files in --out (they stay untouched until the new ones are written)')
    .action(async (paths: string[], flags: LeaderboardFlags) => {
      checkLeaderboardOutput(flags.out, { force: flags.force, inputs: paths.map((p) => ({ path: p, flag: '<results>' })) });
      const loaded = [];
      for (const p of paths) loaded.push(await loadResults(p));
      const data = buildLeaderboard(loaded, { samplesPerCell: flags.samples, baseDir: resolve(flags.out) });
      const files = writeLeaderboard(data, flags.out);
      process.stdout.write(`${renderTextTable(data)}\n\n`);
      for (const n of data.notes) process.stdout.write(`note: ${n}\n`);
      process.stdout.write(`wrote ${files.md}, ${files.json}\nopen file://${resolve(files.html)}\n`);
    });
}
