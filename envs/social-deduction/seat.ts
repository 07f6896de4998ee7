/**
 * One seat at the table, as a policy sees it: the instructions, the text of what the player
 * observed, the prompt for what it must do now, and the parser of its text actions. Shared by the
 * single-agent env and the multi-agent runner, so a player reads and answers the same way in both.
 *
 * Action grammar (case-insensitive):
 *   action phase  `move north|south|east|west`, `do task`, `kill <Colour>`, `report <Colour>`, `wait`
 *   survey        `SURVEY <Colour>` (all on one player), `SURVEY uniform`,
 *                 `SURVEY {"Red": 0.7, "Blue": 0.3}` or `SURVEY Red:0.7, Blue:0.3` (normalised)
 *   discussion    `SAY <message>` (free text, at most 500 characters)
 *   vote          `VOTE <Colour>` or `VOTE skip`
 */
import type { TranscriptEntry } from '../../core/types.js';
import {
  canonicalAction,
  currentSpeaker,
  type GameState,
  type LogEntry,
  legalActions,
  MAX_MESSAGE_CHARS,
  roleOf,
  roomName,
  surveyRequests,
  taskStatus,
  voteRequests,
} from './engine.js';

export type Awaiting = 'action' | 'survey' | 'speak' | 'vote';

/**
 * Which version's text a seat gets. v1: the action prompt always states the player's room and what is
 * visible there (players and bodies); the instructions explain ticks and checkable claims; the sample
 * sayings are claims with ticks.
 */
export interface SeatStyle {
  version: 0 | 1;
}

const V0: SeatStyle = { version: 0 };

export type SeatDecision =
  | { kind: 'act'; action: string }
  | { kind: 'survey'; dist: Record<string, number> }
  | { kind: 'say'; text: string }
  | { kind: 'vote'; target: string };

/** What `player` must do now, or null when the game does not wait for it. */
export function awaitingOf(g: GameState, player: string): Awaiting | null {
  if (g.phase === 'action') {
    const me = g.players[player];
    return me?.alive && me.busy === 0 ? 'action' : null;
  }
  if (g.phase === 'discussion') {
    if (g.meeting?.step === 'survey') return surveyRequests(g).some((r) => r.player === player) ? 'survey' : null;
    return currentSpeaker(g) === player ? 'speak' : null;
  }
  if (g.phase === 'voting') return voteRequests(g).some((r) => r.player === player) ? 'vote' : null;
  return null;
}

export function instructionsFor(g: GameState, player: string, surveyMode: string, style: SeatStyle = V0): string {
  const s = g.setup;
  const role = roleOf(g, player);
  const mates = s.imposters.filter((i) => i !== player);
  const grid: string[] = [];
  for (let r = 0; r < s.height; r++) {
    grid.push(
      Array.from({ length: s.width }, (_, c) => roomName(s, r * s.width + c)).join(' | '),
    );
  }
  const lines = [
    `You are ${player} in a social deduction game (like Among Us) with ${s.players.length} players: ${s.players.join(', ')}.`,
    role === 'imposter'
      ? `Your role: IMPOSTER${mates.length ? ` (fellow imposters: ${mates.join(', ')})` : ''}. You win when the imposters are at least as many as the living crewmates, or when time runs out (${g.rules.maxTicks} ticks). You can kill a crewmate in your room when your kill cooldown is over (${g.rules.killCooldown} ticks after each kill and each meeting); anyone watching in that room sees it.`
      : `Your role: CREWMATE. There ${s.imposters.length === 1 ? 'is 1 imposter' : `are ${s.imposters.length} imposters`} among the others. Crewmates win when every imposter is voted out or when all living crewmates finish their tasks. Each task takes ${g.rules.taskTicks} ticks during which you see nothing.`,
    `Map (north at the top; move between neighbouring rooms):\n${grid.map((l) => `  ${l}`).join('\n')}`,
    `Everyone starts in the ${roomName(s, s.startRoom)}. Reporting a body calls a meeting: ${g.rules.discussionRounds} round(s) of discussion in a shuffled order, then a vote (most votes is ejected; a tie or skip ejects no one).`,
    surveyMode === 'ask'
      ? 'Before every message in a meeting, everyone answers a private survey: which player are you most suspicious of?'
      : 'Meetings include a private suspicion survey; yours is not asked.',
    'Actions — action phase: `move north|south|east|west`, `do task`, `kill <Colour>`, `report <Colour>`, `wait`. ' +
      'Survey: `SURVEY <Colour>`, `SURVEY uniform` or `SURVEY {"Red": 0.7, "Blue": 0.3}`. Meeting: `SAY <message>`. Vote: `VOTE <Colour>` or `VOTE skip`.',
  ];
  if (style.version === 1) {
    lines.push(
      'Every observation is stamped with its tick. In meetings, claims with ticks can be checked by anyone who was there: ' +
        '"I was in the Storage from tick 4 to tick 7", "I saw Red in the Weapons at tick 9", "I saw Red kill Blue in the Weapons", ' +
        '"Red is lying", "I think Red is the imposter", "I skip". A claim someone can refute costs the speaker credibility; ' +
        'players vote for the suspect they last named unless new evidence changes their mind.',
    );
  }
  return lines.join('\n');
}

/** The player's observations as transcript lines: table talk under the speaker's name, the rest as 'game'. */
export function transcriptFor(g: GameState, player: string): TranscriptEntry[] {
  return (g.logs[player] ?? []).map(entryLine(player));
}

function entryLine(player: string) {
  return (e: LogEntry): TranscriptEntry =>
    e.kind === 'message' ? { role: e.speaker === player ? 'agent' : e.speaker, text: e.message } : { role: 'game', text: e.text };
}

/** Text of log entries `from` onwards (own messages left out) followed by the prompt. */
export function newTextFor(g: GameState, player: string, from: number, surveyMode: string, style: SeatStyle = V0): string {
  const lines: string[] = [];
  for (const e of (g.logs[player] ?? []).slice(from)) {
    if (e.kind === 'message' && e.speaker === player) continue;
    lines.push(e.text);
  }
  const prompt = promptFor(g, player, surveyMode, style);
  if (prompt) lines.push(prompt);
  return lines.join('\n');
}

function statusLine(g: GameState, player: string): string {
  const me = g.players[player];
  if (!me) return '';
  if (roleOf(g, player) === 'imposter') {
    return me.cooldown > 0 ? `Your kill cooldown: ${me.cooldown} tick(s).` : 'Your kill is ready.';
  }
  const tasks = taskStatus(g, player);
  const open = tasks.filter((t) => !t.done).map((t) => `${roomName(g.setup, t.room)} (${t.progress}/${g.rules.taskTicks})`);
  return open.length ? `Your open tasks: ${open.join(', ')}.` : 'All your tasks are done.';
}

/** v1: where the player is and what it sees there, bodies included (always in the action prompt). */
function whereLine(g: GameState, player: string): string {
  const me = g.players[player];
  if (!me) return '';
  const others = g.setup.players.filter((o) => o !== player && g.players[o]?.alive && g.players[o]?.room === me.room);
  const bodies = g.bodies.filter((b) => b.room === me.room).map((b) => b.player);
  let text = `You are in the ${roomName(g.setup, me.room)}. ${others.length ? `You see ${others.join(', ')}.` : 'Nobody else is here.'}`;
  if (bodies.length) text += ` The dead body of ${bodies.join(', ')} lies here.`;
  return text;
}

/** The question for the player now, with its legal actions (empty when it need not act). */
export function promptFor(g: GameState, player: string, surveyMode: string, style: SeatStyle = V0): string {
  const a = awaitingOf(g, player);
  if (a === 'action') {
    const where = style.version === 1 ? `${whereLine(g, player)} ` : '';
    return `[tick ${g.tick}] ${where}${statusLine(g, player)} Legal actions: ${legalFor(g, player, surveyMode).join(' | ')}`;
  }
  if (a === 'survey' && surveyMode === 'ask') {
    return `SURVEY: which player are you most suspicious of? Answer with ${legalFor(g, player, surveyMode).join(' | ')} or a distribution like SURVEY {"Red": 0.6, "Blue": 0.4}.`;
  }
  if (a === 'speak') return 'Your turn to speak: SAY <message> (e.g. SAY I was in the Storage doing tasks. I saw Red near the body.)';
  if (a === 'vote') return `VOTE: ${legalFor(g, player, surveyMode).join(' | ')}`;
  return '';
}

/** The finite legal actions now (none while speaking: the message is free text). */
export function legalFor(g: GameState, player: string, surveyMode: string): string[] {
  const a = awaitingOf(g, player);
  if (a === 'action') return legalActions(g, player);
  if (a === 'survey' && surveyMode === 'ask') {
    const req = surveyRequests(g).find((r) => r.player === player);
    return [...(req?.candidates ?? []).map((c) => `SURVEY ${c}`), 'SURVEY uniform'];
  }
  if (a === 'vote') return (voteRequests(g).find((r) => r.player === player)?.options ?? []).map((o) => `VOTE ${o}`);
  return [];
}

export function sampleSayings(g: GameState, player: string, style: SeatStyle = V0): string[] {
  const others = g.setup.players.filter((p) => p !== player && g.players[p]?.alive);
  const a = others[0] ?? 'Red';
  const b = others[1] ?? a;
  const room = roomName(g.setup, g.players[player]?.room ?? 0);
  if (style.version === 1) {
    const t = Math.max(0, g.tick - 1);
    return ["SAY I don't know yet, I'll skip.", `SAY I was in the ${room} at tick ${t}.`, `SAY I saw ${a} in the ${room} at tick ${t}.`, `SAY I think ${a} is the imposter.`, `SAY ${b} is lying.`];
  }
  return [`SAY I was in the ${room} doing tasks.`, `SAY I think ${a} is sus.`, `SAY I saw ${a} near the body.`, `SAY ${b} is innocent, I was with ${b}.`];
}

function parseDistribution(text: string, candidates: string[]): Record<string, number> | string {
  const t = text.trim();
  const byName = (n: string) => candidates.find((c) => c.toLowerCase() === n.trim().toLowerCase());
  if (/^uniform$/i.test(t)) return Object.fromEntries(candidates.map((c) => [c, 1 / candidates.length]));
  const one = byName(t);
  if (one) return Object.fromEntries(candidates.map((c) => [c, c === one ? 1 : 0]));
  let raw: Record<string, unknown>;
  if (t.startsWith('{')) {
    try {
      const v = JSON.parse(t) as unknown;
      if (!v || typeof v !== 'object' || Array.isArray(v)) return 'the survey must be a JSON object of player: probability';
      raw = v as Record<string, unknown>;
    } catch {
      return 'the survey is not valid JSON';
    }
  } else {
    raw = {};
    for (const part of t.split(/[,;]\s*/)) {
      const m = /^\s*([A-Za-z]+)\s*[:=]\s*([0-9.eE+-]+)\s*$/.exec(part);
      if (!m) return `cannot read '${part.trim()}' (expected a living player's colour, 'uniform', or Colour:probability pairs)`;
      raw[m[1] as string] = Number(m[2]);
    }
  }
  const out: Record<string, number> = Object.fromEntries(candidates.map((c) => [c, 0]));
  let sum = 0;
  for (const [k, v] of Object.entries(raw)) {
    const c = byName(k);
    if (!c) return `'${k}' is not a living player you can suspect (${candidates.join(', ')})`;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) return `the probability for ${c} must be a non-negative number`;
    out[c] = v;
    sum += v;
  }
  if (!(sum > 0)) return 'the probabilities must not all be zero';
  for (const c of candidates) out[c] = (out[c] as number) / sum;
  return out;
}

/** Turn a text action of `player` into a decision for what it is asked now, or a reason it is not one. */
export function parseSeatAction(g: GameState, player: string, action: string, surveyMode: string, style: SeatStyle = V0): SeatDecision | { invalid: string } {
  const text = typeof action === 'string' ? action.trim() : '';
  const a = awaitingOf(g, player);
  if (a === null || (a === 'survey' && surveyMode !== 'ask')) return { invalid: 'nothing is asked of you right now' };
  if (a === 'action') {
    const legal = legalActions(g, player);
    const c = canonicalAction(text, legal);
    if (!c) return { invalid: `'${text.slice(0, 60)}' is not a legal action now` };
    return { kind: 'act', action: c };
  }
  if (a === 'survey') {
    const m = /^SURVEY\b\s*([\s\S]*)$/i.exec(text);
    if (!m || !(m[1] as string).trim()) return { invalid: 'a survey answer is expected: SURVEY <Colour> | SURVEY uniform | SURVEY {"Red": 0.6, ...}' };
    const candidates = surveyRequests(g).find((r) => r.player === player)?.candidates ?? [];
    const d = parseDistribution(m[1] as string, candidates);
    if (typeof d === 'string') return { invalid: d };
    return { kind: 'survey', dist: d };
  }
  if (a === 'speak') {
    const m = /^SAY\b\s*([\s\S]*)$/i.exec(text);
    // v1: a bare SAY is saying nothing (silence is a move, and an invalid one would stall the game).
    if (m && !(m[1] as string).trim() && style.version === 1) return { kind: 'say', text: '...' };
    if (!m || !(m[1] as string).trim()) return { invalid: 'it is your turn to speak: SAY <message>' };
    const msg = (m[1] as string).trim();
    if (msg.length > MAX_MESSAGE_CHARS) return { invalid: `message longer than ${MAX_MESSAGE_CHARS} characters` };
    return { kind: 'say', text: msg };
  }
  const m = /^VOTE\b\s*(\S+)\s*$/i.exec(text);
  const options = voteRequests(g).find((r) => r.player === player)?.options ?? [];
  const target = m ? options.find((o) => o.toLowerCase() === (m[1] as string).toLowerCase()) : undefined;
  if (!target) return { invalid: `a vote is expected: ${options.map((o) => `VOTE ${o}`).join(' | ')}` };
  return { kind: 'vote', target };
}
