/**
 * The LLM layer's one client: an `LlmProvider` over any OpenAI-compatible endpoint (OpenAI, vLLM,
 * Ollama, llama.cpp server, LM Studio), built on the official `openai` package.
 *
 * Contract of `complete(req)`:
 * - With `req.schema`, the reply is parsed as JSON, validated with ajv and then by `req.check`; an
 *   invalid reply is re-asked with the problems appended, at most `maxRepairs` times, after which
 *   an `LlmError('llm_invalid_output')` is thrown. Nothing is ever invented or defaulted.
 * - Structured output is asked for with `response_format: json_schema` (jsonMode `schema`), or with
 *   the schema embedded in the prompt and the JSON extracted from the reply (`text`), or the first
 *   and, when the server answers 400 saying it does not support it, the second from then on (`auto`).
 * - Transport failures (408/409/429/5xx, refused or reset connections, timeouts, malformed bodies)
 *   are retried with exponential backoff and full jitter, honouring `retry-after(-ms)`, within a
 *   bounded total retry time; then a typed `LlmError` is thrown. When the endpoint is unusable for
 *   good (refused after the whole budget, bad key, unknown model/route, or `fatalAfterFailures`
 *   consecutive failed calls), `provider.fatal` is set and every later call fails at once with an
 *   `LlmUnavailableError`, so a run can stop cleanly instead of spinning.
 * - At most `maxConcurrency` requests are in flight (a limiter that may be shared between
 *   providers on one endpoint); a call waiting out a backoff does not hold a slot. A 429 pauses
 *   every new request of the provider for the backoff it asked for, so a rate limit is not hammered.
 * - Every exchange is cached on disk by content (see `llm-cache.ts`); a cache hit sends nothing and
 *   reports `cached: true`, the original token counts and `cachedCalls: 1`.
 * - The API key is only ever handed to the `openai` client: it is not part of cache keys, and it is
 *   scrubbed from every error message.
 *
 * Jitter is drawn from the provider's own seeded `Rng`: it changes when requests are sent, never
 * what they contain, so results do not depend on it.
 */
import OpenAI from 'openai';
import pLimit from 'p-limit';
import { ConfigError } from '../core/errors.js';
import { describeFsError } from '../core/output.js';
import { Rng } from '../core/rng.js';
import { compileSchema, formatErrors, type JsonSchema } from '../core/schema.js';
import type { ValidateFunction } from 'ajv';
import { addUsage, emptyUsage, type Json, type Usage } from '../core/types.js';
import { type CachedExchange, cacheKey, canonicalJson, DEFAULT_CACHE_DIR, LlmCache } from './llm-cache.js';
import { displayUrl, LlmError, type LlmErrorType, LlmUnavailableError, scrubSecrets } from './llm-errors.js';
import { createJsonHttp, createUndiciFetch, type HttpReply, type HttpTransport, type JsonHttp } from './llm-http.js';
import { extractJson } from './llm-json.js';
import type { ChatMessage, LlmProvider, StructuredRequest, StructuredResponse } from './types.js';

export type JsonMode = 'schema' | 'text' | 'auto';

/** Dollars per million tokens, by model name. */
export type PriceTable = Record<string, { prompt: number; completion: number }>;

/** Runs a task when a slot is free; p-limit's `LimitFunction` fits. */
export type Limiter = <T>(task: () => Promise<T>) => Promise<T>;

export interface LlmProviderConfig {
  baseURL: string;
  apiKey?: string;
  model: string;
  /** Default sampling temperature; a request's own temperature wins. Omitted: the server's default. */
  temperature?: number;
  maxTokens?: number;
  /** Per attempt, headers and body included. Default 60 s. */
  timeoutMs?: number;
  /** Retries of one request after its first attempt. Default 5. */
  maxRetries?: number;
  /** Total time one request may spend waiting between retries. Default 120 s. */
  maxRetryTimeMs?: number;
  /** First backoff ceiling; doubles per retry up to `retryMaxDelayMs`. Default 250 ms / 20 s. */
  retryBaseMs?: number;
  retryMaxDelayMs?: number;
  /** In-flight requests to this endpoint. Default 8. Ignored when `limiter` is given. */
  maxConcurrency?: number;
  limiter?: Limiter;
  /** Cache directory; default `.cache/dialogym/llm` under the working directory. */
  cacheDir?: string;
  noCache?: boolean;
  jsonMode?: JsonMode;
  /** `strict` flag sent with json_schema response formats. Default true. */
  strict?: boolean;
  /** Re-asks after an invalid reply. Default 2. */
  maxRepairs?: number;
  prices?: PriceTable;
  /** Use SSE streaming for completions. Default false. */
  stream?: boolean;
  /** Consecutive failed calls after which the endpoint is declared down. Default 8. */
  fatalAfterFailures?: number;
  /** Seed of the jitter stream. */
  jitterSeed?: number;
  /** Names the endpoint in messages ('agent', 'simulator'). */
  label?: string;
  /** Where the provider's one-time warnings go (a cache that cannot be written). Default: stderr. */
  warn?: (line: string) => void;
  /**
   * The HTTP path (simulators/llm-http.ts): `undici` (default), completions POSTed directly over
   * undici's keep-alive pool; `sdk`, everything through the `openai` package over that pool; `fetch`,
   * everything through the `openai` package over Node's global fetch. Same requests, replies and
   * error types (test/llm/http-transport.test.ts); `npm run bench` shows what each costs.
   */
  http?: HttpTransport;
}

export interface ProviderStats {
  /** HTTP requests sent for completions (every attempt counts). */
  requests: number;
  cacheHits: number;
  retries: number;
  repairs: number;
  /** Calls that ended in an error. */
  failedCalls: number;
  /**
   * Tokens of requests actually sent and answered (cache hits excluded), including answers that
   * were then retried (a body without choices, a stream cut before its end) or repaired.
   */
  promptTokens: number;
  completionTokens: number;
  /** Exchanges that could not be written to the cache (each one is paid again by a rerun). */
  cacheWriteErrors: number;
  /** Why the first cache write failed ("no space left on device (ENOSPC)"). */
  cacheWriteError?: string;
  /** True once the endpoint was found not to support json_schema response formats. */
  fellBackToText: boolean;
}

export interface LlmClientProvider extends LlmProvider {
  readonly baseURL: string;
  readonly label: string;
  readonly stats: ProviderStats;
  /** Set once the endpoint is considered down for good. */
  readonly fatal: LlmUnavailableError | undefined;
  readonly jsonMode: JsonMode;
  /** Cheapest request that proves the endpoint answers: GET /models, else a 1-token completion. */
  ping(): Promise<{ models: string[] | null }>;
}

/** Where a text-mode prompt carries the schema; the loopback test server looks for it too. */
export const SCHEMA_PROMPT_MARKER = 'JSON Schema of your reply:';

export function createLlmProvider(config: LlmProviderConfig): LlmClientProvider {
  return new OpenAiCompatibleProvider(config);
}

interface Outcome {
  exchange: CachedExchange;
  cached: boolean;
}

/** Tokens of answers that were retried: the server was paid for them, so the call's usage counts them. */
interface Spent {
  promptTokens: number;
  completionTokens: number;
}

class RetryableFailure extends Error {
  constructor(
    readonly type: LlmErrorType,
    message: string,
    readonly retryAfterMs?: number,
    /** Tokens the server reported for this failed answer (a body without choices, a cut stream). */
    readonly spent?: Spent,
  ) {
    super(message);
  }
}

class JsonSchemaUnsupported extends Error {}

type Classified =
  | { kind: 'retry'; type: LlmErrorType; message: string; retryAfterMs?: number; refused?: boolean; rateLimited?: boolean }
  | { kind: 'fail'; type: LlmErrorType; message: string; fatal: boolean }
  | { kind: 'unsupported_schema'; message: string };

class OpenAiCompatibleProvider implements LlmClientProvider {
  readonly model: string;
  readonly baseURL: string;
  readonly label: string;
  readonly stats: ProviderStats = {
    requests: 0,
    cacheHits: 0,
    retries: 0,
    repairs: 0,
    failedCalls: 0,
    promptTokens: 0,
    completionTokens: 0,
    cacheWriteErrors: 0,
    fellBackToText: false,
  };
  fatal: LlmUnavailableError | undefined;
  private readonly client: OpenAI;
  /** The direct path's HTTP client (`http: 'undici'`), else undefined. */
  private readonly direct: { http: JsonHttp; url: string; headers: Record<string, string> } | undefined;
  private readonly limiter: Limiter;
  private readonly cache: LlmCache | undefined;
  private readonly jitter: Rng;
  private readonly secrets: string[];
  private mode: JsonMode;
  private consecutiveFailures = 0;
  /** Wall-clock ms until which no request starts: a 429 slows every caller, not just the one that got it. */
  private coolDownUntil = 0;
  private readonly c: Required<
    Pick<
      LlmProviderConfig,
      | 'timeoutMs'
      | 'maxRetries'
      | 'maxRetryTimeMs'
      | 'retryBaseMs'
      | 'retryMaxDelayMs'
      | 'maxRepairs'
      | 'strict'
      | 'stream'
      | 'fatalAfterFailures'
    >
  >;

  constructor(private readonly config: LlmProviderConfig) {
    if (!config.model) throw new ConfigError('LLM provider needs a model name');
    if (!config.baseURL) throw new ConfigError('LLM provider needs a base URL');
    this.model = config.model;
    this.baseURL = config.baseURL;
    this.label = config.label ?? 'llm';
    this.mode = config.jsonMode ?? 'auto';
    this.c = {
      timeoutMs: config.timeoutMs ?? 60_000,
      maxRetries: config.maxRetries ?? 5,
      maxRetryTimeMs: config.maxRetryTimeMs ?? 120_000,
      retryBaseMs: config.retryBaseMs ?? 250,
      retryMaxDelayMs: config.retryMaxDelayMs ?? 20_000,
      maxRepairs: config.maxRepairs ?? 2,
      strict: config.strict ?? true,
      stream: config.stream ?? false,
      fatalAfterFailures: config.fatalAfterFailures ?? 8,
    };
    this.secrets = config.apiKey ? [config.apiKey] : [];
    const http = config.http ?? 'undici';
    const connections = config.limiter ? undefined : (config.maxConcurrency ?? 8);
    // The openai package refuses to start without a key; local servers ignore it.
    const apiKey = config.apiKey || 'dialogym-no-key';
    this.client = new OpenAI({
      baseURL: config.baseURL,
      apiKey,
      maxRetries: 0,
      timeout: this.c.timeoutMs,
      // Node's fetch costs several times our own work per call (docs/performance.md).
      ...(http === 'fetch' ? {} : { fetch: createUndiciFetch({ connections }) }),
    });
    if (http === 'undici') {
      // The request the openai package would send (its URL rule: base URL, one slash, the path),
      // without its per-call machinery (options merging, logging, platform headers, Response objects).
      this.direct = {
        http: createJsonHttp({ connections }),
        url: `${config.baseURL.replace(/\/$/, '')}/chat/completions`,
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          authorization: `Bearer ${apiKey}`,
          'user-agent': 'dialogym',
        },
      };
    }
    const limit = pLimit(Math.max(1, config.maxConcurrency ?? 8));
    this.limiter = config.limiter ?? (<T>(task: () => Promise<T>) => limit(task));
    this.cache = config.noCache ? undefined : new LlmCache(config.cacheDir ?? DEFAULT_CACHE_DIR);
    this.jitter = Rng.fromSeed(config.jitterSeed ?? 0x5eed);
  }

  get jsonMode(): JsonMode {
    return this.mode;
  }

  async complete(req: StructuredRequest): Promise<StructuredResponse> {
    if (this.fatal) throw this.fatal;
    const usage = emptyUsage();
    let messages = req.messages;
    let allCached = true;
    for (let repair = 0; ; repair++) {
      let outcome: Outcome;
      const spent: Spent = { promptTokens: 0, completionTokens: 0 };
      try {
        outcome = await this.exchange(messages, req, spent);
      } catch (err) {
        this.stats.failedCalls += 1;
        // Answers paid for before the failure stay in the episode's usage.
        addUsage(usage, this.priced({ ...spent, calls: 0, cachedCalls: 0 }));
        throw withUsage(err, usage);
      }
      allCached &&= outcome.cached;
      addUsage(usage, this.usageOf(outcome));
      const { exchange } = outcome;
      const judged = this.judge(exchange.text, req);
      if (judged.ok) return { value: judged.value, text: exchange.text, usage, cached: allCached };
      if (repair >= this.c.maxRepairs) {
        this.stats.failedCalls += 1;
        const err = new LlmError(
          'llm_invalid_output',
          this.scrub(
            `${this.label} model ${this.model} gave no valid reply after ${this.c.maxRepairs} repair(s): ${judged.problem}`,
          ),
        );
        throw withUsage(err, usage);
      }
      this.stats.repairs += 1;
      messages = [
        ...messages,
        { role: 'assistant', content: exchange.text === '' ? '(empty reply)' : exchange.text },
        { role: 'user', content: repairPrompt(judged.problem, req.schema !== undefined) },
      ];
    }
  }

  async ping(): Promise<{ models: string[] | null }> {
    try {
      const page = await this.withTimeout((signal) => this.client.models.list({ signal, maxRetries: 0 }));
      return { models: page.data.map((m) => m.id) };
    } catch (err) {
      const c = this.classify(err, false);
      // Servers without /models (404/405) are fine; a 1-token completion proves the chat route instead.
      const status = (err as { status?: number }).status;
      if (status !== 404 && status !== 405 && c.kind !== 'unsupported_schema') {
        throw new LlmError(c.type, c.message, true);
      }
    }
    await this.sendWithRetries({ model: this.model, messages: [{ role: 'user', content: 'ping' }], max_tokens: 1 });
    return { models: null };
  }

  // ------------------------------------------------------------------------------------------

  private judge(text: string, req: StructuredRequest): { ok: true; value: Json } | { ok: false; problem: string } {
    if (text.trim() === '') return { ok: false, problem: 'the reply was empty' };
    if (!req.schema) {
      const verdict = req.check?.(text) ?? null;
      return verdict === null ? { ok: true, value: text } : { ok: false, problem: verdict };
    }
    const parsed = extractJson(text);
    if (!parsed.ok) return { ok: false, problem: 'the reply contained no parsable JSON object' };
    const fn = validatorFor(req.schema);
    if (!fn(parsed.value)) {
      return { ok: false, problem: `the JSON does not satisfy the schema: ${formatErrors(fn.errors ?? []).join('; ')}` };
    }
    const verdict = req.check?.(parsed.value) ?? null;
    if (verdict !== null) return { ok: false, problem: verdict };
    return { ok: true, value: parsed.value };
  }

  /** Usage of one exchange: its answer's tokens plus those of answers retried on the way (stored with it in the cache). */
  private usageOf(o: Outcome): Usage {
    return this.priced({
      promptTokens: o.exchange.promptTokens + (o.exchange.retriedPromptTokens ?? 0),
      completionTokens: o.exchange.completionTokens + (o.exchange.retriedCompletionTokens ?? 0),
      calls: 1,
      cachedCalls: o.cached ? 1 : 0,
    });
  }

  private priced(u: Usage): Usage {
    const price = this.config.prices?.[this.model];
    if (price && (u.promptTokens > 0 || u.completionTokens > 0)) {
      u.cost = (price.prompt * u.promptTokens + price.completion * u.completionTokens) / 1e6;
    }
    return u;
  }

  private structuredMode(req: StructuredRequest): 'none' | 'schema' | 'text' {
    if (!req.schema) return 'none';
    return this.mode === 'text' ? 'text' : 'schema';
  }

  private buildBody(messages: ChatMessage[], req: StructuredRequest, mode: 'none' | 'schema' | 'text'): Json {
    const temperature = req.temperature ?? this.config.temperature;
    const maxTokens = req.maxTokens ?? this.config.maxTokens;
    const body: Record<string, Json> = { model: this.model, messages };
    if (temperature !== undefined) body.temperature = temperature;
    if (maxTokens !== undefined) body.max_tokens = maxTokens;
    if (req.seed !== undefined) body.seed = req.seed;
    if (mode === 'schema') {
      body.response_format = {
        type: 'json_schema',
        json_schema: { name: safeSchemaName(req.schemaName), schema: req.schema, strict: this.c.strict },
      };
    } else if (mode === 'text') {
      body.messages = embedSchema(messages, req.schema as JsonSchema);
    }
    return body;
  }

  /** One exchange (cache, else network). Switches to text mode when the endpoint rejects json_schema. */
  private async exchange(messages: ChatMessage[], req: StructuredRequest, spent: Spent): Promise<Outcome> {
    for (;;) {
      const mode = this.structuredMode(req);
      const body = this.buildBody(messages, req, mode);
      // The key (canonical JSON and a SHA-256 of the body) only matters with a cache.
      const key = this.cache ? cacheKey({ v: 1, body }) : '';
      const hit = await this.cache?.get(key);
      if (hit) {
        this.stats.cacheHits += 1;
        return { exchange: hit, cached: true };
      }
      if (mode === 'schema' && this.mode === 'auto' && this.cache) {
        // An earlier run may have learnt this endpoint needs text mode: its entries live under text-mode keys.
        const textKey = cacheKey({ v: 1, body: this.buildBody(messages, req, 'text') });
        const textHit = await this.cache.get(textKey);
        if (textHit) {
          this.stats.cacheHits += 1;
          return { exchange: textHit, cached: true };
        }
      }
      try {
        const answer = await this.sendWithRetries(body, spent);
        // Answers retried on the way were paid for: they travel with the exchange (and its cache
        // entry), so a cached rerun reports the same usage as the live run.
        const exchange: CachedExchange =
          spent.promptTokens > 0 || spent.completionTokens > 0
            ? { ...answer, retriedPromptTokens: spent.promptTokens, retriedCompletionTokens: spent.completionTokens }
            : answer;
        spent.promptTokens = 0;
        spent.completionTokens = 0;
        if (this.cache) {
          await this.cache.set(key, exchange).catch((err: unknown) => this.cacheWriteFailed(err));
        }
        return { exchange, cached: false };
      } catch (err) {
        if (err instanceof JsonSchemaUnsupported) {
          if (this.mode === 'auto') {
            this.mode = 'text';
            this.stats.fellBackToText = true;
            continue;
          }
          throw new LlmError(
            'llm_bad_request',
            this.scrub(`${err.message} (use --json-mode text or auto for this server)`),
            true,
          );
        }
        throw err;
      }
    }
  }

  /** The first cache write failure is reported once; every failure is counted for the run's summary. */
  private cacheWriteFailed(err: unknown): void {
    this.stats.cacheWriteErrors += 1;
    if (this.stats.cacheWriteErrors > 1) return;
    const why = describeFsError(err);
    this.stats.cacheWriteError = why;
    const warn = this.config.warn ?? ((l: string) => process.stderr.write(`${l}\n`));
    warn(
      `warning: the LLM cache in ${this.cache?.dir ?? '(none)'} cannot be written (${why}); the run goes on, ` +
        'but exchanges from now on are not cached (the summary counts them) and a rerun pays for them again',
    );
  }

  private async sendWithRetries(body: Json, spent: Spent = { promptTokens: 0, completionTokens: 0 }): Promise<CachedExchange> {
    let waited = 0;
    for (let attempt = 0; ; attempt++) {
      if (this.fatal) throw this.fatal;
      let c: Classified;
      try {
        const out = await this.limiter(async () => {
          const pause = this.coolDownUntil - Date.now();
          if (pause > 0) await sleep(pause);
          return this.sendOnce(body);
        });
        this.consecutiveFailures = 0;
        return out;
      } catch (err) {
        if (err instanceof RetryableFailure && err.spent) {
          spent.promptTokens += err.spent.promptTokens;
          spent.completionTokens += err.spent.completionTokens;
          this.stats.promptTokens += err.spent.promptTokens;
          this.stats.completionTokens += err.spent.completionTokens;
        }
        c = this.classify(err, body.response_format !== undefined);
      }
      if (c.kind === 'unsupported_schema') throw new JsonSchemaUnsupported(c.message);
      if (c.kind === 'fail') throw this.giveUp(c.type, c.message, c.fatal);
      const backoff = Math.min(this.c.retryMaxDelayMs, this.c.retryBaseMs * 2 ** attempt);
      const delay = c.retryAfterMs !== undefined ? c.retryAfterMs : this.jitter.float() * backoff;
      if (attempt >= this.c.maxRetries || waited + delay > this.c.maxRetryTimeMs) {
        const tries = attempt + 1;
        const msg = `${c.message} (gave up after ${tries} attempt${tries === 1 ? '' : 's'})`;
        throw this.giveUp(c.type, msg, c.refused === true);
      }
      if (c.rateLimited) this.coolDownUntil = Math.max(this.coolDownUntil, Date.now() + delay);
      this.stats.retries += 1;
      waited += delay;
      await sleep(delay);
    }
  }

  /** The error for a call that failed for good; marks the endpoint down when it is. */
  private giveUp(type: LlmErrorType, message: string, fatalNow: boolean): LlmError {
    const text = this.scrub(`${this.label} endpoint ${displayUrl(this.baseURL)}: ${message}`);
    this.consecutiveFailures += 1;
    if (!this.fatal && (fatalNow || this.consecutiveFailures >= this.c.fatalAfterFailures)) {
      const why = fatalNow ? text : `${text}; ${this.consecutiveFailures} calls in a row failed`;
      this.fatal = new LlmUnavailableError(why, type);
    }
    return this.fatal ?? new LlmError(type, text);
  }

  private async sendOnce(body: Json): Promise<CachedExchange> {
    this.stats.requests += 1;
    const out = await this.withTimeout(async (signal) => {
      if (this.c.stream) return this.readStream(body, signal);
      const r = this.direct
        ? await this.postCompletion(body, signal)
        : ((await this.client.chat.completions.create(body, { signal, maxRetries: 0 })) as unknown);
      return fromCompletion(r);
    });
    this.stats.promptTokens += out.promptTokens;
    this.stats.completionTokens += out.completionTokens;
    return out;
  }

  /**
   * The direct path's POST of a completion. What it returns and throws is what the `openai` package
   * gives for the same reply (openai 6.x `makeRequest` and `defaultParseResponse`), so `classify`
   * and `fromCompletion` treat both alike: no reply at all is a connection failure; a status other
   * than 2xx is an `HttpStatusError` built as the package builds its `APIError` (the body's `error`
   * object, its message); a 2xx JSON body (media type `application/json` or `+json`) is parsed,
   * an empty one (`content-length: 0`) or a 204 gives nothing, any other body is returned as text;
   * a body that breaks off, or is not JSON, throws as reading it does (a malformed response).
   */
  private async postCompletion(body: Json, signal: AbortSignal): Promise<unknown> {
    const d = this.direct as NonNullable<typeof this.direct>;
    let res: HttpReply;
    try {
      res = await d.http.post(d.url, d.headers, JSON.stringify(body), signal);
    } catch (err) {
      if (signal.aborted) throw err;
      throw new HttpConnectionError(err);
    }
    const status = res.status;
    if (status < 200 || status >= 300) {
      let text: string;
      try {
        text = await res.text();
      } catch (err) {
        text = err instanceof Error ? err.message : String(err);
      }
      throw new HttpStatusError(status, res.headers, text);
    }
    if (status === 204) {
      res.dump();
      return null;
    }
    const type = headerOf(res.headers, 'content-type');
    const media = type?.split(';')[0]?.trim();
    if (media?.includes('application/json') || media?.endsWith('+json')) {
      if (headerOf(res.headers, 'content-length') === '0') {
        res.dump();
        return undefined;
      }
      const text = await res.text();
      // As Response.json(): UTF-8 decoding drops a byte-order mark.
      return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    }
    return res.text();
  }

  private async readStream(body: Json, signal: AbortSignal): Promise<CachedExchange> {
    const stream = await this.client.chat.completions.create(
      { ...body, stream: true, stream_options: { include_usage: true } } as OpenAI.ChatCompletionCreateParamsStreaming,
      { signal, maxRetries: 0 },
    );
    let text = '';
    let finishReason: string | null = null;
    let promptTokens: number | undefined;
    let completionTokens: number | undefined;
    for await (const chunk of stream) {
      const choice = chunk.choices?.[0];
      if (choice?.delta?.content) text += choice.delta.content;
      if (choice?.finish_reason) finishReason = choice.finish_reason;
      if (chunk.usage) {
        promptTokens = chunk.usage.prompt_tokens;
        completionTokens = chunk.usage.completion_tokens;
      }
    }
    if (finishReason === null) {
      const spent = promptTokens !== undefined || completionTokens !== undefined
        ? { promptTokens: promptTokens ?? 0, completionTokens: completionTokens ?? 0 }
        : undefined;
      throw new RetryableFailure('llm_server_error', 'stream ended without a finish_reason', undefined, spent);
    }
    return {
      text,
      finishReason,
      promptTokens: promptTokens ?? estimateTokens(JSON.stringify(body.messages)),
      completionTokens: completionTokens ?? estimateTokens(text),
    };
  }

  /** Runs one attempt under an overall deadline covering headers *and* body. */
  private async withTimeout<T>(run: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.c.timeoutMs);
    try {
      return await run(controller.signal);
    } catch (err) {
      if (timedOut) throw new RetryableFailure('llm_timeout', `request timed out after ${this.c.timeoutMs} ms`);
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  private classify(err: unknown, askedJsonSchema: boolean): Classified {
    if (err instanceof RetryableFailure) {
      return { kind: 'retry', type: err.type, message: err.message, retryAfterMs: err.retryAfterMs };
    }
    if (err instanceof HttpConnectionError) {
      const code = causeCode(err);
      return {
        kind: 'retry',
        type: 'llm_unavailable',
        message: `connection failed${code ? ` (${code})` : ''}`,
        refused: code === 'ECONNREFUSED' || code === 'ENOTFOUND',
      };
    }
    if (err instanceof OpenAI.APIConnectionTimeoutError) {
      return { kind: 'retry', type: 'llm_timeout', message: `request timed out after ${this.c.timeoutMs} ms` };
    }
    if (err instanceof OpenAI.APIConnectionError) {
      const code = causeCode(err);
      return {
        kind: 'retry',
        type: 'llm_unavailable',
        message: `connection failed${code ? ` (${code})` : ''}`,
        refused: code === 'ECONNREFUSED' || code === 'ENOTFOUND',
      };
    }
    if ((err instanceof OpenAI.APIError || err instanceof HttpStatusError) && typeof err.status === 'number') {
      const status = err.status;
      const detail = this.scrub(apiErrorDetail(err));
      if (status === 408 || status === 409 || status === 429 || status >= 500) {
        return {
          kind: 'retry',
          type: status === 408 ? 'llm_timeout' : 'llm_server_error',
          message: `HTTP ${status}${detail ? `: ${detail}` : ''}`,
          retryAfterMs: retryAfterMs(err.headers),
          rateLimited: status === 429,
        };
      }
      if (status === 400 && askedJsonSchema && mentionsStructuredOutput(err)) {
        return { kind: 'unsupported_schema', message: `server rejected response_format json_schema: ${detail}` };
      }
      if (status === 401 || status === 403) {
        return { kind: 'fail', type: 'llm_auth', message: `HTTP ${status}: the API key was refused`, fatal: true };
      }
      // 404: wrong base URL or unknown model, so every call would fail the same way.
      return {
        kind: 'fail',
        type: 'llm_bad_request',
        message: `HTTP ${status}${detail ? `: ${detail}` : ''}`,
        fatal: status === 404,
      };
    }
    // Truncated or non-JSON bodies surface as parse/stream errors from fetch or the SDK.
    const name = (err as { name?: string })?.name ?? 'Error';
    const message = (err as { message?: string })?.message ?? String(err);
    return { kind: 'retry', type: 'llm_server_error', message: `malformed response (${name}: ${this.scrub(message)})` };
  }

  private scrub(text: string): string {
    return scrubSecrets(text, this.secrets);
  }
}

/** The direct path: no reply arrived (refused, reset, DNS); `cause` is undici's error, with its code. */
class HttpConnectionError extends Error {
  constructor(cause: unknown) {
    super('connection error', { cause });
    this.name = 'HttpConnectionError';
  }
}

/**
 * The direct path: an error status, built as openai 6.x builds its `APIError`: `error` is the JSON
 * body's `error` field, the message `"<status> <error.message | JSON of error | body text>"`.
 */
class HttpStatusError extends Error {
  readonly error: unknown;
  readonly headers: { get(name: string): string | null };
  constructor(
    readonly status: number,
    raw: Record<string, string | string[] | undefined>,
    text: string,
  ) {
    const json = safeJsonParse(text);
    const error = (json as { error?: unknown } | undefined)?.error;
    const e = error as { message?: unknown } | undefined;
    const msg = e?.message ? (typeof e.message === 'string' ? e.message : JSON.stringify(e.message)) : error ? JSON.stringify(error) : json ? undefined : text;
    super(msg ? `${status} ${msg}` : `${status} status code (no body)`);
    this.name = 'HttpStatusError';
    this.error = error;
    this.headers = { get: (name) => headerOf(raw, name.toLowerCase()) ?? null };
  }
}

/** As the openai package's `safeJSON`: the parsed value, or undefined. */
function safeJsonParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A response header (lower-case name); repeated ones joined as a `Headers` object joins them. */
function headerOf(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

const validators = new Map<string, ValidateFunction>();
/**
 * By schema object, in front of `validators`. A schema object is not expected to change after it
 * was used; one that is mutated in place keeps the validator of its first content.
 */
const validatorsByObject = new WeakMap<object, ValidateFunction>();

/**
 * Validators by schema *content*: callers may build an equal schema object per call, and compiling
 * each one would cost milliseconds and grow ajv's identity-keyed cache without bound.
 */
function validatorFor(schema: JsonSchema): ValidateFunction {
  // Most callers pass the same schema object every call: found by identity, it is not serialised.
  const known = validatorsByObject.get(schema);
  if (known) return known;
  const key = canonicalJson(schema);
  let fn = validators.get(key);
  if (!fn) {
    if (validators.size >= 512) validators.clear();
    fn = compileSchema(schema);
    validators.set(key, fn);
  }
  validatorsByObject.set(schema, fn);
  return fn;
}

function fromCompletion(r: unknown): CachedExchange {
  const choices = (r as { choices?: unknown })?.choices;
  if (!r || typeof r !== 'object' || !Array.isArray(choices) || choices.length === 0) {
    // Some servers answer `choices: []` (a filtered or dropped generation) and still bill the usage.
    const u = (r as { usage?: { prompt_tokens?: unknown; completion_tokens?: unknown } } | null)?.usage;
    const p = typeof u?.prompt_tokens === 'number' ? u.prompt_tokens : 0;
    const c = typeof u?.completion_tokens === 'number' ? u.completion_tokens : 0;
    throw new RetryableFailure('llm_server_error', 'malformed response (no choices in the body)', undefined, p || c ? { promptTokens: p, completionTokens: c } : undefined);
  }
  const choice = choices[0] as { message?: { content?: unknown }; finish_reason?: string | null };
  const content = choice.message?.content;
  const text = typeof content === 'string' ? content : '';
  const usage = (r as { usage?: { prompt_tokens?: number; completion_tokens?: number } }).usage;
  return {
    text,
    finishReason: choice.finish_reason ?? null,
    promptTokens: usage?.prompt_tokens ?? 0,
    completionTokens: usage?.completion_tokens ?? estimateTokens(text),
  };
}

/** Rough count (4 characters a token) for servers that report no usage. */
function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** The system error code (ECONNREFUSED ...) under the SDK's and fetch's wrappers, else the innermost message. */
function causeCode(err: unknown): string | undefined {
  let e = err as { cause?: unknown; code?: unknown; message?: unknown } | undefined;
  let innermost: string | undefined;
  for (let depth = 0; e && depth < 6; depth++) {
    if (typeof e.code === 'string') return e.code;
    if (depth > 0 && typeof e.message === 'string' && e.message) innermost = e.message;
    e = e.cause as typeof e;
  }
  return innermost && innermost !== 'fetch failed' ? innermost.slice(0, 120) : undefined;
}

/** What `apiErrorDetail` and friends read of an error reply: the package's `APIError` or the direct path's. */
type StatusError = { error?: unknown; message: string };

function apiErrorDetail(err: StatusError): string {
  const body = err.error as { message?: unknown } | undefined;
  const m = typeof body?.message === 'string' ? body.message : '';
  return m.slice(0, 300);
}

function mentionsStructuredOutput(err: StatusError): boolean {
  const body = err.error as { message?: unknown; param?: unknown } | undefined;
  if (body?.param === 'response_format') return true;
  const text = `${typeof body?.message === 'string' ? body.message : ''} ${err.message}`;
  return /response_format|json_schema|json schema|structured output|guided/i.test(text);
}

/** `retry-after-ms` (OpenAI's) or `retry-after` in seconds or as an HTTP date. */
function retryAfterMs(headers: { get(name: string): string | null } | undefined): number | undefined {
  const get = (k: string) => (headers && typeof headers.get === 'function' ? headers.get(k) : null);
  const ms = Number.parseFloat(get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const ra = get('retry-after');
  if (ra === null || ra === undefined) return undefined;
  const s = Number.parseFloat(ra);
  if (Number.isFinite(s) && s >= 0) return s * 1000;
  const when = Date.parse(ra);
  return Number.isFinite(when) ? Math.max(0, when - Date.now()) : undefined;
}

function safeSchemaName(name: string | undefined): string {
  const n = (name ?? 'reply').replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64);
  return n || 'reply';
}

/** Adds the schema to the (first) system message, so chat templates that allow one system message still work. */
function embedSchema(messages: ChatMessage[], schema: JsonSchema): ChatMessage[] {
  const note =
    `${SCHEMA_PROMPT_MARKER}\n${JSON.stringify(schema)}\n` +
    'Reply with one JSON object that satisfies this schema and nothing else.';
  const first = messages[0];
  if (first && first.role === 'system') {
    return [{ role: 'system', content: `${first.content}\n\n${note}` }, ...messages.slice(1)];
  }
  return [{ role: 'system', content: note }, ...messages];
}

function repairPrompt(problem: string, structured: boolean): string {
  return structured
    ? `Your previous reply was invalid: ${problem}. Reply again with only a JSON object that satisfies the required schema.`
    : `Your previous reply was invalid: ${problem}. Reply again, following the instructions exactly.`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The usage attached to an `LlmError` thrown by `complete` (tokens spent before it failed). */
export function usageOfError(err: unknown): Usage | undefined {
  return (err as { usage?: Usage } | undefined)?.usage;
}

/**
 * `err` carrying this call's usage. The provider's fatal error is one object shared by every
 * later call, so it is copied rather than written to: concurrent calls would otherwise read each
 * other's usage (one counted twice, another lost).
 */
function withUsage(err: unknown, usage: Usage): unknown {
  if (!(err instanceof LlmError)) return err;
  const own =
    err instanceof LlmUnavailableError
      ? Object.assign(new LlmUnavailableError(err.message, err.type), { stack: err.stack })
      : (err as LlmError & { usage?: Usage }).usage !== undefined
        ? Object.assign(new LlmError(err.type, err.message, err.fatal), { stack: err.stack })
        : err;
  (own as LlmError & { usage?: Usage }).usage = { ...usage };
  return own;
}

/** A limiter to share between providers talking to the same endpoint. */
export function createLimiter(maxConcurrency: number): Limiter {
  const limit = pLimit(Math.max(1, maxConcurrency));
  return <T>(task: () => Promise<T>) => limit(task);
}
