/**
 * On-disk, content-addressed cache of LLM exchanges.
 *
 * One entry per request actually sent (a first ask or a repair re-ask), addressed by the SHA-256 of
 * everything that determines the reply: model, messages, sampling parameters, response format,
 * schema and seed. Never the API key or the base URL. Because each exchange is cached, a rerun
 * replays the whole repair sequence (including one that ended in an invalid-output error) without a
 * single request.
 *
 * Each entry is its own file, written to a unique temp file and renamed into place, so concurrent
 * writers (several episodes or processes) and crashes can leave at worst a stray temp file, never a
 * half-written entry. An unreadable entry counts as a miss.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Json } from '../core/types.js';

export const DEFAULT_CACHE_DIR = join('.cache', 'dialogym', 'llm');

/** What a cached exchange stores: the raw reply and its token counts. */
export interface CachedExchange {
  text: string;
  finishReason: string | null;
  promptTokens: number;
  completionTokens: number;
  /** Tokens of answers the server gave before this one and that had to be retried (billed all the same). */
  retriedPromptTokens?: number;
  retriedCompletionTokens?: number;
}

/** Deterministic JSON: object keys sorted at every level, so key order never changes a hash. */
export function canonicalJson(value: Json): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(v: Json): Json {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    const out: Record<string, Json> = {};
    for (const k of Object.keys(v).sort()) if (v[k] !== undefined) out[k] = sortKeys(v[k]);
    return out;
  }
  return v;
}

export function cacheKey(material: Json): string {
  return createHash('sha256').update(canonicalJson(material)).digest('hex');
}

let tempCounter = 0;

export class LlmCache {
  readonly dir: string;

  constructor(dir: string = DEFAULT_CACHE_DIR) {
    this.dir = resolve(dir);
  }

  private pathOf(key: string): string {
    return join(this.dir, key.slice(0, 2), `${key}.json`);
  }

  async get(key: string): Promise<CachedExchange | undefined> {
    let raw: string;
    try {
      raw = await readFile(this.pathOf(key), 'utf8');
    } catch {
      return undefined;
    }
    try {
      const v = JSON.parse(raw) as { v?: number; exchange?: CachedExchange };
      const e = v.exchange;
      if (v.v !== 1 || !e || typeof e.text !== 'string') return undefined;
      return e;
    } catch {
      return undefined;
    }
  }

  async set(key: string, exchange: CachedExchange): Promise<void> {
    const target = this.pathOf(key);
    const dir = join(this.dir, key.slice(0, 2));
    await mkdir(dir, { recursive: true });
    tempCounter += 1;
    const tmp = `${target}.${process.pid}.${tempCounter}.tmp`;
    try {
      await writeFile(tmp, JSON.stringify({ v: 1, exchange }));
      await rename(tmp, target);
    } catch (err) {
      await unlink(tmp).catch(() => {});
      throw err;
    }
  }
}
