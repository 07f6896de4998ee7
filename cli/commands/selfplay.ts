/**
 * `dialogym selfplay`: multi-agent games of SocialDeduction (v1 by default, `--env SocialDeduction-v0`
 * for the legacy version). Several agents take seats
 * (`--seats Red=expert,Blue=llm,Green=human`, or `--all expert` for every seat); the other seats are
 * played by the table (`--sim scripted|llm`). Writes one episode record per agent seat per game.
 */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { createAgent } from '../../agents/registry.js';
import type { Agent } from '../../agents/types.js';
import { ConfigError } from '../../core/errors.js';
import { JsonlWriter } from '../../core/jsonl.js';
import { validateRecord } from '../../core/record.js';
import { COLOURS } from '../../envs/social-deduction/engine.js';
import { DEFAULT_SELFPLAY_ENV, runSelfPlay } from '../../envs/social-deduction/multi-agent.js';
import { SOCIAL_VERSIONS } from '../../envs/social-deduction/define.js';
import { addLlmOptions, type LlmCliOptions, setupLlm } from '../llm-options.js';
import { nonNegativeInt, positiveInt } from '../run.js';

interface SelfPlayCliOptions extends LlmCliOptions {
  env: string;
  seats?: string;
  all?: string;
  games: number;
  seed: number;
  out: string;
  sim: string;
  kwargs?: string;
}

function parseSeats(spec: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([A-Za-z]+)=([\w-]+)$/.exec(part);
    if (!m) throw new ConfigError(`--seats: expected Colour=agent pairs like Red=expert,Blue=random, got '${part}'`);
    out[(m[1] as string)[0]!.toUpperCase() + (m[1] as string).slice(1).toLowerCase()] = m[2] as string;
  }
  return out;
}

export function register(program: Command): void {
  addLlmOptions(program.command('selfplay'))
    .description('Multi-agent SocialDeduction games: agents take seats, the table plays the rest; one record per agent seat')
    .option('--env <id>', 'SocialDeduction-v1 or the legacy SocialDeduction-v0', DEFAULT_SELFPLAY_ENV)
    .option('--seats <spec>', 'seats played by agents, e.g. Red=expert,Blue=random,Green=llm')
    .option('--all <agent>', 'give every seat to this agent (self-play)')
    .option('--games <n>', 'number of games', positiveInt('--games'), 10)
    .option('--seed <n>', 'seed of the first game; game i uses seed + i', nonNegativeInt('--seed'), 0)
    .requiredOption('--out <file>', 'output JSONL file')
    .option('--sim <kind>', 'table simulator for the other seats: scripted or llm', 'scripted')
    .option('--kwargs <json>', 'game kwargs as JSON (e.g. {"numPlayers": 6})')
    .action(async (opts: SelfPlayCliOptions) => {
      if (!opts.seats && !opts.all) throw new ConfigError('selfplay needs --seats or --all');
      if (!SOCIAL_VERSIONS[opts.env]) throw new ConfigError(`--env must be one of ${Object.keys(SOCIAL_VERSIONS).join(', ')}, got '${opts.env}'`);
      const ENV_ID = opts.env;
      if (!['scripted', 'llm'].includes(opts.sim)) throw new ConfigError(`--sim must be scripted or llm, got '${opts.sim}'`);
      if (existsSync(opts.out)) throw new ConfigError(`${opts.out} exists; choose another --out`);
      let kwargs: Record<string, unknown> = {};
      if (opts.kwargs) {
        try {
          kwargs = JSON.parse(opts.kwargs) as Record<string, unknown>;
        } catch {
          throw new ConfigError('--kwargs is not valid JSON');
        }
      }
      const n = typeof kwargs.numPlayers === 'number' ? kwargs.numPlayers : 5;
      const seatNames = opts.all ? Object.fromEntries(COLOURS.slice(0, n).map((c) => [c, opts.all as string])) : parseSeats(opts.seats ?? '');
      const colours = COLOURS.slice(0, n);
      for (const c of Object.keys(seatNames)) {
        if (!colours.includes(c)) throw new ConfigError(`selfplay: no seat '${c}' (players: ${colours.join(', ')})`);
      }
      const usesLlm = Object.values(seatNames).includes('llm');
      const llm = usesLlm || opts.sim === 'llm' ? await setupLlm(opts, { sim: opts.sim === 'llm', agent: usesLlm }) : undefined;
      const writer = JsonlWriter.open(opts.out);
      let wins = 0;
      try {
        for (let i = 0; i < opts.games; i++) {
          const seats: Record<string, Agent> = {};
          for (const [c, name] of Object.entries(seatNames)) seats[c] = createAgent(name, { envId: ENV_ID, llm: llm?.agent });
          const { records, game } = await runSelfPlay({
            envId: ENV_ID,
            seats,
            kwargs,
            seed: opts.seed + i,
            simulator: llm?.simulator ?? { kind: opts.sim },
            llm: llm?.sim,
          });
          for (const r of records) {
            // A person at the terminal never sees what happened after its last move; show it.
            if (seatNames[r.scenario.agent] === 'human') {
              process.stdout.write(`\n${r.turns[r.turns.length - 1]?.observation ?? ''}\n`);
            }
            const v = validateRecord(r);
            if (!v.ok) throw new Error(`record ${r.key} is invalid: ${v.errors.join('; ')}`);
            writer.write(r);
          }
          if (game.winner === 'crewmates') wins += 1;
          process.stderr.write(`game ${opts.seed + i}: ${game.winner ?? 'unfinished'} (${game.endReason ?? ''}), ${records.length} records\n`);
        }
      } finally {
        writer.close();
      }
      process.stdout.write(`${opts.games} game(s), crewmates won ${wins}; records in ${opts.out}\n`);
    });
}
