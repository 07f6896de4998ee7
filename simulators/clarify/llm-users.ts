/**
 * LLM users for the clarification envs, on the LLM layer's `LlmProvider`. Each turn is a JSON
 * object (utterance plus what it reveals) validated against a schema by the provider, and then
 * checked against the env's disclosure rules through `check`; a turn that breaks a rule goes back
 * to the model with the reason (the provider's repair loop) instead of reaching the agent.
 *
 * - ClariQ: the user may reveal only its own facet: it must not use words that belong only to the
 *   topic's other facets, its `revealedAspects` must be facet words, its polarity must match how
 *   the utterance opens, and answers stay short (≤ 60 words), as the crowd's did.
 * - Task: see `LlmTaskUser` in task-llm-user.ts (same pattern, slot-level rules).
 */
import { ConfigError } from '../../core/errors.js';
import type { Json, SimulatorConfig, Usage } from '../../core/types.js';
import { addUsage, emptyUsage } from '../../core/types.js';
import { contentTerms, polarityOf, tokenize } from '../../envs/clarify-common/text.js';
import {
  type SearchScenario,
  type SearchTurn,
  type SearchTurnV1,
  type SearchUserInput,
  searchTurnSchema,
  searchTurnSchemaV1,
} from '../../envs/clarify-common/types.js';
import { questionForm } from './clariq-model.js';
import type { ChatMessage, LlmProvider, SimulatorContext, UserSimulator } from '../types.js';

/** What the model must return for a ClariQ user turn. */
export const llmSearchReplySchema = {
  type: 'object',
  required: ['utterance', 'polarity', 'revealedAspects'],
  additionalProperties: false,
  properties: {
    utterance: { type: 'string', minLength: 1, maxLength: 400 },
    polarity: { enum: ['yes', 'no', 'other'] },
    revealedAspects: { type: 'array', items: { type: 'string' }, maxItems: 12 },
  },
} as const;

export function requireLlm(ctx: { llm?: LlmProvider }, envId: string): LlmProvider {
  if (!ctx.llm) throw new ConfigError(`${envId}: the 'llm' simulator needs an LLM provider (configure a model)`);
  return ctx.llm;
}

/**
 * The disclosure rule of the ClariQ LLM user; returns a repair message or null. Exported for tests
 * and for anyone checking other simulators' turns against the same rule.
 */
export function checkSearchReply(reply: Json, scenario: SearchScenario): string | null {
  const utterance = String(reply?.utterance ?? '');
  if (tokenize(utterance).length > 60) return 'keep the answer under 60 words, as a search user would';
  const own = new Set([...contentTerms(scenario.facet.description), ...contentTerms(scenario.request)]);
  const foreign = new Set<string>();
  for (const f of scenario.otherFacets) for (const t of contentTerms(f.description)) if (!own.has(t)) foreign.add(t);
  const leaked = [...new Set(contentTerms(utterance).filter((t) => foreign.has(t)))];
  if (leaked.length) {
    return `you mentioned ${leaked.map((t) => `'${t}'`).join(', ')}, which is not part of your information need; answer only about your own need`;
  }
  const facetTerms = new Set(contentTerms(scenario.facet.description));
  const bad = (reply?.revealedAspects ?? []).filter((a: string) => contentTerms(String(a)).some((t) => !facetTerms.has(t)));
  if (bad.length) return `revealedAspects must be words of your information need; ${JSON.stringify(bad)} are not`;
  const pol = polarityOf(utterance);
  if ((reply?.polarity === 'yes' || reply?.polarity === 'no') && pol !== reply.polarity) {
    return `polarity '${reply.polarity}' but the utterance does not start with '${reply.polarity}'`;
  }
  return null;
}

function transcriptMessages(history: { question: string; answer: string }[]): ChatMessage[] {
  const out: ChatMessage[] = [];
  for (const h of history) {
    out.push({ role: 'user', content: `Search system asks: ${h.question}` });
    out.push({ role: 'assistant', content: h.answer });
  }
  return out;
}

/** Simulator config: `{kind: 'llm', model, temperature}`; the provider comes from the run. */
export class LlmClariqUser implements UserSimulator<SearchUserInput, SearchTurn> {
  readonly turnSchema = searchTurnSchema;
  private readonly llm: LlmProvider;
  private history: { question: string; answer: string }[] = [];
  private usage: Usage = emptyUsage();

  constructor(
    private readonly ctx: SimulatorContext<SearchScenario>,
    envId = 'ClarifySearch-v0',
  ) {
    this.llm = requireLlm(ctx, envId);
  }

  get config(): SimulatorConfig {
    return this.ctx.config;
  }

  async respond(input: SearchUserInput): Promise<SearchTurn> {
    const { scenario, rng } = this.ctx;
    if (input.kind === 'open') {
      return { utterance: scenario.request, polarity: 'request', source: 'request', revealedAspects: [], groundedOn: null };
    }
    const system =
      `You are a person using a web search engine. You typed: "${scenario.request}". ` +
      `What you actually want is: "${scenario.facet.description}". The system asks clarifying questions. ` +
      'Answer each question briefly and casually as a crowd worker would: lower case, no punctuation, ' +
      'start with "yes" or "no" when the question is a yes/no question, then say what you want in your own words. ' +
      'Do not mention needs other than yours. Reply as JSON: {"utterance": ..., "polarity": "yes"|"no"|"other", ' +
      '"revealedAspects": [words of your need that your answer reveals]}.';
    const messages: ChatMessage[] = [
      { role: 'system', content: system },
      ...transcriptMessages(this.history),
      { role: 'user', content: `Search system asks: ${input.text}` },
    ];
    const res = await this.llm.complete({
      messages,
      schema: llmSearchReplySchema,
      schemaName: 'clariq_user_turn',
      check: (v) => checkSearchReply(v, scenario),
      seed: rng.seed(),
      temperature: typeof this.ctx.config.temperature === 'number' ? this.ctx.config.temperature : undefined,
    });
    addUsage(this.usage, res.usage);
    const utterance = String(res.value.utterance);
    this.history.push({ question: input.text, answer: utterance });
    const said = new Set(contentTerms(utterance));
    return {
      utterance,
      polarity: res.value.polarity,
      source: 'llm',
      revealedAspects: [...new Set(contentTerms(scenario.facet.description).filter((t) => said.has(t)))],
      groundedOn: null,
    };
  }

  getState(): { history: { question: string; answer: string }[] } {
    return { history: this.history.map((h) => ({ ...h })) };
  }

  setState(state: { history?: { question: string; answer: string }[] } | null): void {
    this.history = (state?.history ?? []).map((h) => ({ ...h }));
  }

  takeUsage(): Usage {
    const u = this.usage;
    this.usage = emptyUsage();
    return u;
  }
}

/**
 * The LLM user of ClarifySearch-v1: the v0 LLM user (same prompt and disclosure rule) whose turns
 * carry the v1 fields: the question's form as the scripted user reads it, and the index of an
 * identical earlier question (the LLM sees the conversation, so it can keep its answers consistent).
 */
export class LlmClariqUserV1 implements UserSimulator<SearchUserInput, SearchTurnV1> {
  readonly turnSchema = searchTurnSchemaV1;
  private readonly inner: LlmClariqUser;
  private questions: string[] = [];

  constructor(ctx: SimulatorContext<SearchScenario>) {
    this.inner = new LlmClariqUser(ctx, 'ClarifySearch-v1');
  }

  get config(): SimulatorConfig {
    return this.inner.config;
  }

  async respond(input: SearchUserInput): Promise<SearchTurnV1> {
    const turn = await this.inner.respond(input);
    if (input.kind === 'open') return { ...turn, form: 'request', repeatOf: null, ended: false };
    const key = tokenize(input.text).join(' ');
    const prev = this.questions.indexOf(key);
    this.questions.push(key);
    return { ...turn, form: questionForm(input.text), repeatOf: prev >= 0 ? prev : null, ended: false };
  }

  getState(): { inner: Json; questions: string[] } {
    return { inner: this.inner.getState(), questions: [...this.questions] };
  }

  setState(state: { inner?: Json; questions?: string[] } | null): void {
    this.inner.setState(state?.inner ?? null);
    this.questions = [...(state?.questions ?? [])];
  }

  takeUsage(): Usage {
    return this.inner.takeUsage();
  }
}
