/**
 * The rules of the social deduction game of Sarkar et al. (AAMAS 2025, "Training Language Models for
 * Social Deduction with Multi-Agent RL"), as a pure engine over a plain-JSON `GameState`.
 *
 * Contract:
 * - Every transition takes a state and returns a new one; the input is never mutated (the state is
 *   snapshotted by the env and replayed by tests). The only randomness is the `Rng` passed to
 *   `resolveTick` (shuffled speaking order of a meeting).
 * - The engine is player-agnostic: it knows nothing of agents or simulators. A driver (the
 *   single-agent statechart, the multi-agent runner) asks `actionRequests`, `surveyRequests`,
 *   `currentSpeaker`, `voteRequests` who must decide, and applies the decisions.
 * - Every player's observations are appended to `logs[player]` as structured entries that also carry
 *   their text, so a scripted player can read the data and a language model or a person the text.
 * - Rewards are accumulated per player and per component in `rewards[player]` (weighted), so any
 *   seat of the table can be an agent.
 */
import type { Rng } from '../../core/rng.js';

export type Role = 'crewmate' | 'imposter';
export type Direction = 'north' | 'south' | 'east' | 'west';
export const DIRECTIONS: Direction[] = ['north', 'south', 'east', 'west'];
export type Phase = 'action' | 'discussion' | 'voting' | 'ejection' | 'over';
export type Winner = 'crewmates' | 'imposters';

export const COLOURS = ['Red', 'Blue', 'Green', 'Yellow', 'Purple', 'Orange', 'Cyan', 'Pink', 'Lime', 'White'];
export const DEFAULT_ROOM_NAMES = ['Cafeteria', 'Weapons', 'Navigation', 'Storage', 'Electrical', 'Reactor'];

/** A game's fixed setup: who plays, who is the imposter, the map and the tasks. */
export interface GameSetup {
  players: string[];
  imposters: string[];
  width: number;
  height: number;
  /** Row-major: index = row * width + col; row 0 is the north edge. */
  roomNames: string[];
  startRoom: number;
  /** Rooms of each crewmate's tasks (imposters have none). */
  tasks: Record<string, number[]>;
}

export interface RewardWeights {
  win: number;
  task: number;
  report: number;
  kill: number;
  voteImposter: number;
  listening: number;
  speaking: number;
}

export interface GameRules {
  taskTicks: number;
  killCooldown: number;
  discussionRounds: number;
  maxTicks: number;
  /** Announce whether an ejected player was an imposter. */
  confirmEjects: boolean;
  /** Everyone returns to the start room after a meeting. */
  meetingResetsPositions: boolean;
  /** 'prob': listening reward is the survey probability on the imposters; 'logprob': its log (floored). */
  listening: 'prob' | 'logprob';
  weights: RewardWeights;
  /**
   * v1: a player who finishes a task looks around at once (its room, who is there, bodies), so an
   * observation always says where the player is. Absent (v0): it sees nothing until its next tick.
   */
  seeAfterTask?: boolean;
  /** v1: the game-over line lists every player's role as `Colour=role`. */
  revealRoles?: boolean;
  /**
   * v1: a player working on a task still sees a kill in its own room (a kill is loud; only comings and
   * goings escape it). v0: it sees nothing, so an imposter could kill next to busy players unseen.
   */
  workersSeeKills?: boolean;
}

export interface PlayerState {
  alive: boolean;
  ejected: boolean;
  room: number;
  /** Remaining ticks of the task in progress; the player sees nothing while > 0. */
  busy: number;
  busyTask: number | null;
  cooldown: number;
  /** Ticks of work done per task; a task is done at `taskTicks`. */
  taskProgress: number[];
}

export type LogEntry =
  | { kind: 'see'; t: number; text: string; room: number; players: string[]; bodies: string[] }
  | { kind: 'enter'; t: number; text: string; player: string; from: Direction | null }
  | { kind: 'leave'; t: number; text: string; player: string; toward: Direction | null }
  | { kind: 'witness'; t: number; text: string; killer: string; victim: string; room: number }
  | { kind: 'killed'; t: number; text: string; victim: string; room: number }
  | { kind: 'died'; t: number; text: string; killer: string; room: number }
  | { kind: 'task'; t: number; text: string; room: number; done: boolean; ticks: number }
  | { kind: 'meeting'; t: number; text: string; reporter: string; bodies: { player: string; room: number }[]; living: string[] }
  | { kind: 'message'; t: number; text: string; speaker: string; message: string }
  | { kind: 'vote'; t: number; text: string; votes: Record<string, string>; ejected: string | null; wasImposter: boolean | null }
  | { kind: 'over'; t: number; text: string; winner: Winner; reason: string }
  | { kind: 'note'; t: number; text: string };

export interface SurveyRecord {
  /** Index of the message slot the survey came before (slot count = after the last message). */
  slot: number;
  answers: Record<string, Record<string, number>>;
}

export interface Meeting {
  reporter: string;
  bodies: { player: string; room: number }[];
  order: string[];
  /** Message slot in [0, order.length * rounds); a survey precedes every slot and the vote. */
  slot: number;
  step: 'survey' | 'speak';
  surveys: SurveyRecord[];
  /** Speaker of the slot just before the latest survey, awaiting its speaking reward. */
  lastSpeaker: string | null;
  votes: Record<string, string>;
  result: { ejected: string | null; tally: Record<string, number> } | null;
}

export interface GameState {
  setup: GameSetup;
  rules: GameRules;
  tick: number;
  phase: Phase;
  players: Record<string, PlayerState>;
  bodies: { player: string; room: number; t: number }[];
  meeting: Meeting | null;
  meetings: number;
  logs: Record<string, LogEntry[]>;
  rewards: Record<string, Record<string, number>>;
  /** Unweighted reward signals per player, for analysis (listening/speaking sums and counts). */
  signals: Record<string, { listening: number; listeningCount: number; speaking: number; speakingCount: number }>;
  winner: Winner | null;
  endReason: string | null;
  kills: number;
}

export const DEFAULT_WEIGHTS: RewardWeights = {
  win: 1,
  task: 0.05,
  report: 0.1,
  kill: 0.1,
  voteImposter: 0.2,
  listening: 0.05,
  speaking: 0.5,
};

export const DEFAULT_RULES: GameRules = {
  taskTicks: 3,
  killCooldown: 3,
  discussionRounds: 2,
  maxTicks: 60,
  confirmEjects: true,
  meetingResetsPositions: true,
  listening: 'prob',
  weights: DEFAULT_WEIGHTS,
};

// ---- map ----------------------------------------------------------------------------------------

export function neighbour(setup: GameSetup, room: number, dir: Direction): number | null {
  const row = Math.floor(room / setup.width);
  const col = room % setup.width;
  const [r, c] =
    dir === 'north' ? [row - 1, col] : dir === 'south' ? [row + 1, col] : dir === 'east' ? [row, col + 1] : [row, col - 1];
  if (r < 0 || c < 0 || r >= setup.height || c >= setup.width) return null;
  return r * setup.width + c;
}

export function exits(setup: GameSetup, room: number): { dir: Direction; room: number }[] {
  const out: { dir: Direction; room: number }[] = [];
  for (const dir of DIRECTIONS) {
    const n = neighbour(setup, room, dir);
    if (n !== null) out.push({ dir, room: n });
  }
  return out;
}

/** First step of a shortest path from `from` to `to` (grid: rows first, then columns). */
export function stepToward(setup: GameSetup, from: number, to: number): Direction | null {
  const fr = Math.floor(from / setup.width);
  const tr = Math.floor(to / setup.width);
  const fc = from % setup.width;
  const tc = to % setup.width;
  if (tr < fr) return 'north';
  if (tr > fr) return 'south';
  if (tc > fc) return 'east';
  if (tc < fc) return 'west';
  return null;
}

export function distance(setup: GameSetup, a: number, b: number): number {
  return (
    Math.abs(Math.floor(a / setup.width) - Math.floor(b / setup.width)) + Math.abs((a % setup.width) - (b % setup.width))
  );
}

export function roomName(setup: GameSetup, room: number): string {
  return setup.roomNames[room] ?? `Room ${room}`;
}

export function defaultRoomNames(width: number, height: number): string[] {
  const n = width * height;
  if (n <= DEFAULT_ROOM_NAMES.length) return DEFAULT_ROOM_NAMES.slice(0, n);
  const out: string[] = [];
  for (let r = 0; r < height; r++) for (let c = 0; c < width; c++) out.push(`Room ${r}-${c}`);
  return out;
}

// ---- setup ----------------------------------------------------------------------------------------

/** Checks a setup's internal consistency; returns the problems (empty when valid). */
export function setupProblems(s: GameSetup): string[] {
  const p: string[] = [];
  if (s.players.length < 3) p.push('need at least 3 players');
  if (new Set(s.players).size !== s.players.length) p.push('player names must be distinct');
  if (s.imposters.length < 1) p.push('need at least one imposter');
  for (const i of s.imposters) if (!s.players.includes(i)) p.push(`imposter ${i} is not a player`);
  if (s.imposters.length * 2 >= s.players.length) p.push('imposters must be fewer than the crewmates');
  if (s.roomNames.length !== s.width * s.height) p.push(`roomNames needs ${s.width * s.height} names`);
  if (s.startRoom < 0 || s.startRoom >= s.width * s.height) p.push('startRoom out of range');
  for (const pl of s.players) {
    const t = s.tasks[pl];
    if (s.imposters.includes(pl)) continue;
    if (!t) p.push(`tasks of ${pl} missing`);
    else for (const r of t) if (r < 0 || r >= s.width * s.height) p.push(`task room ${r} of ${pl} out of range`);
  }
  return p;
}

export function roleOf(g: GameState | { setup: GameSetup }, player: string): Role {
  return g.setup.imposters.includes(player) ? 'imposter' : 'crewmate';
}

export function living(g: GameState): string[] {
  return g.setup.players.filter((p) => g.players[p]?.alive);
}

function livingCrew(g: GameState): string[] {
  return living(g).filter((p) => roleOf(g, p) === 'crewmate');
}

function livingImposters(g: GameState): string[] {
  return living(g).filter((p) => roleOf(g, p) === 'imposter');
}

export function newGame(setup: GameSetup, rules: GameRules): GameState {
  const players: Record<string, PlayerState> = {};
  const logs: Record<string, LogEntry[]> = {};
  const rewards: Record<string, Record<string, number>> = {};
  const signals: GameState['signals'] = {};
  for (const p of setup.players) {
    const tasks = roleOf({ setup }, p) === 'imposter' ? [] : (setup.tasks[p] ?? []);
    players[p] = {
      alive: true,
      ejected: false,
      room: setup.startRoom,
      busy: 0,
      busyTask: null,
      cooldown: rules.killCooldown,
      taskProgress: tasks.map(() => 0),
    };
    logs[p] = [];
    rewards[p] = { win: 0, task: 0, report: 0, kill: 0, voteImposter: 0, listening: 0, speaking: 0 };
    signals[p] = { listening: 0, listeningCount: 0, speaking: 0, speakingCount: 0 };
  }
  const g: GameState = {
    setup,
    rules,
    tick: 0,
    phase: 'action',
    players,
    bodies: [],
    meeting: null,
    meetings: 0,
    logs,
    rewards,
    signals,
    winner: null,
    endReason: null,
    kills: 0,
  };
  for (const p of setup.players) pushLog(g, p, seeEntry(g, p));
  return g;
}

/** The copy every transition starts from: the parts transitions change are copied, logs appended to copies. */
function draft(g: GameState): GameState {
  const players: Record<string, PlayerState> = {};
  for (const [k, v] of Object.entries(g.players)) players[k] = { ...v, taskProgress: [...v.taskProgress] };
  // Logs are copied lazily by `pushLog`, on a draft's first append to each player's log.
  const logs: Record<string, LogEntry[]> = { ...g.logs };
  const rewards: Record<string, Record<string, number>> = {};
  for (const [k, v] of Object.entries(g.rewards)) rewards[k] = { ...v };
  const signals: GameState['signals'] = {};
  for (const [k, v] of Object.entries(g.signals)) signals[k] = { ...v };
  const d: GameState = {
    ...g,
    players,
    bodies: g.bodies.map((b) => ({ ...b })),
    logs,
    rewards,
    signals,
    meeting: g.meeting
      ? {
          ...g.meeting,
          order: [...g.meeting.order],
          surveys: g.meeting.surveys.slice(),
          votes: { ...g.meeting.votes },
          bodies: g.meeting.bodies.slice(),
        }
      : null,
  };
  copiedLogs.set(d, new Set());
  return d;
}

/**
 * Which players' logs a draft already owns (copy-on-write, so a transition does not copy every log).
 * Keyed weakly by the draft object: invisible in the state's JSON and gone with the draft; drafts not
 * in the map (a game being built by `newGame`) own all of their logs.
 */
const copiedLogs = new WeakMap<GameState, Set<string>>();

function pushLog(g: GameState, player: string, e: LogEntry): void {
  const owned = copiedLogs.get(g);
  if (owned && !owned.has(player)) {
    g.logs[player] = (g.logs[player] ?? []).slice();
    owned.add(player);
  }
  (g.logs[player] as LogEntry[]).push(e);
}

function addReward(g: GameState, player: string, component: keyof RewardWeights, raw: number): void {
  const w = g.rules.weights[component];
  const r = g.rewards[player] as Record<string, number>;
  r[component] = (r[component] ?? 0) + w * raw;
}

function player(g: GameState, p: string): PlayerState {
  const s = g.players[p];
  if (!s) throw new Error(`unknown player ${p}`);
  return s;
}

function seeEntry(g: GameState, p: string): LogEntry {
  const me = player(g, p);
  const others = living(g).filter((o) => o !== p && player(g, o).room === me.room);
  const bodies = g.bodies.filter((b) => b.room === me.room).map((b) => b.player);
  const name = roomName(g.setup, me.room);
  const ex = exits(g.setup, me.room)
    .map((e) => `${e.dir} to ${roomName(g.setup, e.room)}`)
    .join(', ');
  let text = `[tick ${g.tick}] You are in the ${name} (exits: ${ex}). `;
  text += others.length ? `You see ${others.join(', ')}.` : 'You are alone.';
  if (bodies.length) text += ` You see the dead body of ${bodies.join(', ')}!`;
  return { kind: 'see', t: g.tick, text, room: me.room, players: others, bodies };
}

// ---- action phase ----------------------------------------------------------------------------------

export interface ActionRequest {
  player: string;
  legalActions: string[];
}

export function legalActions(g: GameState, p: string): string[] {
  const me = g.players[p];
  if (g.phase !== 'action' || !me || !me.alive || me.busy > 0) return [];
  const out: string[] = [];
  for (const e of exits(g.setup, me.room)) out.push(`move ${e.dir}`);
  const tasks = g.setup.tasks[p] ?? [];
  if (roleOf(g, p) === 'crewmate' && tasks.some((r, i) => r === me.room && (me.taskProgress[i] ?? 0) < g.rules.taskTicks)) {
    out.push('do task');
  }
  if (roleOf(g, p) === 'imposter' && me.cooldown <= 0) {
    for (const o of living(g)) {
      if (o !== p && roleOf(g, o) === 'crewmate' && player(g, o).room === me.room) out.push(`kill ${o}`);
    }
  }
  for (const b of g.bodies) if (b.room === me.room) out.push(`report ${b.player}`);
  out.push('wait');
  return out;
}

/** Players who choose an action this tick (living, not in the middle of a task). */
export function actionRequests(g: GameState): ActionRequest[] {
  if (g.phase !== 'action') return [];
  return living(g)
    .filter((p) => player(g, p).busy === 0)
    .map((p) => ({ player: p, legalActions: legalActions(g, p) }));
}

/** Canonical form of an action string, or null when it is not one of `legal`. */
export function canonicalAction(action: string, legal: string[]): string | null {
  const a = action.trim().toLowerCase().replace(/\s+/g, ' ');
  const expanded = /^(north|south|east|west)$/.test(a) ? `move ${a}` : a.replace(/^go /, 'move ');
  for (const l of legal) if (l.toLowerCase() === expanded) return l;
  return null;
}

/**
 * One tick of the action phase. `actions` maps players to their chosen action; a missing or illegal
 * action counts as `wait`. Order within the tick: kills (with witnesses), reports, moves, task work,
 * then everyone who can see looks around; then the end conditions are checked.
 */
export function resolveTick(g0: GameState, actions: Record<string, string>, rng: Rng): GameState {
  if (g0.phase !== 'action') throw new Error(`resolveTick in phase ${g0.phase}`);
  const g = draft(g0);
  const chosen: Record<string, string> = {};
  for (const req of actionRequests(g0)) chosen[req.player] = canonicalAction(actions[req.player] ?? 'wait', req.legalActions) ?? 'wait';
  const roomsBefore: Record<string, number> = {};
  for (const p of living(g)) roomsBefore[p] = player(g, p).room;
  // Players working this tick (already busy, or starting a task now) see nothing.
  const working = new Set(living(g).filter((p) => player(g, p).busy > 0 || chosen[p] === 'do task'));

  // Kills happen at the tick's start positions.
  for (const p of living(g)) {
    const m = /^kill (.+)$/.exec(chosen[p] ?? '');
    if (!m) continue;
    const victim = m[1] as string;
    const killer = player(g, p);
    const v = player(g, victim);
    if (!v.alive || v.room !== killer.room || !killer.alive) continue;
    v.alive = false;
    v.busy = 0;
    v.busyTask = null;
    killer.cooldown = g.rules.killCooldown + 1; // decremented at the end of this tick
    g.bodies.push({ player: victim, room: killer.room, t: g.tick });
    g.kills += 1;
    addReward(g, p, 'kill', 1);
    const rn = roomName(g.setup, killer.room);
    pushLog(g, p, { kind: 'killed', t: g.tick, text: `You killed ${victim} in the ${rn}.`, victim, room: killer.room });
    pushLog(g, victim, { kind: 'died', t: g.tick, text: `${p} killed you in the ${rn}. You are dead.`, killer: p, room: killer.room });
    for (const w of living(g)) {
      if (w === p || player(g, w).room !== killer.room || (working.has(w) && !g.rules.workersSeeKills)) continue;
      pushLog(g, w, {
        kind: 'witness',
        t: g.tick,
        text: `You saw ${p} kill ${victim} in the ${rn}!`,
        killer: p,
        victim,
        room: killer.room,
      });
    }
  }

  // Nobody dies after the kills within a tick.
  const alive = living(g);
  // The first report (in seat order) calls the meeting; bodies killed this tick cannot be reported yet.
  let reporter: string | null = null;
  for (const p of alive) {
    const m = /^report (.+)$/.exec(chosen[p] ?? '');
    if (m && reporter === null) reporter = p;
  }

  for (const p of alive) {
    const me = player(g, p);
    const a = chosen[p];
    if (a?.startsWith('move ')) {
      const n = neighbour(g.setup, me.room, a.slice(5) as Direction);
      if (n !== null) me.room = n;
    } else if (a === 'do task') {
      const tasks = g.setup.tasks[p] ?? [];
      const i = tasks.findIndex((r, k) => r === me.room && (me.taskProgress[k] ?? 0) < g.rules.taskTicks);
      if (i >= 0) {
        me.busyTask = i;
        me.busy = g.rules.taskTicks - (me.taskProgress[i] ?? 0);
      }
    }
  }

  // Task work: one tick of progress for everyone working.
  for (const p of alive) {
    const me = player(g, p);
    if (me.busy <= 0 || me.busyTask === null) continue;
    const i = me.busyTask;
    me.taskProgress[i] = (me.taskProgress[i] ?? 0) + 1;
    me.busy -= 1;
    if (me.busy === 0) {
      me.busyTask = null;
      addReward(g, p, 'task', 1);
      const left = me.taskProgress.filter((x) => x < g.rules.taskTicks).length;
      pushLog(g, p, {
        kind: 'task',
        t: g.tick,
        text: `You finished your task in the ${roomName(g.setup, me.room)} (${left} task${left === 1 ? '' : 's'} left). You saw nothing while working.`,
        room: me.room,
        done: true,
        ticks: g.rules.taskTicks,
      });
    }
  }
  for (const p of alive) {
    const me = player(g, p);
    if (me.cooldown > 0) me.cooldown -= 1;
  }

  g.tick += 1;
  // Who can see now: compare room contents before and after the moves.
  for (const p of alive) {
    const me = player(g, p);
    if (me.busy > 0) continue;
    if (working.has(p)) {
      // It worked through the tick (and saw nothing of it); v1 lets it look around once it is done.
      if (g.rules.seeAfterTask) pushLog(g, p, seeEntry(g, p));
      continue;
    }
    for (const o of alive) {
      if (o === p) continue;
      const before = roomsBefore[o];
      const after = player(g, o).room;
      const wasHere = before === roomsBefore[p];
      const isHere = after === me.room;
      if (!wasHere && isHere && before !== undefined) {
        const from = DIRECTIONS.find((d) => neighbour(g.setup, me.room, d) === before) ?? null;
        pushLog(g, p, {
          kind: 'enter',
          t: g.tick,
          text: `${o} entered${from ? ` from the ${from}` : ''}.`,
          player: o,
          from,
        });
      } else if (wasHere && !isHere && roomsBefore[p] === me.room) {
        const toward = DIRECTIONS.find((d) => neighbour(g.setup, me.room, d) === after) ?? null;
        pushLog(g, p, { kind: 'leave', t: g.tick, text: `${o} left${toward ? ` to the ${toward}` : ''}.`, player: o, toward });
      }
    }
    pushLog(g, p, seeEntry(g, p));
  }

  if (checkEnd(g)) return g;
  if (reporter !== null) startMeeting(g, reporter, rng);
  else if (g.tick >= g.rules.maxTicks) endGame(g, 'imposters', 'step_cap');
  return g;
}

function startMeeting(g: GameState, reporter: string, rng: Rng): void {
  const bodies = g.bodies.map((b) => ({ player: b.player, room: b.room }));
  const alive = living(g);
  g.phase = 'discussion';
  g.meetings += 1;
  for (const p of alive) {
    const me = player(g, p);
    me.busy = 0;
    me.busyTask = null;
  }
  const where = bodies.map((b) => `${b.player} (in the ${roomName(g.setup, b.room)})`).join(', ');
  const text =
    `[tick ${g.tick}] MEETING: ${reporter} reported the body of ${where}. ` +
    `Living players: ${alive.join(', ')}. Discussion: ${g.rules.discussionRounds} round(s), then a vote.`;
  for (const p of g.setup.players) pushLog(g, p, { kind: 'meeting', t: g.tick, text, reporter, bodies, living: alive });
  addReward(g, reporter, 'report', 1);
  g.bodies = [];
  g.meeting = {
    reporter,
    bodies,
    order: rng.shuffle(alive),
    slot: 0,
    step: 'survey',
    surveys: [],
    lastSpeaker: null,
    votes: {},
    result: null,
  };
}

// ---- discussion ------------------------------------------------------------------------------------

function meetingOf(g: GameState): Meeting {
  if (!g.meeting) throw new Error('no meeting');
  return g.meeting;
}

function slotCount(g: GameState): number {
  return meetingOf(g).order.length * g.rules.discussionRounds;
}

/** Who speaks in the current slot, when the meeting waits for a message. */
export function currentSpeaker(g: GameState): string | null {
  if (g.phase !== 'discussion' || !g.meeting || g.meeting.step !== 'speak') return null;
  return g.meeting.order[g.meeting.slot % g.meeting.order.length] ?? null;
}

/** Players who answer the survey now ("which player are you most suspicious of?"). */
export function surveyRequests(g: GameState): { player: string; candidates: string[] }[] {
  if (g.phase !== 'discussion' || g.meeting?.step !== 'survey') return [];
  const alive = living(g);
  return alive.map((p) => ({ player: p, candidates: alive.filter((o) => o !== p) }));
}

/** A proper distribution over `candidates` from any non-negative weights (uniform when they sum to 0). */
export function normalize(dist: Record<string, number> | undefined, candidates: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  let sum = 0;
  for (const c of candidates) {
    const v = Number(dist?.[c] ?? 0);
    const w = Number.isFinite(v) && v > 0 ? v : 0;
    out[c] = w;
    sum += w;
  }
  for (const c of candidates) out[c] = sum > 0 ? (out[c] as number) / sum : 1 / candidates.length;
  return out;
}

/** Summed probability that living crewmates other than `exclude` put on the imposters. */
export function crewBeliefOnImposters(g: GameState, answers: Record<string, Record<string, number>>, exclude: string | null): number {
  let sum = 0;
  for (const c of livingCrew(g)) {
    if (c === exclude) continue;
    const a = answers[c];
    if (!a) continue;
    for (const i of g.setup.imposters) sum += a[i] ?? 0;
  }
  return sum;
}

/**
 * Records everyone's survey answers (normalised over living others; missing = uniform) and pays the
 * listening reward (crewmates) and the speaking reward of the previous speaker.
 */
export function applySurvey(g0: GameState, answers: Record<string, Record<string, number>>): GameState {
  if (g0.phase !== 'discussion' || g0.meeting?.step !== 'survey') throw new Error('applySurvey out of turn');
  const g = draft(g0);
  const m = meetingOf(g);
  const norm: Record<string, Record<string, number>> = {};
  for (const { player: p, candidates } of surveyRequests(g0)) norm[p] = normalize(answers[p], candidates);
  for (const p of livingCrew(g)) {
    const a = norm[p] as Record<string, number>;
    let onImp = 0;
    for (const i of g.setup.imposters) onImp += a[i] ?? 0;
    const s = g.signals[p] as GameState['signals'][string];
    s.listening += onImp;
    s.listeningCount += 1;
    addReward(g, p, 'listening', g.rules.listening === 'logprob' ? Math.log(Math.max(onImp, 1e-3)) : onImp);
  }
  const prev = m.surveys[m.surveys.length - 1];
  if (m.lastSpeaker && prev && g.players[m.lastSpeaker]?.alive) {
    const sp = m.lastSpeaker;
    const delta = crewBeliefOnImposters(g, norm, sp) - crewBeliefOnImposters(g, prev.answers, sp);
    const signed = roleOf(g, sp) === 'imposter' ? -delta : delta;
    const s = g.signals[sp] as GameState['signals'][string];
    s.speaking += signed;
    s.speakingCount += 1;
    addReward(g, sp, 'speaking', signed);
  }
  m.surveys.push({ slot: m.slot, answers: norm });
  m.lastSpeaker = null;
  if (m.slot >= slotCount(g)) {
    g.phase = 'voting';
    for (const p of g.setup.players) pushLog(g, p, { kind: 'note', t: g.tick, text: 'The discussion is over. Time to vote.' });
  } else m.step = 'speak';
  return g;
}

export const MAX_MESSAGE_CHARS = 500;

export function applyMessage(g0: GameState, speaker: string, message: string): GameState {
  if (currentSpeaker(g0) !== speaker) throw new Error(`applyMessage: it is not ${speaker}'s turn`);
  const g = draft(g0);
  const m = meetingOf(g);
  const text = message.replace(/\s+/g, ' ').trim().slice(0, MAX_MESSAGE_CHARS) || '...';
  for (const p of g.setup.players) pushLog(g, p, { kind: 'message', t: g.tick, text: `${speaker}: ${text}`, speaker, message: text });
  m.lastSpeaker = speaker;
  m.slot += 1;
  m.step = 'survey';
  return g;
}

// ---- voting ----------------------------------------------------------------------------------------

export function voteRequests(g: GameState): { player: string; options: string[] }[] {
  if (g.phase !== 'voting') return [];
  const alive = living(g);
  return alive.map((p) => ({ player: p, options: [...alive.filter((o) => o !== p), 'skip'] }));
}

/** Plurality vote; a tie for the most votes, or skip having the most, ejects nobody. */
export function tally(votes: Record<string, string>): { ejected: string | null; tally: Record<string, number> } {
  const t: Record<string, number> = {};
  for (const v of Object.values(votes)) t[v] = (t[v] ?? 0) + 1;
  let best: string | null = null;
  let bestN = 0;
  let tie = false;
  for (const [k, n] of Object.entries(t)) {
    if (n > bestN) {
      best = k;
      bestN = n;
      tie = false;
    } else if (n === bestN) tie = true;
  }
  return { ejected: tie || best === 'skip' ? null : best, tally: t };
}

export function applyVotes(g0: GameState, votes: Record<string, string>): GameState {
  if (g0.phase !== 'voting') throw new Error('applyVotes out of turn');
  const g = draft(g0);
  const m = meetingOf(g);
  const cast: Record<string, string> = {};
  for (const { player: p, options } of voteRequests(g0)) {
    const v = votes[p];
    const match = options.find((o) => o.toLowerCase() === String(v ?? '').trim().toLowerCase());
    cast[p] = match ?? 'skip';
    if (match && g.setup.imposters.includes(match) && roleOf(g, p) === 'crewmate') addReward(g, p, 'voteImposter', 1);
  }
  m.votes = cast;
  m.result = tally(cast);
  g.phase = 'ejection';
  return g;
}

/** Ejects the vote's loser (if any), announces it, and either ends the game or resumes play. */
export function applyEjection(g0: GameState): GameState {
  if (g0.phase !== 'ejection') throw new Error('applyEjection out of turn');
  const g = draft(g0);
  const m = meetingOf(g);
  const ejected = m.result?.ejected ?? null;
  const votesText = Object.entries(m.votes)
    .map(([p, v]) => `${p}→${v}`)
    .join(', ');
  let text = `Votes: ${votesText}. `;
  let wasImposter: boolean | null = null;
  if (ejected) {
    const e = player(g, ejected);
    e.alive = false;
    e.ejected = true;
    wasImposter = roleOf(g, ejected) === 'imposter';
    text += `${ejected} was ejected.`;
    if (g.rules.confirmEjects) text += wasImposter ? ` ${ejected} was an imposter.` : ` ${ejected} was not an imposter.`;
  } else text += 'No one was ejected (tie or skip).';
  for (const p of g.setup.players) {
    pushLog(g, p, { kind: 'vote', t: g.tick, text, votes: { ...m.votes }, ejected, wasImposter: g.rules.confirmEjects ? wasImposter : null });
  }
  g.meeting = null;
  g.phase = 'action';
  for (const p of living(g)) {
    const me = player(g, p);
    if (g.rules.meetingResetsPositions) me.room = g.setup.startRoom;
    if (roleOf(g, p) === 'imposter') me.cooldown = g.rules.killCooldown;
  }
  if (checkEnd(g)) return g;
  for (const p of living(g)) pushLog(g, p, seeEntry(g, p));
  return g;
}

// ---- end -------------------------------------------------------------------------------------------

function tasksDone(g: GameState): boolean {
  const crew = livingCrew(g);
  // A game without tasks cannot be won by tasks (rather than being won at once).
  if (!crew.some((p) => (g.setup.tasks[p] ?? []).length > 0)) return false;
  return crew.length > 0 && crew.every((p) => player(g, p).taskProgress.every((x) => x >= g.rules.taskTicks));
}

/** Ends the game when a side has won; returns whether it did. */
function checkEnd(g: GameState): boolean {
  const imps = livingImposters(g).length;
  const crew = livingCrew(g).length;
  if (imps === 0) endGame(g, 'crewmates', 'imposters_ejected');
  else if (imps >= crew) endGame(g, 'imposters', 'imposter_parity');
  else if (tasksDone(g)) endGame(g, 'crewmates', 'tasks_done');
  return g.phase === 'over';
}

function endGame(g: GameState, winner: Winner, reason: string): void {
  g.phase = 'over';
  g.winner = winner;
  g.endReason = reason;
  g.meeting = null;
  const why: Record<string, string> = {
    imposters_ejected: 'every imposter was ejected',
    imposter_parity: 'the imposters are as many as the crewmates',
    tasks_done: 'the crewmates finished all their tasks',
    step_cap: 'time ran out',
  };
  let text = `GAME OVER: the ${winner} win (${why[reason] ?? reason}). The imposter${g.setup.imposters.length > 1 ? 's were' : ' was'} ${g.setup.imposters.join(', ')}.`;
  if (g.rules.revealRoles) text += ` Roles: ${g.setup.players.map((p) => `${p}=${roleOf(g, p)}`).join(', ')}.`;
  for (const p of g.setup.players) {
    pushLog(g, p, { kind: 'over', t: g.tick, text, winner, reason });
    if ((roleOf(g, p) === 'imposter') === (winner === 'imposters')) addReward(g, p, 'win', 1);
  }
}

/** Tasks of a player as [room, progress] pairs, for observations. */
export function taskStatus(g: GameState, p: string): { room: number; progress: number; done: boolean }[] {
  const tasks = g.setup.tasks[p] ?? [];
  const me = player(g, p);
  return tasks.map((room, i) => {
    const progress = me.taskProgress[i] ?? 0;
    return { room, progress, done: progress >= g.rules.taskTicks };
  });
}
