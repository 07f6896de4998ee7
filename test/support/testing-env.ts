/**
 * A generic env with injectable reset/step, for testing wrappers and the checker in isolation
 * (after Gymnasium's testing_env). Its state is one JSON object, so snapshots are trivial.
 */
import { ProtocolError } from '../../core/machine-env.js';
import { Rng } from '../../core/rng.js';
import {
  type Env,
  type EnvSnapshot,
  emptyUsage,
  type Json,
  type Observation,
  type ResetOptions,
  type ResetResult,
  type StepResult,
} from '../../core/types.js';

export interface TestingState {
  seed: number;
  count: number;
  transcript: { role: string; text: string }[];
  [k: string]: Json;
}

export interface TestingEnvFns {
  reset?: (state: TestingState, rng: Rng) => void;
  /** Mutates state; returns the step result fields. Default: 'inc' adds 1 reward, ends at 5. */
  step?: (state: TestingState, action: string, rng: Rng) => Omit<StepResult, 'observation'>;
}

/** The player's view: the transcript, `inc` as the one legal action while the episode runs, and invalid-action feedback. */
const observe = (s: TestingState, r?: Omit<StepResult, 'observation'>): Observation => {
  const o: Observation = {
    instructions: 'Say inc.',
    newText: s.transcript.at(-1)?.text ?? '',
    transcript: s.transcript.map((t) => ({ ...t })),
  };
  if (!r?.terminated && !r?.truncated) o.legalActions = ['inc'];
  if (r?.info.invalidAction) o.invalidAction = { ...r.info.invalidAction };
  return o;
};

export function defaultStep(state: TestingState, action: string): Omit<StepResult, 'observation'> {
  if (action.trim() !== 'inc') {
    return {
      reward: 0,
      terminated: false,
      truncated: false,
      info: { rewardComponents: {}, invalidAction: { reason: 'say inc' } },
    };
  }
  state.count += 1;
  state.transcript.push({ role: 'user', text: `count is ${state.count}` });
  return {
    reward: 1,
    terminated: state.count >= 5,
    truncated: false,
    info: { rewardComponents: { inc: 1 } },
  };
}

export class TestingEnv implements Env {
  readonly spec = { id: 'Testing-v0', version: '1.0.0', kwargs: {} };
  readonly scenarioSchema = { type: 'object', required: ['start'], properties: { start: { type: 'integer' } } };
  readonly simulatorConfig = { kind: 'scripted' };
  state: TestingState | undefined;
  rng = Rng.fromSeed(0);
  closedCount = 0;

  constructor(private readonly fns: TestingEnvFns = {}) {}

  async reset(opts: ResetOptions = {}): Promise<ResetResult> {
    const seed = opts.seed ?? 0;
    const scenario = opts.options?.scenario as { start?: number } | undefined;
    if (scenario && typeof scenario.start !== 'number') throw new Error('invalid scenario: /start is required');
    this.rng = Rng.fromSeed(seed);
    this.state = { seed, count: scenario?.start ?? 0, transcript: [{ role: 'user', text: 'hi' }] };
    this.fns.reset?.(this.state, this.rng);
    return { observation: observe(this.state), info: { rewardComponents: {}, seed } };
  }

  async step(action: string): Promise<StepResult> {
    if (!this.state) throw new ProtocolError('step() before reset()');
    const r = (this.fns.step ?? defaultStep)(this.state, action, this.rng);
    return { observation: observe(this.state, r), ...r };
  }

  render(): string {
    return this.state?.transcript.map((t) => `${t.role}: ${t.text}`).join('\n') ?? '';
  }
  async close(): Promise<void> {
    this.closedCount += 1;
  }
  snapshot(): EnvSnapshot {
    if (!this.state) throw new ProtocolError('snapshot() before reset()');
    return structuredClone({ envId: this.spec.id, envVersion: this.spec.version, state: this.state, rng: this.rng.getState() });
  }
  async restore(s: EnvSnapshot): Promise<void> {
    this.state = structuredClone(s.state);
    this.rng = Rng.fromState(s.rng);
  }
  scenario(): Json {
    return { start: 0 };
  }
  usage() {
    return emptyUsage();
  }
}
