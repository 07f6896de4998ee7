import type { Command } from 'commander';
import { ConfigError } from '../../core/errors.js';
import { checkOutput, JsonlOutput } from '../../core/output.js';
import type { EpisodeRecord } from '../../core/record.js';
import { getRegistration, make } from '../../core/registry.js';
import { identityOfRecord, recordResumeCheck, type RunIdentity } from '../../core/resume.js';
import { replayRecord } from '../../core/rollout.js';
import { RunSummary } from '../../core/runner.js';
import type { SimulatorConfig } from '../../core/types.js';
import { checkRecordsInput, readRecords } from '../../datasets/records-io.js';
import { addLlmOptions, type LlmCliOptions, setupLlm } from '../llm-options.js';
import { progress } from '../progress.js';
import { addOutputFlags } from '../run.js';

interface ReplayFlags extends LlmCliOptions {
  in: string;
  out: string;
  sim?: string;
  resume?: boolean;
  force?: boolean;
  verbose?: boolean;
  progress: boolean;
}

export function register(program: Command): void {
  const cmd = addLlmOptions(program.command('replay'))
    .description("Replay each record's agent actions against a simulator and write the new records")
    .requiredOption('--in <file>', 'input JSONL of episode records (rollouts, imports)')
    .requiredOption('--out <file>', 'output JSONL (written as <file>.partial until the run completes)')
    .option('--sim <kind>', 'simulator to replay against (default: the one in each record; imports use scripted)')
    .option('--verbose', 'list every skipped input line')
    .option('--no-progress', 'no progress bar or progress lines');
  addOutputFlags(cmd, { resumable: true }).action(async (opts: ReplayFlags) => {
    const input = await checkRecordsInput(opts.in, {
      requireKnownEnvs: true,
      verbose: opts.verbose ? (l) => process.stderr.write(`${l}\n`) : undefined,
    });
    const outFlags = { inputs: [{ path: opts.in, flag: '--in' }], force: opts.force, resume: opts.resume, resumable: true };
    checkOutput(opts.out, outFlags);
    const llm = opts.sim === 'llm' ? await setupLlm(opts, { sim: true, agent: false }) : undefined;
    const simulatorFor = (rec: EpisodeRecord): SimulatorConfig => {
      // Imported human dialogues carry kind 'human'; they are replayed against the scripted simulator.
      const kind = opts.sim ?? (rec.simulator.kind === 'human' ? 'scripted' : rec.simulator.kind);
      if (kind === 'llm' && !llm) {
        throw new ConfigError(`${rec.key} was simulated by an LLM: pass --sim llm with an endpoint to replay it`);
      }
      return kind === 'llm' && llm?.simulator ? llm.simulator : { ...rec.simulator, kind };
    };
    // A resumed file must hold replays of this input under this simulator: the identity each
    // output record must have is that of its source, with this run's simulator and env version.
    const versions = new Map<string, string>();
    const versionOf = async (envId: string) => {
      let v = versions.get(envId);
      if (v === undefined) {
        const env = make(envId);
        v = env.spec.version;
        await env.close();
        versions.set(envId, v);
      }
      return v;
    };
    const expected = new Map<string, RunIdentity>();
    if (opts.resume) {
      for await (const { record } of readRecords(opts.in)) {
        const id = identityOfRecord(record);
        // The env is made with the record's kwargs over the env's defaults (an older record may lack a newer kwarg).
        const reg = getRegistration(record.env.id);
        const kwargs = { ...(reg.defaultKwargs ?? {}), ...(reg.kwargs ?? {}), ...record.env.kwargs };
        expected.set(record.key, { ...id, kwargs, envVersion: await versionOf(record.env.id), simulator: simulatorFor(record) });
      }
    }
    const resumeCheck = recordResumeCheck({ file: opts.out, expected: (rec) => expected.get(rec.key) });
    const out = await JsonlOutput.open(opts.out, { ...outFlags, check: resumeCheck.check });
    const have = resumeCheck.keys;
    const summary = new RunSummary();
    let present = 0;
    const bar = progress({ label: 'replay', total: input.records, enabled: opts.progress, unit: 'records' });
    const t0 = performance.now();
    try {
      for await (const { record: rec } of readRecords(opts.in)) {
        if (have.has(rec.key)) {
          present += 1;
          bar.tick();
          continue;
        }
        const replayed = await replayRecord(rec, {
          simulator: simulatorFor(rec),
          makeOptions: { llm: llm?.sim },
          source: { replayOf: rec.key, originalReturn: rec.totals.return, originalSource: rec.source ?? null },
        });
        out.write(replayed);
        summary.add(replayed);
        bar.tick();
      }
      bar.stop();
      out.commit();
    } finally {
      bar.stop();
      out.close();
    }
    const skipped = input.skipped.summary();
    process.stdout.write(`replayed: ${summary.format(performance.now() - t0)}${present ? ` · resumed (${present} already done)` : ''}\n`);
    if (skipped) process.stdout.write(`${skipped}\n`);
    if (llm) process.stdout.write(`${llm.describe()}\n`);
    process.stdout.write(`wrote ${out.resumed + out.written} episode records to ${opts.out}${out.resumed ? ` (${out.written} new)` : ''}\n`);
  });
}
