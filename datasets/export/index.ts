/**
 * Streaming exports of episode records to the formats offline-RL and fine-tuning tools read
 * without conversion. Memory does not grow with the number of episodes, except `sft` with a
 * top-p filter (one float per episode for the exact quantile) and `dpo` (a short digest per
 * episode to find shared prefixes); both read the input twice instead of holding records.
 */
import { createHash } from 'node:crypto';
import { ConfigError } from '../../core/errors.js';
import type { EpisodeRecord } from '../../core/record.js';
import type { Json } from '../../core/types.js';
import { assertReadable, emptyInputStats, type InputStats, readRecords } from '../records-io.js';
import { endedNaturally, messagesBefore, returnsToGo, roundReward, stateText } from '../text.js';
import { EXPORT_FORMATS, type ExportFormat } from './schemas.js';
import { TypedJsonlWriter } from './typed-json.js';

export interface ExportOptions {
  /** Discount of `mc_return` in `transitions` (default 0.99). */
  gamma?: number;
  /** `sft`: keep the top p % of episodes by return (default 100 = all). */
  topPercent?: number;
  /** `dpo`: minimum return difference for a pair (default 1e-9: any strict difference). */
  margin?: number;
  /** `dpo`: at most this many sampled pairs per shared prefix group (default 8). */
  maxPairsPerGroup?: number;
  /** `dpo`: add a `meta` field naming the two records (TRL ignores unknown columns only if told to). */
  withMeta?: boolean;
  /** Called after each input record is handled. */
  onProgress?: (done: number) => void;
  /** Replace an existing output (refused otherwise). */
  force?: boolean;
}

export interface ExportSummary {
  format: ExportFormat;
  input: InputStats;
  written: number;
  /** Format-specific counts (kept episodes, pairs by origin ...). */
  details: Record<string, Json>;
}

export function isExportFormat(name: string): name is ExportFormat {
  return Object.hasOwn(EXPORT_FORMATS, name);
}

export async function exportRecords(format: string, inPath: string, outPath: string, opts: ExportOptions = {}): Promise<ExportSummary> {
  if (!isExportFormat(format)) {
    throw new ConfigError(`unknown export format '${format}' (known: ${Object.keys(EXPORT_FORMATS).join(', ')})`);
  }
  if (format === 'tasks') throw new ConfigError("the tasks format is built from an env, not from records: pass --env (and --split, --tasks) instead of --in");
  assertReadable(inPath);
  const gamma = opts.gamma ?? 0.99;
  if (!(gamma >= 0 && gamma <= 1)) throw new ConfigError(`--gamma must be in [0, 1], got ${opts.gamma}`);
  const top = opts.topPercent ?? 100;
  if (!(top > 0 && top <= 100)) throw new ConfigError(`--top-percent must be in (0, 100], got ${opts.topPercent}`);
  // The format's schema decides which numbers are written as floats (see typed-json.ts). Lines go
  // to a temporary file beside --out, renamed over it only when the export succeeded.
  const writer = new TypedJsonlWriter(outPath, EXPORT_FORMATS[format], { inputs: [{ path: inPath, flag: '--in' }], force: opts.force });
  try {
    let summary: ExportSummary;
    switch (format) {
      case 'lmrl':
        summary = await simpleExport(format, inPath, writer, opts, (r) => [toLmrl(r)]);
        break;
      case 'transitions':
        summary = await simpleExport(format, inPath, writer, opts, (r) => toTransitions(r, gamma));
        break;
      case 'sft':
        summary = await exportSft(inPath, writer, top, opts);
        break;
      case 'dpo':
        summary = await exportDpo(inPath, writer, opts);
        break;
    }
    writer.commit();
    return summary;
  } finally {
    writer.close();
  }
}

async function simpleExport(
  format: ExportFormat,
  inPath: string,
  writer: TypedJsonlWriter,
  opts: ExportOptions,
  convert: (r: EpisodeRecord) => Json[],
): Promise<ExportSummary> {
  const input = emptyInputStats();
  for await (const { record } of readRecords(inPath, input)) {
    for (const line of convert(record)) writer.write(line);
    opts.onProgress?.(input.records);
  }
  return { format, input, written: writer.written, details: {} };
}

function meta(r: EpisodeRecord): Json {
  return { key: r.key, env: r.env.id, seed: r.seed, return: r.totals.return, agent: r.agent.id };
}

/** LMRL-Gym `TextTrajectory`: the first segment is the instructions and opening observation; rewards sit on action segments. */
export function toLmrl(r: EpisodeRecord): Json {
  const text_history: { text: string; is_action: boolean }[] = [
    { text: `${r.initialObservation.instructions}\n\n${r.initialObservation.text}`, is_action: false },
  ];
  const reward: number[] = [0];
  for (const t of r.turns) {
    text_history.push({ text: t.action, is_action: true });
    reward.push(t.reward);
    text_history.push({ text: t.observation, is_action: false });
    reward.push(0);
  }
  return { text_history, reward, done: endedNaturally(r), meta: meta(r) };
}

export function toTransitions(r: EpisodeRecord, gamma: number): Json[] {
  const rewards = r.turns.map((t) => t.reward);
  const rtg = returnsToGo(rewards, 1);
  const mc = returnsToGo(rewards, gamma);
  const last = r.turns.length - 1;
  const natural = endedNaturally(r);
  return r.turns.map((t, i) => ({
    key: r.key,
    env: r.env.id,
    t: i,
    state: stateText(r, i),
    action: t.action,
    reward: t.reward,
    next_state: stateText(r, i + 1),
    done: i === last && natural,
    truncated: i === last && !natural,
    invalid: t.invalidAction !== null,
    return_to_go: rtg[i] ?? 0,
    mc_return: mc[i] ?? 0,
    gamma,
  }));
}

/**
 * The whole episode as one chat, every assistant turn a training target (TRL `SFTTrainer` with
 * `assistant_only_loss=True` trains on all of them and has no per-message weight). An invalid
 * action is therefore left out together with the feedback that answered it: it changed nothing in
 * the episode, so the chat without the pair is the same conversation minus a mistake. Returns
 * undefined when no valid action is left.
 */
export function toSft(r: EpisodeRecord): Json | undefined {
  const messages: Json[] = messagesBefore(r, 0);
  for (const t of r.turns) {
    if (t.invalidAction) continue;
    messages.push({ role: 'assistant', content: t.action });
    messages.push({ role: 'user', content: t.observation });
  }
  // A chat for training ends on the assistant: the final observation teaches nothing.
  if (messages.length > 2 && messages[messages.length - 1].role === 'user') messages.pop();
  if (!messages.some((m) => m.role === 'assistant')) return undefined;
  return { messages };
}

/**
 * Filtered behaviour cloning: keeps exactly ceil(p % × episodes) episodes with the highest returns.
 * Pass 1 reads the returns (one float each) to find the threshold; ties at the threshold are kept
 * in file order until the quota is met, so the output is deterministic.
 */
async function exportSft(inPath: string, writer: TypedJsonlWriter, topPercent: number, opts: ExportOptions): Promise<ExportSummary> {
  let keepAll = topPercent >= 100;
  let threshold = Number.NEGATIVE_INFINITY;
  let tiesQuota = Number.POSITIVE_INFINITY;
  let total = 0;
  let quota = 0;
  if (!keepAll) {
    const returns: number[] = [];
    for await (const { record } of readRecords(inPath)) returns.push(record.totals.return);
    total = returns.length;
    quota = Math.ceil((topPercent / 100) * total);
    if (quota >= total) keepAll = true;
    else if (quota > 0) {
      const sorted = Float64Array.from(returns).sort().reverse();
      threshold = sorted[quota - 1] ?? Number.NEGATIVE_INFINITY;
      let above = 0;
      for (const x of sorted) if (x > threshold) above += 1;
      tiesQuota = quota - above;
    }
  }
  const input = emptyInputStats();
  let kept = 0;
  let invalidDropped = 0;
  let noValidAction = 0;
  for await (const { record } of readRecords(inPath, input)) {
    opts.onProgress?.(input.records);
    const ret = record.totals.return;
    if (!keepAll) {
      if (quota === 0 || ret < threshold) continue;
      if (ret === threshold) {
        if (tiesQuota <= 0) continue;
        tiesQuota -= 1;
      }
    }
    const line = toSft(record);
    if (!line) {
      noValidAction += 1;
      continue;
    }
    invalidDropped += record.totals.invalidActions;
    writer.write(line);
    kept += 1;
  }
  return {
    format: 'sft',
    input,
    written: writer.written,
    details: { topPercent, keptEpisodes: kept, returnThreshold: keepAll ? null : threshold, invalidActionsDropped: invalidDropped, episodesWithoutValidAction: noValidAction },
  };
}

// ------------------------------------------------------------------------------------------------
// DPO

interface HindsightSource {
  kind: 'hindsight';
  sourceKey: string;
  branchTurn: number;
  originalAction: string;
  replacementAction: string;
  rewardBefore: number;
  rewardAfter: number;
}

function hindsightSource(r: EpisodeRecord): HindsightSource | undefined {
  const s = r.source as HindsightSource | null;
  if (!s || typeof s !== 'object' || s.kind !== 'hindsight') return undefined;
  if (typeof s.branchTurn !== 'number' || typeof s.rewardBefore !== 'number' || typeof s.rewardAfter !== 'number') return undefined;
  return s;
}

/** Compact identity of a record's starting point and of each prefix, for finding sampled branches. */
interface Digest {
  lineNo: number;
  key: string;
  ret: number;
  /** prefix[i] = digest of turns 0..i-1 (actions and observations); prefix[0] = the start. */
  prefix: string[];
  /** action digest of each turn. */
  action: string[];
}

const h = (s: string): string => createHash('sha1').update(s).digest('base64').slice(0, 16);

function digest(lineNo: number, r: EpisodeRecord): { group: string; d: Digest } {
  const start = h(
    JSON.stringify([r.env.id, r.env.version, r.env.kwargs, r.seed, r.scenario, r.simulator.kind, r.initialObservation.text]),
  );
  const prefix = [start];
  const action: string[] = [];
  let acc = start;
  for (const t of r.turns) {
    action.push(h(t.action));
    acc = h(`${acc}\u0000${t.action}\u0000${t.observation}`);
    prefix.push(acc);
  }
  return { group: start, d: { lineNo, key: r.key, ret: r.totals.return, prefix, action } };
}

interface PairPlan {
  chosen: number;
  rejected: number;
  turn: number;
  chosenKey: string;
  rejectedKey: string;
  chosenReturn: number;
  rejectedReturn: number;
}

/**
 * Preference pairs from trajectories that share a prefix and differ in return.
 * - Hindsight branches (records whose `source.kind` is 'hindsight') pair with their source turn
 *   directly: the prompt is the branch's own prefix, the two replies are the replacement and the
 *   original utterance, ordered by reward after vs before.
 * - Other records that start from the same seed and scenario are *sampled branches*: for two of
 *   them with identical turns up to k and different actions at k, the higher-return one is chosen.
 *   Pass 1 keeps only digests; pass 2 reads the needed records again.
 */
async function exportDpo(inPath: string, writer: TypedJsonlWriter, opts: ExportOptions): Promise<ExportSummary> {
  const margin = opts.margin ?? 1e-9;
  const maxPerGroup = opts.maxPairsPerGroup ?? 8;
  const withMeta = opts.withMeta ?? false;
  const input = emptyInputStats();
  const groups = new Map<string, Digest[]>();
  let hindsightPairs = 0;
  let hindsightTies = 0;
  for await (const { lineNo, record } of readRecords(inPath, input)) {
    opts.onProgress?.(input.records);
    const hs = hindsightSource(record);
    if (hs) {
      const diff = hs.rewardAfter - hs.rewardBefore;
      if (Math.abs(diff) <= margin || hs.originalAction === hs.replacementAction) {
        hindsightTies += 1;
        continue;
      }
      const better = diff > 0;
      const line: Json = {
        prompt: messagesBefore(record, hs.branchTurn),
        chosen: [{ role: 'assistant', content: better ? hs.replacementAction : hs.originalAction }],
        rejected: [{ role: 'assistant', content: better ? hs.originalAction : hs.replacementAction }],
      };
      if (withMeta) {
        line.meta = {
          chosenKey: better ? record.key : hs.sourceKey,
          rejectedKey: better ? hs.sourceKey : record.key,
          turn: hs.branchTurn,
          chosenReturn: better ? hs.rewardAfter : hs.rewardBefore,
          rejectedReturn: better ? hs.rewardBefore : hs.rewardAfter,
          origin: 'hindsight',
        };
      }
      writer.write(line);
      hindsightPairs += 1;
      continue;
    }
    const { group, d } = digest(lineNo, record);
    let list = groups.get(group);
    if (!list) {
      list = [];
      groups.set(group, list);
    }
    list.push(d);
  }

  const plans: PairPlan[] = [];
  for (const list of groups.values()) {
    if (list.length < 2) continue;
    let made = 0;
    for (let i = 0; i < list.length && made < maxPerGroup; i++) {
      for (let j = i + 1; j < list.length && made < maxPerGroup; j++) {
        const a = list[i] as Digest;
        const b = list[j] as Digest;
        if (Math.abs(a.ret - b.ret) <= margin) continue;
        const k = divergence(a, b);
        if (k < 0) continue;
        const [hi, lo] = a.ret > b.ret ? [a, b] : [b, a];
        plans.push({
          chosen: hi.lineNo,
          rejected: lo.lineNo,
          turn: k,
          chosenKey: hi.key,
          rejectedKey: lo.key,
          chosenReturn: hi.ret,
          rejectedReturn: lo.ret,
        });
        made += 1;
      }
    }
  }
  groups.clear();

  if (plans.length > 0) {
    // Pass 2: collect the prompt and the two actions each plan needs, emitting a pair as soon as both sides are read.
    const needs = new Map<number, PairPlan[]>();
    for (const p of plans) {
      for (const line of [p.chosen, p.rejected]) {
        const l = needs.get(line) ?? [];
        l.push(p);
        needs.set(line, l);
      }
    }
    const partial = new Map<PairPlan, { prompt?: Json; chosen?: string; rejected?: string }>();
    for await (const { lineNo, record } of readRecords(inPath)) {
      const ps = needs.get(lineNo);
      if (!ps) continue;
      for (const p of ps) {
        const part = partial.get(p) ?? {};
        const action = record.turns[p.turn]?.action ?? '';
        if (lineNo === p.chosen) {
          part.chosen = action;
          part.prompt = messagesBefore(record, p.turn);
        } else part.rejected = action;
        if (part.chosen !== undefined && part.rejected !== undefined && part.prompt !== undefined) {
          const line: Json = {
            prompt: part.prompt,
            chosen: [{ role: 'assistant', content: part.chosen }],
            rejected: [{ role: 'assistant', content: part.rejected }],
          };
          if (withMeta) {
            line.meta = {
              chosenKey: p.chosenKey,
              rejectedKey: p.rejectedKey,
              turn: p.turn,
              chosenReturn: roundReward(p.chosenReturn),
              rejectedReturn: roundReward(p.rejectedReturn),
              origin: 'sampled',
            };
          }
          writer.write(line);
          partial.delete(p);
        } else partial.set(p, part);
      }
    }
  }
  return {
    format: 'dpo',
    input,
    written: writer.written,
    details: { hindsightPairs, hindsightTies, sampledPairs: plans.length },
  };
}

/** First turn where the two records act differently after an identical history, or -1. */
function divergence(a: Digest, b: Digest): number {
  const n = Math.min(a.action.length, b.action.length);
  for (let k = 0; k < n; k++) {
    if (a.prefix[k] !== b.prefix[k]) return -1;
    if (a.action[k] !== b.action[k]) return k;
  }
  return -1;
}
