/**
 * `dialogym calibrate persuasion [--seeds N] [--limit N] [--sim llm ...]`: how well the Persuasion-v1
 * persuadee (scripted, or an LLM on an endpoint) reproduces the real PersuasionForGood participants
 * (`runV1Calibration`, below); `calibrate persuasion-v0` keeps the legacy v0 report.
 *
 * v0 report prints: the strategy recogniser's macro-F1 on its held-out sentences; for the held-out (and, for
 * reference, the fit) dialogues, real vs simulated mean donation and donor share, AUC for "gave > 0"
 * and Spearman with the amount, from replays of the real persuader turns through the env
 * (`replayRecord`, the same path as `dialogym replay`) with each dialogue's real persona; and the
 * mean return of the random, expert and replayed human persuaders on the held-out personas.
 */
import type { Calibration, CalibrationOptions } from './calibrate.js';
import type { Agent } from '../../agents/types.js';
import type { SimulatorConfig } from '../../core/types.js';
import type { LlmProvider } from '../../simulators/types.js';
import { DEFAULT_MAX_TURNS_V1, ENV_ID_V1 } from '../../envs/persuasion/v1.js';
import type { PersuadeeTurnV1 } from '../../simulators/persuasion/v1/turn.js';
import { auc, spearman } from '../../simulators/persuasion/calibration.js';
import { setupLlm } from '../llm-options.js';
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

/** `calibrate persuasion-v0`: the legacy v0 persuadee's report. */
export const persuasionV0Calibration: Calibration = {
  name: 'persuasion-v0',
  description: 'PersuasionForGood, legacy Persuasion-v0 persuadee',
  async run(opts) {
    const seeds = opts.seeds ?? 3;
    if (!Number.isInteger(seeds) || seeds < 1 || seeds > 50) throw new ConfigError('--seeds must be an integer from 1 to 50');
    if (opts.sim && opts.sim !== 'scripted') throw new ConfigError(`calibrate persuasion has no '${opts.sim}' simulator yet`);
    await runCalibrationReport({ seeds, limit: opts.limit, out: process.stdout, progressFor: opts.progressFor });
  },
};

// ---------------------------------------------------------------------------------------------------
// Persuasion-v1

export interface V1Figures {
  n: number;
  realMean: number;
  /** Mean announced (sampled) donation. */
  simMean: number;
  /** Mean expected donation (the env's default reward). */
  expectedMean: number;
  realDonorShare: number;
  simDonorShare: number;
  /** AUC for real "gave > 0" of the persuadee's final probability of giving (scripted only). */
  aucFinal: number;
  /** The same for its probability after the first message (persona alone, plus one message). */
  aucFirst: number;
  /** AUC and Spearman of the sampled donation. */
  aucSampled: number;
  spearmanSampled: number;
  /** Spearman of the expected donation with the real amount. */
  spearmanExpected: number;
  leftEarly: number;
  /**
   * AUC of the final probability and of the one after the first message, each averaged over the seeds
   * per dialogue first: the simulator's probability of giving for that persona and that persuader,
   * marginalised over its own draws (which doubts it holds, what it asks) instead of one draw of them.
   * Equal to the per-seed figures with one seed; NaN without probabilities (an LLM persuadee).
   */
  aucFinalPooled: number;
  aucFirstPooled: number;
}

export interface V1Outcome {
  donation: number;
  expected: number;
  final: number | null;
  first: number | null;
  left: boolean;
}

export function v1Figures(real: readonly number[], sim: readonly V1Outcome[]): V1Figures {
  const mean = (v: readonly number[]) => v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);
  const gave = real.map((x) => x > 0);
  const hasP = sim.every((o) => o.final !== null);
  return {
    n: real.length,
    realMean: mean(real),
    simMean: mean(sim.map((o) => o.donation)),
    expectedMean: mean(sim.map((o) => o.expected)),
    realDonorShare: mean(gave.map((g) => (g ? 1 : 0))),
    simDonorShare: mean(sim.map((o) => (o.donation > 0 ? 1 : 0))),
    aucFinal: hasP ? auc(sim.map((o) => o.final as number), gave) : Number.NaN,
    aucFirst: hasP ? auc(sim.map((o) => o.first as number), gave) : Number.NaN,
    aucSampled: auc(sim.map((o) => o.donation), gave),
    spearmanSampled: spearman(sim.map((o) => o.donation), real),
    spearmanExpected: spearman(sim.map((o) => o.expected), real),
    leftEarly: mean(sim.map((o) => (o.left ? 1 : 0))),
    aucFinalPooled: hasP ? auc(sim.map((o) => o.final as number), gave) : Number.NaN,
    aucFirstPooled: hasP ? auc(sim.map((o) => o.first as number), gave) : Number.NaN,
  };
}

/** Per-seed figures averaged over seeds, with the pooled AUCs taken from the seed-averaged probabilities. */
export function v1FiguresOverSeeds(real: readonly number[], perSeed: readonly (readonly V1Outcome[])[]): V1Figures {
  const out = meanOf(perSeed.map((o) => v1Figures(real, o)));
  const gave = real.map((x) => x > 0);
  const hasP = perSeed.every((o) => o.every((x) => x.final !== null));
  const avg = (i: number, k: 'final' | 'first') => perSeed.reduce((s, o) => s + ((o[i] as V1Outcome)[k] as number), 0) / perSeed.length;
  out.aucFinalPooled = hasP ? auc(real.map((_, i) => avg(i, 'final')), gave) : Number.NaN;
  out.aucFirstPooled = hasP ? auc(real.map((_, i) => avg(i, 'first')), gave) : Number.NaN;
  return out;
}

/** The issue's fidelity targets (issue 14, item 3), as printed by `calibrate persuasion`. */
export const V1_TARGETS = { aucFinal: 0.7, gain: 0.03, meanDelta: 0.05 } as const;

function meanOf<T extends object>(all: readonly T[]): T {
  const out = {} as Record<string, number>;
  for (const k of Object.keys(all[0] ?? {})) out[k] = all.reduce((s, f) => s + ((f as Record<string, number>)[k] as number), 0) / all.length;
  return out as T;
}

export function formatV1Figures(label: string, f: V1Figures): string {
  const d = (x: number) => `$${x.toFixed(3)}`;
  const p = (x: number) => `${(x * 100).toFixed(1)}%`;
  const r = (x: number) => (Number.isNaN(x) ? 'n/a' : x.toFixed(3));
  return [
    `${label}: n=${f.n}`,
    `  mean donation: real ${d(f.realMean)}, simulated (announced) ${d(f.simMean)} (Δ ${(f.simMean - f.realMean >= 0 ? '+' : '') + (f.simMean - f.realMean).toFixed(3)}), expected (reward) ${d(f.expectedMean)}`,
    `  donor share: real ${p(f.realDonorShare)}, simulated ${p(f.simDonorShare)}; persuadee left early in ${p(f.leftEarly)}`,
    `  AUC(gave > $0): final probability ${r(f.aucFinal)} vs after the first message ${r(f.aucFirst)} (gain ${r(f.aucFinal - f.aucFirst)}); sampled donation ${r(f.aucSampled)}`,
    `  Spearman with the real amount: sampled donation ${r(f.spearmanSampled)}, expected donation ${r(f.spearmanExpected)}`,
    `  AUC with each dialogue's probabilities averaged over the seeds first: final ${r(f.aucFinalPooled)} vs after the first message ${r(f.aucFirstPooled)} (gain ${r(f.aucFinalPooled - f.aucFirstPooled)})`,
    ...(Number.isNaN(f.aucFinal)
      ? []
      : [
          `  targets (issue 14): final AUC ≥ ${V1_TARGETS.aucFinal} ${f.aucFinal >= V1_TARGETS.aucFinal ? 'met' : 'MISSED'}; gain ≥ +${V1_TARGETS.gain} ${f.aucFinal - f.aucFirst >= V1_TARGETS.gain ? 'met' : 'MISSED'}; |Δ mean| ≤ $${V1_TARGETS.meanDelta} ${Math.abs(f.simMean - f.realMean) <= V1_TARGETS.meanDelta ? 'met' : 'MISSED'} (per-seed figures)`,
        ]),
  ].join('\n');
}

/** Plays a real persuader's turns, the last one as CLOSE (so the replay ends where the human talk ended). */
class HumanTurns implements Agent {
  readonly id = 'human-replay';
  private i = 0;
  constructor(private readonly turns: readonly string[]) {}
  reset(): void {
    this.i = 0;
  }
  act(): string {
    const k = this.i++;
    const text = (this.turns[k] ?? '').slice(0, 2000) || '...';
    return k >= this.turns.length - 1 ? `CLOSE ${text}` : text;
  }
}

export interface V1CalibrationOptions {
  seeds: number;
  limit?: number;
  simulator: SimulatorConfig;
  llm?: LlmProvider;
  out: { write(s: string): unknown };
  /** Also replay the fit split (reference). */
  fitSplit?: boolean;
  /** Progress of each split's replays (cli/progress.ts); none when absent. */
  progressFor?: CalibrationOptions['progressFor'];
}

async function replayV1(split: 'fit' | 'heldout', opts: V1CalibrationOptions) {
  const dialogues = usable(split, opts.limit);
  const real = dialogues.map((d) => d.donation as number);
  const perSeed: V1Outcome[][] = [];
  const bar = opts.progressFor?.(`${split} replays`, opts.seeds * dialogues.length, 'dialogues');
  for (let k = 0; k < opts.seeds; k++) {
    const outcomes: V1Outcome[] = [];
    for (const d of dialogues) {
      const env = make(ENV_ID_V1, {
        simulator: opts.simulator,
        llm: opts.llm,
        kwargs: { maxTurns: Math.max(DEFAULT_MAX_TURNS_V1, d.persuader.length) },
        maxEpisodeSteps: Math.max(40, d.persuader.length + 5),
      });
      try {
        const rec = await runEpisode({
          env,
          agent: new HumanTurns(d.persuader),
          seed: replaySeed(seedForDialogue(d.id), k),
          key: `calibrate/${d.id}/${k}`,
          scenario: d.persona,
        });
        const turns = rec.turns.map((t) => t.simulatorTurns?.[0] as PersuadeeTurnV1 | undefined);
        const last = turns[turns.length - 1];
        const info = rec.turns[rec.turns.length - 1]?.info ?? {};
        outcomes.push({
          donation: Number(info.donation ?? 0),
          expected: rec.totals.return,
          final: last?.state ? last.state.donateProbability : null,
          first: turns[0]?.state ? (turns[0].state as { donateProbability: number }).donateProbability : null,
          left: rec.termination.reason === 'persuadee_left',
        });
      } finally {
        await env.close();
      }
      bar?.tick();
    }
    perSeed.push(outcomes);
  }
  bar?.stop();
  return { dialogues, real, perSeed };
}

export async function runV1Calibration(opts: V1CalibrationOptions): Promise<{ heldout: V1Figures; fit?: V1Figures }> {
  const w = (s: string) => opts.out.write(`${s}\n`);
  const what = opts.simulator.kind === 'llm' ? `LLM persuadee (${opts.simulator.model ?? 'model'})` : 'scripted persuadee';
  w(`${ENV_ID_V1}, ${what}: real PersuasionForGood persuaders replayed with each dialogue's real persona, last turn as CLOSE; ${opts.seeds} seed(s) per dialogue, figures averaged over seeds`);
  const held = await replayV1('heldout', opts);
  const heldFig = v1FiguresOverSeeds(held.real, held.perSeed);
  w(formatV1Figures('held-out split (dialogue-id hash mod 4 = 3; never fitted)', heldFig));
  let fitFig: V1Figures | undefined;
  if (opts.fitSplit) {
    const fit = await replayV1('fit', opts);
    fitFig = v1FiguresOverSeeds(fit.real, fit.perSeed);
    w(formatV1Figures('fit split (reference)', fitFig));
  }
  return { heldout: heldFig, fit: fitFig };
}

/** `calibrate persuasion`: Persuasion-v1, scripted or (with --sim llm and an endpoint) an LLM persuadee. */
export const persuasionCalibration: Calibration = {
  name: 'persuasion',
  aliases: ['persuasion-v1'],
  description: 'PersuasionForGood: replay real persuaders against the Persuasion-v1 persuadee (scripted or --sim llm), compare with real donations',
  async run(opts) {
    const sim = opts.sim ?? 'scripted';
    const seeds = opts.seeds ?? (sim === 'llm' ? 1 : 3);
    if (!Number.isInteger(seeds) || seeds < 1 || seeds > 50) throw new ConfigError('--seeds must be an integer from 1 to 50');
    if (sim !== 'scripted' && sim !== 'llm') throw new ConfigError(`calibrate persuasion: --sim must be scripted or llm, got '${sim}'`);
    if (sim === 'llm') {
      const llm = await setupLlm(opts, { sim: true, agent: false });
      await runV1Calibration({ seeds, limit: opts.limit, simulator: llm.simulator as SimulatorConfig, llm: llm.sim, out: process.stdout, progressFor: opts.progressFor });
      process.stderr.write(`${llm.describe()}\n`);
      return;
    }
    await runV1Calibration({ seeds, limit: opts.limit, simulator: { kind: 'scripted' }, out: process.stdout, fitSplit: true, progressFor: opts.progressFor });
  },
};
