import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.js';
import {
  applyMessage,
  applySurvey,
  crewBeliefOnImposters,
  currentSpeaker,
  DEFAULT_RULES,
  type GameSetup,
  type GameState,
  newGame,
  resolveTick,
} from '../../envs/social-deduction/engine.js';
import { fedAfter, tableInput } from '../../envs/social-deduction/index.js';
import { parseClaims } from '../../simulators/social-deduction/claims.js';
import { DEFAULT_MIND_PARAMS } from '../../simulators/social-deduction/mind.js';
import { ScriptedTable, type TableTurn } from '../../simulators/social-deduction/table.js';

const setup: GameSetup = {
  players: ['Red', 'Blue', 'Green', 'Yellow', 'Purple', 'Orange'],
  imposters: ['Red'],
  width: 3,
  height: 2,
  roomNames: ['Cafeteria', 'Weapons', 'Navigation', 'Storage', 'Electrical', 'Reactor'],
  startRoom: 0,
  tasks: { Blue: [1], Green: [1], Yellow: [0], Purple: [0], Orange: [0] },
};
const AGENT = 'Green';
const NPCS = setup.players.filter((p) => p !== AGENT);

interface Branch {
  g: GameState;
  table: ScriptedTable;
  fed: Record<string, number>;
  rngState: number[];
}

function newTable(rngState: number[], tableState?: unknown): ScriptedTable {
  const t = new ScriptedTable({ scenario: setup, rng: Rng.fromState(rngState), config: { kind: 'scripted' } });
  if (tableState) t.setState(tableState);
  return t;
}

function ask(b: Branch): TableTurn {
  const turn = b.table.respond(tableInput(b.g, NPCS, b.fed, DEFAULT_MIND_PARAMS));
  b.fed = fedAfter(b.g, NPCS, b.fed);
  return turn;
}

/** Green alone sees Red kill Blue in Weapons and reports; the meeting runs until Green's turn to speak. */
function untilAgentSpeaks(): Branch {
  let g = newGame(setup, { ...DEFAULT_RULES, killCooldown: 2, discussionRounds: 1 });
  const rng = Rng.fromSeed(3);
  g = resolveTick(g, { Red: 'move east', Blue: 'move east', Green: 'move east' }, rng);
  g = resolveTick(g, {}, rng);
  g = resolveTick(g, { Red: 'kill Blue' }, rng);
  g = resolveTick(g, { Green: 'report Blue' }, rng);
  const b: Branch = { g, table: newTable(Rng.fromSeed(11).getState()), fed: {}, rngState: [] };
  for (;;) {
    if (b.g.meeting?.step === 'survey') {
      const t = ask(b);
      if (t.kind !== 'survey') throw new Error('expected a survey');
      b.g = applySurvey(b.g, t.answers);
    } else if (currentSpeaker(b.g) === AGENT) break;
    else {
      const t = ask(b);
      if (t.kind !== 'speak') throw new Error('expected a message');
      b.g = applyMessage(b.g, currentSpeaker(b.g) as string, t.message);
    }
  }
  return b;
}

/** Belief of the living crewmates other than the agent on the imposter, after the agent says `message`. */
function beliefShift(message: string): number {
  const base = untilAgentSpeaks();
  const last = base.g.meeting?.surveys[base.g.meeting.surveys.length - 1];
  const before = crewBeliefOnImposters(base.g, last?.answers ?? {}, AGENT);
  const b: Branch = { ...base, table: newTable(Rng.fromSeed(5).getState(), structuredClone(base.table.getState())) };
  b.g = applyMessage(b.g, AGENT, message);
  const t = ask(b);
  if (t.kind !== 'survey') throw new Error('expected a survey');
  b.g = applySurvey(b.g, t.answers);
  const after = crewBeliefOnImposters(b.g, t.answers, AGENT);
  return after - before;
}

describe('scripted crewmates listen to the agent', () => {
  it('parses accusations, alibis and sightings from free text', () => {
    const lex = { players: setup.players, roomNames: setup.roomNames };
    expect(parseClaims('I saw Red kill Blue in the Weapons!', 'Green', lex)).toEqual([
      { type: 'kill', killer: 'Red', victim: 'Blue', room: 1 },
    ]);
    expect(parseClaims('Red is sus.', 'Green', lex)).toEqual([{ type: 'sus', target: 'Red' }]);
    expect(parseClaims('I was in the Reactor doing tasks.', 'Green', lex)).toEqual([{ type: 'alibi', room: 5 }]);
    expect(parseClaims('I saw Yellow in the Storage near the body', 'Green', lex)).toEqual([
      { type: 'saw', target: 'Yellow', room: 3, nearBody: true },
    ]);
    expect(parseClaims("Purple didn't kill anyone, Purple is innocent", 'Green', lex)).toContainEqual({ type: 'defend', target: 'Purple' });
    expect(parseClaims('blah blah', 'Green', lex)).toEqual([]);
  });

  it('a truthful specific accusation raises belief in the imposter more than a vague, contradicted or false one', () => {
    const truthful = beliefShift('I saw Red kill Blue in the Weapons!');
    const vague = beliefShift('Red is sus.');
    const wrongRoom = beliefShift('I saw Red kill Blue in the Reactor!');
    const falseAccusation = beliefShift('I saw Yellow kill Blue in the Weapons!');
    const silence = beliefShift('I have nothing to say.');
    expect(truthful).toBeGreaterThan(0.3);
    expect(truthful).toBeGreaterThan(vague);
    expect(vague).toBeGreaterThan(silence);
    expect(truthful).toBeGreaterThan(wrongRoom);
    expect(falseAccusation).toBeLessThan(0);
    expect(falseAccusation).toBeLessThan(truthful);
  });
});
