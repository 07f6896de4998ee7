/**
 * Embodied-v1's words, both ways: every place description the Commander can produce picks out one
 * place and the expert grounds it back to that place from the house plan it is given; every goal
 * paraphrase of both phrasing splits is understood as the task it states.
 */
import { describe, expect, it } from 'vitest';
import '../../envs/index.js';
import { parseHousePlan, recogniseGoalV1, resolvePlace } from '../../agents/embodied/language.js';
import { Rng } from '../../core/rng.js';
import { placeArea, placeDescriptions } from '../../envs/embodied/layout.js';
import { allAssignments, instantiateTemplate, TASK_TEMPLATES } from '../../envs/embodied/tasks.js';
import { definitionV1, type EmbodiedScenarioV1 } from '../../envs/embodied/v1.js';
import { goalVars } from '../../simulators/embodied/commander-v1.js';
import { fill, PHRASING_SPLITS, TEMPLATES } from '../../simulators/embodied/phrasing.js';
import { startV1 } from './helpers.js';

function scenario(seed: number, taskType: string | null = null): EmbodiedScenarioV1 {
  return definitionV1.sampleScenario(Rng.fromSeed(seed), { ...definitionV1.defaultKwargs, taskType }, { seed });
}

describe('places in words', () => {
  it('describes every numbered place uniquely, and the expert grounds each description back to it', async () => {
    let checked = 0;
    for (let seed = 0; seed < 60; seed++) {
      const s = scenario(seed);
      const { reset } = await startV1(s, seed);
      const plan = parseHousePlan(reset.observation.instructions);
      expect(plan.receptacles.map((r) => r.id).sort()).toEqual(s.world.receptacles.map((r) => r.id).sort());
      expect(plan.layout).toEqual(s.layout);
      for (const r of s.world.receptacles) {
        const ds = placeDescriptions(s.world, s.layout, r.id);
        for (const d of ds) {
          expect(d, `${r.id}: '${d}' names an id`).not.toMatch(/\d/);
          expect(resolvePlace(d, plan), `seed ${seed}: '${d}' should be ${r.id}`).toEqual([r.id]);
          checked++;
        }
        expect(resolvePlace(placeArea(s.world, s.layout, r.id), plan)).toContain(r.id);
      }
      // Cabinets and drawers always get a unique description (each hangs over or under its own unit).
      for (const r of s.world.receptacles.filter((x) => x.type === 'cabinet' || x.type === 'drawer')) {
        if (s.world.receptacles.filter((x) => x.type === r.type).length > 1) expect(placeDescriptions(s.world, s.layout, r.id).length).toBeGreaterThan(0);
      }
    }
    expect(checked).toBeGreaterThan(500);
  });
});

describe('goals in words', () => {
  it('understands every goal paraphrase of both splits as the task it states', () => {
    const s = scenario(1);
    let n = 0;
    for (const t of TASK_TEMPLATES) {
      for (const params of allAssignments(t)) {
        const task = instantiateTemplate(t, params);
        const vars = goalVars(task, s.world);
        for (const split of PHRASING_SPLITS) {
          for (const template of TEMPLATES[`goal.${t.id}`]![split]) {
            const text = `Hello! ${fill(template, vars)}`;
            const g = recogniseGoalV1(text);
            expect(g?.type, text).toBe(t.id);
            expect(g?.params, text).toEqual(params);
            n++;
          }
        }
      }
    }
    expect(n).toBeGreaterThan(100);
  });

  it('is not fooled by a sub-goal that mentions another task word', () => {
    expect(recogniseGoalV1('Hello! Can you move all the cups in a cabinet? Put the blue cup in the cabinet above the counter with the toaster on it.')?.type).toBe('put_all');
    expect(recogniseGoalV1('Now put the mug on the coffee table.')).toBeNull();
  });
});
