/**
 * Crash-safe JSONL files.
 *
 * Each line is serialised first and written with one `write` on a file opened for appending, so a
 * crash loses at most the line in flight. On reopening for resume, a trailing partial line (no final
 * newline, or not JSON) is cut off before anything is appended, so earlier lines are never corrupted.
 */
import { closeSync, createReadStream, existsSync, fsyncSync, ftruncateSync, openSync, readSync, fstatSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { ensureDir } from './output.js';
import type { Json } from './types.js';

export class JsonlWriter {
  private fd: number | undefined;
  private count = 0;

  private constructor(
    readonly path: string,
    fd: number,
  ) {
    this.fd = fd;
  }

  /**
   * Opens `path` for appending. With `append` false the file is truncated. A partial trailing line
   * left by a crash is removed either way.
   */
  static open(path: string, opts: { append?: boolean } = {}): JsonlWriter {
    // One level at a time: Node's recursive mkdir spins forever under /proc (core/output.ts).
    ensureDir(dirname(path));
    const fd = openSync(path, opts.append ? 'a+' : 'w');
    if (opts.append) repairTail(fd);
    return new JsonlWriter(path, fd);
  }

  write(value: Json): void {
    if (this.fd === undefined) throw new Error(`JsonlWriter for ${this.path} is closed`);
    const line = `${JSON.stringify(value)}\n`;
    const buf = Buffer.from(line, 'utf8');
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off);
    this.count += 1;
  }

  get written(): number {
    return this.count;
  }

  flush(): void {
    if (this.fd !== undefined) fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd === undefined) return;
    try {
      fsyncSync(this.fd);
    } catch {
      // fsync is best effort on filesystems that refuse it; the data is already in the kernel.
    }
    closeSync(this.fd);
    this.fd = undefined;
  }
}

/** Truncate `fd` after its last newline when the tail after it is not a complete JSON line. */
function repairTail(fd: number): void {
  const size = fstatSync(fd).size;
  if (size === 0) return;
  const chunk = 1 << 16;
  let end = size;
  let tail = '';
  // Find the last newline scanning backwards.
  while (end > 0) {
    const start = Math.max(0, end - chunk);
    const buf = Buffer.alloc(end - start);
    readSync(fd, buf, 0, buf.length, start);
    const s = buf.toString('utf8');
    const idx = s.lastIndexOf('\n');
    if (idx >= 0) {
      const cut = start + Buffer.byteLength(s.slice(0, idx + 1), 'utf8');
      tail = s.slice(idx + 1) + tail;
      if (cut === size) return; // ends with a newline: nothing in flight
      ftruncateSync(fd, cut);
      return;
    }
    tail = s + tail;
    end = start;
  }
  // No newline at all: the only line is partial.
  if (tail.length > 0) ftruncateSync(fd, 0);
}

export interface JsonlLine {
  lineNo: number;
  value?: Json;
  error?: string;
  raw: string;
}

export interface LineSpan {
  lineNo: number;
  start: number;
  /** End of the line's text, newline excluded. */
  end: number;
  terminated: boolean;
  text: string | undefined;
}

/** Streams a file's lines with their byte offsets; `text` is undefined when a line is not UTF-8. */
export async function* scanLines(path: string): AsyncGenerator<LineSpan> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let pending: Buffer = Buffer.alloc(0);
  let offset = 0; // file offset of pending[0]
  let lineNo = 0;
  const decode = (b: Buffer): string | undefined => {
    try {
      return decoder.decode(b);
    } catch {
      return undefined;
    }
  };
  for await (const chunk of createReadStream(path)) {
    pending = pending.length ? Buffer.concat([pending, chunk as Buffer]) : (chunk as Buffer);
    let from = 0;
    for (let nl = pending.indexOf(10, from); nl !== -1; nl = pending.indexOf(10, from)) {
      lineNo += 1;
      const raw = pending.subarray(from, nl);
      yield { lineNo, start: offset + from, end: offset + nl, terminated: true, text: decode(raw) };
      from = nl + 1;
    }
    offset += from;
    pending = pending.subarray(from);
  }
  if (pending.length > 0) {
    lineNo += 1;
    yield { lineNo, start: offset, end: offset + pending.length, terminated: false, text: decode(pending) };
  }
}

/**
 * Streams the lines of a JSONL file; a line that is not JSON (or not UTF-8) comes back with
 * `error`. Lines end at '\n' only (a stray '\r' inside a line is part of it), so line numbers
 * agree with `wc -l`, `sed -n Np` and every other reader.
 */
export async function* readJsonl(path: string): AsyncGenerator<JsonlLine> {
  if (!existsSync(path)) return;
  for await (const line of scanLines(path)) {
    const raw = line.text ?? '';
    if (line.text === undefined) {
      yield { lineNo: line.lineNo, error: 'not UTF-8 text', raw };
      continue;
    }
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (text.trim() === '') continue;
    try {
      yield { lineNo: line.lineNo, value: JSON.parse(text), raw: text };
    } catch (e) {
      yield { lineNo: line.lineNo, error: `not JSON (${(e as Error).message})`, raw: text };
    }
  }
}

/** Reads every parsable value of a JSONL file into memory (for small files: tests, results). */
export async function readJsonlValues(path: string): Promise<Json[]> {
  const out: Json[] = [];
  for await (const l of readJsonl(path)) if (l.value !== undefined) out.push(l.value);
  return out;
}
