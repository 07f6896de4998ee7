/**
 * Writes the golden episode records and statechart drawings that `test/core/golden-records.test.ts`
 * compares against (see test/support/golden-records.ts for what they hold and why).
 *
 *   npx tsx scripts/golden-records.ts                 # every registered env
 *   npx tsx scripts/golden-records.ts --env X-v1 ...  # only these envs
 *   npx tsx scripts/golden-records.ts --missing       # only envs that have no goldens yet
 *
 * Regenerate an env's goldens only when its version was bumped (its dynamics changed on purpose),
 * or to add a new env: the point of the files is that nothing else changes them.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { goldenEnvIds, goldenRecords, graphOf, toJsonl } from '../test/support/golden-records.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const GOLDEN_DIR = join(ROOT, 'test', 'golden');

const args = process.argv.slice(2);
const missingOnly = args.includes('--missing');
const wanted: string[] = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--env') {
    const v = args[++i];
    if (!v) {
      process.stderr.write('golden-records: --env needs an env id\n');
      process.exit(2);
    }
    wanted.push(v);
  } else if (args[i] !== '--missing') {
    process.stderr.write(`golden-records: unknown argument '${args[i]}'\nusage: npx tsx scripts/golden-records.ts [--env id ...] [--missing]\n`);
    process.exit(2);
  }
}
const all = goldenEnvIds();
for (const id of wanted) {
  if (!all.includes(id)) {
    process.stderr.write(`golden-records: no env '${id}' (registered: ${all.join(', ')})\n`);
    process.exit(2);
  }
}
const recordsDir = join(GOLDEN_DIR, 'records');
const graphsDir = join(GOLDEN_DIR, 'graphs');
mkdirSync(recordsDir, { recursive: true });
mkdirSync(graphsDir, { recursive: true });
for (const id of wanted.length ? wanted : all) {
  const recordsFile = join(recordsDir, `${id}.jsonl`);
  if (missingOnly && existsSync(recordsFile)) continue;
  const t0 = performance.now();
  const records = await goldenRecords(id);
  writeFileSync(recordsFile, toJsonl(records));
  writeFileSync(join(graphsDir, `${id}.mmd`), `${await graphOf(id)}\n`);
  process.stderr.write(`${id}: ${records.length} records in ${Math.round(performance.now() - t0)} ms\n`);
}
