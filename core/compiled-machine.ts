/**
 * The `compiled` engine (see core/machine-runner.ts): dialogym's own executor for env statecharts.
 *
 * The machine stays the XState definition the env author wrote (and the one `dialogym graph`
 * draws); this file only runs it, faster. Reading XState's state nodes (`transitions`, `always`,
 * `entry`, `exit`, `invoke`, `initial`, `tags`), it follows XState v5's algorithm step for step for
 * the part of the language env machines use: compound and final states, event and eventless
 * transitions with function guards, targetless and `reenter` transitions, `assign`, undelayed `raise`
 * and custom actions, invoked promise actors with their done and error events, the done events of
 * compound states. What costs in XState is recomputed on every transition although it never changes:
 * which states a transition exits and enters from a given state, and a fresh snapshot object (with
 * its state value and tag set) after every action. Here a transition's exit and entry lists are
 * computed once per source state (with XState's SCXML rules, ported below) and remembered, the
 * active configuration is one atomic state node (a machine without parallel states has exactly one),
 * and the context is the only thing that changes per step.
 *
 * The checks in `engineObstacle` send any machine outside that part to the `transition` engine,
 * which runs XState's own code. test/core/engines.test.ts runs every registered env and a set of
 * synthetic machines (nesting, eventless chains, raised events, reentry, guards, errors, done
 * events) through all three engines and requires the same results.
 */
import { type AnyActorRef, type AnyStateMachine, type AnyStateNode, createActor, type EventObject } from 'xstate';
import {
  EngineUnsupportedError,
  episodeError,
  ignore,
  type InvocationKey,
  InvokingRunner,
  inertActor,
  invokedLogic,
  type Settled,
} from './machine-runner.js';
import type { Json } from './types.js';

// biome-ignore lint/suspicious/noExplicitAny: XState's transition definitions are untyped here.
type TransitionDef = any;
type Status = 'active' | 'done' | 'error';

interface InvokeInfo {
  id: string;
  logic: { config: (args: unknown) => unknown };
  input: unknown;
}

/** What the runner needs of a state node, computed once. */
interface NodeInfo {
  node: AnyStateNode;
  /** Active nodes when this one is the atomic state: it and its ancestors. */
  active: Set<AnyStateNode>;
  /** The node, then its ancestors up to the root: where transitions are looked for, in order. */
  lineage: AnyStateNode[];
  /**
   * The eventless transitions of the lineage, deepest node first, each node's in order: the first
   * enabled one is the one XState's `selectEventlessTransitions` takes.
   */
  always: TransitionDef[];
  /** Per event type, the lineage's candidate transitions with the node each belongs to. */
  candidates: Map<string, { node: AnyStateNode; transitions: TransitionDef[] }[]>;
  agentTurn: boolean;
  /** The XState state value with this atomic node active. */
  value: Json;
}

/** An action reference resolved once: what `resolveAndExecuteActionsWithContext` would find. */
type CompiledAction =
  | { kind: 'none' }
  | { kind: 'custom'; impl: (args: unknown, params: unknown) => void; params: unknown; paramsFn?: (a: unknown) => unknown }
  | { kind: 'assign'; assignment: unknown; params: unknown; paramsFn?: (a: unknown) => unknown }
  | { kind: 'raise'; event: unknown; delay: unknown; params: unknown; paramsFn?: (a: unknown) => unknown }
  | { kind: 'unsupported'; type: string };

/** One thing a microstep does, in XState's order. */
type Op =
  | { kind: 'action'; action: CompiledAction }
  | { kind: 'stop'; id: string }
  | { kind: 'spawn'; invoke: InvokeInfo }
  /** A final state was entered: the done event of its compound parent, and whether the machine is done. */
  | { kind: 'final'; doneType: string | undefined; machineDone: boolean };

/** A transition's effect from one atomic state: its microstep as a flat list of operations. */
interface Plan {
  ops: Op[];
  /** The atomic state afterwards. */
  next: NodeInfo;
  configChanges: boolean;
}

/** Per-machine compiled data, shared by every episode of the machine. */
class CompiledMachine {
  readonly root: AnyStateNode;
  private readonly infos = new Map<AnyStateNode, NodeInfo>();
  private readonly plans = new Map<TransitionDef, Map<AnyStateNode, Plan>>();
  private readonly invokes = new Map<AnyStateNode, InvokeInfo[]>();
  private readonly actionLists = new WeakMap<readonly unknown[], CompiledAction[]>();
  readonly guards: Record<string, unknown>;
  readonly actions: Record<string, unknown>;
  readonly maxIterations: number;
  /** The synthetic transition that enters the initial configuration (XState's `initialMicrostep`). */
  readonly initialTransition: TransitionDef;

  constructor(readonly machine: AnyStateMachine) {
    this.root = machine.root;
    this.guards = (machine.implementations.guards ?? {}) as Record<string, unknown>;
    this.actions = (machine.implementations.actions ?? {}) as Record<string, unknown>;
    this.maxIterations = (machine as { options?: { maxIterations?: number } }).options?.maxIterations ?? Number.POSITIVE_INFINITY;
    this.initialTransition = { target: initialStateNodes(this.root), source: this.root, reenter: true, actions: [], eventType: null };
  }

  info(node: AnyStateNode): NodeInfo {
    let info = this.infos.get(node);
    if (!info) {
      const lineage: AnyStateNode[] = [];
      for (let n: AnyStateNode | undefined = node; n; n = n.parent) lineage.push(n);
      let value: Json = node.key;
      for (let n = node.parent; n?.parent; n = n.parent) value = { [n.key]: value };
      info = {
        node,
        active: new Set(lineage),
        lineage,
        always: lineage.flatMap((n) => (n.always ?? []) as TransitionDef[]),
        candidates: new Map(),
        agentTurn: lineage.some((n) => n.tags.includes('agentTurn')),
        value: node === this.root ? {} : value,
      };
      this.infos.set(node, info);
    }
    return info;
  }

  /** The candidate transitions for an event in an atomic state: per lineage node, XState's `getCandidates`. */
  candidatesIn(info: NodeInfo, eventType: string): { node: AnyStateNode; transitions: TransitionDef[] }[] {
    let list = info.candidates.get(eventType);
    if (!list) {
      list = [];
      for (const node of info.lineage) {
        const transitions = this.candidatesFor(node, eventType);
        if (transitions.length) list.push({ node, transitions });
      }
      // Event types are the machine's own plus the agent's (bounded by the env's grammar); the
      // bound only keeps a pathological env from growing it without end.
      if (info.candidates.size < 1000) info.candidates.set(eventType, list);
    }
    return list;
  }

  /** XState's `getCandidates`: the exact event's transitions, then wildcard ones, longest descriptor first. */
  private candidatesFor(node: AnyStateNode, eventType: string): TransitionDef[] {
    const transitions = node.transitions as Map<string, TransitionDef[]>;
    const exact = transitions.get(eventType);
    const wildcard = [...transitions.keys()]
      .filter((d) => d !== eventType && matchesEventDescriptor(eventType, d))
      .sort((a, b) => b.length - a.length)
      .flatMap((k) => transitions.get(k) ?? []);
    return exact ? [...exact, ...wildcard] : wildcard;
  }

  invokesOf(node: AnyStateNode): InvokeInfo[] {
    let list = this.invokes.get(node);
    if (!list) {
      list = (node.invoke as { id: string; input?: unknown }[]).map((def, i) => ({
        id: def.id,
        logic: invokedLogic(this.machine, node, i) as InvokeInfo['logic'],
        input: def.input,
      }));
      this.invokes.set(node, list);
    }
    return list;
  }

  /** The exit and entry lists of `t` taken from atomic state `from` (XState's microstep), remembered. */
  planFor(t: TransitionDef, from: AnyStateNode, isInitial = false): Plan {
    let byFrom = this.plans.get(t);
    if (!byFrom) {
      byFrom = new Map();
      this.plans.set(t, byFrom);
    }
    let plan = byFrom.get(from);
    if (!plan) {
      plan = this.computePlan(t, from, isInitial);
      byFrom.set(from, plan);
    }
    return plan;
  }

  private computePlan(t: TransitionDef, from: AnyStateNode, isInitial: boolean): Plan {
    const fromInfo = this.info(from);
    const active = new Set(isInitial ? [] : fromInfo.active);
    const exits = isInitial ? [] : computeExitSet(t, active).sort((a, b) => b.order - a.order);
    for (const s of exits) active.delete(s);
    const toEnter = new Set<AnyStateNode>();
    const forDefaultEntry = new Set<AnyStateNode>();
    computeEntrySet(t, forDefaultEntry, toEnter);
    if (isInitial) forDefaultEntry.add(this.root);
    const entries = [...toEnter].sort((a, b) => a.order - b.order);
    for (const e of entries) active.add(e);
    const atomic = [...active].filter((n) => n.type === 'atomic' || n.type === 'final');
    if (atomic.length !== 1) {
      throw new EngineUnsupportedError('compiled', `a transition of state '${t.source.id}' leads to ${atomic.length} atomic states`);
    }
    const next = this.info(atomic[0] as AnyStateNode);
    const configChanges = active.size !== fromInfo.active.size || [...active].some((n) => !fromInfo.active.has(n));
    // XState's exitStates, the transition's actions, then enterStates.
    const ops: Op[] = [];
    const actions = (list: readonly unknown[] | undefined) => {
      for (const action of this.compileActions(list ?? [])) ops.push({ kind: 'action', action });
    };
    for (const node of exits) {
      actions(node.exit as unknown[]);
      for (const inv of this.invokesOf(node)) ops.push({ kind: 'stop', id: inv.id });
    }
    actions(t.actions);
    for (const node of entries) {
      actions(node.entry as unknown[]);
      for (const invoke of this.invokesOf(node)) ops.push({ kind: 'spawn', invoke });
      if (forDefaultEntry.has(node)) actions(node.initial?.actions as unknown[] | undefined);
      if (node.type === 'final') {
        const parent = node.parent;
        ops.push({ kind: 'final', doneType: parent?.type === 'compound' ? `xstate.done.state.${parent.id}` : undefined, machineDone: !parent?.parent });
      }
    }
    return { ops, next, configChanges };
  }

  /** Resolves an action list's references once (XState does it on every run). */
  compileActions(list: readonly unknown[]): CompiledAction[] {
    let out = this.actionLists.get(list);
    if (!out) {
      out = list.map((action) => this.compileAction(action));
      this.actionLists.set(list, out);
    }
    return out;
  }

  private compileAction(action: unknown): CompiledAction {
    const inline = typeof action === 'function';
    const resolved = (inline ? action : this.actions[typeof action === 'string' ? action : (action as { type: string }).type]) as
      | (((args: unknown, params: unknown) => void) & { type?: string; resolve?: unknown; assignment?: unknown; event?: unknown; delay?: unknown })
      | undefined;
    let params: unknown;
    let paramsFn: ((a: unknown) => unknown) | undefined;
    if (!inline && typeof action !== 'string' && action && 'params' in (action as object)) {
      const p = (action as { params: unknown }).params;
      if (typeof p === 'function') paramsFn = p as (a: unknown) => unknown;
      else params = p;
    }
    if (!resolved) return { kind: 'none' };
    if (!('resolve' in resolved)) return { kind: 'custom', impl: resolved, params, paramsFn };
    if (resolved.type === 'xstate.assign') return { kind: 'assign', assignment: resolved.assignment, params, paramsFn };
    if (resolved.type === 'xstate.raise') return { kind: 'raise', event: resolved.event, delay: resolved.delay, params, paramsFn };
    return { kind: 'unsupported', type: String(resolved.type) };
  }
}

const compiledMachines = new WeakMap<AnyStateMachine, CompiledMachine>();

function compiledMachine(machine: AnyStateMachine): CompiledMachine {
  let c = compiledMachines.get(machine);
  if (!c) {
    c = new CompiledMachine(machine);
    compiledMachines.set(machine, c);
  }
  return c;
}

// --- XState v5's SCXML helpers, for machines without parallel or history states -----------------

/** XState's `matchesEventDescriptor`: exact, `*`, or a `prefix.*` partial descriptor. */
function matchesEventDescriptor(eventType: string, descriptor: string): boolean {
  if (descriptor === eventType || descriptor === '*') return true;
  if (!descriptor.endsWith('.*')) return false;
  const partial = descriptor.split('.');
  const tokens = eventType.split('.');
  for (let i = 0; i < partial.length; i++) {
    if (partial[i] === '*') return i === partial.length - 1;
    if (partial[i] !== tokens[i]) return false;
  }
  return true;
}

function initialStateNodes(root: AnyStateNode): AnyStateNode[] {
  const out: AnyStateNode[] = [];
  for (let n: AnyStateNode | undefined = root; n && !out.includes(n); n = n.type === 'compound' ? (n.initial.target[0] as AnyStateNode) : undefined) {
    out.push(n);
  }
  return out;
}

function properAncestors(node: AnyStateNode, upTo: AnyStateNode | undefined): AnyStateNode[] {
  const out: AnyStateNode[] = [];
  if (upTo === node) return out;
  for (let m = node.parent; m && m !== upTo; m = m.parent) out.push(m);
  return out;
}

/** XState's `isDescendant`: strictly below `ancestor` (any node, when `ancestor` is undefined). */
function isDescendant(node: AnyStateNode, ancestor: AnyStateNode | undefined): boolean {
  let marker = node;
  while (marker.parent && marker.parent !== ancestor) marker = marker.parent;
  return marker.parent === ancestor;
}

function transitionDomain(t: TransitionDef): AnyStateNode | undefined {
  const targets = (t.target ?? []) as AnyStateNode[];
  if (!t.reenter && targets.every((s) => s === t.source || isDescendant(s, t.source))) return t.source;
  const [head, ...tail] = [...targets, t.source] as AnyStateNode[];
  for (const anc of properAncestors(head as AnyStateNode, undefined)) {
    if (tail.every((s) => isDescendant(s, anc))) return anc;
  }
  if (t.reenter) return undefined;
  return (t.source as AnyStateNode).machine.root;
}

function computeExitSet(t: TransitionDef, active: Set<AnyStateNode>): AnyStateNode[] {
  const out = new Set<AnyStateNode>();
  if (t.target?.length) {
    const domain = transitionDomain(t);
    if (t.reenter && t.source === domain) out.add(domain as AnyStateNode);
    for (const s of active) if (isDescendant(s, domain)) out.add(s);
  }
  return [...out];
}

function computeEntrySet(t: TransitionDef, forDefaultEntry: Set<AnyStateNode>, toEnter: Set<AnyStateNode>): void {
  const domain = transitionDomain(t);
  const targets = (t.target ?? []) as AnyStateNode[];
  for (const s of targets) {
    if (t.source !== s || t.source !== domain || t.reenter) {
      toEnter.add(s);
      forDefaultEntry.add(s);
    }
    addDescendantsToEnter(s, forDefaultEntry, toEnter);
  }
  for (const s of targets) {
    const reentrancyDomain = !t.source.parent && t.reenter ? undefined : domain;
    for (const anc of properAncestors(s, domain)) {
      if (!reentrancyDomain || isDescendant(anc, reentrancyDomain)) toEnter.add(anc);
    }
  }
}

function addDescendantsToEnter(node: AnyStateNode, forDefaultEntry: Set<AnyStateNode>, toEnter: Set<AnyStateNode>): void {
  if (node.type !== 'compound') return;
  const initial = node.initial.target[0] as AnyStateNode;
  toEnter.add(initial);
  forDefaultEntry.add(initial);
  addDescendantsToEnter(initial, forDefaultEntry, toEnter);
  for (const anc of properAncestors(initial, node)) toEnter.add(anc);
}

// --- The runner ---------------------------------------------------------------------------------

/** A pending or running invocation of the compiled engine (XState's child ActorRef stands here). */
interface ChildRecord {
  id: string;
  logic: InvokeInfo['logic'];
  input: unknown;
}

/**
 * What a promise creator is called with, as XState's promise actor passes it (`input`, `system`,
 * `signal`, `emit` as own properties); `self`, the child actor, is made only if the creator reads it:
 * env creators don't, and an actor is what costs.
 */
class CreatorArgs {
  readonly system: unknown;
  readonly emit: () => void = ignore;
  #ref: AnyActorRef | undefined;
  readonly #child: ChildRecord;
  readonly #parent: AnyActorRef;
  constructor(
    child: ChildRecord,
    parent: AnyActorRef,
    readonly input: unknown,
    readonly signal: AbortSignal,
  ) {
    this.#child = child;
    this.#parent = parent;
    this.system = parent.system;
  }
  get self(): AnyActorRef {
    this.#ref ??= createActor(this.#child.logic as never, { id: this.#child.id, parent: this.#parent, input: this.input as never }) as unknown as AnyActorRef;
    return this.#ref;
  }
}

export class CompiledRunner extends InvokingRunner {
  readonly engine = 'compiled' as const;
  private readonly compiled: CompiledMachine;
  private atomic: NodeInfo;
  context: Json = {};
  private status: Status = 'active';
  private error: unknown;
  /** Invoked children by id, as XState's `snapshot.children`. */
  private children = new Map<string, ChildRecord>();
  /** Children entered during the macrostep in progress, started once it is complete. */
  private starts: ChildRecord[] = [];
  private internalQueue: EventObject[] = [];
  /** Whether the microstep in progress changed the snapshot (XState returns a new snapshot object). */
  private changed = false;
  private initializing = false;
  private initialActions: (() => void)[] = [];
  private readonly self = inertActor();

  constructor(
    machine: AnyStateMachine,
    private readonly input: Json,
    private readonly persistedSnapshot?: Json,
  ) {
    super();
    this.compiled = compiledMachine(machine);
    this.atomic = this.compiled.info(this.compiled.root);
  }

  /**
   * XState's `snapshot.can`. Its guards run again when the event is sent, as under XState: a guard
   * that is not pure (one drawing from the env's RNG) must see the same calls in every engine.
   */
  can(event: EventObject): boolean {
    const t = this.select(event);
    return Boolean(t && (t.target !== undefined || t.actions.length));
  }

  protected machineSettled(): Settled | undefined {
    if (this.status === 'error') return { kind: 'error', error: episodeError(this.error) };
    if (this.status === 'done') return { kind: 'done' };
    return this.atomic.agentTurn ? { kind: 'agent' } : undefined;
  }

  begin(): void {
    const machine = this.compiled.machine;
    if (this.persistedSnapshot !== undefined) {
      const s = machine.restoreSnapshot?.(this.persistedSnapshot, { self: this.self, system: this.self.system } as never) as {
        _nodes: AnyStateNode[];
        context: Json;
        status: Status;
        error: unknown;
        children: Record<string, unknown>;
      };
      if (Object.keys(s.children ?? {}).length) this.unsupported = new EngineUnsupportedError(this.engine, 'the snapshot holds running child actors');
      const atomic = s._nodes.filter((n) => n.type === 'atomic' || n.type === 'final');
      this.atomic = this.compiled.info((atomic[0] ?? machine.root) as AnyStateNode);
      this.context = s.context;
      this.status = s.status;
      this.error = s.error;
      return;
    }
    const initEvent = { type: 'xstate.init', input: this.input };
    this.initializing = true;
    try {
      const factory = (machine.config as { context?: unknown }).context;
      if (typeof factory === 'function') {
        this.context = Object.assign({}, this.context, factory({ spawn: this.noSpawn, input: this.input, self: this.self }));
      } else if (factory && typeof factory === 'object') {
        this.context = factory;
      }
      this.microstep(this.compiled.initialTransition, initEvent, true);
      this.macrostep(initEvent, true);
    } catch (err) {
      // As XState's getInitialSnapshot: the machine fails with the context computed so far.
      this.atomic = this.compiled.info(this.compiled.root);
      this.fail(err);
      this.initialActions = [];
    } finally {
      this.initializing = false;
    }
    // An actor runs the initial state's custom actions when it starts, after the initial macrostep.
    const initial = this.initialActions;
    this.initialActions = [];
    if (this.status === 'active') {
      try {
        for (const run of initial) run();
      } catch (err) {
        this.fail(err);
      }
    }
    this.afterMacrostep();
  }

  protected apply(event: EventObject): void {
    if (this.status !== 'active') return;
    const atomic = this.atomic;
    const context = this.context;
    this.internalQueue = [];
    try {
      this.macrostep(event, false);
    } catch (err) {
      // As XState's interpreter: the state before the event, marked failed.
      this.atomic = atomic;
      this.context = context;
      this.starts = [];
      this.fail(err);
      return;
    }
    this.afterMacrostep();
  }

  private fail(err: unknown): void {
    this.status = 'error';
    this.error = err;
    this.internalQueue = [];
    this.starts = [];
    this.children.clear();
    this.cancelAllInvocations();
  }

  /** XState's `macrostep` (the internal queue is the caller's: the initial one starts before it). */
  private macrostep(event: EventObject, initial: boolean): void {
    let nextEvent = event;
    if (!initial) {
      const t = this.select(event);
      if (!t && event.type.startsWith('xstate.error.actor')) {
        this.status = 'error';
        this.error = (event as { error?: unknown }).error;
        this.stopChildren();
        return;
      }
      if (t) this.microstep(t, event, false);
    }
    let selectEventless = true;
    const maxIterations = this.compiled.maxIterations;
    let iterations = 0;
    while (this.status === 'active') {
      if (++iterations > maxIterations) {
        throw new Error(
          `Infinite loop detected: the machine has processed more than ${maxIterations} microsteps without reaching a stable state. This usually happens when there's a cycle of transitions (e.g., eventless transitions or raised events causing state A -> B -> C -> A).`,
        );
      }
      let t: TransitionDef | undefined = selectEventless ? this.selectEventless(nextEvent) : undefined;
      const eventless: boolean = t !== undefined;
      if (!t) {
        const queued = this.internalQueue.shift();
        if (!queued) break;
        nextEvent = queued;
        t = this.select(nextEvent);
      }
      const changed = t ? this.microstep(t, nextEvent, false) : false;
      selectEventless = eventless ? changed : true;
    }
    if (this.status !== 'active') this.stopChildren();
  }

  /** XState's `transitionNode`: the first enabled transition for the event, deepest state first. */
  private select(event: EventObject): TransitionDef | undefined {
    for (const { node, transitions } of this.compiled.candidatesIn(this.atomic, event.type)) {
      for (const candidate of transitions) {
        if (candidate.guard === undefined) return candidate;
        let passed: boolean;
        try {
          passed = this.evaluateGuard(candidate.guard, event);
        } catch (err) {
          const g = candidate.guard;
          const guardType = typeof g === 'string' ? g : typeof g === 'object' ? g.type : undefined;
          throw new Error(
            `Unable to evaluate guard ${guardType ? `'${guardType}' ` : ''}in transition for event '${event.type}' in state node '${node.id}':\n${(err as Error).message}`,
          );
        }
        if (passed) return candidate;
      }
    }
    return undefined;
  }

  /** XState's `selectEventlessTransitions`, for one atomic state. */
  private selectEventless(event: EventObject): TransitionDef | undefined {
    const always = this.atomic.always;
    for (let i = 0; i < always.length; i++) {
      const t = always[i];
      if (t.guard === undefined || this.evaluateGuard(t.guard, event)) return t;
    }
    return undefined;
  }

  /** XState's `evaluateGuard`, for function guards (the only kind `engineObstacle` lets through). */
  private evaluateGuard(guard: unknown, event: EventObject): boolean {
    const inline = typeof guard === 'function';
    const resolved = inline ? guard : this.compiled.guards[typeof guard === 'string' ? guard : (guard as { type: string }).type];
    if (!inline && !resolved) {
      // The same failure XState's interpreter reports for a guard the machine names but does not define.
      throw new Error(`Guard '${typeof guard === 'string' ? guard : (guard as { type: string }).type}' is named by the machine but missing from its guards.`);
    }
    const args = { context: this.context, event };
    const params =
      inline || typeof guard === 'string'
        ? undefined
        : 'params' in (guard as object)
          ? typeof (guard as { params: unknown }).params === 'function'
            ? (guard as { params: (a: unknown) => unknown }).params(args)
            : (guard as { params: unknown }).params
          : undefined;
    return Boolean((resolved as (a: unknown, p: unknown) => unknown)(args, params));
  }

  /** XState's `microstep` for one transition: exits, the transition's actions, entries. */
  private microstep(t: TransitionDef, event: EventObject, isInitial: boolean): boolean {
    const plan = this.compiled.planFor(t, this.atomic.node, isInitial);
    this.changed = plan.configChanges;
    const ops = plan.ops;
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i] as Op;
      switch (op.kind) {
        case 'action':
          this.runAction(op.action, event);
          break;
        case 'stop':
          this.stopChild(op.id);
          break;
        case 'spawn':
          this.spawn(op.invoke, event);
          break;
        case 'final':
          if (op.doneType) this.internalQueue.push({ type: op.doneType, output: undefined } as EventObject);
          if (op.machineDone) this.status = 'done';
          break;
      }
    }
    this.atomic = plan.next;
    return this.changed;
  }

  /** XState's `resolveAndExecuteActionsWithContext` for one action: assign, undelayed raise or custom. */
  private runAction(action: CompiledAction, event: EventObject): void {
    if (action.kind === 'none') return;
    if (action.kind === 'unsupported') throw new EngineUnsupportedError(this.engine, `the builtin action ${action.type}`);
    const params = action.paramsFn ? action.paramsFn({ context: this.context, event }) : action.params;
    if (action.kind === 'assign') {
      this.assign(action.assignment, event, params);
      return;
    }
    const args = { context: this.context, event, self: this.self, system: this.self.system };
    if (action.kind === 'custom') {
      // A custom action runs at once, as in a running actor; before start, an actor runs them at start.
      const impl = action.impl;
      if (this.initializing) this.initialActions.push(() => impl(args, params));
      else impl(args, params);
      return;
    }
    const e = action.event;
    if (typeof e === 'string') throw new Error(`Only event objects may be used with raise; use raise({ type: "${e}" }) instead`);
    const raised = typeof e === 'function' ? e(args, params) : e;
    if (action.delay !== undefined) throw new EngineUnsupportedError(this.engine, 'a delayed raise');
    this.internalQueue.push(raised as EventObject);
  }

  /** XState's `resolveAssign`. */
  private assign(assignment: unknown, event: EventObject, params: unknown): void {
    if (!this.context) throw new Error('Cannot assign to undefined `context`. Ensure that `context` is defined in the machine config.');
    const args = { context: this.context, event, spawn: this.noSpawn, self: this.self, system: this.self.system };
    if (typeof assignment === 'function') {
      this.context = Object.assign({}, this.context, assignment(args, params));
    } else {
      // Every property computed from the context as it was, then merged over a copy of it: the
      // same keys in the same order as XState's `Object.assign({}, context, partial)`.
      const next = Object.assign({}, this.context);
      const props = assignment as Record<string, unknown>;
      for (const key in props) {
        const p = props[key];
        next[key] = typeof p === 'function' ? p(args, params) : p;
      }
      this.context = next;
    }
    this.changed = true;
  }

  private readonly noSpawn = (): never => {
    throw new EngineUnsupportedError(this.engine, '`spawn` inside `assign`');
  };

  /** XState's `resolveSpawn` for an invoke: the input now, the creator once the macrostep is complete. */
  private spawn(inv: InvokeInfo, event: EventObject): void {
    const input = typeof inv.input === 'function' ? inv.input({ context: this.context, event, self: this.self }) : inv.input;
    const child: ChildRecord = { id: inv.id, logic: inv.logic, input };
    this.children.set(inv.id, child);
    this.starts.push(child);
    this.changed = true;
  }

  /** XState's `stopChild` of an invoke: never started if entered in this macrostep, else cancelled. */
  private stopChild(id: string): void {
    const child = this.children.get(id);
    this.changed = true;
    if (!child) return;
    this.children.delete(id);
    const i = this.starts.indexOf(child);
    if (i >= 0) this.starts.splice(i, 1);
    else this.cancelInvocation(child);
  }

  private stopChildren(): void {
    for (const id of [...this.children.keys()]) this.stopChild(id);
  }

  private afterMacrostep(): void {
    const starts = this.starts;
    this.starts = [];
    if (this.status !== 'active') {
      this.children.clear();
      this.cancelAllInvocations();
      return;
    }
    if (starts.length) this.startInvocations(starts);
  }

  protected callCreator(key: InvocationKey, signal: AbortSignal): unknown {
    const child = key as ChildRecord;
    return child.logic.config(new CreatorArgs(child, this.self, child.input, signal));
  }

  persisted(): Json {
    const machine = this.compiled.machine;
    const snapshot = machine.resolveState({
      value: this.atomic.value,
      context: this.context,
      status: this.status,
      error: this.error,
    } as never);
    return machine.getPersistedSnapshot(snapshot);
  }
}
