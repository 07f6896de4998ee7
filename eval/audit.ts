/**
 * `dialogym audit`: runs the env's reference agents (random, expert, oracle) and every adversary on
 * the same seeds, and reports each on the normalized scale (0 = random, 100 = expert) with a paired
 * bootstrap CI over seeds. An adversary over its declared limit is an exploit: the audit fails.
 *
 * Also reported per variant:
 * - headroom: where the oracle (which reads the hidden scenario) sits on the same scale, and whether
 *   the env is saturated (expert within 5 % of oracle, or a trick reaching the oracle);
 * - per-episode variance: episodes needed to tell two agents 5 points (0.05 of the random→expert
 *   gap) apart, two-sided 95 % with 80 % power, from the expert's measured per-episode spread.
 *
 * Seeds are the first N of the env's public `dev` split, so an audit never touches `test`.
 */
import { ADVERSARY_PREFIX, adversariesOf } from '../agents/registry.js';
import type { AuditVariant } from '../agents/adversaries/types.js';
import { ConfigError } from '../core/errors.js';
import type { EpisodeRecord } from '../core/record.js';
import { getRegistration } from '../core/registry.js';
import { deriveSeed, Rng } from '../core/rng.js';
import type { Json, SimulatorConfig } from '../core/types.js';
import type { LlmProvider } from '../simulators/types.js';
import { episodeSuccess } from './metrics.js';
import type { EvalPool } from './pool.js';
import { runEnvEval } from './runner.js';
import { type Interval, mean, quantileSorted } from './stats.js';

export const DEFAULT_AUDIT_SEEDS = 200;
export const DEFAULT_SHORT_SEEDS = 40;
export const DEFAULT_GENERIC_LIMIT = 30;
/** Smallest difference, on the normalized scale (fraction of random→expert), the variance figure is for. */
export const DETECTABLE_DIFFERENCE = 0.05;

export type AuditRowKind = 'reference' | 'adversary';
export type AuditStatus = 'reference' | 'ok' | 'over-limit' | 'known-open';

export interface AuditRow {
  agent: string;
  kind: AuditRowKind;
  description: string;
  episodes: number;
  meanReturn: number;
  returnCI: Interval;
  successRate: number;
  /** 0 = random, 100 = expert; null when the env has no expert (or expert does not beat random). */
  normalized: number | null;
  normalizedCI: Interval | null;
  limit: number | null;
  status: AuditStatus;
  /** Why a known-open exploit is still open. */
  note?: string;
}

export interface AuditVariantReport {
  variant: string;
  kwargs: Record<string, Json>;
  seeds: number[];
  rows: AuditRow[];
  headroom: {
    /** The oracle on the normalized scale; null without an oracle. */
    oracleNormalized: number | null;
    /** (expert − random) / (oracle − random): the share of what is achievable that the expert reaches. */
    expertShareOfOracle: number | null;
    saturated: boolean;
    reading: string;
  };
  variance: {
    expertReturnSd: number;
    /** Episodes per agent to tell two agents 0.05 (normalized) apart, 95 % two-sided, 80 % power. */
    episodesFor005: number | null;
    /** The same for a raw return difference of 0.05. */
    episodesFor005Raw: number;
  };
}

export interface AuditReport {
  envId: string;
  envVersion: string;
  split: 'dev';
  short: boolean;
  /** The user simulator audited against ('scripted', or 'llm <model>'). */
  simulator?: string;
  variants: AuditVariantReport[];
  /** Adversary rows over their limit (not counting known-open ones). */
  failures: string[];
  knownOpen: string[];
  elapsedMs: number;
}

export interface AuditOptions {
  seeds?: number;
  /** The short audit of `npm test`: the profile's `shortSeeds`. */
  short?: boolean;
  /** Only these adversaries (names without `adv:`). */
  only?: string[];
  variant?: string;
  pool?: EvalPool;
  concurrency?: number;
  onProgress?: (done: number, total: number, label: string) => void;
  /** The user simulator to audit against (default scripted); an LLM one needs `simulatorLlm`. */
  simulator?: SimulatorConfig;
  simulatorLlm?: LlmProvider;
}

const Z_95 = 1.959964;
const Z_80 = 0.841621;

function sd(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - m) ** 2;
  return Math.sqrt(s / (xs.length - 1));
}

function returnsOf(records: EpisodeRecord[]): number[] {
  return records.map((r) => r.totals.return);
}

/**
 * Paired percentile bootstrap over seeds of the normalized score of `a`: each resample draws seed
 * indices and recomputes the random, expert and `a` means on them.
 */
export function normalizedCI(a: number[], random: number[], expert: number[], seed: number, resamples = 2000): Interval {
  const n = a.length;
  const rng = Rng.fromSeed(seed);
  const vals: number[] = [];
  for (let b = 0; b < resamples; b++) {
    let sa = 0;
    let sr = 0;
    let se = 0;
    for (let i = 0; i < n; i++) {
      const k = rng.int(0, n - 1);
      sa += a[k] as number;
      sr += random[k] as number;
      se += expert[k] as number;
    }
    const gap = se - sr;
    if (gap > 0) vals.push((100 * (sa - sr)) / gap);
  }
  if (vals.length === 0) return { lo: Number.NaN, hi: Number.NaN };
  vals.sort((x, y) => x - y);
  return { lo: quantileSorted(vals, 0.025), hi: quantileSorted(vals, 0.975) };
}

function meanCI(xs: number[], seed: number): Interval {
  const rng = Rng.fromSeed(seed);
  const n = xs.length;
  const means: number[] = [];
  for (let b = 0; b < 2000; b++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += xs[rng.int(0, n - 1)] as number;
    means.push(s / n);
  }
  means.sort((x, y) => x - y);
  return { lo: quantileSorted(means, 0.025), hi: quantileSorted(means, 0.975) };
}

export function episodesToSeparate(sdValue: number, delta: number): number {
  if (!(delta > 0)) return Number.NaN;
  return Math.max(2, Math.ceil((2 * ((Z_95 + Z_80) * sdValue) ** 2) / delta ** 2));
}

async function returnsFor(
  envId: string,
  agent: string,
  kwargs: Record<string, Json>,
  n: number,
  opts: AuditOptions,
): Promise<EpisodeRecord[]> {
  const run = await runEnvEval({
    agent,
    envId,
    split: 'dev',
    episodes: n,
    trials: 1,
    simulator: opts.simulator ?? { kind: 'scripted' },
    simulatorLlm: opts.simulatorLlm,
    kwargs,
    pool: opts.pool,
    concurrency: opts.concurrency ?? 1,
  });
  return run.records;
}

export async function runAudit(envId: string, opts: AuditOptions = {}): Promise<AuditReport> {
  const reg = getRegistration(envId);
  const profile = reg.audit;
  if (!profile) throw new ConfigError(`${envId} has no audit profile (register one with its env)`);
  if (!reg.agents?.expert) throw new ConfigError(`${envId} registers no expert: the audit's 100 is the expert`);
  const started = performance.now();
  const n = opts.seeds ?? (opts.short ? (profile.shortSeeds ?? DEFAULT_SHORT_SEEDS) : DEFAULT_AUDIT_SEEDS);
  if (!Number.isInteger(n) || n < 2) throw new ConfigError(`audit seeds must be an integer ≥ 2, got ${n}`);
  const variants: AuditVariant[] = profile.variants?.length ? profile.variants : [{ name: 'default', kwargs: {} }];
  const chosen = opts.variant ? variants.filter((v) => v.name === opts.variant) : variants;
  if (chosen.length === 0) {
    throw new ConfigError(`no variant '${opts.variant}' for ${envId} (variants: ${variants.map((v) => v.name).join(', ')})`);
  }
  const allAdversaries = adversariesOf(envId);
  const unknown = (opts.only ?? []).filter((a) => !allAdversaries.some((s) => s.name === a));
  if (unknown.length) {
    throw new ConfigError(`unknown adversary ${unknown.join(', ')} for ${envId} (known: ${allAdversaries.map((a) => a.name).join(', ')})`);
  }
  const genericLimit = profile.genericLimit ?? DEFAULT_GENERIC_LIMIT;
  const envSpecific = new Set((profile.adversaries ?? []).map((a) => a.name));
  const hasOracle = Boolean(reg.agents?.oracle);
  const report: AuditReport = {
    envId,
    envVersion: '',
    split: 'dev',
    short: Boolean(opts.short),
    simulator: opts.simulator?.kind === 'llm' ? `llm ${opts.simulator.model ?? ''}`.trim() : 'scripted',
    variants: [],
    failures: [],
    knownOpen: [],
    elapsedMs: 0,
  };
  const perVariant = chosen.map((v) => ({
    v,
    adversaries: allAdversaries.filter(
      (a) => (!opts.only || opts.only.includes(a.name)) && (!a.variants || a.variants.includes(v.name)),
    ),
  }));
  const total = perVariant.reduce((s, x) => s + x.adversaries.length + 2 + (hasOracle ? 1 : 0), 0);
  let done = 0;
  for (const { v, adversaries } of perVariant) {
    const run = async (agent: string) => {
      opts.onProgress?.(done, total, `${v.name}: ${agent}`);
      const recs = await returnsFor(envId, agent, v.kwargs, n, opts);
      done += 1;
      opts.onProgress?.(done, total, `${v.name}: ${agent}`);
      return recs;
    };
    const randomRecs = await run('random');
    const expertRecs = await run('expert');
    const oracleRecs = hasOracle ? await run('oracle') : undefined;
    report.envVersion = randomRecs[0]?.env.version ?? '';
    const random = returnsOf(randomRecs);
    const expert = returnsOf(expertRecs);
    const R = mean(random);
    const E = mean(expert);
    const gap = E - R;
    const seedBase = deriveSeed(0, `audit/${envId}/${v.name}`);
    const row = (agent: string, kind: AuditRowKind, description: string, recs: EpisodeRecord[]): AuditRow => {
      const xs = returnsOf(recs);
      const m = mean(xs);
      return {
        agent,
        kind,
        description,
        episodes: xs.length,
        meanReturn: m,
        returnCI: meanCI(xs, deriveSeed(seedBase, `${agent}/return`)),
        successRate: mean(recs.map((r) => (episodeSuccess(r).success ? 1 : 0))),
        normalized: gap > 0 ? (100 * (m - R)) / gap : null,
        normalizedCI: gap > 0 ? normalizedCI(xs, random, expert, deriveSeed(seedBase, `${agent}/normalized`)) : null,
        limit: null,
        status: 'reference',
      };
    };
    const rows: AuditRow[] = [
      row('random', 'reference', 'the 0 of the scale', randomRecs),
      row('expert', 'reference', 'the 100 of the scale', expertRecs),
    ];
    if (oracleRecs) rows.push(row('oracle', 'reference', 'reads the hidden scenario: the upper bound', oracleRecs));
    for (const spec of adversaries) {
      const recs = await run(ADVERSARY_PREFIX + spec.name);
      const r = row(spec.name, 'adversary', spec.description, recs);
      r.limit = spec.limit ?? genericLimit;
      const over = r.normalized === null ? false : r.normalized > r.limit;
      const open = profile.knownOpen?.[spec.name];
      r.status = over ? (open ? 'known-open' : 'over-limit') : 'ok';
      if (open) r.note = open;
      const label = `${v.name}/${spec.name}${envSpecific.has(spec.name) ? '' : ' (generic)'}`;
      if (r.status === 'over-limit') report.failures.push(`${label}: ${r.normalized?.toFixed(1)} > ${r.limit}`);
      if (r.status === 'known-open') report.knownOpen.push(`${label}: ${r.normalized?.toFixed(1)} > ${r.limit} (${open})`);
      rows.push(r);
    }
    if (gap <= 0) report.failures.push(`${v.name}: expert (${E.toFixed(3)}) does not beat random (${R.toFixed(3)}); nothing can be normalized`);
    const O = oracleRecs ? mean(returnsOf(oracleRecs)) : null;
    const oracleNormalized = O !== null && gap > 0 ? (100 * (O - R)) / gap : null;
    const expertShare = O !== null && O - R > 0 ? gap / (O - R) : null;
    const bestTrick = rows.filter((r) => r.kind === 'adversary').sort((a, b) => b.meanReturn - a.meanReturn)[0];
    const reasons: string[] = [];
    if (expertShare !== null && expertShare >= 0.95) reasons.push(`expert reaches ${(100 * expertShare).toFixed(0)} % of oracle`);
    if (O !== null && bestTrick && bestTrick.meanReturn >= O) reasons.push(`trick '${bestTrick.agent}' reaches the oracle`);
    const saturated = reasons.length > 0;
    const reading =
      O === null
        ? 'no oracle registered: headroom unknown'
        : saturated
          ? `SATURATED: ${reasons.join('; ')}`
          : `expert reaches ${expertShare === null ? '—' : (100 * expertShare).toFixed(0)} % of oracle (oracle at ${oracleNormalized?.toFixed(0) ?? '—'} on the 0–100 scale)`;
    const expertSd = sd(expert);
    report.variants.push({
      variant: v.name,
      kwargs: v.kwargs,
      seeds: randomRecs.map((r) => r.seed),
      rows,
      headroom: { oracleNormalized, expertShareOfOracle: expertShare, saturated, reading },
      variance: {
        expertReturnSd: expertSd,
        episodesFor005: gap > 0 ? episodesToSeparate(expertSd / gap, DETECTABLE_DIFFERENCE) : null,
        episodesFor005Raw: episodesToSeparate(expertSd, 0.05),
      },
    });
  }
  report.elapsedMs = Math.round(performance.now() - started);
  return report;
}

function fmt(x: number | null | undefined, d: number): string {
  return typeof x === 'number' && Number.isFinite(x) ? x.toFixed(d) : '—';
}

/** The audit as a plain-text table (the CLI's output and the docs' source). */
export function formatAudit(report: AuditReport): string {
  const out: string[] = [];
  for (const v of report.variants) {
    out.push(
      `${report.envId}@${report.envVersion}${v.variant === 'default' ? '' : ` [${v.variant}]`}: ${v.seeds.length} dev seeds, ${report.simulator ?? 'scripted'} simulator`,
    );
    out.push(
      `  ${'agent'.padEnd(24)} ${'return'.padStart(8)} ${'95% CI'.padEnd(17)} ${'success'.padStart(7)} ${'score'.padStart(7)} ${'95% CI'.padEnd(15)} ${'limit'.padStart(5)}  status`,
    );
    for (const r of v.rows) {
      const ci = `[${fmt(r.returnCI.lo, 3)}, ${fmt(r.returnCI.hi, 3)}]`;
      const nci = r.normalizedCI ? `[${fmt(r.normalizedCI.lo, 0)}, ${fmt(r.normalizedCI.hi, 0)}]` : '';
      const status = r.status === 'reference' ? '' : r.status === 'over-limit' ? 'OVER LIMIT' : r.status === 'known-open' ? 'known open' : 'ok';
      out.push(
        `  ${r.agent.padEnd(24)} ${fmt(r.meanReturn, 3).padStart(8)} ${ci.padEnd(17)} ${`${fmt(100 * r.successRate, 0)}%`.padStart(7)} ${fmt(r.normalized, 1).padStart(7)} ${nci.padEnd(15)} ${r.limit === null ? ''.padStart(5) : String(r.limit).padStart(5)}  ${status}`,
      );
    }
    out.push(`  headroom: ${v.headroom.reading}`);
    out.push(
      `  variance: expert return sd ${fmt(v.variance.expertReturnSd, 3)}; episodes per agent to tell two agents 5 points apart: ${fmt(v.variance.episodesFor005, 0)} (a raw 0.05 apart: ${fmt(v.variance.episodesFor005Raw, 0)})`,
    );
    out.push('');
  }
  if (report.knownOpen.length) out.push(`known open exploits (reported, not failing): ${report.knownOpen.join('; ')}`);
  out.push(
    report.failures.length
      ? `AUDIT FAILED: ${report.failures.join('; ')}`
      : `audit passed: no adversary over its limit (${(report.elapsedMs / 1000).toFixed(1)} s)`,
  );
  return out.join('\n');
}
