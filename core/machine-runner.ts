/**
 * How `MachineEnv` drives an env's statechart from one agent turn to the next. Three engines run the
 * same machine definition to the same episodes (test/core/engines.test.ts and the golden records
 * prove it); they differ only in what a step costs:
 *
 * - `compiled` (the default whenever the machine allows it): dialogym's own executor for the part
 *   of the statechart language env machines use (core/compiled-machine.ts). It reads the XState
 *   machine's state nodes, transitions, guards and actions and runs them with XState v5's semantics
 *   (SCXML exit/entry order, deepest-first transition selection, eventless transitions, raised
 *   events, invoke done/error events), with each transition's exit and entry sets computed once and
 *   remembered. No actor and no XState snapshot is made per step.
 * - `transition`: XState's own pure transition function (`machine.getInitialSnapshot` /
 *   `machine.transition`, what `initialTransition` / `transition` call), for machines using what the
 *   compiled engine leaves out (parallel and history states, builtin guard combinators, `log`,
 *   `emit`, `enqueueActions`, outputs). It still creates XState's snapshot objects and an (unstarted)
 *   Actor per invoked actor, which is most of its cost.
 * - `interpreter`: XState's `createActor`, as the core ran before issue 19: an Actor, an
 *   AbortController and a mailbox round trip per invoked user turn. For machines with delayed
 *   transitions, `sendTo`/`cancel`/`spawnChild`, delayed `raise`, non-promise invoked actors or
 *   invokes alive while the agent is to act; and the reference the other two are tested against.
 *
 * In the first two the env-authoring convention is unchanged: a state that needs the user invokes a
 * promise actor (`fromPromise(({ input }) => deps.userTurn(input))`). When a transition enters it,
 * the runner calls the promise creator itself and feeds its result back as the
 * `xstate.done.actor.<id>` (or `xstate.error.actor.<id>`) event, the event XState's interpreter
 * would deliver. A scripted simulator's turn is known at once (`deps.userTurn` marks the promise it
 * returns as already settled, see `settledPromise`), so a whole step runs without an `await`; an
 * LLM simulator's promise is awaited. Persisted snapshots are XState's own form
 * (`machine.getPersistedSnapshot`) in every engine, so snapshots restore in any engine.
 */
import {
  type Actor,
  type AnyActorLogic,
  type AnyActorRef,
  type AnyMachineSnapshot,
  type AnyStateMachine,
  type AnyStateNode,
  createActor,
  type EventObject,
  fromTransition,
} from 'xstate';
import type { EpisodeError, Json } from './types.js';

export type EngineName = 'compiled' | 'transition' | 'interpreter';
export const ENGINE_NAMES: readonly EngineName[] = ['compiled', 'transition', 'interpreter'];

export type Settled = { kind: 'agent' } | { kind: 'done' } | { kind: 'error'; error: EpisodeError };

/** Raised by a simulator call that failed in a typed way (`type` becomes `info.error.type`). */
export class SimulatorTurnError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = 'SimulatorTurnError';
  }
}

/** An engine met something it does not run (see `engineObstacle`). */
export class EngineUnsupportedError extends Error {
  readonly type = 'engine_unsupported';
  constructor(engine: EngineName, message: string) {
    super(`the ${engine} engine cannot run this machine: ${message} (make the env with engine: 'interpreter')`);
    this.name = 'EngineUnsupportedError';
  }
}

/** The episode error of a failed machine, as `info.error` reports it. */
export function episodeError(err: unknown): EpisodeError {
  const e = err as { type?: string; message?: string } | undefined;
  return {
    type: e?.type ?? (err instanceof SimulatorTurnError ? err.type : 'simulator_error'),
    message: e?.message ?? String(err),
  };
}

/** Whether an XState snapshot is one where `step`/`reset` return: the agent's turn, the end, or a failure. */
export function settledState(s: AnyMachineSnapshot): Settled | undefined {
  if (s.status === 'error') return { kind: 'error', error: episodeError(s.error) };
  if (s.status === 'done') return { kind: 'done' };
  if (s.hasTag('agentTurn')) return { kind: 'agent' };
  return undefined;
}

/** One running machine of one episode. */
export interface MachineRunner {
  readonly engine: EngineName;
  /** The machine's current context. */
  readonly context: Json;
  /** Whether the machine would take this event now (XState's `snapshot.can`). */
  can(event: EventObject): boolean;
  /** Starts the machine (fresh, or where the persisted snapshot left it). Call once. */
  begin(): void;
  /** Runs until the machine waits for the agent, finishes or fails (at once when nothing is in flight). */
  settle(): Settled | Promise<Settled>;
  /** Sends the agent's event, then settles. */
  send(event: EventObject): Settled | Promise<Settled>;
  /** JSON form of the current snapshot: XState's persisted form, the same in every engine. */
  persisted(): Json;
  stop(): void;
}

// ---------------------------------------------------------------------------------------------
// Settled promises: how `deps.userTurn` tells the engines that a turn is already known.

export type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };
export const ignore = (): void => {};

/**
 * The last promise made by `settledPromise` or `rejectedPromise`, and its outcome. An engine reads
 * it right after an invoked creator returned, in the same synchronous stretch of code, so no other
 * episode can have replaced it in between; a promise that is not the last one is simply awaited.
 */
let lastSettled: Promise<unknown> | undefined;
let lastOk = false;
let lastOutcome: unknown;

/**
 * A promise already resolved with `value`, remembered as such: when an invoked promise creator
 * returns it unchanged (`({ input }) => deps.userTurn(input)`), the compiled and transition engines
 * take the value without waiting for a microtask. Anyone else awaiting it sees an ordinary promise.
 */
export function settledPromise<T>(value: T): Promise<T> {
  const p = Promise.resolve(value);
  lastSettled = p;
  lastOk = true;
  lastOutcome = value;
  return p;
}

/** A promise already rejected with `error`, remembered as such (see `settledPromise`). */
export function rejectedPromise(error: unknown): Promise<never> {
  const p = Promise.reject(error);
  // The engines read the outcome without awaiting; this keeps Node from calling it unhandled.
  p.catch(ignore);
  lastSettled = p;
  lastOk = false;
  lastOutcome = error;
  return p;
}

/** The outcome of `result` if it is the promise `settledPromise`/`rejectedPromise` made last. */
function knownOutcome(result: unknown): Outcome | undefined {
  if (result === undefined || result !== lastSettled) return undefined;
  const outcome: Outcome = lastOk ? { ok: true, value: lastOutcome } : { ok: false, error: lastOutcome };
  lastSettled = undefined;
  lastOutcome = undefined;
  return outcome;
}

// ---------------------------------------------------------------------------------------------
// Invocations of promise actors, shared by the compiled and transition engines.

/** What an engine knows an invoked actor by (the child ActorRef, or the compiled engine's record). */
export interface InvocationKey {
  /** The invoke id: the done event is `xstate.done.actor.<id>`. */
  readonly id: string;
}

/** An invoked promise actor whose creator the runner has called. */
export interface Invocation {
  key: InvocationKey;
  outcome?: Outcome;
  /** Only when more than one invocation is in flight: otherwise none can be stopped early. */
  controller?: AbortController;
  cancelled: boolean;
}

/** A signal for invocations that are never stopped while in flight (see `Invocation.controller`). */
const NEVER_ABORTED = new AbortController().signal;

/**
 * The actor every compiled or transition runner names as `self`, and as the parent of the (never
 * started) child refs: never started either. It stands where XState's own `transition()` puts an
 * inert actor.
 */
let inertSelf: AnyActorRef | undefined;
export function inertActor(): AnyActorRef {
  inertSelf ??= createActor(fromTransition((s: null) => s, null), { id: 'dialogym.engine' }) as AnyActorRef;
  return inertSelf;
}

/** The settle loop of the engines that call invoked promise creators themselves. */
export abstract class InvokingRunner implements MachineRunner {
  abstract readonly engine: EngineName;
  abstract readonly context: Json;
  abstract can(event: EventObject): boolean;
  abstract begin(): void;
  abstract persisted(): Json;
  /** One macrostep of the machine for this event. */
  protected abstract apply(event: EventObject): void;
  /** Settled, from the machine's state alone. */
  protected abstract machineSettled(): Settled | undefined;
  /** Calls the invoked actor's promise creator, as the actor's `start` would. */
  protected abstract callCreator(key: InvocationKey, signal: AbortSignal): unknown;

  private inFlight: Invocation[] = [];
  private completed: Invocation[] = [];
  private wake: (() => void) | undefined;
  protected stopped = false;
  private busy = false;
  protected unsupported: EngineUnsupportedError | undefined;

  send(event: EventObject): Settled | Promise<Settled> {
    if (this.busy) return Promise.reject(new Error('the machine is already running a step'));
    this.apply(event);
    return this.settle();
  }

  /**
   * Feeds invocation outcomes to the machine until it settles. Synchronous while outcomes are
   * known at once; awaits only an invocation that is really in flight.
   */
  settle(): Settled | Promise<Settled> {
    if (this.busy) return Promise.reject(new Error('the machine is already running a step'));
    for (;;) {
      const r = this.settledNow();
      if (r) return r;
      const next = this.completed.shift();
      if (next) {
        const outcome = next.outcome as Outcome;
        const id = next.key.id;
        const event: EventObject = outcome.ok
          ? ({ type: doneEventType(id), output: outcome.value, actorId: id } as EventObject)
          : ({ type: `xstate.error.actor.${id}`, error: outcome.error, actorId: id } as EventObject);
        this.apply(event);
        continue;
      }
      if (this.inFlight.length === 0) {
        return {
          kind: 'error',
          error: {
            type: 'machine_stuck',
            message: "the machine waits in a state that is neither the agent's turn nor final, with no invoked actor running",
          },
        };
      }
      return this.waitThenSettle();
    }
  }

  private async waitThenSettle(): Promise<Settled> {
    this.busy = true;
    try {
      while (this.completed.length === 0 && !this.stopped) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
      }
    } finally {
      this.busy = false;
      this.wake = undefined;
    }
    if (this.stopped) return { kind: 'error', error: { type: 'stopped', message: 'the episode was stopped while the user was answering' } };
    return this.settle();
  }

  private settledNow(): Settled | undefined {
    if (this.unsupported) return { kind: 'error', error: { type: this.unsupported.type, message: this.unsupported.message } };
    const r = this.machineSettled();
    if (r && r.kind !== 'error' && this.inFlight.length > 0) {
      // Never happens in machines `engineObstacle` accepts (invokes are only on non-agent atomic states).
      this.unsupported = new EngineUnsupportedError(this.engine, 'an invoked actor is still running at a settled state');
      return this.settledNow();
    }
    return r;
  }

  protected isKnownInvocation(key: InvocationKey): boolean {
    return this.inFlight.some((i) => i.key === key) || this.completed.some((i) => i.key === key);
  }

  /** Calls invoked promise creators, in order, as the actors' `start` would, minus the actors. */
  protected startInvocations(starts: readonly InvocationKey[]): void {
    const concurrent = this.inFlight.length + starts.length > 1;
    for (const key of starts) {
      const inv: Invocation = { key, cancelled: false };
      if (concurrent) inv.controller = new AbortController();
      let result: unknown;
      try {
        result = this.callCreator(key, inv.controller?.signal ?? NEVER_ABORTED);
      } catch (err) {
        result = rejectedPromise(err);
      }
      this.inFlight.push(inv);
      const known = knownOutcome(result);
      // Known at once: taken without a microtask, unless another invocation is in flight (then
      // completion order must be the promises' own, as under the interpreter).
      if (known && !concurrent) {
        this.complete(inv, known);
        continue;
      }
      Promise.resolve(result).then(
        (value) => this.complete(inv, { ok: true, value }),
        (error) => this.complete(inv, { ok: false, error }),
      );
    }
  }

  /** Forgets an invocation the machine stopped (its state was left); aborts it if in flight. */
  protected cancelInvocation(key: InvocationKey): void {
    if (this.inFlight.length === 0 && this.completed.length === 0) return;
    const inv = this.inFlight.find((i) => i.key === key);
    if (inv) {
      inv.cancelled = true;
      inv.controller?.abort();
      this.inFlight = this.inFlight.filter((i) => i !== inv);
    }
    if (this.completed.length) this.completed = this.completed.filter((i) => i.key !== key);
  }

  protected cancelAllInvocations(): void {
    for (const inv of this.inFlight) {
      inv.cancelled = true;
      inv.controller?.abort();
    }
    this.inFlight = [];
    this.completed = [];
  }

  private complete(inv: Invocation, outcome: Outcome): void {
    if (inv.cancelled || this.stopped) return;
    if (this.inFlight.length === 1 && this.inFlight[0] === inv) this.inFlight.length = 0;
    else this.inFlight = this.inFlight.filter((i) => i !== inv);
    inv.outcome = outcome;
    this.completed.push(inv);
    this.wake?.();
  }

  stop(): void {
    this.stopped = true;
    this.cancelAllInvocations();
    this.wake?.();
  }
}

const doneEventTypes = new Map<string, string>();
/** `xstate.done.actor.<id>`, made once per id. */
function doneEventType(id: string): string {
  let t = doneEventTypes.get(id);
  if (t === undefined) {
    t = `xstate.done.actor.${id}`;
    if (doneEventTypes.size < 10_000) doneEventTypes.set(id, t);
  }
  return t;
}

// ---------------------------------------------------------------------------------------------
// Which engine runs which machine.

const promiseLogicVerdicts = new WeakMap<object, boolean>();

/**
 * Whether actor logic is `fromPromise` logic, decided by how it behaves (XState exports no marker):
 * given its resolve event, promise logic, and only promise logic, turns to `done` with the data as
 * output.
 */
export function isPromiseLogic(logic: unknown): boolean {
  if (!logic || typeof logic !== 'object') return false;
  const cached = promiseLogicVerdicts.get(logic);
  if (cached !== undefined) return cached;
  const l = logic as { config?: unknown; transition?: unknown; start?: unknown };
  let verdict = false;
  if (typeof l.config === 'function' && typeof l.transition === 'function' && typeof l.start === 'function') {
    try {
      const probe = { status: 'active', output: undefined, error: undefined, input: undefined };
      const marker = {};
      const next = (l.transition as (s: unknown, e: unknown, scope: unknown) => { status?: string; output?: unknown })(
        probe,
        { type: 'xstate.promise.resolve', data: marker },
        {},
      );
      verdict = next?.status === 'done' && next.output === marker;
    } catch {
      verdict = false;
    }
  }
  promiseLogicVerdicts.set(logic, verdict);
  return verdict;
}

function toArray<T>(x: T | readonly T[] | undefined): T[] {
  if (x === undefined) return [];
  return Array.isArray(x) ? [...x] : [x as T];
}

/** The logic an invoke definition of a state node runs (as XState's `resolveReferencedActor`). */
export function invokedLogic(machine: AnyStateMachine, node: AnyStateNode, index: number): unknown {
  const configs = toArray((node.config as { invoke?: unknown }).invoke) as { src?: unknown }[];
  const src = configs[index]?.src ?? node.invoke[index]?.src;
  return typeof src === 'string' ? (machine.implementations.actors as Record<string, unknown>)[src] : src;
}

/** The implementation an action reference names (a function, or undefined when not implemented). */
export function resolveAction(machine: AnyStateMachine, action: unknown): unknown {
  if (typeof action === 'function') return action;
  const impls = (machine.implementations.actions ?? {}) as Record<string, unknown>;
  if (typeof action === 'string') return impls[action];
  if (action && typeof action === 'object' && 'type' in action) return impls[(action as { type: string }).type];
  return undefined;
}

/** Every action list of a state node: entry, exit, its transitions', its eventless transitions', its initial transition's. */
function actionLists(node: AnyStateNode): unknown[][] {
  const lists: unknown[][] = [node.entry as unknown[], node.exit as unknown[]];
  for (const defs of node.transitions.values()) for (const d of defs) lists.push(d.actions as unknown[]);
  for (const d of node.always ?? []) lists.push(d.actions as unknown[]);
  const initial = (node as unknown as { initial?: { actions?: unknown[] } }).initial;
  if (initial?.actions) lists.push(initial.actions);
  return lists;
}

/** Every guard of a state node's transitions. */
function guardsOf(node: AnyStateNode): unknown[] {
  const out: unknown[] = [];
  for (const defs of node.transitions.values()) for (const d of defs) if (d.guard !== undefined) out.push(d.guard);
  for (const d of node.always ?? []) if (d.guard !== undefined) out.push(d.guard);
  return out;
}

function allNodes(root: AnyStateNode): AnyStateNode[] {
  const out: AnyStateNode[] = [];
  const visit = (n: AnyStateNode) => {
    out.push(n);
    for (const c of Object.values(n.states) as AnyStateNode[]) visit(c);
  };
  visit(root);
  return out;
}

/** What keeps the transition engine (and so also the compiled one) from running a machine. */
function transitionObstacle(machine: AnyStateMachine): string | undefined {
  for (const node of allNodes(machine.root)) {
    const where = `state '${node.id}'`;
    if (node.after.length) return `${where} has delayed transitions`;
    if (node.invoke.length) {
      if (node.type !== 'atomic') return `${where} invokes an actor but is not atomic`;
      if (node.tags.includes('agentTurn')) return `${where} invokes an actor while it is the agent's turn`;
      for (let i = 0; i < node.invoke.length; i++) {
        const inv = node.invoke[i] as { src: unknown; onSnapshot?: unknown };
        if (!isPromiseLogic(invokedLogic(machine, node, i))) {
          return `${where} invokes '${typeof inv.src === 'string' ? inv.src : 'an actor'}', which is not promise logic`;
        }
      }
    }
    if (node.type === 'parallel') {
      // An invoke under a parallel state could be alive while another region waits for the agent.
      if (allNodes(node).some((n) => n.invoke.length)) return `${where} is a parallel state with invoked actors below it`;
    }
    for (const list of actionLists(node)) {
      for (const ref of list) {
        const action = resolveAction(machine, ref) as ({ type?: string; delay?: unknown } & (() => void)) | undefined;
        if (typeof action !== 'function') continue;
        if (action.type === 'xstate.sendTo') return `${where} uses sendTo / sendParent / forwardTo`;
        if (action.type === 'xstate.cancel') return `${where} uses cancel`;
        if (action.type === 'xstate.spawnChild') return `${where} uses spawnChild`;
        if (action.type === 'xstate.raise' && action.delay !== undefined) return `${where} uses a delayed raise`;
      }
    }
  }
  return undefined;
}

/** What keeps the compiled engine from running a machine the transition engine runs. */
function compiledObstacle(machine: AnyStateMachine): string | undefined {
  if ((machine.root.config as { output?: unknown }).output !== undefined) return 'the machine has an output';
  const guards = (machine.implementations.guards ?? {}) as Record<string, unknown>;
  for (const node of allNodes(machine.root)) {
    const where = `state '${node.id}'`;
    if (node.type === 'parallel') return `${where} is a parallel state`;
    if (node.type === 'history') return `${where} is a history state`;
    if (node.type === 'final' && (node.config as { output?: unknown }).output !== undefined) return `${where} has an output`;
    if ((node.invoke as { onSnapshot?: unknown }[]).some((i) => i.onSnapshot !== undefined)) return `${where} has onSnapshot`;
    for (const list of actionLists(node)) {
      for (const ref of list) {
        const action = resolveAction(machine, ref) as ({ type?: string; resolve?: unknown } & (() => void)) | undefined;
        if (typeof action !== 'function' || !('resolve' in action)) continue;
        if (action.type !== 'xstate.assign' && action.type !== 'xstate.raise') return `${where} uses the builtin action ${action.type}`;
      }
    }
    for (const g of guardsOf(node)) {
      const resolved = typeof g === 'function' ? g : guards[typeof g === 'string' ? g : (g as { type: string }).type];
      if (typeof resolved !== 'function') return `${where} uses a guard that is not a function`;
      if ('check' in resolved) return `${where} uses a builtin guard (and / or / not / stateIn)`;
    }
  }
  return undefined;
}

const obstacles = new WeakMap<AnyStateMachine, Record<'compiled' | 'transition', string | null>>();

/**
 * Why `engine` can't run this machine, or undefined when it can. Checked once per machine from its
 * definition. The transition engine needs: no delayed transitions, invokes only of promise logic and
 * only on atomic states not tagged `agentTurn` (so no invoked actor is alive while the agent is to
 * act), no parallel state with invokes below it, no builtin action that needs a running actor
 * (`sendTo`, `cancel`, `spawnChild`, a delayed `raise`). The compiled engine needs that and more:
 * no parallel or history states, no outputs, no builtin actions but `assign` and
 * `raise`, guards that are plain functions. Dynamic actions (`spawn` inside `assign`,
 * `enqueueActions`) are checked as they run: the episode then ends with an `engine_unsupported`
 * error naming them.
 */
export function engineObstacle(machine: AnyStateMachine, engine: EngineName): string | undefined {
  if (engine === 'interpreter') return undefined;
  let known = obstacles.get(machine);
  if (!known) {
    const transition = transitionObstacle(machine) ?? null;
    known = { transition, compiled: transition ?? compiledObstacle(machine) ?? null };
    obstacles.set(machine, known);
  }
  return known[engine] ?? undefined;
}

/** The cheapest engine that runs this machine. */
export function bestEngine(machine: AnyStateMachine): EngineName {
  if (!engineObstacle(machine, 'compiled')) return 'compiled';
  if (!engineObstacle(machine, 'transition')) return 'transition';
  return 'interpreter';
}

// ---------------------------------------------------------------------------------------------
// The interpreter engine.

export class InterpreterRunner implements MachineRunner {
  readonly engine = 'interpreter' as const;
  private readonly actor: Actor<AnyStateMachine>;
  /** Set while `settle` waits for the machine. */
  private waiter: ((snapshot: AnyMachineSnapshot | undefined) => void) | undefined;

  constructor(machine: AnyStateMachine, input: Json, persisted?: Json) {
    this.actor = persisted ? createActor(machine, { snapshot: persisted, input }) : createActor(machine, { input });
    // One observer per episode rather than one per step: it hands snapshots to a waiting `settle`,
    // and its error handler keeps XState from rethrowing simulator failures globally.
    this.actor.subscribe({ next: (snap) => this.waiter?.(snap as AnyMachineSnapshot), error: () => this.waiter?.(undefined) });
  }

  private get snapshot(): AnyMachineSnapshot {
    return this.actor.getSnapshot() as AnyMachineSnapshot;
  }

  get context(): Json {
    return this.snapshot.context;
  }

  can(event: EventObject): boolean {
    return this.snapshot.can(event);
  }

  begin(): void {
    this.actor.start();
  }

  send(event: EventObject): Promise<Settled> {
    this.actor.send(event);
    return this.settle();
  }

  settle(): Promise<Settled> {
    const now = settledState(this.snapshot);
    if (now) return Promise.resolve(now);
    return new Promise((resolve) => {
      this.waiter = (s) => {
        const r = s ? settledState(s) : (settledState(this.snapshot) ?? { kind: 'done' });
        if (r) {
          this.waiter = undefined;
          resolve(r);
        }
      };
    });
  }

  persisted(): Json {
    return this.actor.getPersistedSnapshot();
  }

  stop(): void {
    this.actor.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// The transition engine.

interface ExecutableAction {
  type: string;
  info: unknown;
  params: unknown;
  exec?: ((info: unknown, params: unknown) => void) | undefined;
}

export class TransitionRunner extends InvokingRunner {
  readonly engine = 'transition' as const;
  private snapshot: AnyMachineSnapshot;
  private readonly scope: Record<string, unknown>;
  /** spawn/stop actions of the macrostep in progress, handled once it is complete. */
  private lifecycle: ExecutableAction[] = [];
  private deferred: (() => void)[] = [];
  /** While the initial snapshot is computed custom actions wait, as in an actor not yet started. */
  private initializing = false;
  private initialActions: ExecutableAction[] = [];

  constructor(
    private readonly machine: AnyStateMachine,
    private readonly input: Json,
    private readonly persistedSnapshot?: Json,
  ) {
    super();
    const self = inertActor();
    this.scope = {
      self,
      id: self.id,
      sessionId: self.sessionId,
      // What an actor logs with by default (the `log` action).
      logger: console.log.bind(console),
      defer: (fn: () => void) => {
        this.deferred.push(fn);
      },
      system: self.system,
      stopChild: () => {},
      emit: () => {},
      actionExecutor: (action: ExecutableAction) => this.execute(action),
    };
    this.snapshot = undefined as unknown as AnyMachineSnapshot;
  }

  get context(): Json {
    return this.snapshot.context;
  }

  can(event: EventObject): boolean {
    return this.snapshot.can(event);
  }

  protected machineSettled(): Settled | undefined {
    return settledState(this.snapshot);
  }

  begin(): void {
    if (this.persistedSnapshot !== undefined) {
      this.snapshot = this.machine.restoreSnapshot?.(this.persistedSnapshot, this.scope as never) as AnyMachineSnapshot;
      if (Object.keys(this.snapshot.children ?? {}).length) {
        this.unsupported = new EngineUnsupportedError(this.engine, 'the snapshot holds running child actors');
      }
      return;
    }
    this.initializing = true;
    try {
      this.snapshot = this.machine.getInitialSnapshot(this.scope as never, this.input) as AnyMachineSnapshot;
    } finally {
      this.initializing = false;
    }
    // An actor runs the initial state's custom actions when it starts, after the initial macrostep.
    const initial = this.initialActions;
    this.initialActions = [];
    if (this.snapshot.status === 'active') {
      try {
        for (const a of initial) a.exec?.(a.info, a.params);
      } catch (err) {
        this.snapshot = { ...this.snapshot, status: 'error', error: err } as AnyMachineSnapshot;
      }
    }
    this.afterMacrostep();
  }

  /** One macrostep: the machine's own transition function, then the effects it asked for. */
  protected apply(event: EventObject): void {
    if (this.snapshot.status !== 'active') return;
    try {
      this.snapshot = this.machine.transition(this.snapshot, event, this.scope as never) as AnyMachineSnapshot;
    } catch (err) {
      // As XState's interpreter: the snapshot before the event, marked failed.
      this.snapshot = { ...this.snapshot, status: 'error', error: err } as AnyMachineSnapshot;
      this.lifecycle = [];
      this.deferred = [];
      this.cancelAllInvocations();
      return;
    }
    this.afterMacrostep();
  }

  private execute(action: ExecutableAction): void {
    switch (action.type) {
      case 'xstate.spawnChild':
      case 'xstate.stopChild':
        this.lifecycle.push(action);
        return;
      case 'xstate.raise':
        // An undelayed raise is queued inside the macrostep itself; a delayed one needs a clock.
        if (typeof (action.params as { delay?: unknown } | undefined)?.delay === 'number') {
          this.unsupported ??= new EngineUnsupportedError(this.engine, 'a delayed raise');
        }
        return;
      case 'xstate.log':
      case 'xstate.emit':
        action.exec?.(action.info, action.params);
        return;
      default:
        if (action.type.startsWith('xstate.')) {
          this.unsupported ??= new EngineUnsupportedError(this.engine, `action '${action.type}'`);
          return;
        }
        // A custom action: run now, as a running actor does (an actor not yet started runs them at start).
        if (this.initializing) this.initialActions.push(action);
        else action.exec?.(action.info, action.params);
    }
  }

  /** Starts the invocations the macrostep entered, forgets the ones it left, runs its deferred effects. */
  private afterMacrostep(): void {
    const lifecycle = this.lifecycle;
    const deferred = this.deferred;
    this.lifecycle = [];
    this.deferred = [];
    let toStart: AnyActorRef[] = [];
    for (const a of lifecycle) {
      if (a.type === 'xstate.spawnChild') {
        const p = a.params as { actorRef?: AnyActorRef };
        if (p.actorRef) toStart.push(p.actorRef);
      } else {
        const ref = a.params as AnyActorRef | undefined;
        if (!ref) continue;
        if (toStart.length) toStart = toStart.filter((s) => s !== ref);
        this.cancelInvocation(ref);
      }
    }
    for (const fn of deferred) fn();
    if (this.snapshot.status !== 'active') {
      this.cancelAllInvocations();
      return;
    }
    if (toStart.length) this.startInvocations(toStart);
    for (const child of Object.values(this.snapshot.children ?? {})) {
      if (!this.isKnownInvocation(child as AnyActorRef)) {
        // A child the runner did not start (e.g. `spawn` inside `assign`): only the interpreter runs those.
        this.unsupported ??= new EngineUnsupportedError(this.engine, `child actor '${(child as AnyActorRef).id}' was spawned`);
      }
    }
  }

  protected callCreator(key: InvocationKey, signal: AbortSignal): unknown {
    const ref = key as AnyActorRef;
    const logic = (ref as unknown as { logic: AnyActorLogic & { config: (args: unknown) => unknown } }).logic;
    // The unstarted promise actor holds its input in its snapshot, as `start` reads it.
    const input = (ref.getSnapshot() as { input?: unknown }).input;
    return logic.config({ input, system: this.scope.system, self: ref, signal, emit: ignore });
  }

  persisted(): Json {
    return this.machine.getPersistedSnapshot(this.snapshot);
  }
}
