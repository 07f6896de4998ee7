/**
 * Expert for SocialDeduction-v0, acting on the observation alone. It reads its seat, the map and
 * every transcript line back into structure (`read.ts`) and reasons with the same mind as the
 * scripted players (`simulators/social-deduction/mind.ts`), with a careful imposter:
 * - crewmate: heads for its nearest open task, works, reports any body it sees, tells the table what
 *   it saw (a witnessed kill, who was last with the victim, true sightings), answers surveys from its
 *   evidence and votes for its top suspect when confident, else skips;
 * - imposter: kills only when alone with one crewmate (so nobody witnesses it), walks away, gives an
 *   alibi in a room it really visited away from its kills, deflects and bandwagons.
 */
import { deriveSeed, Rng } from '../../core/rng.js';
import type { Observation, } from '../../core/types.js';
import { DEFAULT_MIND_PARAMS, type MindParams, type MindState, act, newMind, observe, speak, survey, vote } from '../../simulators/social-deduction/mind.js';
import type { Agent, AgentEpisodeContext } from '../types.js';
import { readEntry, readInstructions, readOpenTasks, type SeatFacts } from './read.js';

export class SocialExpert implements Agent {
  readonly id = 'expert';
  readonly config = { params: { ...DEFAULT_MIND_PARAMS, recklessness: 0 } };
  private rng = Rng.fromSeed(0);
  private facts: SeatFacts | null = null;
  private mind: MindState | null = null;
  private cursor = 0;
  private openTasks: number[] = [];
  private lastSee: { players: string[] } | null = null;
  private readonly params: MindParams = { ...DEFAULT_MIND_PARAMS, recklessness: 0 };

  reset(ctx: AgentEpisodeContext): void {
    this.rng = Rng.fromSeed(deriveSeed(ctx.seed, 'social-expert'));
    this.facts = null;
    this.mind = null;
    this.cursor = 0;
    this.openTasks = [];
    this.lastSee = null;
  }

  private sync(obs: Observation): void {
    if (!this.facts) {
      this.facts = readInstructions(obs.instructions);
      if (!this.facts) return;
      const f = this.facts;
      this.mind = newMind(f.self, f.role, f.teammates, f.setup, this.params);
      this.cursor = 0;
    }
    const f = this.facts;
    const m = this.mind;
    if (!m) return;
    if (obs.transcript.length < this.cursor) this.cursor = 0;
    const entries = [];
    for (const line of obs.transcript.slice(this.cursor)) {
      const e = readEntry(line, f.self, f.setup);
      if (!e) continue;
      // The mind only listens to others; its own messages are already known to it.
      if (e.kind === 'message' && e.speaker === f.self) continue;
      if (e.kind === 'see') this.lastSee = e;
      entries.push(e);
    }
    this.cursor = obs.transcript.length;
    observe(m, entries, f.setup);
    const tasks = readOpenTasks(obs.newText, f.setup);
    if (tasks) this.openTasks = tasks;
  }

  act(obs: Observation): string {
    this.sync(obs);
    const f = this.facts;
    const m = this.mind;
    const legal = obs.legalActions ?? [];
    if (!f || !m) return legal[0] ?? 'wait';
    if (legal.some((a) => a.startsWith('SURVEY '))) {
      const cands = legal.filter((a) => a !== 'SURVEY uniform').map((a) => a.slice(7));
      return `SURVEY ${JSON.stringify(roundDist(survey(m, cands, this.params)))}`;
    }
    if (legal.some((a) => a.startsWith('VOTE '))) {
      const opts = legal.map((a) => a.slice(5));
      return `VOTE ${vote(m, opts, this.params, opts.filter((o) => o !== 'skip'))}`;
    }
    if (legal.length) return act(m, legal, this.openTasks, f.setup, this.params, this.rng, this.lastSee);
    const alive = livingFrom(obs, f);
    return `SAY ${speak(m, alive, f.setup, this.params, this.rng)}`;
  }
}

function roundDist(d: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(d)) out[k] = Math.round(v * 1e4) / 1e4;
  return out;
}

/** Living players by the latest meeting announcement and the ejections/deaths since. */
export function livingFrom(obs: Observation, f: SeatFacts): string[] {
  let alive = [...f.setup.players];
  for (const line of obs.transcript) {
    if (line.role !== 'game') continue;
    const m = /Living players: ([^.]+)\./.exec(line.text);
    if (m) alive = (m[1] as string).split(/,\s*/);
    const e = /(\w+) was ejected\./.exec(line.text);
    if (e) alive = alive.filter((p) => p !== e[1]);
  }
  return alive;
}
