/**
 * `checkEnv`: the conformance checks every dialogym env must pass. It takes a factory so that it
 * can use fresh instances (determinism across instances, step before reset).
 *
 * Checked:
 * - reset/step return shapes, finite rewards, components summing to the reward;
 * - determinism: two fresh envs, same seed and same actions → deeply equal observations, rewards, infos;
 * - scenario round trip: resetting with `options.scenario` = the sampled scenario gives the same episode;
 * - snapshot/restore at a random turn (through JSON) reproduces the rest of the episode;
 * - junk actions never throw; an action flagged invalid leaves the hidden state unchanged; empty and
 *   whitespace actions are always flagged;
 * - what the agent is given holds nothing hidden: observations carry only the keys a player sees
 *   (`OBSERVATION_KEYS`), and none of the episode's `secrets()` appear in them before the episode ends;
 * - a bad scenario is rejected with a message naming the field;
 * - `step` before `reset` is an error; `close` twice is fine; `render` returns text.
 */
import { isDeepStrictEqual } from 'node:util';
import { Rng } from './rng.js';
import { type Env, type Json, OBSERVATION_KEYS, type Observation, type StepInfo, type StepResult } from './types.js';

export interface CheckOptions {
  /** Seeds used for the episodes the checker plays. */
  seeds?: number[];
  /** Longest episode prefix the checker plays per seed. */
  maxSteps?: number;
  /** Picks the checker's actions; defaults to legal or sample actions drawn with a seeded stream. */
  policy?: (obs: Observation, rng: Rng) => string;
}

export interface CheckReport {
  envId: string;
  ok: boolean;
  failures: string[];
  checks: number;
}

export const JUNK_ACTIONS: readonly string[] = [
  '',
  '   \n\t  ',
  'x'.repeat(100_000),
  '\u0000\u0001\u0007\u001b[31m\u007f',
  '\ud800\udfff\ud800 lone surrogates \udc00',
  '{"type":"GUESS","value":1,"__proto__":{"polluted":true}}',
  '```json\n{"action": "submit"}\n```\n# Heading\n- item',
  '<script>alert(1)</script>',
];

/** Actions that no env may accept as meaningful. */
const ALWAYS_INVALID = new Set(['', '   \n\t  ']);

export function defaultPolicy(obs: Observation, rng: Rng): string {
  if (obs.legalActions?.length) return rng.pick(obs.legalActions);
  if (obs.sampleActions?.length) return rng.pick(obs.sampleActions);
  return 'hello';
}

interface Played {
  reset: { observation: Observation; info: StepInfo };
  actions: string[];
  steps: StepResult[];
}

function normalize(v: Json): Json {
  return JSON.parse(JSON.stringify(v));
}

/** The env's own state, without wrapper bookkeeping (step counters change on every step). */
function coreSnapshot(env: Env): Json {
  const { wrappers: _w, ...rest } = env.snapshot() as Json;
  return normalize(rest);
}

async function play(env: Env, seed: number, maxSteps: number, policy: CheckOptions['policy']): Promise<Played> {
  const reset = await env.reset({ seed });
  const rng = Rng.fromSeed(seed ^ 0x5bd1e995);
  const actions: string[] = [];
  const steps: StepResult[] = [];
  let obs = reset.observation;
  for (let i = 0; i < maxSteps; i++) {
    const a = (policy ?? defaultPolicy)(obs, rng);
    actions.push(a);
    const r = await env.step(a);
    steps.push(normalize(r));
    if (r.terminated || r.truncated) break;
    obs = r.observation;
  }
  return { reset: normalize(reset), actions, steps };
}

function firstDifference(a: Json, b: Json, path = ''): string {
  if (isDeepStrictEqual(a, b)) return '';
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const d = firstDifference(a[k], b[k], `${path}/${k}`);
      if (d) return d;
    }
  }
  const show = (v: Json) => {
    const s = JSON.stringify(v);
    return s === undefined ? 'undefined' : s.length > 120 ? `${s.slice(0, 120)}…` : s;
  };
  return `${path || '/'}: ${show(a)} vs ${show(b)}`;
}

export async function checkEnv(makeEnv: () => Env, opts: CheckOptions = {}): Promise<CheckReport> {
  const failures: string[] = [];
  let checks = 0;
  const seeds = opts.seeds ?? [1, 2, 3];
  const maxSteps = opts.maxSteps ?? 25;
  const probe = makeEnv();
  const envId = probe.spec.id;
  const fail = (msg: string) => failures.push(msg);
  const attempt = async (name: string, fn: () => Promise<void>) => {
    checks += 1;
    try {
      await fn();
    } catch (err) {
      fail(`${name}: threw ${(err as Error)?.stack?.split('\n').slice(0, 3).join(' | ') ?? String(err)}`);
    }
  };

  await attempt('step before reset', async () => {
    let threw = false;
    try {
      await probe.step('hello');
    } catch {
      threw = true;
    }
    if (!threw) fail('step before reset: expected an error');
  });

  await attempt('determinism', async () => {
    for (const seed of seeds) {
      const a = makeEnv();
      const b = makeEnv();
      const pa = await play(a, seed, maxSteps, opts.policy);
      const pb = await play(b, seed, maxSteps, opts.policy);
      const d = firstDifference(pa, pb);
      if (d) fail(`determinism (seed ${seed}): same seed and actions differ at ${d}`);
      if (typeof a.render() !== 'string') fail('render: must return a string');
      await a.close();
      await b.close();
    }
  });

  await attempt('scenario round trip', async () => {
    const seed = seeds[0] ?? 1;
    const a = makeEnv();
    const first = normalize(await a.reset({ seed }));
    const scenario = normalize(a.scenario());
    const again = normalize(await a.reset({ seed, options: { scenario } }));
    const d = firstDifference(first, again);
    if (d) fail(`scenario round trip: reset with the sampled scenario differs at ${d}`);
    await a.close();
  });

  await attempt('snapshot/restore', async () => {
    for (const seed of seeds) {
      const env = makeEnv();
      const full = await play(env, seed, maxSteps, opts.policy);
      if (full.steps.length < 2) continue;
      const k = Rng.fromSeed(seed).int(1, full.steps.length - 1);
      // Replay the first k actions, snapshot, then continue on a fresh env restored from JSON.
      await env.reset({ seed });
      for (let i = 0; i < k; i++) await env.step(full.actions[i] as string);
      const snap = normalize(env.snapshot());
      const other = makeEnv();
      await other.restore(snap);
      for (let i = k; i < full.actions.length; i++) {
        const r = normalize(await other.step(full.actions[i] as string));
        const d = firstDifference(full.steps[i], r);
        if (d) {
          fail(`snapshot/restore (seed ${seed}, snapshot after step ${k}): step ${i + 1} differs at ${d}`);
          break;
        }
      }
      await env.close();
      await other.close();
    }
  });

  await attempt('junk actions', async () => {
    const env = makeEnv();
    await env.reset({ seed: seeds[0] ?? 1 });
    for (const junk of JUNK_ACTIONS) {
      const before = coreSnapshot(env);
      let r: StepResult;
      try {
        r = await env.step(junk);
      } catch (err) {
        fail(`junk action ${JSON.stringify(junk.slice(0, 30))}: threw ${(err as Error).message}`);
        return;
      }
      if (ALWAYS_INVALID.has(junk) && !r.info.invalidAction) {
        fail(`junk action ${JSON.stringify(junk)}: not flagged as invalidAction`);
      }
      if (r.info.invalidAction) {
        const after = coreSnapshot(env);
        const d = firstDifference(before, after);
        if (d) fail(`junk action ${JSON.stringify(junk.slice(0, 30))}: flagged invalid but state changed at ${d}`);
        if (typeof r.info.invalidAction.reason !== 'string' || !r.observation.newText || !r.observation.invalidAction) {
          fail('invalid action: needs a reason and feedback in the observation (newText and invalidAction)');
        }
      }
      if (r.terminated || r.truncated) await env.reset({ seed: seeds[0] ?? 1 });
    }
    await env.close();
  });

  await attempt('agent sees nothing hidden', async () => {
    for (const seed of seeds) {
      const env = makeEnv();
      const reset = await env.reset({ seed });
      const secrets = env.secrets?.() ?? [];
      const rng = Rng.fromSeed(seed ^ 0x2545f491);
      const inspect = (o: Observation, when: string, ended: boolean) => {
        const extra = Object.keys(o).filter((k) => !OBSERVATION_KEYS.includes(k));
        if (extra.length) fail(`hidden state (seed ${seed}, ${when}): observation carries ${extra.join(', ')}`);
        if (ended) return; // an episode may reveal its outcome once it is over
        const text = JSON.stringify(o).toLowerCase();
        for (const s of secrets) {
          if (text.includes(s.toLowerCase())) fail(`hidden state (seed ${seed}, ${when}): observation contains the secret ${JSON.stringify(s.slice(0, 60))}`);
        }
      };
      inspect(reset.observation, 'reset', false);
      let obs = reset.observation;
      for (let i = 0; i < maxSteps; i++) {
        const r = await env.step((opts.policy ?? defaultPolicy)(obs, rng));
        const ended = r.terminated || r.truncated;
        inspect(r.observation, `step ${i + 1}`, ended);
        if (ended) break;
        obs = r.observation;
      }
      await env.close();
    }
  });

  await attempt('bad scenario', async () => {
    const env = makeEnv();
    let msg = '';
    try {
      await env.reset({ seed: 1, options: { scenario: { definitelyNotAField: 1 } } });
    } catch (err) {
      msg = (err as Error).message;
    }
    if (!msg) fail('bad scenario: accepted a scenario that violates the schema');
    else if (!/\//.test(msg)) fail(`bad scenario: message does not name a field: ${msg}`);
    await env.close();
  });

  await attempt('close twice', async () => {
    const env = makeEnv();
    await env.reset({ seed: 1 });
    await env.close();
    await env.close();
  });
  await probe.close();
  return { envId, ok: failures.length === 0, failures, checks };
}
