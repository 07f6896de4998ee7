/**
 * Input hygiene, in one place: what every command checks about a file it reads before it does any
 * work, and how anything taken from an input is shown on a terminal.
 *
 * - `checkInputFile`: a missing path, a directory, an empty file, or a binary or compressed file
 *   is a `ConfigError` (one line, exit 2) naming the file and saying what to do; never a raw
 *   `EISDIR` or hundreds of "not JSON" lines.
 * - `terminalSafe`: text from an input (a bad line, a JSON.parse message quoting it, a key)
 *   with control bytes, escape sequences and invalid Unicode escaped and long text cut, so that a
 *   corrupt file can never reset, recolour or scroll the user's terminal.
 * - `SkippedLines`: the count of lines a reader skipped and a few of them, printed as one line
 *   (all of them with `--verbose`).
 * - `nonStringActionReason`: what an env says when a policy hands it something other than a
 *   string (`null`, an object ...). Such an action is an invalid action with feedback, never sent
 *   on to a simulator as "null" or "[object Object]".
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { ConfigError } from './errors.js';

/** Magic numbers of the compressed and archive formats people hand to a JSONL reader by mistake. */
const MAGIC: { name: string; bytes: number[]; hint: string }[] = [
  { name: 'gzip-compressed', bytes: [0x1f, 0x8b], hint: 'decompress it first (gunzip -k FILE)' },
  { name: 'zstd-compressed', bytes: [0x28, 0xb5, 0x2f, 0xfd], hint: 'decompress it first (zstd -d FILE)' },
  { name: 'bzip2-compressed', bytes: [0x42, 0x5a, 0x68], hint: 'decompress it first (bunzip2 -k FILE)' },
  { name: 'xz-compressed', bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], hint: 'decompress it first (xz -dk FILE)' },
  { name: 'a zip archive', bytes: [0x50, 0x4b, 0x03, 0x04], hint: 'extract the JSONL file from it first' },
];

const SNIFF_BYTES = 64 * 1024;

export interface InputFileCheck {
  /** The flag or argument that named the file, for messages (`--in`, `<file>`). */
  flag?: string;
  /** What the file should hold, for messages ("episode records"). */
  holds?: string;
}

/**
 * Refuses, with one line, a path that is not a readable, non-empty text file. Reads at most the
 * first 64 KB. Returns the file's size in bytes.
 */
export function checkInputFile(path: string, opts: InputFileCheck = {}): number {
  const name = opts.flag ? `${opts.flag} ${terminalSafe(path)}` : terminalSafe(path);
  let size: number;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new ConfigError(`${name} is a directory, not a file${opts.holds ? ` of ${opts.holds}` : ''}`);
    // A pipe (`<(zcat x.gz)`) is read as it comes: it cannot be sniffed without consuming it.
    if (st.isFIFO() || st.isCharacterDevice()) return 0;
    if (!st.isFile()) throw new ConfigError(`${name} is not a regular file`);
    size = st.size;
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ConfigError(`${name}: no such file`);
    throw new ConfigError(`${name}: cannot read it (${code ?? (err as Error).message})`);
  }
  if (size === 0) throw new ConfigError(`${name} is empty${opts.holds ? `: expected ${opts.holds}` : ''}`);
  let head: Buffer;
  try {
    const fd = openSync(path, 'r');
    try {
      head = Buffer.alloc(Math.min(SNIFF_BYTES, size));
      const n = readSync(fd, head, 0, head.length, 0);
      head = head.subarray(0, n);
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(`${name}: cannot read it (${code ?? (err as Error).message})`);
  }
  for (const m of MAGIC) {
    if (m.bytes.every((b, i) => head[i] === b)) {
      throw new ConfigError(`${name} is ${m.name}, not text: ${m.hint.replace('FILE', terminalSafe(path))}`);
    }
  }
  if (head.includes(0)) throw new ConfigError(`${name} is a binary file (it contains NUL bytes), not ${opts.holds ?? 'text'}`);
  if (!isUtf8Prefix(head, head.length < size)) {
    throw new ConfigError(`${name} is not UTF-8 text (a binary file?); expected ${opts.holds ?? 'text'}`);
  }
  if (head.toString('utf8').trim() === '' && size <= SNIFF_BYTES) {
    throw new ConfigError(`${name} holds only whitespace${opts.holds ? `: expected ${opts.holds}` : ''}`);
  }
  return size;
}

/** Whether `buf` is valid UTF-8, allowing a sequence cut at the end when the file goes on. */
function isUtf8Prefix(buf: Buffer, truncated: boolean): boolean {
  let end = buf.length;
  if (truncated) {
    // Step back over at most 3 continuation bytes and their lead byte, which may be cut.
    let k = end - 1;
    while (k >= 0 && end - k <= 4 && (buf[k] as number) >= 0x80 && (buf[k] as number) < 0xc0) k -= 1;
    if (k >= 0 && (buf[k] as number) >= 0xc0) end = k;
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(0, end));
    return true;
  } catch {
    return false;
  }
}

/**
 * `text` made safe to print on a terminal: C0/C1 control characters (ESC, BEL, CR, backspace ...),
 * DEL, lone surrogates, bidi overrides and U+FFFD are shown as escapes (`\x1b`, `\u202e`); newlines
 * and tabs as `\n` and `\t`; at most `max` characters, then `…`.
 */
export function terminalSafe(text: string, max = 300): string {
  let out = '';
  let n = 0;
  for (const ch of text) {
    if (n >= max) {
      out += '…';
      break;
    }
    const cp = ch.codePointAt(0) as number;
    if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if ((cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp === 0xfffd) {
      out += `\\u${cp.toString(16).padStart(4, '0')}`;
    } else out += ch;
    n += 1;
  }
  return out;
}

/** Lines a reader skipped: a count for the summary, a few for the message, all with --verbose. */
export class SkippedLines {
  count = 0;
  readonly shown: string[] = [];

  constructor(
    private readonly file: string,
    /** Print each skipped line as it is found (`--verbose`) to this sink. */
    private readonly verbose?: (line: string) => void,
    private readonly keep = 3,
  ) {}

  add(lineNo: number, problem: string): void {
    this.count += 1;
    const text = `line ${lineNo}: ${terminalSafe(problem, 160)}`;
    if (this.shown.length < this.keep) this.shown.push(text);
    this.verbose?.(`${terminalSafe(this.file)}:${text}`);
  }

  /** One line, or '' when nothing was skipped: "skipped 3 bad line(s) of x.jsonl (line 2: not JSON; ...)". */
  summary(): string {
    if (this.count === 0) return '';
    const more = this.count > this.shown.length ? `; ${this.count - this.shown.length} more${this.verbose ? '' : ', --verbose lists them'}` : '';
    return `skipped ${this.count} bad line(s) of ${terminalSafe(this.file)} (${this.shown.join('; ')}${more})`;
  }
}

/** How a non-string action is described; equal values give equal reasons (records replay). */
export function nonStringActionKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'undefined':
      return 'undefined';
    case 'object':
      return 'an object';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    case 'bigint':
      return 'a bigint';
    case 'symbol':
      return 'a symbol';
    case 'function':
      return 'a function';
    default:
      return typeof value;
  }
}

/** The feedback an env gives for an action that is not a string. */
export function nonStringActionReason(value: unknown): string {
  return `the action must be a string, got ${nonStringActionKind(value)}`;
}

/** A value of the given kind, so that replaying a recorded non-string action gives the same invalid step. */
export function nonStringActionOfKind(kind: string): unknown {
  switch (kind) {
    case 'null':
      return null;
    case 'an array':
      return [];
    case 'an object':
      return {};
    case 'a number':
      return 0;
    case 'a boolean':
      return false;
    case 'a bigint':
      return 0n;
    case 'a symbol':
      return Symbol('action');
    case 'a function':
      return () => undefined;
    default:
      return undefined;
  }
}
