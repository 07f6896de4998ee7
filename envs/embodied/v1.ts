/**
 * Embodied-v1: TEACh-style embodied instruction following with a Commander who talks like a person,
 * so that the robot (the agent, TEACh's Follower) has to understand the world to act.
 *
 * What changed from v0 (kept registered, tagged legacy, so v0 records replay):
 * - The Commander (simulators/embodied/commander-v1.ts) gives goals and sub-goals in everyday words,
 *   refers to objects by type, colour, place and relation, never by id and never in the action
 *   grammar; it has to look some objects up, tires of repeated questions, answers every object a
 *   question asks about, and corrects mistakes. Its paraphrases have a train and a test split chosen
 *   by the episode seed's split (`phrasing`).
 * - The world has colours and a kitchen layout (envs/embodied/appearance.ts, layout.ts), described in
 *   the robot's instructions so that "the cabinet above the sink" can be grounded.
 * - Objects are named by the id the robot sees (`pick up mug 2`); a bare type no longer picks "the
 *   first one". Places: by id (`counter 2`, `fridge`), or by type when standing at one of that type.
 * - Rewards rank followers by efficiency: success pays `successReward` × TEACh's path-length weight
 *   L* / max(L, L*) (L the episode's steps, L* the oracle planner's on the true world), and the share of
 *   goal-condition units reached pays `gcReward` (a function of hidden state, so deferred: paid at the
 *   end). The step cost defaults to 0: PLW already prices every step, and a per-step cost would make
 *   "do nothing and stop" score above a random policy.
 *
 * Scenario: `{ task, world, layout, persona, commanderKnows, phrasing }`, plain JSON.
 * Ends when every goal condition holds (`success`) or the robot says `done` (`agent_done`).
 */
import { assign, fromPromise, setup } from 'xstate';
import { ConfigError } from '../../core/errors.js';
import { type BaseContext, defineEnv } from '../../core/machine-env.js';
import { registerMachineEnv } from '../../core/registry.js';
import type { Rng } from '../../core/rng.js';
import type { JsonSchema } from '../../core/schema.js';
import type { TranscriptEntry } from '../../core/types.js';
import { EMBODIED_ADVERSARIES } from '../../agents/embodied/adversaries.js';
import { EmbodiedExpertV1 } from '../../agents/embodied/expert-v1.js';
import { parseHousePlan } from '../../agents/embodied/language.js';
import { EmbodiedOracle } from '../../agents/embodied/oracle.js';
import { EmbodiedRandom } from '../../agents/embodied/random.js';
import { splitOfSeed } from '../../core/splits.js';
import { type CommanderInputV1, type CommanderTurnV1, type FollowerAct, commanderTurnSchemaV1 } from '../../simulators/embodied/acts.js';
import { type CommanderPersonaV1, type CommanderScenarioV1, ScriptedCommanderV1 } from '../../simulators/embodied/commander-v1.js';
import { LlmCommanderV1 } from '../../simulators/embodied/llm-commander-v1.js';
import { classifyFollower } from '../../simulators/embodied/nlu.js';
import { PHRASING_SPLITS, type PhrasingSplit } from '../../simulators/embodied/phrasing.js';
import type { SimulatorContext } from '../../simulators/types.js';
import { assignColours, COLOURS, describeHereV1 } from './appearance.js';
import { OBJECT_KIND, OBJECT_TYPES_LONGEST_FIRST, RECEPTACLE_KIND } from './catalog.js';
import { commandText } from './index.js';
import { checkLayout, generateLayout, layoutFacts, layoutSchema } from './layout.js';
import { ACTION_GRAMMAR, MAX_SAY_LENGTH, oraclePathLength, parseCommand } from './planner.js';
import { allAssignments, buildScenarioWorld, type GoalStatus, goalStatus, TASK_TEMPLATES, TASK_TYPES, type TaskInstance, taskInstanceSchema, taskTemplate } from './tasks.js';
import {
  applyCommand,
  cloneWorld,
  type Command,
  findReceptacle,
  objectIndex,
  type Outcome,
  type Receptacle,
  settle,
  visibleHere,
  type World,
  worldSchema,
} from './world.js';

export const ENV_ID = 'Embodied-v1';

export type EmbodiedScenarioV1 = CommanderScenarioV1;

export const personaSchemaV1: JsonSchema = {
  type: 'object',
  required: ['style', 'chattiness', 'patience'],
  additionalProperties: false,
  properties: {
    style: { enum: ['vague', 'specific'] },
    chattiness: { type: 'number', minimum: 0, maximum: 1 },
    patience: { type: 'integer', minimum: 1, maximum: 1000 },
  },
};

/** v0's world schema with a colour on objects. */
export const worldSchemaV1: JsonSchema = (() => {
  const s = structuredClone(worldSchema) as unknown as {
    properties: { objects: { items: { properties: Record<string, unknown> } } };
  };
  s.properties.objects.items.properties.color = { enum: [...COLOURS] };
  return s as unknown as JsonSchema;
})();

export const scenarioSchemaV1: JsonSchema = {
  type: 'object',
  required: ['task', 'world', 'layout', 'persona', 'commanderKnows', 'phrasing'],
  additionalProperties: false,
  properties: {
    task: taskInstanceSchema,
    world: worldSchemaV1,
    layout: layoutSchema,
    persona: personaSchemaV1,
    commanderKnows: { type: 'array', items: { enum: [...OBJECT_KIND.keys()] } },
    phrasing: { enum: [...PHRASING_SPLITS] },
  },
};

export interface EmbodiedContextV1 extends BaseContext {
  task: TaskInstance;
  instructions: string;
  world: World;
  transcript: TranscriptEntry[];
  steps: number;
  status: GoalStatus;
  /** Goal-condition units satisfied at the start (progress is paid relative to it). */
  initialSatisfied: number;
  last: { command: Command; outcome: Outcome; progressed: boolean } | null;
  /** Highest number of goal-condition units reached so far (for the Commander's "progress"). */
  best: number;
  acts: string[];
  followerAct: FollowerAct | null;
  oraclePathLength: number | null;
  /** Path-length weight L* / max(L, L*) of a successful episode; null before success. */
  plw: number | null;
  phrasing: PhrasingSplit;
}

type EventV1 = { type: 'ACT'; command: Command };

const PERSONA_STYLES = ['vague', 'specific'] as const;

function samplePersona(rng: Rng, style: unknown): CommanderPersonaV1 {
  const s = style === 'vague' || style === 'specific' ? style : rng.pick(PERSONA_STYLES);
  return { style: s, chattiness: rng.pick([0.05, 0.1, 0.15]), patience: rng.int(6, 12) };
}

function checkKwargs(kwargs: Record<string, unknown>): void {
  const t = kwargs.taskType;
  if (t !== null && t !== undefined && !(typeof t === 'string' && TASK_TYPES.includes(t))) {
    throw new ConfigError(`${ENV_ID}: unknown taskType '${String(t)}' (one of ${TASK_TYPES.join(', ')})`);
  }
  const p = kwargs.persona;
  if (p !== null && p !== undefined && p !== 'vague' && p !== 'specific') {
    throw new ConfigError(`${ENV_ID}: persona must be 'vague' or 'specific', got '${String(p)}'`);
  }
  if (!['auto', 'train', 'test'].includes(String(kwargs.phrasing))) {
    throw new ConfigError(`${ENV_ID}: phrasing must be 'auto' (by the seed's split), 'train' or 'test', got '${String(kwargs.phrasing)}'`);
  }
  for (const k of ['gcReward', 'successReward', 'stepCost', 'knowsUpFront']) {
    if (!Number.isFinite(Number(kwargs[k]))) throw new ConfigError(`${ENV_ID}: kwarg ${k} must be a number`);
  }
  const know = Number(kwargs.knowsUpFront);
  if (know < 0 || know > 1) throw new ConfigError(`${ENV_ID}: knowsUpFront must be in [0, 1], got ${know}`);
}

/** The split of paraphrases for an episode: the kwarg when forced, else the seed's split. */
export function phrasingFor(kwarg: unknown, seed: number | undefined): PhrasingSplit {
  if (kwarg === 'train' || kwarg === 'test') return kwarg;
  return seed !== undefined && splitOfSeed(seed) === 'test' ? 'test' : 'train';
}

/**
 * Object types the Commander knows the place of from the start: each type the task involves with
 * probability `knowsUpFront`; the rest it looks up when they come up.
 */
function sampleKnowledge(rng: Rng, task: TaskInstance, p: number): string[] {
  return task.relevant.filter((t) => !t.endsWith(' slice')).filter(() => rng.bool(p));
}

const RECEPTACLE_TYPES = [...RECEPTACLE_KIND.keys()];
const NUMBERED = new Set([...RECEPTACLE_KIND.values()].filter((k) => k.numbered).map((k) => k.type));
const OBJECT_ID = new RegExp(`^(?:${OBJECT_TYPES_LONGEST_FIRST.join('|')}) \\d+$`);

function normalizeName(name: string): string {
  return name
    .toLowerCase()
    .replace(/^(the|a|an|some)\s+/, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * v1's naming rule, checked before the world applies a command: objects by the id the robot sees,
 * places by id, or by type when the robot stands at one of that type. A name that breaks it is a
 * failed step (it costs a step and changes nothing), with a message saying how to name things.
 */
export function namingProblem(w: World, cmd: Command): string | null {
  switch (cmd.verb) {
    case 'goto':
    case 'open':
    case 'close':
    case 'toggle':
      return placeNamingProblem(w, cmd.target);
    case 'pickup':
    case 'slice':
    case 'clean':
    case 'fill':
      return objectNamingProblem(w, cmd.obj);
    case 'put':
    case 'pour':
      return objectNamingProblem(w, cmd.obj) ?? (cmd.target === null ? null : placeNamingProblem(w, cmd.target));
    default:
      return null;
  }
}

// Module-level rather than closures inside `namingProblem`: it runs on every step, and a closure
// made per call costs more than the check itself when run through tsx (which names each one).
function objectNamingProblem(w: World, name: string): string | null {
  const n = normalizeName(name);
  if (OBJECT_ID.test(n)) return null;
  return `Say which one: name objects as you see them listed (e.g. ${exampleId(w, n)}), not '${name}'.`;
}

function placeNamingProblem(w: World, name: string): string | null {
  const n = normalizeName(name);
  if (findReceptacle(w, n)) return null;
  const type = RECEPTACLE_TYPES.find((t) => t === n || `${t}s` === n);
  if (!type) return OBJECT_ID.test(n) ? null : `There is no '${name}' in the house.`;
  if (!NUMBERED.has(type)) return null;
  if (findReceptacle(w, w.robot.at)?.type === type) return null;
  const ids = w.receptacles.filter((r) => r.type === type).map((r) => r.id);
  return `Which ${type}? There are ${ids.join(', ')}.`;
}

function exampleId(w: World, name: string): string {
  const type = OBJECT_TYPES_LONGEST_FIRST.find((t) => name.includes(t));
  const here = visibleHere(w).find((o) => o.type === type);
  return here?.id ?? (type ? `${type} 1` : 'mug 1');
}

/**
 * What one robot command does to the world (mutated in place): v1's naming rule, the action, slices
 * taking the colour of what they were cut from, appliance effects, and the goal status after it.
 */
export function worldStep(world: World, task: TaskInstance, cmd: Command): { outcome: Outcome; effects: string[]; status: GoalStatus } {
  const problem = namingProblem(world, cmd);
  const sliced = cmd.verb === 'slice' && !problem ? world.objects.find((o) => o.id === normalizeName(cmd.obj)) : undefined;
  const outcome: Outcome = problem ? { verb: cmd.verb, ok: false, message: problem } : applyCommand(world, cmd);
  if (outcome.ok && sliced?.color) {
    for (const o of world.objects) if (o.type === `${sliced.type} slice` && o.color === undefined) o.color = sliced.color;
  }
  const effects = outcome.ok && cmd.verb !== 'say' ? settle(world) : [];
  return { outcome, effects, status: goalStatus(world, task.conditions) };
}

const fixedSamples = new WeakMap<readonly Receptacle[], string[]>();

/**
 * The sample actions that do not depend on the robot's place: built once per episode's receptacle
 * list (one array for the whole episode; receptacles change state, never ids).
 */
function fixedSampleActions(receptacles: readonly Receptacle[]): string[] {
  let out = fixedSamples.get(receptacles);
  if (!out) {
    out = ['look', 'say where is the mug?', 'say what should I do next?'];
    for (const r of receptacles) out.push(`go to ${r.id}`);
    fixedSamples.set(receptacles, out);
  }
  return out;
}

/** Example actions for an uninformed policy: every place, and what can be done here and with what is held. */
export function sampleActions(ctx: Pick<EmbodiedContextV1, 'world'>): string[] {
  const w = ctx.world;
  const out = [...fixedSampleActions(w.receptacles)];
  const here = w.receptacles.find((r) => r.id === w.robot.at);
  if (here?.open !== undefined) out.push(`${here.open ? 'close' : 'open'} ${here.id}`);
  if (here?.on !== undefined) out.push(`toggle ${here.on ? 'off' : 'on'} ${here.id}`);
  const index = objectIndex(w);
  const held = w.robot.holding ? index.get(w.robot.holding) : undefined;
  for (const o of visibleHere(w, index)) {
    if (held) out.push(`put ${held.id} on ${o.id}`);
    else out.push(`pick up ${o.id}`);
    out.push(`slice ${o.id}`);
  }
  if (held) out.push(`put ${held.id} in ${w.robot.at}`, `clean ${held.id}`, `fill ${held.id}`, `pour ${held.id} into sink`);
  return out;
}

function instructionsFor(scenario: EmbodiedScenarioV1): string {
  const w = scenario.world;
  return [
    'You are a household robot. A commander who knows the task talks to you in everyday language; you act in',
    'the house and can talk back with `say <text>` (e.g. `say where is the knife?`). You hold at most one object.',
    `Places you can go to: ${w.receptacles.map((r) => r.id).join(', ')}.`,
    ...layoutFacts(w, scenario.layout),
    '"Next to" and "by" mean neighbours along the kitchen wall; left and right are along that wall.',
    `Actions: ${ACTION_GRAMMAR.join(' | ')}.`,
    'Name objects exactly as you see them listed (pick up mug 2); places by name (counter 1, fridge), or by kind',
    'where you stand (open cabinet). An action whose preconditions fail costs a step and changes nothing.',
  ].join('\n');
}

export const definitionV1 = defineEnv<EmbodiedScenarioV1, EmbodiedContextV1>({
  id: ENV_ID,
  version: '1.0.0',
  description: 'TEACh-style household tasks in a text world, with a Commander who talks like a person: goals, places and objects in everyday words.',
  scenarioSchema: scenarioSchemaV1,
  defaultKwargs: {
    taskType: null,
    persona: null,
    phrasing: 'auto',
    knowsUpFront: 0.5,
    gcReward: 0.5,
    successReward: 1,
    stepCost: 0,
    invalidActionPenalty: 0,
  },
  sampleScenario(rng, kwargs, episode) {
    checkKwargs(kwargs);
    const t = kwargs.taskType ? taskTemplate(String(kwargs.taskType))! : rng.pick(TASK_TEMPLATES);
    const { world, task } = buildScenarioWorld(rng, t, rng.pick(allAssignments(t)));
    assignColours(world, rng);
    const layout = generateLayout(world, rng);
    const persona = samplePersona(rng, kwargs.persona);
    const commanderKnows = sampleKnowledge(rng, task, Number(kwargs.knowsUpFront));
    return { task, world, layout, persona, commanderKnows, phrasing: phrasingFor(kwargs.phrasing, episode?.seed) };
  },
  checkScenario(scenario, kwargs) {
    checkKwargs(kwargs);
    checkLayout(scenario.world, scenario.layout);
  },
  simulators: {
    scripted: (ctx) => new ScriptedCommanderV1(ctx as SimulatorContext<CommanderScenarioV1>),
    llm: (ctx) => new LlmCommanderV1(ctx as SimulatorContext<CommanderScenarioV1>),
  },
  deferredRewards: ['goalConditions'],
  secrets(scenario) {
    // How v0's Commander (and a careless LLM Commander) gave places away: an object id with its place.
    // The env never prints "<id> is in/on", and v1's Commander never says an id.
    const out: string[] = [];
    for (const o of scenario.world.objects) out.push(`${o.id} is in `, `${o.id} is on `);
    if (scenario.task.type.includes('_')) out.push(scenario.task.type);
    return out;
  },
  createMachine: (deps) => {
    const gcReward = Number(deps.kwargs.gcReward);
    const successReward = Number(deps.kwargs.successReward);
    const stepCost = Number(deps.kwargs.stepCost);
    // The context's world, transcript and act list are updated in place, as in v0 (snapshots deep-copy
    // the context; copying them every step would dominate a step's cost).
    const speak = (ctx: EmbodiedContextV1, t: CommanderTurnV1): Partial<EmbodiedContextV1> => {
      ctx.acts.push(t.act);
      if (t.utterance) ctx.transcript.push({ role: 'user', text: t.utterance });
      return { acts: ctx.acts, transcript: ctx.transcript };
    };
    return setup({
      types: {} as { context: EmbodiedContextV1; events: EventV1; input: { scenario: EmbodiedScenarioV1 } },
      actors: { commander: fromPromise<CommanderTurnV1, CommanderInputV1>(({ input }) => deps.userTurn(input)) },
      guards: {
        agentDone: ({ event }) => event.command.verb === 'done',
        succeeded: ({ context }) => context.status.success,
      },
    }).createMachine({
      id: 'embodiedV1',
      context: ({ input }) => {
        const world = cloneWorld(input.scenario.world);
        const task = input.scenario.task;
        const status = goalStatus(world, task.conditions);
        return {
          task,
          instructions: instructionsFor(input.scenario),
          world,
          transcript: [{ role: 'system', text: describeHereV1(world) }],
          steps: 0,
          status,
          initialSatisfied: status.satisfied,
          best: status.satisfied,
          last: null,
          acts: [],
          followerAct: null,
          oraclePathLength: oraclePathLength(world, task.conditions, (w) => goalStatus(w, task.conditions).success),
          plw: null,
          phrasing: input.scenario.phrasing,
          rewardTotals: { goalConditions: 0, success: 0, stepCost: 0 },
        };
      },
      initial: 'intro',
      states: {
        intro: {
          invoke: {
            src: 'commander',
            input: ({ context }) => ({ kind: 'start' as const, world: context.world, task: context.task }),
            onDone: { target: 'agentTurn', actions: assign(({ context, event }) => speak(context, event.output)) },
          },
        },
        agentTurn: {
          tags: ['agentTurn'],
          on: {
            ACT: [
              {
                guard: 'agentDone',
                target: 'finished',
                actions: assign(({ context }) => {
                  context.transcript.push({ role: 'agent', text: 'done' });
                  return {
                    steps: context.steps + 1,
                    transcript: context.transcript,
                    followerAct: null,
                    rewardTotals: { ...context.rewardTotals, stepCost: (context.rewardTotals.stepCost ?? 0) - stepCost },
                    terminationReason: 'agent_done',
                  };
                }),
              },
              {
                target: 'commanderTurn',
                actions: assign(({ context, event }) => {
                  const world = context.world;
                  const cmd = event.command;
                  const { outcome, effects, status } = worldStep(world, context.task, cmd);
                  const steps = context.steps + 1;
                  const transcript = context.transcript;
                  transcript.push({ role: 'agent', text: commandText(cmd) });
                  if (cmd.verb !== 'say') transcript.push({ role: 'system', text: `${[outcome.message, ...effects].join(' ')}\n${describeHereV1(world)}` });
                  const totals = { ...context.rewardTotals };
                  totals.stepCost = (totals.stepCost ?? 0) - stepCost;
                  // Progress is paid on what was left to do at the start (conditions that held already,
                  // such as a clean plate somewhere, pay nothing), so every finished task pays gcReward.
                  const todo = status.total - context.initialSatisfied;
                  if (todo > 0 && status.satisfied !== context.status.satisfied) {
                    totals.goalConditions = (totals.goalConditions ?? 0) + (gcReward * (status.satisfied - context.status.satisfied)) / todo;
                  }
                  let plw = context.plw;
                  if (status.success && !context.status.success) {
                    const ref = context.oraclePathLength ?? steps;
                    plw = ref / Math.max(steps, ref, 1);
                    totals.success = (totals.success ?? 0) + successReward * plw;
                  }
                  return {
                    world,
                    status,
                    best: Math.max(context.best, status.satisfied),
                    steps,
                    transcript,
                    plw,
                    followerAct: cmd.verb === 'say' ? classifyFollower(cmd.text) : null,
                    last: { command: cmd, outcome, progressed: status.satisfied > context.best },
                    rewardTotals: totals,
                    terminationReason: status.success ? 'success' : undefined,
                  };
                }),
              },
            ],
          },
        },
        commanderTurn: {
          invoke: {
            src: 'commander',
            input: ({ context }) => {
              const last = context.last!;
              return {
                kind: 'step' as const,
                world: context.world,
                task: context.task,
                step: context.steps,
                command: last.command,
                outcome: last.outcome,
                status: context.status,
                progressed: last.progressed,
                recent: context.transcript.slice(-8),
              };
            },
            onDone: [
              { guard: 'succeeded', target: 'finished', actions: assign(({ context, event }) => speak(context, event.output)) },
              { target: 'agentTurn', actions: assign(({ context, event }) => speak(context, event.output)) },
            ],
          },
        },
        finished: { type: 'final' },
      },
    });
  },
  observe(ctx) {
    return { instructions: ctx.instructions, transcript: ctx.transcript, sampleActions: sampleActions(ctx) };
  },
  parseAction(action) {
    const command = parseCommand(action);
    if (!command) return { invalid: `not an action; use one of: ${ACTION_GRAMMAR.join(' | ')}` };
    return { event: { type: 'ACT', command } };
  },
  info(ctx) {
    return {
      success: ctx.status.success,
      goalConditions: { satisfied: ctx.status.satisfied, total: ctx.status.total },
      gcSuccess: ctx.status.total ? ctx.status.satisfied / ctx.status.total : 0,
      taskType: ctx.task.type,
      steps: ctx.steps,
      oraclePathLength: ctx.oraclePathLength,
      plw: ctx.plw ?? 0,
      commanderAct: ctx.acts[ctx.acts.length - 1] ?? null,
      followerAct: ctx.followerAct,
      phrasing: ctx.phrasing,
    };
  },
  render(ctx) {
    const lines = [`[task: ${ctx.task.type} ${JSON.stringify(ctx.task.params)}; phrasing: ${ctx.phrasing}]`, ''];
    for (const t of ctx.transcript) lines.push(`${t.role}: ${t.text}`);
    lines.push(
      '',
      `[goal conditions ${ctx.status.satisfied}/${ctx.status.total}${ctx.status.success ? `, success, PLW ${(ctx.plw ?? 0).toFixed(2)}` : ''}; oracle path ${ctx.oraclePathLength ?? '—'}; commander acts: ${ctx.acts.join(', ')}]`,
    );
    if (ctx.terminationReason) lines.push(`[episode over: ${ctx.terminationReason}]`);
    return lines.join('\n');
  },
});

export { commanderTurnSchemaV1 };

/** Every word the v1 Commander's recognisers react to (for the audit's keyword wall). */
const AUDIT_KEYWORDS = [
  'where',
  'find',
  'locate',
  "can't find",
  'looking for',
  'what next',
  'what should I do',
  'help',
  'task',
  'goal',
  'am I done',
  'anything else',
  'finished',
  'is',
  'are',
  'dirty',
  'clean',
  'empty',
  'full',
  'toasted',
  'cooked',
  'boiled',
  'watered',
  'hi',
  'hello',
  'ok',
  'thanks',
  'done',
  ...OBJECT_TYPES_LONGEST_FIRST,
  ...COLOURS,
];

// 100 steps: the expert's longest episodes (sandwich, breakfast) take about 60; v0's 150 only made
// failing policies slower to evaluate.
registerMachineEnv(definitionV1, {
  maxEpisodeSteps: 100,
  agents: {
    expert: () => new EmbodiedExpertV1(),
    oracle: () => new EmbodiedOracle(),
    random: () => new EmbodiedRandom((i) => parseHousePlan(i).receptacles.map((r) => r.id)),
  },
  audit: {
    message: (text) => `say ${text}`,
    finish: () => 'done',
    turnsBeforeFinish: 20,
    keywords: AUDIT_KEYWORDS,
    maxMessageChars: MAX_SAY_LENGTH,
    adversaries: EMBODIED_ADVERSARIES,
  },
});
