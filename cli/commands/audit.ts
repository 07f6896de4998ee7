import { renameSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ConfigError } from '../../core/errors.js';
import { getRegistration, listEnvs } from '../../core/registry.js';
import { type AuditReport, DEFAULT_AUDIT_SEEDS, formatAudit, runAudit } from '../../eval/audit.js';
import { defaultWorkers, EvalPool } from '../../eval/pool.js';
import { progressBar } from '../progress.js';
import { nonNegativeInt, positiveInt } from '../run.js';
import { addLlmOptions, type LlmCliOptions, setupLlm } from '../llm-options.js';

interface AuditFlags extends LlmCliOptions {
  sim: string;
  seeds: number;
  short?: boolean;
  adversary?: string;
  variant?: string;
  json?: string;
  workers: number;
}

export function register(program: Command): void {
  addLlmOptions(
    program
    .command('audit')
    .description(
      'Red-team an environment: random, expert, oracle and every adversary on the same dev seeds, scored 0 (random) to 100 (expert); fails when a trick goes over its limit',
    )
    .argument('<env-id>', "environment id, or 'all' (every env not tagged test or legacy)")
    .option('--seeds <n>', 'seeds (episodes per agent and variant)', positiveInt('--seeds'), DEFAULT_AUDIT_SEEDS)
    .option('--short', "the short audit `npm test` runs (the env's own seed count)")
    .option('--adversary <names>', 'only these adversaries (comma-separated, without adv:)')
    .option('--variant <name>', 'only this variant (e.g. a role)')
    .option('--json <file>', 'also write the report as JSON')
    .option('--workers <n>', 'worker threads (0 = this thread only)', nonNegativeInt('--workers'), defaultWorkers()),
  )
    .option('--sim <kind>', 'user simulator to audit against: scripted, or llm (with the --sim-* endpoint flags)', 'scripted')
    .action(async (envArg: string, opts: AuditFlags) => {
      if (opts.sim !== 'scripted' && opts.sim !== 'llm') throw new ConfigError(`--sim must be scripted or llm, got '${opts.sim}'`);
      const llm = opts.sim === 'llm' ? await setupLlm(opts, { sim: true, agent: false }) : undefined;
      const envIds = envArg === 'all' ? listEnvs().map((r) => r.id) : [envArg];
      for (const id of envIds) {
        if (!getRegistration(id).audit) throw new ConfigError(`${id} has no audit profile`);
      }
      // Worker threads run scripted simulators only; an LLM simulator runs here, its requests in flight concurrently.
      const pool = opts.workers > 0 && !llm ? new EvalPool(opts.workers) : undefined;
      const reports: AuditReport[] = [];
      try {
        for (const envId of envIds) {
          let bar: ReturnType<typeof progressBar> | undefined;
          let last = 0;
          let lastLine = 0;
          const report = await runAudit(envId, {
            seeds: opts.short ? undefined : opts.seeds,
            short: opts.short,
            only: opts.adversary ? opts.adversary.split(',').map((s) => s.trim()).filter(Boolean) : undefined,
            variant: opts.variant,
            pool,
            ...(llm ? { simulator: llm.simulator, simulatorLlm: llm.sim } : {}),
            concurrency: 4,
            onProgress: (done, total, label) => {
              bar ??= progressBar(total, `audit ${envId}`);
              if (done > last) {
                bar.tick(done - last);
                last = done;
              }
              // Plain progress lines when stderr is not a terminal, at most every 10 s.
              if (!process.stderr.isTTY && Date.now() - lastLine > 10_000) {
                lastLine = Date.now();
                process.stderr.write(`audit ${envId}: ${done}/${total} agents (${label})\n`);
              }
            },
          });
          bar?.stop();
          reports.push(report);
          process.stdout.write(`${formatAudit(report)}\n\n`);
        }
      } finally {
        await pool?.close();
      }
      if (opts.json) {
        const tmp = `${opts.json}.tmp-${process.pid}`;
        writeFileSync(tmp, `${JSON.stringify(envArg === 'all' ? reports : reports[0], null, 2)}\n`);
        renameSync(tmp, opts.json);
        process.stderr.write(`audit report written to ${opts.json}\n`);
      }
      if (reports.some((r) => r.failures.length > 0)) process.exitCode = 1;
    });
}
