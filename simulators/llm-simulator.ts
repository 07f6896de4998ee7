/**
 * The generic LLM user simulator, so that each env's LLM user is a prompt and a mapping.
 *
 * An env author gives the turn schema (the same one its scripted simulator satisfies), a system
 * prompt (usually built from the scenario/persona), `toMessages(input)` turning the machine's input
 * for this turn (the agent's line, an event) into the chat message(s) the simulated user reads, and
 * optionally `requestSchema(input)` (a narrower schema for this turn, e.g. `answer: {const: 'greeting'}`
 * for an opening line) and `check(turn, input)` (env rules beyond the schema; a returned string is
 * sent back to the model as a repair request).
 *
 * The conversation so far (from the simulated user's side: the agent as `user`, itself as
 * `assistant`) is the simulator's hidden state, returned by `getState` so snapshots resume it.
 * Each call's `seed` is drawn from the simulator's own `ctx.rng`, so an episode's requests (and
 * therefore its cache entries) are a function of the episode seed: runs are reproducible through
 * the cache, and at temperature > 0 different episodes get different samples.
 *
 * Failures are thrown as `LlmError`s with a `type`; the core records them as the episode's error.
 * Tokens of failed calls are still counted.
 */
import type { JsonSchema } from '../core/schema.js';
import { addUsage, emptyUsage, type Json, type SimulatorConfig, type Usage } from '../core/types.js';
import { usageOfError } from './llm-client.js';
import { LlmError } from './llm-errors.js';
import type { ChatMessage, SimulatorContext, UserSimulator } from './types.js';

export interface LlmSimulatorSpec<TInput, TTurn> {
  turnSchema: JsonSchema;
  /** Name sent with json_schema response formats. */
  schemaName?: string;
  systemPrompt: string;
  /** The message(s) the simulated user reads for this turn. */
  toMessages(input: TInput): ChatMessage[];
  /** A schema narrower than `turnSchema` for this turn. Must accept only valid turns. */
  requestSchema?(input: TInput): JsonSchema;
  /** Env rules beyond the schema; `null` accepts, a string explains what to fix. */
  check?(turn: TTurn, input: TInput): string | null;
  /** How the simulator's own turn is kept in its history; default: the turn as JSON. */
  turnToMessage?(turn: TTurn): string;
  maxTokens?: number;
}

interface LlmSimulatorState {
  history: ChatMessage[];
}

export class LlmUserSimulator<TInput = Json, TTurn = Json> implements UserSimulator<TInput, TTurn> {
  readonly turnSchema: JsonSchema;
  private history: ChatMessage[] = [];
  private pending: Usage = emptyUsage();

  constructor(
    private readonly ctx: SimulatorContext<Json>,
    private readonly spec: LlmSimulatorSpec<TInput, TTurn>,
  ) {
    this.turnSchema = spec.turnSchema;
  }

  get config(): SimulatorConfig {
    return this.ctx.config;
  }

  async respond(input: TInput): Promise<TTurn> {
    const llm = this.ctx.llm;
    if (!llm) {
      throw new LlmError('llm_not_configured', 'this env was made with an LLM simulator but no LLM endpoint');
    }
    const incoming = this.spec.toMessages(input);
    const messages: ChatMessage[] = [{ role: 'system', content: this.spec.systemPrompt }, ...this.history, ...incoming];
    const seed = this.ctx.rng.seed();
    const check = this.spec.check;
    let value: Json;
    try {
      const r = await llm.complete({
        messages,
        schema: this.spec.requestSchema?.(input) ?? this.spec.turnSchema,
        schemaName: this.spec.schemaName,
        check: check ? (v) => check(v as TTurn, input) : undefined,
        seed,
        temperature: this.ctx.config.temperature,
        maxTokens: this.spec.maxTokens,
      });
      addUsage(this.pending, r.usage);
      value = r.value;
    } catch (err) {
      addUsage(this.pending, usageOfError(err));
      throw err;
    }
    const turn = value as TTurn;
    const own = this.spec.turnToMessage ? this.spec.turnToMessage(turn) : JSON.stringify(turn);
    this.history = [...this.history, ...incoming, { role: 'assistant', content: own }];
    return turn;
  }

  getState(): Json {
    const state: LlmSimulatorState = { history: this.history.map((m) => ({ ...m })) };
    return state;
  }

  setState(state: Json): void {
    const s = state as LlmSimulatorState | null;
    this.history = Array.isArray(s?.history) ? s.history.map((m) => ({ ...m })) : [];
  }

  takeUsage(): Usage | undefined {
    const u = this.pending;
    this.pending = emptyUsage();
    return u.calls > 0 ? u : undefined;
  }
}
