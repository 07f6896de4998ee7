/**
 * `dialogym hindsight`: hindsight regeneration of episode records (Hong et al. 2024). See
 * the README.
 */
import type { Command } from 'commander';
import { createAgent } from '../../agents/registry.js';
import { ConfigError } from '../../core/errors.js';
import { MAX_EPISODES } from '../../core/limits.js';
import { AtomicFile, checkOutput } from '../../core/output.js';
import { getRegistration } from '../../core/registry.js';
import type { SimulatorConfig } from '../../core/types.js';
import { checkRecordsInput } from '../../datasets/records-io.js';
import { CONTROLLER_NAMES, makeController } from '../../datasets/hindsight/controllers/index.js';
import { hindsightFile } from '../../datasets/hindsight/engine.js';
import type { HindsightController } from '../../datasets/hindsight/types.js';
import { addLlmOptions, type LlmCliOptions, setupLlm } from '../llm-options.js';
import { progress } from '../progress.js';
import { addOutputFlags, concurrencyArg, positiveInt } from '../run.js';

interface HindsightFlags extends LlmCliOptions {
  in: string;
  out: string;
  controller: string;
  sim?: string;
  continuation: string;
  maxBranches: number;
  withBaselines?: boolean;
  onlyImproved?: boolean;
  limit?: number;
  concurrency: number;
  summary?: string;
  verbose?: boolean;
  force?: boolean;
  progress: boolean;
}

const fmt = (x: number | null | undefined, d = 4) => (x === null || x === undefined ? 'n/a' : x.toFixed(d));

export function register(program: Command): void {
  const cmd = program
    .command('hindsight')
    .description('Hindsight regeneration: branch finished dialogues at turns a controller picks, replay them out, write the branches with provenance')
    .requiredOption('--in <records.jsonl>', 'episode records (generated, or imported human dialogues)')
    .requiredOption('--out <file>', 'output JSONL of regenerated episode records')
    .option('--controller <name>', `${CONTROLLER_NAMES.join(' | ')} (scripted = the env's rules, else expert at the worst turn)`, 'scripted')
    .option('--sim <kind>', "simulator of baselines and branches (default: the record's if the env has it, else scripted)")
    .option('--continuation <policy>', "after the replacement: 'replay' the source's remaining actions, or an agent name (e.g. expert)", 'replay')
    .option('--max-branches <n>', 'branches per source record', positiveInt('--max-branches', 1000), 2)
    .option('--with-baselines', "also write each source's replay under the simulator (key <source>/baseline)")
    .option('--only-improved', 'write only branches whose reward beats the baseline (statistics still cover all)')
    .option('--limit <n>', 'only the first n source records', positiveInt('--limit', MAX_EPISODES))
    .option('--concurrency <n>', 'source records processed at once (LLM controller or simulator)', concurrencyArg('--concurrency'), 1)
    .option('--summary <file>', 'also write the summary statistics as JSON')
    .option('--verbose', 'list every skipped input line')
    .option('--no-progress', 'no progress bar or progress lines');
  addOutputFlags(cmd, { resumable: false });
  addLlmOptions(cmd).action(async (f: HindsightFlags) => {
    const needController = f.controller === 'llm';
    const needSim = f.sim === 'llm';
    if (!(CONTROLLER_NAMES as readonly string[]).includes(f.controller)) {
      throw new ConfigError(`unknown --controller '${f.controller}' (known: ${CONTROLLER_NAMES.join(', ')})`);
    }
    const input = await checkRecordsInput(f.in, {
      requireKnownEnvs: true,
      verbose: f.verbose ? (l) => process.stderr.write(`${l}\n`) : undefined,
    });
    const inputs = [{ path: f.in, flag: '--in' }];
    checkOutput(f.out, { inputs, force: f.force });
    if (f.summary) checkOutput(f.summary, { flag: '--summary', inputs: [...inputs, { path: f.out, flag: '--out' }], force: f.force });
    // Every env of the input must have what this run needs (a controller, the continuation agent)
    // before any output is touched.
    for (const envId of input.envIds) {
      if (f.sim && !(getRegistration(envId).simulatorKinds ?? ['scripted']).includes(f.sim)) {
        throw new ConfigError(`--sim ${f.sim}: ${envId} has no such simulator (available: ${(getRegistration(envId).simulatorKinds ?? []).join(', ')})`);
      }
      if (f.continuation !== 'replay' && f.continuation !== 'llm') createAgent(f.continuation, { envId });
      if (!needController) makeController(f.controller, envId);
    }
    const llm = needController || needSim ? await setupLlm(f, { sim: needSim, agent: needController }) : undefined;
    const simulator: SimulatorConfig | undefined = f.sim ? (needSim ? llm?.simulator : { kind: f.sim }) : undefined;
    const controllers = new Map<string, HindsightController>();
    const controllerFor = (envId: string) => {
      let c = controllers.get(envId);
      if (!c) {
        c = makeController(f.controller, envId, llm?.agent);
        controllers.set(envId, c);
      }
      return c;
    };
    const total = f.limit ? Math.min(f.limit, input.records) : input.records;
    const bar = progress({ label: 'hindsight', total, unit: 'source records', enabled: f.progress });
    let last = 0;
    const t0 = performance.now();
    let summaryFile: AtomicFile | undefined;
    try {
      if (f.summary) summaryFile = AtomicFile.create(f.summary, '--summary');
      const res = await hindsightFile(f.in, f.out, {
        controller: controllerFor,
        simulator,
        continuation: f.continuation,
        maxBranches: f.maxBranches,
        simLlm: llm?.sim,
        agentLlm: llm?.agent,
        withBaselines: f.withBaselines,
        onlyImproved: f.onlyImproved,
        limit: f.limit,
        concurrency: f.concurrency,
        force: f.force,
        onProgress: (n) => {
          bar.tick(n - last);
          last = n;
        },
      });
      bar.stop();
      const s = res.stats;
      const lines = [
        `hindsight (${f.controller}, continuation ${f.continuation}): ${s.records} source record(s) → ${s.branches} branch(es) ` +
          `from ${s.recordsWithBranches} dialogue(s); ${res.written} record(s) written to ${f.out} (${s.dropped} proposal(s) dropped)`,
        `  reward before ${fmt(s.meanBefore)} → after ${fmt(s.meanAfter)}: mean Δ ${fmt(s.meanDelta)}` +
          `${s.meanDeltaCi95 ? ` (95% CI ${fmt(s.meanDeltaCi95[0])} … ${fmt(s.meanDeltaCi95[1])})` : ''} · ` +
          `improved ${s.improved}, worse ${s.worse}, unchanged ${s.unchanged}`,
        ...Object.entries(s.byRule).map(([rule, r]) => `  ${rule}: ${r.branches} branch(es), mean Δ ${fmt(r.meanDelta)}, improved ${r.improved}`),
        `  ${((performance.now() - t0) / 1000).toFixed(1)} s`,
      ];
      const skipped = input.skipped.summary();
      if (skipped) lines.push(`  ${skipped}`);
      if (llm) lines.push(`  ${llm.describe()}`);
      if (summaryFile) {
        summaryFile.write(`${JSON.stringify({ input: res.input, written: res.written, ...s }, null, 2)}\n`);
        summaryFile.commit();
        lines.push(`  summary statistics in ${f.summary}`);
      }
      process.stdout.write(`${lines.join('\n')}\n`);
    } finally {
      bar.stop();
      summaryFile?.abort();
    }
  });
}
