/**
 * Running one planned episode of a generate config, shared by the worker threads and the
 * in-process path. Env instances are reused per job (through `reset`), agents are made per job and
 * reset per episode by the orchestrator.
 */
import { createAgent } from '../../agents/registry.js';
import type { Agent } from '../../agents/types.js';
import type { EpisodeRecord } from '../../core/record.js';
import { make } from '../../core/registry.js';
import { runEpisode } from '../../core/rollout.js';
import type { Env } from '../../core/types.js';
import type { LlmProvider } from '../../simulators/types.js';
import { type GenerateConfig, simulatorOf } from './config.js';

export class JobRunner {
  private readonly envs = new Map<number, Env>();
  private readonly agents = new Map<number, Agent>();

  constructor(
    private readonly config: GenerateConfig,
    private readonly llm?: LlmProvider,
  ) {}

  async run(jobIndex: number, seed: number, key: string): Promise<EpisodeRecord> {
    const job = this.config.jobs[jobIndex];
    if (!job) throw new Error(`no job ${jobIndex}`);
    let env = this.envs.get(jobIndex);
    if (!env) {
      env = make(job.env, {
        kwargs: job.kwargs,
        simulator: simulatorOf(job),
        llm: this.llm,
        maxEpisodeSteps: job.maxEpisodeSteps,
      });
      this.envs.set(jobIndex, env);
    }
    let agent = this.agents.get(jobIndex);
    if (!agent) {
      agent = createAgent(job.agent, { envId: job.env, llm: this.llm });
      this.agents.set(jobIndex, agent);
    }
    return runEpisode({ env, agent, seed, key });
  }

  async close(): Promise<void> {
    for (const a of this.agents.values()) await a.close?.();
    for (const e of this.envs.values()) await e.close();
    this.envs.clear();
    this.agents.clear();
  }
}
