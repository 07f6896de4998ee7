/**
 * Peak RSS while generating many scripted episodes to JSONL: `dialogym generate` (default workers:
 * all cores) as a child process, under GNU `time -v` when it is installed.
 *
 * Peak RSS is the largest of: GNU time's "Maximum resident set size", the command's own report
 * (`process.resourceUsage().maxRSS`, which covers its worker threads) and VmHWM polled from
 * /proc. RSS is also sampled from /proc every 250 ms, so the report can show that memory stays flat
 * as the file grows (RSS at 25 % and at 100 % of the episodes).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { partialPathOf } from '../core/output.js';
import { GNU_TIME, LineCounter, parseGnuTimeRssMB, round, runNode, tsxArgs } from './util.js';

export interface MemoryResult {
  envId: string;
  agent: string;
  episodes: number;
  linesWritten: number;
  wallMs: number;
  episodesPerSec: number;
  peakRssMB: number;
  /** Where the peak came from. */
  peakSource: string;
  /** RSS when a quarter of the output was written, and the largest RSS seen after that. */
  rssAtQuarterMB: number | null;
  rssLateMaxMB: number | null;
  outputMB: number;
  error?: string;
}

function procStatus(pid: number): { rssKB?: number; hwmKB?: number } {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    return {
      rssKB: Number(/^VmRSS:\s*(\d+)/m.exec(s)?.[1] ?? Number.NaN),
      hwmKB: Number(/^VmHWM:\s*(\d+)/m.exec(s)?.[1] ?? Number.NaN),
    };
  } catch {
    return {};
  }
}

/** The node process: the child itself, or GNU time's child. */
function nodePid(pid: number, wrapped: boolean): number | undefined {
  if (!wrapped) return pid;
  try {
    const kids = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    return kids.length ? Number(kids[0]) : undefined;
  } catch {
    return undefined;
  }
}

export async function measureMemory(opts: { envId: string; agent: string; episodes: number }): Promise<MemoryResult> {
  const dir = mkdtempSync(join(tmpdir(), 'dialogym-bench-rss-'));
  const out = join(dir, 'episodes.jsonl');
  const args = tsxArgs('cli/main.ts', [
    'generate',
    '--env',
    opts.envId,
    '--agent',
    opts.agent,
    '--episodes',
    String(opts.episodes),
    '--out',
    out,
    '--force',
    '--no-progress',
  ]);
  const wrapped = GNU_TIME !== undefined;
  const samples: { bytes: number; rssKB: number }[] = [];
  let hwmKB = 0;
  let timer: NodeJS.Timeout | undefined;
  try {
    const run = await runNode(wrapped ? ['-v', process.execPath, ...args] : args, {
      command: wrapped ? GNU_TIME : undefined,
      onSpawn: (child) => {
        timer = setInterval(() => {
          const pid = child.pid === undefined ? undefined : nodePid(child.pid, wrapped);
          if (pid === undefined) return;
          const st = procStatus(pid);
          if (st.hwmKB && Number.isFinite(st.hwmKB)) hwmKB = Math.max(hwmKB, st.hwmKB);
          if (st.rssKB && Number.isFinite(st.rssKB)) {
            // generate writes `<out>.partial` while it runs and renames it at the end (core/output.ts).
            const partial = partialPathOf(out);
            const bytes = existsSync(partial) ? statSync(partial).size : existsSync(out) ? statSync(out).size : 0;
            samples.push({ bytes, rssKB: st.rssKB });
          }
        }, 250);
      },
    }).finally(() => clearInterval(timer));
    if (run.code !== 0) throw new Error(`generate exited ${run.code}: ${run.stderr.trim().split('\n').pop()}`);
    const size = existsSync(out) ? statSync(out).size : 0;
    const lines = new LineCounter(out).poll();
    const reported = Number(/peak RSS (\d+) MB/.exec(run.stdout)?.[1] ?? Number.NaN);
    const gnu = parseGnuTimeRssMB(run.stderr);
    const candidates: [string, number][] = [
      ['GNU time -v', gnu ?? Number.NaN],
      ['generate report (process.resourceUsage().maxRSS)', reported],
      ['/proc VmHWM', hwmKB / 1024],
    ];
    const best = candidates.filter(([, v]) => Number.isFinite(v) && v > 0).sort((a, b) => b[1] - a[1])[0] ?? ['none', Number.NaN];
    const quarter = samples.find((s) => s.bytes >= size / 4);
    const late = samples.filter((s) => s.bytes >= size / 4);
    return {
      envId: opts.envId,
      agent: opts.agent,
      episodes: opts.episodes,
      linesWritten: lines,
      wallMs: round(run.wallMs),
      episodesPerSec: round((opts.episodes / run.wallMs) * 1000, 1),
      peakRssMB: round(best[1], 1),
      peakSource: best[0],
      rssAtQuarterMB: quarter ? round(quarter.rssKB / 1024, 1) : null,
      rssLateMaxMB: late.length ? round(Math.max(...late.map((s) => s.rssKB)) / 1024, 1) : null,
      outputMB: round(size / 2 ** 20, 1),
    };
  } catch (err) {
    return {
      envId: opts.envId,
      agent: opts.agent,
      episodes: opts.episodes,
      linesWritten: 0,
      wallMs: 0,
      episodesPerSec: 0,
      peakRssMB: Number.NaN,
      peakSource: 'none',
      rssAtQuarterMB: null,
      rssLateMaxMB: null,
      outputMB: 0,
      error: (err as Error).message,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
