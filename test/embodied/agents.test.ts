import { describe, expect, it } from 'vitest';
import '../../envs/index.js';
import '../../agents/index.js';
import { createAgent } from '../../agents/registry.js';
import { make } from '../../core/registry.js';
import { runEpisode } from '../../core/rollout.js';
import { TASK_TYPES } from '../../envs/embodied/tasks.js';

describe('Embodied-v0 agents', () => {
  for (const task of TASK_TYPES) {
    it(`the expert completes ${task} from what it observes`, async () => {
      const env = make('Embodied-v0', { kwargs: { taskType: task } });
      const agent = createAgent('expert', { envId: 'Embodied-v0' });
      for (const seed of [101, 202, 303]) {
        const rec = await runEpisode({ env, agent, seed, key: `${task}/${seed}` });
        expect(rec.termination.reason, `${task} seed ${seed}`).toBe('success');
        expect(rec.totals.invalidActions).toBe(0);
        const oracle = rec.turns.at(-1)!.info.oraclePathLength as number;
        expect(rec.totals.steps).toBeGreaterThanOrEqual(oracle);
      }
      await env.close();
    });
  }

  it('the expert asks where things are when the vague commander has not said', async () => {
    const env = make('Embodied-v0', { kwargs: { taskType: 'salad', persona: 'vague' } });
    const rec = await runEpisode({ env, agent: createAgent('expert', { envId: 'Embodied-v0' }), seed: 5, key: 'ask' });
    const questions = rec.turns.filter((t) => /^say where (is|are) the /.test(t.action));
    expect(questions.length).toBeGreaterThan(0);
    expect(questions.every((t) => t.simulatorTurns[0].act === 'InformationOnObjectDetails')).toBe(true);
    expect(rec.termination.reason).toBe('success');
  });

  it('the random agent issues grammatical actions and rarely succeeds', async () => {
    const env = make('Embodied-v0', { maxEpisodeSteps: 60 });
    const agent = createAgent('random', { envId: 'Embodied-v0' });
    let successes = 0;
    for (let seed = 0; seed < 5; seed++) {
      const rec = await runEpisode({ env, agent, seed, key: `r/${seed}` });
      expect(rec.totals.invalidActions).toBe(0);
      if (rec.termination.reason === 'success') successes++;
    }
    expect(successes).toBeLessThan(5);
  });
});
