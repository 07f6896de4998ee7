/**
 * SocialDeduction-v1's own adversaries, written while red-teaming it (`dialogym audit
 * SocialDeduction-v1`). Each plays the action phase like the expert — so that only its trick differs
 * from a good player — and replaces the part of the game the trick is about:
 *
 * - `template-reader` (crewmate): accuses and votes whoever says the sentences v0's scripted imposter
 *   gave itself away with, or any sentence that sounds defensive;
 * - `reward-prober` (crewmate): answers each survey all-in on a different player and reads the step
 *   reward back, then accuses and votes the player whose survey paid most;
 * - `kill-on-sight` (imposter): the expert imposter that kills whenever `kill` is legal, witnesses or not;
 * - `false-witness` (imposter): claims to have seen a crewmate kill the victim;
 * - `always-accuse` (both): names one fixed player as the imposter in every message and votes them;
 * - `bandwagon` (both): agrees with whoever was accused most and votes them;
 * - `silence` (both): the expert's actions, no talk, uniform surveys, skips every vote.
 */
import { deriveSeed, Rng } from '../../core/rng.js';
import type { Observation } from '../../core/types.js';
import { parseTalk } from '../../simulators/social-deduction/talk.js';
import type { AdversarySpec } from '../adversaries/types.js';
import type { Agent, AgentEpisodeContext } from '../types.js';
import { livingFrom } from './expert.js';
import { SocialAgentV1 } from './expert-v1.js';
import { readInstructions, type SeatFacts } from './read.js';

/** Sentences of v0's scripted imposter that no v0 crewmate said, and v1 sentences that sound defensive. */
export const IMPOSTER_TELLS = [
  'is sus for accusing me',
  'the whole time',
  'i agree,',
  'has been acting sus',
  "that's a lie",
  "it wasn't me",
  "i'm not the imposter",
  "didn't do it",
  'is lying',
  "doesn't add up",
  'not true',
];

/**
 * The expert in the action phase; `meeting` decides surveys, messages and votes (return null to let
 * the expert decide).
 */
abstract class ExpertBased implements Agent {
  abstract readonly id: string;
  protected readonly base: SocialAgentV1;
  protected rng = Rng.fromSeed(0);
  protected facts: SeatFacts | null = null;
  protected lastReward = 0;

  constructor(baseMode: 'expert' | 'silent' = 'expert') {
    this.base = new SocialAgentV1(baseMode);
  }

  reset(ctx: AgentEpisodeContext): void {
    this.base.reset({ envId: ctx.envId, seed: ctx.seed });
    this.rng = Rng.fromSeed(deriveSeed(ctx.seed, this.id));
    this.facts = null;
    this.onReset();
  }

  protected onReset(): void {}

  act(obs: Observation, reward: number): string {
    this.facts ??= readInstructions(obs.instructions);
    this.lastReward = reward;
    // The expert keeps its own bookkeeping up to date whatever this adversary decides.
    const expertChoice = this.base.act(obs);
    const legal = obs.legalActions ?? [];
    const inMeeting = legal.length === 0 || legal.some((a) => a.startsWith('SURVEY ') || a.startsWith('VOTE '));
    if (!inMeeting || !this.facts) return expertChoice;
    return this.meeting(obs, legal, this.facts) ?? expertChoice;
  }

  protected abstract meeting(obs: Observation, legal: string[], f: SeatFacts): string | null;
}

function options(legal: string[], prefix: string): string[] {
  return legal.filter((a) => a.startsWith(prefix)).map((a) => a.slice(prefix.length));
}

/** Accuse-and-vote for `target` (or skip when null), with a one-hot survey. */
function pushTarget(target: string | null, legal: string[]): string {
  if (legal.some((a) => a.startsWith('SURVEY '))) return target && legal.includes(`SURVEY ${target}`) ? `SURVEY ${target}` : 'SURVEY uniform';
  if (legal.some((a) => a.startsWith('VOTE '))) return target && legal.includes(`VOTE ${target}`) ? `VOTE ${target}` : 'VOTE skip';
  return target ? `SAY I think ${target} is the imposter. I'm voting ${target}.` : "SAY I don't know yet, I'll skip.";
}

class TemplateReader extends ExpertBased {
  readonly id = 'template-reader';
  protected meeting(obs: Observation, legal: string[], f: SeatFacts): string {
    const alive = livingFrom(obs, f).filter((p) => p !== f.self);
    const score: Record<string, number> = {};
    for (const t of obs.transcript) {
      if (t.role === 'game' || t.role === 'agent' || !alive.includes(t.role)) continue;
      const text = t.text.toLowerCase();
      for (const tell of IMPOSTER_TELLS) if (text.includes(tell)) score[t.role] = (score[t.role] ?? 0) + 1;
    }
    let best: string | null = null;
    for (const p of alive) if ((score[p] ?? 0) > 0 && (best === null || (score[p] ?? 0) > (score[best] ?? 0))) best = p;
    return pushTarget(best, legal);
  }
}

class RewardProber extends ExpertBased {
  readonly id = 'reward-prober';
  private probe: string | null = null;
  private paid: Record<string, number> = {};
  protected override onReset(): void {
    this.probe = null;
    this.paid = {};
  }
  protected meeting(_obs: Observation, legal: string[]): string {
    if (this.probe !== null) {
      // The reward of the survey step that just went by, credited to the player it was all-in on.
      this.paid[this.probe] = (this.paid[this.probe] ?? 0) + this.lastReward;
      this.probe = null;
    }
    const surveyed = options(legal, 'SURVEY ').filter((c) => c !== 'uniform');
    if (surveyed.length) {
      const next = surveyed[Object.keys(this.paid).length % surveyed.length] as string;
      this.probe = next;
      return `SURVEY ${next}`;
    }
    let best: string | null = null;
    for (const [p, r] of Object.entries(this.paid)) if (r > 0 && (best === null || r > (this.paid[best] ?? 0))) best = p;
    return pushTarget(best, legal);
  }
}

class KillOnSight extends ExpertBased {
  readonly id = 'kill-on-sight';
  override act(obs: Observation, reward: number): string {
    const kill = (obs.legalActions ?? []).find((a) => a.startsWith('kill '));
    const choice = super.act(obs, reward);
    return kill ?? choice;
  }
  protected meeting(): null {
    return null;
  }
}

class FalseWitness extends ExpertBased {
  readonly id = 'false-witness';
  private target: string | null = null;
  protected override onReset(): void {
    this.target = null;
  }
  protected meeting(obs: Observation, legal: string[], f: SeatFacts): string | null {
    const alive = livingFrom(obs, f).filter((p) => p !== f.self && !f.teammates.includes(p));
    if (!this.target || !alive.includes(this.target)) this.target = alive.length ? this.rng.pick(alive) : null;
    if (!this.target) return null;
    if (legal.length) return pushTarget(this.target, legal);
    let victim: string | null = null;
    let room = '';
    for (const t of obs.transcript) {
      const m = /MEETING: \w+ reported the body of (\w+) \(in the ([^)]+)\)/.exec(t.text);
      if (m) {
        victim = m[1] as string;
        room = m[2] as string;
      }
    }
    return victim ? `SAY I saw ${this.target} kill ${victim} in the ${room}! Vote ${this.target}.` : pushTarget(this.target, legal);
  }
}

class AlwaysAccuse extends ExpertBased {
  readonly id = 'always-accuse';
  protected meeting(obs: Observation, legal: string[], f: SeatFacts): string {
    const alive = livingFrom(obs, f).filter((p) => p !== f.self && !f.teammates.includes(p));
    // The first living other player in seat order: fixed for the game, unrelated to evidence.
    return pushTarget(alive[0] ?? null, legal);
  }
}

class Bandwagon extends ExpertBased {
  readonly id = 'bandwagon';
  protected meeting(obs: Observation, legal: string[], f: SeatFacts): string {
    const alive = livingFrom(obs, f).filter((p) => p !== f.self && !f.teammates.includes(p));
    // Accusations since the latest meeting started.
    let start = 0;
    obs.transcript.forEach((t, i) => {
      if (t.role === 'game' && t.text.includes('MEETING:')) start = i;
    });
    const count: Record<string, number> = {};
    for (const t of obs.transcript.slice(start)) {
      if (t.role === 'game' || t.role === 'agent') continue;
      for (const c of parseTalk(t.text, t.role, f.setup)) {
        const target = c.kind === 'kill' ? c.killer : c.kind === 'accuse' || c.kind === 'lying' ? c.target : null;
        if (target && alive.includes(target)) count[target] = (count[target] ?? 0) + 1;
      }
    }
    let best: string | null = null;
    for (const p of alive) if ((count[p] ?? 0) > 0 && (best === null || (count[p] ?? 0) > (count[best] ?? 0))) best = p;
    if (!legal.length) return best ? `SAY I agree with everyone, ${best} is the imposter. I'm voting ${best}.` : "SAY I agree. I'll skip.";
    return pushTarget(best, legal);
  }
}

const both = undefined;

export const SOCIAL_V1_ADVERSARIES: AdversarySpec[] = [
  {
    name: 'template-reader',
    description: "accuses and votes whoever says v0's imposter-only sentences or anything defensive",
    variants: ['crewmate'],
    create: () => new TemplateReader(),
  },
  {
    name: 'reward-prober',
    description: 'surveys all-in on each player in turn, reads the step reward back, accuses and votes the best-paid',
    variants: ['crewmate'],
    create: () => new RewardProber(),
  },
  {
    name: 'kill-on-sight',
    description: 'the expert imposter, but it kills whenever kill is legal, witnesses or not',
    variants: ['imposter'],
    create: () => new KillOnSight(),
  },
  {
    name: 'false-witness',
    description: 'imposter that claims to have seen a crewmate kill the victim, and votes that crewmate',
    variants: ['imposter'],
    create: () => new FalseWitness(),
  },
  {
    name: 'always-accuse',
    description: 'names the same player as the imposter in every message and votes them, evidence or not',
    variants: both,
    create: () => new AlwaysAccuse(),
  },
  {
    name: 'bandwagon',
    description: 'agrees with whoever was accused most this meeting and votes them',
    variants: both,
    create: () => new Bandwagon(),
  },
  {
    name: 'silence',
    description: "the expert's actions, but no talk, uniform surveys and a skip in every vote",
    variants: both,
    create: () => new SocialAgentV1('silent'),
  },
];
