/**
 * `npm run bench`: dialogym's performance figures, as one table on stdout and one JSON file.
 *
 *   npm run bench                      # full run (about 5 minutes on 2 cores)
 *   npm run bench -- --quick           # every section at a small size, L = 50 ms (about 30 s; a smoke test)
 *   npm run bench -- --only step,llm   # some sections: step, workers, llm, cache, rss
 *   npm run bench -- --out out/bench.json
 *
 * Sections (see each module's docstring for the method): per-env `step` cost with the scripted
 * simulator (bench/step-cost.ts), 1 vs 2 worker threads for scripted rollouts (bench/workers.ts),
 * LLM-bound throughput and own time per call against a loopback server with a fixed latency, and
 * the cached rerun of an LLM-simulator evaluation (bench/llm.ts), peak RSS while generating
 * 100,000 scripted episodes (bench/memory.ts). Targets are issue 10's; each is marked PASS or MISS.
 * Every env registered without the `test` tag is measured, plus GuessNumber-v0 as the reference.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import '../envs/index.js';
import '../agents/index.js';
import {
  type BareHttpResult,
  type CacheResult,
  type ConcurrencyResult,
  llmEnvId,
  measureBareHttp,
  measureCache,
  measureConcurrency,
  startServerChild,
} from './llm.js';
import { measureMemory, type MemoryResult } from './memory.js';
import { measureServer, serverRows } from './server.js';
import { benchEnvIds, measureStepCost, type StepCostResult } from './step-cost.js';
import { currentLoad, gitRevision, machineInfo, ROOT, round } from './util.js';
import { measureWorkers, type WorkersResult } from './workers.js';

const SECTIONS = ['step', 'workers', 'llm', 'cache', 'rss', 'server'] as const;
type Section = (typeof SECTIONS)[number];

interface Flags {
  quick: boolean;
  only: Set<Section>;
  out: string;
  llmEnv?: string;
  workersEnv: string;
  rssEnv: string;
  rssAgent: string;
  rssEpisodes?: number;
  /** Server latency; default 200 ms (50 ms with --quick). */
  latencyMs?: number;
}

function usage(msg: string): never {
  process.stderr.write(`bench: ${msg}\nusage: npm run bench -- [--quick] [--only ${SECTIONS.join(',')}] [--out file.json] [--llm-env id] [--workers-env id] [--rss-env id] [--rss-agent name] [--rss-episodes n] [--latency ms]\n`);
  process.exit(2);
}

function parseFlags(argv: string[]): Flags {
  const f: Flags = {
    quick: false,
    only: new Set(SECTIONS),
    out: resolve(ROOT, 'bench', 'results.json'),
    workersEnv: 'GuessNumber-v0',
    rssEnv: 'GuessNumber-v0',
    // The cheapest scripted workload (about 3 steps an episode): memory, not speed, is measured.
    rssAgent: 'random',
  };
  let outGiven = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) usage(`${a} needs a value`);
      return v;
    };
    const int = (v: string) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n <= 0) usage(`${a} must be a positive integer, got '${v}'`);
      return n;
    };
    if (a === '--quick') f.quick = true;
    else if (a === '--only') {
      const names = value().split(',').map((s) => s.trim());
      for (const n of names) if (!(SECTIONS as readonly string[]).includes(n)) usage(`unknown section '${n}'`);
      f.only = new Set(names as Section[]);
    } else if (a === '--out') {
      f.out = resolve(value());
      outGiven = true;
    } else if (a === '--llm-env') f.llmEnv = value();
    else if (a === '--workers-env') f.workersEnv = value();
    else if (a === '--rss-env') f.rssEnv = value();
    else if (a === '--rss-agent') f.rssAgent = value();
    else if (a === '--rss-episodes') f.rssEpisodes = int(value());
    else if (a === '--latency') f.latencyMs = int(value());
    else if (a === '--help' || a === '-h') usage('help');
    else usage(`unknown argument '${a}'`);
  }
  // A quick run must not overwrite the reference figures.
  if (f.quick && !outGiven) f.out = resolve(ROOT, 'out', 'bench-quick.json');
  f.latencyMs ??= f.quick ? 50 : 200;
  return f;
}

type Status = 'PASS' | 'MISS' | 'INFO' | 'ERROR';

interface Row {
  benchmark: string;
  figure: string;
  target: string;
  status: Status;
}

const fmtInt = (x: number) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : 'n/a');
const fmt = (x: number | null | undefined, d = 1) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(d) : 'n/a');
const judge = (ok: boolean): Status => (ok ? 'PASS' : 'MISS');

function stepRows(results: StepCostResult[]): Row[] {
  return results.map((r) => {
    const name = `step ${r.envId}${r.tags.includes('test') ? ' (test env)' : ''}`;
    if (r.error || !r.withWrappers) return { benchmark: name, figure: `error: ${r.error ?? 'no steps'}`, target: '', status: 'ERROR' as Status };
    const w = r.withWrappers;
    const b = r.noChecker;
    const figure =
      `median ${fmt(w.medianUs)} µs, p95 ${fmt(w.p95Us)} µs, CPU median ${fmt(w.cpuMedianUs)} µs (no checker ${fmt(b?.medianUs)} / ${fmt(b?.p95Us)}); ` +
      `${fmtInt(w.stepsPerSec)} steps/s, ${fmtInt(w.episodesPerSec)} episodes/s [${r.agent}, ${r.meanStepsPerEpisode} steps/ep]`;
    if (r.targetMedianUs === null) return { benchmark: name, figure, target: '(reference)', status: 'INFO' as Status };
    return { benchmark: name, figure, target: `median ≤ ${r.targetMedianUs} µs`, status: judge(w.medianUs <= r.targetMedianUs) };
  });
}

function workersRows(r: WorkersResult): Row[] {
  const name = `rollouts 1 → 2 workers (${r.envId})`;
  if (r.error || r.speedup === null) return [{ benchmark: name, figure: `error: ${r.error ?? 'no speed-up'}`, target: '≥ 1.8×', status: 'ERROR' }];
  const [one, two] = r.runs;
  return [
    {
      benchmark: name,
      figure:
        `${fmt(r.speedup, 2)}× (${fmtInt(one?.steadyEpisodesPerSec ?? Number.NaN)} → ${fmtInt(two?.steadyEpisodesPerSec ?? Number.NaN)} episodes/s, ${fmtInt(one?.episodes ?? 0)} episodes; ` +
        `CPU ${fmt(one?.steadyCpuMsPerEpisode, 2)} → ${fmt(two?.steadyCpuMsPerEpisode, 2)} ms/episode, main thread ${fmt(one?.steadyMainCpuMsPerEpisode, 2)} → ${fmt(two?.steadyMainCpuMsPerEpisode, 2)}; ` +
        `projected on ${r.cores} idle cores ${fmt(r.projectedSpeedup, 2)}×)`,
      target: '≥ 1.8×',
      status: judge(r.speedup >= 1.8),
    },
    ...(r.machineCeiling !== undefined
      ? [
          {
            benchmark: 'parallel ceiling of this machine (2 threads of pure arithmetic vs 1)',
            figure: `${fmt(r.machineCeiling, 2)}×: no code can scale past this here`,
            target: '(reference)',
            status: 'INFO' as Status,
          },
        ]
      : []),
  ];
}

function llmRows(rs: ConcurrencyResult[], bare: BareHttpResult | undefined, cores: number): Row[] {
  const rows: Row[] = [];
  if (bare) {
    rows.push({
      benchmark: `bare HTTP request (Node fetch, ${bare.concurrency} in flight)`,
      figure: `${fmt(bare.cpuUsPerRequest / 1000, 3)} ms CPU/request: the floor under "own CPU" below`,
      target: '(reference)',
      status: 'INFO',
    });
  }
  for (const r of rs) {
    const name = `LLM-bound, ${r.concurrency} in flight, L=${r.latencyMs} ms`;
    if (r.calls === 0) {
      rows.push({ benchmark: name, figure: 'no call completed in the window (machine too busy, or window too short)', target: '', status: 'MISS' });
      continue;
    }
    const overhead = r.wallOverheadMsPerCall !== null ? `, wall − L ${fmt(r.wallOverheadMsPerCall, 2)} ms/call` : '';
    // With client and server sharing `cores`, no run can exceed cores / (CPU per call of both).
    const ceiling = r.serverCpuUsPerCall !== null ? (cores * 1e6) / (r.ownCpuUsPerCall + r.serverCpuUsPerCall) : Number.NaN;
    const figure =
      `${fmt(r.callsPerSec)} calls/s = ${fmt(100 * r.fractionOfIdeal)} % of ideal ${fmt(r.idealCallsPerSec, 0)}; ` +
      `own CPU ${fmt(r.ownCpuUsPerCall / 1000, 3)} ms/call${overhead} (server ${fmt((r.serverCpuUsPerCall ?? Number.NaN) / 1000, 3)} ms/call; ` +
      `CPU ceiling on ${cores} cores ${fmtInt(ceiling)} calls/s)`;
    const throughputTarget = r.concurrency === 256;
    const fracOk = r.fractionOfIdeal >= 0.9;
    const ownOk = r.ownCpuUsPerCall <= 1000;
    rows.push({
      benchmark: name,
      figure,
      target: throughputTarget ? '≥ 90 % of ideal; ≤ 1 ms own/call' : '≤ 1 ms own/call',
      status: judge(ownOk && (!throughputTarget || fracOk)),
    });
  }
  return rows;
}

function cacheRows(r: CacheResult): Row[] {
  return [
    {
      benchmark: `cached rerun of an LLM-sim evaluation (${r.envId})`,
      figure:
        `${fmt(r.speedup)}× faster (${fmtInt(r.firstMs)} ms → ${fmt(r.rerunMs)} ms, ${r.episodes} episodes); ` +
        `requests ${r.firstRequests} → ${r.rerunRequests}; records ${r.identicalRecords ? 'identical' : 'DIFFER'}`,
      target: '≥ 50×, 0 requests',
      status: judge(r.speedup >= 50 && r.rerunRequests === 0 && r.identicalRecords),
    },
  ];
}

function rssRows(r: MemoryResult, full: boolean): Row[] {
  const name = `peak RSS, ${fmtInt(r.episodes)} episodes → JSONL (${r.envId} × ${r.agent})`;
  if (r.error) return [{ benchmark: name, figure: `error: ${r.error}`, target: '≤ 300 MB', status: 'ERROR' }];
  const flat = r.rssAtQuarterMB !== null && r.rssLateMaxMB !== null ? `; RSS at 25 % ${fmt(r.rssAtQuarterMB, 0)} MB, after ${fmt(r.rssLateMaxMB, 0)} MB` : '';
  const figure = `${fmt(r.peakRssMB, 0)} MB (${r.peakSource})${flat}; ${fmtInt(r.linesWritten)} lines, ${fmt(r.outputMB, 0)} MB, ${fmt(r.wallMs / 1000)} s`;
  const ok = r.peakRssMB <= 300 && r.linesWritten === r.episodes;
  return [{ benchmark: name, figure, target: full ? '≤ 300 MB' : '≤ 300 MB (at 100,000)', status: full ? judge(ok) : 'INFO' }];
}

function renderTable(rows: Row[]): string {
  const headers = ['Benchmark', 'Measured', 'Target', 'Result'];
  const cells = rows.map((r) => [r.benchmark, r.figure, r.target, r.status]);
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] as string).length)));
  const line = (c: string[]) => `| ${c.map((x, i) => x.padEnd(widths[i] as number)).join(' | ')} |`;
  return [line(headers), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)].join('\n');
}

/** Adds a section's rows to the table and shows them at once on stderr (the table comes at the end). */
function report(rows: Row[], section: Row[]): void {
  rows.push(...section);
  for (const r of section) log(`  ${r.status.padEnd(5)} ${r.benchmark}: ${r.figure}`);
}

function log(line: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  const t0 = performance.now();
  const machine = machineInfo();
  log(`${machine.nproc} cores (${machine.cpuModel}), node ${machine.node}, load ${machine.loadAtStart.join(' ')}${flags.quick ? ' — quick run' : ''}`);
  const q = flags.quick;
  const results: Record<string, unknown> = {};
  const rows: Row[] = [];

  const steps: StepCostResult[] = [];
  if (flags.only.has('step')) {
    for (const id of benchEnvIds()) {
      log(`step cost: ${id}`);
      const r = await measureStepCost(id, { seconds: q ? 0.15 : 4, warmupSeconds: q ? 0.05 : 0.6, minEpisodes: q ? 2 : 20 });
      steps.push(r);
    }
    results.step = steps;
    report(rows, stepRows(steps));
  }

  if (flags.only.has('workers')) {
    // Long enough for a few seconds of steady state with one worker, from the measured step cost.
    const ref = steps.find((s) => s.envId === flags.workersEnv)?.withWrappers?.episodesPerSec;
    const perSec = ref ? ref * 0.4 : 150;
    const episodes = Math.round(Math.min(q ? 200 : 40_000, Math.max(q ? 100 : 2_000, perSec * (q ? 0.5 : 15))));
    log(`workers: ${flags.workersEnv} × expert, ${episodes} episodes with 1 then 2 workers`);
    const r = await measureWorkers({ envId: flags.workersEnv, agent: 'expert', episodes, cores: machine.nproc });
    results.workers = r;
    report(rows, workersRows(r));
  }

  if (flags.only.has('llm') || flags.only.has('cache')) {
    const envId = llmEnvId(flags.llmEnv);
    const latencyMs = flags.latencyMs ?? 200;
    const server = await startServerChild(latencyMs);
    try {
      if (flags.only.has('llm')) {
        log('LLM-bound: bare HTTP baseline');
        const bare = await measureBareHttp(server, { concurrency: 32, requests: q ? 128 : 640 });
        results.bareHttp = bare;
        const rs: ConcurrencyResult[] = [];
        for (const c of [1, 8, 64, 256]) {
          log(`LLM-bound: ${envId}, ${c} in flight, latency ${latencyMs} ms`);
          rs.push(
            await measureConcurrency(server, {
              envId,
              concurrency: c,
              latencyMs,
              warmupMs: q ? Math.max(2 * latencyMs, 500) : 5 * latencyMs,
              windowMs: q ? Math.max(4 * latencyMs, 1000) : (c === 1 ? 30 : 20) * latencyMs,
            }),
          );
        }
        results.llm = rs;
        report(rows, llmRows(rs, bare, machine.nproc));
      }
      if (flags.only.has('cache')) {
        const episodes = q ? 8 : 24;
        log(`cache: ${envId}, ${episodes} episodes, first run then rerun`);
        const r = await measureCache(server, { envId, episodes, concurrency: 4, latencyMs });
        results.cache = r;
        report(rows, cacheRows(r));
      }
    } finally {
      await server.close();
    }
  }

  if (flags.only.has('rss')) {
    const episodes = flags.rssEpisodes ?? (q ? 1_000 : 100_000);
    log(`peak RSS: generate ${episodes} episodes of ${flags.rssEnv} × ${flags.rssAgent}`);
    const r = await measureMemory({ envId: flags.rssEnv, agent: flags.rssAgent, episodes });
    results.rss = r;
    report(rows, rssRows(r, episodes >= 100_000));
  }

  if (flags.only.has('server')) {
    log('server: dialogym serve over WebSocket at 1, 64, 256 sessions vs in process (bench/server.ts)');
    const r = await measureServer(q ? { episodesPerSession: 1, minEpisodes: 40 } : {});
    results.server = r;
    report(rows, serverRows(r));
  }

  machine.loadAtEnd = currentLoad();
  const table = renderTable(rows);
  const totalS = round((performance.now() - t0) / 1000, 1);
  const doc = {
    generatedAt: new Date().toISOString(),
    quick: q,
    revision: gitRevision() ?? null,
    command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    machine,
    totalSeconds: totalS,
    table: rows,
    results,
  };
  mkdirSync(dirname(flags.out), { recursive: true });
  writeFileSync(flags.out, `${JSON.stringify(doc, null, 2)}\n`);
  process.stdout.write(`${table}\n`);
  process.stdout.write(
    `\n${machine.nproc} cores (${machine.cpuModel}), ${machine.memoryGB} GB, node ${machine.node}; ` +
      `load average ${machine.loadAtStart.join(' ')} at start, ${machine.loadAtEnd.join(' ')} at end; ${totalS} s. Wrote ${flags.out}\n`,
  );
  const misses = rows.filter((r) => r.status === 'MISS' || r.status === 'ERROR').length;
  if (misses) process.stdout.write(`${misses} figure(s) missed their target or failed; see the README.\n`);
}

await main();
