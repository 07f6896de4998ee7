/**
 * Builds the leaderboard from results files: one entry per results file (an agent on a split with a
 * simulator kind), one cell per env with the normalized score and its CI, plus a few sample
 * episodes per cell for the transcript viewer. Writes `leaderboard.json`, `leaderboard.md` and the
 * static site (`index.html`, see site.ts).
 *
 * Each env also gets its reference row: random (0), expert (100) and the oracle, with a one-line
 * reading of the headroom. Results of a privileged agent (an oracle, which reads hidden state) are
 * shown, marked, below the ranked entries: they are references, never submissions.
 */
import { statSync } from 'node:fs';
import { ConfigError } from '../core/errors.js';
import { AtomicFile, checkOutput, commitAll, type OutputInput } from '../core/output.js';
import { join, relative, resolve } from 'node:path';
import type { EpisodeRecord } from '../core/record.js';
import type { Json } from '../core/types.js';
import { DIALOGYM_VERSION } from '../core/version.js';
import { episodeSuccess, type EnvMetrics } from './metrics.js';
import { type Headroom, headroomOf, headroomReading, type NormalizedScore, type UsedReference } from './references.js';
import type { LoadedResults } from './results.js';
import { renderSite } from './site.js';
import { mean, round } from './stats.js';

export interface LeaderboardCell {
  normalized: NormalizedScore | null;
  meanReturn: number;
  returnCI: { lo: number; hi: number };
  successRate: number;
  successCI: { lo: number; hi: number };
  passK: Record<string, number>;
  meanTurns: number;
  invalidActionRate: number;
  errorRate: number;
  tokens: number;
  cost: number | null;
  episodes: number;
  trials: number;
  envVersion: string;
  reference: UsedReference | null;
  referenceNote: string | null;
}

export interface SampleEpisode {
  key: string;
  seed: number;
  success: boolean;
  instructions: string;
  initialText: string;
  turns: Array<{
    action: string;
    observation: string;
    reward: number;
    rewardComponents: Record<string, number>;
    simulatorTurns: Json[];
    invalidAction: string | null;
  }>;
  totals: EpisodeRecord['totals'];
  termination: EpisodeRecord['termination'];
  error: EpisodeRecord['error'];
  scenario: Json;
}

export interface LeaderboardEntry {
  id: string;
  agent: string;
  agentId: string;
  simulator: string;
  split: string;
  splitVersion: string;
  dialogymVersion: string;
  source: string;
  createdAt: string;
  /** Mean normalized score over the envs that have one; null when none has. */
  overall: number | null;
  /** An agent that read hidden state: shown as a reference, not ranked. */
  privileged: boolean;
  /** 1-based rank among the non-privileged entries; null for privileged ones. */
  rank: number | null;
  /** Envs that the overall averages over. */
  overallEnvs: number;
  cells: Record<string, LeaderboardCell>;
}

/** The reference points of one env: raw mean returns of random, expert and oracle, and the reading. */
export interface EnvReference {
  random: number;
  expert: number;
  oracle: number | null;
  headroom: Headroom | null;
  reading: string;
  source: 'stored' | 'computed';
}

export interface LeaderboardData {
  dialogymVersion: string;
  generatedAt: string;
  envs: string[];
  entries: LeaderboardEntry[];
  /** env id → its reference points (from the first results file that has them). */
  references: Record<string, EnvReference>;
  /** entry id → env id → sample episodes. */
  samples: Record<string, Record<string, SampleEpisode[]>>;
  notes: string[];
}

function cellOf(m: EnvMetrics, env: LoadedResults['results']['envs'][number]): LeaderboardCell {
  return {
    normalized: env.normalized,
    meanReturn: m.meanReturn,
    returnCI: m.returnCI,
    successRate: m.successRate,
    successCI: m.successCI,
    passK: m.passK,
    meanTurns: m.meanTurns,
    invalidActionRate: m.invalidActionRate,
    errorRate: m.errorRate,
    tokens: m.tokens.total,
    cost: m.cost,
    episodes: m.episodes,
    trials: m.trials,
    envVersion: env.envVersion,
    reference: env.reference,
    referenceNote: env.referenceNote,
  };
}

/** A success, a failure, then the earliest remaining first trials, up to `n`. */
export function pickSamples(records: readonly EpisodeRecord[], n: number): EpisodeRecord[] {
  const first = records.filter((r) => ((r.source as { eval?: { trial?: number } } | null)?.eval?.trial ?? 0) === 0);
  const pool = first.length ? first : [...records];
  const out: EpisodeRecord[] = [];
  const ok = pool.find((r) => episodeSuccess(r).success);
  const bad = pool.find((r) => !episodeSuccess(r).success);
  for (const r of [ok, bad, ...pool]) {
    if (out.length >= n) break;
    if (r && !out.includes(r)) out.push(r);
  }
  return out;
}

function sampleOf(r: EpisodeRecord): SampleEpisode {
  return {
    key: r.key,
    seed: r.seed,
    success: episodeSuccess(r).success,
    instructions: r.initialObservation.instructions,
    initialText: r.initialObservation.text,
    turns: r.turns.map((t) => ({
      action: t.action,
      observation: t.observation,
      reward: t.reward,
      rewardComponents: t.rewardComponents,
      simulatorTurns: t.simulatorTurns,
      invalidAction: t.invalidAction?.reason ?? null,
    })),
    totals: r.totals,
    termination: r.termination,
    error: r.error,
    scenario: r.scenario,
  };
}

export function buildLeaderboard(
  inputs: readonly LoadedResults[],
  opts: { samplesPerCell?: number; now?: Date; baseDir?: string } = {},
): LeaderboardData {
  const envs = new Set<string>();
  const entries: LeaderboardEntry[] = [];
  const samples: LeaderboardData['samples'] = {};
  const notes: string[] = [];
  const used = new Map<string, number>();
  const references: Record<string, EnvReference> = {};
  for (const input of inputs) {
    const r = input.results;
    const base = `${r.agent.name} · ${r.split.name} · ${r.simulator.kind}`;
    const count = (used.get(base) ?? 0) + 1;
    used.set(base, count);
    const id = count === 1 ? base : `${base} (${count})`;
    const cells: Record<string, LeaderboardCell> = {};
    samples[id] = {};
    for (const env of r.envs) {
      envs.add(env.envId);
      if (env.reference && !references[env.envId]) {
        const h = headroomOf(env.reference);
        references[env.envId] = {
          random: env.reference.random.meanReturn,
          expert: env.reference.expert.meanReturn,
          oracle: env.reference.oracle?.meanReturn ?? null,
          headroom: h,
          reading: headroomReading(h),
          source: env.reference.source,
        };
      }
      cells[env.envId] = cellOf(env.metrics, env);
      const recs = input.records.filter((x) => x.env.id === env.envId);
      (samples[id] as Record<string, SampleEpisode[]>)[env.envId] = pickSamples(recs, opts.samplesPerCell ?? 3).map(sampleOf);
    }
    for (const p of input.problems) notes.push(`${input.path}: ${p}`);
    const scores = Object.values(cells)
      .map((c) => c.normalized?.score)
      .filter((x): x is number => typeof x === 'number');
    entries.push({
      id,
      agent: r.agent.name,
      agentId: r.agent.id,
      simulator: r.simulator.kind,
      split: r.split.name,
      splitVersion: r.split.version,
      dialogymVersion: r.dialogymVersion,
      source: opts.baseDir ? relative(opts.baseDir, resolve(input.path)) : input.path,
      createdAt: r.createdAt,
      overall: scores.length ? round(mean(scores), 3) : null,
      overallEnvs: scores.length,
      privileged: r.agent.privileged === true,
      rank: null,
      cells,
    });
  }
  entries.sort(
    (a, b) =>
      Number(a.privileged) - Number(b.privileged) ||
      (b.overall ?? Number.NEGATIVE_INFINITY) - (a.overall ?? Number.NEGATIVE_INFINITY) ||
      a.id.localeCompare(b.id),
  );
  let rank = 0;
  for (const e of entries) if (!e.privileged) e.rank = ++rank;
  const splitVersions = new Set(entries.map((e) => e.splitVersion));
  if (splitVersions.size > 1) notes.push(`entries use different split versions (${[...splitVersions].join(', ')}): their scores are not comparable`);
  return {
    dialogymVersion: DIALOGYM_VERSION,
    generatedAt: (opts.now ?? new Date()).toISOString(),
    envs: [...envs].sort(),
    entries,
    references,
    samples,
    notes,
  };
}

function fmt(x: number | null | undefined, digits = 1): string {
  return typeof x === 'number' && Number.isFinite(x) ? x.toFixed(digits) : '—';
}

/** Markdown cells must not break the table: escape pipes and drop newlines. */
function mdText(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');
}

export function cellText(c: LeaderboardCell | undefined): string {
  if (!c) return '—';
  if (!c.normalized) return `(return ${fmt(c.meanReturn, 3)})`;
  return `${fmt(c.normalized.score)} [${fmt(c.normalized.ci.lo)}, ${fmt(c.normalized.ci.hi)}]`;
}

export function renderMarkdown(data: LeaderboardData): string {
  const lines: string[] = [];
  lines.push('# dialogym leaderboard', '');
  lines.push(
    'Normalized score per environment (0 = random agent, 100 = expert agent on the same split) with its 95 % bootstrap CI; ' +
      '"Overall" is the mean over the environments that have a score.',
    '',
  );
  const head = ['Agent', 'Split', 'Simulator', 'Overall', ...data.envs];
  lines.push(`| ${head.map(mdText).join(' | ')} |`);
  lines.push(`| ${head.map((_, i) => (i >= 3 ? '---:' : '---')).join(' | ')} |`);
  for (const e of data.entries) {
    const row = [agentLabel(e), e.split, e.simulator, fmt(e.overall), ...data.envs.map((env) => cellText(e.cells[env]))];
    lines.push(`| ${row.map(mdText).join(' | ')} |`);
  }
  const refEnvs = data.envs.filter((env) => data.references[env]);
  if (refEnvs.length) {
    lines.push('', '## References', '');
    lines.push('Mean return of the reference agents on the split (random = 0, expert = 100; the oracle reads the hidden scenario).', '');
    lines.push('| Env | random | expert | oracle | oracle score | reading |', '| --- | ---: | ---: | ---: | ---: | --- |');
    for (const env of refEnvs) {
      const r = data.references[env] as EnvReference;
      lines.push(
        `| ${[env, fmt(r.random, 3), fmt(r.expert, 3), fmt(r.oracle, 3), fmt(r.headroom?.oracleScore), r.reading].map(mdText).join(' | ')} |`,
      );
    }
  }
  lines.push('', '## Details', '');
  const dh = ['Agent', 'Split', 'Env', 'Mean return [95 % CI]', 'Success', 'pass^k', 'Turns', 'Invalid', 'Tokens', 'Episodes'];
  lines.push(`| ${dh.join(' | ')} |`, `| ${dh.map(() => '---').join(' | ')} |`);
  for (const e of data.entries) {
    for (const env of data.envs) {
      const c = e.cells[env];
      if (!c) continue;
      const passK = Object.entries(c.passK)
        .map(([k, v]) => `${k}:${v.toFixed(2)}`)
        .join(' ');
      lines.push(
        `| ${[
          e.agent,
          e.split,
          env,
          `${fmt(c.meanReturn, 3)} [${fmt(c.returnCI.lo, 3)}, ${fmt(c.returnCI.hi, 3)}]`,
          `${(c.successRate * 100).toFixed(1)} %`,
          passK,
          fmt(c.meanTurns),
          `${(c.invalidActionRate * 100).toFixed(1)} %`,
          String(c.tokens),
          `${c.episodes / c.trials}×${c.trials}`,
        ]
          .map(mdText)
          .join(' | ')} |`,
      );
    }
  }
  if (data.notes.length) {
    lines.push('', '## Notes', '');
    for (const n of data.notes) lines.push(`- ${mdText(n)}`);
  }
  lines.push('', `Generated by dialogym ${data.dialogymVersion} at ${data.generatedAt}.`, '');
  return lines.join('\n');
}

/** The agent's name as shown: privileged agents are marked as references. */
export function agentLabel(e: LeaderboardEntry): string {
  return e.privileged ? `${e.agent} (privileged, reference)` : e.agent;
}

/** Plain-text table for the terminal. */
export function renderTextTable(data: LeaderboardData): string {
  const head = ['Agent', 'Split', 'Overall', ...data.envs];
  const rows = data.entries.map((e) => [agentLabel(e), e.split, fmt(e.overall), ...data.envs.map((env) => cellText(e.cells[env]))]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/**
 * What `npm start` prints: per env, each reference agent's raw mean return with its CI, success rate
 * and normalized score, then one line reading the headroom.
 */
export function renderStartSummary(data: LeaderboardData): string {
  const out: string[] = [];
  const head = ['agent', 'mean return [95% CI]', 'success', 'score [95% CI]'];
  for (const env of data.envs) {
    const order = (e: LeaderboardEntry) => (e.privileged ? 3 : e.agent === 'random' ? 0 : e.agent === 'expert' ? 1 : 2);
    const rows = data.entries
      .filter((e) => e.cells[env])
      .sort((a, b) => order(a) - order(b))
      .map((e) => {
        const c = e.cells[env] as LeaderboardCell;
        return [
          agentLabel(e),
          `${fmt(c.meanReturn, 3)} [${fmt(c.returnCI.lo, 3)}, ${fmt(c.returnCI.hi, 3)}]`,
          `${fmt(100 * c.successRate, 0)} %`,
          c.normalized ? `${fmt(c.normalized.score)} [${fmt(c.normalized.ci.lo)}, ${fmt(c.normalized.ci.hi)}]` : '—',
        ];
      });
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
    const line = (cells: string[]) => `  ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ')}`;
    const first = Object.values(data.entries)[0]?.cells[env];
    out.push(`${env}${first ? ` (v${first.envVersion}, ${first.episodes} dev episodes)` : ''}`);
    out.push(line(head));
    for (const r of rows) out.push(line(r));
    out.push(`  → ${data.references[env]?.reading ?? 'no reference'}`);
    out.push('');
  }
  out.push('score: 0 = random, 100 = expert on the same seeds; the oracle reads the hidden scenario (a reference, not a submission).');
  return out.join('\n');
}

/** The files `writeLeaderboard` writes into `outDir`. */
export function leaderboardFiles(outDir: string): { html: string; md: string; json: string } {
  return { json: join(outDir, 'leaderboard.json'), md: join(outDir, 'leaderboard.md'), html: join(outDir, 'index.html') };
}

/**
 * Refuses, before any work, a folder whose leaderboard files exist (unless `force`), a file in the
 * folder's place, or a leaderboard file that is one of the inputs.
 */
export function checkLeaderboardOutput(outDir: string, opts: { force?: boolean; inputs?: OutputInput[] } = {}): void {
  try {
    if (!statSync(outDir).isDirectory()) throw new ConfigError(`--out ${outDir} is a file; name a folder`);
  } catch (err) {
    if (err instanceof ConfigError) throw err;
  }
  const f = leaderboardFiles(outDir);
  for (const file of [f.json, f.md, f.html]) checkOutput(file, { flag: '--out', force: opts.force, inputs: opts.inputs });
}

/** Writes the three files through temporary files, renamed together once all are complete. */
export function writeLeaderboard(data: LeaderboardData, outDir: string): { html: string; md: string; json: string } {
  const f = leaderboardFiles(outDir);
  const files = [AtomicFile.create(f.json), AtomicFile.create(f.md), AtomicFile.create(f.html)];
  try {
    files[0]?.write(`${JSON.stringify(data, null, 2)}\n`);
    files[1]?.write(renderMarkdown(data));
    files[2]?.write(renderSite(data));
    commitAll(files);
  } finally {
    for (const x of files) x.abort();
  }
  return f;
}
