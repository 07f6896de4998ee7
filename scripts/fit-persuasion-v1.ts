/**
 * Fits the Persuasion-v1 scripted persuadee on the fit split of PersuasionForGood and writes
 * data/persuasionforgood/persuadee-v1-params.json:
 *
 *   npx tsx scripts/fit-persuasion-v1.ts
 *
 * (1) Replay every fit dialogue's real persuader turns through the persuadee (priors) and read, per
 *     dialogue, the appeal-family saturation it reached: susceptibility × (1 − 2^(−dose)).
 * (2) L2 logistic regression of "gave > 0" on the standardised persona and those saturations (λ by
 *     5-fold cross-validation on the fit split); family effects constrained to [0, 1] — an appeal never
 *     lowers willingness by itself; tricks and pressure are modelled separately.
 * (3) The intercept by bisection so that replays of the fit split give its donor share (the trust,
 *     annoyance and concern terms shift the mean; the regression does not see them).
 * (4) The amount distribution (fit split's positive donations), its centre (mean willingness at the
 *     decision) and tilt (grid search on the fit split's Spearman, mean kept within $0.015).
 * Held-out dialogues are never read.
 */
import { writeFileSync } from 'node:fs';
import { dataPath } from '../core/data.js';
import { deriveSeed, Rng } from '../core/rng.js';
import { auc, logisticRegression, spearman } from '../simulators/persuasion/calibration.js';
import { PERSONA_FEATURES, type PersuasionScenario, personaFeatures } from '../simulators/persuasion/persona.js';
import { corpusDialogues, participants } from '../simulators/persuasion/resources.js';
import { DEFAULT_V1_PARAMS, type PersuadeeV1Params, V1_PARAMS_FILE } from '../simulators/persuasion/v1/params.js';
import { FAMILIES } from '../simulators/persuasion/v1/perception.js';
import { personaModel, ScriptedPersuadeeV1 } from '../simulators/persuasion/v1/persuadee.js';

const stats = participants().stats;
const fit = corpusDialogues().filter((d) => d.split === 'fit' && d.donation !== null && d.persona !== null);
const SEEDS = [0, 1, 2];

interface Replay {
  donation: number;
  probability: number;
  sat: number[];
}

/** Drives the persuadee over a real persuader's turns, closing on the last one (as the env replays a record). */
function replay(persuader: readonly string[], persona: PersuasionScenario, seed: number, params: PersuadeeV1Params): Replay {
  const sim = new ScriptedPersuadeeV1({ scenario: persona, rng: Rng.fromSeed(deriveSeed(seed, 'simulator')), config: { kind: 'scripted' } }, params);
  const maxTurns = Math.max(10, persuader.length);
  let donation = 0;
  let probability = 0;
  for (let i = 0; i < persuader.length; i++) {
    const kind = i === persuader.length - 1 ? 'close' : 'message';
    const t = sim.respond({ kind, text: persuader[i] as string, turn: i + 1, maxTurns });
    probability = t.state?.donateProbability ?? 0;
    if (t.ends) {
      donation = Math.round(Math.min(2, Math.max(0, t.donation ?? 0)) * 100) / 100;
      break;
    }
  }
  const st = sim.getState();
  const m = personaModel(persona, params);
  const sat = FAMILIES.map((f) => m.susceptibility[f] * (1 - 2 ** -(st?.dose[f] ?? 0)));
  return { donation, probability, sat };
}

const seedOf = (k: number, id: string) => deriveSeed(k, `fit/${id}`);

// (1) Family saturations from the priors' replays (averaged over seeds: they hardly depend on the luck).
const X: Float64Array[] = [];
const y: number[] = [];
for (const d of fit) {
  const sats = SEEDS.map((k) => replay(d.persuader, d.persona!, seedOf(k, d.id), DEFAULT_V1_PARAMS).sat);
  const mean = FAMILIES.map((_, j) => sats.reduce((s, v) => s + (v[j] as number), 0) / sats.length);
  const z = personaFeatures(d.persona!, stats);
  const row = new Float64Array(z.length + FAMILIES.length);
  row.set(z);
  mean.forEach((v, j) => {
    row[z.length + j] = v;
  });
  X.push(row);
  y.push((d.donation as number) > 0 ? 1 : 0);
}
const share = y.reduce((a, b) => a + b, 0) / y.length;
console.log(`fit split: ${fit.length} dialogues, donor share ${share.toFixed(3)}`);

// (2) λ by 5-fold CV log-loss; constrained refit (family effects clipped to [0, 1]).
const folds = X.map((_, i) => deriveSeed(i, 'fold') % 5);
let best = { lambda: 0, loss: Number.POSITIVE_INFINITY, auc: 0 };
for (const lambda of [3, 10, 30, 100, 300]) {
  let loss = 0;
  const scores: number[] = [];
  const labels: boolean[] = [];
  for (let f = 0; f < 5; f++) {
    const m = logisticRegression(
      X.filter((_, i) => folds[i] !== f),
      y.filter((_, i) => folds[i] !== f),
      lambda,
    );
    X.forEach((x, i) => {
      if (folds[i] !== f) return;
      let s = m.intercept;
      x.forEach((v, j) => {
        s += (m.weights[j] as number) * v;
      });
      const p = 1 / (1 + Math.exp(-s));
      loss -= y[i] ? Math.log(p) : Math.log(1 - p);
      scores.push(s);
      labels.push(y[i] === 1);
    });
  }
  const a = auc(scores, labels);
  console.log(`  λ=${lambda}: CV log-loss ${(loss / X.length).toFixed(4)}, CV AUC ${a.toFixed(3)}`);
  if (loss < best.loss) best = { lambda, loss, auc: a };
}
const model = logisticRegression(X, y, best.lambda);
const persona: Record<string, number> = {};
PERSONA_FEATURES.forEach((name, j) => {
  persona[name] = Math.round((model.weights[j] as number) * 1e4) / 1e4;
});
const family = {} as PersuadeeV1Params['family'];
FAMILIES.forEach((f, j) => {
  const w = model.weights[PERSONA_FEATURES.length + j] as number;
  family[f] = Math.round(Math.min(1, Math.max(0, w)) * 1e4) / 1e4;
});
console.log(`λ=${best.lambda}; family effects ${JSON.stringify(family)}`);

const positiveAmounts = fit
  .map((d) => d.donation as number)
  .filter((x) => x > 0)
  .sort((a, b) => a - b);
const params: PersuadeeV1Params = { ...DEFAULT_V1_PARAMS, persona, family, positiveAmounts, intercept: model.intercept };

const replayAll = (p: PersuadeeV1Params) => SEEDS.flatMap((k) => fit.map((d) => replay(d.persuader, d.persona!, seedOf(k, d.id), p)));

// (3) Intercept by bisection on the simulated donor share.
let lo = model.intercept - 3;
let hi = model.intercept + 3;
for (let it = 0; it < 14; it++) {
  const mid = (lo + hi) / 2;
  const out = replayAll({ ...params, intercept: mid, amountTilt: 0 });
  const s = out.filter((o) => o.donation > 0).length / out.length;
  if (s < share) lo = mid;
  else hi = mid;
}
params.intercept = Math.round(((lo + hi) / 2) * 1e4) / 1e4;

// (4) Amounts: centre on the mean willingness at the decision, tilt by Spearman with the mean kept within $0.015.
{
  const out = replayAll({ ...params, amountTilt: 0 });
  const logits = out.map((o) => Math.log(Math.max(1e-6, o.probability) / Math.max(1e-6, 1 - o.probability)));
  params.amountCenter = Math.round((logits.reduce((s, x) => s + x, 0) / logits.length) * 1e4) / 1e4;
}
const realAll = SEEDS.flatMap(() => fit.map((d) => d.donation as number));
const realMean = realAll.reduce((s, x) => s + x, 0) / realAll.length;
let bestTilt = { tilt: 0, rho: Number.NEGATIVE_INFINITY };
for (const tilt of [0, 0.25, 0.5, 1, 1.5]) {
  const out = replayAll({ ...params, amountTilt: tilt });
  const rho = spearman(
    out.map((o) => o.donation),
    realAll,
  );
  const simMean = out.reduce((s, o) => s + o.donation, 0) / out.length;
  console.log(`  tilt ${tilt}: fit Spearman ${rho.toFixed(4)}, sim mean ${simMean.toFixed(3)} (real ${realMean.toFixed(3)})`);
  if (Math.abs(simMean - realMean) <= 0.015 && rho > bestTilt.rho + 1e-3) bestTilt = { tilt, rho };
}
params.amountTilt = bestTilt.tilt;
const final = replayAll(params);
params.fit = {
  corpus: 'PersuasionForGood (fit split: dialogue-id hash mod 4 != 3)',
  dialogues: fit.length,
  lambda: best.lambda,
  cvAuc: Math.round(best.auc * 1000) / 1000,
  fitSplit: {
    simMean: Math.round((final.reduce((s, o) => s + o.donation, 0) / final.length) * 1000) / 1000,
    realMean: Math.round(realMean * 1000) / 1000,
    aucProbability: Math.round(
      auc(
        final.map((o) => o.probability),
        realAll.map((x) => x > 0),
      ) * 1000,
    ) / 1000,
  },
  command: 'npx tsx scripts/fit-persuasion-v1.ts',
};
writeFileSync(dataPath('persuasionforgood', V1_PARAMS_FILE), `${JSON.stringify(params, null, 1)}\n`);
console.log(`intercept ${params.intercept}, amount centre ${params.amountCenter}, tilt ${params.amountTilt}; wrote data/persuasionforgood/${V1_PARAMS_FILE}`);
console.log(JSON.stringify(params.fit));
