/**
 * `dialogym calibrate persuasion [--seeds N] [--limit N]`: how well the Persuasion-v0 scripted
 * persuadee reproduces the real PersuasionForGood participants, and how agents fare against it.
 *
 * Prints: the strategy recogniser's macro-F1 on its held-out sentences; for the held-out (and, for
 * reference, the fit) dialogues, real vs simulated mean donation and donor share, AUC for "gave > 0"
 * and Spearman with the amount, from replays of the real persuader turns through the env
 * (`replayRecord`, the same path as `dialogym replay`) with each dialogue's real persona; and the
 * mean return of the random, expert and replayed human persuaders on the held-out personas.
 */
import type { Calibration, CalibrationOptions } from './calibrate.js';
import '../../envs/index.js';
import { createAgent } from '../../agents/registry.js';
import { ConfigError } from '../../core/errors.js';
import { make } from '../../core/registry.js';
import { deriveSeed } from '../../core/rng.js';
import { replayRecord, runEpisode } from '../../core/rollout.js';
import { humanDialogueRecord, seedForDialogue } from '../../envs/persuasion/import.js';
import { ENV_ID } from '../../envs/persuasion/index.js';
import {
  formatFigures,
  meanFigures,
  type OutcomeFigures,
  outcomeFigures,
  type SimOutcome,
} from '../../simulators/persuasion/calibration.js';
import { macroF1 } from '../../simulators/persuasion/recogniser.js';
import { corpusDialogues, heldoutStrategySentences, strategyRecogniser } from '../../simulators/persuasion/resources.js';
import type { PersuadeeTurn } from '../../simulators/persuasion/turn.js';

export interface CalibrationReportOptions {
  seeds: number;
  /** Use only the first N dialogues of each split (quick checks). */
  limit?: number;
  out: { write(s: string): unknown };
  /** Progress of each stage (cli/progress.ts); none when absent. */
  progressFor?: CalibrationOptions['progressFor'];
}

export interface CalibrationReport {
  recogniser: { macroF1: number; accuracy: number; sentences: number };
  heldout: OutcomeFigures;
  fit: OutcomeFigures;
  returns: Record<string, { mean: number; se: number; n: number }>;
}

function usable(split: 'fit' | 'heldout', limit?: number) {
  const all = corpusDialogues().filter((d) => d.split === split && d.donation !== null && d.persona !== null);
  return limit ? all.slice(0, limit) : all;
}

/** Seed of repetition k of a dialogue; agents are evaluated on the same seeds (paired comparison). */
function replaySeed(recordSeed: number, k: number): number {
  return k === 0 ? recordSeed : deriveSeed(recordSeed, `rep${k}`);
}

function meanSe(v: number[]): { mean: number; se: number; n: number } {
  const n = v.length;
  const mean = v.reduce((s, x) => s + x, 0) / Math.max(1, n);
  const sd = Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / Math.max(1, n - 1));
  return { mean, se: sd / Math.sqrt(Math.max(1, n)), n };
}

/** Replays the split's human persuaders through the env; one list of outcomes per seed. */
async function replaySplit(split: 'fit' | 'heldout', seeds: number, limit?: number, progressFor?: CalibrationOptions['progressFor']) {
  const dialogues = usable(split, limit);
  const real = dialogues.map((d) => d.donation as number);
  const perSeed: SimOutcome[][] = [];
  const bar = progressFor?.(`${split} replays`, seeds * dialogues.length, 'dialogues');
  for (let k = 0; k < seeds; k++) {
    const outcomes: SimOutcome[] = [];
    for (const d of dialogues) {
      const rec = humanDialogueRecord({
        id: d.id,
        persona: d.persona!,
        persuader: d.persuader,
        persuadee: d.persuadee,
        donation: d.donation as number,
      });
      rec.seed = replaySeed(rec.seed, k);
      const out = await replayRecord(rec, { simulator: { kind: 'scripted' } });
      const last = out.turns[out.turns.length - 1]?.simulatorTurns[0] as PersuadeeTurn | undefined;
      const first = out.turns[0]?.simulatorTurns[0] as PersuadeeTurn | undefined;
      outcomes.push({
        donation: out.totals.return,
        probability: last?.state?.donateProbability ?? 0,
        endedEarly: out.termination.reason === 'persuadee_left',
        initialProbability: first?.state?.donateProbability ?? 0,
      });
      bar?.tick();
    }
    perSeed.push(outcomes);
  }
  bar?.stop();
  return { dialogues, real, perSeed };
}

export async function runCalibrationReport(opts: CalibrationReportOptions): Promise<CalibrationReport> {
  const w = (s: string) => opts.out.write(`${s}\n`);
  const sentences = heldoutStrategySentences();
  const rec = strategyRecogniser();
  const f1 = macroF1(
    sentences.map((s) => s.label),
    sentences.map((s) => rec.classifySentence(s.sentence, s.turn)),
  );
  w(
    `strategy recogniser (naive Bayes): held-out macro-F1 ${f1.macroF1.toFixed(3)}, accuracy ${f1.accuracy.toFixed(3)} on ${sentences.length} sentences of held-out dialogues`,
  );

  const held = await replaySplit('heldout', opts.seeds, opts.limit, opts.progressFor);
  const heldFig = meanFigures(held.perSeed.map((o) => outcomeFigures(held.real, o)));
  w(formatFigures(`held-out dialogues (mean of ${opts.seeds} seeds)`, heldFig));
  const fit = await replaySplit('fit', opts.seeds, opts.limit, opts.progressFor);
  const fitFig = meanFigures(fit.perSeed.map((o) => outcomeFigures(fit.real, o)));
  w(formatFigures(`fit dialogues (reference, mean of ${opts.seeds} seeds)`, fitFig));
  const early = held.perSeed.flat().filter((o) => o.endedEarly).length / Math.max(1, held.perSeed.flat().length);
  w(`held-out replays where the simulated persuadee left early: ${(early * 100).toFixed(1)}%`);

  // Agents on the held-out personas with the seeds of the human replays: the same persuadee luck
  // (decision and amount draws, concerns) for every persuader, so differences are the persuaders'.
  const returns: CalibrationReport['returns'] = {
    human: meanSe(held.perSeed.flat().map((o) => o.donation)),
  };
  const env = make(ENV_ID);
  try {
    const bar = opts.progressFor?.('agents on held-out personas', 2 * opts.seeds * held.dialogues.length, 'episodes');
    for (const name of ['random', 'expert']) {
      const v: number[] = [];
      for (let k = 0; k < opts.seeds; k++) {
        for (const d of held.dialogues) {
          const agent = createAgent(name, { envId: ENV_ID });
          const seed = replaySeed(seedForDialogue(d.id), k);
          const r = await runEpisode({ env, agent, seed, key: `${name}/${d.id}/${k}`, scenario: d.persona });
          v.push(r.totals.return);
          bar?.tick();
        }
      }
      returns[name] = meanSe(v);
    }
    bar?.stop();
  } finally {
    await env.close();
  }
  for (const [name, r] of Object.entries(returns)) {
    w(
      `mean return under the scripted persuadee, ${name === 'human' ? 'replayed human persuaders' : `${name} agent`}: $${r.mean.toFixed(3)} ± ${r.se.toFixed(3)} (n=${r.n}, held-out personas)`,
    );
  }
  return { recogniser: { macroF1: f1.macroF1, accuracy: f1.accuracy, sentences: sentences.length }, heldout: heldFig, fit: fitFig, returns };
}

/** `calibrate persuasion`: the options it takes, checked, then the report. */
export const persuasionCalibration: Calibration = {
  name: 'persuasion',
  aliases: ['persuasion-v0'],
  description: 'PersuasionForGood: replay real persuaders against the persuadee, compare with real donations',
  async run(opts) {
    const seeds = opts.seeds ?? 3;
    if (!Number.isInteger(seeds) || seeds < 1 || seeds > 50) throw new ConfigError('--seeds must be an integer from 1 to 50');
    if (opts.sim && opts.sim !== 'scripted') throw new ConfigError(`calibrate persuasion has no '${opts.sim}' simulator yet`);
    await runCalibrationReport({ seeds, limit: opts.limit, out: process.stdout, progressFor: opts.progressFor });
  },
};
