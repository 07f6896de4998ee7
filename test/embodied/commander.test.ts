import { describe, expect, it } from 'vitest';
import '../../agents/index.js';
import { createAgent } from '../../agents/registry.js';
import { rootOf } from '../../envs/embodied/world.js';
import { commanderTurn, scenarioFor, startEnv } from './helpers.js';

describe('scripted commander', () => {
  it('states the goal at the start, with locations only when specific', async () => {
    const vague = await startEnv(scenarioFor('toast', 4, { style: 'vague' }));
    expect(vague.first).toMatch(/make a plate of toast/);
    expect(vague.first).not.toMatch(/ is (in|on) the /);
    const specific = await startEnv(scenarioFor('toast', 4, { style: 'specific' }));
    expect(specific.first).toMatch(/make a plate of toast\. The \w[\w ]* \d+ is (in|on) the /);
  });

  it('answers a where-is question from its knowledge of the world', async () => {
    const scenario = scenarioFor('slices_on_plate', 5, { style: 'specific' });
    const knife = scenario.world.objects.find((o) => o.type === 'knife')!;
    const { env } = await startEnv(scenario);
    const t = commanderTurn(await env.step('say where is the knife?'));
    expect(t.act).toBe('InformationOnObjectDetails');
    expect(t.utterance).toContain(`The ${knife.id} is`);
    expect(t.utterance).toContain(rootOf(scenario.world, knife));
    const vague = await startEnv(scenarioFor('slices_on_plate', 5, { style: 'vague' }));
    const v = commanderTurn(await vague.env.step('say where can I find a knife'));
    expect(v).toEqual({ act: 'InformationOnObjectDetails', utterance: `Check the ${rootOf(scenario.world, knife)}.` });
    const none = commanderTurn(await vague.env.step('say where is the unicorn?'));
    expect(none.act).toBe('MiscOther');
  });

  it('corrects a wrong pick-up', async () => {
    const scenario = scenarioFor('coffee', 6);
    const at = scenario.world.robot.at;
    scenario.world.objects.push({ id: 'book 9', type: 'book', loc: at });
    const { env } = await startEnv(scenario);
    const t = commanderTurn(await env.step('pick up book 9'));
    expect(t.act).toBe('FeedbackNegative');
    expect(t.utterance).toMatch(/don't need the book 9.*put it back on the counter \d.*the mug/);
  });

  it('corrects a wrong placement in a put-all task', async () => {
    const scenario = scenarioFor('put_all', 7);
    const cond = scenario.task.conditions[0]!;
    if (cond.kind !== 'each') throw new Error('put_all is an each-condition');
    const item = scenario.world.objects.find((o) => o.id === cond.ids[0])!;
    item.loc = scenario.world.robot.at;
    const wrong = scenario.world.receptacles.find((r) => r.type === 'sink')!;
    const { env } = await startEnv(scenario);
    await env.step(`pick up ${item.id}`);
    await env.step('go to sink');
    const t = commanderTurn(await env.step(`put ${item.id} in sink`));
    expect(t.act).toBe('FeedbackNegative');
    expect(t.utterance).toContain(`the ${cond.props.in}`);
    expect(wrong.id).toBe('sink');
  });

  it('stays quiet while the robot makes progress (quiet persona)', async () => {
    const scenario = scenarioFor('breakfast', 8, { style: 'specific', chattiness: 0 });
    const { env, reset } = await startEnv(scenario);
    const agent = createAgent('expert', { envId: 'Embodied-v0' });
    agent.reset?.({ envId: 'Embodied-v0', seed: 1 });
    let obs = reset.observation;
    let reward = 0;
    const acts: { action: string; act: string; progressed: boolean }[] = [];
    let prev = 0;
    for (let i = 0; i < 150; i++) {
      const action = await agent.act(obs, reward);
      const r = await env.step(action);
      const gc = (r.info.goalConditions as { satisfied: number }).satisfied;
      acts.push({ action, act: commanderTurn(r).act, progressed: gc > prev });
      prev = Math.max(prev, gc);
      obs = r.observation;
      reward = r.reward;
      if (r.terminated) break;
    }
    expect(acts.at(-1)?.act).toBe('FeedbackPositive');
    const physical = acts.slice(0, -1).filter((a) => !a.action.startsWith('say '));
    expect(physical.length).toBeGreaterThan(10);
    expect(physical.filter((a) => a.progressed).length).toBeGreaterThan(0);
    expect(physical.every((a) => a.act === 'OBSERVE')).toBe(true);
  });

  it('praises progress when chatty, volunteers the next step when the robot idles, explains repeated failures', async () => {
    const chatty = scenarioFor('coffee', 9, { chattiness: 1 });
    const mug = chatty.world.objects.find((o) => o.type === 'mug')!;
    mug.loc = 'robot';
    chatty.world.robot.holding = mug.id;
    const a = await startEnv(chatty);
    await a.env.step('go to sink');
    expect(commanderTurn(await a.env.step(`clean ${mug.id}`)).act).toBe('FeedbackPositive');

    const idle = await startEnv(scenarioFor('coffee', 9, { patience: 3 }));
    const turns = [];
    for (let i = 0; i < 3; i++) turns.push(commanderTurn(await idle.env.step('look')));
    expect(turns.map((t) => t.act)).toEqual(['OBSERVE', 'OBSERVE', 'Instruction']);
    expect(turns[2]!.utterance).toMatch(/: (go to|open|pick up) /);

    const failing = await startEnv(scenarioFor('coffee', 9));
    expect(commanderTurn(await failing.env.step('slice mug')).act).toBe('OBSERVE');
    const second = commanderTurn(await failing.env.step('slice mug'));
    expect(second.act).toBe('NotifyFailure');
    expect(second.utterance).toMatch(/knife/);
  });

  it('confirms, denies, acknowledges and greets', async () => {
    const scenario = scenarioFor('coffee', 10);
    const { env } = await startEnv(scenario);
    expect(commanderTurn(await env.step('say is the mug dirty?'))).toMatchObject({ act: 'Confirm' });
    expect(commanderTurn(await env.step('say is the mug clean?'))).toMatchObject({ act: 'Deny' });
    expect(commanderTurn(await env.step('say am I done?'))).toMatchObject({ act: 'Deny' });
    expect(commanderTurn(await env.step('say ok, will do'))).toMatchObject({ act: 'Acknowledge' });
    expect(commanderTurn(await env.step('say hello'))).toMatchObject({ act: 'Greetings/Salutations' });
    expect(commanderTurn(await env.step('say what should I do next?'))).toMatchObject({ act: 'Instruction' });
  });
});
