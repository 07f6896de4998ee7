/**
 * `--agent llm`: any env played by a chat model.
 *
 * The system prompt is the env's episode instructions (role, goal and action grammar) plus a
 * reminder to answer with one action; the transcript becomes chat messages (the agent's own lines
 * as `assistant`, everyone else's as `user` prefixed with their role tag); feedback that is not in
 * the transcript (an invalid action) and the legal actions, when the env lists them, are added as a
 * last user message. The reply is mapped to an action string: code fences, wrapping quotes and an
 * `Action:` label are stripped, and when the env's grammar verbs are known (from the legal or sample
 * actions) the first line starting with one is used, verb upper-cased.
 *
 * Each call's seed comes from the agent's own stream (seeded at `reset`), so an agent episode is
 * reproducible through the cache.
 */
import { ConfigError } from '../core/errors.js';
import { Rng } from '../core/rng.js';
import { addUsage, emptyUsage, type Observation, type Usage } from '../core/types.js';
import { usageOfError } from '../simulators/llm-client.js';
import { LlmError } from '../simulators/llm-errors.js';
import type { ChatMessage, LlmProvider } from '../simulators/types.js';
import type { Agent, AgentEpisodeContext, AgentOptions } from './types.js';

export interface LlmAgentOptions {
  temperature?: number;
  maxTokens?: number;
}

const REPLY_RULE =
  'Reply with exactly one action in the grammar above, on one line, with no explanation, quotes or code formatting.';

export class LlmAgent implements Agent {
  readonly id = 'llm';
  private rng = Rng.fromSeed(0);
  private pending: Usage = emptyUsage();

  constructor(
    private readonly llm: LlmProvider | undefined,
    private readonly opts: LlmAgentOptions = {},
  ) {}

  get config() {
    return {
      model: this.llm?.model ?? null,
      ...(this.opts.temperature !== undefined ? { temperature: this.opts.temperature } : {}),
    };
  }

  reset(ctx: AgentEpisodeContext): void {
    this.rng = Rng.fromSeed(ctx.seed);
  }

  async act(obs: Observation): Promise<string> {
    if (!this.llm) throw new LlmError('llm_not_configured', '--agent llm needs an agent LLM endpoint');
    const verbs = grammarVerbs(obs);
    const messages = buildAgentMessages(obs);
    try {
      const r = await this.llm.complete({
        messages,
        seed: this.rng.seed(),
        temperature: this.opts.temperature,
        maxTokens: this.opts.maxTokens,
        check: (v) => (toAction(String(v), verbs) === '' ? 'the reply contained no action' : null),
      });
      addUsage(this.pending, r.usage);
      return toAction(String(r.value), verbs);
    } catch (err) {
      addUsage(this.pending, usageOfError(err));
      throw err;
    }
  }

  takeUsage(): Usage | undefined {
    const u = this.pending;
    this.pending = emptyUsage();
    return u.calls > 0 ? u : undefined;
  }
}

export function buildAgentMessages(obs: Observation): ChatMessage[] {
  const messages: ChatMessage[] = [{ role: 'system', content: `${obs.instructions}\n\n${REPLY_RULE}` }];
  for (const t of obs.transcript) {
    if (t.role === 'agent') messages.push({ role: 'assistant', content: t.text });
    else messages.push({ role: 'user', content: `[${t.role}] ${t.text}` });
  }
  const notes: string[] = [];
  if (obs.invalidAction) notes.push(`[system] ${obs.newText}`);
  if (obs.legalActions?.length) notes.push(`Legal actions now: ${obs.legalActions.join(' | ')}`);
  if (notes.length > 0 || messages.length === 1) {
    notes.push(messages.length === 1 ? 'Your first action?' : 'Your next action?');
    messages.push({ role: 'user', content: notes.join('\n') });
  }
  return mergeConsecutive(messages);
}

/** Some chat templates refuse two user messages in a row; join them. */
function mergeConsecutive(messages: ChatMessage[]): ChatMessage[] {
  const out: ChatMessage[] = [];
  for (const m of messages) {
    const last = out[out.length - 1];
    if (last && last.role === m.role && m.role !== 'system') last.content = `${last.content}\n${m.content}`;
    else out.push({ ...m });
  }
  return out;
}

/** Leading upper-case words of the legal/sample actions: the grammar's verbs (ASK, GUESS, SAY ...). */
export function grammarVerbs(obs: Pick<Observation, 'legalActions' | 'sampleActions'>): string[] {
  const verbs = new Set<string>();
  for (const a of [...(obs.legalActions ?? []), ...(obs.sampleActions ?? [])]) {
    const m = /^\s*([A-Z][A-Z_]+)\b/.exec(a);
    if (m) verbs.add(m[1] as string);
  }
  return [...verbs];
}

/** A model reply reduced to an action string. */
export function toAction(reply: string, verbs: readonly string[] = []): string {
  let text = reply.trim();
  const fenced = /```[A-Za-z]*\s*\n?([\s\S]*?)```/.exec(text);
  if (fenced) text = (fenced[1] ?? '').trim();
  const lines = text
    .split('\n')
    .map((l) => cleanLine(l))
    .filter((l) => l !== '');
  if (verbs.length > 0) {
    const verbRe = new RegExp(`^(${verbs.map(escapeRe).join('|')})\\b`, 'i');
    for (const l of lines) {
      const m = verbRe.exec(l);
      if (m) return (m[1] as string).toUpperCase() + l.slice(m[0].length);
    }
  }
  return lines[0] ?? '';
}

function cleanLine(line: string): string {
  let l = line.trim().replace(/^(?:[-*]\s+|>\s*)/, '');
  l = l.replace(/^\*{0,2}(?:final\s+)?(?:action|answer|move)(?:\s*:\s*\*{0,2}|\s*\*{0,2}\s*:)\s*/i, '');
  for (let i = 0; i < 2; i++) {
    const m = /^(["'`*])([\s\S]*)\1$/.exec(l);
    if (m) l = (m[2] ?? '').trim();
  }
  return l;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Factory for the generic `llm` agent: needs the agent-role provider (`AgentOptions.llm`). */
export function createLlmAgent(opts: AgentOptions): LlmAgent {
  if (!opts.llm) {
    throw new ConfigError('--agent llm needs an agent model: pass --llm-model or set DIALOGYM_AGENT_MODEL');
  }
  const t = opts.options?.temperature;
  return new LlmAgent(opts.llm, { temperature: typeof t === 'number' ? t : undefined });
}
