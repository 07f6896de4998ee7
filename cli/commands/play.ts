import type { Command } from 'commander';
import { HumanAgent } from '../../agents/human.js';
import { getRegistration, make } from '../../core/registry.js';
import { runEpisode } from '../../core/rollout.js';
import { JsonlWriter } from '../../core/jsonl.js';
import { addLlmOptions, type LlmCliOptions, setupLlm } from '../llm-options.js';
import { nonNegativeInt } from '../run.js';

export function register(program: Command): void {
  addLlmOptions(program.command('play'))
    .description('Play an environment yourself in the terminal against its simulator (Ctrl-D ends)')
    .argument('<env-id>', 'environment id')
    .option('--seed <n>', 'episode seed', nonNegativeInt('--seed'), 0)
    .option('--sim <kind>', 'user simulator', 'scripted')
    .option('--out <file>', 'append the episode record to this JSONL file')
    .option('--reveal', "after the episode ends, print the env's full render, hidden scenario included")
    .action(async (envId: string, opts: LlmCliOptions & { seed: number; sim: string; out?: string; reveal?: boolean }) => {
      getRegistration(envId);
      const llm = opts.sim === 'llm' ? await setupLlm(opts, { sim: true, agent: false }) : undefined;
      const env = make(envId, { simulator: llm?.simulator ?? { kind: opts.sim }, llm: llm?.sim });
      const agent = new HumanAgent();
      try {
        const rec = await runEpisode({ env, agent, seed: opts.seed, key: `${envId}/human/${opts.seed}` });
        // The agent already showed everything up to its last prompt; an episode that ended on a step
        // has one more observation (the outcome) that nobody has printed yet.
        const last = rec.turns.at(-1);
        if (last?.observation && rec.termination.reason !== 'ended_by_user') process.stdout.write(`${last.observation}\n`);
        process.stdout.write(
          `\n[episode over: ${rec.termination.reason}; return ${rec.totals.return.toFixed(3)} in ${rec.totals.steps} steps]\n`,
        );
        // A player sees the observations and rewards only; the hidden scenario is shown on request,
        // once the episode is over.
        if (opts.reveal) process.stdout.write(`\n${env.render()}\n`);
        if (opts.out) {
          const w = JsonlWriter.open(opts.out, { append: true });
          w.write(rec);
          w.close();
        }
      } finally {
        agent.close();
        await env.close();
      }
    });
}
