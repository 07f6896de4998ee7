/**
 * The Embodied-v1 Commander: it never dictates actions or says ids, gets less helpful when asked the
 * same thing again, answers every object a question asks about, looks up what it does not know, and
 * corrects mistakes — each shown on concrete episodes.
 */
import { describe, expect, it } from 'vitest';
import '../../agents/index.js';
import { parseHousePlan, resolvePlace, locationHints } from '../../agents/embodied/language.js';
import { createAgent } from '../../agents/registry.js';
import { make } from '../../core/registry.js';
import { OBJECT_TYPES_LONGEST_FIRST, RECEPTACLE_TYPES_LONGEST_FIRST } from '../../envs/embodied/catalog.js';
import { parseCommand } from '../../envs/embodied/planner.js';
import { namingProblem } from '../../envs/embodied/v1.js';
import { findReceptacle, rootOf, type World } from '../../envs/embodied/world.js';
import { commanderTurn, scenarioV1, startV1 } from './helpers.js';

const ID = new RegExp(`\\b(?:${[...OBJECT_TYPES_LONGEST_FIRST, ...RECEPTACLE_TYPES_LONGEST_FIRST].join('|')}) \\d+\\b`, 'i');

/**
 * Every stretch of words in `text` that the env's parser accepts as an action which, in `world`,
 * would name a specific object instance (or a numbered place): there must be none.
 */
function instanceActions(text: string, world: World): string[] {
  const words = text.toLowerCase().replace(/[.,;:!?]/g, ' ').split(/\s+/).filter(Boolean);
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    for (let j = i + 1; j <= words.length; j++) {
      const span = words.slice(i, j).join(' ');
      const cmd = parseCommand(span);
      if (!cmd || cmd.verb === 'say' || cmd.verb === 'look' || cmd.verb === 'done') continue;
      const names = 'obj' in cmd ? [cmd.obj, ...('target' in cmd && cmd.target ? [cmd.target] : [])] : 'target' in cmd ? [cmd.target] : [];
      const objectNamed = 'obj' in cmd && namingProblem(world, cmd) === null;
      const numberedPlace = names.some((n) => /\d/.test(n ?? '') && findReceptacle(world, (n ?? '').replace(/^the /, '')));
      if (objectNamed || numberedPlace) out.push(span);
    }
  }
  return out;
}

describe('the v1 Commander never dictates', () => {
  it('says no object id and nothing the parser would run on an instance, whatever the robot does', { timeout: 120_000 }, async () => {
    let replies = 0;
    for (const agentName of ['expert', 'random', 'adv:keyword-wall', 'adv:literal-executor', 'adv:hint-harvester', 'adv:ask-every-turn']) {
      for (let seed = 0; seed < 12; seed++) {
        const env = make('Embodied-v1');
        const agent = createAgent(agentName, { envId: 'Embodied-v1' });
        let { observation } = await env.reset({ seed });
        await agent.reset?.({ envId: 'Embodied-v1', seed });
        const world = env.scenario().world as World;
        for (let step = 0; step < 60; step++) {
          const r = await env.step(await agent.act(observation, 0));
          for (const t of [...(r.info.simulatorTurns ?? [])] as { utterance?: string }[]) {
            if (!t.utterance) continue;
            replies++;
            expect(t.utterance, `${agentName} seed ${seed}`).not.toMatch(ID);
            expect(instanceActions(t.utterance, world), t.utterance).toEqual([]);
          }
          observation = r.observation;
          if (r.terminated || r.truncated) break;
        }
        await env.close();
      }
    }
    expect(replies).toBeGreaterThan(300);
  });

  it('the check can fail: a v0-style reply is caught', () => {
    const s = scenarioV1('coffee', 3);
    const mug = s.world.objects.find((o) => o.type === 'mug')!;
    expect(`Free your hands: put ${mug.id} on counter 1.`).toMatch(ID);
    expect(instanceActions(`Free your hands: put ${mug.id} on counter 1.`, s.world)).not.toEqual([]);
  });
});

describe('a Commander with limits', () => {
  it('gets less detailed when asked the same thing again, then stops answering', async () => {
    const s = scenarioV1('toast', 21, { style: 'specific' }, { commanderKnows: ['knife', 'bread', 'plate'] });
    const knife = s.world.objects.find((o) => o.type === 'knife')!;
    // The robot stands somewhere else (what it can see, the Commander just calls "right here").
    s.world.robot.at = s.world.receptacles.find((r) => r.type === 'sofa')!.id;
    const { env, reset } = await startV1(s);
    const plan = parseHousePlan(reset.observation.instructions);
    const answers: string[] = [];
    for (let i = 0; i < 4; i++) answers.push(commanderTurn(await env.step('say where is the knife?')).utterance ?? '');
    const candidates = answers.map((a) => locationHints(a, plan, 'knife').find((h) => h.mention.type === 'knife')?.places ?? []);
    // First: one place, the right one. Then: a rough area that still contains it. Then: only the kind of place.
    expect(candidates[0]).toEqual([rootOf(s.world, knife)]);
    expect(candidates[1]!.length).toBeGreaterThan(1);
    expect(candidates[1]).toContain(rootOf(s.world, knife));
    // Then only the kind of place (every place of that kind fits) and no colour; then nothing.
    const kind = s.world.receptacles.find((r) => r.id === rootOf(s.world, knife))!.type;
    expect(candidates[2]!.length).toBeGreaterThanOrEqual(candidates[1]!.length);
    expect([...candidates[2]!].sort()).toEqual(plan.receptacles.filter((r) => r.type === kind).map((r) => r.id).sort());
    expect(answers[2]).not.toMatch(/near|above|under|between|next to|left|right|by the/);
    expect(answers[2]).not.toContain(knife.color!);
    expect(answers[3]).toMatch(/already/);
    expect(answers[3]).not.toMatch(/knife/);
  });

  it('gives the next step with less detail each time it is asked again for the same step', async () => {
    const s = scenarioV1('coffee', 22, { style: 'specific' }, { commanderKnows: ['mug'] });
    const { env } = await startV1(s);
    const answers: string[] = [];
    for (let i = 0; i < 3; i++) answers.push(commanderTurn(await env.step('say what should I do next?')).utterance ?? '');
    // The greeting already gave this step in full: asked again, it is shorter each time, then refused.
    expect(answers[0]!.length).toBeGreaterThan(answers[1]!.length);
    expect(answers[1]).toMatch(/mug/);
    expect(answers[2]).toMatch(/already/);
  });

  it('answers every object a question asks about', async () => {
    const s = scenarioV1('toast', 23, { style: 'specific' }, { commanderKnows: ['knife', 'bread', 'plate'] });
    const { env, reset } = await startV1(s);
    const plan = parseHousePlan(reset.observation.instructions);
    const t = commanderTurn(await env.step('say where are the knife and the bread?'));
    expect(t.act).toBe('InformationOnObjectDetails');
    const hints = locationHints(t.utterance!, plan, null);
    for (const type of ['knife', 'bread']) {
      const o = s.world.objects.find((x) => x.type === type)!;
      expect(hints.find((h) => h.mention.type === type)?.places, `${type} in: ${t.utterance}`).toContain(rootOf(s.world, o));
    }
    const yn = commanderTurn(await env.step('say is the knife dirty and is the bread toasted?'));
    expect(yn.utterance).toMatch(/knife/);
    expect(yn.utterance).toMatch(/bread/);
  });

  it('with a wall of objects, answers the ones the task needs and says the rest are not needed', async () => {
    const s = scenarioV1('coffee', 24, { style: 'specific' }, { commanderKnows: ['mug'] });
    const { env } = await startV1(s);
    const t = commanderTurn(await env.step('say where are the book, the apple, the fork, the spoon, the mug and the pot?'));
    expect(t.utterance).toMatch(/mug/);
    expect(t.utterance).toMatch(/don't need|won't be needed/);
  });

  it('looks up what it does not know and answers on its next turn', async () => {
    // Vague: the greeting gives no sub-goal (so it has started looking nothing up yet).
    const s = scenarioV1('toast', 25, { style: 'vague' }, { commanderKnows: [] });
    const knife = s.world.objects.find((o) => o.type === 'knife')!;
    const { env, reset } = await startV1(s);
    const plan = parseHousePlan(reset.observation.instructions);
    const first = commanderTurn(await env.step('say where is the knife?'));
    expect(first.act).toBe('InformationOther');
    expect(first.utterance).toMatch(/knife/);
    expect(locationHints(first.utterance!, plan, 'knife')).toEqual([]);
    const later = commanderTurn(await env.step('look'));
    expect(later.act).toBe('InformationOnObjectDetails');
    expect(locationHints(later.utterance!, plan, null).find((h) => h.mention.type === 'knife')?.places).toContain(rootOf(s.world, knife));
  });

  it('corrects a wrong pick-up and a wrong placement in words, without ids', async () => {
    const s = scenarioV1('put_all', 26, {}, { commanderKnows: [] });
    const cond = s.task.conditions[0]!;
    if (cond.kind !== 'each') throw new Error('put_all is an each-condition');
    const item = s.world.objects.find((o) => o.id === cond.ids[0])!;
    item.loc = s.world.robot.at;
    s.world.objects.push({ id: 'book 9', type: 'book', loc: s.world.robot.at, color: 'red' });
    const { env } = await startV1(s);
    const wrong = commanderTurn(await env.step('pick up book 9'));
    expect(wrong.act).toBe('FeedbackNegative');
    expect(wrong.utterance).toMatch(/red book/);
    await env.step('put book 9 on counter');
    await env.step(`pick up ${item.id}`);
    await env.step('go to sink');
    const placed = commanderTurn(await env.step(`put ${item.id} in sink`));
    expect(placed.act).toBe('FeedbackNegative');
    expect(placed.utterance).toContain(cond.props.in!);
    expect(placed.utterance).not.toMatch(ID);
  });

  it('gives the current sub-goal, in words, after two failed actions in a row', async () => {
    const s = scenarioV1('coffee', 27, { style: 'specific' }, { commanderKnows: ['mug'] });
    const { env } = await startV1(s);
    expect(commanderTurn(await env.step('slice mug 1')).act).toBe('OBSERVE');
    const second = commanderTurn(await env.step('slice mug 1'));
    expect(second.act).toBe('Instruction');
    expect(second.utterance).toMatch(/mug/);
    expect(second.utterance).not.toMatch(ID);
  });

  it('a description it gives is one the robot can ground in its plan', async () => {
    const s = scenarioV1('clean_all', 28, { style: 'specific' }, { commanderKnows: ['mug', 'plate', 'bowl', 'cup', 'fork', 'spoon'] });
    const { env, reset } = await startV1(s);
    const plan = parseHousePlan(reset.observation.instructions);
    const t = commanderTurn(await env.step(`say where are the ${s.task.params.objects}?`));
    const hints = locationHints(t.utterance!, plan, null);
    const cond = s.task.conditions[0]!;
    if (cond.kind !== 'each') throw new Error('clean_all is an each-condition');
    for (const id of cond.ids.slice(0, 4)) {
      const root = rootOf(s.world, s.world.objects.find((o) => o.id === id)!);
      expect(hints.some((h) => h.places.includes(root)), `${id} at ${root}: ${t.utterance}`).toBe(true);
    }
    expect(resolvePlace('the fridge', plan)).toEqual(['fridge']);
  });
});
