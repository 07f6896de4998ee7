/**
 * Builds data/clariq/clariq.json from the published ClariQ files.
 *
 *   npx tsx scripts/build-clariq-data.ts <clariq-folder> [out-dir]
 *
 * <clariq-folder> holds train.tsv, dev.tsv, question_bank.tsv and
 * multi_turn_human_generated_data.tsv. Rows without a question or answer (ClariQ's "no question
 * needed" rows) are kept out of the per-facet answers but their facets and topics are kept.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseClariqRows, parseTsv } from '../envs/clarify-common/clariq-tsv.js';
import type { ClariqCorpus, ClariqDialogue, ClariqTopic } from '../envs/clarify-common/clariq-data.js';

const [src, outDir = 'data/clariq'] = process.argv.slice(2);
if (!src) {
  process.stderr.write('usage: tsx scripts/build-clariq-data.ts <clariq-folder> [out-dir]\n');
  process.exit(2);
}

const ATTRIBUTION =
  'ClariQ: Aliannejadi, Kiseleva, Chuklin, Dalton and Burtsev, "ConvAI3: Generating Clarifying Questions for ' +
  'Open-Domain Dialogue Systems (ClariQ)", 2020, and "Building and Evaluating Open-Domain Dialogue Corpora with ' +
  'Clarifying Questions", EMNLP 2021. Research data as published by the authors (github.com/aliannejadi/ClariQ).';

const topics = new Map<string, ClariqTopic>();
for (const split of ['train', 'dev'] as const) {
  for (const r of parseClariqRows(readFileSync(join(src, `${split}.tsv`), 'utf8'))) {
    let t = topics.get(r.topicId);
    if (!t) {
      t = { id: r.topicId, split, request: r.request, need: r.need, facets: [] };
      topics.set(r.topicId, t);
    }
    let f = t.facets.find((x) => x.id === r.facetId);
    if (!f) {
      f = { id: r.facetId, desc: r.facet, qa: [] };
      t.facets.push(f);
    }
    if (r.questionId && r.question && r.answer) f.qa.push([r.questionId, r.answer]);
  }
}

const questions: Record<string, string> = {};
for (const r of parseTsv(readFileSync(join(src, 'question_bank.tsv'), 'utf8'))) {
  if (r.question_id && r.question) questions[r.question_id] = r.question;
}

const dialogues: ClariqDialogue[] = [];
for (const r of parseTsv(readFileSync(join(src, 'multi_turn_human_generated_data.tsv'), 'utf8'))) {
  const turns: [string, string][] = [];
  for (const i of [1, 2, 3]) {
    const q = r[`question${i}`] ?? '';
    const a = r[`answer${i}`] ?? '';
    if (q && a) turns.push([q, a]);
  }
  if (!r.topic_id || !r.facet || !turns.length) continue;
  dialogues.push({ topicId: r.topic_id, facetId: r.facet_id ?? '', facet: r.facet, request: r.initial_request ?? '', turns });
}

const corpus: ClariqCorpus = {
  attribution: ATTRIBUTION,
  topics: [...topics.values()].sort((a, b) => Number(a.id) - Number(b.id)),
  questions,
  dialogues,
};
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'clariq.json'), JSON.stringify(corpus));
const nFacets = corpus.topics.reduce((s, t) => s + t.facets.length, 0);
const nQa = corpus.topics.reduce((s, t) => s + t.facets.reduce((u, f) => u + f.qa.length, 0), 0);
process.stdout.write(
  `wrote ${join(outDir, 'clariq.json')}: ${corpus.topics.length} topics, ${nFacets} facets, ${nQa} answers, ` +
    `${Object.keys(questions).length} bank questions, ${dialogues.length} dialogues\n`,
);
