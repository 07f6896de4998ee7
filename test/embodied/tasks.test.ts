import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.js';
import { SchemaError } from '../../core/schema.js';
import {
  allAssignments,
  buildScenarioWorld,
  conditionUnits,
  goalStatus,
  loadTaskTemplates,
  TASK_TEMPLATES,
  TASK_TYPES,
} from '../../envs/embodied/tasks.js';
import taskFile from '../../envs/embodied/tasks.json' with { type: 'json' };

describe('task data', () => {
  it('ships at least eight task types, including the TEACh ones the issue names', () => {
    expect(TASK_TYPES.length).toBeGreaterThanOrEqual(8);
    for (const t of ['coffee', 'water_plant', 'toast', 'clean_all', 'put_all', 'boil_potato', 'slices_on_plate', 'breakfast']) {
      expect(TASK_TYPES).toContain(t);
    }
  });

  it('rejects task files that break the schema or name unknown objects', () => {
    const broken = structuredClone(taskFile) as { tasks: Record<string, unknown>[] };
    delete broken.tasks[0]!.conditions;
    expect(() => loadTaskTemplates(broken)).toThrow(SchemaError);
    const unknown = structuredClone(taskFile) as { tasks: { conditions: { type?: string }[] }[] };
    unknown.tasks[0]!.conditions[0]!.type = 'unicorn';
    expect(() => loadTaskTemplates(unknown)).toThrow(/unknown object type 'unicorn'/);
  });

  it('starts every sampled task unfinished, with the objects it needs present', () => {
    for (const t of TASK_TEMPLATES) {
      for (const params of allAssignments(t)) {
        for (let seed = 0; seed < 5; seed++) {
          const { world, task } = buildScenarioWorld(Rng.fromSeed(seed), t, params);
          const status = goalStatus(world, task.conditions);
          expect(status.success, `${t.id} ${JSON.stringify(params)} seed ${seed}`).toBe(false);
          expect(status.total).toBe(task.conditions.reduce((s, c) => s + conditionUnits(c), 0));
          for (const type of task.relevant.filter((r) => !r.endsWith(' slice'))) {
            if (t.tools.includes(type) && t.id === 'water_plant') continue;
            expect(world.objects.some((o) => o.type === type), `${t.id} needs a ${type}`).toBe(true);
          }
        }
      }
    }
  });

  it('counts partial progress in goal-condition units', () => {
    const t = TASK_TEMPLATES.find((x) => x.id === 'coffee')!;
    const { world, task } = buildScenarioWorld(Rng.fromSeed(3), t, {});
    expect(goalStatus(world, task.conditions)).toMatchObject({ satisfied: 0, total: 2 });
    const mug = world.objects.find((o) => o.type === 'mug')!;
    mug.dirty = false;
    expect(goalStatus(world, task.conditions)).toMatchObject({ satisfied: 1, success: false });
    mug.filled = 'coffee';
    expect(goalStatus(world, task.conditions)).toMatchObject({ satisfied: 2, success: true });
  });
});
