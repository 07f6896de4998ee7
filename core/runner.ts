/**
 * Runs many episodes concurrently in one process and delivers their records *in job order*, so
 * that output files are identical from run to run whatever the concurrency. Used by `rollout`,
 * `generate` (LLM-bound work), `eval` and the benchmarks.
 *
 * Each concurrency slot keeps one env instance per env id and reuses it through `reset`, so env
 * construction cost is paid once per slot.
 */
import pLimit from 'p-limit';
import { createAgent } from '../agents/registry.js';
import type { Agent } from '../agents/types.js';
import type { EpisodeRecord } from './record.js';
import { type MakeOptions, make } from './registry.js';
import { runEpisode } from './rollout.js';
import { addUsage, emptyUsage, type Env, type Json, type Usage } from './types.js';

export interface EpisodeJob {
  key: string;
  envId: string;
  seed: number;
  agent: string;
  agentOptions?: Record<string, Json>;
  scenario?: Json;
  source?: Json;
}

export interface RunJobsOptions {
  concurrency?: number;
  makeOptions?: MakeOptions;
  /** Agent-side LLM provider for `--agent llm`. */
  agentLlm?: MakeOptions['llm'];
  /** Called once per job, in job order. */
  onRecord: (rec: EpisodeRecord, index: number) => void | Promise<void>;
  /** Return a reason to stop scheduling new episodes (e.g. the LLM endpoint is down). */
  shouldStop?: (rec: EpisodeRecord) => string | undefined;
  /** Makes the agent for a job; defaults to `createAgent(job.agent, ...)`. */
  agentFor?: (job: EpisodeJob) => Agent;
}

export interface RunJobsResult {
  completed: number;
  stoppedBecause?: string;
  /**
   * Episodes cut short by a dead endpoint and not written (a resume redoes them), with the tokens
   * and cost the server was paid for them: the run's summary reports them, since no record does.
   */
  discarded: { episodes: number; usage: { simulator: Usage; agent: Usage } };
}

export async function runJobs(jobs: readonly EpisodeJob[], opts: RunJobsOptions): Promise<RunJobsResult> {
  const concurrency = Math.max(1, opts.concurrency ?? 1);
  const limit = pLimit(concurrency);
  const freeSlots: Map<string, Env>[] = Array.from({ length: concurrency }, () => new Map());
  const pending = new Map<number, EpisodeRecord>();
  let nextToEmit = 0;
  let completed = 0;
  let stoppedBecause: string | undefined;
  let emitting = Promise.resolve();
  const discarded: RunJobsResult['discarded'] = { episodes: 0, usage: { simulator: emptyUsage(), agent: emptyUsage() } };

  const emitReady = async () => {
    while (pending.has(nextToEmit)) {
      const rec = pending.get(nextToEmit) as EpisodeRecord;
      pending.delete(nextToEmit);
      await opts.onRecord(rec, nextToEmit);
      completed += 1;
      nextToEmit += 1;
    }
  };

  let failed = false;
  const runOne = async (job: EpisodeJob, index: number) => {
    // After a failure (a write that failed: disk full) or a stop, queued episodes are not started.
    if (stoppedBecause || failed) return;
    const slot = freeSlots.pop() ?? new Map<string, Env>();
    try {
      let env = slot.get(job.envId);
      if (!env) {
        env = make(job.envId, opts.makeOptions);
        slot.set(job.envId, env);
      }
      const agent =
        opts.agentFor?.(job) ??
        createAgent(job.agent, { envId: job.envId, llm: opts.agentLlm, options: job.agentOptions });
      const rec = await runEpisode({
        env,
        agent,
        seed: job.seed,
        key: job.key,
        scenario: job.scenario,
        source: job.source,
      });
      await agent.close?.();
      const stop = opts.shouldStop?.(rec);
      if (stop) {
        stoppedBecause ??= stop;
        // An episode cut short by a dead endpoint is not written (resume redoes it); what it cost is kept.
        discarded.episodes += 1;
        addUsage(discarded.usage.simulator, { ...rec.usage.simulator, cachedCalls: rec.timings.cachedCalls?.simulator ?? 0 });
        addUsage(discarded.usage.agent, { ...rec.usage.agent, cachedCalls: rec.timings.cachedCalls?.agent ?? 0 });
        return;
      }
      pending.set(index, rec);
      emitting = emitting.then(emitReady);
      try {
        await emitting;
      } catch (err) {
        failed = true;
        throw err;
      }
    } finally {
      freeSlots.push(slot);
    }
  };

  await Promise.all(jobs.map((job, i) => limit(() => runOne(job, i))));
  await emitting;
  for (const slot of freeSlots) for (const env of slot.values()) await env.close();
  return { completed, stoppedBecause, discarded };
}

/** Streaming summary of a run: constant memory whatever the number of episodes. */
export class RunSummary {
  episodes = 0;
  totalReturn = 0;
  steps = 0;
  invalidActions = 0;
  errors = 0;
  readonly errorTypes: Record<string, number> = {};
  readonly usage: Usage = emptyUsage();
  readonly agentUsage: Usage = emptyUsage();

  add(rec: EpisodeRecord): void {
    this.episodes += 1;
    this.totalReturn += rec.totals.return;
    this.steps += rec.totals.steps;
    this.invalidActions += rec.totals.invalidActions;
    if (rec.error) {
      this.errors += 1;
      this.errorTypes[rec.error.type] = (this.errorTypes[rec.error.type] ?? 0) + 1;
    }
    const cached = rec.timings.cachedCalls ?? { simulator: 0, agent: 0 };
    addUsage(this.usage, { ...rec.usage.simulator, cachedCalls: cached.simulator });
    addUsage(this.agentUsage, { ...rec.usage.agent, cachedCalls: cached.agent });
  }

  get meanReturn(): number {
    return this.episodes ? this.totalReturn / this.episodes : 0;
  }

  get invalidActionRate(): number {
    return this.steps ? this.invalidActions / this.steps : 0;
  }

  toJSON() {
    return {
      episodes: this.episodes,
      meanReturn: this.meanReturn,
      steps: this.steps,
      invalidActionRate: this.invalidActionRate,
      errors: this.errors,
      errorTypes: this.errorTypes,
      usage: { simulator: this.usage, agent: this.agentUsage },
    };
  }

  format(wallMs: number): string {
    const tokens =
      this.usage.promptTokens + this.usage.completionTokens + this.agentUsage.promptTokens + this.agentUsage.completionTokens;
    const calls = this.usage.calls + this.agentUsage.calls;
    const cached = this.usage.cachedCalls + this.agentUsage.cachedCalls;
    const parts = [
      `episodes ${this.episodes}`,
      `mean return ${this.meanReturn.toFixed(4)}`,
      `invalid-action rate ${(100 * this.invalidActionRate).toFixed(2)}%`,
      `errors ${this.errors}${this.errors ? ` (${Object.entries(this.errorTypes).map(([k, v]) => `${k}: ${v}`).join(', ')})` : ''}`,
      `time ${(wallMs / 1000).toFixed(2)} s`,
    ];
    if (calls || tokens) parts.push(`LLM calls ${calls} (${cached} cached), tokens ${tokens}`);
    const cost = (this.usage.cost ?? 0) + (this.agentUsage.cost ?? 0);
    if (cost) parts.push(`cost $${cost.toFixed(4)}`);
    return parts.join(' · ');
  }
}
