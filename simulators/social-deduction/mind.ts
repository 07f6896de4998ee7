/**
 * The mind of one scripted player of the social deduction game: what it has seen, whom it trusts,
 * whom it suspects, and how it acts, answers the survey, talks and votes.
 *
 * It reads only what its player observed (the structured log entries the engine wrote for it) and
 * the table talk, so the same mind drives the default simulated players and, fed from parsed
 * observation text, the expert agent. Its state is plain JSON (`MindState`); every function takes
 * the state and mutates it in place (the owner copies it when it snapshots).
 *
 * Crewmates build suspicion from evidence (witnessed kills, who was last seen with a victim, who was
 * near a body) and from claims in the discussion, weighted by their trust in the speaker. A claim that
 * contradicts their own evidence costs the speaker trust and raises suspicion of the speaker, so a
 * true specific accusation moves them far more than a vague or false one. The imposter lies
 * plausibly: an alibi in a room it really visited away from its kills, deflection onto its accuser,
 * and bandwagoning on whoever the table already suspects.
 */
import type { Rng } from '../../core/rng.js';
import {
  type GameSetup,
  type LogEntry,
  type Role,
  distance,
  roomName,
  stepToward,
} from '../../envs/social-deduction/engine.js';
import { type Claim, parseClaims } from './claims.js';

export interface MindParams {
  /** Initial trust in every other player, in [0, 1]. */
  trust: number;
  /** Survey softmax temperature over suspicion scores. */
  temperature: number;
  /** A crewmate votes for its top suspect only when the survey gives it at least this probability. */
  voteThreshold: number;
  /** Probability that a scripted imposter kills with witnesses around. */
  recklessness: number;
}

export const DEFAULT_MIND_PARAMS: MindParams = { trust: 0.6, temperature: 1, voteThreshold: 0.45, recklessness: 0.1 };

interface Sighting {
  t: number;
  room: number;
}

export interface MindState {
  self: string;
  role: Role;
  teammates: string[];
  tick: number;
  room: number;
  /** Own sightings of each player (most recent last, capped). */
  seen: Record<string, Sighting[]>;
  /** Last time each player was seen alive, and who else was in the room then. */
  lastAlive: Record<string, { t: number; room: number; with: string[] }>;
  ownRooms: Sighting[];
  witnessed: { killer: string; victim: string; room: number; t: number }[];
  dead: string[];
  bodyRoom: Record<string, number>;
  suspicion: Record<string, number>;
  trust: Record<string, number>;
  /** Current meeting: its start tick, new bodies, and who accused whom. */
  meeting: { t: number; since: number; bodies: { player: string; room: number }[]; accusers: Record<string, string[]>; spoke: number; fakeRoom: number | null } | null;
  lastMeetingT: number;
  lastAccused: string | null;
  frame: string | null;
  /** Room where the imposter truly saw `frame`, near a body. */
  frameRoom: number | null;
  killRooms: number[];
  lastKillT: number;
}

const SIGHTINGS_KEPT = 16;

export function newMind(self: string, role: Role, teammates: string[], setup: GameSetup, params: MindParams): MindState {
  const suspicion: Record<string, number> = {};
  const trust: Record<string, number> = {};
  for (const p of setup.players) {
    if (p === self) continue;
    suspicion[p] = 0;
    trust[p] = teammates.includes(p) ? 1 : params.trust;
  }
  return {
    self,
    role,
    teammates,
    tick: 0,
    room: setup.startRoom,
    seen: {},
    lastAlive: {},
    ownRooms: [],
    witnessed: [],
    dead: [],
    bodyRoom: {},
    suspicion,
    trust,
    meeting: null,
    lastMeetingT: 0,
    lastAccused: null,
    frame: null,
    frameRoom: null,
    killRooms: [],
    lastKillT: -99,
  };
}

function bump(rec: Record<string, number>, k: string, by: number, lo = -50, hi = 50): void {
  if (!(k in rec)) return;
  rec[k] = Math.max(lo, Math.min(hi, (rec[k] ?? 0) + by));
}

function scaleTrust(m: MindState, p: string, f: number, add = 0): void {
  if (!(p in m.trust)) return;
  m.trust[p] = Math.max(0, Math.min(1, (m.trust[p] ?? 0) * f + add));
}

/** Absorb new observations (own sightings, kills, meetings, messages, vote results). */
export function observe(m: MindState, entries: LogEntry[], setup: GameSetup): void {
  for (const e of entries) {
    switch (e.kind) {
      case 'see': {
        m.tick = e.t;
        m.room = e.room;
        m.ownRooms.push({ t: e.t, room: e.room });
        if (m.ownRooms.length > SIGHTINGS_KEPT * 2) m.ownRooms.shift();
        for (const p of e.players) {
          const list = m.seen[p] ?? [];
          list.push({ t: e.t, room: e.room });
          if (list.length > SIGHTINGS_KEPT) list.shift();
          m.seen[p] = list;
          m.lastAlive[p] = { t: e.t, room: e.room, with: e.players.filter((o) => o !== p) };
        }
        for (const b of e.bodies) {
          if (!m.dead.includes(b)) m.dead.push(b);
          m.bodyRoom[b] = e.room;
        }
        break;
      }
      case 'witness':
        m.witnessed.push({ killer: e.killer, victim: e.victim, room: e.room, t: e.t });
        if (!m.dead.includes(e.victim)) m.dead.push(e.victim);
        m.bodyRoom[e.victim] = e.room;
        if (m.role === 'crewmate') {
          bump(m.suspicion, e.killer, 25);
          m.trust[e.killer] = 0;
        }
        break;
      case 'killed':
        m.killRooms.push(e.room);
        m.lastKillT = e.t;
        if (!m.dead.includes(e.victim)) m.dead.push(e.victim);
        break;
      case 'meeting':
        startMeeting(m, e, setup);
        break;
      case 'message':
        if (e.speaker !== m.self) hear(m, e.speaker, e.message, setup);
        break;
      case 'vote':
        afterVote(m, e.ejected, e.wasImposter);
        break;
      default:
        break;
    }
  }
}

function startMeeting(m: MindState, e: Extract<LogEntry, { kind: 'meeting' }>, setup: GameSetup): void {
  const since = m.lastMeetingT;
  m.meeting = { t: e.t, since, bodies: e.bodies, accusers: {}, spoke: 0, fakeRoom: null };
  m.lastMeetingT = e.t;
  m.lastAccused = null;
  for (const b of e.bodies) {
    if (!m.dead.includes(b.player)) m.dead.push(b.player);
    m.bodyRoom[b.player] = b.room;
  }
  for (const p of setup.players) if (!e.living.includes(p) && !m.dead.includes(p)) m.dead.push(p);
  for (const p of m.dead) delete m.suspicion[p];
  if (m.role !== 'crewmate') {
    chooseFrame(m, e.living, e.bodies, since);
    return;
  }
  // Evidence: who was last seen with each victim, and who was seen in the room of a body lately.
  for (const b of e.bodies) {
    const last = m.lastAlive[b.player];
    if (last && last.t >= since) {
      // Being the last seen with a victim counts for more the fewer others were there too.
      const recency = 1 / (1 + (e.t - last.t) / 6);
      const company = last.with.filter((o) => o !== m.self);
      for (const o of company) bump(m.suspicion, o, (2.5 * recency) / company.length);
    }
    for (const [p, list] of Object.entries(m.seen)) {
      if (p === b.player) continue;
      if (list.some((s) => s.room === b.room && s.t >= Math.max(since, e.t - 6))) bump(m.suspicion, p, 0.8);
    }
  }
}

function chooseFrame(m: MindState, alive: string[], bodies: { player: string; room: number }[], since: number): void {
  const pool = alive.filter((p) => p !== m.self && !m.teammates.includes(p));
  // The safest lie is a true sighting: someone the imposter really saw in a body's room since the
  // last meeting cannot deny it. Without one, it accuses nobody by name (a made-up sighting is
  // refuted by the framed player).
  let best: { p: string; room: number; t: number } | null = null;
  for (const b of bodies) {
    for (const p of pool) {
      for (const s of m.seen[p] ?? []) {
        if (s.room === b.room && s.t >= since && (!best || s.t > best.t)) best = { p, room: b.room, t: s.t };
      }
    }
  }
  m.frame = best?.p ?? null;
  m.frameRoom = best?.room ?? null;
}

/** Own sightings of `p` in the window before the current meeting. */
function recentSightings(m: MindState, p: string, span = 6): Sighting[] {
  const t = m.meeting?.t ?? m.tick;
  return (m.seen[p] ?? []).filter((s) => s.t >= Math.max(m.meeting?.since ?? 0, t - span));
}

function bodyRooms(m: MindState): number[] {
  return (m.meeting?.bodies ?? []).map((b) => b.room);
}

function hear(m: MindState, speaker: string, message: string, setup: GameSetup): void {
  const claims = parseClaims(message, speaker, { players: setup.players, roomNames: setup.roomNames });
  for (const c of claims) weigh(m, speaker, c);
}

function noteAccusation(m: MindState, speaker: string, target: string): void {
  if (!m.meeting) return;
  const list = m.meeting.accusers[target] ?? [];
  if (!list.includes(speaker)) list.push(speaker);
  m.meeting.accusers[target] = list;
  m.lastAccused = target;
}

function contradiction(m: MindState, speaker: string, severity: number): void {
  scaleTrust(m, speaker, severity >= 3 ? 0 : 0.4);
  bump(m.suspicion, speaker, severity);
}

/** How a heard claim moves this player's beliefs. */
export function weigh(m: MindState, speaker: string, c: Claim): void {
  const tau = m.trust[speaker] ?? 0.5;
  const crew = m.role === 'crewmate';
  switch (c.type) {
    case 'kill': {
      noteAccusation(m, speaker, c.killer);
      if (!crew) return;
      if (c.killer === m.self) {
        contradiction(m, speaker, 6);
        return;
      }
      if (c.victim !== null && !m.dead.includes(c.victim)) {
        contradiction(m, speaker, 2);
        return;
      }
      const known = c.victim !== null ? m.bodyRoom[c.victim] : undefined;
      if (c.room !== null && known !== undefined && c.room !== known) {
        contradiction(m, speaker, 2);
        return;
      }
      const mine = c.victim !== null ? m.witnessed.find((w) => w.victim === c.victim) : undefined;
      if (mine && mine.killer !== c.killer) {
        contradiction(m, speaker, 4);
        return;
      }
      if (mine) scaleTrust(m, speaker, 1, 1);
      let weight = 1.5;
      if (c.victim !== null) weight += 1.5;
      if (c.room !== null && known !== undefined && c.room === known) weight += 2;
      bump(m.suspicion, c.killer, tau * weight);
      return;
    }
    case 'sus':
      noteAccusation(m, speaker, c.target);
      if (!crew) return;
      if (c.target === m.self) {
        bump(m.suspicion, speaker, 0.6);
        scaleTrust(m, speaker, 0.85);
        return;
      }
      if (m.witnessed.some((w) => w.killer === c.target)) scaleTrust(m, speaker, 1, 0.2);
      bump(m.suspicion, c.target, tau * 0.7);
      return;
    case 'defend':
      if (!crew || c.target === m.self) return;
      if (m.witnessed.some((w) => w.killer === c.target)) {
        contradiction(m, speaker, 2);
        return;
      }
      bump(m.suspicion, c.target, -tau * 0.5);
      return;
    case 'alibi': {
      if (!crew) return;
      const saw = recentSightings(m, speaker);
      if (saw.some((s) => s.room === c.room)) {
        bump(m.suspicion, speaker, -0.4);
        scaleTrust(m, speaker, 1, 0.1);
      } else if (saw.length > 0 && saw.every((s) => s.room !== c.room && Math.abs(s.t - (m.meeting?.t ?? m.tick)) <= 3)) {
        contradiction(m, speaker, 1.2);
      }
      if (bodyRooms(m).includes(c.room)) bump(m.suspicion, speaker, 0.3);
      return;
    }
    case 'saw': {
      if (!crew) return;
      if (c.target === m.self) {
        const mine = m.ownRooms.filter((s) => s.t >= Math.max(m.meeting?.since ?? 0, (m.meeting?.t ?? m.tick) - 6));
        if (mine.length > 0 && !mine.some((s) => s.room === c.room)) contradiction(m, speaker, 1.5);
        return;
      }
      if (bodyRooms(m).includes(c.room)) {
        noteAccusation(m, speaker, c.target);
        bump(m.suspicion, c.target, tau * (c.nearBody ? 1.5 : 1));
      }
      return;
    }
    case 'with':
      if (!crew) return;
      if (c.target === m.self) {
        if (recentSightings(m, speaker).length > 0) scaleTrust(m, speaker, 1, 0.1);
        else contradiction(m, speaker, 1);
        return;
      }
      if (m.witnessed.some((w) => w.killer === c.target)) {
        contradiction(m, speaker, 2);
        return;
      }
      bump(m.suspicion, c.target, -tau * 0.3);
      return;
    case 'agree':
      if (m.lastAccused && m.lastAccused !== speaker) {
        noteAccusation(m, speaker, m.lastAccused);
        if (crew && m.lastAccused !== m.self) bump(m.suspicion, m.lastAccused, tau * 0.3);
      }
      return;
    case 'confess':
      if (crew) {
        bump(m.suspicion, speaker, 20);
        m.trust[speaker] = 0;
      }
      return;
  }
}

function afterVote(m: MindState, ejected: string | null, wasImposter: boolean | null): void {
  if (ejected && !m.dead.includes(ejected)) m.dead.push(ejected);
  if (ejected && wasImposter !== null && m.meeting && m.role === 'crewmate') {
    // Whoever pushed for an innocent loses credit; whoever exposed an imposter gains it.
    for (const a of m.meeting.accusers[ejected] ?? []) {
      if (wasImposter) scaleTrust(m, a, 1, 0.3);
      else {
        scaleTrust(m, a, 0.6);
        bump(m.suspicion, a, 0.8);
      }
    }
  }
  if (ejected) delete m.suspicion[ejected];
  m.meeting = null;
  if (m.frame === ejected) m.frame = null;
}

// ---- decisions ----------------------------------------------------------------------------------

/** The survey answer: a softmax of suspicion over the candidates (the imposter fakes one). */
export function survey(m: MindState, candidates: string[], params: MindParams): Record<string, number> {
  const score: Record<string, number> = {};
  for (const c of candidates) {
    if (m.role === 'imposter') score[c] = m.teammates.includes(c) ? -3 : c === m.frame ? 1.5 : 0;
    else score[c] = m.suspicion[c] ?? 0;
  }
  const max = Math.max(...candidates.map((c) => score[c] ?? 0));
  const out: Record<string, number> = {};
  let z = 0;
  for (const c of candidates) {
    const w = Math.exp(((score[c] ?? 0) - max) / Math.max(0.05, params.temperature));
    out[c] = w;
    z += w;
  }
  for (const c of candidates) out[c] = (out[c] as number) / z;
  return out;
}

export function vote(m: MindState, options: string[], params: MindParams, candidates: string[]): string {
  if (m.role === 'imposter') {
    // Bandwagon on the most accused non-teammate; else push the frame; else skip.
    let best: string | null = null;
    let n = 0;
    for (const c of candidates) {
      if (m.teammates.includes(c)) continue;
      const k = m.meeting?.accusers[c]?.filter((a) => a !== m.self).length ?? 0;
      if (k > n) {
        best = c;
        n = k;
      }
    }
    const pick = best ?? m.frame;
    return pick && options.includes(pick) ? pick : 'skip';
  }
  const dist = survey(m, candidates, params);
  let top: string | null = null;
  let p = 0;
  for (const c of candidates) {
    if ((dist[c] ?? 0) > p) {
      top = c;
      p = dist[c] ?? 0;
    }
  }
  return top && p >= params.voteThreshold && options.includes(top) ? top : 'skip';
}

/** Action-phase choice among `legal` (engine action strings). */
export function act(
  m: MindState,
  legal: string[],
  openTasks: number[],
  setup: GameSetup,
  params: MindParams,
  rng: Rng,
  lastSee: { players: string[] } | null,
): string {
  const report = legal.find((a) => a.startsWith('report '));
  if (m.role === 'crewmate') {
    if (report) return report;
    if (legal.includes('do task')) return 'do task';
    if (openTasks.length) {
      let target = openTasks[0] as number;
      for (const r of openTasks) if (distance(setup, m.room, r) < distance(setup, m.room, target)) target = r;
      const dir = stepToward(setup, m.room, target);
      if (dir && legal.includes(`move ${dir}`)) return `move ${dir}`;
    }
    return rng.pick(legal);
  }
  const kills = legal.filter((a) => a.startsWith('kill '));
  if (kills.length) {
    const victims = (lastSee?.players ?? []).filter((p) => !m.teammates.includes(p));
    if (victims.length === 1 || rng.bool(params.recklessness)) return rng.pick(kills);
  }
  const moves = legal.filter((a) => a.startsWith('move '));
  if (m.tick - m.lastKillT <= 1 && moves.length) return rng.pick(moves);
  // Otherwise wander (crewmates spread out over their tasks, so lone victims turn up) or fake a task.
  if (moves.length && rng.bool(0.7)) return rng.pick(moves);
  return 'wait';
}

// ---- talk ----------------------------------------------------------------------------------------

function name(setup: GameSetup, room: number): string {
  return roomName(setup, room);
}

function lastOwnRoom(m: MindState): number {
  const before = m.ownRooms.filter((s) => s.t <= (m.meeting?.t ?? m.tick));
  return before[before.length - 1]?.room ?? m.room;
}

function fakeAlibiRoom(m: MindState, setup: GameSetup, rng: Rng): number {
  if (m.meeting?.fakeRoom !== null && m.meeting?.fakeRoom !== undefined) return m.meeting.fakeRoom;
  const avoid = new Set([...m.killRooms, ...bodyRooms(m)]);
  const visited = m.ownRooms.filter((s) => s.t >= (m.meeting?.since ?? 0) && !avoid.has(s.room)).map((s) => s.room);
  let room: number;
  if (visited.length) room = rng.pick(visited);
  else {
    const all = setup.roomNames.map((_, i) => i).filter((i) => !avoid.has(i));
    room = all.length ? rng.pick(all) : rng.int(0, setup.roomNames.length - 1);
  }
  if (m.meeting) m.meeting.fakeRoom = room;
  return room;
}

/** One message for the discussion; `alive` are the living players. */
export function speak(m: MindState, alive: string[], setup: GameSetup, params: MindParams, rng: Rng): string {
  const meeting = m.meeting;
  const round = meeting ? meeting.spoke : 0;
  if (meeting) meeting.spoke += 1;
  const accusers = (meeting?.accusers[m.self] ?? []).filter((a) => alive.includes(a));
  const bodies = meeting?.bodies ?? [];
  if (m.role === 'imposter') {
    const fake = fakeAlibiRoom(m, setup, rng);
    if (accusers.length) {
      const a = accusers[accusers.length - 1] as string;
      return rng.pick([
        `That's a lie, I was in the ${name(setup, fake)} doing tasks. ${a} is sus for accusing me.`,
        `It wasn't me, I was in the ${name(setup, fake)} the whole time. I think ${a} is the imposter.`,
      ]);
    }
    let hot: string | null = null;
    let n = 0;
    for (const [t, list] of Object.entries(meeting?.accusers ?? {})) {
      if (t === m.self || m.teammates.includes(t) || !alive.includes(t)) continue;
      if (list.length > n) {
        hot = t;
        n = list.length;
      }
    }
    if (hot) return rng.pick([`I agree, ${hot} is sus.`, `Yeah, ${hot} has been acting sus. I vote ${hot}.`]);
    const frame = m.frame && alive.includes(m.frame) ? m.frame : null;
    if (!frame || m.frameRoom === null) return `I was in the ${name(setup, fake)} doing tasks. I didn't see anything.`;
    return `I was in the ${name(setup, fake)} doing tasks. I saw ${frame} in the ${name(setup, m.frameRoom)} near the body.`;
  }
  if (accusers.length && round > 0) {
    return `It wasn't me, I was in the ${name(setup, lastOwnRoom(m))} doing tasks. ${accusers[accusers.length - 1]} is sus.`;
  }
  const w = m.witnessed.find((x) => alive.includes(x.killer));
  if (w) {
    return round === 0
      ? `I saw ${w.killer} kill ${w.victim} in the ${name(setup, w.room)}!`
      : `${w.killer} is the imposter, I saw ${w.killer} kill ${w.victim} with my own eyes. Vote ${w.killer}.`;
  }
  const cands = alive.filter((p) => p !== m.self);
  const dist = survey(m, cands, params);
  let top: string | null = null;
  let p = 0;
  for (const c of cands) {
    if ((dist[c] ?? 0) > p) {
      top = c;
      p = dist[c] ?? 0;
    }
  }
  if (top && p >= 0.4) {
    for (const b of bodies) {
      const last = m.lastAlive[b.player];
      if (last?.with.includes(top) && last.with.length <= 2) return `I last saw ${b.player} with ${top} in the ${name(setup, last.room)}. ${top} is sus.`;
      if ((m.seen[top] ?? []).some((s) => s.room === b.room && s.t >= (meeting?.since ?? 0))) {
        return `I saw ${top} in the ${name(setup, b.room)} near the body. ${top} is sus.`;
      }
    }
    return `I think ${top} is sus.`;
  }
  const here = name(setup, lastOwnRoom(m));
  let recent: { p: string; s: Sighting } | null = null;
  for (const [q, list] of Object.entries(m.seen)) {
    const s = list[list.length - 1];
    if (!s || !alive.includes(q) || s.t < (meeting?.since ?? 0)) continue;
    if (!recent || s.t > recent.s.t) recent = { p: q, s };
  }
  if (recent) return `I was in the ${here} doing tasks. I saw ${recent.p} in the ${name(setup, recent.s.room)}.`;
  return rng.pick([`I was in the ${here} doing tasks. I don't know who it is yet.`, `I was in the ${here}. No idea, I didn't see anything.`]);
}
