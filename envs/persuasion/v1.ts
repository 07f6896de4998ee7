/**
 * Persuasion-v1: PersuasionForGood with a persuadee who listens (issue 14).
 *
 * The agent is the persuader; the user is a persuadee with a real participant's survey, paid $2, who
 * decides how much of it to give to Save the Children. Same action grammar as v0 (`<message>`,
 * `SAY <message>`, `CLOSE <message>`); what changed is the persuadee (simulators/persuasion/v1/):
 * grounded, consistent replies, appeals that accrue per conversation with diminishing returns, tricks
 * that cost trust — and the reward.
 *
 * Reward (kwarg `reward`, default 'expected'): paid once, when the conversation ends.
 * - 'expected': the donation the persuadee is expected to give given the whole transcript — its
 *   probability of giving (with its own earlier statements taken into account) times the expected
 *   amount. The persuadee still draws and announces one donation (recorded in `info.donation` and the
 *   closing system line); paying its expectation removes the coin flip from the return, which cuts
 *   the episodes needed to tell two agents apart by a large factor (docs/envs/persuasion.md).
 * - 'sampled': the announced donation itself, as v0 pays.
 * With the LLM persuadee there is no model to take an expectation of: the reward is the announced
 * donation in both modes.
 *
 * The persuadee may end the chat early (it leaves when annoyed enough, or after a third refusal under
 * pressure); a persuadee who leaves gives nothing.
 */
import { assign, fromPromise, setup } from 'xstate';
import { ConfigError } from '../../core/errors.js';
import { type BaseContext, defineEnv } from '../../core/machine-env.js';
import { registerMachineEnv } from '../../core/registry.js';
import type { Rng } from '../../core/rng.js';
import type { TranscriptEntry } from '../../core/types.js';
import type { SimulatorContext } from '../../simulators/types.js';
import { describePersona, type PersuasionScenario } from '../../simulators/persuasion/persona.js';
import { drawAgenda, type PersuasionScenarioV1, scenarioSchemaV1 } from '../../simulators/persuasion/v1/scenario.js';
import { participants } from '../../simulators/persuasion/resources.js';
import { createLlmPersuadeeV1 } from '../../simulators/persuasion/v1/llm.js';
import { createScriptedPersuadeeV1, type PersuadeeInputV1 } from '../../simulators/persuasion/v1/persuadee.js';
import type { PersuadeeTurnV1 } from '../../simulators/persuasion/v1/turn.js';
import { ExpertPersuaderV1 } from '../../agents/persuasion/expert-v1.js';
import { OraclePersuader, PlanningPersuader } from '../../agents/persuasion/oracle.js';
import { RandomPersuader } from '../../agents/persuasion/random.js';
import { persuasionAudit } from '../../agents/persuasion/adversaries.js';

export const ENV_ID_V1 = 'Persuasion-v1';
export const ENV_VERSION_V1 = '1.0.0';
export const DEFAULT_MAX_TURNS_V1 = 10;
export const MAX_DONATION = 2;
export const DEFAULT_CLOSE_V1 = 'Would you like to donate some of your $2 payment to Save the Children? How much would you give?';
export const REWARD_MODES = ['expected', 'sampled'] as const;

export interface PersuasionV1Context extends BaseContext {
  scenario: PersuasionScenario;
  maxTurns: number;
  rewardMode: 'expected' | 'sampled';
  transcript: TranscriptEntry[];
  turn: number;
  pending: string;
  closing: boolean;
  closedBy: 'agent' | 'cap' | null;
  lastTurn: PersuadeeTurnV1 | null;
  revealedConcerns: string[];
  donation: number | null;
  expectedDonation: number | null;
}

type PersuasionEvent = { type: 'SAY'; text: string } | { type: 'CLOSE'; text: string };

export function clampDonation(x: unknown): number {
  const v = typeof x === 'number' && Number.isFinite(x) ? x : 0;
  return Math.round(Math.min(MAX_DONATION, Math.max(0, v)) * 100) / 100;
}

export function instructionsV1(maxTurns: number, maxChars: number): string {
  return [
    'You are the persuader in a PersuasionForGood chat. Your partner is a crowd worker who was paid $2 for this task.',
    'Persuade them to donate part or all of that $2 to Save the Children, a charity helping children in need in the US and around the world.',
    'They decide how much to give ($0.00 to $2.00) when the chat ends; your reward, paid then, is the donation you can expect from them given the whole conversation.',
    'Actions (plain text):',
    `- \`<message>\` or \`SAY <message>\`: send a chat message (at most ${maxChars} characters).`,
    '- `CLOSE <message>`: send your last message and ask for their decision; they reply with what they give and the chat ends (`CLOSE` alone asks plainly).',
    `You have at most ${maxTurns} messages; your ${maxTurns}th message closes the chat. You speak first.`,
    'The persuadee is a person with their own views, questions and doubts. They notice pressure, tricks and sales talk, and may leave if pushed.',
  ].join('\n');
}

export function checkKwargsV1(kwargs: Record<string, unknown>): void {
  const int = (name: string, lo: number, hi: number) => {
    const v = kwargs[name];
    if (v === undefined) return;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) {
      throw new ConfigError(`${ENV_ID_V1}: kwarg ${name} must be an integer from ${lo} to ${hi}, got ${JSON.stringify(v)}`);
    }
  };
  int('maxTurns', 1, 100);
  int('maxMessageChars', 1, 100_000);
  const r = kwargs.reward;
  if (r !== undefined && !(REWARD_MODES as readonly unknown[]).includes(r)) {
    throw new ConfigError(`${ENV_ID_V1}: kwarg reward must be one of ${REWARD_MODES.join(', ')}, got ${JSON.stringify(r)}`);
  }
}

function systemLine(text: string): TranscriptEntry {
  return { role: 'system', text };
}

export const definitionV1 = defineEnv<PersuasionScenario, PersuasionV1Context>({
  id: ENV_ID_V1,
  version: ENV_VERSION_V1,
  description: 'Persuade a simulated PersuasionForGood participant who listens to donate part of a $2 payment (reward: the expected donation).',
  scenarioSchema: scenarioSchemaV1,
  defaultKwargs: { maxTurns: DEFAULT_MAX_TURNS_V1, maxMessageChars: 2000, invalidActionPenalty: 0, reward: 'expected' },
  sampleScenario(rng: Rng): PersuasionScenarioV1 {
    // A real participant's survey, and the doubts this person holds (hidden; drawn from the survey).
    const persona = structuredClone(rng.pick(participants().personas));
    return { ...persona, agenda: { concerns: drawAgenda(persona, rng) } };
  },
  simulators: {
    scripted: (ctx) => createScriptedPersuadeeV1(ctx as SimulatorContext<PersuasionScenario>),
    llm: (ctx) => createLlmPersuadeeV1(ctx as SimulatorContext<PersuasionScenario>),
  },
  deferredRewards: [],
  secrets(scenario) {
    // The persona's corpus identifiers would let an agent look the participant up.
    const out = [scenario.personaId];
    if (scenario.source?.userId && scenario.source.userId.length >= 6) out.push(scenario.source.userId);
    if (scenario.source?.dialogueId && scenario.source.dialogueId.length >= 6) out.push(scenario.source.dialogueId);
    return out;
  },
  createMachine: (deps) => {
    checkKwargsV1(deps.kwargs);
    return setup({
      types: {} as {
        context: PersuasionV1Context;
        events: PersuasionEvent;
        input: { scenario: PersuasionScenario; kwargs: Record<string, unknown> };
      },
      actors: {
        persuadee: fromPromise<PersuadeeTurnV1, PersuadeeInputV1>(({ input }) => deps.userTurn(input)),
      },
      actions: {
        send: assign(({ context, event }) => {
          const e = event as PersuasionEvent;
          const turn = context.turn + 1;
          return {
            pending: e.text,
            turn,
            closing: context.closing || e.type === 'CLOSE' || turn >= context.maxTurns,
            closedBy: e.type === 'CLOSE' ? ('agent' as const) : turn >= context.maxTurns ? ('cap' as const) : null,
            transcript: [...context.transcript, { role: 'agent', text: e.text }],
          };
        }),
        hear: assign(({ context, event }) => {
          const out = (event as unknown as { output: PersuadeeTurnV1 }).output;
          const revealed = [...context.revealedConcerns];
          for (const c of out.revealedConcerns ?? []) if (!revealed.includes(c)) revealed.push(c);
          return {
            lastTurn: out,
            revealedConcerns: revealed,
            transcript: [...context.transcript, { role: 'user', text: out.utterance }],
          };
        }),
      },
      guards: {
        ends: ({ context, event }) => context.closing || Boolean((event as unknown as { output: PersuadeeTurnV1 }).output.ends),
      },
    }).createMachine({
      id: 'persuasion-v1',
      context: ({ input }) => ({
        scenario: input.scenario,
        maxTurns: Math.max(1, Math.floor(Number(input.kwargs.maxTurns ?? DEFAULT_MAX_TURNS_V1))),
        rewardMode: input.kwargs.reward === 'sampled' ? 'sampled' : 'expected',
        transcript: [systemLine('The persuadee has joined the chat. You speak first.')],
        turn: 0,
        pending: '',
        closing: false,
        closedBy: null,
        lastTurn: null,
        revealedConcerns: [],
        donation: null,
        expectedDonation: null,
        rewardTotals: (input.kwargs.reward === 'sampled' ? { donation: 0 } : { expectedDonation: 0 }) as Record<string, number>,
      }),
      initial: 'persuaderTurn',
      states: {
        persuaderTurn: {
          tags: ['agentTurn'],
          on: {
            SAY: { target: 'persuadeeTurn', actions: 'send' },
            CLOSE: { target: 'persuadeeTurn', actions: 'send' },
          },
        },
        persuadeeTurn: {
          invoke: {
            src: 'persuadee',
            input: ({ context }) => ({
              kind: context.closing ? ('close' as const) : ('message' as const),
              text: context.pending,
              turn: context.turn,
              maxTurns: context.maxTurns,
              transcript: context.transcript.filter((t) => t.role !== 'system'),
            }),
            onDone: [
              {
                guard: 'ends',
                target: 'ended',
                actions: [
                  'hear',
                  assign(({ context, event }) => {
                    const out = event.output;
                    // No decision, no donation: the end protocol is the env's, whatever the simulator said before.
                    const donation = out.ends ? clampDonation(out.donation) : 0;
                    const modelled = out.ends && typeof out.state?.expectedDonation === 'number' ? clampExpected(out.state.expectedDonation) : null;
                    const expected = modelled ?? donation;
                    const terminationReason = !out.ends
                      ? 'closed_without_decision'
                      : context.closedBy === 'agent'
                        ? 'closed'
                        : context.closedBy === 'cap'
                          ? 'turn_cap'
                          : 'persuadee_left';
                    const rewardTotals =
                      context.rewardMode === 'sampled'
                        ? { ...context.rewardTotals, donation }
                        : { ...context.rewardTotals, expectedDonation: expected };
                    return {
                      donation,
                      expectedDonation: expected,
                      terminationReason,
                      rewardTotals,
                      transcript: [
                        ...context.transcript,
                        systemLine(
                          donation > 0
                            ? `The chat is over. The persuadee donated $${donation.toFixed(2)}.`
                            : 'The chat is over. The persuadee did not donate.',
                        ),
                      ],
                    };
                  }),
                ],
              },
              { target: 'persuaderTurn', actions: 'hear' },
            ],
          },
        },
        ended: { type: 'final' },
      },
    });
  },
  observe(ctx, kwargs) {
    return {
      instructions: instructionsV1(ctx.maxTurns, Number(kwargs.maxMessageChars ?? 2000)),
      transcript: ctx.transcript,
      sampleActions: [
        'Hi! How are you doing today?',
        'Have you heard of Save the Children?',
        'Save the Children helps kids in need with food, healthcare and education.',
        DEFAULT_CLOSE_V1,
        `CLOSE ${DEFAULT_CLOSE_V1}`,
      ],
    };
  },
  parseAction(action, _ctx, kwargs) {
    const maxChars = Number(kwargs.maxMessageChars ?? 2000);
    const raw = String(action ?? '').trim();
    if (!raw) return { invalid: 'empty message; send text, `SAY <message>` or `CLOSE <message>`' };
    const close = /^CLOSE\b:?\s*([\s\S]*)$/i.exec(raw);
    const say = /^SAY\b:?\s*([\s\S]*)$/i.exec(raw);
    const text = (close ? (close[1] as string) : say ? (say[1] as string) : raw).trim();
    if (!close && !text) return { invalid: '`SAY` needs a message' };
    if (text.length > maxChars) return { invalid: `message longer than ${maxChars} characters` };
    if (close) return { event: { type: 'CLOSE', text: text || DEFAULT_CLOSE_V1 } };
    return { event: { type: 'SAY', text } };
  },
  info(ctx) {
    const t = ctx.lastTurn;
    const out: Record<string, unknown> = {
      turn: ctx.turn,
      maxTurns: ctx.maxTurns,
      persuadeeIntent: t?.intent ?? null,
      revealedConcerns: [...ctx.revealedConcerns],
    };
    if (t?.perceivedStrategies) out.perceivedStrategies = [...t.perceivedStrategies];
    if (t?.statedAmount !== undefined && t.statedAmount !== null) out.statedAmount = t.statedAmount;
    if (t?.state) {
      out.donateProbability = t.state.donateProbability;
      out.giveProbability = t.state.giveProbability;
      out.expectedDonationNow = t.state.expectedDonation;
      out.trust = t.state.trust;
      out.annoyance = t.state.annoyance;
    }
    if (ctx.donation !== null) {
      out.donation = ctx.donation;
      out.expectedDonation = ctx.expectedDonation;
      out.success = ctx.donation > 0;
    }
    return out;
  },
  render(ctx, kwargs) {
    const lines = [
      instructionsV1(ctx.maxTurns, Number(kwargs.maxMessageChars ?? 2000)),
      '',
      `[hidden persona ${ctx.scenario.personaId}]`,
      describePersona(ctx.scenario),
      '',
      ...ctx.transcript.map((t) => `${t.role === 'agent' ? 'persuader' : t.role === 'user' ? 'persuadee' : t.role}: ${t.text}`),
    ];
    if (ctx.donation !== null) {
      lines.push('', `[donation $${ctx.donation.toFixed(2)}; expected $${(ctx.expectedDonation ?? 0).toFixed(3)}; ${ctx.terminationReason ?? 'ended'}]`);
    }
    return lines.join('\n');
  },
});

function clampExpected(x: number): number {
  return Math.round(Math.min(MAX_DONATION, Math.max(0, Number.isFinite(x) ? x : 0)) * 1e4) / 1e4;
}

registerMachineEnv(definitionV1, {
  maxEpisodeSteps: 40,
  agents: {
    // The expert plans against an average persona's model, reading only the observation; the
    // heuristic script it falls back on is kept as `script` (docs/envs/persuasion.md, "Reference agents").
    expert: () => new PlanningPersuader(),
    script: () => new ExpertPersuaderV1('script'),
    random: () => new RandomPersuader(),
    oracle: () => new OraclePersuader(),
  },
  audit: persuasionAudit,
});
