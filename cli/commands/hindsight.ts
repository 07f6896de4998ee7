/**
 * `dialogym hindsight`: hindsight regeneration of episode records (Hong et al. 2024). See
 * the README.
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ConfigError } from '../../core/errors.js';
import type { SimulatorConfig } from '../../core/types.js';
import { countLines } from '../../datasets/count-lines.js';
import { CONTROLLER_NAMES, makeController } from '../../datasets/hindsight/controllers/index.js';
import { hindsightFile } from '../../datasets/hindsight/engine.js';
import type { HindsightController } from '../../datasets/hindsight/types.js';
import { addLlmOptions, type LlmCliOptions, setupLlm } from '../llm-options.js';
import { progressBar } from '../progress.js';
import { positiveInt } from '../run.js';

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
    .option('--max-branches <n>', 'branches per source record', positiveInt('--max-branches'), 2)
    .option('--with-baselines', "also write each source's replay under the simulator (key <source>/baseline)")
    .option('--only-improved', 'write only branches whose reward beats the baseline (statistics still cover all)')
    .option('--limit <n>', 'only the first n source records', positiveInt('--limit'))
    .option('--concurrency <n>', 'source records processed at once (LLM controller or simulator)', positiveInt('--concurrency'), 1)
    .option('--summary <file>', 'also write the summary statistics as JSON')
    .option('--no-progress', 'no progress bar');
  addLlmOptions(cmd).action(async (f: HindsightFlags) => {
    const needController = f.controller === 'llm';
    const needSim = f.sim === 'llm';
    if (!(CONTROLLER_NAMES as readonly string[]).includes(f.controller)) {
      throw new ConfigError(`unknown --controller '${f.controller}' (known: ${CONTROLLER_NAMES.join(', ')})`);
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
    const total = f.progress ? await countLines(f.in) : 0;
    const bar = f.progress ? progressBar(f.limit ? Math.min(f.limit, total) : total, 'hindsight') : undefined;
    let last = 0;
    const t0 = performance.now();
    try {
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
        onProgress: (n) => {
          bar?.tick(n - last);
          last = n;
        },
      });
      bar?.stop();
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
      if (res.input.notJson + res.input.invalidRecords > 0) lines.push(`  skipped ${res.input.notJson + res.input.invalidRecords} bad input line(s)`);
      if (llm) lines.push(`  ${llm.describe()}`);
      process.stdout.write(`${lines.join('\n')}\n`);
      if (f.summary) writeFileSync(f.summary, `${JSON.stringify({ input: res.input, written: res.written, ...s }, null, 2)}\n`);
    } finally {
      bar?.stop();
    }
  });
}
