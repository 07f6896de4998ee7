/**
 * `dialogym selfplay`: multi-agent games of SocialDeduction (v1 by default, `--env SocialDeduction-v0`
 * for the legacy version). Several agents take seats
 * (`--seats Red=expert,Blue=llm,Green=human`, or `--all expert` for every seat); the other seats are
 * played by the table (`--sim scripted|llm`). Writes one episode record per agent seat per game.
 */
import type { Command } from 'commander';
import { createAgent } from '../../agents/registry.js';
import type { Agent } from '../../agents/types.js';
import { ConfigError } from '../../core/errors.js';
import { MAX_EPISODES } from '../../core/limits.js';
import { checkOutput, JsonlOutput } from '../../core/output.js';
import { validateRecord } from '../../core/record.js';
import { checkKwargs } from '../../core/registry.js';
import { recordResumeCheck } from '../../core/resume.js';
import type { Json } from '../../core/types.js';
import { COLOURS } from '../../envs/social-deduction/engine.js';
import { DEFAULT_SELFPLAY_ENV, runSelfPlay } from '../../envs/social-deduction/multi-agent.js';
import { SOCIAL_VERSIONS } from '../../envs/social-deduction/define.js';
import { addLlmOptions, type LlmCliOptions, setupLlm } from '../llm-options.js';
import { progress } from '../progress.js';
import { addOutputFlags, checkSeedRange, jsonObject, positiveInt, seedArg } from '../run.js';

interface SelfPlayCliOptions extends LlmCliOptions {
  env: string;
  seats?: string;
  all?: string;
  games: number;
  seed: number;
  out: string;
  sim: string;
  kwargs?: Record<string, unknown>;
  resume?: boolean;
  force?: boolean;
  progress: boolean;
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
  const cmd = addLlmOptions(program.command('selfplay'))
    .description('Multi-agent SocialDeduction games: agents take seats, the table plays the rest; one record per agent seat')
    .option('--env <id>', 'SocialDeduction-v1 or the legacy SocialDeduction-v0', DEFAULT_SELFPLAY_ENV)
    .option('--seats <spec>', 'seats played by agents, e.g. Red=expert,Blue=random,Green=llm')
    .option('--all <agent>', 'give every seat to this agent (self-play)')
    .option('--games <n>', 'number of games', positiveInt('--games', MAX_EPISODES), 10)
    .option('--seed <n>', 'seed of the first game; game i uses seed + i (seeds 0 to 2^31-1)', seedArg('--seed'), 0)
    .requiredOption('--out <file>', 'output JSONL file (written as <file>.partial until the run completes)')
    .option('--sim <kind>', 'table simulator for the other seats: scripted or llm', 'scripted')
    .option('--kwargs <json>', 'game kwargs as JSON (e.g. {"numPlayers": 6})', jsonObject('--kwargs'))
    .option('--no-progress', 'no progress bar or progress lines');
  addOutputFlags(cmd, { resumable: true }).action(async (opts: SelfPlayCliOptions) => {
    if (!opts.seats && !opts.all) throw new ConfigError('selfplay needs --seats or --all');
    const version = SOCIAL_VERSIONS[opts.env];
    if (!version) throw new ConfigError(`--env must be one of ${Object.keys(SOCIAL_VERSIONS).join(', ')}, got '${opts.env}'`);
    const ENV_ID = opts.env;
    if (!['scripted', 'llm'].includes(opts.sim)) throw new ConfigError(`--sim must be scripted or llm, got '${opts.sim}'`);
    checkSeedRange(opts.seed, opts.games, '--seed + --games');
    const kwargs = (opts.kwargs ?? {}) as Record<string, Json>;
    checkKwargs(ENV_ID, kwargs);
    const n = typeof kwargs.numPlayers === 'number' ? kwargs.numPlayers : 5;
    const seatNames = opts.all ? Object.fromEntries(COLOURS.slice(0, n).map((c) => [c, opts.all as string])) : parseSeats(opts.seats ?? '');
    const colours = COLOURS.slice(0, n);
    for (const c of Object.keys(seatNames)) {
      if (!colours.includes(c)) throw new ConfigError(`selfplay: no seat '${c}' (players: ${colours.join(', ')})`);
    }
    for (const name of Object.values(seatNames)) if (name !== 'llm') createAgent(name, { envId: ENV_ID });
    const outFlags = { force: opts.force, resume: opts.resume, resumable: true };
    checkOutput(opts.out, outFlags);
    const usesLlm = Object.values(seatNames).includes('llm');
    const llm = usesLlm || opts.sim === 'llm' ? await setupLlm(opts, { sim: opts.sim === 'llm', agent: usesLlm }) : undefined;
    const makeSeats = () => {
      const seats: Record<string, Agent> = {};
      for (const [c, name] of Object.entries(seatNames)) seats[c] = createAgent(name, { envId: ENV_ID, llm: llm?.agent });
      return seats;
    };
    // What each seat's record must say about how the game was run, to prove a resumed file is this run.
    const probe = makeSeats();
    const tableKind = (llm?.simulator ?? { kind: opts.sim }).kind;
    const seatsJson = Object.fromEntries(colours.map((c) => [c, probe[c]?.id ?? `table:${tableKind}`]));
    const base = { envId: ENV_ID, envVersion: version.version, kwargs: { ...version.defaultKwargs, ...kwargs }, maxEpisodeSteps: null };
    const simulator = { kind: 'multi-agent', table: tableKind, seats: seatsJson };
    const keyRe = new RegExp(`^${ENV_ID}/selfplay/(\\d+)/([A-Za-z]+)$`);
    const resumeCheck = recordResumeCheck({
      file: opts.out,
      expected: (rec) => {
        const seat = keyRe.exec(rec.key)?.[2];
        const agent = seat ? probe[seat] : undefined;
        return { ...base, simulator, agent: agent ? { id: agent.id, config: agent.config ?? null } : { id: '(no agent seat)', config: null } };
      },
    });
    const out = await JsonlOutput.open(opts.out, { ...outFlags, check: resumeCheck.check });
    const have = resumeCheck.keys;
    const keyOf = (seed: number, seat: string) => `${ENV_ID}/selfplay/${seed}/${seat}`;
    const seatList = Object.keys(seatNames);
    let done = 0;
    for (const k of have) {
      const m = keyRe.exec(k);
      const seed = m ? Number(m[1]) : -1;
      if (seed >= opts.seed && seed < opts.seed + opts.games && m?.[2] === seatList[0] && seatList.every((c) => have.has(keyOf(seed, c)))) done += 1;
    }
    const bar = progress({ label: 'selfplay', total: opts.games, start: done, unit: 'games', enabled: opts.progress });
    let wins = 0;
    let played = 0;
    try {
      for (let i = 0; i < opts.games; i++) {
        const seed = opts.seed + i;
        if (seatList.every((c) => have.has(keyOf(seed, c)))) continue;
        const { records, game } = await runSelfPlay({
          envId: ENV_ID,
          seats: makeSeats(),
          kwargs,
          seed,
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
          // A game cut by kill -9 between its seats' records is played again; only its missing seats are written.
          if (!have.has(r.key)) out.write(r);
        }
        played += 1;
        if (game.winner === 'crewmates') wins += 1;
        bar.tick();
        if (!opts.progress || !process.stderr.isTTY) {
          process.stderr.write(`game ${seed}: ${game.winner ?? 'unfinished'} (${game.endReason ?? ''}), ${records.length} records\n`);
        }
      }
      bar.stop();
      out.commit();
    } finally {
      bar.stop();
      out.close();
    }
    process.stdout.write(
      `${played} game(s) played${done ? `, ${done} already done` : ''}, crewmates won ${wins} of the played; ` +
        `${out.resumed + out.written} records in ${opts.out}\n`,
    );
  });
}
