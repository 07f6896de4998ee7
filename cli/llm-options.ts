/**
 * LLM endpoint flags shared by every command that runs episodes (`rollout`, `eval`, `play` ...).
 *
 * Two endpoints are configured separately: the *agent* (`--llm-*`, `OPENAI_BASE_URL`,
 * `OPENAI_API_KEY`, `DIALOGYM_AGENT_MODEL`) and the *simulator* (`--sim-*`, `DIALOGYM_SIM_BASE_URL`,
 * `DIALOGYM_SIM_API_KEY`, `DIALOGYM_SIM_MODEL`), which falls back to the agent's endpoint and key.
 * Keys are read from environment variables only (never flags, which show up in `ps` and shell
 * history). A server on a loopback address needs no key. Every mistake is a `ConfigError` (one line,
 * exit 2) raised before any episode starts, and `preflight` turns an unreachable endpoint into one
 * such error as well.
 */
import { readFileSync } from 'node:fs';
import { type Command, InvalidArgumentError } from 'commander';
import type { EpisodeRecord } from '../core/record.js';
import { ConfigError } from '../core/errors.js';
import { MAX_CONCURRENCY, MAX_LLM_RETRIES, MAX_REPAIRS, MAX_TIMER_MS } from '../core/limits.js';
import { intInRange } from './run.js';
import type { SimulatorConfig } from '../core/types.js';
import {
  createLimiter,
  createLlmProvider,
  type JsonMode,
  type Limiter,
  type LlmClientProvider,
  type PriceTable,
} from '../simulators/llm-client.js';
import { displayUrl, scrubSecrets, TRANSIENT_LLM_ERROR_TYPES } from '../simulators/llm-errors.js';

export const DEFAULT_BASE_URL = 'https://api.openai.com/v1';
/** The `openai` package insists on some key; loopback servers ignore it. */
export const LOOPBACK_DUMMY_KEY = 'dialogym-local';

export interface LlmCliOptions {
  llmBaseUrl?: string;
  llmModel?: string;
  llmTemperature?: number;
  llmApiKeyEnv?: string;
  simBaseUrl?: string;
  simModel?: string;
  simTemperature?: number;
  simApiKeyEnv?: string;
  maxConcurrency?: number;
  llmTimeout?: number;
  llmMaxRetries?: number;
  llmMaxRetryTime?: number;
  /** A directory, or false for `--no-cache`. */
  cache?: string | false;
  jsonMode?: JsonMode;
  maxRepairs?: number;
  priceTable?: string;
  llmStream?: boolean;
  /** false for `--no-preflight`. */
  preflight?: boolean;
}

export type LlmRole = 'agent' | 'sim';

function intArg(name: string, min: number, max: number) {
  return intInRange(name, min, max);
}

function temperatureArg(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0 || n > 2) throw new InvalidArgumentError(`${name} must be a number in [0, 2], got '${v}'`);
    return n;
  };
}

function jsonModeArg(v: string): JsonMode {
  if (v !== 'schema' && v !== 'text' && v !== 'auto') {
    throw new InvalidArgumentError(`--json-mode must be schema, text or auto, got '${v}'`);
  }
  return v;
}

/** Adds the LLM flags to `cmd` and returns it. */
export function addLlmOptions(cmd: Command): Command {
  return cmd
    .option('--llm-base-url <url>', 'agent endpoint, OpenAI-compatible (env OPENAI_BASE_URL; default OpenAI)')
    .option('--llm-model <name>', 'agent model (env DIALOGYM_AGENT_MODEL)')
    .option('--llm-temperature <t>', 'agent sampling temperature', temperatureArg('--llm-temperature'))
    .option('--llm-api-key-env <VAR>', 'environment variable holding the agent key (default OPENAI_API_KEY)')
    .option('--sim-base-url <url>', 'simulator endpoint (env DIALOGYM_SIM_BASE_URL; default: the agent endpoint)')
    .option('--sim-model <name>', 'simulator model (env DIALOGYM_SIM_MODEL)')
    .option('--sim-temperature <t>', 'simulator sampling temperature', temperatureArg('--sim-temperature'))
    .option('--sim-api-key-env <VAR>', 'environment variable holding the simulator key (default DIALOGYM_SIM_API_KEY; the agent key only when both use one endpoint)')
    .option('--max-concurrency <n>', `LLM requests in flight per endpoint (1-${MAX_CONCURRENCY})`, intArg('--max-concurrency', 1, MAX_CONCURRENCY), 8)
    .option('--llm-timeout <ms>', `timeout of one LLM request (1-${MAX_TIMER_MS} ms)`, intArg('--llm-timeout', 1, MAX_TIMER_MS), 60_000)
    .option('--llm-max-retries <n>', `retries of one LLM request (0-${MAX_LLM_RETRIES})`, intArg('--llm-max-retries', 0, MAX_LLM_RETRIES), 5)
    .option('--llm-max-retry-time <ms>', 'total backoff time allowed for one LLM request', intArg('--llm-max-retry-time', 0, MAX_TIMER_MS), 120_000)
    .option('--cache <dir>', 'LLM cache directory (default .cache/dialogym/llm)')
    .option('--no-cache', 'do not read or write the LLM cache')
    .option('--json-mode <mode>', 'structured turns: schema (response_format), text (JSON in the reply) or auto', jsonModeArg, 'auto')
    .option('--max-repairs <n>', `re-asks after an invalid LLM reply (0-${MAX_REPAIRS})`, intArg('--max-repairs', 0, MAX_REPAIRS), 2)
    .option('--price-table <file>', 'JSON {"model": {"prompt": $/1M, "completion": $/1M}} to report cost')
    .option('--llm-stream', 'use streaming (SSE) completions')
    .option('--no-preflight', 'skip the endpoint check made before the first episode');
}

function isLoopback(url: string): boolean {
  try {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    return host === 'localhost' || host === '::1' || host === '0.0.0.0' || /^127\./.test(host) || host.endsWith('.localhost');
  } catch {
    return false;
  }
}

function checkUrl(url: string, flag: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ConfigError(`${flag} is not a URL: '${scrubSecrets(url)}'`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new ConfigError(`${flag} must be an http(s) URL, got '${displayUrl(url)}'`);
  }
  return url.replace(/\/+$/, '');
}

function readPriceTable(path: string): PriceTable {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError(`cannot read --price-table ${path}: ${(err as Error).message}`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError(`--price-table ${path} must be a JSON object`);
  const out: PriceTable = {};
  for (const [model, p] of Object.entries(raw as Record<string, unknown>)) {
    const prompt = (p as { prompt?: unknown })?.prompt;
    const completion = (p as { completion?: unknown })?.completion;
    if (typeof prompt !== 'number' || typeof completion !== 'number' || prompt < 0 || completion < 0) {
      throw new ConfigError(`--price-table ${path}: '${model}' needs numeric "prompt" and "completion" ($ per 1M tokens)`);
    }
    out[model] = { prompt, completion };
  }
  return out;
}

const limiters = new Map<string, Limiter>();

/** One limiter per endpoint in this process, so agent and simulator on one server share its budget. */
function limiterFor(baseURL: string, maxConcurrency: number): Limiter {
  const key = `${displayUrl(baseURL)}#${maxConcurrency}`;
  let l = limiters.get(key);
  if (!l) {
    l = createLimiter(maxConcurrency);
    limiters.set(key, l);
  }
  return l;
}

/**
 * The provider for `role`, from flags then environment variables. Throws `ConfigError` for a
 * missing model or key, a malformed URL or price table.
 */
export function llmFromOptions(
  opts: LlmCliOptions,
  role: LlmRole,
  env: NodeJS.ProcessEnv = process.env,
): LlmClientProvider {
  const agentBase = checkUrl(opts.llmBaseUrl ?? env.OPENAI_BASE_URL ?? DEFAULT_BASE_URL, opts.llmBaseUrl ? '--llm-base-url' : 'OPENAI_BASE_URL');
  let baseURL = agentBase;
  let model: string | undefined;
  let apiKey: string | undefined;
  let keySource: string;
  if (role === 'agent') {
    model = opts.llmModel ?? env.DIALOGYM_AGENT_MODEL;
    keySource = opts.llmApiKeyEnv ?? 'OPENAI_API_KEY';
    apiKey = env[keySource];
    if (!model) throw new ConfigError('--agent llm needs a model: pass --llm-model <name> or set DIALOGYM_AGENT_MODEL');
  } else {
    const simUrl = opts.simBaseUrl ?? env.DIALOGYM_SIM_BASE_URL;
    if (simUrl) baseURL = checkUrl(simUrl, opts.simBaseUrl ? '--sim-base-url' : 'DIALOGYM_SIM_BASE_URL');
    model = opts.simModel ?? env.DIALOGYM_SIM_MODEL;
    if (opts.simApiKeyEnv) {
      keySource = opts.simApiKeyEnv;
      apiKey = env[keySource];
    } else if (env.DIALOGYM_SIM_API_KEY || baseURL !== agentBase) {
      // The agent's key is never sent to a different server than the agent's.
      keySource = 'DIALOGYM_SIM_API_KEY';
      apiKey = env.DIALOGYM_SIM_API_KEY;
    } else {
      keySource = opts.llmApiKeyEnv ?? 'OPENAI_API_KEY';
      apiKey = env[keySource];
    }
    if (!model) throw new ConfigError('--sim llm needs a model: pass --sim-model <name> or set DIALOGYM_SIM_MODEL');
  }
  if (!apiKey) {
    if (!isLoopback(baseURL)) {
      throw new ConfigError(
        `no API key for the ${role === 'agent' ? 'agent' : 'simulator'} endpoint ${displayUrl(baseURL)}: set ${keySource} ` +
          '(any value for a server without authentication)',
      );
    }
    apiKey = LOOPBACK_DUMMY_KEY;
  }
  const prices = opts.priceTable ? readPriceTable(opts.priceTable) : undefined;
  if (prices && !prices[model]) throw new ConfigError(`--price-table has no entry for model '${model}'`);
  const maxConcurrency = opts.maxConcurrency ?? 8;
  return createLlmProvider({
    baseURL,
    apiKey,
    model,
    temperature: role === 'agent' ? opts.llmTemperature : opts.simTemperature,
    timeoutMs: opts.llmTimeout,
    maxRetries: opts.llmMaxRetries,
    maxRetryTimeMs: opts.llmMaxRetryTime,
    maxConcurrency,
    limiter: limiterFor(baseURL, maxConcurrency),
    noCache: opts.cache === false,
    cacheDir: typeof opts.cache === 'string' ? opts.cache : undefined,
    jsonMode: opts.jsonMode,
    maxRepairs: opts.maxRepairs,
    prices,
    stream: opts.llmStream,
    label: role === 'agent' ? 'agent' : 'simulator',
  });
}

/**
 * One cheap request (GET /models, else a 1-token completion) so that an unreachable endpoint, a
 * refused key or an unknown route is a single `ConfigError` before any episode starts. Returns a
 * warning when the server lists its models and the configured one is not among them.
 */
export async function preflight(provider: LlmClientProvider): Promise<{ warning?: string }> {
  let models: string[] | null;
  try {
    ({ models } = await provider.ping());
  } catch (err) {
    const msg = scrubSecrets((err as Error).message ?? String(err));
    throw new ConfigError(`cannot use the ${provider.label} endpoint ${displayUrl(provider.baseURL)}: ${msg}`);
  }
  if (models && models.length > 0 && !models.includes(provider.model)) {
    const shown = models.slice(0, 5).join(', ');
    return {
      warning: `${provider.label} endpoint ${displayUrl(provider.baseURL)} does not list model '${provider.model}' (it lists ${shown}${models.length > 5 ? ', ...' : ''})`,
    };
  }
  return {};
}

export interface LlmSetup {
  /** Provider for LLM simulators (`--sim llm`). */
  sim?: LlmClientProvider;
  /** Provider for `--agent llm`. */
  agent?: LlmClientProvider;
  /** The simulator config to record, when the simulator is an LLM. */
  simulator?: SimulatorConfig;
  /** For `runJobs({ shouldStop })`: a reason to stop once an endpoint is down for good. */
  shouldStop(rec: EpisodeRecord): string | undefined;
  /** One line on requests, cache hits, retries and repairs, for the run summary. */
  describe(): string;
}

/** Builds the providers a command needs and preflights them. */
export async function setupLlm(
  opts: LlmCliOptions,
  need: { sim: boolean; agent: boolean },
  warn: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): Promise<LlmSetup> {
  const sim = need.sim ? llmFromOptions(opts, 'sim') : undefined;
  const agent = need.agent ? llmFromOptions(opts, 'agent') : undefined;
  if (opts.preflight !== false) {
    for (const p of [sim, agent]) {
      if (!p || (p === agent && sim && sameEndpoint(sim, agent))) continue;
      const r = await preflight(p);
      if (r.warning) warn(`warning: ${r.warning}`);
    }
  }
  const providers = [sim, agent].filter((p): p is LlmClientProvider => p !== undefined);
  return {
    sim,
    agent,
    simulator: sim
      ? { kind: 'llm', model: sim.model, ...(opts.simTemperature !== undefined ? { temperature: opts.simTemperature } : {}) }
      : undefined,
    shouldStop(rec) {
      const down = providers.find((p) => p.fatal);
      if (!down || !rec.error) return undefined;
      if (!TRANSIENT_LLM_ERROR_TYPES.has(rec.error.type) && !rec.error.type.startsWith('llm_')) return undefined;
      return `the ${down.label} endpoint is unavailable (${down.fatal?.message})`;
    },
    describe() {
      return providers
        .map((p) => {
          const s = p.stats;
          return (
            `${p.label} ${p.model}: ${s.requests} requests, ${s.cacheHits} cache hits, ${s.retries} retries, ` +
            `${s.repairs} repairs, ${s.failedCalls} failed calls${s.fellBackToText ? ', json_schema unsupported: used text mode' : ''}` +
            (s.cacheWriteErrors > 0 ? `, ${s.cacheWriteErrors} exchange(s) NOT cached (cache write failed: ${s.cacheWriteError})` : '')
          );
        })
        .join(' · ');
    },
  };
}

function sameEndpoint(a: LlmClientProvider, b: LlmClientProvider): boolean {
  return a.baseURL === b.baseURL && a.model === b.model;
}
