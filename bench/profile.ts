/**
 * Where a step's CPU goes, from a sampled profile taken in-process (node:inspector's Profiler, so
 * it needs no flag and runs from `npm run bench`).
 *
 * Episodes run as in bench/step-cost.ts (the env from `make`, replaying actions recorded from its
 * expert or random agent, so the agent's own work neither shows nor pollutes the caches) while the
 * profiler samples the stack every `intervalUs`. A sample counts for the step when its stack passes
 * through a `step` of the core (the wrappers' or MachineEnv's); reset and the agent's own time are
 * left out. Each step sample is attributed by the source file of the innermost frame that is
 * dialogym's or XState's code (frames of Node, V8 builtins, regular expressions, ajv's generated
 * validators and pure-rand are charged to their caller; so is core/rng.ts, a utility the env and
 * simulator call):
 *
 * - interpreter: XState (node_modules/xstate);
 * - core: core/ (MachineEnv, the engines, wrappers, schema validation);
 * - env: envs/<name>/ (the machine's actions and guards, observe, parseAction, info);
 * - simulator: simulators/, and env code reached through a simulator's `respond` (scripted users
 *   often live in the env's folder);
 * - other: whatever is left (Node internals with no dialogym caller).
 *
 * Garbage collection has no stack: it is given as its own share of all the loop's samples.
 */
import { Session } from 'node:inspector/promises';
import { make } from '../core/registry.js';
import type { Env } from '../core/types.js';
import { type RecordedEpisode, recordEpisodes } from './step-cost.js';
import { round } from './util.js';

export type Category = 'interpreter' | 'core' | 'env' | 'simulator' | 'other';
export const CATEGORIES: readonly Category[] = ['interpreter', 'core', 'env', 'simulator', 'other'];

export interface HotSpot {
  function: string;
  file: string;
  line: number;
  category: Category;
  /** Share of the step's samples spent in this function itself. */
  share: number;
}

export interface ProfileSplit {
  envId: string;
  agent: string;
  /** Samples inside `step`. */
  stepSamples: number;
  /** Share of the step's samples per category (sums to 1). */
  shares: Record<Category, number>;
  /** Share of all the loop's non-idle samples spent in garbage collection. */
  gcShareOfLoop: number;
  /** The functions with the most step samples of their own. */
  hotSpots: HotSpot[];
  error?: string;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The part of a script URL after the repository root (`core/machine-env.ts`), or the URL. */
function shortFile(url: string): string {
  const m = /\/((?:core|envs|simulators|agents|bench|eval|datasets|cli|node_modules\/[^/]+)\/.*)$/.exec(url);
  return m ? (m[1] as string) : url;
}

function classify(url: string): Category | 'pass' | undefined {
  if (!url) return undefined;
  if (url.includes('/node_modules/xstate/')) return 'interpreter';
  if (url.includes('/node_modules/')) return undefined;
  if (url.includes('/core/rng.')) return 'pass';
  if (url.includes('/core/')) return 'core';
  if (url.includes('/simulators/')) return 'simulator';
  if (url.includes('/envs/')) return 'env';
  return undefined;
}

/** Splits a profile's step samples by category. Exported for tests. */
export function splitProfile(profile: CpuProfile, topN = 8): Omit<ProfileSplit, 'envId' | 'agent'> {
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const n of profile.nodes) byId.set(n.id, n);
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // Per node, computed once: is it inside a core step, and what category are its samples.
  const verdicts = new Map<number, { inStep: boolean; category: Category } | null>();
  const verdict = (id: number) => {
    const known = verdicts.get(id);
    if (known !== undefined) return known;
    const chain: ProfileNode[] = [];
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) chain.push(byId.get(cur) as ProfileNode);
    const inStep = chain.some((n) => n.callFrame.functionName === 'step' && /\/core\/[^/]+$/.test(n.callFrame.url));
    let category: Category = 'other';
    for (let i = 0; i < chain.length; i++) {
      const c = classify((chain[i] as ProfileNode).callFrame.url);
      if (c === undefined || c === 'pass') continue;
      category = c;
      if (c === 'env') {
        // Env code called from a simulator's `respond` (before any core frame) is the simulator's.
        for (let j = i; j < chain.length; j++) {
          const f = (chain[j] as ProfileNode).callFrame;
          const cj = classify(f.url);
          if (cj === 'core' || cj === 'interpreter') break;
          if (f.functionName === 'respond' && (cj === 'env' || cj === 'simulator')) {
            category = 'simulator';
            break;
          }
        }
      }
      break;
    }
    const v = chain[0]?.callFrame.functionName === '(garbage collector)' ? null : { inStep, category };
    verdicts.set(id, v);
    return v;
  };
  const counts: Record<Category, number> = { interpreter: 0, core: 0, env: 0, simulator: 0, other: 0 };
  const selfCounts = new Map<number, number>();
  let stepSamples = 0;
  let gc = 0;
  let loop = 0;
  for (const id of profile.samples) {
    const fn = byId.get(id)?.callFrame.functionName;
    if (fn === '(idle)' || fn === '(program)') continue;
    loop += 1;
    const v = verdict(id);
    if (v === null) {
      gc += 1;
      continue;
    }
    if (!v.inStep) continue;
    stepSamples += 1;
    counts[v.category] += 1;
    selfCounts.set(id, (selfCounts.get(id) ?? 0) + 1);
  }
  const shares = Object.fromEntries(CATEGORIES.map((c) => [c, stepSamples ? round(counts[c] / stepSamples, 3) : 0])) as Record<Category, number>;
  const byFunction = new Map<string, HotSpot>();
  for (const [id, n] of selfCounts) {
    const f = (byId.get(id) as ProfileNode).callFrame;
    const file = shortFile(f.url) || '(native)';
    const key = `${f.functionName}|${file}|${f.lineNumber}`;
    const spot = byFunction.get(key) ?? {
      function: f.functionName || '(anonymous)',
      file,
      line: f.lineNumber + 1,
      category: (verdict(id) as { category: Category }).category,
      share: 0,
    };
    spot.share += n / Math.max(1, stepSamples);
    byFunction.set(key, spot);
  }
  const hotSpots = [...byFunction.values()]
    .sort((a, b) => b.share - a.share)
    .slice(0, topN)
    .map((h) => ({ ...h, share: round(h.share, 3) }));
  return { stepSamples, shares, gcShareOfLoop: loop ? round(gc / loop, 3) : 0, hotSpots };
}

/** Replays recorded episodes in turn until `until`; returns where it stopped. */
async function replayEpisodes(env: Env, recorded: RecordedEpisode[], until: number, from: number): Promise<number> {
  let k = from;
  while (performance.now() < until) {
    const ep = recorded[k++ % recorded.length] as RecordedEpisode;
    const r0 = await env.reset({ seed: ep.seed });
    if (r0.info.error) continue;
    for (const action of ep.actions) {
      const r = await env.step(action);
      if (r.terminated || r.truncated) break;
    }
  }
  return k;
}

/** Profiles `seconds` of episodes of an env (after a short warm-up) and splits its step samples. */
export async function profileStep(
  envId: string,
  agentName: string,
  opts: { seconds: number; intervalUs?: number; topN?: number; recorded?: RecordedEpisode[] },
): Promise<ProfileSplit> {
  const env = make(envId);
  const session = new Session();
  session.connect();
  try {
    const recorded = opts.recorded ?? (await recordEpisodes(envId, agentName, { seconds: 1, minEpisodes: 10, maxEpisodes: 200 }));
    const k = await replayEpisodes(env, recorded, performance.now() + Math.min(500, opts.seconds * 250), 0);
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: opts.intervalUs ?? 50 });
    await session.post('Profiler.start');
    await replayEpisodes(env, recorded, performance.now() + opts.seconds * 1000, k);
    const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: CpuProfile };
    return { envId, agent: agentName, ...splitProfile(profile, opts.topN) };
  } catch (err) {
    return {
      envId,
      agent: agentName,
      stepSamples: 0,
      shares: { interpreter: 0, core: 0, env: 0, simulator: 0, other: 0 },
      gcShareOfLoop: 0,
      hotSpots: [],
      error: (err as Error).message,
    };
  } finally {
    await session.post('Profiler.disable').catch(() => {});
    session.disconnect();
    await env.close();
  }
}

/** What an LLM call's CPU is spent on (`splitLlmProfile`). */
export type LlmCategory = 'dialogym' | 'openai' | 'http' | 'other';
export const LLM_CATEGORIES: readonly LlmCategory[] = ['dialogym', 'openai', 'http', 'other'];

function classifyLlm(url: string): LlmCategory | undefined {
  if (!url) return undefined;
  if (url.includes('/node_modules/openai/')) return 'openai';
  if (url.includes('/node_modules/undici/') || url.includes('node:internal/deps/undici') || /^node:(net|_http|http|stream|internal\/(streams|webstreams|net|stream_base|http))/.test(url)) {
    return 'http';
  }
  if (url.includes('/node_modules/')) return undefined;
  if (/\/(core|envs|simulators|agents|eval|datasets)\//.test(url)) return 'dialogym';
  return undefined;
}

/**
 * Splits a profile of LLM-bound episodes by who spends the CPU: dialogym's own code (env, simulator
 * prompt and validation, client logic, runner, records), the `openai` package, the HTTP stack
 * (undici or Node's fetch, sockets, streams), or other (Node internals with no such caller). Each
 * sample goes to the innermost frame with a known file (JSON, ajv's validators and V8 builtins are
 * charged to their caller); GC is given apart, as a share of all non-idle samples.
 */
export function splitLlmProfile(profile: CpuProfile): { samples: number; shares: Record<LlmCategory, number>; gcShare: number } {
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const n of profile.nodes) byId.set(n.id, n);
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const memo = new Map<number, LlmCategory | 'gc' | 'skip'>();
  const categoryOf = (id: number): LlmCategory | 'gc' | 'skip' => {
    const known = memo.get(id);
    if (known) return known;
    const leaf = byId.get(id)?.callFrame.functionName;
    let c: LlmCategory | 'gc' | 'skip' = 'other';
    if (leaf === '(garbage collector)') c = 'gc';
    else if (leaf === '(idle)' || leaf === '(program)') c = 'skip';
    else {
      for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
        const k = classifyLlm((byId.get(cur) as ProfileNode).callFrame.url);
        if (k) {
          c = k;
          break;
        }
      }
    }
    memo.set(id, c);
    return c;
  };
  const counts: Record<LlmCategory, number> = { dialogym: 0, openai: 0, http: 0, other: 0 };
  let gc = 0;
  let total = 0;
  for (const id of profile.samples) {
    const c = categoryOf(id);
    if (c === 'skip') continue;
    total += 1;
    if (c === 'gc') gc += 1;
    else counts[c] += 1;
  }
  const nonGc = Math.max(1, total - gc);
  return {
    samples: total,
    shares: Object.fromEntries(LLM_CATEGORIES.map((c) => [c, round(counts[c] / nonGc, 3)])) as Record<LlmCategory, number>,
    gcShare: total ? round(gc / total, 3) : 0,
  };
}

/** Runs `work` under the sampling profiler and returns the profile. */
export async function profiled<T>(work: () => Promise<T>, intervalUs = 100): Promise<{ result: T; profile: CpuProfile }> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: intervalUs });
    await session.post('Profiler.start');
    const result = await work();
    const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: CpuProfile };
    return { result, profile };
  } finally {
    await session.post('Profiler.disable').catch(() => {});
    session.disconnect();
  }
}
