/**
 * Turns every way a command can fail into one clear line and an exit code: 2 for a bad invocation or
 * configuration (unknown flag, bad value, unknown env, unreadable file), 1 for a run that failed.
 */
import { type Command, CommanderError, InvalidArgumentError } from 'commander';
import { ConfigError } from '../core/errors.js';
import { terminalSafe } from '../core/input.js';
import { MAX_CONCURRENCY, MAX_SEED, MAX_STEPS, MAX_TIMER_MS, maxWorkers } from '../core/limits.js';
import { removeLiveTemps } from '../core/output.js';
import { SchemaError } from '../core/schema.js';

export async function runCli(
  program: Command,
  commands: { register(program: Command): void }[],
  argv: string[],
): Promise<void> {
  // `dialogym list | head` closes the pipe early: that is the reader's choice, not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
  // An interrupted run leaves no temporary files behind (partial files of resumable runs stay:
  // they are line-complete and `--resume` continues them).
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.once(signal, () => {
      removeLiveTemps();
      // A command with its own handler (serve drains its sessions) decides when to exit.
      if (process.listenerCount(signal) === 0) process.exit(code);
    });
  }
  setupProgram(program, commands);
  try {
    await program.parseAsync(argv);
  } catch (err) {
    process.exitCode = exitCodeFor(err);
    if (!(err instanceof CommanderError)) {
      process.stderr.write(`dialogym: ${oneLine(err)}\n`);
      if (process.env.DIALOGYM_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    }
  }
}

/** Registers the commands with the error handling every command shares. */
export function setupProgram(program: Command, commands: { register(program: Command): void }[]): Command {
  program.exitOverride();
  program.showHelpAfterError('(run with --help for usage)');
  program.configureOutput({ writeErr: (s) => process.stderr.write(s) });
  for (const c of commands) c.register(program);
  for (const c of program.commands) c.exitOverride();
  return program;
}

function exitCodeFor(err: unknown): number {
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') {
      return 0;
    }
    return 2;
  }
  if (err instanceof ConfigError || err instanceof SchemaError || err instanceof InvalidArgumentError) return 2;
  return 1;
}

/** The message on one line, with anything quoted from an input escaped (no raw control bytes). */
function oneLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return terminalSafe(msg.replace(/\s*\n\s*/g, ' '), 2000);
}

const INTEGER = /^\s*\+?\d+(?:[eE]\+?\d+)?\s*$/;

/**
 * commander argument parser for an integer in [min, max] (decimal digits, `1e3` allowed). Every
 * numeric flag has an upper bound: see core/limits.ts.
 */
export function intInRange(name: string, min: number, max: number, what = 'an integer') {
  return (v: string): number => {
    const n = INTEGER.test(v) ? Number(v) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`${name} must be ${what} from ${min} to ${max}, got '${terminalSafe(v, 40)}'`);
    }
    return n;
  };
}

/** commander argument parser for positive integers (at most `max`, default 1,000,000). */
export function positiveInt(name: string, max = 1_000_000) {
  return intInRange(name, 1, max);
}

/** commander argument parser for non-negative integers (at most `max`, default 1,000,000). */
export function nonNegativeInt(name: string, max = 1_000_000) {
  return intInRange(name, 0, max);
}

/** A seed: an integer in [0, 2^31 − 1] (see core/limits.ts). */
export function seedArg(name = '--seed') {
  return intInRange(name, 0, MAX_SEED, 'a seed');
}

/** Episodes in flight in one process. */
export function concurrencyArg(name = '--concurrency') {
  return intInRange(name, 1, MAX_CONCURRENCY);
}

/** Worker threads: 0 (this thread) to a small multiple of the cores. */
export function workersArg(name = '--workers') {
  return intInRange(name, 0, maxWorkers(), `an integer (0 = this thread; at most ${maxWorkers()} on this machine's cores)`);
}

/** A step limit: at least 1, everywhere. */
export function maxStepsArg(name = '--max-steps') {
  return intInRange(name, 1, MAX_STEPS, 'a step limit');
}

/** A duration in ms that becomes a Node timer. */
export function timerMsArg(name: string, min = 1) {
  return intInRange(name, min, MAX_TIMER_MS, 'a duration in ms');
}

/**
 * Seeds `seed` to `seed + count - 1` must all be valid seeds (distinct keys): checked before any
 * work, with a message naming both flags.
 */
export function checkSeedRange(seed: number, count: number, flags = '--seed + --episodes'): void {
  if (seed + count - 1 > MAX_SEED) {
    throw new ConfigError(
      `${flags} runs past the largest seed ${MAX_SEED} (seeds ${seed} to ${seed + count - 1}); lower one of them`,
    );
  }
}

/** commander argument parser for a finite number in [min, max]. */
export function numberInRange(name: string, min: number, max: number) {
  return (v: string): number => {
    const n = v.trim() === '' ? Number.NaN : Number(v);
    if (!Number.isFinite(n) || n < min || n > max) {
      throw new InvalidArgumentError(`${name} must be a number from ${min} to ${max}, got '${terminalSafe(v, 40)}'`);
    }
    return n;
  };
}

/** commander argument parser for a JSON object (env kwargs). */
export function jsonObject(name: string) {
  return (v: string): Record<string, unknown> => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(v);
    } catch (e) {
      throw new InvalidArgumentError(`${name} must be a JSON object (${(e as Error).message})`);
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new InvalidArgumentError(`${name} must be a JSON object, got ${v}`);
    }
    return parsed as Record<string, unknown>;
  };
}

/**
 * The output flags every command that writes files shares (see core/output.ts): `--force` to
 * replace an existing output and, where the command can continue a run, `--resume`.
 */
export function addOutputFlags(cmd: Command, opts: { resumable: boolean }): Command {
  cmd.option('--force', 'replace an existing output (it stays untouched until this run succeeds)');
  if (opts.resumable) {
    cmd.option('--resume', 'continue an interrupted or shorter run: keep the matching records already written, run the rest');
  }
  return cmd;
}

/** The summary line for episodes cut short by a dead endpoint and not written. */
export function discardedNote(d: { episodes: number; tokens: number; cost: number }): string {
  return (
    `${d.episodes} episode(s) cut short by the endpoint outage were not written (a resume redoes them); ` +
    `they used ${d.tokens} tokens${d.cost ? ` ($${d.cost.toFixed(4)})` : ''}, counted in no record`
  );
}
