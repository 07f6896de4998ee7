/**
 * Embodied-v0: TEACh-style embodied instruction following (Padmakumar et al., AAAI 2022) in a text
 * household. The agent is the robot (Follower); the user simulator is the Commander, who knows the
 * goal and the whole house and, every step, observes or takes a TEACh dialogue act (Philipov et
 * al. 2024 simulate this user role).
 *
 * - Scenario: `{ task, world, persona }`, plain JSON, sampled from the seed (task types are data in
 *   tasks.json; `kwargs.taskType` fixes one, `kwargs.persona` fixes the commander's style).
 * - Actions: the grammar in `ACTION_GRAMMAR`. Text outside the grammar is an invalid action
 *   (`info.invalidAction`, nothing changes, no step cost). A grammatical action whose preconditions
 *   fail (no knife, fridge closed ...) is a valid step: it costs a step and the feedback says why.
 * - Reward components: `goalConditions` (+conditionReward per goal-condition unit satisfied for the
 *   first time), `success` (+successBonus), `stepCost` (−stepCost per step).
 * - Ends when every goal condition holds (`success`) or the agent says `done` (`agent_done`).
 * - info: `success`, `goalConditions {satisfied,total}`, `gcSuccess`, `taskType`, `steps`,
 *   `oraclePathLength` (planner with perfect knowledge) for path-length-weighted metrics.
 */
import { assign, fromPromise, setup } from 'xstate';
import { ConfigError } from '../../core/errors.js';
import { type BaseContext, defineEnv } from '../../core/machine-env.js';
import { registerMachineEnv } from '../../core/registry.js';
import type { Rng } from '../../core/rng.js';
import type { JsonSchema } from '../../core/schema.js';
import type { TranscriptEntry } from '../../core/types.js';
import { type CommanderInput, type CommanderPersona, type CommanderTurn, commanderTurnSchema } from '../../simulators/embodied/acts.js';
import { ScriptedCommander, type CommanderScenario } from '../../simulators/embodied/commander.js';
import { LlmCommander } from '../../simulators/embodied/llm-commander.js';
import type { SimulatorContext } from '../../simulators/types.js';
import { EmbodiedExpert } from '../../agents/embodied/expert.js';
import { EmbodiedRandom } from '../../agents/embodied/random.js';
import { ACTION_GRAMMAR, oraclePathLength, parseCommand } from './planner.js';
import { allAssignments, type GoalStatus, goalStatus, TASK_TEMPLATES, TASK_TYPES, type TaskInstance, buildScenarioWorld, taskInstanceSchema, taskTemplate } from './tasks.js';
import {
  applyCommand,
  cloneWorld,
  type Command,
  describeHere,
  describeHouse,
  objectIndex,
  type Outcome,
  settle,
  visibleHere,
  type World,
  worldSchema,
} from './world.js';

export type EmbodiedScenario = CommanderScenario;

export const personaSchema: JsonSchema = {
  type: 'object',
  required: ['style', 'chattiness', 'patience'],
  additionalProperties: false,
  properties: {
    style: { enum: ['vague', 'specific'] },
    chattiness: { type: 'number', minimum: 0, maximum: 1 },
    patience: { type: 'integer', minimum: 1, maximum: 1000 },
  },
};

export const scenarioSchema: JsonSchema = {
  type: 'object',
  required: ['task', 'world', 'persona'],
  additionalProperties: false,
  properties: { task: taskInstanceSchema, world: worldSchema, persona: personaSchema },
};

export interface EmbodiedContext extends BaseContext {
  task: TaskInstance;
  houseText: string;
  world: World;
  transcript: TranscriptEntry[];
  steps: number;
  /** Highest number of goal-condition units satisfied so far (rewards pay only for new highs). */
  best: number;
  status: GoalStatus;
  last: { command: Command; outcome: Outcome; progressed: boolean } | null;
  /** The commander's act on each of its turns, in order. */
  acts: string[];
  oraclePathLength: number | null;
}

type EmbodiedEvent = { type: 'ACT'; command: Command };

const PERSONA_STYLES = ['vague', 'specific'] as const;

function samplePersona(rng: Rng, style: unknown): CommanderPersona {
  const s = style === 'vague' || style === 'specific' ? style : rng.pick(PERSONA_STYLES);
  return { style: s, chattiness: rng.pick([0, 0.2, 0.5]), patience: rng.int(6, 12) };
}

function checkKwargs(kwargs: Record<string, unknown>): void {
  const t = kwargs.taskType;
  if (t !== null && t !== undefined && !(typeof t === 'string' && TASK_TYPES.includes(t))) {
    throw new ConfigError(`Embodied-v0: unknown taskType '${String(t)}' (one of ${TASK_TYPES.join(', ')})`);
  }
  const p = kwargs.persona;
  if (p !== null && p !== undefined && p !== 'vague' && p !== 'specific') {
    throw new ConfigError(`Embodied-v0: persona must be 'vague' or 'specific', got '${String(p)}'`);
  }
  for (const k of ['conditionReward', 'successBonus', 'stepCost']) {
    if (!Number.isFinite(Number(kwargs[k]))) throw new ConfigError(`Embodied-v0: kwarg ${k} must be a number`);
  }
}

function sampleActions(ctx: EmbodiedContext): string[] {
  const w = ctx.world;
  const out = ['look', 'say where is the mug?', 'say what should I do next?'];
  for (const r of w.receptacles) out.push(`go to ${r.id}`);
  const here = w.receptacles.find((r) => r.id === w.robot.at);
  if (here?.open !== undefined) out.push(`${here.open ? 'close' : 'open'} ${here.id}`);
  if (here?.on !== undefined) out.push(`toggle ${here.on ? 'off' : 'on'} ${here.id}`);
  const index = objectIndex(w);
  const held = w.robot.holding ? index.get(w.robot.holding) : undefined;
  for (const o of visibleHere(w, index)) {
    if (held) {
      out.push(`put ${held.id} on ${o.id}`);
    } else out.push(`pick up ${o.id}`);
    out.push(`slice ${o.id}`);
  }
  if (held) out.push(`put ${held.id} in ${w.robot.at}`, `clean ${held.id}`, `fill ${held.id}`, `pour ${held.id} into sink`);
  return out;
}

export const definition = defineEnv<EmbodiedScenario, EmbodiedContext>({
  id: 'Embodied-v0',
  version: '1.0.0',
  description: 'TEACh-style household tasks in a text world, with a commander who observes, instructs and corrects.',
  scenarioSchema,
  defaultKwargs: { taskType: null, persona: null, conditionReward: 1, successBonus: 5, stepCost: 0.01, invalidActionPenalty: 0 },
  sampleScenario(rng, kwargs) {
    checkKwargs(kwargs);
    const t = kwargs.taskType ? taskTemplate(String(kwargs.taskType))! : rng.pick(TASK_TEMPLATES);
    const { world, task } = buildScenarioWorld(rng, t, rng.pick(allAssignments(t)));
    return { task, world, persona: samplePersona(rng, kwargs.persona) };
  },
  simulators: {
    scripted: (ctx) => new ScriptedCommander(ctx as SimulatorContext<CommanderScenario>),
    llm: (ctx) => new LlmCommander(ctx as SimulatorContext<CommanderScenario>),
  },
  createMachine: (deps) => {
    const conditionReward = Number(deps.kwargs.conditionReward);
    const successBonus = Number(deps.kwargs.successBonus);
    const stepCost = Number(deps.kwargs.stepCost);
    // The context's world, transcript and act list are updated in place: a step never needs the
    // previous versions (snapshots deep-copy the context), and copying them every step was the
    // largest cost of a step after XState itself. Failed actions leave the world untouched.
    const speak = (ctx: EmbodiedContext, t: CommanderTurn): Partial<EmbodiedContext> => {
      ctx.acts.push(t.act);
      if (t.utterance) ctx.transcript.push({ role: 'user', text: t.utterance });
      return { acts: ctx.acts, transcript: ctx.transcript };
    };
    return setup({
      types: {} as { context: EmbodiedContext; events: EmbodiedEvent; input: { scenario: EmbodiedScenario } },
      actors: { commander: fromPromise<CommanderTurn, CommanderInput>(({ input }) => deps.userTurn(input)) },
      guards: {
        agentDone: ({ event }) => event.command.verb === 'done',
        succeeded: ({ context }) => context.status.success,
      },
    }).createMachine({
      id: 'embodied',
      context: ({ input }) => {
        const world = cloneWorld(input.scenario.world);
        const task = input.scenario.task;
        const status = goalStatus(world, task.conditions);
        return {
          task,
          houseText: describeHouse(world),
          world,
          transcript: [{ role: 'system', text: describeHere(world) }],
          steps: 0,
          best: status.satisfied,
          status,
          last: null,
          acts: [],
          oraclePathLength: oraclePathLength(world, task.conditions, (w) => goalStatus(w, task.conditions).success),
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
                actions: assign(({ context }) => ({
                  steps: context.steps + 1,
                  transcript: [...context.transcript, { role: 'agent', text: 'done' }],
                  rewardTotals: { ...context.rewardTotals, stepCost: (context.rewardTotals.stepCost ?? 0) - stepCost },
                  terminationReason: context.status.success ? 'success' : 'agent_done',
                })),
              },
              {
                target: 'commanderTurn',
                actions: assign(({ context, event }) => {
                  const world = context.world;
                  const outcome = applyCommand(world, event.command);
                  const effects = outcome.ok && event.command.verb !== 'say' ? settle(world) : [];
                  const status = goalStatus(world, context.task.conditions);
                  const gained = Math.max(0, status.satisfied - context.best);
                  const transcript = context.transcript;
                  transcript.push({ role: 'agent', text: commandText(event.command) });
                  if (event.command.verb !== 'say') {
                    const feedback = [outcome.message, ...effects].join(' ');
                    transcript.push({ role: 'system', text: `${feedback}\n${describeHere(world)}` });
                  }
                  const totals = { ...context.rewardTotals };
                  totals.stepCost = (totals.stepCost ?? 0) - stepCost;
                  if (gained) totals.goalConditions = (totals.goalConditions ?? 0) + gained * conditionReward;
                  if (status.success && !context.status.success) totals.success = (totals.success ?? 0) + successBonus;
                  return {
                    world,
                    status,
                    best: context.best + gained,
                    steps: context.steps + 1,
                    transcript,
                    last: { command: event.command, outcome, progressed: gained > 0 },
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
    return {
      instructions: [
        'You are a household robot. A commander who knows the goal and the house will tell you what to do; you can',
        'talk to them with `say <text>` (e.g. `say where is the knife?`). You hold at most one object at a time.',
        `The house (places you can go to): ${ctx.houseText}.`,
        `Actions: ${ACTION_GRAMMAR.join(' | ')}.`,
        'Refer to objects by name (mug 1) or type (mug). An action whose preconditions fail costs a step and changes nothing.',
      ].join('\n'),
      transcript: ctx.transcript,
      sampleActions: sampleActions(ctx),
    };
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
      commanderAct: ctx.acts[ctx.acts.length - 1] ?? null,
    };
  },
  render(ctx) {
    const lines = [`[task: ${ctx.task.type}] ${ctx.task.goal}`, ''];
    for (const t of ctx.transcript) lines.push(`${t.role}: ${t.text}`);
    lines.push('', `[goal conditions ${ctx.status.satisfied}/${ctx.status.total}${ctx.status.success ? ', success' : ''}; commander acts: ${ctx.acts.join(', ')}]`);
    if (ctx.terminationReason) lines.push(`[episode over: ${ctx.terminationReason}]`);
    return lines.join('\n');
  },
});

/** The canonical text of a command, as logged in the transcript. */
export function commandText(c: Command): string {
  switch (c.verb) {
    case 'goto':
      return `go to ${c.target}`;
    case 'look':
    case 'done':
      return c.verb;
    case 'pickup':
      return `pick up ${c.obj}`;
    case 'put':
      return c.target === null ? `put down ${c.obj}` : `put ${c.obj} in/on ${c.target}`;
    case 'open':
    case 'close':
      return `${c.verb} ${c.target}`;
    case 'toggle':
      return `toggle ${c.on ? 'on' : 'off'} ${c.target}`;
    case 'slice':
    case 'clean':
    case 'fill':
      return `${c.verb} ${c.obj}`;
    case 'pour':
      return `pour ${c.obj} into ${c.target}`;
    case 'say':
      return `say ${c.text}`;
  }
}

export { commanderTurnSchema };

// Superseded by Embodied-v1 (a Commander who talks like a person); kept, unchanged, so that v0
// records still replay and verify.
registerMachineEnv(definition, {
  maxEpisodeSteps: 150,
  tags: ['legacy'],
  agents: { expert: () => new EmbodiedExpert(), random: () => new EmbodiedRandom() },
});
