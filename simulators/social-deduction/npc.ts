/**
 * The mind of one scripted player of SocialDeduction-v1 (and of the v1 expert, fed from the
 * observation text). Plain-JSON state (`Npc`), functions that mutate it in place.
 *
 * What it knows: its own timeline — for every tick, its room and whom it saw there (null while it
 * worked on a task and saw nothing) — the kills it witnessed, the bodies, and what was said.
 *
 * How it judges what is said: every claim (`talk.ts`) is checked against its own timeline. A claim it
 * can refute ("Red was in the Weapons at tick 12" while it stood in the Weapons at tick 12 without
 * seeing Red) costs the speaker most of its credibility (`trust`) and raises suspicion of the
 * speaker; a claim it can confirm raises credibility; an unchecked claim moves suspicion in
 * proportion to the speaker's credibility. Scripted crewmates never lie, so a refuted claim is
 * strong evidence — which is what a reasoner can use and a reader of wording cannot.
 *
 * How it talks: one speech policy for both roles (`speechIntents`), realized through one phrase bank
 * (`phrases.ts`). An imposter runs that same policy on a *cover story*: its true timeline with the
 * ticks around its kill moved to a neighbouring room and its sightings there dropped, optionally a
 * planted sighting of a crewmate in the body's room (a frame), and no knowledge of its own guilt — so
 * it denies, gives an alibi, calls its accuser a liar and accuses whoever its cover suspects, in the
 * very words a falsely accused crewmate uses.
 *
 * Votes follow stated suspicion: a player votes for the suspect it last announced (or skips, if it
 * announced a skip) unless something that changed its suspicion arrived after it spoke.
 */
import type { Rng } from '../../core/rng.js';
import { distance, type GameSetup, type LogEntry, type Role, stepToward } from '../../envs/social-deduction/engine.js';
import type { Intent } from './phrases.js';
import { type Claim, parseTalk } from './talk.js';

export interface NpcParams {
  /** Initial credibility of every other player, in [0, 1]. */
  trust: number;
  /** Softmax temperature of the survey over suspicion scores. */
  temperature: number;
  /** Vote for the top suspect only when the survey gives it at least this probability. */
  voteThreshold: number;
  /** Probability that a scripted imposter kills with witnesses around. */
  recklessness: number;
  /** Probability that a scripted imposter plants a false sighting of a crewmate near the body. */
  frame: number;
  /** 1: scripted players say nothing in meetings (the muted-table condition); they still listen. */
  muted: number;
  /** 0: ignore what others say (the "deaf" baseline); 1: weigh it. */
  listen: number;
  /**
   * 1: also cross-check claims against each other (the expert): two players who place the same player
   * in different rooms at the same tick cannot both be honest, so the one it trusts less is suspected.
   * The scripted players only check claims against their own eyes (0).
   */
  crossCheck: number;
  /** 1: call out the claims it can refute ("Red is lying", with the fact); 0: only deny and accuse. */
  rebut: number;
  /** Imposter: 1 gives true alibis away from its kill (the expert); 0 tells its longest stay, cover included. */
  truthfulAlibi: number;
}

export const DEFAULT_NPC_PARAMS: NpcParams = {
  trust: 0.6,
  temperature: 1.2,
  voteThreshold: 0.6,
  recklessness: 0.2,
  frame: 0.5,
  muted: 0,
  listen: 1,
  crossCheck: 0,
  rebut: 1,
  truthfulAlibi: 0,
};

/** One tick of the own timeline: room, and whom it saw (null: it was working and saw nothing). */
type Moment = [room: number, saw: string[] | null];

export interface Npc {
  self: string;
  role: Role;
  mates: string[];
  tick: number;
  room: number;
  /** Own timeline by tick (the first look of each tick). */
  at: Record<string, Moment>;
  dead: string[];
  witnessed: { killer: string; victim: string; room: number; t: number }[];
  /** Imposter: its kills. */
  kills: { victim: string; room: number; t: number }[];
  suspicion: Record<string, number>;
  trust: Record<string, number>;
  /** Previous meeting's tick: claims are about the window (windowFrom, meeting tick]. */
  windowFrom: number;
  meeting: MeetingMind | null;
  /** Counts every event that changed suspicion; a stated suspicion remembers the count it was made at. */
  seq: number;
  stated: { target: string | null; seq: number } | null;
  /** Imposter: the room where it pretends to work next, and the ticks it still stays there. */
  fake?: { room: number; left: number } | null;
}

interface MeetingMind {
  t: number;
  reporter: string;
  bodies: { player: string; room: number }[];
  spoke: number;
  /** Who accused this player in this meeting, not yet answered. */
  accusers: string[];
  /** Liars this player can expose, with the fact that exposes them. */
  exposes: { liar: string; proof: Intent }[];
  /** Accusations heard (target → accusers), for the bandwagon and the vote. */
  accused: Record<string, string[]>;
  /** Players who answered their accusers or gave an account of themselves. */
  spokeUp: string[];
  /** Imposter: the cover story for this meeting. */
  cover: Cover | null;
  /** Cross-checking: where each player was said to be, by tick ("player@t" → room and who said so). */
  placed: Record<string, { room: number; by: string }>;
  /** Messages heard from each player, and who said where it was. */
  heardFrom: Record<string, number>;
  gaveAccount: string[];
  /** Claims already weighed this meeting (speaker and claim). */
  said: string[];
}

interface Cover {
  /** Ticks rewritten to the fake room. */
  from: number;
  to: number;
  room: number;
  /** A planted sighting: `target` with the victim, in the cover room, at tick t (inside the cover stretch). */
  frame: { target: string; victim: string; room: number; t: number } | null;
}

export function newNpc(self: string, role: Role, mates: string[], setup: GameSetup, params: NpcParams): Npc {
  const suspicion: Record<string, number> = {};
  const trust: Record<string, number> = {};
  for (const p of setup.players) {
    if (p === self) continue;
    suspicion[p] = mates.includes(p) ? -20 : 0;
    trust[p] = params.trust;
  }
  return {
    self,
    role,
    mates,
    tick: 0,
    room: setup.startRoom,
    at: {},
    dead: [],
    witnessed: [],
    kills: [],
    suspicion,
    trust,
    windowFrom: 0,
    meeting: null,
    seq: 0,
    stated: null,
  };
}

function bump(m: Npc, p: string, by: number): void {
  if (!(p in m.suspicion) || by === 0) return;
  m.suspicion[p] = Math.max(-30, Math.min(30, (m.suspicion[p] as number) + by));
  m.seq += 1;
}

function setTrust(m: Npc, p: string, v: number): void {
  if (p in m.trust) m.trust[p] = Math.max(0, Math.min(1, v));
}

function markDead(m: Npc, p: string): void {
  if (!m.dead.includes(p)) m.dead.push(p);
  delete m.suspicion[p];
}

/** Own room at tick t by the timeline (the latest look at or before t). */
function roomAt(m: Npc, t: number): number | null {
  for (let k = t; k >= 0; k--) {
    const x = m.at[k];
    if (x) return x[0];
  }
  return null;
}

// ---- the cover story (imposter) ------------------------------------------------------------------

/** The timeline as this player tells it: the truth for a crewmate, the cover story for an imposter. */
function toldRoomAt(m: Npc, t: number): number | null {
  const c = m.meeting?.cover;
  if (c && t >= c.from && t <= c.to) return c.room;
  return roomAt(m, t);
}

function toldSawAt(m: Npc, t: number): string[] | null {
  const c = m.meeting?.cover;
  if (c && t >= c.from && t <= c.to) return c.frame && c.frame.t === t ? [c.frame.target, c.frame.victim] : [];
  const x = m.at[t];
  if (!x || x[1] === null) return null;
  // An imposter never mentions its victims near their deaths.
  if (m.role === 'imposter') return x[1].filter((p) => !m.kills.some((k) => k.victim === p && Math.abs(k.t - t) <= 2));
  return x[1];
}

function makeCover(m: Npc, setup: GameSetup, living: string[], params: NpcParams, rng: Rng): Cover | null {
  const kill = m.kills.filter((k) => k.t > m.windowFrom).pop();
  if (!kill) return null;
  // The stretch of ticks it spent in the kill room around the kill.
  let from = kill.t;
  let to = kill.t;
  while (from - 1 > m.windowFrom && roomAt(m, from - 1) === kill.room) from -= 1;
  const end = m.meeting?.t ?? m.tick;
  while (to + 1 <= end && roomAt(m, to + 1) === kill.room) to += 1;
  // The natural lie: it stayed in the room it came from (or went on to), else a neighbour.
  const before = roomAt(m, from - 1);
  const after = roomAt(m, to + 1);
  const bodyRooms = new Set((m.meeting?.bodies ?? []).map((b) => b.room));
  const options = [before, after].filter((r): r is number => r !== null && r !== kill.room && !bodyRooms.has(r));
  let room: number;
  if (options.length) room = options[0] as number;
  else {
    const near = setup.roomNames.map((_, i) => i).filter((i) => i !== kill.room && !bodyRooms.has(i) && distance(setup, i, kill.room) === 1);
    room = near.length ? rng.pick(near) : (kill.room + 1) % setup.roomNames.length;
  }
  let frame: Cover['frame'] = null;
  if (rng.bool(params.frame)) {
    // Frame a crewmate it really saw close by in time, placing it in the body's room at the kill.
    const pool = living.filter((p) => p !== m.self && !m.mates.includes(p));
    let best: { p: string; dt: number } | null = null;
    for (let t = m.windowFrom + 1; t <= end; t++) {
      const x = m.at[t];
      if (!x?.[1]) continue;
      for (const p of x[1]) {
        if (!pool.includes(p)) continue;
        const dt = Math.abs(t - kill.t);
        if (!best || dt < best.dt) best = { p, dt };
      }
    }
    // Consistent with its own alibi: it says it saw the framed crewmate with the victim, in the room it
    // claims to have been in, at the kill's tick (when the victim was last alive).
    if (best) frame = { target: best.p, victim: kill.victim, room: 0, t: kill.t };
  }
  if (frame) frame.room = room;
  return { from, to, room, frame };
}

// ---- observing -----------------------------------------------------------------------------------

/** Absorb new log entries of this player (its own sightings, kills, meetings, talk, votes). */
export function observeNpc(m: Npc, entries: readonly LogEntry[], setup: GameSetup, params: NpcParams, rng: Rng, parse = defaultParse): void {
  for (const e of entries) {
    switch (e.kind) {
      case 'see': {
        m.tick = e.t;
        m.room = e.room;
        const key = String(e.t);
        if (!m.at[key] || (m.meeting === null && m.at[key][1] === null)) m.at[key] = [e.room, e.players];
        for (const b of e.bodies) if (!m.dead.includes(b)) m.dead.push(b);
        break;
      }
      case 'task':
        m.at[String(e.t)] ??= [e.room, null];
        break;
      case 'witness':
        m.witnessed.push({ killer: e.killer, victim: e.victim, room: e.room, t: e.t });
        markDead(m, e.victim);
        if (m.role === 'crewmate') {
          bump(m, e.killer, 12);
          setTrust(m, e.killer, 0);
        }
        break;
      case 'killed':
        m.kills.push({ victim: e.victim, room: e.room, t: e.t });
        markDead(m, e.victim);
        break;
      case 'meeting':
        startMeeting(m, e, setup, params, rng);
        break;
      case 'message':
        if (e.speaker !== m.self && m.meeting) hear(m, e.speaker, parse(e.message, e.speaker, setup), setup, params);
        break;
      case 'vote':
        afterVote(m, e.ejected, e.wasImposter);
        break;
      default:
        break;
    }
  }
}

const parseCache = new Map<string, Claim[]>();
/** Parsing is shared by every listener of a message (the cache is keyed by speaker, lexicon and text). */
function defaultParse(message: string, speaker: string, setup: GameSetup): Claim[] {
  const key = `${speaker}\u0000${setup.players.join(',')}\u0000${setup.roomNames.join(',')}\u0000${message}`;
  let c = parseCache.get(key);
  if (!c) {
    c = parseTalk(message, speaker, setup);
    if (parseCache.size > 5000) parseCache.clear();
    parseCache.set(key, c);
  }
  return c;
}

function startMeeting(m: Npc, e: Extract<LogEntry, { kind: 'meeting' }>, setup: GameSetup, params: NpcParams, rng: Rng): void {
  for (const b of e.bodies) markDead(m, b.player);
  for (const p of setup.players) if (p !== m.self && !e.living.includes(p)) markDead(m, p);
  m.meeting = { t: e.t, reporter: e.reporter, bodies: e.bodies, spoke: 0, accusers: [], exposes: [], accused: {}, spokeUp: [], cover: null, placed: {}, heardFrom: {}, gaveAccount: [], said: [] };
  m.stated = null;
  if (m.role === 'imposter') m.meeting.cover = makeCover(m, setup, e.living, params, rng);
  // Evidence from its own timeline: who was last with each victim, who was in a body's room.
  for (const b of e.bodies) {
    let lastWith: { t: number; company: string[] } | null = null;
    for (let t = e.t; t > m.windowFrom; t--) {
      const saw = toldSawAt(m, t);
      if (saw?.includes(b.player)) {
        lastWith = { t, company: saw.filter((p) => p !== b.player && p !== m.self) };
        break;
      }
    }
    if (lastWith?.company.length) {
      for (const p of lastWith.company) bump(m, p, (2.5 * recency(e.t, lastWith.t)) / lastWith.company.length);
    }
    for (let t = m.windowFrom + 1; t <= e.t; t++) {
      const saw = toldSawAt(m, t);
      if (saw && toldRoomAt(m, t) === b.room) for (const p of saw) if (p !== b.player) bump(m, p, 0.6 * recency(e.t, t));
    }
  }
}

/** How much a sighting at tick t still says about a death found at tick `now`: old sightings say little. */
function recency(now: number, t: number): number {
  return Math.exp(-Math.max(0, now - t) / 5);
}

function afterVote(m: Npc, ejected: string | null, wasImposter: boolean | null): void {
  if (ejected && wasImposter === false && m.meeting) {
    // Whoever pushed for an innocent loses credit.
    for (const a of m.meeting.accused[ejected] ?? []) {
      setTrust(m, a, (m.trust[a] ?? 0) * 0.6);
      bump(m, a, 0.8);
    }
  }
  if (ejected) markDead(m, ejected);
  if (m.meeting) m.windowFrom = m.meeting.t;
  m.meeting = null;
}

// ---- hearing -------------------------------------------------------------------------------------

export type Verdict = { refuted: Intent | null; confirmed: boolean };

/** A window of ticks a claim without ticks is taken to be about: just before the meeting. */
function claimTicks(m: Npc, from: number | null, to: number | null): [number, number] {
  const end = m.meeting?.t ?? m.tick;
  if (from === null) return [Math.max(m.windowFrom + 1, end - 2), end];
  return [Math.max(m.windowFrom + 1, Math.min(from, to ?? from)), Math.min(end, Math.max(from, to ?? from))];
}

/** Whether `p` was where `room` says at tick t, by own sight: the fact refuting it, or a confirmation. */
function checkPresence(m: Npc, p: string, room: number, t: number): Verdict {
  if (p === m.self) {
    const mine = toldRoomAt(m, t);
    if (mine !== null && mine !== room) return { refuted: { kind: 'where', room: mine, from: t, to: t }, confirmed: false };
    return { refuted: null, confirmed: mine === room };
  }
  const saw = toldSawAt(m, t);
  const mine = toldRoomAt(m, t);
  if (saw === null || mine === null) return { refuted: null, confirmed: false };
  if (mine === room && !saw.includes(p) && !m.dead.includes(p)) {
    return { refuted: { kind: 'where', room: mine, from: t, to: t }, confirmed: false };
  }
  if (mine !== room && saw.includes(p)) return { refuted: { kind: 'saw', target: p, room: mine, t }, confirmed: false };
  return { refuted: null, confirmed: mine === room && saw.includes(p) };
}

export function checkClaim(m: Npc, speaker: string, c: Claim): Verdict {
  switch (c.kind) {
    case 'where': {
      const [a, b] = claimTicks(m, c.from, c.to);
      let confirmed = false;
      for (let t = a; t <= b; t++) {
        const v = checkPresence(m, speaker, c.room, t);
        if (v.refuted) return v;
        confirmed ||= v.confirmed;
      }
      return { refuted: null, confirmed };
    }
    case 'saw': {
      if (c.t === null) return { refuted: null, confirmed: false };
      let confirmed = false;
      for (const p of c.other ? [...c.targets, c.other] : c.targets) {
        const v = checkPresence(m, p, c.room, c.t);
        if (v.refuted) return v;
        confirmed ||= v.confirmed;
      }
      return { refuted: null, confirmed };
    }
    case 'kill': {
      const mine = c.victim ? m.witnessed.find((w) => w.victim === c.victim) : undefined;
      // It knows it did not (an imposter's cover story says the same).
      if (c.killer === m.self) return { refuted: { kind: 'deny' }, confirmed: false };
      if (mine && mine.killer !== c.killer) return { refuted: { kind: 'kill', killer: mine.killer, victim: mine.victim, room: mine.room }, confirmed: false };
      if (c.victim && !m.dead.includes(c.victim)) return { refuted: { kind: 'nothing' }, confirmed: false };
      const body = m.meeting?.bodies.find((b) => b.player === c.victim);
      if (body && c.room !== null && body.room !== c.room) return { refuted: { kind: 'found', victim: body.player, room: body.room }, confirmed: false };
      return { refuted: null, confirmed: Boolean(mine) };
    }
    case 'found': {
      const body = m.meeting?.bodies.find((b) => b.player === c.victim);
      return { refuted: null, confirmed: Boolean(body && (c.room === null || c.room === body.room)) };
    }
    default:
      return { refuted: null, confirmed: false };
  }
}

function noteAccused(m: Npc, target: string, by: string): void {
  const mt = m.meeting;
  if (!mt) return;
  const list = mt.accused[target] ?? [];
  if (!list.includes(by)) list.push(by);
  mt.accused[target] = list;
  if (target === m.self && !mt.accusers.includes(by)) mt.accusers.push(by);
}

function bodyRoom(m: Npc, room: number): boolean {
  return Boolean(m.meeting?.bodies.some((b) => b.room === room));
}

export function hear(m: Npc, speaker: string, claims: readonly Claim[], _setup: GameSetup, params: NpcParams): void {
  const mt = m.meeting;
  if (!mt) return;
  const listens = params.listen > 0;
  if (claims.length === 0) {
    // Saying nothing in a meeting is suspicious (unless the whole table is muted).
    if (listens && !params.muted) bump(m, speaker, 1);
    mt.heardFrom[speaker] = (mt.heardFrom[speaker] ?? 0) + 1;
    return;
  }
  let answered = false;
  const accusedHere = claims.filter((c) => c.kind === 'accuse').length;
  for (const c of claims) {
    // Saying the same thing twice does not make it twice as true.
    const key = `${speaker}:${JSON.stringify(c)}`;
    if (mt.said.includes(key)) continue;
    mt.said.push(key);
    if (c.kind === 'kill' || c.kind === 'accuse' || c.kind === 'lying') noteAccused(m, c.kind === 'kill' ? c.killer : c.target, speaker);
    if (c.kind === 'saw' && bodyRoom(m, c.room)) for (const t of c.targets) noteAccused(m, t, speaker);
    if (c.kind === 'where' && !mt.gaveAccount.includes(speaker)) mt.gaveAccount.push(speaker);
    if (c.kind === 'deny' || c.kind === 'where' || c.kind === 'lying') answered = true;
    // Accused, it knows the accusation is wrong (a crewmate because it is innocent, an imposter
    // because its cover story says so) and will call the accuser out, with its own account as the fact.
    const accusesMe = (c.kind === 'accuse' || c.kind === 'lying') && c.target === m.self;
    if (accusesMe && !mt.exposes.some((x) => x.liar === speaker)) mt.exposes.push({ liar: speaker, proof: { kind: 'deny' } });
    if (!listens) continue;
    const tau = m.trust[speaker] ?? 0.5;
    const v = checkClaim(m, speaker, c);
    if (v.refuted) {
      // Honest players' claims never contradict each other (they all describe the same looks), so a
      // refuted claim is close to proof of a lie.
      setTrust(m, speaker, tau * 0.15);
      bump(m, speaker, 6);
      if (!mt.exposes.some((x) => x.liar === speaker)) mt.exposes.push({ liar: speaker, proof: v.refuted });
      continue;
    }
    if (v.confirmed) setTrust(m, speaker, tau + 0.15);
    if (params.crossCheck > 0) crossCheck(m, speaker, c);
    switch (c.kind) {
      case 'kill':
        // A witness stands by the body and reports it at once: a kill claim from the reporter of that
        // body is strong; from anyone else it is an unconfirmed story.
        if (c.killer !== m.self) bump(m, c.killer, (mt.reporter === speaker && (c.victim === null || mt.bodies.some((b) => b.player === c.victim)) ? 6 : 2) * tau);
        break;
      case 'saw': {
        const r = c.t === null ? 0.3 : recency(mt.t, c.t);
        const share = 1 / c.targets.length;
        for (const target of c.targets) {
          if (target === m.self) continue;
          if (bodyRoom(m, c.room)) bump(m, target, 1.6 * tau * r * share);
          if (c.other && mt.bodies.some((b) => b.player === c.other)) bump(m, target, 2 * tau * r * share);
        }
        break;
      }
      case 'where':
        if (bodyRoom(m, c.room)) bump(m, speaker, 0.4);
        break;
      case 'accuse':
        if (c.target === m.self) {
          bump(m, speaker, 0.8);
          setTrust(m, speaker, tau * 0.8);
        } else bump(m, c.target, (0.6 * tau) / accusedHere);
        break;
      case 'lying':
        if (c.target === m.self) {
          bump(m, speaker, 1);
          setTrust(m, speaker, tau * 0.7);
        } else bump(m, c.target, 1.2 * tau);
        break;
      case 'clear':
        if (c.target !== m.self) bump(m, c.target, -0.6 * tau);
        break;
      case 'confess':
        bump(m, speaker, 20);
        setTrust(m, speaker, 0);
        break;
      default:
        break;
    }
  }
  if (answered && !mt.spokeUp.includes(speaker)) mt.spokeUp.push(speaker);
  // Accusing with nothing to show — no account of itself, no evidence — is what a deflecting imposter does.
  if (listens && !params.muted && !mt.gaveAccount.includes(speaker) && claims.some((c) => c.kind === 'accuse') && !claims.some((c) => c.kind === 'saw' || c.kind === 'kill' || c.kind === 'found')) {
    bump(m, speaker, 1);
  }
  // A second message and still no word of where it was: an honest player gives an account of itself.
  mt.heardFrom[speaker] = (mt.heardFrom[speaker] ?? 0) + 1;
  if (listens && !params.muted && mt.heardFrom[speaker] === 2 && !mt.gaveAccount.includes(speaker)) bump(m, speaker, 1.5);
  // Accused and silent about it: that counts against the speaker.
  if (listens && !answered && (mt.accused[speaker]?.length ?? 0) > 0) bump(m, speaker, 1);
}

/** Places in `c` (who, when, where), checked against what others said: a conflict means one of the two lies. */
function crossCheck(m: Npc, speaker: string, c: Claim): void {
  const mt = m.meeting;
  if (!mt) return;
  const places: { who: string; t: number; room: number }[] = [];
  if (c.kind === 'where' && c.from !== null) {
    const [a, b] = claimTicks(m, c.from, c.to);
    for (let t = a; t <= b; t++) places.push({ who: speaker, t, room: c.room });
  } else if (c.kind === 'saw' && c.t !== null) {
    for (const who of c.targets) places.push({ who, t: c.t, room: c.room });
    if (c.other) places.push({ who: c.other, t: c.t, room: c.room });
  }
  for (const p of places) {
    const key = `${p.who}@${p.t}`;
    const had = mt.placed[key];
    if (!had) {
      mt.placed[key] = { room: p.room, by: speaker };
      continue;
    }
    if (had.room === p.room || had.by === speaker) continue;
    // One of the two lies; with one imposter among them, the less credible one is the likelier liar.
    const a = had.by;
    const b = speaker;
    const ta = a === m.self ? 1 : (m.trust[a] ?? 0.5);
    const tb = b === m.self ? 1 : (m.trust[b] ?? 0.5);
    if (a !== m.self) bump(m, a, ta <= tb ? 2.5 : 1);
    if (b !== m.self) bump(m, b, tb <= ta ? 2.5 : 1);
    mt.placed[key] = { room: p.room, by: tb > ta ? b : a };
  }
}

// ---- deciding ------------------------------------------------------------------------------------

export function surveyNpc(m: Npc, candidates: readonly string[], params: NpcParams): Record<string, number> {
  let max = Number.NEGATIVE_INFINITY;
  for (const c of candidates) max = Math.max(max, m.suspicion[c] ?? 0);
  const out: Record<string, number> = {};
  let z = 0;
  const temp = Math.max(0.05, params.temperature);
  for (const c of candidates) {
    const w = Math.exp(((m.suspicion[c] ?? 0) - max) / temp);
    out[c] = w;
    z += w;
  }
  for (const c of candidates) out[c] = (out[c] as number) / z;
  return out;
}

/**
 * Its top suspect, when confident enough to name one. With three players left a skip hands the
 * imposter the next kill and the game, so then any top suspect is named.
 */
function topSuspect(m: Npc, candidates: readonly string[], params: NpcParams): string | null {
  const d = surveyNpc(m, candidates, params);
  let top: string | null = null;
  let p = 0;
  for (const c of candidates) {
    if ((d[c] ?? 0) > p) {
      top = c;
      p = d[c] ?? 0;
    }
  }
  const threshold = candidates.length <= 2 ? 0 : params.voteThreshold;
  return top && p >= threshold ? top : null;
}

/** The vote: the suspect it last stated, unless new evidence arrived since; else its top suspect or skip. */
export function voteNpc(m: Npc, options: readonly string[], params: NpcParams): string {
  const cands = options.filter((o) => o !== 'skip');
  if (m.stated && m.stated.seq === m.seq) {
    const t = m.stated.target;
    return t && options.includes(t) ? t : 'skip';
  }
  const top = topSuspect(m, cands, params);
  return top ?? 'skip';
}

/** What it says now: the same policy for both roles (an imposter's view is its cover story). */
export function speechIntents(m: Npc, living: readonly string[], params: NpcParams): Intent[] {
  const mt = m.meeting;
  if (!mt) return [{ kind: 'nothing' }];
  const round = mt.spoke;
  mt.spoke += 1;
  const others = living.filter((p) => p !== m.self);
  const out: Intent[] = [];
  const end = mt.t;
  const accusers = mt.accusers.filter((a) => living.includes(a));
  if (params.rebut <= 0) mt.exposes = [];
  const top = topSuspect(m, others, params);
  const stated: Intent = top ? { kind: 'accuse', target: top } : { kind: 'skip' };
  // The shape of a message does not depend on the role: three sentences in the first round (four
  // when a lie is called out), and in later rounds everyone opens by declaring its innocence — so
  // that "I'm not the imposter" is no tell.
  const liar = mt.exposes.find((x) => accusers.includes(x.liar)) ?? mt.exposes.find((x) => living.includes(x.liar));
  const callOut = (): Intent[] => {
    if (!liar) return [];
    mt.exposes = mt.exposes.filter((x) => x !== liar);
    const proof = liar.proof.kind === 'deny' || liar.proof.kind === 'nothing' ? whereIntent(m, end, params.truthfulAlibi > 0) : liar.proof;
    return [{ kind: 'lying', target: liar.liar }, proof];
  };
  mt.accusers = [];
  if (round === 0) {
    const w = m.witnessed.find((x) => living.includes(x.killer));
    if (w) {
      out.push({ kind: 'kill', killer: w.killer, victim: w.victim, room: w.room }, whereIntent(m, end, params.truthfulAlibi > 0), { kind: 'accuse', target: w.killer });
      return state(m, out, w.killer);
    }
    const body = mt.bodies[0];
    if (accusers.length) out.push({ kind: 'deny' }, ...callOut());
    else if (mt.reporter === m.self && body) out.push({ kind: 'found', victim: body.player, room: body.room });
    const where = whereIntent(m, end, params.truthfulAlibi > 0);
    if (!out.some((i) => i.kind === 'where' && i.room === (where as { room: number }).room)) out.push(where);
    if (out.length < 3) out.push(relevantSighting(m, living) ?? { kind: 'nothing' });
    if (out.length < 3) {
      out.push(stated);
      return state(m, out, top);
    }
    return out;
  }
  out.push({ kind: 'deny' });
  const called = callOut();
  out.push(...(called.length ? called : [whereIntent(m, end, params.truthfulAlibi > 0)]), stated);
  return state(m, out, top);
}

function state(m: Npc, out: Intent[], target: string | null): Intent[] {
  m.stated = { target, seq: m.seq };
  return out;
}

/**
 * Where it says it was: its longest stay in one room over the last six ticks before the meeting (as
 * it tells it). The longest rather than the last, so that a player who just walked somewhere — as an
 * imposter leaving a body does — does not stand out by the shape of its alibi.
 */
function whereIntent(m: Npc, end: number, truthful = false): Intent {
  const lo = Math.max(m.windowFrom + 1, end - 5);
  let best: { room: number; from: number; to: number } | null = null;
  let cur: { room: number; from: number; to: number } | null = null;
  // A careful imposter (the expert: `truthfulAlibi`) volunteers the truth where it can, keeping the
  // cover story for when it is pressed. The scripted imposter tells its cover story whenever it is its
  // longest stay — which gets it caught more often, but keeps the shape of its alibis a crewmate's
  // (a truthful imposter's alibis are shorter and give it away to a wording classifier).
  const c = m.meeting?.cover && truthful ? m.meeting.cover : null;
  for (let t = lo; t <= end; t++) {
    const room = toldRoomAt(m, t);
    if (room === null || (c && t >= c.from && t <= c.to)) {
      cur = null;
      continue;
    }
    if (cur && cur.room === room && cur.to === t - 1) cur.to = t;
    else cur = { room, from: t, to: t };
    if (!best || cur.to - cur.from >= best.to - best.from) best = { ...cur };
  }
  const b = best ?? (c ? { room: c.room, from: c.from, to: c.to } : { room: m.room, from: end, to: end });
  return { kind: 'where', room: b.room, from: b.from, to: b.to };
}

/** The sighting that matters most: someone with a victim, then someone in a body's room, then the latest. */
function relevantSighting(m: Npc, living: readonly string[]): Intent | null {
  const mt = m.meeting;
  if (!mt) return null;
  const frame = mt.cover?.frame;
  if (frame && living.includes(frame.target)) return { kind: 'saw', target: frame.target, other: frame.victim, room: frame.room, t: frame.t };
  const victims = mt.bodies.map((b) => b.player);
  let withVictim: Intent | null = null;
  let inBodyRoom: Intent | null = null;
  let latest: Intent | null = null;
  for (let t = mt.t; t > m.windowFrom; t--) {
    const saw = toldSawAt(m, t);
    const room = toldRoomAt(m, t);
    if (!saw || room === null) continue;
    const alive = saw.filter((p) => living.includes(p) && p !== m.self);
    const victim = saw.find((p) => victims.includes(p));
    // Only recent sightings near a death are worth telling (everyone was with everyone at the start);
    // it names everyone it saw there, so the suspicion is shared fairly.
    const fresh = recency(mt.t, t) >= 0.3;
    const seen = { target: alive[0] as string, ...(alive.length > 1 ? { also: alive.slice(1, 3) } : {}) };
    if (!withVictim && victim && alive.length && fresh) withVictim = { kind: 'saw', ...seen, other: victim, room, t };
    if (!inBodyRoom && alive.length && bodyRoom(m, room) && fresh) inBodyRoom = { kind: 'saw', ...seen, room, t };
    if (!latest && alive.length) latest = { kind: 'saw', ...seen, room, t };
  }
  return withVictim ?? inBodyRoom ?? latest;
}

// ---- acting --------------------------------------------------------------------------------------

/** Action-phase choice among `legal` (engine action strings). */
export function actNpc(m: Npc, legal: readonly string[], openTasks: readonly number[], setup: GameSetup, params: NpcParams, rng: Rng, careful = false): string {
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
    const moves = legal.filter((a) => a.startsWith('move '));
    return moves.length && rng.bool(0.6) ? rng.pick(moves) : 'wait';
  }
  const kills = legal.filter((a) => a.startsWith('kill '));
  if (kills.length) {
    const here = m.at[String(m.tick)]?.[1] ?? [];
    const victims = here.filter((p) => !m.mates.includes(p));
    // Alone with one crewmate; a careful imposter also wants nobody with them a tick ago.
    const prev = m.at[String(m.tick - 1)];
    const quiet = !careful || !prev || prev[0] !== m.room || (prev[1] ?? []).every((p) => victims.includes(p) || m.mates.includes(p));
    if ((victims.length === 1 && here.length === 1 && quiet) || rng.bool(params.recklessness)) return rng.pick(kills);
  }
  const moves = legal.filter((a) => a.startsWith('move '));
  const last = m.kills[m.kills.length - 1];
  if (last && m.tick - last.t <= 1 && moves.length) return rng.pick(moves);
  // Otherwise it fakes tasks as a crewmate does them: walk to a room, stay there a task's length.
  const stay = m.fake;
  if (stay && stay.room === m.room) {
    if (stay.left > 0) {
      stay.left -= 1;
      return 'wait';
    }
    m.fake = null;
  }
  // A neighbouring room, as a crewmate's nearest task usually is.
  if (!m.fake || m.fake.room === m.room) {
    const near = setup.roomNames.map((_, i) => i).filter((i) => distance(setup, m.room, i) === 1);
    m.fake = { room: near.length ? rng.pick(near) : m.room, left: 3 };
  }
  const dir = stepToward(setup, m.room, m.fake.room);
  if (dir && legal.includes(`move ${dir}`)) return `move ${dir}`;
  return 'wait';
}
