/**
 * The LLM Commander of Embodied-v1: the scripted Commander's role and turn shape, played by a language
 * model. It is shown the goal, the layout with a description of every place that picks it out without
 * its id, every object with its colour, state and place, the latest robot action and the recent
 * dialogue. Its turn is schema-constrained and `check`ed: a turn that says an instance id (`mug 2`,
 * `cabinet 1`) is sent back for repair, so the rule the scripted Commander follows by construction
 * holds here too.
 *
 * Left out on purpose: the scripted Commander's limited knowledge (`commanderKnows`) and its
 * repetition counting are behaviours the prompt asks for, not state this class keeps; an LLM is
 * trusted to follow them and the records show whether it did.
 */
import { ConfigError } from '../../core/errors.js';
import { addUsage, emptyUsage, type Json, type Usage } from '../../core/types.js';
import { describeObjectV1 } from '../../envs/embodied/appearance.js';
import { OBJECT_TYPES_LONGEST_FIRST, RECEPTACLE_TYPES_LONGEST_FIRST } from '../../envs/embodied/catalog.js';
import { layoutFacts, placeDescriptions, placeArea } from '../../envs/embodied/layout.js';
import { findObject, findReceptacle, prepOf, type World, type WorldObject } from '../../envs/embodied/world.js';
import type { ChatMessage, LlmProvider, SimulatorContext, UserSimulator } from '../types.js';
import { COMMANDER_ACTS_V1, type CommanderInputV1, type CommanderTurnV1, commanderTurnSchemaV1 } from './acts.js';
import type { CommanderScenarioV1 } from './commander-v1.js';

const INSTANCE_ID = new RegExp(`\\b(?:${[...OBJECT_TYPES_LONGEST_FIRST, ...RECEPTACLE_TYPES_LONGEST_FIRST].join('|')}) \\d+\\b`, 'i');

/** The rules the schema cannot say: an utterance exactly when speaking, and no instance ids in it. */
export function checkCommanderTurnV1(turn: CommanderTurnV1): string | null {
  if (turn.act === 'OBSERVE' && turn.utterance !== undefined && turn.utterance.trim() !== '') {
    return 'OBSERVE means staying silent: omit "utterance" or choose a speaking act.';
  }
  if (turn.act !== 'OBSERVE' && !turn.utterance?.trim()) return `act ${turn.act} needs a non-empty "utterance".`;
  const id = turn.utterance ? INSTANCE_ID.exec(turn.utterance) : null;
  if (id) return `Do not say ids like '${id[0]}': describe the thing by colour, kind and place, as a person would.`;
  return null;
}

function placeText(w: World, scenario: CommanderScenarioV1, o: WorldObject): string {
  if (o.loc === 'robot') return 'in the robot’s hand';
  const parent = findObject(w, o.loc);
  if (parent) return `${parent.type === 'plate' ? 'on' : 'in'} ${parent.id} (${parent.color ?? ''} ${parent.type}) ${placeText(w, scenario, parent)}`;
  const r = findReceptacle(w, o.loc);
  return r ? `${prepOf(r)} ${r.id}` : 'somewhere';
}

/** What the Commander sees: places with descriptions that avoid ids, and every object. */
export function worldFactsV1(w: World, scenario: CommanderScenarioV1): string {
  const places = w.receptacles.map((r) => {
    const d = placeDescriptions(w, scenario.layout, r.id);
    const state = [r.open !== undefined ? (r.open ? 'open' : 'closed') : '', r.on !== undefined ? (r.on ? 'on' : 'off') : ''].filter(Boolean).join(', ');
    return `- ${r.id}: say "${d[0] ?? placeArea(w, scenario.layout, r.id)}"${state ? ` (${state})` : ''}`;
  });
  const objects = w.objects.map((o) => `- ${describeObjectV1(w, o)}: ${placeText(w, scenario, o)}`);
  return [
    `Robot at: ${w.robot.at}; holding: ${w.robot.holding ?? 'nothing'}.`,
    `Layout:\n${layoutFacts(w, scenario.layout).join('\n')}`,
    `Places (how to refer to each without its id):\n${places.join('\n')}`,
    `Objects:\n${objects.join('\n')}`,
  ].join('\n');
}

export function commanderSystemPromptV1(scenario: CommanderScenarioV1): string {
  const p = scenario.persona;
  return [
    'You are the Commander in a household task, like in the TEACh dataset. A robot (the Follower) acts in the house;',
    'you cannot act, but you know the goal and can see where everything is. After every robot action you either',
    'OBSERVE (stay silent) or say one thing, labelled with one dialogue act:',
    `${COMMANDER_ACTS_V1.filter((a) => a !== 'OBSERVE').join(', ')}.`,
    `Goal: ${scenario.task.goal}.`,
    'Talk like a person: give goals and sub-goals in everyday words ("make a slice of toast"). Never say an id such as',
    '"mug 2" or "cabinet 1" and never dictate the robot\'s commands: refer to things by kind, colour, place and',
    'relation ("the red mug in the cabinet above the sink", "the knife by the stove"). Answer every object a',
    'question asks about. Asked the same thing again, answer with less detail. Correct mistakes (wrong object,',
    'wrong place, a dirty plate) with FeedbackNegative.',
    p.style === 'vague'
      ? 'Persona: brief; you name rough areas ("a cabinet near the sink") rather than exact places.'
      : 'Persona: helpful; you name exact places and volunteer the next step after progress.',
    `Stay quiet (OBSERVE) while the robot makes progress. If it makes no progress for about ${p.patience} steps, give the next step.`,
    'Reply with JSON only: {"act": "<act>", "utterance": "<what you say>"}; for OBSERVE reply {"act": "OBSERVE"}.',
  ].join('\n');
}

export function commanderUserPromptV1(input: CommanderInputV1, scenario: CommanderScenarioV1): string {
  if (input.kind === 'start') {
    return `The episode starts. Current world:\n${worldFactsV1(input.world, scenario)}\n\nGreet the robot and tell it the goal (act Instruction).`;
  }
  const recent = input.recent.map((t) => `${t.role}: ${t.text}`).join('\n');
  return [
    `Recent dialogue and actions:\n${recent}`,
    `Latest robot action: ${input.command.verb === 'say' ? `it said "${input.command.text}"` : input.outcome.message} (${input.outcome.ok ? 'succeeded' : 'failed'}).`,
    `Goal progress: ${input.status.satisfied}/${input.status.total} goal conditions${input.progressed ? ' (it just made progress)' : ''}.`,
    `Current world:\n${worldFactsV1(input.world, scenario)}`,
    'Your turn: JSON with act and utterance.',
  ].join('\n\n');
}

export class LlmCommanderV1 implements UserSimulator<CommanderInputV1, CommanderTurnV1> {
  readonly turnSchema = commanderTurnSchemaV1;
  private usage: Usage | undefined;
  private readonly llm: LlmProvider;
  private calls = 0;

  constructor(private readonly ctx: SimulatorContext<CommanderScenarioV1>) {
    if (!ctx.llm) throw new ConfigError('Embodied-v1: the llm commander needs an LLM provider (configure a model)');
    this.llm = ctx.llm;
  }

  get config() {
    return this.ctx.config;
  }

  async respond(input: CommanderInputV1): Promise<CommanderTurnV1> {
    const messages: ChatMessage[] = [
      { role: 'system', content: commanderSystemPromptV1(this.ctx.scenario) },
      { role: 'user', content: commanderUserPromptV1(input, this.ctx.scenario) },
    ];
    this.calls += 1;
    const res = await this.llm.complete({
      messages,
      schema: commanderTurnSchemaV1,
      schemaName: 'commander_turn_v1',
      check: (v: Json) => checkCommanderTurnV1(v as CommanderTurnV1),
      seed: this.ctx.rng.seed(),
      temperature: this.ctx.config.temperature,
    });
    this.usage = addUsage(this.usage ?? emptyUsage(), res.usage);
    const turn = res.value as CommanderTurnV1;
    return turn.act === 'OBSERVE' ? { act: 'OBSERVE' } : { act: turn.act, utterance: turn.utterance };
  }

  takeUsage(): Usage | undefined {
    const u = this.usage;
    this.usage = undefined;
    return u;
  }

  getState(): Json {
    return { calls: this.calls };
  }
  setState(s: Json): void {
    this.calls = Number(s?.calls ?? 0);
  }
}
