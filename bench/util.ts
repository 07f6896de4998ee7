/**
 * Shared pieces of the benchmarks: quantiles, child processes run under tsx, the machine
 * description and the load it was under.
 *
 * Every child is `node --import tsx <script>` started from the repository root, so the benchmarks
 * run from a fresh clone after `npm install` (no build step, no network).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { partialPathOf } from '../core/output.js';

/** Repository root (bench/..). */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Value at quantile `p` (0..1) of `xs`, nearest-rank on a sorted copy; NaN for an empty list. */
export function quantile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = Float64Array.from(xs).sort();
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1));
  return s[i] as number;
}

export function mean(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  let t = 0;
  for (const x of xs) t += x;
  return t / xs.length;
}

/** Process CPU time (user + system, all threads) in microseconds. */
export function cpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Arguments that run a TypeScript entry point with tsx's loader in a fresh node process. */
export function tsxArgs(script: string, args: string[] = []): string[] {
  return ['--import', 'tsx', script, ...args];
}

export interface ChildRun {
  code: number | null;
  stdout: string;
  stderr: string;
  wallMs: number;
}

/** Runs `node <args>` (or `<command> <args>`) from the repository root and collects its output. */
export function runNode(args: string[], opts: { onSpawn?: (child: ChildProcess) => void; command?: string } = {}): Promise<ChildRun> {
  const command = opts.command ?? process.execPath;
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, wallMs: performance.now() - t0 }));
    opts.onSpawn?.(child);
  });
}

export interface MachineInfo {
  nproc: number;
  cpuModel: string;
  memoryGB: number;
  node: string;
  platform: string;
  /** 1-, 5- and 15-minute load averages when the benchmark started and ended. */
  loadAtStart: number[];
  loadAtEnd?: number[];
  freeMemoryGBAtStart: number;
}

function lscpuModel(): string | undefined {
  try {
    const out = execFileSync('lscpu', { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return /^Model name:\s*(.+)$/m.exec(out)?.[1]?.trim();
  } catch {
    return undefined;
  }
}

function nproc(): number {
  try {
    return Number(execFileSync('nproc', { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()) || cpus().length;
  } catch {
    return cpus().length;
  }
}

export function machineInfo(): MachineInfo {
  return {
    nproc: nproc(),
    cpuModel: lscpuModel() ?? cpus()[0]?.model ?? 'unknown',
    memoryGB: round(totalmem() / 2 ** 30, 1),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAtStart: loadavg().map((x) => round(x, 2)),
    freeMemoryGBAtStart: round(freemem() / 2 ** 30, 1),
  };
}

export function currentLoad(): number[] {
  return loadavg().map((x) => round(x, 2));
}

export function round(x: number, digits = 0): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** GNU time, when installed: its `-v` report gives the peak RSS of the process it runs. */
export const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/** `Maximum resident set size (kbytes): N` from a GNU `time -v` report, in MB. */
export function parseGnuTimeRssMB(stderr: string): number | undefined {
  const m = /Maximum resident set size \(kbytes\):\s*(\d+)/.exec(stderr);
  return m ? Number(m[1]) / 1024 : undefined;
}

/** The short git revision of the tree being measured, when it is a git checkout. */
export function gitRevision(): string | undefined {
  try {
    const rev = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    return dirty ? `${rev}+dirty` : rev;
  } catch {
    return undefined;
  }
}

/** Reads a JSON file, or undefined when it is missing or unparsable. */
export function readJsonFile<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** Counts the lines of a file as it grows: each poll reads only the bytes appended since the last. */
export class LineCounter {
  private offset = 0;
  private lines = 0;
  private readonly buf = Buffer.alloc(1 << 20);
  /**
   * `path`: the output file. While a command runs it writes `<path>.partial` and renames it to
   * `path` at the end (core/output.ts), so that is counted first; the rename keeps the content, so
   * the count goes on from the same offset.
   */
  constructor(private readonly path: string) {}
  poll(): number {
    let size: number;
    let path = partialPathOf(this.path);
    try {
      size = statSync(path).size;
    } catch {
      path = this.path;
      try {
        size = statSync(path).size;
      } catch {
        return this.lines;
      }
    }
    if (size < this.offset) {
      this.offset = 0;
      this.lines = 0;
    }
    if (size === this.offset) return this.lines;
    const fd = openSync(path, 'r');
    try {
      while (this.offset < size) {
        const n = readSync(fd, this.buf, 0, Math.min(this.buf.length, size - this.offset), this.offset);
        if (n <= 0) break;
        for (let i = 0; i < n; i++) if (this.buf[i] === 10) this.lines += 1;
        this.offset += n;
      }
    } finally {
      closeSync(fd);
    }
    return this.lines;
  }
}

