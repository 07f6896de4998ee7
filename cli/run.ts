/**
 * Turns every way a command can fail into one clear line and an exit code: 2 for a bad invocation or
 * configuration (unknown flag, bad value, unknown env, unreadable file), 1 for a run that failed.
 */
import { type Command, CommanderError, InvalidArgumentError } from 'commander';
import { ConfigError } from '../core/errors.js';
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

function oneLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.replace(/\s*\n\s*/g, ' ');
}

/** commander argument parser for positive integers. */
export function positiveInt(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive integer, got '${v}'`);
    return n;
  };
}

/** commander argument parser for non-negative integers. */
export function nonNegativeInt(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a non-negative integer, got '${v}'`);
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
