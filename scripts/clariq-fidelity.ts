/**
 * (Legacy: the v0 ClariQ user of ClarifySearch-v0. The v1 user is measured by
 * `dialogym calibrate clariq`, see docs/envs/clarify-search.md.)
 *
 * Prints the fidelity of the scripted ClariQ user (polarity agreement and token F1 with the crowd
 * answers) on ClariQ dev and the multi-turn dialogues (both unseen topics, train-only grounding)
 * and on train leave-one-out (the grounded path).
 *
 *   npx tsx scripts/clariq-fidelity.ts [--json]
 */
import { clariqFidelity } from '../simulators/clarify/fidelity.js';

const rows = (['dev', 'multiturn', 'train-loo'] as const).map((s) => clariqFidelity(s));
if (process.argv.includes('--json')) {
  process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
} else {
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  process.stdout.write('set         n      polarity-agree  token-F1  grounded  majority-baseline  facet-reveal human/sim\n');
  for (const r of rows) {
    process.stdout.write(
      `${r.set.padEnd(11)} ${String(r.n).padEnd(6)} ${pct(r.polarityAgreement).padEnd(15)} ${r.tokenF1.toFixed(3).padEnd(9)} ${pct(r.groundedShare).padEnd(9)} ${pct(r.majorityBaseline).padEnd(18)} ${r.revealHuman.toFixed(2)} / ${r.revealSimulated.toFixed(2)}\n`,
    );
  }
}
