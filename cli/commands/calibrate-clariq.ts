/**
 * `dialogym calibrate clariq [--seeds N] [--limit N] [--sim scripted|llm]`: how well a ClarifySearch-v1
 * user answers clarifying questions the way ClariQ's crowd workers did.
 *
 * For every (request, facet, question) row of ClariQ dev (topics never used to fit the polarity
 * model) and the first question of each multi-turn human dialogue, a fresh user holding that facet
 * answers the question; its answer is compared with the crowd's (simulators/clarify/fidelity-v1.ts):
 * polarity agreement of the decision and of the opening-word rule on both texts, beside the
 * always-"no" and by-form baselines; token F1; how much of the need the answers tell. The scripted
 * user is grounded on train only (never on the row's own answer); `--seeds` averages its draws
 * (which replies are bare, which crowd statement it holds). `--sim llm` measures the LLM user the
 * same way on the endpoint given by the --sim-* flags (one request per row; use --limit).
 */
import { ConfigError } from '../../core/errors.js';
import type { SimulatorConfig } from '../../core/types.js';
import type { SearchScenario } from '../../envs/clarify-common/types.js';
import { LlmClariqUserV1 } from '../../simulators/clarify/llm-users.js';
import {
  type ClariqFidelity,
  type ClariqItem,
  type ClariqSet,
  clariqFidelityV1,
  clariqItems,
  formatClariqFidelity,
  type ItemAnswerer,
  scriptedAnswerer,
} from '../../simulators/clarify/fidelity-v1.js';
import { Rng, deriveSeed } from '../../core/rng.js';
import { setupLlm } from '../llm-options.js';
import type { Calibration, CalibrationOptions } from './calibrate.js';

/** Mean of several runs' figures (same items, different seeds). */
function meanOf(rows: ClariqFidelity[]): ClariqFidelity {
  const first = rows[0] as ClariqFidelity;
  if (rows.length === 1) return first;
  const avg = (f: (r: ClariqFidelity) => number) => rows.reduce((s, r) => s + f(r), 0) / rows.length;
  const byForm: ClariqFidelity['byForm'] = {};
  for (const [k, v] of Object.entries(first.byForm)) {
    byForm[k] = {
      n: v.n,
      decisionAgreement: avg((r) => r.byForm[k]?.decisionAgreement ?? 0),
      ruleAgreement: avg((r) => r.byForm[k]?.ruleAgreement ?? 0),
    };
  }
  return {
    ...first,
    simulator: `${first.simulator}×${rows.length}`,
    decisionAgreement: avg((r) => r.decisionAgreement),
    ruleAgreement: avg((r) => r.ruleAgreement),
    tokenF1: avg((r) => r.tokenF1),
    revealSimulated: avg((r) => r.revealSimulated),
    openRevealSimulated: avg((r) => r.openRevealSimulated),
    byForm,
  };
}

/** The LLM user on each row; a row whose request fails after the LLM layer's retries and repairs counts in `failures`. */
function llmAnswerer(
  opts: CalibrationOptions,
  simulator: SimulatorConfig,
  llm: NonNullable<Awaited<ReturnType<typeof setupLlm>>['sim']>,
  failures: { n: number; last?: string },
): ItemAnswerer {
  return async (it: ClariqItem, i: number) => {
    const scenario: SearchScenario = {
      topicId: it.topicId,
      request: it.request,
      clarificationNeed: 2,
      facet: { id: it.facetId, description: it.facet },
      otherFacets: it.otherFacets,
    };
    const user = new LlmClariqUserV1({ scenario, rng: Rng.fromSeed(deriveSeed(opts.seeds ?? 0, `clariq-llm/${i}`)), config: simulator, llm });
    await user.respond({ kind: 'open' });
    try {
      return await user.respond({ kind: 'question', text: it.question });
    } catch (err) {
      failures.n += 1;
      failures.last = (err as Error).message;
      return { utterance: '(no answer)', polarity: 'other' as const };
    }
  };
}

export async function runClariqCalibration(opts: CalibrationOptions, out: { write(s: string): unknown } = process.stdout): Promise<ClariqFidelity[]> {
  const sim = opts.sim ?? 'scripted';
  if (sim !== 'scripted' && sim !== 'llm') throw new ConfigError(`calibrate clariq: --sim must be scripted or llm (got '${sim}')`);
  const seeds = opts.seeds ?? 1;
  if (!Number.isInteger(seeds) || seeds < 1 || seeds > 20) throw new ConfigError('--seeds must be an integer from 1 to 20');
  const sets: ClariqSet[] = ['dev', 'multiturn'];
  const rows: ClariqFidelity[] = [];
  // Progress per set (cli/progress.ts): each answered item is a tick.
  const counted = (set: ClariqSet, runs: number, answer: ItemAnswerer): ItemAnswerer => {
    const total = runs * clariqItems(set, opts.limit).length;
    const bar = opts.progressFor?.(`${set} items`, total, 'answers');
    let done = 0;
    return async (it, i) => {
      const turn = await answer(it, i);
      bar?.tick();
      done += 1;
      if (done >= total) bar?.stop();
      return turn;
    };
  };
  if (sim === 'scripted') {
    for (const set of sets) {
      const runs: ClariqFidelity[] = [];
      for (let k = 0; k < seeds; k++) runs.push(await clariqFidelityV1(set, counted(set, 1, scriptedAnswerer(k)), 'scripted', opts.limit));
      rows.push(meanOf(runs));
    }
  } else {
    const llm = await setupLlm(opts, { sim: true, agent: false });
    if (!llm.sim || !llm.simulator) throw new ConfigError('calibrate clariq --sim llm needs a simulator endpoint (--sim-model, --sim-base-url)');
    const failures = { n: 0 } as { n: number; last?: string };
    for (const set of sets) rows.push(await clariqFidelityV1(set, counted(set, 1, llmAnswerer(opts, llm.simulator, llm.sim, failures)), `llm:${llm.sim.model}`, opts.limit));
    out.write(`${llm.describe()}\n`);
    if (failures.n) out.write(`${failures.n} row(s) got no valid LLM answer (counted as "other"); last error: ${failures.last}\n`);
  }
  out.write(
    'ClariQ user fidelity (ClarifySearch-v1): polarity agreement with the crowd answer, decision (the turn\'s polarity) and ' +
      'rule (opening words of both texts), beside always-"no" and by-form (yes/no → no, others → other) baselines\n',
  );
  out.write(`${formatClariqFidelity(rows)}\n`);
  return rows;
}

export const clariqCalibration: Calibration = {
  name: 'clariq',
  aliases: ['clarifysearch', 'clarifysearch-v1'],
  description: 'ClariQ: answers of the ClarifySearch-v1 user vs the crowd on dev (polarity, content)',
  async run(opts) {
    await runClariqCalibration(opts);
  },
};
