/**
 * Agents of SocialDeduction-v1 that act on the observation alone (and the oracle, which also reads
 * the roles). They read the seat, the map and every transcript line back into structure
 * (`read.ts`) and reason with the v1 mind (`simulators/social-deduction/npc.ts`):
 *
 * - `expert`: crewmate — heads for its tasks, reports bodies, tells what it saw with ticks, checks
 *   every claim against its own timeline, calls out the claims it can refute, answers accusations,
 *   names its suspect and votes as it said. Imposter — kills only when alone with one crewmate and
 *   nobody was with them a tick before, walks away, and in meetings tells a cover story (its kill's
 *   ticks moved to the room it came from, sometimes a crewmate placed near the body), in the same
 *   words an honest player uses.
 * - `deaf`: the expert that ignores what others say (it still tells what it saw and votes on its own
 *   evidence). The gap expert − deaf measures what listening is worth.
 * - `silent`: plays the action phase like the expert but says nothing in meetings, answers uniform
 *   surveys and skips every vote. The gap expert − silent measures what talk is worth.
 * - `oracle` (privileged): knows every role from the scenario. As a crewmate it names and votes the
 *   imposter from the first message on; as an imposter it also knows the crewmates' task rooms and
 *   hunts where a crewmate will be alone.
 */
import { deriveSeed, Rng } from '../../core/rng.js';
import type { Observation } from '../../core/types.js';
import type { LogEntry } from '../../envs/social-deduction/engine.js';
import { distance, stepToward } from '../../envs/social-deduction/engine.js';
import type { SocialScenario } from '../../envs/social-deduction/config.js';
import { actNpc, DEFAULT_NPC_PARAMS, type Npc, type NpcParams, newNpc, observeNpc, speechIntents, surveyNpc, voteNpc } from '../../simulators/social-deduction/npc.js';
import { type Intent, realizeAll } from '../../simulators/social-deduction/phrases.js';
import type { Agent, AgentEpisodeContext } from '../types.js';
import { livingFrom } from './expert.js';
import { readEntry, readInstructions, readOpenTasks, type SeatFacts } from './read.js';

export type V1Mode = 'expert' | 'deaf' | 'silent' | 'oracle';

export class SocialAgentV1 implements Agent {
  readonly id: string;
  readonly config: { mode: V1Mode; params: NpcParams };
  readonly privileged?: boolean;
  private rng = Rng.fromSeed(0);
  private talkRng = Rng.fromSeed(0);
  private facts: SeatFacts | null = null;
  private mind: Npc | null = null;
  private cursor = 0;
  private lastSeeT = 0;
  private openTasks: number[] = [];
  private params: NpcParams;
  private scenario: SocialScenario | null = null;

  constructor(private readonly mode: V1Mode = 'expert') {
    this.id = mode;
    this.params = { ...DEFAULT_NPC_PARAMS, recklessness: 0, listen: mode === 'deaf' ? 0 : 1, crossCheck: mode === 'deaf' ? 0 : 1 };
    this.config = { mode, params: this.params };
    if (mode === 'oracle') this.privileged = true;
  }

  reset(ctx: AgentEpisodeContext): void {
    this.params = { ...this.params, rebut: 1, frame: DEFAULT_NPC_PARAMS.frame, truthfulAlibi: 0 };
    this.rng = Rng.fromSeed(deriveSeed(ctx.seed, `social-v1-${this.mode}`));
    this.talkRng = Rng.fromSeed(deriveSeed(ctx.seed, `social-v1-${this.mode}/talk`));
    this.facts = null;
    this.mind = null;
    this.cursor = 0;
    this.lastSeeT = 0;
    this.openTasks = [];
    this.scenario = this.mode === 'oracle' ? ((ctx.privileged?.scenario as SocialScenario | undefined) ?? null) : null;
  }

  private sync(obs: Observation): void {
    if (!this.facts) {
      this.facts = readInstructions(obs.instructions);
      if (!this.facts) return;
      const f = this.facts;
      // As an imposter, calling a truthful accuser a liar puts its cover story up for checking: it
      // denies and accuses instead (scripted imposters do call out, as a crewmate would).
      // Nor does it plant false sightings: the framed crewmate always knows where it was, and the
      // scripted imposters' frames (npc.frame) cost them more than they gain (measured: docs).
      if (f.role === 'imposter') this.params = { ...this.params, rebut: 0, frame: 0, truthfulAlibi: 1 };
      this.mind = newNpc(f.self, f.role, f.teammates, f.setup, this.params);
      this.cursor = 0;
    }
    const f = this.facts;
    const m = this.mind;
    if (!m) return;
    if (obs.transcript.length < this.cursor) this.cursor = 0;
    const entries: LogEntry[] = [];
    for (const line of obs.transcript.slice(this.cursor)) {
      const e = readEntry(line, f.self, f.setup);
      if (!e) continue;
      if (e.kind === 'message' && e.speaker === f.self) continue;
      // Kill lines carry no tick: they happened at the tick of the last look.
      if (e.kind === 'see') this.lastSeeT = e.t;
      if (e.kind === 'killed' || e.kind === 'witness') e.t = this.lastSeeT;
      entries.push(e);
    }
    this.cursor = obs.transcript.length;
    observeNpc(m, entries, f.setup, this.params, this.talkRng);
    const tasks = readOpenTasks(obs.newText, f.setup);
    if (tasks) this.openTasks = tasks;
    if (this.scenario && f.role === 'crewmate') {
      // The oracle knows: the imposters top its suspicion, everyone else is cleared.
      for (const p of Object.keys(m.suspicion)) m.suspicion[p] = this.scenario.imposters.includes(p) ? 30 : -5;
    }
  }

  act(obs: Observation): string {
    this.sync(obs);
    const f = this.facts;
    const m = this.mind;
    const legal = obs.legalActions ?? [];
    if (!f || !m) return legal[0] ?? 'wait';
    const silent = this.mode === 'silent';
    if (legal.some((a) => a.startsWith('SURVEY '))) {
      if (silent) return 'SURVEY uniform';
      const cands = legal.filter((a) => a !== 'SURVEY uniform').map((a) => a.slice(7));
      return `SURVEY ${JSON.stringify(roundDist(surveyNpc(m, cands, this.params)))}`;
    }
    if (legal.some((a) => a.startsWith('VOTE '))) {
      if (silent) return 'VOTE skip';
      return `VOTE ${voteNpc(m, legal.map((a) => a.slice(5)), this.params)}`;
    }
    if (legal.length) {
      const hunt = this.hunt(legal);
      return hunt ?? actNpc(m, legal, this.openTasks, f.setup, this.params, this.rng, true);
    }
    if (silent) return 'SAY ...';
    const alive = livingFrom(obs, f);
    let intents: Intent[] = speechIntents(m, alive, this.params);
    if (this.scenario && f.role === 'crewmate') {
      const imp = this.scenario.imposters.find((i) => alive.includes(i));
      if (imp && !intents.some((i) => i.kind === 'accuse' && i.target === imp)) {
        intents = [...intents.filter((i) => i.kind !== 'accuse' && i.kind !== 'skip').slice(0, 2), { kind: 'accuse', target: imp }];
        m.stated = { target: imp, seq: m.seq };
      }
    }
    return `SAY ${realizeAll(intents, f.setup, this.talkRng)}`;
  }

  /** Oracle imposter: without a quiet kill, walk toward the nearest room where exactly one crewmate has a task. */
  private hunt(legal: string[]): string | null {
    const s = this.scenario;
    const m = this.mind;
    const f = this.facts;
    if (!s || !m || !f || f.role !== 'imposter' || legal.some((a) => a.startsWith('kill '))) return null;
    const count = new Map<number, number>();
    for (const [p, rooms] of Object.entries(s.tasks)) {
      if (m.dead.includes(p)) continue;
      for (const r of new Set(rooms)) count.set(r, (count.get(r) ?? 0) + 1);
    }
    let best: number | null = null;
    for (const [r, n] of count) {
      if (n !== 1 || r === m.room) continue;
      if (best === null || distance(f.setup, m.room, r) < distance(f.setup, m.room, best)) best = r;
    }
    if (best === null) return null;
    const dir = stepToward(f.setup, m.room, best);
    return dir && legal.includes(`move ${dir}`) ? `move ${dir}` : null;
  }
}

function roundDist(d: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(d)) out[k] = Math.round(v * 1e4) / 1e4;
  return out;
}
