/**
 * The statechart is the environment.
 *
 * An env author writes an `EnvDefinition`: an XState v5 machine factory plus pure mappings (scenario
 * sampling, action parsing, observation, info). `MachineEnv` runs it with Gymnasium semantics:
 *
 * - The agent's action becomes an event sent to the machine (after `parseAction` accepted it and the
 *   machine said it `can` take it; otherwise the step is an invalid action and nothing changes).
 * - The user simulator is reached through `deps.userTurn(input)`, which env machines call from an
 *   invoked promise actor. The core validates every simulator turn against its JSON Schema and logs
 *   it for the episode record.
 * - The machine is driven by one of three engines that give identical episodes (core/machine-runner.ts):
 *   `compiled` (dialogym's own executor of the machine definition, the default), `transition`
 *   (XState's pure transition function) or `interpreter` (XState's actors). In the first two the
 *   core calls the invoked promise creators itself: no actor is created per step.
 * - `step` resolves when the machine is again in a state tagged `agentTurn`, or has reached a final
 *   state (terminated), or has failed (terminated with `info.error`).
 * - Rewards are read from `context.rewardTotals`, cumulative per component; the step reward is the
 *   sum of the components' increases. Env machines only ever add to these totals.
 */
import type { AnyStateMachine, EventObject } from 'xstate';
import { CompiledRunner } from './compiled-machine.js';
import {
  bestEngine,
  type EngineName,
  engineObstacle,
  InterpreterRunner,
  type MachineRunner,
  rejectedPromise,
  type Settled,
  SimulatorTurnError,
  settledPromise,
  TransitionRunner,
} from './machine-runner.js';
import { nonStringActionReason } from './input.js';
import { deriveSeed, Rng } from './rng.js';
import { assertValid, compileSchema, formatErrors, type JsonSchema } from './schema.js';
import {
  addUsage,
  type Env,
  type EnvSnapshot,
  type EnvSpec,
  type EpisodeError,
  emptyUsage,
  type Json,
  type Observation,
  type ResetOptions,
  type ResetResult,
  type SimulatorConfig,
  type StepInfo,
  type StepResult,
  type TranscriptEntry,
  type Usage,
} from './types.js';
import type { LlmProvider, SimulatorFactory, UserSimulator } from '../simulators/types.js';

/** The part of every env machine's context the core reads. */
export interface BaseContext {
  /** Cumulative reward per component. The machine only adds to these. */
  rewardTotals: Record<string, number>;
  /** Set by the machine when it ends the episode. */
  terminationReason?: string;
}

export interface MachineDeps<TScenario = Json> {
  scenario: TScenario;
  kwargs: Record<string, Json>;
  /** The env's own stream (e.g. for shuffles inside the machine); snapshotted by the core. */
  rng: Rng;
  /** Ask the user simulator for its next turn; validated and logged by the core. Call it from a promise actor. */
  userTurn: (input: Json) => Promise<Json>;
}

export interface AgentView {
  instructions: string;
  transcript: TranscriptEntry[];
  /** Overrides the default newText (the transcript entries added since the agent's last action, minus its own). */
  newText?: string;
  legalActions?: string[];
  sampleActions?: string[];
}

export type ParsedAction = { event: EventObject } | { invalid: string };

export interface EnvDefinition<TScenario = Json, TContext extends BaseContext = BaseContext & Json> {
  id: string;
  version: string;
  description: string;
  scenarioSchema: JsonSchema;
  /** Defaults for the env's kwargs (turn caps, costs, weights ...). Overrides are merged over these. */
  defaultKwargs: Record<string, Json>;
  /**
   * Draw a scenario from the env's data with the scenario stream. `episode.seed` is the episode seed
   * itself, for envs whose scenario depends on which split the seed belongs to (held-out phrasings).
   */
  sampleScenario(rng: Rng, kwargs: Record<string, Json>, episode?: { seed: number }): TScenario;
  /**
   * Checks beyond the JSON Schema (cross-field rules); throws a `ConfigError` naming the problem.
   * Runs on every reset, before the episode starts, so `createMachine` need not read the scenario.
   */
  checkScenario?(scenario: TScenario, kwargs: Record<string, Json>): void;
  /** Simulator factories by kind; 'scripted' is required and the default. */
  simulators: Record<string, SimulatorFactory<TScenario>>;
  createMachine(deps: MachineDeps<TScenario>): AnyStateMachine;
  /** What the agent sees in the current state. */
  observe(context: TContext, kwargs: Record<string, Json>): AgentView;
  /** Turn an action string into a machine event, or say why it can't be applied. Never throws. */
  parseAction(action: string, context: TContext, kwargs: Record<string, Json>): ParsedAction;
  /** Extra info fields for analysis (hidden intent, success ...). Never shown to the agent. */
  info?(context: TContext, kwargs: Record<string, Json>): Record<string, Json>;
  /**
   * Reward components that are functions of hidden state (a survey scored against the true
   * imposter, a belief the agent can't see): they accrue per step in `info.deferredRewardComponents`
   * and are paid, summed, on the episode's last step, so that reading rewards reveals nothing hidden
   * before the episode ends.
   */
  deferredRewards?: readonly string[];
  /**
   * Strings that must never appear in what the agent is given while the episode runs (scenario ids,
   * a hidden facet's text, the imposter's role label ...). `checkEnv` plays episodes and fails if one
   * shows up in an observation before the episode ended.
   */
  secrets?(scenario: TScenario, kwargs: Record<string, Json>): string[];
  /** Full readable transcript, hidden parts included. Defaults to the agent's transcript. */
  render?(context: TContext, kwargs: Record<string, Json>): string;
}

export interface MachineEnvOptions {
  kwargs?: Record<string, Json>;
  simulator?: SimulatorConfig;
  llm?: LlmProvider;
  maxEpisodeSteps?: number;
  /** Seed of the env's own seed stream, used by resets that give no seed. */
  seed?: number;
  /**
   * Which engine runs the machine (see core/machine-runner.ts). Default: the cheapest one the
   * machine allows (`compiled`, else `transition`, else `interpreter`). All give identical episodes.
   */
  engine?: EngineName;
}

export { SimulatorTurnError, type EngineName };

/** Step or reset used out of order: a bug in the caller, so it throws (unlike bad actions). */
export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

interface Episode<TScenario> {
  seed: number;
  scenario: TScenario;
  envRng: Rng;
  simRng: Rng;
  simulator: UserSimulator;
  runner: MachineRunner;
  /** Transcript length the agent has seen, for newText. */
  seen: number;
  pendingTurns: Json[];
  usage: Usage;
  error?: EpisodeError;
  done: boolean;
  lastTotals: Record<string, number>;
  /** Deferred components accrued and not yet paid. */
  owed: Record<string, number>;
}

function finishSettle<TScenario>(ep: Episode<TScenario>, r: Settled): Settled {
  addUsage(ep.usage, ep.simulator.takeUsage?.());
  if (r.kind !== 'agent') ep.done = true;
  if (r.kind === 'error') ep.error = r.error;
  return r;
}

export class MachineEnv<TScenario = Json, TContext extends BaseContext = BaseContext & Json> implements Env {
  readonly spec: EnvSpec;
  readonly scenarioSchema: JsonSchema;
  readonly simulatorConfig: SimulatorConfig;
  private readonly kwargs: Record<string, Json>;
  private readonly streamRng: Rng;
  private episode: Episode<TScenario> | undefined;
  private closed = false;
  /**
   * The machine, built once and reused by every episode when `createMachine` read none of the
   * per-episode deps (scenario, rng, userTurn) while building it: it then reaches them only
   * lazily, through `liveDeps`, which always point at the current episode. Building a machine
   * per episode is a large share of a cheap episode's cost, and a fresh machine also starts with
   * XState's per-machine memo caches cold.
   */
  private sharedMachine: AnyStateMachine | undefined;
  /** false once `createMachine` was seen reading per-episode deps: then it is called per episode. */
  private machineReusable: boolean | undefined;
  private liveDeps: MachineDeps<TScenario> | undefined;

  constructor(
    readonly definition: EnvDefinition<TScenario, TContext>,
    private readonly opts: MachineEnvOptions = {},
  ) {
    this.kwargs = { ...definition.defaultKwargs, ...(opts.kwargs ?? {}) };
    this.spec = {
      id: definition.id,
      version: definition.version,
      maxEpisodeSteps: opts.maxEpisodeSteps,
      kwargs: this.kwargs,
    };
    this.scenarioSchema = definition.scenarioSchema;
    this.simulatorConfig = opts.simulator ?? { kind: 'scripted' };
    if (!definition.simulators[this.simulatorConfig.kind]) {
      throw new ProtocolError(
        `${definition.id} has no '${this.simulatorConfig.kind}' simulator (available: ${Object.keys(definition.simulators).join(', ')})`,
      );
    }
    this.streamRng = Rng.fromSeed(opts.seed ?? 0);
  }

  async reset(resetOpts: ResetOptions = {}): Promise<ResetResult> {
    if (this.closed) throw new ProtocolError('reset() after close()');
    this.stopEpisode();
    const seed = resetOpts.seed ?? this.streamRng.seed();
    const given = resetOpts.options?.scenario;
    let scenario: TScenario;
    if (given !== undefined) {
      assertValid(this.scenarioSchema, given, `scenario for ${this.spec.id}`);
      scenario = structuredClone(given) as TScenario;
    } else {
      scenario = this.definition.sampleScenario(Rng.fromSeed(deriveSeed(seed, 'scenario')), this.kwargs, { seed });
    }
    this.definition.checkScenario?.(scenario, this.kwargs);
    const simRng = Rng.fromSeed(deriveSeed(seed, 'simulator'));
    const envRng = Rng.fromSeed(deriveSeed(seed, 'env'));
    const ep = this.startEpisode({ seed, scenario, envRng, simRng });
    const first = ep.runner.settle();
    const settled = finishSettle(ep, first instanceof Promise ? await first : first);
    this.assertCurrent(ep);
    const view = this.view();
    const info = this.makeInfo(settled);
    info.seed = seed;
    ep.lastTotals = { ...this.context().rewardTotals };
    return { observation: this.observation(view, info), info };
  }

  async step(action: string): Promise<StepResult> {
    const ep = this.requireEpisode();
    if (ep.done) throw new ProtocolError('step() after the episode ended; call reset()');
    // A buggy policy's null or object is an invalid action with feedback, never "null" sent on.
    if (typeof action !== 'string') return this.invalidStep(nonStringActionReason(action));
    const text = action;
    const ctx = this.context();
    let parsed: ParsedAction;
    try {
      parsed = this.definition.parseAction(text, ctx, this.kwargs);
    } catch (err) {
      parsed = { invalid: `could not parse action (${(err as Error).message})` };
    }
    if ('event' in parsed && !ep.runner.can(parsed.event)) {
      parsed = { invalid: `'${parsed.event.type}' is not possible in the current state` };
    }
    if ('invalid' in parsed) return this.invalidStep(parsed.invalid);

    const sent = ep.runner.send(parsed.event);
    const settled = finishSettle(ep, sent instanceof Promise ? await sent : sent);
    this.assertCurrent(ep);
    const view = this.view();
    const info = this.makeInfo(settled);
    const totals = this.context().rewardTotals;
    const components: Record<string, number> = {};
    let deferred: Record<string, number> | undefined;
    const deferredKeys = this.definition.deferredRewards;
    const last = ep.lastTotals;
    const keys = Object.keys(totals);
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i] as string;
      // Rounded so that cumulative float sums do not leak 1e-17 noise into per-step rewards.
      const d = roundReward((totals[k] as number) - (last[k] ?? 0));
      if (d === 0) continue;
      if (deferredKeys?.includes(k)) {
        deferred ??= {};
        deferred[k] = d;
        ep.owed[k] = roundReward((ep.owed[k] ?? 0) + d);
      } else {
        components[k] = d;
      }
    }
    ep.lastTotals = { ...totals };
    if (ep.done) Object.assign(components, this.takeOwed(components));
    if (deferred) info.deferredRewardComponents = deferred;
    info.rewardComponents = components;
    return { observation: this.observation(view, info), reward: sumRewards(components), terminated: ep.done, truncated: false, info };
  }

  secrets(): string[] {
    const ep = this.episode;
    return ep && this.definition.secrets ? this.definition.secrets(ep.scenario, this.kwargs).filter((x) => x.length > 0) : [];
  }

  flushDeferredRewards(): Record<string, number> {
    const ep = this.episode;
    return ep ? this.takeOwed({}) : {};
  }

  /** Owed deferred components merged into `into` (adding where a component is already there); clears them. */
  private takeOwed(into: Record<string, number>): Record<string, number> {
    const ep = this.requireEpisode();
    const out = { ...into };
    for (const [k, v] of Object.entries(ep.owed)) {
      const total = roundReward((out[k] ?? 0) + v);
      if (total !== 0) out[k] = total;
      else delete out[k];
    }
    ep.owed = {};
    return out;
  }

  render(): string {
    const ep = this.episode;
    if (!ep) return '(no episode: call reset())';
    const ctx = this.context();
    if (this.definition.render) return this.definition.render(ctx, this.kwargs);
    const view = this.definition.observe(ctx, this.kwargs);
    const lines = [view.instructions, '', ...view.transcript.map((t) => `${t.role}: ${t.text}`)];
    if (ep.done) lines.push('', `[episode over: ${ctx.terminationReason ?? ep.error?.type ?? 'done'}]`);
    return lines.join('\n');
  }

  async close(): Promise<void> {
    this.stopEpisode();
    this.closed = true;
  }

  scenario(): Json {
    return this.requireEpisode().scenario;
  }

  usage(): Usage {
    return { ...(this.episode?.usage ?? emptyUsage()) };
  }

  snapshot(): EnvSnapshot {
    const ep = this.requireEpisode();
    return structuredClone({
      envId: this.spec.id,
      envVersion: this.spec.version,
      seed: ep.seed,
      scenario: ep.scenario,
      machine: ep.runner.persisted(),
      envRng: ep.envRng.getState(),
      simRng: ep.simRng.getState(),
      simState: ep.simulator.getState(),
      seen: ep.seen,
      lastTotals: ep.lastTotals,
      owed: ep.owed,
      done: ep.done,
      error: ep.error ?? null,
      usage: ep.usage,
    });
  }

  async restore(snap: EnvSnapshot): Promise<void> {
    if (snap.envId !== this.spec.id || snap.envVersion !== this.spec.version) {
      throw new ProtocolError(
        `snapshot is of ${snap.envId}@${snap.envVersion}, this env is ${this.spec.id}@${this.spec.version}`,
      );
    }
    this.stopEpisode();
    const s = structuredClone(snap);
    this.startEpisode({
      seed: s.seed,
      scenario: s.scenario,
      envRng: Rng.fromState(s.envRng),
      simRng: Rng.fromState(s.simRng),
      persisted: s.machine,
      simState: s.simState,
    });
    const ep = this.requireEpisode();
    ep.seen = s.seen;
    ep.lastTotals = s.lastTotals;
    ep.owed = s.owed ?? {};
    ep.done = s.done;
    ep.error = s.error ?? undefined;
    ep.usage = s.usage;
  }

  // ---------------------------------------------------------------------------------------------

  /** The engine this env runs its machines with (see core/machine-runner.ts); known after the first reset. */
  get engine(): EngineName | undefined {
    return this.episode?.runner.engine;
  }

  private startEpisode(args: {
    seed: number;
    scenario: TScenario;
    envRng: Rng;
    simRng: Rng;
    persisted?: Json;
    simState?: Json;
  }): Episode<TScenario> {
    const factory = this.definition.simulators[this.simulatorConfig.kind];
    if (!factory) throw new ProtocolError(`no simulator '${this.simulatorConfig.kind}'`);
    const simulator = factory({
      scenario: args.scenario,
      rng: args.simRng,
      config: this.simulatorConfig,
      llm: this.opts.llm,
    });
    if (args.simState !== undefined) simulator.setState(args.simState);
    const pendingTurns: Json[] = [];
    const checkTurn = compileSchema(simulator.turnSchema);
    const accept = (turn: Json): Json => {
      if (!checkTurn(turn)) {
        const errors = formatErrors(checkTurn.errors ?? []);
        throw new SimulatorTurnError('invalid_simulator_turn', `simulator turn failed its schema: ${errors.join('; ')}`);
      }
      pendingTurns.push(cloneJson(turn));
      return turn;
    };
    // A synchronous simulator's turn comes back as an already-settled promise the direct engine
    // reads without waiting (see `settledPromise`); an asynchronous one's is chained.
    const userTurn = (input: Json): Promise<Json> => {
      let answer: Json;
      try {
        answer = simulator.respond(input);
      } catch (err) {
        return rejectedPromise(err);
      }
      if (answer instanceof Promise || (answer !== null && typeof answer === 'object' && typeof answer.then === 'function')) {
        return Promise.resolve(answer).then(accept);
      }
      try {
        return settledPromise(accept(answer));
      } catch (err) {
        return rejectedPromise(err);
      }
    };
    const machine = this.machineFor({ scenario: args.scenario, kwargs: this.kwargs, rng: args.envRng, userTurn });
    const input = { scenario: args.scenario, kwargs: this.kwargs };
    const engine = this.engineFor(machine, args.persisted);
    const runner: MachineRunner =
      engine === 'compiled'
        ? new CompiledRunner(machine, input, args.persisted)
        : engine === 'transition'
          ? new TransitionRunner(machine, input, args.persisted)
          : new InterpreterRunner(machine, input, args.persisted);
    const ep: Episode<TScenario> = {
      seed: args.seed,
      scenario: args.scenario,
      envRng: args.envRng,
      simRng: args.simRng,
      simulator,
      runner,
      seen: 0,
      pendingTurns,
      usage: emptyUsage(),
      done: false,
      lastTotals: {},
      owed: {},
    };
    this.episode = ep;
    runner.begin();
    return ep;
  }

  /**
   * The engine asked for, else the cheapest the machine allows; a snapshot being restored that holds
   * live child actors (taken by the interpreter in a machine the others do not run) goes to the
   * interpreter.
   */
  private engineFor(machine: AnyStateMachine, persisted: Json | undefined): EngineName {
    if (persisted && Object.keys((persisted as { children?: object }).children ?? {}).length > 0) return 'interpreter';
    const asked = this.opts.engine;
    if (asked) {
      const obstacle = engineObstacle(machine, asked);
      if (obstacle) throw new ProtocolError(`${this.spec.id}: the ${asked} engine cannot run this machine: ${obstacle}`);
      return asked;
    }
    return bestEngine(machine);
  }

  /** The machine for an episode with these deps: the shared one when `createMachine` allows it. */
  private machineFor(deps: MachineDeps<TScenario>): AnyStateMachine {
    if (this.sharedMachine) {
      this.liveDeps = deps;
      return this.sharedMachine;
    }
    if (this.machineReusable === false) return this.definition.createMachine(deps);
    // First episode: build through getters that notice any per-episode dep read during the build.
    this.liveDeps = deps;
    let building = true;
    let readEpisodeDeps = false;
    const live = () => {
      if (building) readEpisodeDeps = true;
      return this.liveDeps as MachineDeps<TScenario>;
    };
    const kwargs = this.kwargs;
    const probe: MachineDeps<TScenario> = {
      get scenario() {
        return live().scenario;
      },
      kwargs,
      get rng() {
        return live().rng;
      },
      get userTurn() {
        return live().userTurn;
      },
    };
    let machine: AnyStateMachine;
    try {
      machine = this.definition.createMachine(probe);
    } finally {
      building = false;
    }
    this.machineReusable = !readEpisodeDeps;
    if (this.machineReusable) this.sharedMachine = machine;
    return machine;
  }

  private stopEpisode(): void {
    if (this.episode) {
      this.episode.runner.stop();
      this.episode = undefined;
    }
  }

  /** A step or reset that awaited a simulator must not touch an episode that replaced its own meanwhile. */
  private assertCurrent(ep: Episode<TScenario>): void {
    if (this.episode !== ep) throw new ProtocolError('the episode was reset or closed while a step was running; await each step');
  }

  private requireEpisode(): Episode<TScenario> {
    if (!this.episode) throw new ProtocolError('step() before reset()');
    return this.episode;
  }

  private context(): TContext {
    return this.requireEpisode().runner.context as TContext;
  }

  private view() {
    return this.definition.observe(this.context(), this.kwargs);
  }

  /** What the agent is given: the view, and the agent-safe parts of this step (never `info` itself). */
  private observation(view: AgentView, info: StepInfo, override?: string): Observation {
    const ep = this.requireEpisode();
    const source = view.transcript;
    let newText = override;
    if (newText === undefined) {
      newText = view.newText;
      if (newText === undefined) {
        // The entries since the agent's last action, minus its own, one `role: text` line each.
        newText = '';
        let first = true;
        for (let i = ep.seen; i < source.length; i++) {
          const t = source[i] as TranscriptEntry;
          if (t.role === 'agent') continue;
          newText += first ? `${t.role}: ${t.text}` : `\n${t.role}: ${t.text}`;
          first = false;
        }
      }
      ep.seen = source.length;
    }
    // A fresh copy: the agent may keep or modify what it is given.
    const transcript = new Array<TranscriptEntry>(source.length);
    for (let i = 0; i < source.length; i++) {
      const t = source[i] as TranscriptEntry;
      transcript[i] = { role: t.role, text: t.text };
    }
    const obs: Observation = { instructions: view.instructions, newText, transcript };
    if (view.legalActions && !ep.done) obs.legalActions = [...view.legalActions];
    if (view.sampleActions && !ep.done) obs.sampleActions = [...view.sampleActions];
    if (info.invalidAction) obs.invalidAction = { reason: info.invalidAction.reason };
    return obs;
  }

  private makeInfo(settled: Settled): StepInfo {
    const ep = this.requireEpisode();
    const ctx = this.context();
    const info: StepInfo = { rewardComponents: {}, ...(this.definition.info?.(ctx, this.kwargs) ?? {}) };
    info.simulatorTurns = ep.pendingTurns.splice(0);
    if (settled.kind === 'error') {
      info.error = settled.error;
      info.terminationReason = 'error';
    } else if (settled.kind === 'done') {
      info.terminationReason = ctx.terminationReason ?? 'done';
    }
    return info;
  }

  private invalidStep(reason: string): StepResult {
    const view = this.view();
    const penalty = Number(this.kwargs.invalidActionPenalty ?? 0);
    const hint = view.legalActions ? ` Legal actions: ${view.legalActions.join(' | ')}` : '';
    const info = this.makeInfo({ kind: 'agent' });
    info.invalidAction = { reason };
    const reward = penalty ? -Math.abs(penalty) : 0;
    info.rewardComponents = penalty ? { invalidAction: reward } : {};
    return {
      observation: this.observation(view, info, `Invalid action: ${reason}.${hint}`),
      reward,
      terminated: false,
      truncated: false,
      info,
    };
  }
}

/**
 * A deep copy of a JSON-like value (a simulator turn), as `structuredClone` makes it for plain data,
 * at a fraction of its fixed cost; anything not plain (a Date, a Map, a class instance) goes to
 * `structuredClone` itself.
 */
function cloneJson(value: Json): Json {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) out[i] = cloneJson(value[i]);
    return out;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return structuredClone(value);
  const out: Record<string, Json> = {};
  for (const k of Object.keys(value)) out[k] = cloneJson(value[k]);
  return out;
}

function roundReward(x: number): number {
  return Math.round(x * 1e12) / 1e12;
}

function sumRewards(components: Record<string, number>): number {
  let r = 0;
  for (const k in components) r += components[k] as number;
  return r;
}

/** Identity helper that types an env definition. */
export function defineEnv<TScenario, TContext extends BaseContext>(
  def: EnvDefinition<TScenario, TContext>,
): EnvDefinition<TScenario, TContext> {
  return def;
}
