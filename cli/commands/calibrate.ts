/**
 * `dialogym calibrate <name>`: measures a simulator against the real human data it stands for. Each
 * calibration lives in its own `calibrate-<name>.ts` and is listed here; they share the flags below
 * (and the LLM flags, for `--sim llm`).
 */
import type { Command } from 'commander';
import { ConfigError } from '../../core/errors.js';
import { MAX_EPISODES } from '../../core/limits.js';
import { addLlmOptions, type LlmCliOptions } from '../llm-options.js';
import { progress, type Progress } from '../progress.js';
import { positiveInt } from '../run.js';
import { clariqCalibration } from './calibrate-clariq.js';
import { persuasionCalibration, persuasionV0Calibration } from './calibrate-persuasion.js';

export interface CalibrationOptions extends LlmCliOptions {
  /** Simulator seeds per item (e.g. per dialogue). */
  seeds?: number;
  /** Only the first N items of each split (a quick look). */
  limit?: number;
  /** Which simulator to measure: 'scripted' (default) or 'llm' (needs the --sim-* endpoint flags). */
  sim?: string;
  /** false with --no-progress. */
  progress?: boolean;
  /**
   * A progress display for a stage of the calibration (a bar on a terminal, plain lines every 10 s
   * otherwise, nothing with --no-progress): see cli/progress.ts.
   */
  progressFor?: (label: string, total: number, unit?: string) => Progress;
}

export interface Calibration {
  name: string;
  aliases?: string[];
  description: string;
  run(opts: CalibrationOptions): Promise<void>;
}

export const calibrations: Calibration[] = [persuasionCalibration, persuasionV0Calibration, clariqCalibration];

export function findCalibration(name: string): Calibration {
  const n = name.toLowerCase();
  const c = calibrations.find((x) => x.name === n || x.aliases?.includes(n));
  if (!c) throw new ConfigError(`no calibration for '${name}' (available: ${calibrations.map((x) => x.name).join(', ')})`);
  return c;
}

export function register(program: Command): void {
  addLlmOptions(
    program
      .command('calibrate')
      .description(
        `Measure a simulator against real human data (${calibrations.map((c) => `${c.name}: ${c.description}`).join('; ')})`,
      )
      .argument('<name>', `which calibration to run (${calibrations.map((c) => c.name).join(', ')})`),
  )
    .option('--seeds <n>', 'simulator seeds per item', positiveInt('--seeds', 1000))
    .option('--limit <n>', 'only the first N items of each split (quick look)', positiveInt('--limit', MAX_EPISODES))
    .option('--sim <kind>', 'simulator to measure: scripted or llm', 'scripted')
    .option('--no-progress', 'no progress bar or progress lines')
    .action(async (name: string, opts: CalibrationOptions) => {
      const calibration = findCalibration(name);
      const t0 = performance.now();
      await calibration.run({
        ...opts,
        progressFor: (label, total, unit = 'items') => progress({ label: `calibrate ${calibration.name}: ${label}`, total, unit, enabled: opts.progress }),
      });
      process.stdout.write(`calibration ${calibration.name} done in ${((performance.now() - t0) / 1000).toFixed(1)} s (report above, on stdout)\n`);
    });
}
