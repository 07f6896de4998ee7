/**
 * Persuasion-v0: PersuasionForGood (Wang et al., ACL 2019) as an environment. The agent is the
 * persuader; the user is a persuadee with a real participant's survey (Big Five, moral foundations,
 * Schwartz values, decision style, demographics) who was paid $2 and decides how much of it to give
 * to Save the Children. Reward: the donation in dollars, paid when the conversation ends.
 *
 * Flow (statechart): the agent speaks first; each message gets a persuadee reply; `CLOSE <message>`
 * (or the `maxTurns`-th message) asks for the decision, the persuadee names its donation and the
 * episode terminates. The persuadee may also end the talk early (rudeness, pressure after refusals).
 * The env, not the simulator, enforces the end protocol and the [$0, $2] range.
 */
import { assign, fromPromise, setup } from 'xstate';
import { ConfigError } from '../../core/errors.js';
import { type BaseContext, defineEnv } from '../../core/machine-env.js';
import { registerMachineEnv } from '../../core/registry.js';
import type { Rng } from '../../core/rng.js';
import type { TranscriptEntry } from '../../core/types.js';
import type { SimulatorContext } from '../../simulators/types.js';
import { createLlmPersuadee } from '../../simulators/persuasion/llm.js';
import { describePersona, type PersuasionScenario, scenarioSchema } from '../../simulators/persuasion/persona.js';
import { participants } from '../../simulators/persuasion/resources.js';
import { createScriptedPersuadee, type PersuadeeInput } from '../../simulators/persuasion/scripted.js';
import type { PersuadeeTurn } from '../../simulators/persuasion/turn.js';
import { ExpertPersuader } from '../../agents/persuasion/expert.js';
import { RandomPersuader } from '../../agents/persuasion/random.js';

export const ENV_ID = 'Persuasion-v0';
export const ENV_VERSION = '1.0.0';
/** Default message cap: PersuasionForGood persuaders sent 10 to 15 turns (median 10, mean 10.4). */
export const DEFAULT_MAX_TURNS = 10;
export const MAX_DONATION = 2;
export const DEFAULT_CLOSE = 'Would you like to donate some of your $2 payment to Save the Children? How much would you give?';

export interface PersuasionContext extends BaseContext {
  scenario: PersuasionScenario;
  maxTurns: number;
  transcript: TranscriptEntry[];
  /** Persuader messages sent so far. */
  turn: number;
  pending: string;
  closing: boolean;
  /** Who asked for the decision: the agent (`CLOSE`) or the message cap. */
  closedBy: 'agent' | 'cap' | null;
  lastTurn: PersuadeeTurn | null;
  revealedConcerns: string[];
  donation: number | null;
}

type PersuasionEvent = { type: 'SAY'; text: string } | { type: 'CLOSE'; text: string };

/** The end protocol's clamp: dollars in [0, 2], rounded to cents; anything unusable is 0. */
export function clampDonation(x: unknown): number {
  const v = typeof x === 'number' && Number.isFinite(x) ? x : 0;
  return Math.round(Math.min(MAX_DONATION, Math.max(0, v)) * 100) / 100;
}

export function instructions(maxTurns: number, maxChars: number): string {
  return [
    'You are the persuader in a PersuasionForGood chat. Your partner is a crowd worker who was paid $2 for this task.',
    'Persuade them to donate part or all of that $2 to Save the Children, a charity helping children in need in the US and around the world.',
    'They decide how much to give ($0.00 to $2.00) when the chat ends; your reward is that donation in dollars.',
    'Actions (plain text):',
    `- \`<message>\` or \`SAY <message>\`: send a chat message (at most ${maxChars} characters).`,
    '- `CLOSE <message>`: send your last message and ask for their decision; they reply with what they give and the chat ends (`CLOSE` alone asks plainly).',
    `You have at most ${maxTurns} messages; your ${maxTurns}th message closes the chat. You speak first.`,
    'The persuadee has their own views and may leave early if you are rude or keep pressing after a refusal.',
  ].join('\n');
}

/** Rejects unusable kwargs with one clear line (the CLI exits with code 2). */
export function checkKwargs(kwargs: Record<string, unknown>): void {
  const int = (name: string, lo: number, hi: number) => {
    const v = kwargs[name];
    if (v === undefined) return;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) {
      throw new ConfigError(`${ENV_ID}: kwarg ${name} must be an integer from ${lo} to ${hi}, got ${JSON.stringify(v)}`);
    }
  };
  int('maxTurns', 1, 100);
  int('maxMessageChars', 1, 100_000);
}

function systemLine(text: string): TranscriptEntry {
  return { role: 'system', text };
}

function formatDollars(x: number): string {
  return `$${x.toFixed(2)}`;
}

export const definition = defineEnv<PersuasionScenario, PersuasionContext>({
  id: ENV_ID,
  version: ENV_VERSION,
  description: 'Persuade a simulated PersuasionForGood participant to donate part of a $2 payment (reward: the donation).',
  scenarioSchema,
  defaultKwargs: { maxTurns: DEFAULT_MAX_TURNS, maxMessageChars: 2000, invalidActionPenalty: 0 },
  sampleScenario(rng: Rng) {
    return structuredClone(rng.pick(participants().personas));
  },
  simulators: {
    scripted: (ctx) => createScriptedPersuadee(ctx as SimulatorContext<PersuasionScenario>),
    llm: (ctx) => createLlmPersuadee(ctx as SimulatorContext<PersuasionScenario>),
  },
  createMachine: (deps) => {
    checkKwargs(deps.kwargs);
    return setup({
      types: {} as {
        context: PersuasionContext;
        events: PersuasionEvent;
        input: { scenario: PersuasionScenario; kwargs: Record<string, unknown> };
      },
      actors: {
        persuadee: fromPromise<PersuadeeTurn, PersuadeeInput>(({ input }) => deps.userTurn(input)),
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
          const out = (event as unknown as { output: PersuadeeTurn }).output;
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
        ends: ({ context, event }) => context.closing || Boolean((event as unknown as { output: PersuadeeTurn }).output.ends),
      },
    }).createMachine({
      id: 'persuasion',
      context: ({ input }) => ({
        scenario: input.scenario,
        maxTurns: Math.max(1, Math.floor(Number(input.kwargs.maxTurns ?? DEFAULT_MAX_TURNS))),
        transcript: [systemLine('The persuadee has joined the chat. You speak first.')],
        turn: 0,
        pending: '',
        closing: false,
        closedBy: null,
        lastTurn: null,
        revealedConcerns: [],
        donation: null,
        rewardTotals: { donation: 0 },
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
                    const terminationReason = !out.ends
                      ? 'closed_without_decision'
                      : context.closedBy === 'agent'
                        ? 'closed'
                        : context.closedBy === 'cap'
                          ? 'turn_cap'
                          : 'persuadee_left';
                    return {
                      donation,
                      terminationReason,
                      rewardTotals: { ...context.rewardTotals, donation },
                      transcript: [
                        ...context.transcript,
                        systemLine(
                          donation > 0
                            ? `The chat is over. The persuadee donated ${formatDollars(donation)}.`
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
      instructions: instructions(ctx.maxTurns, Number(kwargs.maxMessageChars ?? 2000)),
      transcript: ctx.transcript,
      sampleActions: [
        'Hi! How are you doing today?',
        'Have you heard of Save the Children?',
        'Save the Children helps kids in need with food, healthcare and education.',
        DEFAULT_CLOSE,
        `CLOSE ${DEFAULT_CLOSE}`,
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
    if (close) return { event: { type: 'CLOSE', text: text || DEFAULT_CLOSE } };
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
    if (t?.state) out.donateProbability = t.state.donateProbability;
    if (ctx.donation !== null) {
      out.donation = ctx.donation;
      out.success = ctx.donation > 0;
    }
    return out;
  },
  render(ctx, kwargs) {
    const lines = [
      instructions(ctx.maxTurns, Number(kwargs.maxMessageChars ?? 2000)),
      '',
      `[hidden persona ${ctx.scenario.personaId}]`,
      describePersona(ctx.scenario),
      '',
      ...ctx.transcript.map((t) => `${t.role === 'agent' ? 'persuader' : t.role === 'user' ? 'persuadee' : t.role}: ${t.text}`),
    ];
    if (ctx.donation !== null) lines.push('', `[donation ${formatDollars(ctx.donation)}; ${ctx.terminationReason ?? 'ended'}]`);
    return lines.join('\n');
  },
});

registerMachineEnv(definition, {
  maxEpisodeSteps: 40,
  // Superseded by Persuasion-v1; kept unchanged so that v0 records still replay and verify.
  tags: ['legacy'],
  agents: {
    expert: () => new ExpertPersuader(),
    random: () => new RandomPersuader(),
  },
});
