/**
 * What kinds of things exist in the household and what can be done with them (the "physics" the
 * robot is told about). This is public knowledge: the world, the commander, the planner and the
 * agents all read it; none of it is hidden episode state.
 */

export interface ReceptacleKind {
  type: string;
  room: string;
  /** How many instances a generated house may have: [min, max]; 0 min means optional. */
  count: [number, number];
  /** Instances are numbered (`counter 1`) when true, else the id is the type (`fridge`). */
  numbered: boolean;
  openable: boolean;
  toggleable: boolean;
  /** 'in' or 'on', for sentences. */
  prep: 'in' | 'on';
  /** Object types it accepts; undefined means any pickable object. */
  accepts?: string[];
  /** At most this many objects directly in it. */
  capacity?: number;
}

export const RECEPTACLE_KINDS: readonly ReceptacleKind[] = [
  { type: 'counter', room: 'kitchen', count: [2, 3], numbered: true, openable: false, toggleable: false, prep: 'on' },
  { type: 'fridge', room: 'kitchen', count: [1, 1], numbered: false, openable: true, toggleable: false, prep: 'in' },
  { type: 'sink', room: 'kitchen', count: [1, 1], numbered: false, openable: false, toggleable: false, prep: 'in' },
  { type: 'cabinet', room: 'kitchen', count: [2, 4], numbered: true, openable: true, toggleable: false, prep: 'in' },
  { type: 'drawer', room: 'kitchen', count: [1, 2], numbered: true, openable: true, toggleable: false, prep: 'in' },
  { type: 'microwave', room: 'kitchen', count: [1, 1], numbered: false, openable: true, toggleable: true, prep: 'in' },
  {
    type: 'stove',
    room: 'kitchen',
    count: [1, 1],
    numbered: false,
    openable: false,
    toggleable: true,
    prep: 'on',
    accepts: ['pot', 'pan'],
  },
  {
    type: 'toaster',
    room: 'kitchen',
    count: [1, 1],
    numbered: false,
    openable: false,
    toggleable: true,
    prep: 'in',
    accepts: ['bread slice'],
    capacity: 2,
  },
  {
    type: 'coffee machine',
    room: 'kitchen',
    count: [1, 1],
    numbered: false,
    openable: false,
    toggleable: true,
    prep: 'in',
    accepts: ['mug', 'cup'],
    capacity: 1,
  },
  { type: 'dining table', room: 'dining room', count: [1, 1], numbered: false, openable: false, toggleable: false, prep: 'on' },
  { type: 'shelf', room: 'dining room', count: [0, 1], numbered: true, openable: false, toggleable: false, prep: 'on' },
  { type: 'coffee table', room: 'living room', count: [1, 1], numbered: false, openable: false, toggleable: false, prep: 'on' },
  { type: 'side table', room: 'living room', count: [0, 1], numbered: false, openable: false, toggleable: false, prep: 'on' },
  { type: 'sofa', room: 'living room', count: [1, 1], numbered: false, openable: false, toggleable: false, prep: 'on' },
];

export interface ObjectKind {
  type: string;
  pickable: boolean;
  /** Dishes get dirty and can be cleaned. */
  dish: boolean;
  /** Holds liquid (water from the sink, coffee from the machine). */
  fillable: boolean;
  /** Other objects can be put in/on it (plate, bowl, pot, pan). */
  holder: boolean;
  /** Slicing it (with a knife in hand) yields this many `<type> slice` objects. */
  slices?: number;
  cookable?: boolean;
  boilable?: boolean;
  toastable?: boolean;
  waterable?: boolean;
  /** Receptacle types where the generator may put it. */
  spawn: string[];
  /** [min, max] instances in a generated house before task requirements. */
  count: [number, number];
}

const DISH_SPAWN = ['cabinet', 'counter', 'sink', 'dining table'];

export const OBJECT_KINDS: readonly ObjectKind[] = [
  { type: 'mug', pickable: true, dish: true, fillable: true, holder: false, spawn: [...DISH_SPAWN, 'coffee table', 'shelf'], count: [1, 2] },
  { type: 'cup', pickable: true, dish: true, fillable: true, holder: false, spawn: DISH_SPAWN, count: [0, 2] },
  { type: 'bowl', pickable: true, dish: true, fillable: true, holder: true, spawn: [...DISH_SPAWN, 'fridge'], count: [0, 2] },
  { type: 'plate', pickable: true, dish: true, fillable: false, holder: true, spawn: DISH_SPAWN, count: [1, 2] },
  { type: 'pot', pickable: true, dish: true, fillable: true, holder: true, spawn: ['stove', 'cabinet', 'counter', 'sink'], count: [1, 1] },
  { type: 'pan', pickable: true, dish: true, fillable: false, holder: true, spawn: ['stove', 'cabinet', 'counter', 'sink'], count: [0, 1] },
  { type: 'knife', pickable: true, dish: false, fillable: false, holder: false, spawn: ['drawer', 'counter', 'dining table'], count: [1, 1] },
  { type: 'fork', pickable: true, dish: true, fillable: false, holder: false, spawn: ['drawer', 'counter', 'dining table', 'sink'], count: [0, 2] },
  { type: 'spoon', pickable: true, dish: true, fillable: false, holder: false, spawn: ['drawer', 'counter', 'dining table', 'sink'], count: [0, 2] },
  { type: 'bread', pickable: true, dish: false, fillable: false, holder: false, slices: 4, spawn: ['counter', 'fridge', 'dining table', 'cabinet'], count: [0, 1] },
  { type: 'tomato', pickable: true, dish: false, fillable: false, holder: false, slices: 3, spawn: ['fridge', 'counter', 'dining table'], count: [0, 2] },
  { type: 'lettuce', pickable: true, dish: false, fillable: false, holder: false, slices: 3, spawn: ['fridge', 'counter'], count: [0, 1] },
  { type: 'apple', pickable: true, dish: false, fillable: false, holder: false, slices: 3, spawn: ['fridge', 'counter', 'dining table', 'coffee table'], count: [0, 2] },
  {
    type: 'potato',
    pickable: true,
    dish: false,
    fillable: false,
    holder: false,
    slices: 3,
    cookable: true,
    boilable: true,
    spawn: ['fridge', 'counter', 'cabinet'],
    count: [0, 2],
  },
  { type: 'bread slice', pickable: true, dish: false, fillable: false, holder: false, toastable: true, spawn: [], count: [0, 0] },
  { type: 'tomato slice', pickable: true, dish: false, fillable: false, holder: false, spawn: [], count: [0, 0] },
  { type: 'lettuce slice', pickable: true, dish: false, fillable: false, holder: false, spawn: [], count: [0, 0] },
  { type: 'apple slice', pickable: true, dish: false, fillable: false, holder: false, spawn: [], count: [0, 0] },
  { type: 'potato slice', pickable: true, dish: false, fillable: false, holder: false, cookable: true, spawn: [], count: [0, 0] },
  { type: 'houseplant', pickable: false, dish: false, fillable: false, holder: false, waterable: true, spawn: ['shelf', 'side table', 'dining table', 'coffee table', 'counter'], count: [1, 1] },
  { type: 'watering can', pickable: true, dish: false, fillable: true, holder: false, spawn: ['shelf', 'side table', 'counter', 'sink'], count: [0, 1] },
  { type: 'book', pickable: true, dish: false, fillable: false, holder: false, spawn: ['coffee table', 'sofa', 'shelf', 'side table'], count: [0, 2] },
  { type: 'remote control', pickable: true, dish: false, fillable: false, holder: false, spawn: ['sofa', 'coffee table', 'side table'], count: [0, 1] },
  { type: 'salt shaker', pickable: true, dish: false, fillable: false, holder: false, spawn: ['counter', 'cabinet', 'dining table'], count: [0, 1] },
  { type: 'dish sponge', pickable: true, dish: false, fillable: false, holder: false, spawn: ['sink', 'counter'], count: [0, 1] },
];

export const OBJECT_KIND: ReadonlyMap<string, ObjectKind> = new Map(OBJECT_KINDS.map((k) => [k.type, k]));
export const RECEPTACLE_KIND: ReadonlyMap<string, ReceptacleKind> = new Map(RECEPTACLE_KINDS.map((k) => [k.type, k]));

/** Object types, longest first, so that `tomato slice` is matched before `tomato` in free text. */
export const OBJECT_TYPES_LONGEST_FIRST: readonly string[] = [...OBJECT_KIND.keys()].sort((a, b) => b.length - a.length);
export const RECEPTACLE_TYPES_LONGEST_FIRST: readonly string[] = [...RECEPTACLE_KIND.keys()].sort(
  (a, b) => b.length - a.length,
);

/** Surfaces where a robot may simply set something down while its hands are needed elsewhere. */
export const PUT_DOWN_SURFACES: readonly string[] = ['counter', 'dining table', 'coffee table', 'side table', 'shelf'];

/** `counter 2` → `counter`; `fridge` → `fridge`; `tomato slice 3` → `tomato slice`. */
export function typeOfId(id: string): string {
  return id.replace(/ \d+$/, '');
}

/** Naive English plural for the small vocabulary of the world. */
export function plural(type: string): string {
  if (type.endsWith('ch') || type.endsWith('sh') || type.endsWith('s')) return `${type}es`;
  if (type === 'knife') return 'knives';
  if (type === 'potato' || type === 'tomato') return `${type}es`;
  return `${type}s`;
}
