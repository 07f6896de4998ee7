/** A small WebSocket client for the server tests: send JSON, await the next reply, see how it closed. */
import { WebSocket } from 'ws';
import type { Json } from '../../core/types.js';

export interface TestClient {
  ws: WebSocket;
  send(msg: Json): void;
  sendRaw(data: string | Buffer, binary?: boolean): void;
  /** The next message from the server (rejects when the connection closes first). */
  next(timeoutMs?: number): Promise<Json>;
  /** send + next. */
  request(msg: Json, timeoutMs?: number): Promise<Json>;
  /** Every message received so far, in order. */
  received: Json[];
  closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

export function wsUrl(httpUrl: string): string {
  return `${httpUrl.replace(/^http/, 'ws')}/ws`;
}

export function connect(httpUrl: string, opts: { token?: string } = {}): Promise<TestClient> {
  const ws = new WebSocket(wsUrl(httpUrl), {
    headers: opts.token ? { authorization: `Bearer ${opts.token}` } : {},
    maxPayload: 256 * 1024 * 1024,
  });
  const inbox: Json[] = [];
  const received: Json[] = [];
  const waiters: { resolve: (v: Json) => void; reject: (e: Error) => void }[] = [];
  let closedInfo: { code: number; reason: string } | undefined;
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.on('close', (code, reason) => {
      closedInfo = { code, reason: reason.toString() };
      for (const w of waiters.splice(0)) w.reject(new Error(`connection closed (${code} ${reason.toString()})`));
      resolve(closedInfo);
    });
  });
  ws.on('message', (data) => {
    const msg = JSON.parse(data.toString());
    received.push(msg);
    const w = waiters.shift();
    if (w) w.resolve(msg);
    else inbox.push(msg);
  });
  const client: TestClient = {
    ws,
    received,
    closed,
    send: (msg) => ws.send(JSON.stringify(msg)),
    sendRaw: (data, binary = false) => ws.send(data, { binary }),
    next: (timeoutMs = 30_000) => {
      const m = inbox.shift();
      if (m !== undefined) return Promise.resolve(m);
      if (closedInfo) return Promise.reject(new Error(`connection closed (${closedInfo.code})`));
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error('no reply in time')), timeoutMs);
        waiters.push({
          resolve: (v) => {
            clearTimeout(t);
            resolve(v);
          },
          reject: (e) => {
            clearTimeout(t);
            reject(e);
          },
        });
      });
    },
    request: (msg, timeoutMs) => {
      client.send(msg);
      return client.next(timeoutMs);
    },
    close: () => ws.close(),
  };
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(client));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}
