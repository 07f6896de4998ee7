import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.js';
import {
  actionRequests,
  applyEjection,
  applyMessage,
  applySurvey,
  applyVotes,
  currentSpeaker,
  DEFAULT_RULES,
  type GameRules,
  type GameSetup,
  type GameState,
  legalActions,
  newGame,
  resolveTick,
  surveyRequests,
  tally,
} from '../../envs/social-deduction/engine.js';

const setup: GameSetup = {
  players: ['Red', 'Blue', 'Green', 'Yellow', 'Purple'],
  imposters: ['Red'],
  width: 3,
  height: 2,
  roomNames: ['Cafeteria', 'Weapons', 'Navigation', 'Storage', 'Electrical', 'Reactor'],
  startRoom: 0,
  tasks: { Blue: [1, 2], Green: [1, 3], Yellow: [0, 4], Purple: [5, 0] },
};
const rules: GameRules = { ...DEFAULT_RULES, taskTicks: 2, killCooldown: 2, discussionRounds: 1, maxTicks: 30 };
const rng = () => Rng.fromSeed(7);

/** Runs ticks with the given actions (everyone else waits). */
function ticks(g: GameState, ...rounds: Record<string, string>[]): GameState {
  let s = g;
  for (const a of rounds) s = resolveTick(s, a, rng());
  return s;
}

function entries(g: GameState, p: string, kind: string) {
  return (g.logs[p] ?? []).filter((e) => e.kind === kind);
}

describe('social deduction engine', () => {
  it('enforces the kill cooldown, and resets it after a kill', () => {
    let g = newGame(setup, rules);
    expect(legalActions(g, 'Red').some((a) => a.startsWith('kill'))).toBe(false);
    g = ticks(g, { Red: 'kill Blue' });
    expect(g.players.Blue?.alive).toBe(true); // illegal kill counted as wait
    g = ticks(g, {});
    expect(legalActions(g, 'Red')).toContain('kill Blue');
    expect(legalActions(g, 'Blue').some((a) => a.startsWith('kill'))).toBe(false); // crewmates never kill
    g = ticks(g, { Red: 'kill Blue' });
    expect(g.players.Blue?.alive).toBe(false);
    expect(g.players.Red?.cooldown).toBe(rules.killCooldown);
    expect(legalActions(g, 'Red').some((a) => a.startsWith('kill'))).toBe(false);
    g = ticks(g, {}, {});
    expect(legalActions(g, 'Red')).toContain('kill Green');
  });

  it('resets the kill cooldown after a meeting and sends everyone back to the start room', () => {
    let g = newGame(setup, rules);
    g = ticks(g, { Purple: 'move east' }, {}, { Red: 'kill Blue' }, { Green: 'report Blue' });
    while (g.phase === 'discussion') g = g.meeting?.step === 'survey' ? applySurvey(g, {}) : applyMessage(g, currentSpeaker(g) as string, 'hm');
    g = applyEjection(applyVotes(g, {}));
    expect(g.phase).toBe('action');
    expect(g.players.Red?.cooldown).toBe(rules.killCooldown);
    expect(g.players.Purple?.room).toBe(setup.startRoom);
    expect(legalActions(g, 'Red').some((a) => a.startsWith('kill'))).toBe(false);
    expect(g.bodies).toEqual([]);
  });

  it('lets players in the room witness a kill, but not those busy with a task or elsewhere', () => {
    let g = newGame(setup, rules);
    // Purple leaves for Weapons; Yellow starts its Cafeteria task (blind for 2 ticks).
    g = ticks(g, { Purple: 'move east' }, { Yellow: 'do task' });
    expect(g.players.Yellow?.busy).toBeGreaterThan(0);
    g = ticks(g, { Red: 'kill Blue' });
    expect(entries(g, 'Green', 'witness')).toHaveLength(1);
    expect(entries(g, 'Green', 'witness')[0]).toMatchObject({ killer: 'Red', victim: 'Blue', room: 0 });
    expect(entries(g, 'Yellow', 'witness')).toHaveLength(0);
    expect(entries(g, 'Purple', 'witness')).toHaveLength(0);
    expect(entries(g, 'Blue', 'died')).toHaveLength(1);
    expect(legalActions(g, 'Green')).toContain('report Blue');
    expect(g.bodies).toEqual([{ player: 'Blue', room: 0, t: 2 }]);
  });

  it('runs a meeting: shuffled order, a survey before every message, then a vote', () => {
    let g = newGame(setup, rules);
    g = ticks(g, {}, {}, { Red: 'kill Blue' }, { Green: 'report Blue' });
    expect(g.phase).toBe('discussion');
    expect([...(g.meeting?.order ?? [])].sort()).toEqual(['Green', 'Purple', 'Red', 'Yellow']);
    const order = g.meeting?.order ?? [];
    for (let i = 0; i < order.length; i++) {
      expect(surveyRequests(g).map((r) => r.player).sort()).toEqual(['Green', 'Purple', 'Red', 'Yellow']);
      g = applySurvey(g, {});
      expect(currentSpeaker(g)).toBe(order[i]);
      g = applyMessage(g, order[i] as string, 'hello');
    }
    g = applySurvey(g, {});
    expect(g.phase).toBe('voting');
    expect(g.meeting?.surveys).toHaveLength(order.length + 1);
  });

  it('ejects nobody on a tie or when skip has the most votes, the plurality otherwise', () => {
    expect(tally({ A: 'Red', B: 'Green', C: 'Red', D: 'Green' }).ejected).toBeNull();
    expect(tally({ A: 'skip', B: 'skip', C: 'Red' }).ejected).toBeNull();
    expect(tally({ A: 'Red', B: 'Red', C: 'Green', D: 'skip' }).ejected).toBe('Red');

    let g = newGame(setup, rules);
    g = ticks(g, {}, {}, { Red: 'kill Blue' }, { Green: 'report Blue' });
    while (g.phase === 'discussion') g = g.meeting?.step === 'survey' ? applySurvey(g, {}) : applyMessage(g, currentSpeaker(g) as string, 'hm');
    g = applyVotes(g, { Red: 'Green', Green: 'Red', Yellow: 'Red', Purple: 'Green' });
    g = applyEjection(g);
    expect(g.phase).toBe('action');
    expect(['Red', 'Green', 'Yellow', 'Purple'].every((p) => g.players[p]?.alive)).toBe(true);
    expect(entries(g, 'Yellow', 'vote')[0]).toMatchObject({ ejected: null });
  });

  it('crewmates win by ejecting the imposter, and voting for it pays voteImposter', () => {
    let g = newGame(setup, rules);
    g = ticks(g, {}, {}, { Red: 'kill Blue' }, { Green: 'report Blue' });
    while (g.phase === 'discussion') g = g.meeting?.step === 'survey' ? applySurvey(g, {}) : applyMessage(g, currentSpeaker(g) as string, 'hm');
    g = applyEjection(applyVotes(g, { Red: 'Green', Green: 'Red', Yellow: 'Red', Purple: 'Red' }));
    expect(g.phase).toBe('over');
    expect(g.winner).toBe('crewmates');
    expect(g.endReason).toBe('imposters_ejected');
    expect(g.rewards.Green?.win).toBe(rules.weights.win);
    expect(g.rewards.Red?.win).toBe(0);
    expect(g.rewards.Green?.voteImposter).toBeCloseTo(rules.weights.voteImposter);
    expect(g.rewards.Red?.kill).toBeCloseTo(rules.weights.kill);
    expect(g.rewards.Green?.report).toBeCloseTo(rules.weights.report);
  });

  it('crewmates win when every living crewmate has finished its tasks', () => {
    const small: GameSetup = { ...setup, tasks: { Blue: [0], Green: [0], Yellow: [0], Purple: [0] } };
    let g = newGame(small, rules);
    const all = { Blue: 'do task', Green: 'do task', Yellow: 'do task', Purple: 'do task' };
    g = ticks(g, all);
    expect(g.phase).toBe('action');
    g = ticks(g, {});
    expect(g.phase).toBe('over');
    expect(g.winner).toBe('crewmates');
    expect(g.endReason).toBe('tasks_done');
    expect(g.rewards.Blue?.task).toBeCloseTo(rules.weights.task);
  });

  it('imposters win at parity with the crewmates, and at the step cap', () => {
    let g = newGame(setup, { ...rules, killCooldown: 0 });
    g = ticks(g, { Red: 'kill Blue' }, { Red: 'kill Green' });
    expect(g.phase).toBe('action');
    g = ticks(g, { Red: 'kill Yellow' });
    expect(g.phase).toBe('over');
    expect(g.winner).toBe('imposters');
    expect(g.endReason).toBe('imposter_parity');
    expect(g.rewards.Red?.win).toBe(1);

    let h = newGame(setup, { ...rules, maxTicks: 3 });
    h = ticks(h, {}, {}, {});
    expect(h.phase).toBe('over');
    expect(h.winner).toBe('imposters');
    expect(h.endReason).toBe('step_cap');
  });

  it('never mutates the state it is given, and keeps it plain JSON', () => {
    const g0 = newGame(setup, rules);
    const before = JSON.stringify(g0);
    const g1 = ticks(g0, { Purple: 'move east', Yellow: 'do task' });
    expect(JSON.stringify(g0)).toBe(before);
    const mid = JSON.stringify(g1);
    const g2 = ticks(g1, {}, { Red: 'kill Blue' }, { Green: 'report Blue' });
    expect(JSON.stringify(g1)).toBe(mid);
    expect(JSON.parse(JSON.stringify(g2))).toEqual(structuredClone(g2));
    expect(actionRequests(g2)).toEqual([]);
  });

  it('pays the speaking reward as the change in living crewmates’ belief on the imposter', () => {
    let g = newGame(setup, rules);
    g = ticks(g, {}, {}, { Red: 'kill Blue' }, { Green: 'report Blue' });
    const order = g.meeting?.order ?? [];
    const first = order[0] as string;
    const crew = ['Green', 'Yellow', 'Purple'].filter((p) => p !== first);
    const flat = (p: string) => Object.fromEntries(['Red', 'Green', 'Yellow', 'Purple'].filter((o) => o !== p).map((o) => [o, 1]));
    g = applySurvey(g, Object.fromEntries(crew.map((p) => [p, flat(p)])));
    g = applyMessage(g, first, 'Red did it');
    const sure = (p: string) => Object.fromEntries(['Red', 'Green', 'Yellow', 'Purple'].filter((o) => o !== p).map((o) => [o, o === 'Red' ? 1 : 0]));
    g = applySurvey(g, Object.fromEntries(crew.map((p) => [p, sure(p)])));
    const gain = crew.length * (1 - 1 / 3);
    const expected = first === 'Red' ? -gain : gain;
    expect(g.signals[first]?.speaking).toBeCloseTo(expected);
    expect(g.rewards[first]?.speaking).toBeCloseTo(rules.weights.speaking * expected);
  });
});
