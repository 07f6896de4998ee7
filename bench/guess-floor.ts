/**
 * The floor: guess-the-number written by hand in plain TypeScript, with nothing of dialogym's
 * machinery (no statechart, no registry, no wrappers, no schema validation of the simulator's turns),
 * returning exactly what `make('GuessNumber-v0')` returns: the same observations, rewards,
 * termination, truncation at the registered 20 steps and info, field for field and in the same key
 * order (test/bench/guess-floor.test.ts checks it over many seeds and players). `npm run bench`
 * times both in the same run, interleaved, and reports dialogym / floor: what the gym's
 * generality costs over the game itself.
 *
 * It is what a careful author would write for speed: the scripted user's answer inline, the
 * transcript appended in place, rewards summed without maps. The observation's transcript is still
 * a fresh copy per step, as dialogym's is, because an agent may keep or modify what it is given.
 */
import { answerQuestion, type GuessScenario } from '../envs/guess-number/index.js';
import { deriveSeed, Rng } from '../core/rng.js';
import type { Observation, ResetResult, StepInfo, StepResult, TranscriptEntry } from '../core/types.js';

const SAMPLE_ACTIONS = ['ASK is it greater than 50?', 'ASK is it even?', 'GUESS 50'];
const WORDS = { yes: ['Yes.', 'Yep.', 'That is right.'], no: ['No.', 'Nope.', 'No, it is not.'] };
const UNKNOWN = 'I can only answer yes/no questions about the number.';
const ACTION = /^\s*(ASK|GUESS)\s+([\s\S]+?)\s*$/i;

export interface GuessFloorOptions {
  lo?: number;
  hi?: number;
  questionCost?: number;
  maxEpisodeSteps?: number;
  seed?: number;
}

export class GuessNumberFloor {
  private readonly lo: number;
  private readonly hi: number;
  private readonly questionCost: number;
  private readonly maxSteps: number;
  private readonly seedStream: Rng;
  private scenario: GuessScenario = { lo: 0, hi: 0, secret: 0 };
  private rng: Rng = Rng.fromSeed(0);
  private instructions = '';
  private transcript: TranscriptEntry[] = [];
  private questions = 0;
  private steps = 0;
  private done = true;
  private outcome: 'correct' | 'wrong' | undefined;
  /** Cumulative reward per component, as the env keeps them, so rounding matches. */
  private correctTotal = 0;
  private costTotal = 0;

  constructor(opts: GuessFloorOptions = {}) {
    this.lo = opts.lo ?? 1;
    this.hi = opts.hi ?? 100;
    this.questionCost = opts.questionCost ?? 0.05;
    this.maxSteps = opts.maxEpisodeSteps ?? 20;
    this.seedStream = Rng.fromSeed(opts.seed ?? 0);
  }

  async reset(opts: { seed?: number } = {}): Promise<ResetResult> {
    const seed = opts.seed ?? this.seedStream.seed();
    const lo = this.lo;
    const hi = this.hi;
    this.scenario = { lo, hi, secret: Rng.fromSeed(deriveSeed(seed, 'scenario')).int(lo, hi) };
    this.rng = Rng.fromSeed(deriveSeed(seed, 'simulator'));
    this.instructions =
      `You are guessing a hidden integer from ${lo} to ${hi}. ` +
      'Actions: `ASK <yes/no question>` (e.g. ASK is it greater than 50?) or `GUESS <n>` to end. ' +
      'Each question costs a little; a correct guess earns 1.';
    const greeting = { utterance: `I'm thinking of a number from ${lo} to ${hi}.`, answer: 'greeting' as const };
    this.transcript = [{ role: 'user', text: greeting.utterance }];
    this.questions = 0;
    this.steps = 0;
    this.done = false;
    this.outcome = undefined;
    this.correctTotal = 0;
    this.costTotal = 0;
    return {
      observation: this.observation(`user: ${greeting.utterance}`),
      info: { rewardComponents: {}, questions: 0, success: false, simulatorTurns: [greeting], seed },
    };
  }

  async step(action: string): Promise<StepResult> {
    if (this.done) throw new Error('step() after the episode ended; call reset()');
    this.steps += 1;
    const m = ACTION.exec(action);
    let invalid: string | undefined;
    let result: StepResult | undefined;
    if (!m) invalid = 'expected `ASK <question>` or `GUESS <n>`';
    else if ((m[1] as string).toUpperCase() === 'ASK') {
      const text = m[2] as string;
      if (text.length > 500) invalid = 'question longer than 500 characters';
      else result = this.ask(text);
    } else if (!/^-?\d+$/.test(m[2] as string)) invalid = '`GUESS` takes an integer';
    else result = this.guess(Number(m[2]));
    if (invalid !== undefined) {
      const info: StepInfo = { rewardComponents: {}, questions: this.questions, success: false, simulatorTurns: [] };
      info.invalidAction = { reason: invalid };
      const observation = this.observation(`Invalid action: ${invalid}.`);
      observation.invalidAction = { reason: invalid };
      result = { observation, reward: 0, terminated: false, truncated: false, info };
    }
    const r = result as StepResult;
    if (this.steps >= this.maxSteps && !r.terminated) {
      r.truncated = true;
      r.info.terminationReason = 'time_limit';
    }
    return r;
  }

  private ask(text: string): StepResult {
    this.questions += 1;
    const before = this.costTotal;
    this.costTotal = before - this.questionCost;
    this.transcript.push({ role: 'agent', text });
    const a = answerQuestion(this.scenario.secret, text);
    const turn = { utterance: a === 'unknown' ? UNKNOWN : this.rng.pick(WORDS[a]), answer: a };
    this.transcript.push({ role: 'user', text: turn.utterance });
    const d = Math.round((this.costTotal - before) * 1e12) / 1e12;
    return {
      observation: this.observation(`user: ${turn.utterance}`),
      reward: d,
      terminated: false,
      truncated: false,
      info: { rewardComponents: d === 0 ? {} : { questionCost: d }, questions: this.questions, success: false, simulatorTurns: [turn] },
    };
  }

  private guess(value: number): StepResult {
    const right = value === this.scenario.secret;
    this.transcript.push({ role: 'agent', text: `My guess: ${value}` });
    this.done = true;
    this.outcome = right ? 'correct' : 'wrong';
    const before = this.correctTotal;
    this.correctTotal = right ? 1 : 0;
    const d = Math.round((this.correctTotal - before) * 1e12) / 1e12;
    return {
      observation: this.observation(''),
      reward: d,
      terminated: true,
      truncated: false,
      info: {
        rewardComponents: d === 0 ? {} : { correct: d },
        questions: this.questions,
        success: right,
        simulatorTurns: [],
        terminationReason: this.outcome,
      },
    };
  }

  private observation(newText: string): Observation {
    const t = this.transcript;
    const transcript = new Array<TranscriptEntry>(t.length);
    for (let i = 0; i < t.length; i++) {
      const e = t[i] as TranscriptEntry;
      transcript[i] = { role: e.role, text: e.text };
    }
    const obs: Observation = { instructions: this.instructions, newText, transcript };
    if (!this.done) obs.sampleActions = SAMPLE_ACTIONS.slice();
    return obs;
  }
}
