import type { Command } from 'commander';
import { ConfigError } from '../../core/errors.js';
import { AtomicFile, checkOutput } from '../../core/output.js';
import { getRegistration, listEnvs } from '../../core/registry.js';
import { type AuditReport, DEFAULT_AUDIT_SEEDS, formatAudit, runAudit } from '../../eval/audit.js';
import { defaultWorkers, EvalPool } from '../../eval/pool.js';
import { addLlmOptions, type LlmCliOptions, setupLlm } from '../llm-options.js';
import { progress, type Progress } from '../progress.js';
import { positiveInt, workersArg } from '../run.js';

interface AuditFlags extends LlmCliOptions {
  sim: string;
  seeds: number;
  short?: boolean;
  adversary?: string;
  variant?: string;
  json?: string;
  force?: boolean;
  workers: number;
  progress: boolean;
}

export function register(program: Command): void {
  addLlmOptions(
    program
      .command('audit')
      .description(
        'Red-team an environment: random, expert, oracle and every adversary on the same dev seeds, scored 0 (random) to 100 (expert); fails when a trick goes over its limit',
      )
      .argument('<env-id>', "environment id, or 'all' (every env not tagged test or legacy)")
      .option('--seeds <n>', 'seeds (episodes per agent and variant)', positiveInt('--seeds', 100_000), DEFAULT_AUDIT_SEEDS)
      .option('--short', "the short audit `npm test` runs (the env's own seed count)")
      .option('--adversary <names>', 'only these adversaries (comma-separated, without adv:)')
      .option('--variant <name>', 'only this variant (e.g. a role)')
      .option('--json <file>', 'also write the report as JSON')
      .option('--force', 'replace an existing --json file (it stays untouched until the audit finished)')
      .option('--workers <n>', 'worker threads (0 = this thread only)', workersArg('--workers'), defaultWorkers())
      .option('--no-progress', 'no progress bar or progress lines'),
  )
    .option('--sim <kind>', 'user simulator to audit against: scripted, or llm (with the --sim-* endpoint flags)', 'scripted')
    .action(async (envArg: string, opts: AuditFlags) => {
      if (opts.sim !== 'scripted' && opts.sim !== 'llm') throw new ConfigError(`--sim must be scripted or llm, got '${opts.sim}'`);
      const envIds = envArg === 'all' ? listEnvs().map((r) => r.id) : [envArg];
      for (const id of envIds) {
        if (!getRegistration(id).audit) throw new ConfigError(`${id} has no audit profile`);
      }
      // The report file is refused if it exists before the endpoint is checked and the audit runs.
      if (opts.json) checkOutput(opts.json, { flag: '--json', force: opts.force });
      const llm = opts.sim === 'llm' ? await setupLlm(opts, { sim: true, agent: false }) : undefined;
      // Claimed (probed for writing) before the audit runs; renamed into place when it is complete.
      const jsonFile = opts.json ? AtomicFile.create(opts.json, '--json') : undefined;
      // Worker threads run scripted simulators only; an LLM simulator runs here, its requests in flight concurrently.
      const pool = opts.workers > 0 && !llm ? new EvalPool(opts.workers) : undefined;
      const reports: AuditReport[] = [];
      try {
        for (const envId of envIds) {
          let bar: Progress | undefined;
          const report = await runAudit(envId, {
            seeds: opts.short ? undefined : opts.seeds,
            short: opts.short,
            only: opts.adversary ? opts.adversary.split(',').map((s) => s.trim()).filter(Boolean) : undefined,
            variant: opts.variant,
            pool,
            ...(llm ? { simulator: llm.simulator, simulatorLlm: llm.sim } : {}),
            concurrency: 4,
            onProgress: (done, total) => {
              bar ??= progress({ label: `audit ${envId}`, total, unit: 'agent runs', enabled: opts.progress });
              bar.update(done, total);
            },
          });
          bar?.stop();
          reports.push(report);
          process.stdout.write(`${formatAudit(report)}\n\n`);
        }
        if (jsonFile) {
          jsonFile.write(`${JSON.stringify(envArg === 'all' ? reports : reports[0], null, 2)}\n`);
          jsonFile.commit();
        }
      } finally {
        jsonFile?.abort();
        await pool?.close();
      }
      const failed = reports.filter((r) => r.failures.length > 0).length;
      if (llm) process.stdout.write(`${llm.describe()}\n`);
      process.stdout.write(
        `audited ${reports.length} env(s): ${failed ? `${failed} with an adversary over its limit` : 'every adversary within its limit'}` +
          `${opts.json ? `; report written to ${opts.json}` : ''}\n`,
      );
      if (failed) process.exitCode = 1;
    });
}
