import type { Command } from 'commander';
import { HumanAgent } from '../../agents/human.js';
import { ConfigError } from '../../core/errors.js';
import { checkOutput, JsonlOutput } from '../../core/output.js';
import { getRegistration, make } from '../../core/registry.js';
import { expectedIdentity, recordResumeCheck } from '../../core/resume.js';
import { runEpisode } from '../../core/rollout.js';
import { addLlmOptions, type LlmCliOptions, setupLlm } from '../llm-options.js';
import { addOutputFlags, seedArg } from '../run.js';

interface PlayFlags extends LlmCliOptions {
  seed: number;
  sim: string;
  out?: string;
  reveal?: boolean;
  resume?: boolean;
  force?: boolean;
}

export function register(program: Command): void {
  const cmd = addLlmOptions(program.command('play'))
    .description('Play an environment yourself in the terminal against its simulator (Ctrl-D ends)')
    .argument('<env-id>', 'environment id')
    .option('--seed <n>', 'episode seed (0 to 2^31-1)', seedArg('--seed'), 0)
    .option('--sim <kind>', 'user simulator', 'scripted')
    .option('--out <file>', 'write the episode record to this JSONL file (--resume adds it to an existing file of this env)')
    .option('--reveal', "after the episode ends, print the env's full render, hidden scenario included");
  addOutputFlags(cmd, { resumable: true }).action(async (envId: string, opts: PlayFlags) => {
    getRegistration(envId);
    // Checked before the game: nobody should play a whole episode to learn the file is refused.
    if (opts.out) checkOutput(opts.out, { force: opts.force, resume: opts.resume, resumable: true });
    const llm = opts.sim === 'llm' ? await setupLlm(opts, { sim: true, agent: false }) : undefined;
    const makeOptions = { simulator: llm?.simulator ?? { kind: opts.sim }, llm: llm?.sim };
    const agent = new HumanAgent();
    let out: JsonlOutput | undefined;
    if (opts.out) {
      // A file of plays of this env (same version, kwargs and simulator) may grow with --resume.
      const identity = await expectedIdentity(envId, makeOptions, agent);
      const resumeCheck = recordResumeCheck({ file: opts.out, expected: () => identity });
      out = await JsonlOutput.open(opts.out, { force: opts.force, resume: opts.resume, resumable: true, check: resumeCheck.check });
      if (resumeCheck.keys.has(`${envId}/human/${opts.seed}`)) {
        out.close();
        throw new ConfigError(`${opts.out} already holds a play of seed ${opts.seed}; choose another --seed`);
      }
    }
    const env = make(envId, makeOptions);
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
      if (out) {
        out.write(rec);
        out.commit();
        process.stdout.write(`record written to ${opts.out}${out.resumed ? ` (${out.resumed + 1} episodes in the file)` : ''}\n`);
      }
    } finally {
      out?.close();
      agent.close();
      await env.close();
    }
  });
}
