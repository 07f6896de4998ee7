/**
 * Reads a SocialDeduction observation back into structure, for agents that must act on the
 * observation alone: the seat, role and map from the instructions, and each transcript line as the
 * log entry it renders. Inverse of the text written by envs/social-deduction/engine.ts and seat.ts.
 */
import type { TranscriptEntry } from '../../core/types.js';
import type { GameSetup, LogEntry } from '../../envs/social-deduction/engine.js';

export interface SeatFacts {
  self: string;
  role: 'crewmate' | 'imposter';
  teammates: string[];
  setup: GameSetup;
}

function list(text: string): string[] {
  return text
    .split(/,\s*/)
    .map((s) => s.trim())
    .filter(Boolean);
}

export function readInstructions(instructions: string): SeatFacts | null {
  const who = /^You are (\w+) in a social deduction game .* with \d+ players: ([^.]+)\./m.exec(instructions);
  if (!who) return null;
  const self = who[1] as string;
  const players = list(who[2] as string);
  const imp = /Your role: IMPOSTER(?: \(fellow imposters: ([^)]+)\))?/.exec(instructions);
  const teammates = imp?.[1] ? list(imp[1]) : [];
  const mapBlock = /Map \(north at the top[^\n]*\n((?: {2}.*\n?)+)/.exec(instructions);
  // One map row per line, rooms separated by ' | '.
  const grid = (mapBlock?.[1] ?? '')
    .split('\n')
    .filter((l) => l.startsWith('  '))
    .map((l) => l.trim().split(' | ').map((n) => n.trim()));
  const width = grid[0]?.length ?? 1;
  const height = grid.length || 1;
  const roomNames = grid.flat();
  const start = /Everyone starts in the ([^.]+)\./.exec(instructions)?.[1] ?? roomNames[0] ?? '';
  const setup: GameSetup = {
    players,
    imposters: imp ? [self, ...teammates] : [],
    width,
    height,
    roomNames,
    startRoom: Math.max(0, roomNames.indexOf(start)),
    tasks: {},
  };
  return { self, role: imp ? 'imposter' : 'crewmate', teammates, setup };
}

/** The log entry a transcript line renders, or null for lines the minds do not use. */
export function readEntry(e: TranscriptEntry, self: string, setup: GameSetup): LogEntry | null {
  const room = (name: string) => setup.roomNames.indexOf(name.trim());
  if (e.role !== 'game') {
    const speaker = e.role === 'agent' ? self : e.role;
    return { kind: 'message', t: 0, text: `${speaker}: ${e.text}`, speaker, message: e.text };
  }
  const t = e.text;
  let m = /^\[tick (\d+)\] You are in the (.+?) \(exits: [^)]*\)\. (?:You see ([^.!]+)\.|You are alone\.)(?: You see the dead body of ([^!]+)!)?/.exec(t);
  if (m) {
    return {
      kind: 'see',
      t: Number(m[1]),
      text: t,
      room: room(m[2] as string),
      players: m[3] ? list(m[3]) : [],
      bodies: m[4] ? list(m[4]) : [],
    };
  }
  m = /^You saw (\w+) kill (\w+) in the (.+)!$/.exec(t);
  if (m) return { kind: 'witness', t: 0, text: t, killer: m[1] as string, victim: m[2] as string, room: room(m[3] as string) };
  m = /^You killed (\w+) in the (.+)\.$/.exec(t);
  if (m) return { kind: 'killed', t: 0, text: t, victim: m[1] as string, room: room(m[2] as string) };
  m = /^\[tick (\d+)\] MEETING: (?:(\w+) reported the body of (.+?)|the body of (.+?) was found)\. Living players: ([^.]+)\./.exec(t);
  if (m) {
    const bodies = [...((m[3] ?? m[4]) as string).matchAll(/(\w+) \(in the ([^)]+)\)/g)].map((b) => ({ player: b[1] as string, room: room(b[2] as string) }));
    return { kind: 'meeting', t: Number(m[1]), text: t, reporter: m[2] ?? null, bodies, living: list(m[5] as string) };
  }
  m = /^Votes: .*?(?:(\w+) was ejected\.(?: \w+ was (not )?an imposter\.)?|No one was ejected)/.exec(t);
  if (m) {
    const ejected = m[1] ?? null;
    const confirmed = /was (not )?an imposter\./.exec(t);
    return { kind: 'vote', t: 0, text: t, votes: {}, ejected, wasImposter: ejected && confirmed ? !confirmed[1] : null };
  }
  return null;
}

/** Rooms of the open tasks named in the latest status line ("Your open tasks: Weapons (0/3), ..."). */
export function readOpenTasks(text: string, setup: GameSetup): number[] | null {
  const m = /Your open tasks: ([^.]+)\./.exec(text);
  if (!m) return /All your tasks are done\./.test(text) ? [] : null;
  return [...(m[1] as string).matchAll(/([^,(]+?) \(\d+\/\d+\)/g)]
    .map((x) => setup.roomNames.indexOf((x[1] as string).trim()))
    .filter((r) => r >= 0);
}
