/**
 * Multi-agent play of SocialDeduction: several agents (any mix of LLM, scripted, human, random,
 * expert — anything implementing `Agent`) each control one seat of the same game, turn by turn; the
 * seats no agent controls are played by the table simulator (scripted or LLM). Every seat sees only
 * its own observations, through the same text interface as the single-agent env (`seat.ts`).
 *
 * `SocialDeductionGame` is the step-level API (who must act now, what each seat sees, submit one
 * seat's action); `runSelfPlay` plays a whole game with it and returns one episode record per agent
 * seat, each valid against core/record.ts, so self-play data trains and evaluates like any rollout.
 *
 * Invalid actions are answered with feedback and the seat is asked again; after `maxInvalid`
 * attempts the engine's default for that decision is used (wait / uniform survey / "..." / skip).
 */
import { DIALOGYM_VERSION } from '../../core/version.js';
import { type EpisodeRecord, type RecordedTurn, recordUsage } from '../../core/record.js';
import { deriveSeed, Rng } from '../../core/rng.js';
import type { EpisodeError, Json, Observation, SimulatorConfig, StepInfo, Usage } from '../../core/types.js';
import { addUsage, emptyUsage } from '../../core/types.js';
import type { Agent } from '../../agents/types.js';
import type { LlmProvider, UserSimulator } from '../../simulators/types.js';
import { type TableInput, type TableTurn, tableTurnSchema } from '../../simulators/social-deduction/table.js';
import { validate } from '../../core/schema.js';
import { ConfigError } from '../../core/errors.js';
import {
  applyEjection,
  applyMessage,
  applySurvey,
  applyVotes,
  currentSpeaker,
  type GameState,
  newGame,
  resolveTick,
  roleOf,
} from './engine.js';
import { checkScenario, type SocialScenario, surveyMode } from './config.js';
import { awaitingOf, instructionsFor, legalFor, newTextFor, parseSeatAction, sampleSayings, type SeatDecision, transcriptFor } from './seat.js';
import { fedAfter, SOCIAL_VERSIONS, type SocialVersion, tableInput } from './define.js';
import './index.js';
import { ENV_ID_V1 } from './v1.js';

/** The default version of multi-agent games. */
export const DEFAULT_SELFPLAY_ENV = ENV_ID_V1;

export interface MultiAgentOptions {
  /** Seat colour → agent. Seats not listed are played by the table. */
  seats: Record<string, Agent>;
  /** Which version of the game (default SocialDeduction-v1; v0 records still replay with 'SocialDeduction-v0'). */
  envId?: string;
  kwargs?: Record<string, Json>;
  /** The table's simulator for the other seats (default scripted). */
  simulator?: SimulatorConfig;
  llm?: LlmProvider;
  /** Failed attempts before the default decision is applied for a seat. */
  maxInvalid?: number;
}

export interface SeatTurnResult {
  observation: Observation;
  info: StepInfo;
}

/** A turn recorded for a seat; its observation and reward are filled when the seat is next asked or the game ends. */
interface OpenTurn extends RecordedTurn {
  totalsAtAction: Record<string, number>;
}

interface SeatLog {
  seen: number;
  turns: OpenTurn[];
  invalid: number;
  initial: { instructions: string; text: string } | null;
  usage: Usage;
}

export class SocialDeductionGame {
  readonly kwargs: Record<string, Json>;
  private game!: GameState;
  private scenario!: SocialScenario;
  private table!: UserSimulator<TableInput, TableTurn>;
  private fed: Record<string, number> = {};
  private envRng!: Rng;
  private logs: Record<string, SeatLog> = {};
  private pendingDecisions: Record<string, SeatDecision> = {};
  private attempts: Record<string, number> = {};
  private readonly mode: 'ask' | 'off';
  private tableUsage: Usage = emptyUsage();
  readonly version: SocialVersion;
  seed = 0;

  constructor(private readonly opts: MultiAgentOptions) {
    const id = opts.envId ?? DEFAULT_SELFPLAY_ENV;
    const v = SOCIAL_VERSIONS[id];
    if (!v) throw new ConfigError(`SocialDeduction multi-agent: unknown env '${id}' (known: ${Object.keys(SOCIAL_VERSIONS).join(', ')})`);
    this.version = v;
    this.kwargs = { ...v.defaultKwargs, ...(opts.kwargs ?? {}) };
    this.mode = surveyMode(this.kwargs);
    v.rules(this.kwargs);
    v.params(this.kwargs);
  }

  /** Starts a game: a sampled scenario (the `agent` field is ignored here) or the one given. */
  reset(seed: number, scenario?: SocialScenario): void {
    this.seed = seed;
    this.scenario = scenario ? structuredClone(scenario) : this.version.sampleScenario(Rng.fromSeed(deriveSeed(seed, 'scenario')), this.kwargs);
    checkScenario(this.scenario);
    for (const p of Object.keys(this.opts.seats)) {
      if (!this.scenario.players.includes(p)) throw new ConfigError(`SocialDeduction multi-agent: no seat '${p}' (players: ${this.scenario.players.join(', ')})`);
    }
    this.game = newGame(this.scenario, this.version.rules(this.kwargs));
    this.envRng = Rng.fromSeed(deriveSeed(seed, 'env'));
    const simConfig = this.opts.simulator ?? { kind: 'scripted' };
    const ctx = { scenario: this.scenario, rng: Rng.fromSeed(deriveSeed(seed, 'simulator')), config: simConfig, llm: this.opts.llm };
    const factory = this.version.simulators[simConfig.kind];
    if (!factory) throw new ConfigError(`SocialDeduction multi-agent: unknown table simulator '${simConfig.kind}' (scripted, llm)`);
    this.table = factory(ctx) as UserSimulator<TableInput, TableTurn>;
    this.fed = {};
    this.pendingDecisions = {};
    this.attempts = {};
    this.tableUsage = emptyUsage();
    this.logs = {};
    for (const p of this.agentSeats()) this.logs[p] = { seen: 0, turns: [], invalid: 0, initial: null, usage: emptyUsage() };
  }

  state(): GameState {
    return this.game;
  }

  agentSeats(): string[] {
    return this.scenario.players.filter((p) => p in this.opts.seats);
  }

  private tableSeats(): string[] {
    return this.scenario.players.filter((p) => !(p in this.opts.seats));
  }

  get over(): boolean {
    return this.game.phase === 'over';
  }

  /** Agent seats that must decide before the game can move on. */
  waitingFor(): string[] {
    if (this.over) return [];
    return this.agentSeats().filter((p) => {
      const a = awaitingOf(this.game, p);
      if (a === null || (a === 'survey' && this.mode !== 'ask')) return false;
      return !(p in this.pendingDecisions);
    });
  }

  /** What seat `p` sees now (new text since it last acted, with the prompt) and its legal actions. */
  view(p: string): SeatTurnResult {
    const log = this.logs[p];
    const g = this.game;
    const observation: Observation = {
      instructions: instructionsFor(g, p, this.mode, this.version.seat),
      newText: newTextFor(g, p, log?.seen ?? 0, this.mode, this.version.seat),
      transcript: transcriptFor(g, p),
    };
    const a = awaitingOf(g, p);
    const info: StepInfo = { rewardComponents: {}, player: p, role: roleOf(g, p), phase: g.phase, tick: g.tick };
    if (a === 'speak') observation.sampleActions = sampleSayings(g, p, this.version.seat);
    else if (a) {
      const legal = legalFor(g, p, this.mode);
      if (legal.length) observation.legalActions = legal;
    }
    return { observation, info };
  }

  /**
   * Seat `p` acts. Returns the invalid reason (the seat is asked again) or null. When every agent seat
   * the current decision waits for has acted, the table decides for the rest and the game advances
   * to the next decision that needs an agent (or to its end).
   */
  async submit(p: string, action: string): Promise<string | null> {
    if (!this.waitingFor().includes(p)) throw new Error(`seat ${p} is not asked to act now`);
    const log = this.logs[p] as SeatLog;
    const d = parseSeatAction(this.game, p, action, this.mode, this.version.seat);
    const totals = { ...(this.game.rewards[p] ?? {}) };
    this.settleOpenTurn(p);
    const turn: OpenTurn = {
      action,
      observation: '',
      reward: 0,
      rewardComponents: {},
      simulatorTurns: [],
      invalidAction: null,
      info: {},
      totalsAtAction: totals,
    };
    log.turns.push(turn);
    if ('invalid' in d) {
      turn.invalidAction = { reason: d.invalid };
      log.invalid += 1;
      const n = (this.attempts[p] ?? 0) + 1;
      this.attempts[p] = n;
      if (n < (this.opts.maxInvalid ?? 3)) return d.invalid;
      this.pendingDecisions[p] = defaultDecision(this.game, p);
    } else this.pendingDecisions[p] = d;
    log.seen = (this.game.logs[p] ?? []).length;
    if (this.waitingFor().length === 0) await this.advance();
    return 'invalid' in d ? d.invalid : null;
  }

  /** Fills the observation and reward of seat p's last turn (what it saw and earned since acting). */
  private settleOpenTurn(p: string): void {
    const log = this.logs[p];
    const t = log?.turns[log.turns.length - 1];
    if (!log || !t || t.observation !== '') return;
    t.observation = t.invalidAction ? `Invalid action: ${t.invalidAction.reason}.` : newTextFor(this.game, p, log.seen, this.mode, this.version.seat);
    const now = this.game.rewards[p] ?? {};
    let sum = 0;
    for (const [k, v] of Object.entries(now)) {
      const dlt = Math.round((v - (t.totalsAtAction[k] ?? 0)) * 1e12) / 1e12;
      if (dlt !== 0) {
        t.rewardComponents[k] = dlt;
        sum += dlt;
      }
    }
    t.reward = sum;
  }

  /** Runs table decisions and engine transitions until an agent seat must act or the game ends. */
  private async advance(): Promise<void> {
    for (let guard = 0; guard < 100_000; guard++) {
      const g = this.game;
      if (g.phase === 'over') return;
      if (g.phase === 'ejection') {
        this.game = applyEjection(g);
        continue;
      }
      if (this.waitingFor().length > 0) return;
      const seats = this.tableSeats();
      const needsTable =
        g.phase !== 'discussion' || g.meeting?.step === 'survey' || (currentSpeaker(g) !== null && seats.includes(currentSpeaker(g) as string));
      let turn: TableTurn | null = null;
      if (needsTable) {
        turn = (await this.table.respond(tableInput(g, seats, this.fed, this.version.params(this.kwargs)))) as TableTurn;
        const r = validate(tableTurnSchema, turn);
        if (!r.ok) throw new Error(`table turn failed its schema: ${r.errors.join('; ')}`);
        this.fed = fedAfter(g, seats, this.fed);
        const used = (this.table as { takeUsage?: () => Usage | undefined }).takeUsage?.();
        if (used) addUsage(this.tableUsage, used);
      }
      this.game = this.apply(g, turn);
      this.pendingDecisions = {};
      this.attempts = {};
    }
  }

  private apply(g: GameState, turn: TableTurn | null): GameState {
    const agentD = this.pendingDecisions;
    if (g.phase === 'action') {
      const actions: Record<string, string> = { ...(turn?.kind === 'act' ? turn.actions : {}) };
      for (const [p, d] of Object.entries(agentD)) if (d.kind === 'act') actions[p] = d.action;
      return resolveTick(g, actions, this.envRng);
    }
    if (g.phase === 'discussion' && g.meeting?.step === 'survey') {
      const answers: Record<string, Record<string, number>> = { ...(turn?.kind === 'survey' ? turn.answers : {}) };
      for (const p of this.agentSeats()) delete answers[p];
      for (const [p, d] of Object.entries(agentD)) if (d.kind === 'survey') answers[p] = d.dist;
      return applySurvey(g, answers);
    }
    if (g.phase === 'discussion') {
      const sp = currentSpeaker(g) as string;
      const d = agentD[sp];
      const text = d?.kind === 'say' ? d.text : turn?.kind === 'speak' ? turn.message : '...';
      return applyMessage(g, sp, text);
    }
    const votes: Record<string, string> = { ...(turn?.kind === 'vote' ? turn.votes : {}) };
    for (const p of this.agentSeats()) delete votes[p];
    for (const [p, d] of Object.entries(agentD)) if (d.kind === 'vote') votes[p] = d.target;
    return applyVotes(g, votes);
  }

  /** Brings the game to the first decision an agent must take (call after reset). */
  async start(): Promise<void> {
    await this.advance();
  }

  /** One episode record per agent seat (call once the game is over, or to abort it). */
  records(meta: { agents: Record<string, { id: string; config?: Json }>; keyPrefix?: string; error?: EpisodeError | null; wallMs?: number; startedAt?: string }): EpisodeRecord[] {
    const out: EpisodeRecord[] = [];
    const g = this.game;
    const seatsJson: Record<string, string> = {};
    for (const p of this.scenario.players) seatsJson[p] = meta.agents[p]?.id ?? `table:${(this.opts.simulator ?? { kind: 'scripted' }).kind}`;
    for (const p of this.agentSeats()) {
      this.settleOpenTurn(p);
      const log = this.logs[p] as SeatLog;
      const turns: RecordedTurn[] = log.turns.map(({ totalsAtAction: _t, ...rest }) => rest);
      const ret = turns.reduce((a, t) => a + t.reward, 0);
      const lastInfo = { player: p, role: roleOf(g, p), winner: g.winner, agentWon: g.winner === null ? null : (g.winner === 'imposters') === (roleOf(g, p) === 'imposter') };
      const last = turns[turns.length - 1];
      if (last) last.info = lastInfo;
      const over = g.phase === 'over';
      out.push({
        schemaVersion: 1,
        key: `${meta.keyPrefix ?? `${this.version.id}/selfplay`}/${this.seed}/${p}`,
        dialogymVersion: DIALOGYM_VERSION,
        env: { id: this.version.id, version: this.version.version, kwargs: structuredClone(this.kwargs), maxEpisodeSteps: null },
        seed: this.seed,
        scenario: { ...structuredClone(this.scenario), agent: p },
        agent: { id: meta.agents[p]?.id ?? 'unknown', config: meta.agents[p]?.config ?? null },
        simulator: { kind: 'multi-agent', table: (this.opts.simulator ?? { kind: 'scripted' }).kind, seats: seatsJson },
        initialObservation: { instructions: log.initial?.instructions ?? '', text: log.initial?.text ?? '', info: { player: p, role: roleOf(g, p) } },
        turns,
        totals: { return: ret, steps: turns.length, invalidActions: log.invalid },
        termination: { terminated: over, truncated: !over, reason: over ? `${g.winner}_win:${g.endReason}` : 'aborted' },
        error: meta.error ?? null,
        usage: { simulator: recordUsage(this.tableUsage), agent: recordUsage(log.usage) },
        source: { multiAgent: true, seats: seatsJson },
        timings: { startedAt: meta.startedAt ?? new Date(0).toISOString(), wallMs: meta.wallMs ?? 0 },
      });
    }
    return out;
  }

  /** Remembers the first view of each seat for its record's `initialObservation`. */
  noteInitial(p: string, v: SeatTurnResult): void {
    const log = this.logs[p];
    if (log && !log.initial) log.initial = { instructions: v.observation.instructions, text: v.observation.newText };
  }

  addAgentUsage(p: string, u: Usage | undefined): void {
    const log = this.logs[p];
    if (log && u) addUsage(log.usage, u);
  }
}

function defaultDecision(g: GameState, p: string): SeatDecision {
  const a = awaitingOf(g, p);
  if (a === 'action') return { kind: 'act', action: 'wait' };
  if (a === 'survey') return { kind: 'survey', dist: {} };
  if (a === 'speak') return { kind: 'say', text: '...' };
  return { kind: 'vote', target: 'skip' };
}

export interface SelfPlayOptions extends MultiAgentOptions {
  seed: number;
  scenario?: SocialScenario;
  keyPrefix?: string;
  /** Safety cap on agent decisions per game. */
  maxDecisions?: number;
}

/**
 * Plays one game: agent seats act in seat order whenever the game waits for them (each sees only its
 * own view), the table plays the rest. Agent failures end the game early with `error.type = 'agent_error'`.
 */
export async function runSelfPlay(opts: SelfPlayOptions): Promise<{ records: EpisodeRecord[]; game: GameState }> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const game = new SocialDeductionGame(opts);
  game.reset(opts.seed, opts.scenario);
  for (const [p, agent] of Object.entries(opts.seats)) await agent.reset?.({ envId: game.version.id, seed: deriveSeed(opts.seed, `agent:${p}`) });
  await game.start();
  const invalidReason: Record<string, string> = {};
  let error: EpisodeError | null = null;
  const cap = opts.maxDecisions ?? 20_000;
  let n = 0;
  outer: while (!game.over && n < cap) {
    const waiting = game.waitingFor();
    if (waiting.length === 0) break;
    for (const p of waiting) {
      const agent = opts.seats[p] as Agent;
      const v = game.view(p);
      game.noteInitial(p, v);
      if (invalidReason[p]) {
        v.info.invalidAction = { reason: invalidReason[p] as string };
        v.observation.invalidAction = { reason: invalidReason[p] as string };
        v.observation.newText = `Invalid action: ${invalidReason[p]}.\n${v.observation.newText}`;
      }
      let action: string;
      try {
        // Seats see their observation only; table games pay no per-decision reward.
        action = await agent.act(v.observation, 0);
        game.addAgentUsage(p, agent.takeUsage?.());
      } catch (err) {
        const e = err as { name?: string; message?: string };
        error = { type: e.name === 'EndOfInput' ? 'ended_by_user' : 'agent_error', message: `${p}: ${String(e.message ?? err)}` };
        break outer;
      }
      n += 1;
      const bad = await game.submit(p, action);
      if (bad) invalidReason[p] = bad;
      else delete invalidReason[p];
      if (game.over) break;
    }
  }
  const agents: Record<string, { id: string; config?: Json }> = {};
  for (const [p, a] of Object.entries(opts.seats)) agents[p] = { id: a.id, config: a.config ?? null };
  const records = game.records({
    agents,
    keyPrefix: opts.keyPrefix,
    error,
    wallMs: Math.round((performance.now() - started) * 1000) / 1000,
    startedAt,
  });
  return { records, game: game.state() };
}
