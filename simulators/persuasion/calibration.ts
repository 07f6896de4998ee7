/**
 * Calibration of the scripted persuadee against PersuasionForGood: replay the real persuaders'
 * turns against the simulator with each dialogue's real persona and compare the simulated outcome
 * with the real donation (mean, donor share, AUC for "donated > 0", Spearman with the amount).
 *
 * `simulateHumanDialogue` is the fast path used while fitting: it drives the simulator exactly as
 * the env does for an imported record (same seed derivation, same inputs, `close` on the last turn),
 * without the statechart. The reported figures go through the env (`replayRecord`).
 */
import { deriveSeed, Rng } from '../../core/rng.js';
import type { PersuadeeParams } from './params.js';
import type { PersuasionScenario } from './persona.js';
import { ScriptedPersuadee } from './scripted.js';

export interface SimOutcome {
  donation: number;
  /** The persuadee's final probability of giving (its willingness), a continuous score. */
  probability: number;
  endedEarly: boolean;
  /** Probability of giving after the first message: essentially the persona alone (a baseline for the AUC). */
  initialProbability?: number;
}

/** Same seed derivation and inputs as MachineEnv + Persuasion-v0 for a record whose last action is CLOSE. */
export function simulateHumanDialogue(
  persuader: readonly string[],
  persona: PersuasionScenario,
  seed: number,
  params: PersuadeeParams,
): SimOutcome {
  const rng = Rng.fromSeed(deriveSeed(seed, 'simulator'));
  const sim = new ScriptedPersuadee({ scenario: persona, rng, config: { kind: 'scripted' } }, params);
  const maxTurns = Math.max(10, persuader.length);
  let initialProbability: number | undefined;
  for (let i = 0; i < persuader.length; i++) {
    const kind = i === persuader.length - 1 || i + 1 >= maxTurns ? 'close' : 'message';
    const t = sim.respond({ kind, text: persuader[i] as string, turn: i + 1, maxTurns });
    if (i === 0) initialProbability = t.state?.donateProbability;
    if (t.ends || kind === 'close') {
      return {
        donation: Math.round(Math.min(2, Math.max(0, t.donation ?? 0)) * 100) / 100,
        probability: t.state?.donateProbability ?? 0,
        endedEarly: kind !== 'close',
        initialProbability,
      };
    }
  }
  return { donation: 0, probability: 0, endedEarly: false };
}

/** Area under the ROC curve of `scores` for binary `labels` (ties count one half). */
export function auc(scores: readonly number[], labels: readonly boolean[]): number {
  const ranks = averageRanks(scores);
  let pos = 0;
  let sumPos = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i]) {
      pos++;
      sumPos += ranks[i] as number;
    }
  }
  const neg = labels.length - pos;
  if (pos === 0 || neg === 0) return Number.NaN;
  return (sumPos - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** Spearman rank correlation with average ranks for ties. */
export function spearman(a: readonly number[], b: readonly number[]): number {
  return pearson(averageRanks(a), averageRanks(b));
}

export function pearson(a: readonly number[], b: readonly number[]): number {
  const n = a.length;
  if (n < 2) return Number.NaN;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i] as number;
    mb += b[i] as number;
  }
  ma /= n;
  mb /= n;
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < n; i++) {
    const x = (a[i] as number) - ma;
    const y = (b[i] as number) - mb;
    num += x * y;
    da += x * x;
    db += y * y;
  }
  return da > 0 && db > 0 ? num / Math.sqrt(da * db) : Number.NaN;
}

export function averageRanks(x: readonly number[]): number[] {
  const idx = x.map((_, i) => i).sort((i, j) => (x[i] as number) - (x[j] as number));
  const ranks = new Array<number>(x.length);
  let k = 0;
  while (k < idx.length) {
    let j = k;
    while (j + 1 < idx.length && x[idx[j + 1] as number] === x[idx[k] as number]) j++;
    const r = (k + j) / 2 + 1;
    for (let m = k; m <= j; m++) ranks[idx[m] as number] = r;
    k = j + 1;
  }
  return ranks;
}

export interface OutcomeFigures {
  n: number;
  realMean: number;
  simMean: number;
  realDonorShare: number;
  simDonorShare: number;
  /** AUC of the simulated donation for real "donated > 0". */
  aucDonation: number;
  /** AUC of the simulator's final probability of giving for real "donated > 0". */
  aucProbability: number;
  /** Spearman of simulated and real amounts. */
  spearmanDonation: number;
  spearmanProbability: number;
  /** AUC of the probability after the first message (persona only), when known. */
  aucPersona: number;
}

/** Compares real and simulated outcomes of the same dialogues. */
export function outcomeFigures(real: readonly number[], sim: readonly SimOutcome[]): OutcomeFigures {
  const n = real.length;
  const mean = (v: readonly number[]) => v.reduce((s, x) => s + x, 0) / Math.max(1, v.length);
  const simD = sim.map((s) => s.donation);
  const simP = sim.map((s) => s.probability);
  const gave = real.map((x) => x > 0);
  return {
    n,
    realMean: mean(real),
    simMean: mean(simD),
    realDonorShare: mean(gave.map((g) => (g ? 1 : 0))),
    simDonorShare: mean(simD.map((x) => (x > 0 ? 1 : 0))),
    aucDonation: auc(simD, gave),
    aucProbability: auc(simP, gave),
    spearmanDonation: spearman(simD, real),
    spearmanProbability: spearman(simP, real),
    aucPersona: auc(
      sim.map((s) => s.initialProbability ?? 0),
      gave,
    ),
  };
}

/** Averages figures over repetitions (seeds). */
export function meanFigures(all: readonly OutcomeFigures[]): OutcomeFigures {
  const keys = Object.keys(all[0] ?? {}) as (keyof OutcomeFigures)[];
  const out = {} as OutcomeFigures;
  for (const k of keys) out[k] = all.reduce((s, f) => s + f[k], 0) / all.length;
  return out;
}

export function formatFigures(label: string, f: OutcomeFigures): string {
  const d = (x: number) => `$${x.toFixed(3)}`;
  const p = (x: number) => `${(x * 100).toFixed(1)}%`;
  const r = (x: number) => x.toFixed(3);
  return (
    `${label}: n=${f.n}  mean donation real ${d(f.realMean)} vs sim ${d(f.simMean)}  ` +
    `donor share real ${p(f.realDonorShare)} vs sim ${p(f.simDonorShare)}  ` +
    `AUC(gave) donation ${r(f.aucDonation)} / probability ${r(f.aucProbability)}  ` +
    `Spearman donation ${r(f.spearmanDonation)} / probability ${r(f.spearmanProbability)}  ` +
    `persona-only AUC ${r(f.aucPersona)}`
  );
}

/** L2-regularised logistic regression by Newton's method (small dense problems). */
export function logisticRegression(
  X: readonly Float64Array[],
  y: readonly number[],
  lambda: number,
  iterations = 25,
  /** A known part of each row's log-odds, added with coefficient 1 (not fitted). */
  offset?: readonly number[],
): { intercept: number; weights: Float64Array } {
  const d = X[0]?.length ?? 0;
  const p = d + 1;
  const w = new Float64Array(p);
  for (let it = 0; it < iterations; it++) {
    const g = new Float64Array(p);
    const H = Array.from({ length: p }, () => new Float64Array(p));
    for (let i = 0; i < X.length; i++) {
      const x = X[i] as Float64Array;
      let z = (w[0] as number) + (offset ? (offset[i] as number) : 0);
      for (let j = 0; j < d; j++) z += (w[j + 1] as number) * (x[j] as number);
      const mu = 1 / (1 + Math.exp(-z));
      const r = mu - (y[i] as number);
      const s = mu * (1 - mu);
      for (let a = 0; a < p; a++) {
        const xa = a === 0 ? 1 : (x[a - 1] as number);
        g[a] = (g[a] as number) + r * xa;
        const Ha = H[a] as Float64Array;
        for (let b = 0; b <= a; b++) {
          const xb = b === 0 ? 1 : (x[b - 1] as number);
          Ha[b] = (Ha[b] as number) + s * xa * xb;
        }
      }
    }
    for (let a = 1; a < p; a++) {
      g[a] = (g[a] as number) + lambda * (w[a] as number);
      (H[a] as Float64Array)[a] = ((H[a] as Float64Array)[a] as number) + lambda;
    }
    for (let a = 0; a < p; a++) for (let b = a + 1; b < p; b++) (H[a] as Float64Array)[b] = (H[b] as Float64Array)[a] as number;
    (H[0] as Float64Array)[0] = ((H[0] as Float64Array)[0] as number) + 1e-9;
    const step = solve(H, g);
    let change = 0;
    for (let a = 0; a < p; a++) {
      w[a] = (w[a] as number) - (step[a] as number);
      change = Math.max(change, Math.abs(step[a] as number));
    }
    if (change < 1e-8) break;
  }
  return { intercept: w[0] as number, weights: w.slice(1) };
}

/** Gaussian elimination with partial pivoting. */
function solve(A: Float64Array[], b: Float64Array): Float64Array {
  const n = b.length;
  const M: number[][] = A.map((row, i) => {
    const r = Array.from(row);
    r.push(b[i] as number);
    return r;
  });
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs((M[r] as number[])[c] as number) > Math.abs((M[piv] as number[])[c] as number)) piv = r;
    const tmp = M[c] as number[];
    M[c] = M[piv] as number[];
    M[piv] = tmp;
    const pr = M[c] as number[];
    const pv = pr[c] as number;
    if (Math.abs(pv) < 1e-12) continue;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const row = M[r] as number[];
      const f = (row[c] as number) / pv;
      if (f === 0) continue;
      for (let k = c; k <= n; k++) row[k] = (row[k] as number) - f * (pr[k] as number);
    }
  }
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const row = M[i] as number[];
    x[i] = Math.abs(row[i] as number) < 1e-12 ? 0 : (row[n] as number) / (row[i] as number);
  }
  return x;
}
