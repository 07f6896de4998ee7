/**
 * The statechart of the social deduction game, shared by every version (`SocialDeduction-v0`,
 * `SocialDeduction-v1`). A version supplies its rules, scripted table, seat text and reward handling
 * (`SocialVersion`); the machine, the routing and the observation mapping are the same.
 *
 * Statechart: `action` (one tick: the agent's action, then the table's) → on a report,
 * `discussion` (before every message a `survey` of everyone's suspicion, then one `speak`er, in a
 * shuffled round-robin) → `voting` → `ejection` → back to `action`, until `gameOver`. Only states
 * where the agent must act are tagged `agentTurn`; a dead or ejected agent watches the rest of the
 * game play out without being asked anything. The rules themselves live in `engine.ts`, the seat's
 * text interface in `seat.ts`.
 */
import { assign, fromPromise, setup } from 'xstate';
import { type BaseContext, defineEnv } from '../../core/machine-env.js';
import type { Rng } from '../../core/rng.js';
import type { Json } from '../../core/types.js';
import type { SimulatorFactory } from '../../simulators/types.js';
import type { TableInput, TableTurn } from '../../simulators/social-deduction/table.js';
import {
  actionRequests,
  applyEjection,
  applyMessage,
  applySurvey,
  applyVotes,
  crewBeliefOnImposters,
  currentSpeaker,
  type GameRules,
  type GameState,
  living,
  newGame,
  resolveTick,
  roleOf,
  surveyRequests,
  taskStatus,
  voteRequests,
} from './engine.js';
import { checkScenario, type SocialScenario, scenarioSchema, surveyMode } from './config.js';
import { type Awaiting, awaitingOf, instructionsFor, legalFor, newTextFor, sampleSayings, type SeatDecision, parseSeatAction, type SeatStyle, transcriptFor } from './seat.js';

/** What differs between the versions of the game; everything else (the statechart) is shared. */
export interface SocialVersion {
  id: string;
  version: string;
  description: string;
  defaultKwargs: Record<string, Json>;
  sampleScenario(rng: Rng, kwargs: Record<string, Json>): SocialScenario;
  simulators: Record<string, SimulatorFactory<SocialScenario>>;
  rules(kwargs: Record<string, Json>): GameRules;
  /** The scripted players' parameters, sent with every table request. */
  params(kwargs: Record<string, Json>): Json;
  seat: SeatStyle;
  deferredRewards?: readonly string[];
  secrets?(scenario: SocialScenario): string[];
}

/** New log entries of each of `players` since `fed`, for the table. */
export function updatesFor(g: GameState, players: string[], fed: Record<string, number>): TableInput['updates'] {
  const out: TableInput['updates'] = {};
  for (const p of players) out[p] = (g.logs[p] ?? []).slice(fed[p] ?? 0);
  return out;
}

export function fedAfter(g: GameState, players: string[], fed: Record<string, number>): Record<string, number> {
  const out = { ...fed };
  for (const p of players) out[p] = (g.logs[p] ?? []).length;
  return out;
}

/** The table's request for the current phase, restricted to the seats it plays. */
export function tableInput(g: GameState, seats: string[], fed: Record<string, number>, params: Json): TableInput {
  const updates = updatesFor(g, seats, fed);
  const mine = new Set(seats);
  if (g.phase === 'action') {
    const players = actionRequests(g)
      .filter((r) => mine.has(r.player))
      .map((r) => ({
        player: r.player,
        legalActions: r.legalActions,
        openTasks: taskStatus(g, r.player)
          .filter((t) => !t.done)
          .map((t) => t.room),
      }));
    return { kind: 'act', updates, players, params: params as TableInput['params'] };
  }
  if (g.phase === 'discussion' && g.meeting?.step === 'survey') {
    return { kind: 'survey', updates, players: surveyRequests(g).filter((r) => mine.has(r.player)), params: params as TableInput['params'] };
  }
  const p = params as TableInput['params'];
  if (g.phase === 'discussion') return { kind: 'speak', updates, player: currentSpeaker(g) ?? '', alive: living(g), params: p };
  return { kind: 'vote', updates, players: voteRequests(g).filter((r) => mine.has(r.player)), params: p };
}

export interface SocialContext extends BaseContext {
  game: GameState;
  /** Constant within an episode, so built once. */
  instructions: string;
  agent: string;
  surveyMode: 'ask' | 'off';
  params: Json;
  /** How many log entries of each simulated player the table has been given. */
  fed: Record<string, number>;
  /** How many of the agent's log entries it had seen when it last acted. */
  agentSeen: number;
  pending: SeatDecision | null;
}

type SocialEvent = { type: 'DECIDE'; decision: SeatDecision };

function seatsOf(ctx: SocialContext): string[] {
  return ctx.game.setup.players.filter((p) => p !== ctx.agent);
}

function withGame(ctx: SocialContext, game: GameState): Partial<SocialContext> {
  const out: Partial<SocialContext> = { game, rewardTotals: { ...(game.rewards[ctx.agent] ?? {}) }, pending: null };
  if (game.phase === 'over') out.terminationReason = `${game.winner}_win:${game.endReason}`;
  return out;
}

/** Applies the table's turn (and the agent's pending decision) to the game. */
function advance(ctx: SocialContext, turn: TableTurn, rng: Parameters<typeof resolveTick>[2]): GameState {
  const g = ctx.game;
  const d = ctx.pending;
  switch (turn.kind) {
    case 'act': {
      const actions = { ...turn.actions };
      delete actions[ctx.agent];
      if (d?.kind === 'act') actions[ctx.agent] = d.action;
      return resolveTick(g, actions, rng);
    }
    case 'survey': {
      const answers = { ...turn.answers };
      delete answers[ctx.agent];
      if (d?.kind === 'survey') answers[ctx.agent] = d.dist;
      return applySurvey(g, answers);
    }
    case 'speak':
      return applyMessage(g, currentSpeaker(g) ?? turn.player, turn.message);
    case 'vote': {
      const votes = { ...turn.votes };
      delete votes[ctx.agent];
      if (d?.kind === 'vote') votes[ctx.agent] = d.target;
      return applyVotes(g, votes);
    }
  }
}

/** Every version defined so far, by env id (the multi-agent runner plays any of them). */
export const SOCIAL_VERSIONS: Record<string, SocialVersion> = {};

/** The env definition of one version of the game. */
export function socialDefinition(v: SocialVersion) {
  SOCIAL_VERSIONS[v.id] = v;
  const ENV_ID = v.id;
  const style = v.seat;
  return defineEnv<SocialScenario, SocialContext>({
  id: v.id,
  version: v.version,
  description: v.description,
  scenarioSchema,
  defaultKwargs: v.defaultKwargs,
  sampleScenario: (rng, kwargs) => v.sampleScenario(rng, kwargs),
  simulators: v.simulators,
  checkScenario: (scenario) => checkScenario(scenario),
  ...(v.deferredRewards ? { deferredRewards: v.deferredRewards } : {}),
  ...(v.secrets ? { secrets: (scenario: SocialScenario) => (v.secrets as (s: SocialScenario) => string[])(scenario) } : {}),
  createMachine: (deps) => {
    const rules = v.rules(deps.kwargs);
    const params = v.params(deps.kwargs);
    const mode = surveyMode(deps.kwargs);
    const agentAsked = (ctx: SocialContext, want: Awaiting): boolean => {
      const g = ctx.game;
      if (!g.players[ctx.agent]?.alive) return false;
      if (want === 'action') return g.players[ctx.agent]?.busy === 0;
      if (want === 'survey') return ctx.surveyMode === 'ask';
      if (want === 'speak') return currentSpeaker(g) === ctx.agent;
      return true;
    };
    const agentState = (want: Awaiting) => ({
      tags: ['agentTurn'],
      on: {
        DECIDE: {
          guard: ({ event }: { event: SocialEvent }) => kindFor(want) === event.decision.kind,
          target: want === 'speak' ? 'apply' : 'table',
          actions: assign(({ context, event }: { context: SocialContext; event: SocialEvent }) => ({
            pending: event.decision,
            agentSeen: (context.game.logs[context.agent] ?? []).length,
          })),
        },
      },
    });
    const wantNow = (g: GameState): Awaiting =>
      g.phase === 'action' ? 'action' : g.phase === 'voting' ? 'vote' : g.meeting?.step === 'survey' ? 'survey' : 'speak';
    /**
     * One invoke runs the table until the agent must act or the phase changes: consecutive decisions
     * of simulated players only (the agent dead or busy with a task, other speakers) cost one promise
     * actor instead of one each. The calls to the table, and their order, are the same either way.
     */
    const runTable = async (ctx: SocialContext): Promise<{ game: GameState; fed: Record<string, number> }> => {
      const seats = seatsOf(ctx);
      const phase0 = ctx.game.phase;
      let game = ctx.game;
      let fed = ctx.fed;
      let pending = ctx.pending;
      for (;;) {
        const turn = (await deps.userTurn(tableInput(game, seats, fed, ctx.params))) as TableTurn;
        const next = advance({ ...ctx, game, pending }, turn, deps.rng);
        fed = fedAfter(game, seats, fed);
        game = next;
        pending = null;
        if (game.phase !== phase0 || game.phase === 'over') break;
        if (agentAsked({ ...ctx, game }, wantNow(game))) break;
      }
      return { game, fed };
    };
    const tableState = {
      invoke: {
        src: 'table',
        input: ({ context }: { context: SocialContext }) => context,
        onDone: {
          target: '#social.route',
          actions: assign(({ context, event }: { context: SocialContext; event: unknown }) => {
            const out = (event as { output: { game: GameState; fed: Record<string, number> } }).output;
            return { fed: out.fed, ...withGame(context, out.game) };
          }),
        },
      },
    };
    // The phases share one shape (agent | table, plus apply for speech); built by a function, their configs
    // are typed by hand above, so they are handed to XState's inferred types unchecked.
    const phase = (want: Awaiting): never => ({
      // `route` always enters a leaf directly; `agent` is only the nominal initial state.
      initial: 'agent',
      states: {
        agent: agentState(want),
        table: tableState,
        ...(want === 'speak'
          ? {
              apply: {
                always: {
                  target: '#social.route',
                  actions: assign(({ context }: { context: SocialContext }) =>
                    withGame(
                      context,
                      applyMessage(context.game, context.agent, context.pending?.kind === 'say' ? context.pending.text : '...'),
                    ),
                  ),
                },
              },
            }
          : {}),
      },
    }) as never;
    return setup({
      types: {} as { context: SocialContext; events: SocialEvent; input: { scenario: SocialScenario } },
      actors: { table: fromPromise<{ game: GameState; fed: Record<string, number> }, SocialContext>(({ input }) => runTable(input)) },
    }).createMachine({
      id: 'social',
      context: ({ input }) => {
        const game = newGame(input.scenario, rules);
        return {
          game,
          instructions: instructionsFor(game, input.scenario.agent, mode, style),
          agent: input.scenario.agent,
          surveyMode: mode,
          params,
          fed: {},
          agentSeen: 0,
          pending: null,
          rewardTotals: { ...(game.rewards[input.scenario.agent] ?? {}) },
        };
      },
      initial: 'route',
      states: {
        route: {
          // One eventless hop from any finished step to the next leaf: who must act, in which phase.
          always: [
            { guard: ({ context }) => context.game.phase === 'over', target: 'gameOver' },
            { guard: ({ context }) => context.game.phase === 'ejection', target: 'ejection' },
            { guard: ({ context }) => context.game.phase === 'action' && agentAsked(context, 'action'), target: 'action.agent' },
            { guard: ({ context }) => context.game.phase === 'action', target: 'action.table' },
            { guard: ({ context }) => context.game.phase === 'voting' && agentAsked(context, 'vote'), target: 'voting.agent' },
            { guard: ({ context }) => context.game.phase === 'voting', target: 'voting.table' },
            {
              guard: ({ context }) => context.game.meeting?.step === 'survey' && agentAsked(context, 'survey'),
              target: 'discussion.survey.agent',
            },
            { guard: ({ context }) => context.game.meeting?.step === 'survey', target: 'discussion.survey.table' },
            { guard: ({ context }) => agentAsked(context, 'speak'), target: 'discussion.speak.agent' },
            { target: 'discussion.speak.table' },
          ],
        },
        action: phase('action'),
        discussion: { initial: 'survey', states: { survey: phase('survey'), speak: phase('speak') } },
        voting: phase('vote'),
        ejection: {
          always: { target: 'route', actions: assign(({ context }) => withGame(context, applyEjection(context.game))) },
        },
        gameOver: { type: 'final' },
      },
    });
  },
  observe(ctx) {
    const g = ctx.game;
    const view = {
      instructions: ctx.instructions,
      transcript: transcriptFor(g, ctx.agent),
      newText: newTextFor(g, ctx.agent, ctx.agentSeen, ctx.surveyMode, style),
    };
    const awaiting = agentAwaiting(ctx);
    if (awaiting === 'speak') return { ...view, sampleActions: sampleSayings(g, ctx.agent, style) };
    if (awaiting) return { ...view, legalActions: legalFor(g, ctx.agent, ctx.surveyMode) };
    return view;
  },
  parseAction(action, ctx) {
    if (!agentAwaiting(ctx)) return { invalid: 'the game is not waiting for you' };
    const d = parseSeatAction(ctx.game, ctx.agent, action, ctx.surveyMode, style);
    if ('invalid' in d) return d;
    return { event: { type: 'DECIDE', decision: d } };
  },
  info(ctx) {
    const g = ctx.game;
    const s = g.signals[ctx.agent];
    const lastSurvey = g.meeting?.surveys[g.meeting.surveys.length - 1];
    return {
      player: ctx.agent,
      role: roleOf(g, ctx.agent),
      phase: g.phase,
      tick: g.tick,
      alive: g.players[ctx.agent]?.alive ?? false,
      winner: g.winner,
      agentWon: g.winner === null ? null : (g.winner === 'imposters') === (roleOf(g, ctx.agent) === 'imposter'),
      // The generic verdict every env reports: the agent's side won.
      success: g.winner !== null && (g.winner === 'imposters') === (roleOf(g, ctx.agent) === 'imposter'),
      listeningMean: s?.listeningCount ? s.listening / s.listeningCount : null,
      speakingSum: s ? s.speaking : 0,
      speakingCount: s ? s.speakingCount : 0,
      // Summed probability the other living crewmates put on the imposters at the latest survey (meetings only).
      crewBelief: lastSurvey ? crewBeliefOnImposters(g, lastSurvey.answers, ctx.agent) : null,
    };
  },
  render(ctx) {
    const g = ctx.game;
    const lines = [
      `${ENV_ID} — agent ${ctx.agent} (${roleOf(g, ctx.agent)}); imposters: ${g.setup.imposters.join(', ')}; tick ${g.tick}; phase ${g.phase}`,
      '',
      ...transcriptFor(g, ctx.agent).map((t) => (t.role === 'game' ? t.text : `${t.role === 'agent' ? ctx.agent : t.role}: ${t.text}`)),
    ];
    return lines.join('\n');
  },
});
}


/**
 * What the game waits for from the agent. Derived from the game rather than stored: `observe` and
 * `parseAction` only run when the machine has settled in an agent state or a final state.
 */
function agentAwaiting(ctx: SocialContext): Awaiting | null {
  if (ctx.game.phase === 'over') return null;
  const a = awaitingOf(ctx.game, ctx.agent);
  return a === 'survey' && ctx.surveyMode !== 'ask' ? null : a;
}

function kindFor(want: Awaiting): SeatDecision['kind'] {
  return want === 'action' ? 'act' : want === 'speak' ? 'say' : want;
}

