/**
 * How much the real persuaders' words can tell about who gave, beyond the persona: an upper bound
 * on the "gain over the first message" that any persuadee replaying them can show.
 *
 *   npx tsx scripts/persuasion-signal-ceiling.ts
 *
 * On the fit split only (the held-out split is never read), three L2 logistic regressions of
 * "gave > $0", each scored by 5-fold cross-validated AUC (λ on a grid, the best reported):
 *
 * 1. the standardised persona alone (what the persuadee knows before the first message);
 * 2. the persona plus what Persuasion-v1's perception reads in the persuader's messages, counted over
 *    the dialogue (log 1 + count): every recognised strategy, topic, ask, suggested amount, thanks,
 *    acknowledgement and presumption of agreement that occurs in at least 20 dialogues;
 * 3. the persona plus a bag of words of the persuader's messages (log 1 + count of each word used in
 *    at least 40 dialogues).
 *
 * These are supervised fits directly on the outcome: no simulator replaying the same words can rank
 * the real donors better than (2) with its own perception, and a flexible reader does about as well
 * as (3). Their gain over (1) bounds the "+0.03 AUC over the first message"
 * (docs/envs/persuasion.md, "Fidelity").
 */
import { deriveSeed } from '../core/rng.js';
import { auc, logisticRegression } from '../simulators/persuasion/calibration.js';
import { personaFeatures } from '../simulators/persuasion/persona.js';
import { corpusDialogues, participants } from '../simulators/persuasion/resources.js';
import { perceive } from '../simulators/persuasion/v1/perception.js';

const dialogues = corpusDialogues().filter((d) => d.split === 'fit' && d.donation !== null && d.persona !== null);
const y = dialogues.map((d) => ((d.donation as number) > 0 ? 1 : 0));
const stats = participants().stats;
const persona = dialogues.map((d) => Array.from(personaFeatures(d.persona as NonNullable<typeof d.persona>, stats)));
const folds = dialogues.map((_, i) => deriveSeed(i, 'fold') % 5);

/** Perceived features of a dialogue's persuader messages, counted. */
function perceived(messages: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  const inc = (k: string) => out.set(k, (out.get(k) ?? 0) + 1);
  const previous: string[] = [];
  messages.forEach((m, k) => {
    const p = perceive(m, k + 1, previous);
    previous.push(p.normalised);
    if (p.presumesAgreement) inc('presumes-agreement');
    if (p.politeThanks) inc('polite-thanks');
    if (p.acknowledges) inc('acknowledges');
    if (p.ask !== 'none') inc(`ask:${p.ask}`);
    if (p.suggestedAmount !== null) inc(p.suggestedAmount <= 0.5 ? 'suggests:small' : 'suggests:large');
    for (const s of p.strategies) inc(`strategy:${s}`);
    for (const t of p.topics) inc(`topic:${t}`);
    for (const f of Object.keys(p.families)) inc(`family:${f}`);
  });
  return out;
}

function words(messages: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const w of messages.join(' ').toLowerCase().match(/[a-z']+/g) ?? []) out.set(w, (out.get(w) ?? 0) + 1);
  return out;
}

/** Columns used by at least `minDialogues` dialogues, as log(1 + count). */
function design(counts: Map<string, number>[], minDialogues: number): { names: string[]; rows: number[][] } {
  const df = new Map<string, number>();
  for (const c of counts) for (const k of c.keys()) df.set(k, (df.get(k) ?? 0) + 1);
  const names = [...df.entries()]
    .filter(([, n]) => n >= minDialogues)
    .map(([k]) => k)
    .sort();
  return { names, rows: counts.map((c) => names.map((k) => Math.log1p(c.get(k) ?? 0))) };
}

function cvAuc(extra: number[][] | null, lambda: number): number {
  const X = dialogues.map((_, i) => Float64Array.from([...(persona[i] as number[]), ...(extra ? (extra[i] as number[]) : [])]));
  const scores: number[] = [];
  const labels: boolean[] = [];
  for (let f = 0; f < 5; f++) {
    const train = dialogues.map((_, i) => i).filter((i) => folds[i] !== f);
    const m = logisticRegression(
      train.map((i) => X[i] as Float64Array),
      train.map((i) => y[i] as number),
      lambda,
      15,
    );
    dialogues.forEach((_, i) => {
      if (folds[i] !== f) return;
      let z = m.intercept;
      (X[i] as Float64Array).forEach((v, j) => {
        z += (m.weights[j] as number) * v;
      });
      scores.push(z);
      labels.push(y[i] === 1);
    });
  }
  return auc(scores, labels);
}

function best(extra: number[][] | null, lambdas: number[]): { lambda: number; auc: number } {
  let out = { lambda: 0, auc: 0 };
  for (const lambda of lambdas) {
    const a = cvAuc(extra, lambda);
    if (a > out.auc) out = { lambda, auc: a };
  }
  return out;
}

const perceivedDesign = design(
  dialogues.map((d) => perceived(d.persuader)),
  20,
);
const wordDesign = design(
  dialogues.map((d) => words(d.persuader)),
  40,
);
console.log(`fit split: ${dialogues.length} dialogues (held-out never read); 5-fold cross-validated AUC for "gave > $0"`);
const base = best(null, [10, 30, 100, 300]);
console.log(`  persona alone:                                  ${base.auc.toFixed(3)} (λ=${base.lambda})`);
const per = best(perceivedDesign.rows, [10, 30, 100, 300]);
console.log(
  `  persona + perceived persuader features (${perceivedDesign.names.length}):   ${per.auc.toFixed(3)} (λ=${per.lambda}; gain ${(per.auc - base.auc).toFixed(3)})`,
);
const bow = best(wordDesign.rows, [30, 100, 300, 1000]);
console.log(`  persona + persuader bag of words (${wordDesign.names.length} words): ${bow.auc.toFixed(3)} (λ=${bow.lambda}; gain ${(bow.auc - base.auc).toFixed(3)})`);
