/**
 * The HTTP path of the LLM client: a `fetch` for the `openai` package built on undici's
 * `request` API over a keep-alive connection pool, instead of Node's global `fetch`.
 *
 * Why: dialogym's own CPU per LLM call was dominated by Node's `fetch` (WHATWG Request/Response
 * objects and streams around every body, per-request header guards), not by anything dialogym
 * does; `npm run bench` measures both side by side (docs/performance.md). undici's `request` reads
 * the reply as a plain Node stream; here it is handed to the SDK as a `Response` built from the
 * whole body (the SDK parses JSON from it), or, for SSE (`text/event-stream`), from the live stream.
 *
 * What stays as with Node's `fetch`: a body that fails mid-way (a truncated reply) fails when the
 * SDK reads it, not when the headers arrive, so the client classifies it the same way; connection
 * errors keep their system code (`ECONNREFUSED` …) for the client's messages; the SDK's abort
 * signal (its own timeout and the client's deadline) cancels the request. Bodies other than
 * strings and byte arrays, and non-HTTP(S) URLs, go to Node's `fetch`.
 *
 * Connections: one pool per provider, at most `connections` sockets per origin (the provider's
 * concurrency, so requests never queue behind a busy socket); idle sockets are kept as long as the
 * server's `Keep-Alive` allows, else 4 s (undici's defaults, as Node's `fetch`), so an idle pool
 * holds a finished process no longer than `fetch` would.
 */
import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';

/**
 * undici is loaded when a provider makes its fetch, not at import: it is about 10 MB per thread,
 * and most processes that import the LLM client (every worker of a scripted `generate`) never
 * create a provider. Loading starts at once in the background, so the first request does not wait
 * for it.
 */
type Undici = typeof import('undici');
let undici: Promise<Undici> | undefined;
function loadUndici(): Promise<Undici> {
  undici ??= import('undici');
  return undici;
}

/**
 * `undici` (default): chat completions are POSTed by the client itself over undici's keep-alive pool
 * (`createJsonHttp`), without the `openai` package; streaming and `ping` go through the package over
 * the same pool. `sdk`: everything through the `openai` package over that pool (issue 19's first
 * round). `fetch`: everything through the `openai` package over Node's global fetch (before issue 19).
 */
export type HttpTransport = 'undici' | 'sdk' | 'fetch';

export interface UndiciFetchOptions {
  /** Sockets per origin; defaults to unlimited (undici's default). */
  connections?: number;
}

type FetchFn = typeof fetch;

/** Statuses whose Response must have no body. */
const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);

function headerPairs(headers: RequestInit['headers']): string[] {
  const out: string[] = [];
  if (!headers) return out;
  if (headers instanceof Headers) {
    for (const [k, v] of headers) out.push(k, v);
  } else if (Array.isArray(headers)) {
    for (const [k, v] of headers) out.push(k as string, v as string);
  } else {
    for (const k of Object.keys(headers)) {
      const v = (headers as Record<string, string | undefined>)[k];
      if (v !== undefined) out.push(k, v);
    }
  }
  return out;
}

function responseHeaders(raw: Record<string, string | string[] | undefined>): [string, string][] {
  const out: [string, string][] = [];
  for (const k of Object.keys(raw)) {
    const v = raw[k];
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const x of v) out.push([k, x]);
    else out.push([k, v]);
  }
  return out;
}

/** The whole body as one buffer, or the error that cut it short. */
async function readAll(body: Dispatcher.ResponseData['body']): Promise<{ buf: Buffer } | { error: unknown }> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of body) chunks.push(chunk as Buffer);
  } catch (error) {
    return { error };
  }
  return { buf: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks) };
}

/** A stream that yields what arrived, then fails as the body did (as a `fetch` body would when read). */
function failingStream(error: unknown): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.error(error);
    },
  });
}

/** A `fetch` for the `openai` client over an undici keep-alive pool (see the top of this file). */
export function createUndiciFetch(opts: UndiciFetchOptions = {}): FetchFn & { close(): Promise<void> } {
  let dispatcher: Dispatcher | undefined;
  // A failed load surfaces on the first request, as that request's error.
  loadUndici().catch(() => {});
  const viaUndici = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const body = init.body;
    if (
      (body !== undefined && body !== null && typeof body !== 'string' && !(body instanceof Uint8Array)) ||
      !(url.startsWith('http://') || url.startsWith('https://')) ||
      (typeof input !== 'string' && !(input instanceof URL))
    ) {
      return fetch(input, init);
    }
    const { Agent, request } = await loadUndici();
    dispatcher ??= new Agent(opts.connections ? { connections: opts.connections } : {});
    const res = await request(url, {
      method: (init.method ?? 'GET') as Dispatcher.HttpMethod,
      headers: headerPairs(init.headers),
      body: body ?? undefined,
      signal: init.signal ?? undefined,
      dispatcher,
    });
    const status = res.statusCode;
    const headers = responseHeaders(res.headers);
    if (NULL_BODY_STATUS.has(status)) {
      res.body.resume();
      return new Response(null, { status, headers });
    }
    const type = res.headers['content-type'];
    if (typeof type === 'string' && type.includes('text/event-stream')) {
      return new Response(Readable.toWeb(res.body) as unknown as ReadableStream<Uint8Array>, { status, headers });
    }
    const read = await readAll(res.body);
    if ('error' in read) return new Response(failingStream(read.error), { status, headers });
    return new Response(read.buf, { status, headers });
  };
  return Object.assign(viaUndici as FetchFn, { close: async () => dispatcher?.close() });
}

/** A reply whose headers arrived; its body is read (once) with `text()` or dropped with `dump()`. */
export interface HttpReply {
  status: number;
  /** Lower-case names, as undici gives them. */
  headers: Record<string, string | string[] | undefined>;
  text(): Promise<string>;
  dump(): void;
}

export interface JsonHttp {
  /** POSTs `body` (JSON text) to `url`; rejects only when no reply arrived (connection, abort). */
  post(url: string, headers: Record<string, string>, body: string, signal: AbortSignal): Promise<HttpReply>;
  close(): Promise<void>;
}

/**
 * The HTTP client of the direct path: undici's `Pool` per origin (keep-alive, at most `connections`
 * sockets, undici's idle policy as `createUndiciFetch`), with none of the WHATWG `Request`/`Response`
 * wrapping a `fetch` needs; the caller reads the body as text and parses it. A pool per origin
 * rather than an `Agent` (which routes each request to one): measured on the loopback server at 32
 * in flight, about 0.28 ms of CPU per request against 0.39–0.50 ms through an `Agent`.
 */
export function createJsonHttp(opts: UndiciFetchOptions = {}): JsonHttp {
  const pools = new Map<string, Dispatcher>();
  const targets = new Map<string, { pool: Dispatcher; path: string }>();
  loadUndici().catch(() => {});
  return {
    async post(url, headers, body, signal) {
      const { Pool } = await loadUndici();
      let target = targets.get(url);
      if (!target) {
        const u = new URL(url);
        let pool = pools.get(u.origin);
        if (!pool) {
          pool = new Pool(u.origin, opts.connections ? { connections: opts.connections } : {});
          pools.set(u.origin, pool);
        }
        target = { pool, path: `${u.pathname}${u.search}` };
        targets.set(url, target);
      }
      const res = await target.pool.request({ path: target.path, method: 'POST', headers, body, signal });
      return new UndiciReply(res);
    },
    close: async () => {
      await Promise.all([...pools.values()].map((p) => p.close()));
    },
  };
}

/** An `HttpReply` over undici's response data (a class, not closures made per reply). */
class UndiciReply implements HttpReply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  constructor(private readonly res: Dispatcher.ResponseData) {
    this.status = res.statusCode;
    this.headers = res.headers;
  }
  text(): Promise<string> {
    return this.res.body.text();
  }
  dump(): void {
    this.res.body.dump().catch(() => {});
  }
}
