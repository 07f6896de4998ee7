/**
 * Fits the polarity model of the v1 ClariQ user (simulators/clarify/clariq-model.ts) on ClariQ
 * *train* and writes `data/clariq/user-model.json`. Dev is only scored, never fitted on.
 *
 *   npx tsx scripts/fit-clariq-user.ts
 *
 * Each train row (request, facet, question, crowd answer) gives one example: the features of the
 * question for the facet, and the crowd answer's polarity by the opening-word rule (`polarityOf`).
 * Deterministic (full-batch gradient descent from zero weights).
 */
import { writeFileSync } from 'node:fs';
import { loadClariq } from '../envs/clarify-common/clariq-data.js';
import { polarityOf } from '../envs/clarify-common/text.js';
import {
  FacetTerms,
  FEATURE_NAMES,
  fitPolarityModel,
  POLARITIES,
  PolarityModel,
  type PolarityModelFile,
  polarityFeatures,
  questionForm,
} from '../simulators/clarify/clariq-model.js';

const corpus = loadClariq();
const rows: { split: string; x: number[]; y: number }[] = [];
for (const t of corpus.topics) {
  for (const f of t.facets) {
    const facet = new FacetTerms(t.request, f.desc);
    for (const [qid, answer] of f.qa) {
      const q = corpus.questions[qid];
      if (!q) continue;
      rows.push({ split: t.split, x: polarityFeatures(q, questionForm(q), facet), y: POLARITIES.indexOf(polarityOf(answer)) });
    }
  }
}
const train = rows.filter((r) => r.split === 'train');
const dev = rows.filter((r) => r.split === 'dev');
const fit = fitPolarityModel(
  train.map((r) => r.x),
  train.map((r) => r.y),
);
const file: PolarityModelFile = {
  attribution: 'Fitted by scripts/fit-clariq-user.ts on the train split of ClariQ (see ATTRIBUTION.md).',
  fittedOn: `ClariQ train: ${train.length} (request, facet, question, answer) rows`,
  features: [...FEATURE_NAMES],
  classes: [...POLARITIES],
  ...fit,
};
const model = new PolarityModel(file);
const acc = (rs: typeof rows) => rs.filter((r) => POLARITIES.indexOf(model.decide(r.x)) === r.y).length / rs.length;
file.figures = { trainAgreement: Math.round(acc(train) * 1e4) / 1e4, devAgreement: Math.round(acc(dev) * 1e4) / 1e4 };
writeFileSync('data/clariq/user-model.json', `${JSON.stringify(file, null, 1)}\n`);
process.stdout.write(`wrote data/clariq/user-model.json: train ${(100 * acc(train)).toFixed(1)} %, dev ${(100 * acc(dev)).toFixed(1)} % polarity agreement\n`);
