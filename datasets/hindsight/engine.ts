/**
 * The hindsight engine: for each source record, replay its agent actions under the chosen
 * simulator (the *baseline*), ask a controller where and what to change, then for each proposal
 * return the env to the state just before that turn by replaying the prefix from the record
 * (same seed, same scenario, same actions), play the replacement, and let a continuation policy
 * finish the dialogue. Every branch is a normal episode record whose `source` carries provenance.
 *
 * Continuations: `replay` plays the source's remaining actions after the replacement (the only
 * change is the replaced turn, so the reward difference is the effect of that one turn); any
 * agent name (e.g. `expert`) plays from the replacement on. When a replay runs out of actions
 * before the episode ends, the env's `expert` finishes it if the env registers one.
 */
import { createAgent } from '../../agents/registry.js';
import type { Agent, AgentEpisodeContext } from '../../agents/types.js';
import { ReplayExhausted } from '../../agents/replay.js';
import { ConfigError } from '../../core/errors.js';
import { JsonlOutput } from '../../core/output.js';
import { type EpisodeRecord, recordedActions } from '../../core/record.js';
import { getRegistration, make } from '../../core/registry.js';
import { runEpisode } from '../../core/rollout.js';
import type { Env, Observation, SimulatorConfig, } from '../../core/types.js';
import type { LlmProvider } from '../../simulators/types.js';
import { assertReadable, emptyInputStats, type InputStats, readRecords } from '../records-io.js';
import type { BranchProposal, DecisionPoint, HindsightController, HindsightProvenance } from './types.js';

export interface HindsightOptions {
  controller: HindsightController | ((envId: string) => HindsightController);
  /** Simulator of baseline and branches; default: the record's when the env has that kind, else scripted. */
  simulator?: SimulatorConfig;
  /** `replay` (default) or an agent name. */
  continuation?: string;
  /** Proposals used per record (default 2). */
  maxBranches?: number;
  simLlm?: LlmProvider;
  agentLlm?: LlmProvider;
}

export interface RegenerateResult {
  baseline: EpisodeRecord;
  branches: EpisodeRecord[];
  /** Proposals that could not be played (the replayed prefix ended before the branch turn ...). */
  dropped: { proposal: BranchProposal; reason: string }[];
}

/** Plays `script` in order, then hands over to `then` (or fails like a replay that ran out). */
class ScriptThenAgent implements Agent {
  readonly id = 'hindsight-branch';
  private i = 0;
  constructor(
    private readonly script: readonly string[],
    private readonly then: Agent | undefined,
  ) {}
  async reset(ctx: AgentEpisodeContext): Promise<void> {
    this.i = 0;
    await this.then?.reset?.(ctx);
  }
  act(obs: Observation, reward: number): string | Promise<string> {
    const a = this.script[this.i];
    this.i += 1;
    if (a !== undefined) return a;
    if (!this.then) throw new ReplayExhausted(this.script.length);
    return this.then.act(obs, reward);
  }
  takeUsage() {
    return this.then?.takeUsage?.();
  }
}

export function resolveSimulator(rec: EpisodeRecord, wanted?: SimulatorConfig): SimulatorConfig {
  if (wanted) return wanted;
  const kinds = getRegistration(rec.env.id).simulatorKinds ?? ['scripted'];
  return kinds.includes(rec.simulator.kind) ? rec.simulator : { kind: 'scripted' };
}

function hasAgent(envId: string, name: string): boolean {
  return Boolean(getRegistration(envId).agents?.[name]);
}

export class HindsightEngine {
  private readonly continuation: string;
  private readonly maxBranches: number;

  constructor(private readonly opts: HindsightOptions) {
    this.continuation = opts.continuation ?? 'replay';
    this.maxBranches = opts.maxBranches ?? 2;
    if (!(this.maxBranches >= 1)) throw new ConfigError('--max-branches must be at least 1');
  }

  private makeEnv(rec: EpisodeRecord, simulator: SimulatorConfig): Env {
    return make(rec.env.id, {
      kwargs: rec.env.kwargs,
      simulator,
      llm: this.opts.simLlm,
      maxEpisodeSteps: rec.env.maxEpisodeSteps ?? 0,
    });
  }

  /** The agent that finishes a replay that ran out: the env's expert when it has one. */
  private fallback(envId: string): Agent | undefined {
    return hasAgent(envId, 'expert') ? createAgent('expert', { envId, llm: this.opts.agentLlm }) : undefined;
  }

  private async play(rec: EpisodeRecord, simulator: SimulatorConfig, agent: Agent, key: string): Promise<EpisodeRecord> {
    const env = this.makeEnv(rec, simulator);
    try {
      return await runEpisode({
        env,
        agent,
        seed: rec.seed,
        key,
        scenario: rec.scenario,
        maxSteps: rec.turns.length + 200,
      });
    } finally {
      await agent.close?.();
      await env.close();
    }
  }

  /** The source's actions under `simulator` (then the env's expert if they run out). */
  async baseline(rec: EpisodeRecord, simulator = resolveSimulator(rec, this.opts.simulator)): Promise<EpisodeRecord> {
    const actions = recordedActions(rec);
    const out = await this.play(rec, simulator, new ScriptThenAgent(actions, this.fallback(rec.env.id)), `${rec.key}/baseline`);
    out.agent = rec.agent;
    out.source = { kind: 'hindsight-baseline', sourceKey: rec.key, sourceOrigin: rec.source ?? null, simulator };
    return out;
  }

  /** Replays `baseline`'s actions and yields the observation before each of them. */
  async *decisionPoints(baseline: EpisodeRecord, simulator: SimulatorConfig): AsyncGenerator<DecisionPoint> {
    const env = this.makeEnv(baseline, simulator);
    try {
      let { observation, info } = await env.reset({ seed: baseline.seed, options: { scenario: baseline.scenario } });
      let reward = 0;
      for (const [t, turn] of baseline.turns.entries()) {
        yield { turn: t, observation, reward, info, action: turn.action };
        const r = await env.step(turn.action);
        if (r.terminated || r.truncated) return;
        observation = r.observation;
        reward = r.reward;
        info = r.info;
      }
    } finally {
      await env.close();
    }
  }

  controllerFor(envId: string): HindsightController {
    const c = this.opts.controller;
    return typeof c === 'function' ? c(envId) : c;
  }

  async regenerate(rec: EpisodeRecord): Promise<RegenerateResult> {
    const simulator = resolveSimulator(rec, this.opts.simulator);
    const baseline = await this.baseline(rec, simulator);
    const controller = this.controllerFor(rec.env.id);
    const proposals = await controller.propose({
      source: rec,
      baseline,
      decisionPoints: () => this.decisionPoints(baseline, simulator),
      maxBranches: this.maxBranches,
    });
    const branches: EpisodeRecord[] = [];
    const dropped: RegenerateResult['dropped'] = [];
    const actions = recordedActions(baseline);
    const seen = new Set<string>();
    for (const p of proposals.slice(0, this.maxBranches)) {
      const original = actions[p.turn];
      if (!Number.isInteger(p.turn) || original === undefined) {
        dropped.push({ proposal: p, reason: `turn ${p.turn} is not an agent turn of the replayed dialogue` });
        continue;
      }
      if (p.replacement === original) {
        dropped.push({ proposal: p, reason: 'replacement equals the original action' });
        continue;
      }
      const id = `${p.turn}\u0000${p.replacement}`;
      if (seen.has(id)) {
        dropped.push({ proposal: p, reason: 'duplicate proposal' });
        continue;
      }
      seen.add(id);
      const prefix = [...actions.slice(0, p.turn), p.replacement];
      const agent =
        this.continuation === 'replay'
          ? new ScriptThenAgent([...prefix, ...actions.slice(p.turn + 1)], this.fallback(rec.env.id))
          : new ScriptThenAgent(prefix, createAgent(this.continuation, { envId: rec.env.id, llm: this.opts.agentLlm }));
      const key = `${rec.key}/hindsight/${branches.length}-t${p.turn}`;
      const branch = await this.play(rec, simulator, agent, key);
      if (branch.turns[p.turn]?.action !== p.replacement) {
        dropped.push({ proposal: p, reason: 'the replayed prefix ended before the branch turn' });
        continue;
      }
      branch.agent = {
        id: `hindsight:${controller.id}`,
        config: { controller: controller.id, continuation: this.continuation, sourceAgent: rec.agent },
      };
      const provenance: HindsightProvenance = {
        kind: 'hindsight',
        controller: controller.id,
        rule: p.rule,
        sourceKey: rec.key,
        sourceOrigin: rec.source ?? null,
        branchTurn: p.turn,
        originalAction: typeof original === 'string' ? original : '',
        replacementAction: p.replacement,
        rationale: p.rationale,
        continuation: this.continuation,
        simulator,
        sourceReturn: rec.totals.return,
        rewardBefore: baseline.totals.return,
        rewardAfter: branch.totals.return,
      };
      branch.source = provenance;
      branches.push(branch);
    }
    return { baseline, branches, dropped };
  }
}

/** Paired statistics of branches against their baselines. */
export class HindsightStats {
  records = 0;
  recordsWithBranches = 0;
  branches = 0;
  dropped = 0;
  improved = 0;
  worse = 0;
  unchanged = 0;
  private sumBefore = 0;
  private sumAfter = 0;
  private sumSqDelta = 0;
  /** Mean over dialogues of (mean branch reward − baseline reward). */
  private sumDialogueDelta = 0;
  readonly byRule: Record<string, { n: number; sumDelta: number; improved: number }> = {};

  add(res: RegenerateResult): void {
    this.records += 1;
    this.dropped += res.dropped.length;
    if (res.branches.length === 0) return;
    this.recordsWithBranches += 1;
    let dialogueDelta = 0;
    for (const b of res.branches) {
      const p = b.source as HindsightProvenance;
      const d = p.rewardAfter - p.rewardBefore;
      this.branches += 1;
      this.sumBefore += p.rewardBefore;
      this.sumAfter += p.rewardAfter;
      this.sumSqDelta += d * d;
      dialogueDelta += d;
      if (d > 1e-9) this.improved += 1;
      else if (d < -1e-9) this.worse += 1;
      else this.unchanged += 1;
      const r = this.byRule[p.rule] ?? { n: 0, sumDelta: 0, improved: 0 };
      this.byRule[p.rule] = r;
      r.n += 1;
      r.sumDelta += d;
      if (d > 1e-9) r.improved += 1;
    }
    this.sumDialogueDelta += dialogueDelta / res.branches.length;
  }

  summary() {
    const n = this.branches;
    const meanBefore = n ? this.sumBefore / n : null;
    const meanAfter = n ? this.sumAfter / n : null;
    const meanDelta = n ? (this.sumAfter - this.sumBefore) / n : null;
    const variance = n > 1 && meanDelta !== null ? (this.sumSqDelta - n * meanDelta * meanDelta) / (n - 1) : null;
    const se = variance !== null ? Math.sqrt(Math.max(0, variance) / n) : null;
    const byRule: Record<string, { branches: number; meanDelta: number; improved: number }> = {};
    for (const [k, v] of Object.entries(this.byRule)) byRule[k] = { branches: v.n, meanDelta: v.sumDelta / v.n, improved: v.improved };
    return {
      records: this.records,
      recordsWithBranches: this.recordsWithBranches,
      branches: n,
      dropped: this.dropped,
      improved: this.improved,
      worse: this.worse,
      unchanged: this.unchanged,
      meanBefore,
      meanAfter,
      meanDelta,
      /** Normal-approximation 95 % interval of the mean paired difference. */
      meanDeltaCi95: se !== null && meanDelta !== null ? [meanDelta - 1.96 * se, meanDelta + 1.96 * se] : null,
      meanDialogueDelta: this.recordsWithBranches ? this.sumDialogueDelta / this.recordsWithBranches : null,
      byRule,
    };
  }
}

export interface HindsightFileOptions extends HindsightOptions {
  /** Also write each source's baseline replay (key `<source>/baseline`), e.g. for sampled DPO pairs. */
  withBaselines?: boolean;
  /** Records handled at once (LLM controllers and simulators); output stays in input order. */
  concurrency?: number;
  /** Stop after this many source records. */
  limit?: number;
  /** Write only branches that beat their baseline (statistics still cover every branch). */
  onlyImproved?: boolean;
  onProgress?: (records: number) => void;
  /** Replace an existing output (refused otherwise). */
  force?: boolean;
}

export interface HindsightFileSummary {
  input: InputStats;
  written: number;
  stats: ReturnType<HindsightStats['summary']>;
}

/** Streams `inPath` through the engine into `outPath`, in input order. */
export async function hindsightFile(inPath: string, outPath: string, opts: HindsightFileOptions): Promise<HindsightFileSummary> {
  assertReadable(inPath);
  const engine = new HindsightEngine(opts);
  const stats = new HindsightStats();
  const input = emptyInputStats();
  // Written to a temporary file beside the output, renamed over it only when the run succeeded.
  const writer = await JsonlOutput.open(outPath, { inputs: [{ path: inPath, flag: '--in' }], force: opts.force });
  const concurrency = Math.max(1, opts.concurrency ?? 1);
  let batch: EpisodeRecord[] = [];
  const flush = async () => {
    const results = await Promise.all(batch.map((r) => engine.regenerate(r)));
    for (const res of results) {
      stats.add(res);
      if (opts.withBaselines) writer.write(res.baseline);
      for (const b of res.branches) {
        const p = b.source as HindsightProvenance;
        if (!opts.onlyImproved || p.rewardAfter > p.rewardBefore + 1e-9) writer.write(b);
      }
    }
    batch = [];
    opts.onProgress?.(stats.records);
  };
  try {
    for await (const { record } of readRecords(inPath, input)) {
      if (opts.limit !== undefined && input.records > opts.limit) break;
      batch.push(record);
      if (batch.length >= concurrency) await flush();
    }
    if (batch.length) await flush();
    writer.commit();
  } finally {
    writer.close();
  }
  return { input, written: writer.written, stats: stats.summary() };
}
