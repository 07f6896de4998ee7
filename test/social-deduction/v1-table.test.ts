/**
 * SocialDeduction-v1's scripted table, driven directly through the engine so that each situation is
 * set up exactly: a kill in front of a witness, a meeting, the agent's words.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.js';
import { DEFAULT_RULES, type GameRules, type GameSetup, type GameState, applyMessage, applySurvey, applyVotes, currentSpeaker, newGame, resolveTick } from '../../envs/social-deduction/engine.js';
import { tableInput, fedAfter } from '../../envs/social-deduction/define.js';
import { NpcTable } from '../../simulators/social-deduction/npc-table.js';
import { DEFAULT_NPC_PARAMS, hear, newNpc, type Npc, observeNpc, speechIntents, voteNpc } from '../../simulators/social-deduction/npc.js';
import { parseTalk } from '../../simulators/social-deduction/talk.js';
import type { TableTurn } from '../../simulators/social-deduction/table.js';

const SETUP: GameSetup = {
  players: ['Red', 'Blue', 'Green', 'Yellow', 'Purple'],
  imposters: ['Red'],
  width: 3,
  height: 2,
  roomNames: ['Cafeteria', 'Weapons', 'Navigation', 'Storage', 'Electrical', 'Reactor'],
  startRoom: 0,
  tasks: { Blue: [1, 2, 3], Green: [4, 5, 1], Yellow: [2, 3, 4], Purple: [5, 1, 2] },
};
const RULES: GameRules = { ...DEFAULT_RULES, killCooldown: 3, seeAfterTask: true, revealRoles: true, workersSeeKills: true };
const AGENT = 'Yellow';
const SEATS = SETUP.players.filter((p) => p !== AGENT);
const PARAMS = { ...DEFAULT_NPC_PARAMS };

/** The game and the table that plays every seat but the agent's. */
class Harness {
  g: GameState;
  fed: Record<string, number> = {};
  table = new NpcTable({ scenario: SETUP, rng: Rng.fromSeed(7), config: { kind: 'scripted' } });
  rng = Rng.fromSeed(3);
  constructor(rooms: Record<string, number>) {
    const g = newGame(SETUP, RULES);
    for (const [p, r] of Object.entries(rooms)) (g.players[p] as { room: number }).room = r;
    // Red's kill is ready at once (and then cools down for three ticks).
    (g.players.Red as { cooldown: number }).cooldown = 0;
    this.g = g;
  }
  turn(): TableTurn {
    const t = this.table.respond(tableInput(this.g, SEATS, this.fed, PARAMS as never));
    this.fed = fedAfter(this.g, SEATS, this.fed);
    return t;
  }
  tick(agentAction: string, forced: Record<string, string> = {}): void {
    const t = this.turn();
    const actions = { ...(t.kind === 'act' ? t.actions : {}), ...forced, [AGENT]: agentAction };
    this.g = resolveTick(this.g, actions, this.rng);
  }
  /** Runs the meeting; the agent says `say` when its turn comes and answers uniform surveys. */
  meeting(say: string, onSurvey?: (answers: Record<string, Record<string, number>>) => void): void {
    while (this.g.phase === 'discussion') {
      if (this.g.meeting?.step === 'survey') {
        const t = this.turn();
        const answers = t.kind === 'survey' ? t.answers : {};
        onSurvey?.(answers);
        this.g = applySurvey(this.g, answers);
      } else if (currentSpeaker(this.g) === AGENT) this.g = applyMessage(this.g, AGENT, say);
      else {
        const t = this.turn();
        this.g = applyMessage(this.g, currentSpeaker(this.g) as string, t.kind === 'speak' ? t.message : '...');
      }
    }
  }
  messages(): { speaker: string; message: string }[] {
    return (this.g.logs[AGENT] ?? []).flatMap((e) => (e.kind === 'message' ? [{ speaker: e.speaker, message: e.message }] : []));
  }
}

describe('SocialDeduction-v1 table', () => {
  it('a kill in sight of a witness leads to a report, an accusation with the sighting, and the killer voted out', () => {
    // Red, Blue and Green in the Weapons; the others in the Cafeteria. Red kills Blue in front of Green.
    const h = new Harness({ Red: 1, Blue: 1, Green: 1, Yellow: 0, Purple: 0 });
    h.tick('wait', { Red: 'kill Blue', Blue: 'wait', Green: 'wait' });
    expect(h.g.logs.Green?.some((e) => e.kind === 'witness' && e.killer === 'Red')).toBe(true);
    h.tick('wait');
    expect(h.g.phase).toBe('discussion');
    expect(h.g.meeting?.reporter).toBe('Green');
    h.meeting('I was in the Cafeteria at tick 1.');
    const green = h.messages().filter((m) => m.speaker === 'Green');
    const claims = green.flatMap((m) => parseTalk(m.message, 'Green', SETUP));
    expect(claims).toContainEqual({ kind: 'kill', killer: 'Red', victim: 'Blue', room: 1 });
    expect(claims).toContainEqual({ kind: 'accuse', target: 'Red' });
    // Everyone else hears it: the vote goes against Red.
    const t = h.turn();
    expect(t.kind).toBe('vote');
    const votes = (t as Extract<TableTurn, { kind: 'vote' }>).votes;
    expect(votes.Green).toBe('Red');
    expect(votes.Purple).toBe('Red');
    h.g = applyVotes(h.g, { ...votes, [AGENT]: 'Red' });
    expect(h.g.meeting?.result?.ejected).toBe('Red');
  });

  it("the agent's true accusation with evidence moves the crewmates' suspicion; a bare accusation or silence does not", () => {
    // The agent alone sees Red kill Blue in the Weapons; it reports and says what it saw.
    const beliefs = (say: string): { red: number; agent: number } => {
      const h = new Harness({ Red: 1, Blue: 1, Yellow: 1, Green: 4, Purple: 5 });
      h.tick('wait', { Red: 'kill Blue', Blue: 'wait' });
      h.tick('report Blue');
      expect(h.g.meeting?.reporter).toBe(AGENT);
      let last = { red: 0, agent: 0 };
      h.meeting(say, (answers) => {
        // The two other crewmates' survey mass on Red and on the agent, at the survey before the vote.
        last = {
          red: (answers.Green?.Red ?? 0) + (answers.Purple?.Red ?? 0),
          agent: (answers.Green?.Yellow ?? 0) + (answers.Purple?.Yellow ?? 0),
        };
      });
      return last;
    };
    const evidence = beliefs('I saw Red kill Blue in the Weapons! I was in the Weapons at tick 0.');
    const bare = beliefs('I think Red is sus.');
    const nothing = beliefs('I have nothing to say.');
    expect(evidence.red).toBeGreaterThan(1.2); // most of both crewmates' belief is on Red
    expect(evidence.red).toBeGreaterThan(bare.red + 0.3);
    expect(evidence.red).toBeGreaterThan(nothing.red + 0.3);
    // An accusation with no account of oneself reads as deflection: they suspect the agent instead.
    expect(bare.agent).toBeGreaterThan(evidence.agent + 0.3);
  });

  it("a scripted player's vote is its last stated suspicion unless new evidence arrived after it spoke", () => {
    const setup = SETUP;
    const fresh = (): Npc => {
      const m = newNpc('Green', 'crewmate', [], setup, PARAMS);
      observeNpc(m, [{ kind: 'see', t: 5, text: '', room: 4, players: ['Purple'], bodies: [] }], setup, PARAMS, Rng.fromSeed(1));
      observeNpc(
        m,
        [{ kind: 'meeting', t: 6, text: '', reporter: 'Yellow', bodies: [{ player: 'Blue', room: 1 }], living: ['Red', 'Green', 'Yellow', 'Purple'] }],
        setup,
        PARAMS,
        Rng.fromSeed(1),
      );
      return m;
    };
    const options = ['Red', 'Yellow', 'Purple', 'skip'];
    // Yellow (trusted reporter) names Red as the killer; Green then speaks twice and states Red.
    const a = fresh();
    hear(a, 'Yellow', parseTalk('I found the body of Blue in the Weapons. I saw Red kill Blue in the Weapons!', 'Yellow', setup), setup, PARAMS);
    speechIntents(a, ['Red', 'Green', 'Yellow', 'Purple'], PARAMS);
    const said = speechIntents(a, ['Red', 'Green', 'Yellow', 'Purple'], PARAMS);
    expect(said).toContainEqual({ kind: 'accuse', target: 'Red' });
    expect(voteNpc(a, options, PARAMS)).toBe('Red');
    // Without new evidence it sticks to a skip it announced, even if its beliefs would allow a vote.
    const b = fresh();
    speechIntents(b, ['Red', 'Green', 'Yellow', 'Purple'], PARAMS);
    const skipped = speechIntents(b, ['Red', 'Green', 'Yellow', 'Purple'], PARAMS);
    expect(skipped).toContainEqual({ kind: 'skip' });
    expect(voteNpc(b, options, PARAMS)).toBe('skip');
    // New evidence after the statement: a witness's account arrives, and the vote follows it.
    hear(b, 'Yellow', parseTalk('I found the body of Blue in the Weapons. I saw Purple kill Blue in the Weapons!', 'Yellow', setup), setup, PARAMS);
    expect(voteNpc(b, options, PARAMS)).toBe('Purple');
  });

  it('a claim the listener can refute from its own timeline costs the speaker credibility', () => {
    const m = newNpc('Green', 'crewmate', [], SETUP, PARAMS);
    const rng = Rng.fromSeed(1);
    // Green stood in the Storage at ticks 3-5 with nobody else.
    for (const t of [3, 4, 5]) observeNpc(m, [{ kind: 'see', t, text: '', room: 3, players: [], bodies: [] }], SETUP, PARAMS, rng);
    observeNpc(m, [{ kind: 'meeting', t: 6, text: '', reporter: 'Yellow', bodies: [{ player: 'Blue', room: 1 }], living: ['Red', 'Green', 'Yellow', 'Purple'] }], SETUP, PARAMS, rng);
    const before = m.trust.Red as number;
    hear(m, 'Red', parseTalk('I was in the Storage from tick 3 to tick 5.', 'Red', SETUP), SETUP, PARAMS);
    expect(m.trust.Red).toBeLessThan(before / 2);
    expect(m.suspicion.Red).toBeGreaterThan(m.suspicion.Purple as number);
    // And it says so in the next round, with the fact.
    speechIntents(m, ['Red', 'Green', 'Yellow', 'Purple'], PARAMS);
    const next = speechIntents(m, ['Red', 'Green', 'Yellow', 'Purple'], PARAMS);
    expect(next).toContainEqual({ kind: 'lying', target: 'Red' });
  });
});
