/**
 * The other players of a social deduction game, as one simulator ("the table").
 *
 * The env reaches its simulator through a single `userTurn(input)` function, while this game has
 * several simulated players. So the table takes one request for a whole phase — the actions of every
 * simulated player this tick, their survey answers, one speaker's message, or their votes — together
 * with each simulated player's new observations since the last request (`updates`). Each player's
 * beliefs live in the table's state (`getState`/`setState`), one `MindState` per player.
 *
 * `ScriptedTable` plays with `mind.ts`; `LlmTable` asks a language model for each player's survey,
 * message and vote through JSON-Schema'd turns (and, optionally, its moves), the env still enforcing
 * legality.
 */
import type { JsonSchema } from '../../core/schema.js';
import type { Json, SimulatorConfig, Usage } from '../../core/types.js';
import { addUsage, emptyUsage } from '../../core/types.js';
import { type GameSetup, type LogEntry, roleOf } from '../../envs/social-deduction/engine.js';
import type { ChatMessage, SimulatorContext, UserSimulator } from '../types.js';
import { act, DEFAULT_MIND_PARAMS, type MindParams, type MindState, newMind, observe, speak, survey, vote } from './mind.js';

export type Updates = Record<string, LogEntry[]>;

export type TableInput =
  | {
      kind: 'act';
      updates: Updates;
      players: { player: string; legalActions: string[]; openTasks: number[] }[];
      params?: Partial<MindParams>;
    }
  | { kind: 'survey'; updates: Updates; players: { player: string; candidates: string[] }[]; params?: Partial<MindParams> }
  | { kind: 'speak'; updates: Updates; player: string; alive: string[]; params?: Partial<MindParams> }
  | { kind: 'vote'; updates: Updates; players: { player: string; options: string[] }[]; params?: Partial<MindParams> };

export type TableTurn =
  | { kind: 'act'; actions: Record<string, string> }
  | { kind: 'survey'; answers: Record<string, Record<string, number>> }
  | { kind: 'speak'; player: string; message: string }
  | { kind: 'vote'; votes: Record<string, string> };

export const tableTurnSchema: JsonSchema = {
  oneOf: [
    {
      type: 'object',
      required: ['kind', 'actions'],
      additionalProperties: false,
      properties: { kind: { const: 'act' }, actions: { type: 'object', additionalProperties: { type: 'string' } } },
    },
    {
      type: 'object',
      required: ['kind', 'answers'],
      additionalProperties: false,
      properties: {
        kind: { const: 'survey' },
        answers: {
          type: 'object',
          additionalProperties: { type: 'object', additionalProperties: { type: 'number', minimum: 0 } },
        },
      },
    },
    {
      type: 'object',
      required: ['kind', 'player', 'message'],
      additionalProperties: false,
      properties: { kind: { const: 'speak' }, player: { type: 'string' }, message: { type: 'string', minLength: 1, maxLength: 500 } },
    },
    {
      type: 'object',
      required: ['kind', 'votes'],
      additionalProperties: false,
      properties: { kind: { const: 'vote' }, votes: { type: 'object', additionalProperties: { type: 'string' } } },
    },
  ],
};

interface TableState {
  minds: Record<string, MindState>;
}

/** Scripted players: `mind.ts` for every seat the env asks about. */
export class ScriptedTable implements UserSimulator<TableInput, TableTurn> {
  readonly turnSchema = tableTurnSchema;
  private state: TableState = { minds: {} };

  constructor(private readonly ctx: SimulatorContext<GameSetup>) {}

  get config(): SimulatorConfig {
    return this.ctx.config;
  }

  private params(input: TableInput): MindParams {
    return { ...DEFAULT_MIND_PARAMS, ...(input.params ?? {}) };
  }

  /** The mind of `p`, created on first use from what `p` legitimately knows (its role, its fellow imposters). */
  mind(p: string, params: MindParams = DEFAULT_MIND_PARAMS): MindState {
    let m = this.state.minds[p];
    if (!m) {
      const setup = this.ctx.scenario;
      const role = roleOf({ setup }, p);
      m = newMind(p, role, role === 'imposter' ? setup.imposters.filter((i) => i !== p) : [], setup, params);
      this.state.minds[p] = m;
    }
    return m;
  }

  /** Feed every player's new observations to its mind. */
  absorb(updates: Updates, params: MindParams): void {
    for (const [p, entries] of Object.entries(updates)) if (entries.length) observe(this.mind(p, params), entries, this.ctx.scenario);
  }

  respond(input: TableInput): TableTurn {
    const params = this.params(input);
    const setup = this.ctx.scenario;
    const rng = this.ctx.rng;
    this.absorb(input.updates, params);
    switch (input.kind) {
      case 'act': {
        const actions: Record<string, string> = {};
        for (const r of input.players) {
          const m = this.mind(r.player, params);
          const ups = input.updates[r.player] ?? [];
          let see: { players: string[] } | null = null;
          for (const e of ups) if (e.kind === 'see') see = e;
          actions[r.player] = r.legalActions.length ? act(m, r.legalActions, r.openTasks, setup, params, rng, see) : 'wait';
        }
        return { kind: 'act', actions };
      }
      case 'survey': {
        const answers: Record<string, Record<string, number>> = {};
        for (const r of input.players) answers[r.player] = survey(this.mind(r.player, params), r.candidates, params);
        return { kind: 'survey', answers };
      }
      case 'speak':
        return { kind: 'speak', player: input.player, message: speak(this.mind(input.player, params), input.alive, setup, params, rng) };
      case 'vote': {
        const votes: Record<string, string> = {};
        for (const r of input.players) {
          votes[r.player] = vote(this.mind(r.player, params), r.options, params, r.options.filter((o) => o !== 'skip'));
        }
        return { kind: 'vote', votes };
      }
    }
  }

  getState(): Json {
    return this.state;
  }

  setState(state: Json): void {
    this.state = structuredClone(state ?? { minds: {} }) as TableState;
    if (!this.state.minds) this.state.minds = {};
  }
}

/** What the LLM table needs of a scripted table: its moves, and keeping its minds up to date. */
export interface ScriptedFallback {
  respond(input: TableInput): TableTurn;
  absorb(updates: Updates, params: never): void;
  getState(): Json;
  setState(state: Json): void;
}

function rulesText(setup: GameSetup, self: string): string {
  const role = roleOf({ setup }, self);
  const mates = setup.imposters.filter((i) => i !== self);
  return [
    `You are ${self}, playing a social deduction game (like Among Us) with ${setup.players.join(', ')}.`,
    role === 'imposter'
      ? `You are the IMPOSTER${mates.length ? ` (with ${mates.join(', ')})` : ''}. Kill crewmates unseen, and during meetings lie plausibly so that you are not voted out.`
      : 'You are a CREWMATE. Do your tasks, report bodies, and in meetings find and vote out the imposter. Share what you saw.',
    `Rooms: ${setup.roomNames.join(', ')}.`,
  ].join('\n');
}

/**
 * Language-model players. Each survey answer, message and vote is one structured call per player;
 * moves come from the scripted minds unless `config.actions === 'llm'`. Every player keeps the text of
 * its own observations, so a model sees only what its player saw.
 */
export class LlmTable implements UserSimulator<TableInput, TableTurn> {
  readonly turnSchema = tableTurnSchema;
  private readonly scripted: ScriptedFallback;
  private logs: Record<string, string[]> = {};
  private usage: Usage = emptyUsage();

  /** `scripted` builds the table whose minds play the moves (v0's ScriptedTable unless given; v1 passes its NpcTable). */
  constructor(
    private readonly ctx: SimulatorContext<GameSetup>,
    scripted?: (ctx: SimulatorContext<GameSetup>) => ScriptedFallback,
  ) {
    if (!ctx.llm) throw new Error('the llm simulator needs an LLM provider (configure --model / an llm client)');
    this.scripted = scripted ? scripted(ctx) : new ScriptedTable(ctx);
  }

  get config(): SimulatorConfig {
    return this.ctx.config;
  }

  private messages(p: string, question: string): ChatMessage[] {
    const log = (this.logs[p] ?? []).slice(-80).join('\n');
    return [
      { role: 'system', content: rulesText(this.ctx.scenario, p) },
      { role: 'user', content: `What you have observed so far:\n${log || '(nothing yet)'}\n\n${question}` },
    ];
  }

  private async ask(p: string, question: string, schema: JsonSchema, check?: (v: Json) => string | null): Promise<Json> {
    const llm = this.ctx.llm;
    if (!llm) throw new Error('no LLM provider');
    const r = await llm.complete({
      messages: this.messages(p, question),
      schema,
      schemaName: 'social_deduction_turn',
      check,
      seed: this.ctx.rng.seed(),
      temperature: this.ctx.config.temperature,
    });
    addUsage(this.usage, r.usage);
    return r.value;
  }

  async respond(input: TableInput): Promise<TableTurn> {
    for (const [p, entries] of Object.entries(input.updates)) {
      const list = this.logs[p] ?? [];
      for (const e of entries) list.push(e.text);
      this.logs[p] = list;
    }
    if (input.kind === 'act' && this.ctx.config.actions !== 'llm') return this.scripted.respond(input);
    this.scripted.absorb(input.updates, { ...DEFAULT_MIND_PARAMS, ...(input.params ?? {}) } as never);
    switch (input.kind) {
      case 'act': {
        const actions: Record<string, string> = {};
        for (const r of input.players) {
          if (!r.legalActions.length) continue;
          const v = await this.ask(r.player, `Choose your next action.`, {
            type: 'object',
            required: ['action'],
            additionalProperties: false,
            properties: { action: { enum: r.legalActions } },
          });
          actions[r.player] = String(v.action);
        }
        return { kind: 'act', actions };
      }
      case 'survey': {
        const answers: Record<string, Record<string, number>> = {};
        for (const r of input.players) {
          const props: Record<string, JsonSchema> = {};
          for (const c of r.candidates) props[c] = { type: 'number', minimum: 0, maximum: 1 };
          const v = await this.ask(
            r.player,
            `Survey: which player are you most suspicious of? Give a probability for each of ${r.candidates.join(', ')} (they should sum to 1).`,
            {
              type: 'object',
              required: ['survey'],
              additionalProperties: false,
              properties: { survey: { type: 'object', required: r.candidates, additionalProperties: false, properties: props } },
            },
            (val) => {
              const s = Object.values((val as { survey: Record<string, number> }).survey).reduce((a, b) => a + b, 0);
              return s > 0 ? null : 'the probabilities must not all be zero';
            },
          );
          answers[r.player] = v.survey as Record<string, number>;
        }
        return { kind: 'survey', answers };
      }
      case 'speak': {
        const v = await this.ask(input.player, 'It is your turn to speak in the meeting. Say one or two sentences.', {
          type: 'object',
          required: ['message'],
          additionalProperties: false,
          properties: { message: { type: 'string', minLength: 1, maxLength: 400 } },
        });
        return { kind: 'speak', player: input.player, message: String(v.message).trim() || '...' };
      }
      case 'vote': {
        const votes: Record<string, string> = {};
        for (const r of input.players) {
          const v = await this.ask(r.player, `Vote to eject a player, or skip. Options: ${r.options.join(', ')}.`, {
            type: 'object',
            required: ['vote'],
            additionalProperties: false,
            properties: { vote: { enum: r.options } },
          });
          votes[r.player] = String(v.vote);
        }
        return { kind: 'vote', votes };
      }
    }
  }

  getState(): Json {
    return { logs: this.logs, scripted: this.scripted.getState() };
  }

  setState(state: Json): void {
    const s = structuredClone(state ?? {}) as { logs?: Record<string, string[]>; scripted?: Json };
    this.logs = s.logs ?? {};
    this.scripted.setState(s.scripted ?? { minds: {} });
  }

  takeUsage(): Usage | undefined {
    const u = this.usage;
    this.usage = emptyUsage();
    return u.calls ? u : undefined;
  }
}
