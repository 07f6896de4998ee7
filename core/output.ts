/**
 * The output discipline of every dialogym command, in one place.
 *
 * 1. `checkOutput` runs before any work and touches nothing: an existing output is refused unless
 *    `--force` (replace it) or, where the command can continue a run, `--resume` is given; an output
 *    that is the same file as an input (after resolving `..`, symlinks and hard links) is refused; a
 *    directory, or a path under a file, is refused.
 * 2. Nothing is written to the output's name until the run succeeded. A file written at once goes
 *    to a hidden temporary file in the target directory (`.<name>.<pid>-<n>.tmp`) and is renamed
 *    over the target on success (`AtomicFile`, `writeFileAtomic`, `commitAll` for a pair of files
 *    that must change together). A resumable stream of records goes to `<out>.partial` and is
 *    renamed to `<out>` when the run completes (`JsonlOutput`); a killed or failed run leaves the
 *    partial file, line-complete, for `--resume`.
 * 3. Directories are created one level at a time (Node's recursive mkdir spins forever under
 *    `/proc`), and a directory that cannot be created or written is a `ConfigError` at once.
 * 4. A write that fails (ENOSPC, EIO, EDQUOT ...) is an `OutputWriteError` naming the file: the
 *    temporary file is removed, a partial file is cut back to its last complete line, and every
 *    earlier file is left as it was.
 *
 * The resume side (which lines of an existing file may be kept, and proving that they come from
 * the same run) is in `JsonlOutput.open`'s `check` callback; see core/resume.ts for records.
 */
import {
  closeSync,
  existsSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readSync,
  readdirSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ConfigError } from './errors.js';
import { terminalSafe } from './input.js';
import { scanLines } from './jsonl.js';
import type { Json } from './types.js';

/** A write that failed after the run started (disk full, I/O error). Exit code 1. */
export class OutputWriteError extends Error {
  readonly exitCode = 1;
  constructor(
    readonly path: string,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'OutputWriteError';
  }
}

const ERRNO_TEXT: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EIO: 'input/output error',
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a component of the path is not a directory',
  EISDIR: 'is a directory',
  EFBIG: 'file too large',
  EEXIST: 'already exists',
  ENAMETOOLONG: 'name too long',
  EMFILE: 'too many open files',
};

/** "no space left on device (ENOSPC)" for a Node system error. */
export function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code && ERRNO_TEXT[code]) return `${ERRNO_TEXT[code]} (${code})`;
  if (code) return code;
  return (err as Error)?.message ?? String(err);
}

function writeError(path: string, err: unknown, consequence: string): OutputWriteError {
  const code = (err as NodeJS.ErrnoException)?.code;
  return new OutputWriteError(path, code, `cannot write ${terminalSafe(path)}: ${describeFsError(err)}; ${consequence}`);
}

// ------------------------------------------------------------------------------------------------
// Checks before any work

export interface OutputInput {
  path: string;
  /** `--in`, `<results>` ... */
  flag: string;
}

export interface OutputCheckOptions {
  /** The flag naming the output in messages (default `--out`). */
  flag?: string;
  /** Files the command reads: the output may not be one of them. */
  inputs?: readonly OutputInput[];
  force?: boolean;
  resume?: boolean;
  /** The command offers `--resume` (and keeps `<out>.partial` while it runs). */
  resumable?: boolean;
}

/** The name of the file a resumable run writes while it runs. */
export function partialPathOf(out: string): string {
  return `${out}.partial`;
}

/** The path as the file system sees it: symlinks resolved, for a file that may not exist yet. */
export function canonicalPath(p: string): string {
  const abs = resolve(p);
  try {
    return realpathSync(abs);
  } catch {
    const parent = dirname(abs);
    if (parent === abs) return abs;
    return join(canonicalPath(parent), basename(abs));
  }
}

/** Whether two paths name the same file (same path after resolving, or the same inode). */
export function sameFile(a: string, b: string): boolean {
  if (canonicalPath(a) === canonicalPath(b)) return true;
  try {
    const sa = statSync(a);
    const sb = statSync(b);
    return sa.dev === sb.dev && sa.ino === sb.ino;
  } catch {
    return false;
  }
}

/**
 * Refuses an output that would destroy data the user did not ask to replace, or that cannot be
 * written, before any work. Touches nothing.
 */
export function checkOutput(out: string, opts: OutputCheckOptions = {}): void {
  const flag = opts.flag ?? '--out';
  const shown = terminalSafe(out);
  if (out.trim() === '') throw new ConfigError(`${flag} is empty`);
  if (opts.force && opts.resume) throw new ConfigError('pass either --resume (continue the file) or --force (replace it), not both');
  for (const input of opts.inputs ?? []) {
    if (sameFile(out, input.path)) {
      throw new ConfigError(`${flag} ${shown} is the same file as ${input.flag} ${terminalSafe(input.path)}: write to another file`);
    }
  }
  let st: ReturnType<typeof statSync> | undefined;
  try {
    st = statSync(out);
  } catch {
    st = undefined;
  }
  if (st?.isDirectory()) throw new ConfigError(`${flag} ${shown} is a directory: name a file`);
  checkParentWritable(out, flag);
  const how = opts.resumable ? 'pass --resume to continue it or --force to replace it' : 'pass --force to replace it';
  if (st && !opts.force && !opts.resume) throw new ConfigError(`${flag} ${shown} exists; ${how}, or choose another ${flag}`);
  if (opts.resumable && !opts.force && !opts.resume && existsSync(partialPathOf(out))) {
    throw new ConfigError(
      `${terminalSafe(partialPathOf(out))} holds an interrupted run; pass --resume to continue it or --force to start over`,
    );
  }
}

/** The nearest existing ancestor of the output must be a directory we may write in. */
function checkParentWritable(out: string, flag: string): void {
  let dir = dirname(resolve(out));
  for (;;) {
    let st: ReturnType<typeof statSync> | undefined;
    try {
      st = statSync(dir);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') throw new ConfigError(`${flag} ${terminalSafe(out)}: cannot use ${terminalSafe(dir)} (${describeFsError(err)})`);
    }
    if (st) {
      if (!st.isDirectory()) throw new ConfigError(`${flag} ${terminalSafe(out)}: ${terminalSafe(dir)} is not a directory`);
      return;
    }
    const parent = dirname(dir);
    if (parent === dir) return;
    dir = parent;
  }
}

/**
 * Creates `dir` and its missing parents one level at a time. Any failure (a read-only or pseudo
 * file system, permissions, a file in the way) is a `ConfigError` at once.
 */
export function ensureDir(dir: string, flag = '--out'): void {
  const abs = resolve(dir);
  const missing: string[] = [];
  let d = abs;
  for (let depth = 0; depth < 4096; depth++) {
    try {
      if (statSync(d).isDirectory()) break;
      throw new ConfigError(`${flag}: cannot create ${terminalSafe(abs)}: ${terminalSafe(d)} is not a directory`);
    } catch (err) {
      if (err instanceof ConfigError) throw err;
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new ConfigError(`${flag}: cannot create ${terminalSafe(abs)}: ${describeFsError(err)}`);
      }
    }
    missing.push(d);
    const parent = dirname(d);
    if (parent === d) break;
    d = parent;
  }
  for (const m of missing.reverse()) {
    try {
      mkdirSync(m);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST' && statSync(m).isDirectory()) continue;
      throw new ConfigError(`${flag}: cannot create directory ${terminalSafe(m)}: ${describeFsError(err)}`);
    }
  }
}

// ------------------------------------------------------------------------------------------------
// Temporary files and their cleanup

let tempCounter = 0;
/** Temporary files of this process not yet committed: removed if the process is interrupted. */
const liveTemps = new Set<string>();

function tempPathFor(target: string): string {
  tempCounter += 1;
  return join(dirname(target), `.${basename(target)}.${process.pid}-${tempCounter}.tmp`);
}

/** Removes this process's uncommitted temporary files (on SIGINT/SIGTERM; partial files stay). */
export function removeLiveTemps(): void {
  for (const t of liveTemps) {
    try {
      unlinkSync(t);
    } catch {
      // already gone
    }
  }
  liveTemps.clear();
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes temporary files of `target` left by processes that died (kill -9). */
function sweepStaleTemps(target: string): void {
  const dir = dirname(target);
  const prefix = `.${basename(target)}.`;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) {
    if (!n.startsWith(prefix) || !n.endsWith('.tmp')) continue;
    const m = /\.(\d+)-\d+\.tmp$/.exec(n);
    if (!m || pidAlive(Number(m[1]))) continue;
    try {
      unlinkSync(join(dir, n));
    } catch {
      // someone else removed it
    }
  }
}

function openForWrite(path: string, flags: string, flag: string): number {
  try {
    return openSync(path, flags);
  } catch (err) {
    throw new ConfigError(`${flag}: cannot write in ${terminalSafe(dirname(resolve(path)))}: ${describeFsError(err)}`);
  }
}

function writeAll(fd: number, buf: Buffer): void {
  let off = 0;
  while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
}

function fsyncQuietly(fd: number): void {
  try {
    fsyncSync(fd);
  } catch {
    // fsync is best effort on file systems that refuse it; the data is already in the kernel.
  }
}

function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // not supported everywhere (and never needed for correctness, only durability)
  }
}

/**
 * A file written whole: a temporary file in the target's directory, renamed over the target by
 * `commit`. Creating one probes that the directory is writable (a `ConfigError` if not).
 */
export class AtomicFile {
  private fd: number | undefined;
  private bytes = 0;
  private done = false;
  readonly tempPath: string;

  private constructor(
    readonly path: string,
    flag: string,
  ) {
    ensureDir(dirname(resolve(path)), flag);
    sweepStaleTemps(path);
    this.tempPath = tempPathFor(path);
    this.fd = openForWrite(this.tempPath, 'wx', flag);
    liveTemps.add(this.tempPath);
  }

  static create(path: string, flag = '--out'): AtomicFile {
    return new AtomicFile(path, flag);
  }

  get size(): number {
    return this.bytes;
  }

  write(data: string | Buffer): void {
    if (this.fd === undefined) throw new Error(`${this.path}: write after commit or abort`);
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    try {
      writeAll(this.fd, buf);
    } catch (err) {
      this.abort();
      throw writeError(this.path, err, `${terminalSafe(this.path)} was not changed`);
    }
    this.bytes += buf.length;
  }

  /** Flushes the temporary file to disk (before a group of renames). */
  sync(): void {
    if (this.fd === undefined) return;
    try {
      fsyncSync(this.fd);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOSPC' || code === 'EIO' || code === 'EDQUOT') {
        this.abort();
        throw writeError(this.path, err, `${terminalSafe(this.path)} was not changed`);
      }
    }
  }

  /** Renames the temporary file over the target. */
  commit(): void {
    if (this.done) return;
    this.sync();
    if (this.fd !== undefined) {
      closeSync(this.fd);
      this.fd = undefined;
    }
    try {
      renameSync(this.tempPath, this.path);
    } catch (err) {
      this.abort();
      throw writeError(this.path, err, `${terminalSafe(this.path)} was not changed`);
    }
    liveTemps.delete(this.tempPath);
    this.done = true;
    fsyncDir(dirname(resolve(this.path)));
  }

  /** Drops the temporary file; the target is untouched. Safe to call more than once. */
  abort(): void {
    if (this.fd !== undefined) {
      try {
        closeSync(this.fd);
      } catch {
        // closing a descriptor of a failed write
      }
      this.fd = undefined;
    }
    if (!this.done) {
      try {
        unlinkSync(this.tempPath);
      } catch {
        // never created or already removed
      }
      liveTemps.delete(this.tempPath);
      this.done = true;
    }
  }
}

/** Writes a whole file atomically (temporary file + rename). */
export function writeFileAtomic(path: string, data: string | Buffer, flag = '--out'): void {
  const f = AtomicFile.create(path, flag);
  try {
    f.write(data);
    f.commit();
  } finally {
    f.abort();
  }
}

/**
 * Commits files that belong together (eval's episodes and results): all are flushed first, then
 * renamed in the order given, so a failure before the renames changes none of them. Put the file
 * that points at the others last.
 */
export function commitAll(files: readonly AtomicFile[]): void {
  try {
    for (const f of files) f.sync();
  } catch (err) {
    for (const f of files) f.abort();
    throw err;
  }
  for (const f of files) f.commit();
}

// ------------------------------------------------------------------------------------------------
// JSONL outputs (streams of records), resumable or not

/** What `check` says about a line of the existing file on `--resume`. */
export type ResumeVerdict =
  /** Keep the line. */
  | undefined
  /** Drop this line (corrupt, duplicate ...) and say why. */
  | { drop: string }
  /** Drop this line and every later one (e.g. to keep a file in plan order) and say why. */
  | { cut: string };

export interface JsonlOutputOptions extends OutputCheckOptions {
  /**
   * Called on `--resume` for each JSON line of the existing file, in order, before anything is
   * changed. Throw a `ConfigError` to refuse the resume (the file then stays as it was).
   */
  check?: (value: Json, lineNo: number, ctx: { droppedBefore: number }) => ResumeVerdict;
  /** Where notes about dropped lines go (default stderr). */
  log?: (line: string) => void;
}

export interface ResumeReport {
  /** The file the kept lines came from (`<out>.partial`, or `<out>` itself). */
  source: string | undefined;
  kept: number;
  dropped: { lineNo: number; reason: string }[];
  /** Lines dropped by a `cut` (counted, not listed). */
  cutLines: number;
}

/**
 * A JSONL output under the discipline above. Resumable outputs stream into `<out>.partial`
 * (line-complete at any moment, so `kill -9` loses at most the record in flight) and become
 * `<out>` on `commit`; other outputs stream into a temporary file that `close` removes unless
 * committed.
 */
export class JsonlOutput {
  private fd: number | undefined;
  private offset = 0;
  private count = 0;
  private committed = false;
  private failed = false;
  /** Resuming from a finished `<out>` with nothing dropped: the copy into the partial file waits for the first write. */
  private pendingCopyFrom: string | undefined;
  readonly workPath: string;
  readonly report: ResumeReport = { source: undefined, kept: 0, dropped: [], cutLines: 0 };

  private constructor(
    readonly path: string,
    private readonly opts: JsonlOutputOptions,
  ) {
    this.workPath = opts.resumable ? partialPathOf(path) : tempPathFor(path);
  }

  /** Checks (as `checkOutput`), then prepares the file; on `--resume`, scans and repairs what is there. */
  static async open(path: string, opts: JsonlOutputOptions = {}): Promise<JsonlOutput> {
    if (!opts.resumable) return JsonlOutput.create(path, opts);
    checkOutput(path, opts);
    const out = new JsonlOutput(path, opts);
    const flag = opts.flag ?? '--out';
    const partial = out.workPath;
    const source = opts.resume ? (existsSync(partial) ? partial : existsSync(path) ? path : undefined) : undefined;
    if (!source) {
      ensureDir(dirname(resolve(path)), flag);
      out.fd = openForWrite(partial, 'w', flag);
      return out;
    }
    await out.resumeFrom(source, flag);
    return out;
  }

  /** A non-resumable output (a temporary file renamed on `commit`), opened synchronously. */
  static create(path: string, opts: Omit<JsonlOutputOptions, 'resumable' | 'resume' | 'check'> = {}): JsonlOutput {
    checkOutput(path, { ...opts, resumable: false });
    const out = new JsonlOutput(path, { ...opts, resumable: false });
    const flag = opts.flag ?? '--out';
    ensureDir(dirname(resolve(path)), flag);
    sweepStaleTemps(path);
    out.fd = openForWrite(out.workPath, 'wx', flag);
    liveTemps.add(out.workPath);
    return out;
  }

  /** Lines kept from an earlier run (on --resume). */
  get resumed(): number {
    return this.report.kept;
  }

  /** Lines written by this run. */
  get written(): number {
    return this.count;
  }

  private async resumeFrom(source: string, flag: string): Promise<void> {
    const partial = this.workPath;
    const report = this.report;
    report.source = source;
    const dropped = new Set<number>();
    let cutAt = Number.POSITIVE_INFINITY;
    let lastKeptEnd = 0;
    let lastKeptTerminated = true;
    let droppedBeforeKept = false;
    let total = 0;
    // Pass 1, read-only: decide which lines stay. `check` may refuse the whole resume.
    for await (const line of scanLines(source)) {
      total = line.lineNo;
      if (line.lineNo >= cutAt) {
        report.cutLines += 1;
        continue;
      }
      let reason: string | undefined;
      let value: Json;
      if (line.text === undefined) reason = 'not UTF-8 text';
      else if (line.text.trim() === '') reason = 'empty line';
      else {
        try {
          value = JSON.parse(line.text);
        } catch {
          reason = line.terminated ? 'not JSON' : 'torn last line (the run was killed while writing it)';
        }
      }
      if (reason === undefined) {
        const verdict = this.opts.check?.(value, line.lineNo, { droppedBefore: dropped.size });
        if (verdict && 'cut' in verdict) {
          cutAt = line.lineNo;
          report.cutLines += 1;
          report.dropped.push({ lineNo: line.lineNo, reason: verdict.cut });
          continue;
        }
        if (verdict && 'drop' in verdict) reason = verdict.drop;
      }
      if (reason !== undefined) {
        dropped.add(line.lineNo);
        if (reason !== 'empty line') report.dropped.push({ lineNo: line.lineNo, reason });
        continue;
      }
      if (dropped.size > 0) droppedBeforeKept = true;
      report.kept += 1;
      lastKeptEnd = line.end + (line.terminated ? 1 : 0);
      lastKeptTerminated = line.terminated;
    }
    this.logDrops(source);
    // Dropped lines after the last kept one (a torn tail, a cut) are removed by truncating; a
    // dropped line between kept ones, or a kept last line without its newline, needs a rewrite.
    const needsRewrite = droppedBeforeKept || !lastKeptTerminated;
    ensureDir(dirname(resolve(this.path)), flag);
    if (source === partial && !needsRewrite) {
      // The usual case after kill -9: at most a torn tail, cut in place.
      this.fd = openForWrite(partial, 'r+', flag);
      try {
        if (fstatSync(this.fd).size !== lastKeptEnd) ftruncateSync(this.fd, lastKeptEnd);
      } catch (err) {
        throw writeError(partial, err, 'nothing was changed');
      }
      this.offset = lastKeptEnd;
      return;
    }
    if (source === this.path && report.dropped.length === 0 && report.cutLines === 0 && !needsRewrite && total === report.kept) {
      // A finished file resumed as it is: it stays untouched until this run writes something.
      this.pendingCopyFrom = source;
      return;
    }
    await this.rewrite(source, dropped, cutAt, flag);
  }

  /** Copies the kept lines of `source` into a fresh partial file (the finished output stays untouched). */
  private async rewrite(source: string, dropped: Set<number>, cutAt: number, flag: string): Promise<void> {
    const tmp = tempPathFor(this.path);
    const fd = openForWrite(tmp, 'wx', flag);
    liveTemps.add(tmp);
    let size = 0;
    try {
      let batch: Buffer[] = [];
      let batchBytes = 0;
      const flush = () => {
        if (batch.length === 0) return;
        writeAll(fd, Buffer.concat(batch));
        size += batchBytes;
        batch = [];
        batchBytes = 0;
      };
      const file = openSync(source, 'r');
      try {
        for await (const line of scanLines(source)) {
          if (line.lineNo >= cutAt || dropped.has(line.lineNo)) continue;
          const buf = Buffer.alloc(line.end - line.start + 1);
          readFullyAt(file, buf, line.end - line.start, line.start);
          buf[buf.length - 1] = 10;
          batch.push(buf);
          batchBytes += buf.length;
          if (batchBytes > 1 << 20) flush();
        }
      } finally {
        closeSync(file);
      }
      flush();
      fsyncSync(fd);
    } catch (err) {
      closeSync(fd);
      try {
        unlinkSync(tmp);
      } catch {
        // nothing to remove
      }
      liveTemps.delete(tmp);
      throw writeError(this.workPath, err, `${terminalSafe(source)} was not changed`);
    }
    closeSync(fd);
    renameSync(tmp, this.workPath);
    liveTemps.delete(tmp);
    this.fd = openForWrite(this.workPath, 'r+', flag);
    this.offset = size;
  }

  private logDrops(source: string): void {
    const r = this.report;
    if (r.dropped.length === 0 && r.cutLines === 0) return;
    const log = this.opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
    const shown = r.dropped.slice(0, 3).map((d) => `line ${d.lineNo}: ${terminalSafe(d.reason, 160)}`);
    const more = r.dropped.length > 3 ? `; ${r.dropped.length - 3} more` : '';
    const after = r.cutLines > 1 ? `; and the ${r.cutLines - 1} line(s) after line ${r.dropped.at(-1)?.lineNo}` : '';
    const n = r.dropped.length + Math.max(0, r.cutLines - 1);
    log(
      `resume: kept ${r.kept} line(s) of ${terminalSafe(source)} and dropped ${n} (${shown.join('; ')}${more}${after}); ` +
        'the file is rewritten without them and this run redoes what they held',
    );
  }

  private materialize(): void {
    if (this.pendingCopyFrom === undefined) return;
    const from = this.pendingCopyFrom;
    this.pendingCopyFrom = undefined;
    const flag = this.opts.flag ?? '--out';
    const tmp = tempPathFor(this.path);
    const fd = openForWrite(tmp, 'wx', flag);
    liveTemps.add(tmp);
    let size = 0;
    try {
      const src = openSync(from, 'r');
      try {
        const buf = Buffer.alloc(1 << 20);
        for (;;) {
          const n = readSyncAt(src, buf, size);
          if (n === 0) break;
          writeAll(fd, buf.subarray(0, n));
          size += n;
        }
      } finally {
        closeSync(src);
      }
      fsyncSync(fd);
    } catch (err) {
      closeSync(fd);
      try {
        unlinkSync(tmp);
      } catch {
        // nothing to remove
      }
      liveTemps.delete(tmp);
      this.failed = true;
      throw writeError(this.workPath, err, `${terminalSafe(this.path)} was not changed`);
    }
    closeSync(fd);
    renameSync(tmp, this.workPath);
    liveTemps.delete(tmp);
    this.fd = openForWrite(this.workPath, 'r+', flag);
    this.offset = size;
  }

  write(value: Json): void {
    this.writeLine(JSON.stringify(value));
  }

  /** Writes one line already serialised (e.g. with a format's own number typing); no newline in `text`. */
  writeLine(text: string): void {
    if (this.committed || this.failed) throw new Error(`${this.path}: write after commit or failure`);
    this.materialize();
    const fd = this.fd as number;
    const buf = Buffer.from(`${text}\n`, 'utf8');
    let off = 0;
    try {
      while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off, this.offset + off);
    } catch (err) {
      this.failed = true;
      // Leave the file line-complete: the record in flight is cut off.
      try {
        ftruncateSync(fd, this.offset);
      } catch {
        // the truncate can fail on a broken device; the next --resume cuts the torn line instead
      }
      this.closeFd();
      if (this.opts.resumable) {
        const n = this.report.kept + this.count;
        throw writeError(
          this.workPath,
          err,
          `the ${n} complete record(s) before it are kept in ${terminalSafe(this.workPath)}${existsSync(this.path) ? ` and ${terminalSafe(this.path)} was not changed` : ''}: free space and rerun with --resume`,
        );
      }
      this.removeWork();
      throw writeError(this.path, err, existsSync(this.path) ? `${terminalSafe(this.path)} was not changed` : 'nothing was written');
    }
    this.offset += buf.length;
    this.count += 1;
  }

  /** Makes the output final: `<out>.partial` or the temporary file becomes `<out>`. */
  commit(): void {
    if (this.committed) return;
    if (this.failed) throw new Error(`${this.path}: commit after a failed write`);
    if (this.pendingCopyFrom !== undefined) {
      // Resumed a finished file and wrote nothing: it is already the output.
      this.pendingCopyFrom = undefined;
      this.committed = true;
      return;
    }
    const fd = this.fd as number;
    try {
      fsyncSync(fd);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOSPC' || code === 'EIO' || code === 'EDQUOT') {
        this.failed = true;
        this.closeFd();
        if (!this.opts.resumable) this.removeWork();
        throw writeError(this.workPath, err, existsSync(this.path) ? `${terminalSafe(this.path)} was not changed` : 'the output was not written');
      }
    }
    this.closeFd();
    try {
      renameSync(this.workPath, this.path);
    } catch (err) {
      this.failed = true;
      if (!this.opts.resumable) this.removeWork();
      throw writeError(this.path, err, 'the output was not written');
    }
    liveTemps.delete(this.workPath);
    this.committed = true;
    fsyncDir(dirname(resolve(this.path)));
  }

  /**
   * Ends without committing (failure, early stop): a resumable run keeps `<out>.partial` for
   * `--resume`; a temporary file is removed. A no-op after `commit`.
   */
  close(): void {
    if (this.committed) return;
    this.closeFd();
    if (!this.opts.resumable) this.removeWork();
    this.pendingCopyFrom = undefined;
  }

  /** Whether a run that did not commit left a partial file for `--resume`. */
  get keptPartial(): boolean {
    return Boolean(this.opts.resumable) && !this.committed && existsSync(this.workPath);
  }

  private closeFd(): void {
    if (this.fd === undefined) return;
    fsyncQuietly(this.fd);
    try {
      closeSync(this.fd);
    } catch {
      // already broken
    }
    this.fd = undefined;
  }

  private removeWork(): void {
    try {
      unlinkSync(this.workPath);
    } catch {
      // never created
    }
    liveTemps.delete(this.workPath);
  }
}

function readSyncAt(fd: number, buf: Buffer, position: number): number {
  return readSync(fd, buf, 0, buf.length, position);
}

function readFullyAt(fd: number, buf: Buffer, length: number, position: number): void {
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buf, got, length - got, position + got);
    if (n === 0) throw new Error('file shrank while it was being resumed');
    got += n;
  }
}
