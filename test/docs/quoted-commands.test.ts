/**
 * Keeps the docs true: every `dialogym …` command quoted in the README and in docs/ (also written
 * `npx tsx cli/main.ts …` or `npm run dialogym -- …`) must name a real command (and subcommand), and
 * every `--flag` it uses must be one that command's `--help` accepts. Commands are parsed in process
 * with the real program, so a renamed flag or a removed command fails here.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { commands, createProgram } from '../../cli/program.js';
import { setupProgram } from '../../cli/run.js';
import { ROOT } from '../support/cli.js';

function markdownFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...markdownFiles(p));
    else if (name.endsWith('.md')) out.push(p);
  }
  return out;
}

const PROGRAM = /(?:^|[\s(|;&])(?:dialogym|npx tsx cli\/main\.ts|npm run dialogym --|node dist\/cli\/main\.js)\s+(.*)$/;

/** The code in a markdown text: fenced blocks (line by line, continuations joined) and inline code spans. */
function codeOf(text: string): string[] {
  const out: string[] = [];
  const fences = /^\s*```[^\n]*\n([\s\S]*?)^\s*```/gm;
  for (const m of text.matchAll(fences)) out.push(...(m[1] ?? '').replace(/\\\n\s*/g, ' ').split('\n'));
  const prose = text.replace(fences, '');
  for (const m of prose.matchAll(/`([^`\n]+)`/g)) out.push(m[1] as string);
  return out;
}

/** Every quoted invocation: the words after the program name in a code span or block. */
function quotedInvocations(text: string): string[] {
  const out: string[] = [];
  for (const code of codeOf(text)) {
    // A line may chain commands (`a && b`); each part is checked.
    for (const part of code.split(/&&|\|\||;|\|/)) {
      const m = PROGRAM.exec(part);
      const words = (m?.[1] ?? '').replace(/\s+#.*$/, '').trim();
      if (words && /^[a-z]/.test(words)) out.push(words.replace(/\s+/g, ' '));
    }
  }
  return out;
}

function program(): Command {
  return setupProgram(createProgram(), commands);
}

/** Problems with one quoted invocation, or [] when it parses. */
function check(root: Command, words: string): string[] {
  const tokens = words.split(/\s+/).filter(Boolean);
  const name = tokens[0] as string;
  const top = root.commands.find((c) => c.name() === name || c.aliases().includes(name));
  if (!top) return [`unknown command '${name}'`];
  let cmd: Command = top;
  let rest = tokens.slice(1);
  // Nested subcommands (e.g. `import p4g`).
  while (rest[0] && cmd.commands.length > 0) {
    const sub: Command | undefined = cmd.commands.find((c) => c.name() === rest[0]);
    if (!sub) break;
    cmd = sub;
    rest = rest.slice(1);
  }
  const known = new Set<string>(['--help', '-h']);
  for (const o of cmd.options) {
    if (o.long) known.add(o.long);
    if (o.short) known.add(o.short);
    if (o.long?.startsWith('--no-')) known.add(`--${o.long.slice(5)}`);
  }
  const problems: string[] = [];
  for (const t of rest) {
    if (!t.startsWith('-')) continue;
    const flag = t.split('=')[0] as string;
    if (!known.has(flag)) problems.push(`'${cmd.name()}' has no option ${flag}`);
  }
  return problems;
}

const files = [join(ROOT, 'README.md'), ...markdownFiles(join(ROOT, 'docs'))];

describe('commands quoted in the docs', () => {
  it('finds quoted commands to check', () => {
    const all = files.flatMap((f) => quotedInvocations(readFileSync(f, 'utf8')));
    expect(all.length).toBeGreaterThan(20);
  });

  for (const f of files) {
    it(`${f.slice(ROOT.length)}: every quoted command and flag exists`, () => {
      const root = program();
      const problems: string[] = [];
      for (const words of quotedInvocations(readFileSync(f, 'utf8'))) {
        for (const p of check(root, words)) problems.push(`${p}  ←  dialogym ${words}`);
      }
      expect(problems).toEqual([]);
    });
  }

  it('catches an unknown flag and an unknown command', () => {
    const root = program();
    expect(check(root, 'rollout --env X --no-such-flag 3')).toEqual(["'rollout' has no option --no-such-flag"]);
    expect(check(root, 'frobnicate --x')).toEqual(["unknown command 'frobnicate'"]);
    expect(check(root, 'import p4g --out x.jsonl')).toEqual([]);
    expect(quotedInvocations('run `dialogym audit Persuasion-v1 --short` then\n```sh\nnpx tsx cli/main.ts eval \\\n  --agent expert\n```')).toEqual([
      'eval --agent expert',
      'audit Persuasion-v1 --short',
    ]);
  });
});
