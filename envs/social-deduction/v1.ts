/**
 * SocialDeduction-v1: the social deduction game where talk decides who wins (issue 16). Same rules
 * and statechart as v0 (`define.ts`, `engine.ts`); what changed, and why it is a new version (the
 * same actions give a different episode):
 *
 * - the scripted table (`simulators/social-deduction/npc-table.ts`): one phrase bank and one speech
 *   policy for crewmates and imposters; claims with ticks that every player checks against its own
 *   timeline; credibility that falls when a claim is refuted; votes that follow stated suspicion;
 *   witnesses who report and accuse; per-seat random streams;
 * - observations: the action prompt always states the agent's room and what is visible there, bodies
 *   included, and a player who finishes a task looks around (`seeAfterTask`); the game-over line
 *   lists every role (`Colour=role`, which is also the env's secret: it never appears before the end);
 * - rewards: `listening`, `speaking` and `voteImposter` are functions of the hidden roles, so they are
 *   deferred — their per-step values are in `info.deferredRewardComponents`, their sum is paid on the
 *   last step;
 * - kwargs: `npc` takes the v1 mind's parameters; `tableTalk: false` mutes the scripted players (the
 *   "no discussion" condition of the report).
 */
import { ConfigError } from '../../core/errors.js';
import { registerMachineEnv } from '../../core/registry.js';
import type { Json } from '../../core/types.js';
import type { SimulatorContext } from '../../simulators/types.js';
import { DEFAULT_NPC_PARAMS, type NpcParams } from '../../simulators/social-deduction/npc.js';
import { NpcTable } from '../../simulators/social-deduction/npc-table.js';
import { LlmTable } from '../../simulators/social-deduction/table.js';
import { SocialRandom } from '../../agents/social-deduction/random.js';
import { SocialAgentV1 } from '../../agents/social-deduction/expert-v1.js';
import { SOCIAL_V1_ADVERSARIES } from '../../agents/social-deduction/adversaries.js';
import { defaultKwargs as v0Kwargs, rulesFromKwargs, sampleScenario, type SocialScenario } from './config.js';
import { socialDefinition } from './define.js';
import { DEFAULT_WEIGHTS } from './engine.js';
import type { GameSetup } from './engine.js';

export const ENV_ID_V1 = 'SocialDeduction-v1';

/** Reward components that are functions of the hidden roles: paid at the end of the episode. */
export const DEFERRED = ['listening', 'speaking', 'voteImposter'] as const;

export const defaultKwargsV1: Record<string, Json> = {
  ...v0Kwargs,
  // Eight tasks each: with five, crewmates finished their tasks in about half the games before talk
  // could matter; with eight, most games are decided in meetings (docs/envs/social-deduction.md).
  tasksPerCrewmate: 8,
  // A task pays 0.01 (v0: 0.05): with eight tasks, v0's weight made tasks 40 % of a win, a reward for
  // walking that says nothing about the game's point, talk.
  // A kill pays 0.02 (v0: 0.1): a per-kill reward pays recklessness whatever it costs the game.
  weights: { ...DEFAULT_WEIGHTS, task: 0.01, kill: 0.02 },
  npc: { ...DEFAULT_NPC_PARAMS },
  /** false: the scripted players say nothing in meetings (they still listen, survey and vote). */
  tableTalk: true,
};

export function npcParamsV1(kwargs: Record<string, Json>): NpcParams {
  const given = (kwargs.npc ?? {}) as Record<string, Json>;
  for (const k of Object.keys(given)) {
    if (!(k in DEFAULT_NPC_PARAMS)) throw new ConfigError(`SocialDeduction-v1: unknown npc parameter '${k}' (known: ${Object.keys(DEFAULT_NPC_PARAMS).join(', ')})`);
  }
  const p = { ...DEFAULT_NPC_PARAMS, ...(given as Partial<NpcParams>) };
  for (const [k, v] of Object.entries(p)) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new ConfigError(`SocialDeduction-v1: npc.${k} must be a number`);
  }
  if (typeof kwargs.tableTalk !== 'boolean') throw new ConfigError('SocialDeduction-v1: tableTalk must be true or false');
  if (!kwargs.tableTalk) p.muted = 1;
  return p;
}

/** The strings that give the roles away; they appear only on the game-over line. */
export function roleSecrets(scenario: SocialScenario): string[] {
  return scenario.imposters.map((i) => `${i}=imposter`);
}

export const definitionV1 = socialDefinition({
  id: ENV_ID_V1,
  version: '1.0.0',
  description:
    'Among-Us-style social deduction (Sarkar et al. 2025) where talk decides: checkable claims, one phrase bank for every role, deferred listening/speaking rewards.',
  defaultKwargs: defaultKwargsV1,
  sampleScenario,
  simulators: {
    scripted: (ctx) => new NpcTable(ctx as SimulatorContext<GameSetup>),
    llm: (ctx) => new LlmTable(ctx as SimulatorContext<GameSetup>, (c) => new NpcTable(c)),
  },
  rules: (kwargs) => ({ ...rulesFromKwargs(kwargs), seeAfterTask: true, revealRoles: true, workersSeeKills: true }),
  params: (kwargs) => ({ ...npcParamsV1(kwargs) }),
  seat: { version: 1 },
  deferredRewards: DEFERRED,
  secrets: roleSecrets,
});

const KEYWORDS = [
  'I saw', 'kill', 'killed', 'imposter', 'sus', 'suspicious', 'lying', 'liar', 'not true', 'vote', 'voting', 'eject', 'skip',
  'innocent', 'trust', 'body', 'found', 'tick', 'was in', 'with', 'alibi', "it wasn't me", 'I agree', 'guilty', 'confirmed',
  'Red', 'Blue', 'Green', 'Yellow', 'Purple', 'Cafeteria', 'Weapons', 'Navigation', 'Storage', 'Electrical', 'Reactor',
];

registerMachineEnv(definitionV1, {
  maxEpisodeSteps: 600,
  agents: {
    expert: () => new SocialAgentV1('expert'),
    random: () => new SocialRandom(),
    oracle: () => new SocialAgentV1('oracle'),
    deaf: () => new SocialAgentV1('deaf'),
    silent: () => new SocialAgentV1('silent'),
  },
  audit: {
    message: (text) => `SAY ${text}`,
    turnsBeforeFinish: 2,
    keywords: KEYWORDS,
    maxMessageChars: 500,
    variants: [
      { name: 'crewmate', kwargs: { agentRole: 'crewmate' } },
      { name: 'imposter', kwargs: { agentRole: 'imposter' } },
    ],
    adversaries: SOCIAL_V1_ADVERSARIES,
    // Open at the end of issue 16's first pass (figures: docs/envs/social-deduction.md, 200 dev seeds).
    knownOpen: {
      silence:
        "crewmate: the expert's action play alone (tasks, reports) is ~45 of the crewmate scale, because the scripted table finds the imposter in most games without the agent (silent 70 % wins, expert 75 %, random 54 %)",
      'reward-prober': 'crewmate: plays like silence (the deferred rewards reveal nothing, so its votes are skips); same cause as silence',
      'template-reader': 'crewmate: expert actions (see silence) plus voting the accused — defensive sentences track being accused, not the role',
      'always-accuse': 'crewmate: expert actions (see silence); the accusation itself costs it suspicion',
      bandwagon: 'crewmate: following the table is nearly as good as reasoning while the scripted table is usually right',
      'kill-on-sight':
        'imposter: a witnessed kill does cost the game (every sampled game with a witness ended with the imposter ejected), but its unwitnessed kills are the expert',
    },
    shortSeeds: 40,
  },
});
