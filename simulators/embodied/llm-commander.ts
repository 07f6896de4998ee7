/**
 * The LLM Commander of Embodied-v0: the same role and turn shape as the scripted commander, played
 * by a language model through the LLM layer (`LlmProvider`). Each step it is shown the goal, the
 * true world (where everything is, object states), the goal progress, the latest robot action with
 * its outcome and the recent dialogue, and must answer with `{act, utterance?}`; `check` rejects
 * turns that speak without an utterance or OBSERVE with one, so the provider repairs them.
 */
import { ConfigError } from '../../core/errors.js';
import { addUsage, emptyUsage, type Json, type Usage } from '../../core/types.js';
import { describeObject, type World } from '../../envs/embodied/world.js';
import type { ChatMessage, LlmProvider, SimulatorContext, UserSimulator } from '../types.js';
import { COMMANDER_ACTS, type CommanderInput, type CommanderTurn, checkCommanderTurn, commanderTurnSchema } from './acts.js';
import { type CommanderScenario, whereIs } from './commander.js';

/** Everything the commander knows about the house, one object per line. */
export function worldFacts(w: World): string {
  const lines = w.objects.map((o) => `- ${describeObject(w, o)}: ${whereIs(w, o)}`);
  const apps = w.receptacles.filter((r) => r.open !== undefined || r.on !== undefined);
  const state = apps.map((r) => `${r.id}${r.open !== undefined ? (r.open ? ' open' : ' closed') : ''}${r.on !== undefined ? (r.on ? ' on' : ' off') : ''}`);
  return `Robot at: ${w.robot.at}; holding: ${w.robot.holding ?? 'nothing'}.\nAppliances and doors: ${state.join(', ')}.\nObjects:\n${lines.join('\n')}`;
}

export function commanderSystemPrompt(scenario: CommanderScenario): string {
  const p = scenario.persona;
  return [
    'You are the Commander in a household task, like in the TEACh dataset. A robot (the Follower) acts in the house;',
    'you cannot act, but you know the goal and can see where everything is. After every robot action you either',
    'OBSERVE (stay silent) or say one thing, labelled with one dialogue act:',
    `${COMMANDER_ACTS.filter((a) => a !== 'OBSERVE').join(', ')}.`,
    `Goal: ${scenario.task.goal}.`,
    p.style === 'vague'
      ? 'Persona: you give the goal in a few words and answer questions briefly, naming only the place.'
      : 'Persona: you give the goal with helpful detail: where the key objects are and what state they are in.',
    'Stay quiet (OBSERVE) while the robot makes progress. Answer questions truthfully from the world facts.',
    'Correct mistakes (wrong object picked up, object put in the wrong place) with FeedbackNegative.',
    `If the robot makes no progress for about ${p.patience} steps, give the next step as an Instruction.`,
    'Reply with JSON only: {"act": "<act>", "utterance": "<what you say>"}; for OBSERVE reply {"act": "OBSERVE"}.',
  ].join('\n');
}

export function commanderUserPrompt(input: CommanderInput): string {
  if (input.kind === 'start') {
    return `The episode starts. Current world:\n${worldFacts(input.world)}\n\nGreet the robot and tell it the goal (act Instruction).`;
  }
  const recent = input.recent.map((t) => `${t.role}: ${t.text}`).join('\n');
  return [
    `Recent dialogue and actions:\n${recent}`,
    `Latest robot action: ${input.command.verb === 'say' ? `it said "${input.command.text}"` : input.outcome.message} (${input.outcome.ok ? 'succeeded' : 'failed'}).`,
    `Goal progress: ${input.status.satisfied}/${input.status.total} goal conditions${input.progressed ? ' (it just made progress)' : ''}.`,
    `Current world:\n${worldFacts(input.world)}`,
    'Your turn: JSON with act and utterance.',
  ].join('\n\n');
}

export class LlmCommander implements UserSimulator<CommanderInput, CommanderTurn> {
  readonly turnSchema = commanderTurnSchema;
  private usage: Usage | undefined;
  private readonly llm: LlmProvider;
  private calls = 0;

  constructor(private readonly ctx: SimulatorContext<CommanderScenario>) {
    if (!ctx.llm) throw new ConfigError('Embodied-v0: the llm commander needs an LLM provider (configure a model)');
    this.llm = ctx.llm;
  }

  get config() {
    return this.ctx.config;
  }

  async respond(input: CommanderInput): Promise<CommanderTurn> {
    const messages: ChatMessage[] = [
      { role: 'system', content: commanderSystemPrompt(this.ctx.scenario) },
      { role: 'user', content: commanderUserPrompt(input) },
    ];
    this.calls += 1;
    const res = await this.llm.complete({
      messages,
      schema: commanderTurnSchema,
      schemaName: 'commander_turn',
      check: (v: Json) => checkCommanderTurn(v as CommanderTurn),
      seed: this.ctx.rng.seed(),
      temperature: this.ctx.config.temperature,
    });
    this.usage = addUsage(this.usage ?? emptyUsage(), res.usage);
    const turn = res.value as CommanderTurn;
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
