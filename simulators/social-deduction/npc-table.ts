/**
 * SocialDeduction-v1's scripted table: every simulated seat is an `Npc` (npc.ts) and talks through
 * the shared phrase bank (phrases.ts). Same request/turn contract as the v0 table (`table.ts`), so the
 * statechart, the multi-agent runner and the LLM table drive it unchanged.
 *
 * Randomness: each seat draws from its own stream (derived once from the simulator stream and kept in
 * the table's state), so that what one seat does — the agent's choices included — does not shift the
 * random draws of the others: paired comparisons of two agents on the same seed then differ only
 * where their play differs (common random numbers, a variance reduction for evaluation).
 */
import { deriveSeed, Rng } from '../../core/rng.js';
import type { Json, SimulatorConfig } from '../../core/types.js';
import { type GameSetup, roleOf } from '../../envs/social-deduction/engine.js';
import type { SimulatorContext, UserSimulator } from '../types.js';
import { actNpc, DEFAULT_NPC_PARAMS, type Npc, type NpcParams, newNpc, observeNpc, speechIntents, surveyNpc, voteNpc } from './npc.js';
import { realizeAll } from './phrases.js';
import { type TableInput, type TableTurn, tableTurnSchema, type Updates } from './table.js';

interface NpcTableState {
  /** Seed of the per-seat streams, drawn from the simulator stream on the first request. */
  base: number | null;
  minds: Record<string, Npc>;
  rngs: Record<string, number[]>;
}

export class NpcTable implements UserSimulator<TableInput, TableTurn> {
  readonly turnSchema = tableTurnSchema;
  private state: NpcTableState = { base: null, minds: {}, rngs: {} };
  private live: Record<string, Rng> = {};

  constructor(private readonly ctx: SimulatorContext<GameSetup>) {}

  get config(): SimulatorConfig {
    return this.ctx.config;
  }

  private params(input: TableInput): NpcParams {
    return { ...DEFAULT_NPC_PARAMS, ...((input.params ?? {}) as Partial<NpcParams>) };
  }

  /** The stream of seat `p` for `purpose` ('act' moves; 'talk' phrase choice and cover stories). */
  rng(p: string, purpose: 'act' | 'talk'): Rng {
    const key = `${p}/${purpose}`;
    let r = this.live[key];
    if (!r) {
      if (this.state.base === null) this.state.base = this.ctx.rng.seed();
      r = Rng.fromSeed(deriveSeed(this.state.base, key));
      this.live[key] = r;
    }
    return r;
  }

  mind(p: string, params: NpcParams = DEFAULT_NPC_PARAMS): Npc {
    let m = this.state.minds[p];
    if (!m) {
      const setup = this.ctx.scenario;
      const role = roleOf({ setup }, p);
      m = newNpc(p, role, role === 'imposter' ? setup.imposters.filter((i) => i !== p) : [], setup, params);
      this.state.minds[p] = m;
    }
    return m;
  }

  absorb(updates: Updates, params: NpcParams): void {
    for (const [p, entries] of Object.entries(updates)) {
      if (entries.length) observeNpc(this.mind(p, params), entries, this.ctx.scenario, params, this.rng(p, 'talk'));
    }
  }

  respond(input: TableInput): TableTurn {
    const params = this.params(input);
    const setup = this.ctx.scenario;
    this.absorb(input.updates, params);
    switch (input.kind) {
      case 'act': {
        const actions: Record<string, string> = {};
        for (const r of input.players) {
          actions[r.player] = r.legalActions.length
            ? actNpc(this.mind(r.player, params), r.legalActions, r.openTasks, setup, params, this.rng(r.player, 'act'))
            : 'wait';
        }
        return { kind: 'act', actions };
      }
      case 'survey': {
        const answers: Record<string, Record<string, number>> = {};
        for (const r of input.players) answers[r.player] = surveyNpc(this.mind(r.player, params), r.candidates, params);
        return { kind: 'survey', answers };
      }
      case 'speak': {
        const m = this.mind(input.player, params);
        const intents = speechIntents(m, input.alive, params);
        const message = params.muted ? '...' : realizeAll(intents, setup, this.rng(input.player, 'talk'));
        return { kind: 'speak', player: input.player, message };
      }
      case 'vote': {
        const votes: Record<string, string> = {};
        for (const r of input.players) votes[r.player] = voteNpc(this.mind(r.player, params), r.options, params);
        return { kind: 'vote', votes };
      }
    }
  }

  getState(): Json {
    const rngs: Record<string, number[]> = {};
    for (const [k, r] of Object.entries(this.live)) rngs[k] = r.getState();
    return { base: this.state.base, minds: this.state.minds, rngs } as unknown as Json;
  }

  setState(state: Json): void {
    const s = structuredClone(state ?? {}) as Partial<NpcTableState>;
    this.state = { base: s.base ?? null, minds: s.minds ?? {}, rngs: {} };
    this.live = {};
    for (const [k, st] of Object.entries(s.rngs ?? {})) this.live[k] = Rng.fromState(st);
  }
}
