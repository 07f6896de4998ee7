import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.js';
import { parseCommand } from '../../envs/embodied/planner.js';
import { allAssignments, buildScenarioWorld, TASK_TEMPLATES } from '../../envs/embodied/tasks.js';
import { applyCommand, type Command, cloneWorld, describeHere, generateHouse, makeObject, settle, type World } from '../../envs/embodied/world.js';

/** A small fixed kitchen for precise checks. */
function kitchen(): World {
  const w: World = {
    receptacles: [
      { id: 'counter 1', type: 'counter', room: 'kitchen' },
      { id: 'sink', type: 'sink', room: 'kitchen' },
      { id: 'fridge', type: 'fridge', room: 'kitchen', open: false },
      { id: 'microwave', type: 'microwave', room: 'kitchen', open: false, on: false },
      { id: 'stove', type: 'stove', room: 'kitchen', on: false },
      { id: 'toaster', type: 'toaster', room: 'kitchen', on: false },
      { id: 'coffee machine', type: 'coffee machine', room: 'kitchen', on: false },
      { id: 'shelf 1', type: 'shelf', room: 'living room' },
    ],
    objects: [],
    robot: { at: 'counter 1', holding: null },
    nextId: {},
  };
  makeObject(w, 'mug', 'counter 1').dirty = true;
  makeObject(w, 'knife', 'counter 1');
  makeObject(w, 'bread', 'counter 1');
  makeObject(w, 'potato', 'fridge');
  makeObject(w, 'pot', 'counter 1');
  makeObject(w, 'houseplant', 'shelf 1');
  return w;
}

function run(w: World, ...actions: string[]): string[] {
  const out: string[] = [];
  for (const a of actions) {
    const cmd = parseCommand(a);
    if (!cmd) throw new Error(`unparseable: ${a}`);
    const o = applyCommand(w, cmd);
    if (!o.ok) throw new Error(`failed: ${a}: ${o.message}`);
    out.push(o.message, ...settle(w));
  }
  return out;
}

function attempt(w: World, action: string) {
  return applyCommand(w, parseCommand(action) as Command);
}

describe('action grammar', () => {
  it('parses every verb with its variants', () => {
    expect(parseCommand('Go to the Fridge.')).toEqual({ verb: 'goto', target: 'fridge' });
    expect(parseCommand('pick up the mug 1')).toEqual({ verb: 'pickup', obj: 'mug 1' });
    expect(parseCommand('put mug 1 in the coffee machine')).toEqual({ verb: 'put', obj: 'mug 1', target: 'coffee machine' });
    expect(parseCommand('put down knife')).toEqual({ verb: 'put', obj: 'knife', target: null });
    expect(parseCommand('turn on stove')).toEqual({ verb: 'toggle', on: true, target: 'stove' });
    expect(parseCommand('toggle the toaster off')).toEqual({ verb: 'toggle', on: false, target: 'toaster' });
    expect(parseCommand('pour cup 1 into houseplant 1')).toEqual({ verb: 'pour', obj: 'cup 1', target: 'houseplant 1' });
    expect(parseCommand('fill pot 1 with water')).toEqual({ verb: 'fill', obj: 'pot 1' });
    expect(parseCommand('say Where is the Knife?')).toEqual({ verb: 'say', text: 'Where is the Knife?' });
    for (const v of ['look', 'done', 'open fridge', 'close fridge', 'slice bread', 'clean mug']) expect(parseCommand(v)).not.toBeNull();
  });

  it('rejects text outside the grammar', () => {
    for (const junk of ['', '   ', 'fly to the moon', 'pick', 'say', `say ${'x'.repeat(600)}`, 'x'.repeat(1000)]) {
      expect(parseCommand(junk)).toBeNull();
    }
  });
});

describe('world dynamics', () => {
  it('brews coffee only into a clean mug in the machine', () => {
    const w = kitchen();
    const msgs = run(w, 'pick up mug 1', 'go to coffee machine', 'put mug 1 in coffee machine', 'toggle on coffee machine');
    expect(msgs.join(' ')).toMatch(/won't brew into the dirty mug 1/);
    expect(w.objects.find((o) => o.id === 'mug 1')?.filled).toBeNull();
    run(w, 'toggle off coffee machine', 'pick up mug 1', 'go to sink', 'clean mug 1', 'go to coffee machine', 'put mug 1 in coffee machine');
    const out = run(w, 'toggle on coffee machine');
    expect(out.join(' ')).toMatch(/fills the mug 1 with coffee/);
    expect(w.objects.find((o) => o.id === 'mug 1')).toMatchObject({ dirty: false, filled: 'coffee' });
  });

  it('slices with a knife in hand, toasts bread slices', () => {
    const w = kitchen();
    expect(attempt(w, 'slice bread 1')).toMatchObject({ ok: false, message: expect.stringMatching(/knife/) });
    run(w, 'pick up knife 1', 'slice bread 1', 'put knife 1 on counter 1', 'pick up bread slice 2', 'go to toaster', 'put bread slice 2 in toaster', 'toggle on toaster');
    expect(w.objects.filter((o) => o.type === 'bread slice')).toHaveLength(4);
    expect(w.objects.find((o) => o.id === 'bread slice 2')?.toasted).toBe(true);
    expect(w.objects.some((o) => o.id === 'bread 1')).toBe(false);
  });

  it('cooks in a closed microwave and boils in a pot of water on a lit stove', () => {
    const w = kitchen();
    run(w, 'go to fridge', 'open fridge', 'pick up potato 1', 'go to microwave', 'open microwave', 'put potato 1 in microwave');
    expect(attempt(w, 'toggle on microwave')).toMatchObject({ ok: false, message: expect.stringMatching(/Close the microwave/) });
    run(w, 'close microwave', 'toggle on microwave');
    expect(w.objects.find((o) => o.id === 'potato 1')?.cooked).toBe(true);
    expect(w.objects.find((o) => o.id === 'potato 1')?.boiled).toBe(false);
    run(w, 'open microwave', 'pick up potato 1', 'go to counter 1', 'put potato 1 on counter 1', 'pick up pot 1', 'go to sink', 'fill pot 1');
    run(w, 'go to stove', 'put pot 1 on stove', 'toggle on stove', 'go to counter 1', 'pick up potato 1', 'go to stove', 'put potato 1 in pot 1');
    expect(w.objects.find((o) => o.id === 'potato 1')?.boiled).toBe(true);
  });

  it('waters the plant by pouring water, not coffee', () => {
    const w = kitchen();
    run(w, 'go to sink');
    expect(attempt(w, 'fill mug 1')).toMatchObject({ ok: false });
    run(w, 'go to counter 1', 'pick up mug 1', 'go to sink', 'fill mug 1', 'go to shelf 1', 'pour mug 1 into houseplant 1');
    expect(w.objects.find((o) => o.type === 'houseplant')?.watered).toBe(true);
    expect(w.objects.find((o) => o.id === 'mug 1')?.filled).toBeNull();
  });

  it('hides the contents of closed receptacles and reports what the robot holds', () => {
    const w = kitchen();
    run(w, 'go to fridge');
    expect(describeHere(w)).not.toMatch(/potato/);
    run(w, 'open fridge', 'pick up potato');
    expect(describeHere(w)).toMatch(/You are holding: potato 1\./);
  });

  it('leaves the world unchanged when a precondition fails, and never throws', () => {
    const verbs = ['go to', 'pick up', 'put', 'open', 'close', 'toggle on', 'toggle off', 'slice', 'clean', 'fill', 'pour'];
    const names = ['mug 1', 'mug', 'fridge', 'sink', 'knife 1', 'bread', 'potato 1', 'plate 9', 'houseplant 1', 'stove', 'toaster'];
    const action = fc
      .tuple(fc.constantFrom(...verbs), fc.constantFrom(...names), fc.constantFrom('', ' in ', ' on ', ' into '), fc.constantFrom(...names))
      .map(([v, a, p, b]) => (p ? `${v} ${a}${p}${b}` : `${v} ${a}`));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.array(action, { minLength: 1, maxLength: 25 }), (seed, actions) => {
        const w = generateHouse(Rng.fromSeed(seed));
        for (const a of actions) {
          const cmd = parseCommand(a);
          if (!cmd) continue;
          const before = JSON.stringify(w);
          const o = applyCommand(w, cmd);
          if (!o.ok) expect(JSON.stringify(w)).toBe(before);
          else settle(w);
          expect(JSON.parse(JSON.stringify(w))).toEqual(w);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('generates the same house from the same seed', () => {
    const t = TASK_TEMPLATES[0]!;
    const a = buildScenarioWorld(Rng.fromSeed(5), t, allAssignments(t)[0]!);
    const b = buildScenarioWorld(Rng.fromSeed(5), t, allAssignments(t)[0]!);
    expect(a).toEqual(b);
    expect(cloneWorld(a.world)).toEqual(a.world);
  });
});
