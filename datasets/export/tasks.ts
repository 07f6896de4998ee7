/**
 * `export --format tasks`: prompt-only rows for online RL. Each row is one task of an evaluation
 * split (`dev` or `test`, eval/splits.ts): the chat the policy starts from (the env's instructions
 * as the system message, its first observation as the user message, exactly as `dialogym serve`
 * sends them at reset) and the fields that rebuild the episode on the server: env id, seed, split,
 * task index, and `info`, a JSON string with the env version, kwargs, simulator and step limit.
 *
 * Rows carry nothing hidden: the scenario follows from the seed on the server and never appears.
 * The rows are built with the scripted simulator, whose first observation is fixed by the seed;
 * with an LLM simulator the opening may depend on the LLM, so it is not exported (docs/datasets.md).
 */
import { ConfigError } from '../../core/errors.js';
import { getRegistration, listEnvs, make } from '../../core/registry.js';
import type { Json } from '../../core/types.js';
import { type SplitName, splitSeeds } from '../../eval/splits.js';
import { emptyInputStats } from '../records-io.js';
import type { ExportSummary } from './index.js';
import { tasksSchema } from './schemas.js';
import { TypedJsonlWriter } from './typed-json.js';

export interface TaskExportOptions {
  /** An env id, or `all` for every env not tagged test or legacy. */
  env: string;
  /** Replace an existing output (refused otherwise). */
  force?: boolean;
  split: SplitName;
  /** Tasks per env. */
  count: number;
  /** Index of the first task (default 0): rows `start .. start+count-1`. */
  start?: number;
  /** Env kwargs over the registered defaults (recorded in `info`, sent at reset). */
  kwargs?: Record<string, Json>;
  maxEpisodeSteps?: number;
  onProgress?: (done: number) => void;
}

export interface TaskRow {
  prompt: { role: 'system' | 'user'; content: string }[];
  env_id: string;
  seed: number;
  split: string | null;
  task_index: number | null;
  info: string;
}

export function taskEnvIds(env: string): string[] {
  if (env === 'all') return listEnvs().map((r) => r.id);
  getRegistration(env);
  return [env];
}

export async function exportTasks(outPath: string, opts: TaskExportOptions): Promise<ExportSummary> {
  if (!Number.isInteger(opts.count) || opts.count <= 0) throw new ConfigError(`--tasks must be a positive integer, got ${opts.count}`);
  const start = opts.start ?? 0;
  if (!Number.isInteger(start) || start < 0) throw new ConfigError(`--task-start must be a non-negative integer, got ${opts.start}`);
  const envIds = taskEnvIds(opts.env);
  const writer = new TypedJsonlWriter(outPath, tasksSchema, { force: opts.force });
  let done = 0;
  try {
    for (const envId of envIds) {
      const env = make(envId, { kwargs: opts.kwargs, simulator: { kind: 'scripted' }, maxEpisodeSteps: opts.maxEpisodeSteps });
      try {
        const seeds = splitSeeds(envId, opts.split, start + opts.count);
        for (let i = start; i < start + opts.count; i++) {
          const seed = seeds[i] as number;
          const { observation } = await env.reset({ seed });
          const row: TaskRow = {
            prompt: [
              { role: 'system', content: observation.instructions },
              { role: 'user', content: observation.newText },
            ],
            env_id: envId,
            seed,
            split: opts.split,
            task_index: i,
            info: JSON.stringify({
              env_id: envId,
              env_version: env.spec.version,
              seed,
              split: opts.split,
              task_index: i,
              kwargs: opts.kwargs ?? {},
              sim: 'scripted',
              max_episode_steps: opts.maxEpisodeSteps ?? null,
            }),
          };
          writer.write(row);
          done += 1;
          opts.onProgress?.(done);
        }
      } finally {
        await env.close();
      }
    }
    writer.commit();
  } finally {
    writer.close();
  }
  return {
    format: 'tasks',
    input: emptyInputStats(),
    written: writer.written,
    details: { envs: envIds.join(','), split: opts.split, firstTask: start, tasksPerEnv: opts.count },
  };
}
