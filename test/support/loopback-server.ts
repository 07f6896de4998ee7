/**
 * A loopback OpenAI-compatible server for tests and benchmarks: `POST /v1/chat/completions` (JSON
 * and SSE streaming) and `GET /v1/models` on 127.0.0.1 at a random port, built on node:http.
 *
 * Replies are derived from the request alone (a hash of its content), so the same request always
 * gets the same reply: with a JSON Schema (from `response_format.json_schema`, or embedded in the
 * prompt after `SCHEMA_PROMPT_MARKER` in text mode) the reply is a value generated to satisfy it;
 * otherwise it is `textReply(body)` or a short fixed-form sentence.
 *
 * Faults are injected per chat request, by a script (`script[i]` for the i-th request) or at a
 * `rate` decided by a seeded hash of the request's index, so a run's fault count is reproducible:
 * `rate_limit` (429 + retry-after), `server_error` (500), `hang` (no answer until the client gives
 * up), `truncated` (body cut mid-way), `non_json` (200 with an HTML body), `schema_violation`
 * (JSON that breaks the requested schema), `empty` (empty content), and, only when named,
 * `no_choices` (a 200 without choices that still reports usage). `rejectJsonSchema` makes the
 * server answer 400 to every json_schema response_format, as servers without structured outputs do.
 *
 * `stats` counts requests, faults and the peak number of requests in flight.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deriveSeed, hashString, Rng } from '../../core/rng.js';
import type { JsonSchema } from '../../core/schema.js';
import type { Json } from '../../core/types.js';
import { canonicalJson } from '../../simulators/llm-cache.js';
import { SCHEMA_PROMPT_MARKER } from '../../simulators/llm-client.js';
import { sampleFromSchema, violateSchema } from './schema-sample.js';

export type FaultKind =
  | 'rate_limit'
  | 'server_error'
  | 'hang'
  | 'truncated'
  | 'non_json'
  | 'schema_violation'
  | 'empty'
  /** 200 with `choices: []` and a usage block (a dropped generation that is billed): not in ALL_FAULT_KINDS. */
  | 'no_choices';

export const ALL_FAULT_KINDS: readonly FaultKind[] = [
  'rate_limit',
  'server_error',
  'hang',
  'truncated',
  'non_json',
  'schema_violation',
  'empty',
];

export interface FaultPlan {
  /** Fault (or 'ok') for the i-th chat request; requests past its end use `rate`. */
  script?: (FaultKind | 'ok')[];
  /** Probability that a request gets one of `kinds`. */
  rate?: number;
  kinds?: readonly FaultKind[];
  seed?: number;
  /** Answer 400 to any request asking for a json_schema response_format. */
  rejectJsonSchema?: boolean;
}

export interface LoopbackOptions {
  /** Exact latency per reply, or a [min, max] range chosen per request by hash. */
  latencyMs?: number | [number, number];
  /** Fixed token counts to report; by default about 4 characters a token. */
  promptTokens?: number;
  completionTokens?: number;
  faults?: FaultPlan;
  /** Value of the 429 reply's retry-after-ms header. Default 5. */
  retryAfterMs?: number;
  /** How long a `hang` keeps the request open unless the client gives up first. Default 60 s. */
  hangMs?: number;
  models?: string[];
  /** Serve GET /v1/models (default true); off, it is a 404 as on some servers. */
  modelsRoute?: boolean;
  /** Reply for requests without a schema (agents). */
  textReply?: (body: Json) => string;
  /** Answer 401 unless the request carries `Authorization: Bearer <requireApiKey>`. */
  requireApiKey?: string;
  /** Keep every chat request body in `bodies` (for tests that inspect prompts). */
  keepBodies?: boolean;
}

export interface LoopbackStats {
  /** Every HTTP request. */
  requests: number;
  chatRequests: number;
  modelsRequests: number;
  streamed: number;
  inFlight: number;
  maxInFlight: number;
  faults: Record<string, number>;
  /** Chat requests that asked for json_schema response_format / embedded the schema in text. */
  jsonSchemaRequests: number;
  textSchemaRequests: number;
  /**
   * Tokens of the completions the server delivered whole (status 200 with a usage block: valid,
   * empty or schema-violating replies alike), i.e. what a paid endpoint would bill.
   */
  servedTokens: { prompt: number; completion: number; replies: number };
  /** Chat requests sent by the `openai` package (it names itself in `x-stainless-lang`), and by any other client. */
  chatRequestsBySdk: number;
  chatRequestsByOthers: number;
}

export interface LoopbackServer {
  /** Base URL for OpenAI clients, ending in `/v1`. */
  url: string;
  port: number;
  stats: LoopbackStats;
  /** Chat request bodies in arrival order, when `keepBodies` is set. */
  bodies: Json[];
  setFaults(plan: FaultPlan | undefined): void;
  resetStats(): void;
  close(): Promise<void>;
}

function freshStats(): LoopbackStats {
  return {
    requests: 0,
    chatRequests: 0,
    modelsRequests: 0,
    streamed: 0,
    inFlight: 0,
    maxInFlight: 0,
    faults: {},
    jsonSchemaRequests: 0,
    textSchemaRequests: 0,
    servedTokens: { prompt: 0, completion: 0, replies: 0 },
    chatRequestsBySdk: 0,
    chatRequestsByOthers: 0,
  };
}

export async function startLoopbackServer(opts: LoopbackOptions = {}): Promise<LoopbackServer> {
  let faults = opts.faults;
  let stats = freshStats();
  const timers = new Set<NodeJS.Timeout>();
  const bodies: Json[] = [];

  const later = (ms: number, fn: () => void, res: ServerResponse) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
    res.on('close', () => {
      clearTimeout(t);
      timers.delete(t);
    });
  };

  const server: Server = createServer((req, res) => {
    stats.requests += 1;
    stats.inFlight += 1;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    let counted = true;
    res.on('close', () => {
      if (counted) stats.inFlight -= 1;
      counted = false;
    });
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (opts.requireApiKey !== undefined && req.headers.authorization !== `Bearer ${opts.requireApiKey}`) {
      // Echoes the key it got, as some real servers do, so tests can prove clients scrub it.
      const given = (req.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
      sendJson(res, 401, { error: { message: `Incorrect API key provided: ${given}`, type: 'invalid_request_error', code: 'invalid_api_key' } });
      return;
    }
    if (req.method === 'GET' && /\/v1\/models\/?$/.test(path) && opts.modelsRoute !== false) {
      stats.modelsRequests += 1;
      const data = (opts.models ?? ['loopback-model']).map((id) => ({ id, object: 'model', created: 0, owned_by: 'loopback' }));
      sendJson(res, 200, { object: 'list', data });
      return;
    }
    if (req.method === 'POST' && /\/v1\/chat\/completions\/?$/.test(path)) {
      if (req.headers['x-stainless-lang'] !== undefined) stats.chatRequestsBySdk += 1;
      else stats.chatRequestsByOthers += 1;
      readBody(req)
        .then((raw) => handleChat(raw, res))
        .catch(() => sendJson(res, 400, { error: { message: 'unreadable body', type: 'invalid_request_error' } }));
      return;
    }
    sendJson(res, 404, { error: { message: `no route ${req.method} ${path}`, type: 'not_found' } });
  });

  const handleChat = (raw: string, res: ServerResponse) => {
    const index = stats.chatRequests;
    stats.chatRequests += 1;
    let body: Json;
    try {
      body = JSON.parse(raw);
    } catch {
      sendJson(res, 400, { error: { message: 'request body is not JSON', type: 'invalid_request_error' } });
      return;
    }
    if (!body || !Array.isArray(body.messages)) {
      sendJson(res, 400, { error: { message: 'messages is required', type: 'invalid_request_error' } });
      return;
    }
    if (opts.keepBodies) bodies.push(body);
    const wantsJsonSchema = body.response_format?.type === 'json_schema';
    if (wantsJsonSchema && faults?.rejectJsonSchema) {
      count('reject_json_schema');
      sendJson(res, 400, {
        error: {
          message: "response_format of type 'json_schema' is not supported by this server",
          type: 'invalid_request_error',
          param: 'response_format',
        },
      });
      return;
    }
    const fault = pickFault(index);
    if (fault) count(fault);
    const contentHash = hashString(canonicalJson(body));
    const latency = latencyFor(contentHash);
    const reply = () => respond(body, fault, contentHash, res);
    if (fault === 'hang') {
      later(opts.hangMs ?? 60_000, () => res.destroy(), res);
      return;
    }
    if (latency > 0) later(latency, reply, res);
    else reply();
  };

  const count = (kind: string) => {
    stats.faults[kind] = (stats.faults[kind] ?? 0) + 1;
  };

  const pickFault = (index: number): FaultKind | undefined => {
    if (!faults) return undefined;
    const scripted = faults.script?.[index];
    if (scripted !== undefined) return scripted === 'ok' ? undefined : scripted;
    const rate = faults.rate ?? 0;
    const kinds = faults.kinds ?? ALL_FAULT_KINDS;
    if (rate <= 0 || kinds.length === 0) return undefined;
    const seed = faults.seed ?? 0;
    const u = deriveSeed(seed, `fault:${index}`) / 0x80000000;
    if (u >= rate) return undefined;
    return kinds[deriveSeed(seed, `kind:${index}`) % kinds.length];
  };

  const latencyFor = (h: number): number => {
    const l = opts.latencyMs ?? 0;
    if (typeof l === 'number') return l;
    const [lo, hi] = l;
    return lo + (h % (hi - lo + 1));
  };

  const respond = (body: Json, fault: FaultKind | undefined, contentHash: number, res: ServerResponse) => {
    if (fault === 'rate_limit') {
      const ms = opts.retryAfterMs ?? 5;
      sendJson(res, 429, { error: { message: 'rate limited', type: 'rate_limit_error' } }, {
        'retry-after-ms': String(ms),
        'retry-after': String(Math.ceil(ms / 1000)),
      });
      return;
    }
    if (fault === 'server_error') {
      sendJson(res, 500, { error: { message: 'internal error', type: 'server_error' } });
      return;
    }
    if (fault === 'non_json') {
      const html = '<html><body>502 Bad Gateway</body></html>';
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(html) });
      res.end(html);
      return;
    }
    const { schema, textMode } = requestedSchema(body);
    if (schema) {
      if (textMode) stats.textSchemaRequests += 1;
      else stats.jsonSchemaRequests += 1;
    }
    let content: string;
    if (fault === 'empty') {
      content = '';
    } else if (schema) {
      let value = sampleFromSchema(schema, Rng.fromSeed(contentHash));
      if (fault === 'schema_violation') value = violateSchema(schema, value);
      content = textMode ? `Here is my reply:\n\`\`\`json\n${JSON.stringify(value)}\n\`\`\`` : JSON.stringify(value);
    } else {
      content = opts.textReply ? opts.textReply(body) : `loopback reply ${contentHash.toString(16)}`;
    }
    const promptTokens = opts.promptTokens ?? Math.ceil(JSON.stringify(body.messages).length / 4);
    const completionTokens = opts.completionTokens ?? Math.ceil(content.length / 4);
    const id = `chatcmpl-${contentHash.toString(16)}`;
    const model = String(body.model ?? 'loopback-model');
    const bill = () => {
      stats.servedTokens.prompt += promptTokens;
      stats.servedTokens.completion += completionTokens;
      stats.servedTokens.replies += 1;
    };
    if (body.stream === true) {
      stats.streamed += 1;
      if (fault !== 'truncated') bill();
      sendStream(res, { id, model, content, promptTokens, completionTokens, usage: body.stream_options?.include_usage === true }, fault === 'truncated');
      return;
    }
    const completion = {
      id,
      object: 'chat.completion',
      created: 0,
      model,
      choices: fault === 'no_choices' ? [] : [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop', logprobs: null }],
      usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
    };
    const text = JSON.stringify(completion);
    if (fault === 'truncated') {
      const buf = Buffer.from(text);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': buf.length });
      res.write(buf.subarray(0, Math.floor(buf.length / 2)), () => res.destroy());
      return;
    }
    bill();
    sendJson(res, 200, completion);
  };

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    get stats() {
      return stats;
    },
    bodies,
    setFaults(plan) {
      faults = plan;
    },
    resetStats() {
      const inFlight = stats.inFlight;
      stats = freshStats();
      stats.inFlight = inFlight;
    },
    close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function requestedSchema(body: Json): { schema?: JsonSchema; textMode: boolean } {
  const rf = body.response_format;
  if (rf?.type === 'json_schema' && rf.json_schema?.schema) return { schema: rf.json_schema.schema, textMode: false };
  for (const m of body.messages as { content?: unknown }[]) {
    if (typeof m.content !== 'string') continue;
    const at = m.content.indexOf(SCHEMA_PROMPT_MARKER);
    if (at < 0) continue;
    const line = m.content.slice(at + SCHEMA_PROMPT_MARKER.length).trimStart().split('\n')[0] ?? '';
    try {
      return { schema: JSON.parse(line), textMode: true };
    } catch {
      return { textMode: true };
    }
  }
  return { textMode: false };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, value: Json, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function sendStream(
  res: ServerResponse,
  r: { id: string; model: string; content: string; promptTokens: number; completionTokens: number; usage: boolean },
  truncate: boolean,
): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  const chunk = (delta: Json, finish: string | null, usage?: Json) =>
    `data: ${JSON.stringify({
      id: r.id,
      object: 'chat.completion.chunk',
      created: 0,
      model: r.model,
      choices: delta === null ? [] : [{ index: 0, delta, finish_reason: finish }],
      ...(usage ? { usage } : {}),
    })}\n\n`;
  const parts: string[] = [chunk({ role: 'assistant', content: '' }, null)];
  const third = Math.max(1, Math.ceil(r.content.length / 3));
  for (let i = 0; i < r.content.length; i += third) parts.push(chunk({ content: r.content.slice(i, i + third) }, null));
  parts.push(chunk({}, 'stop'));
  if (r.usage) {
    const usage = { prompt_tokens: r.promptTokens, completion_tokens: r.completionTokens, total_tokens: r.promptTokens + r.completionTokens };
    parts.push(chunk(null, null, usage));
  }
  parts.push('data: [DONE]\n\n');
  if (truncate) {
    // Half of the events, the last one cut mid-line, then the connection drops.
    const cut = parts.slice(0, Math.max(1, Math.floor(parts.length / 2))).join('');
    res.write(cut.slice(0, cut.length - 5), () => res.destroy());
    return;
  }
  res.end(parts.join(''));
}
