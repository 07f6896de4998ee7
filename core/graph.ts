/**
 * Mermaid state diagrams derived from the machine definition itself (states, nesting, initial
 * states, final states, tags, guarded and eventless transitions, invoked actors), so the picture
 * can never drift from the env.
 */
import type { AnyStateMachine, AnyStateNode } from 'xstate';
import { deriveSeed, Rng } from './rng.js';
import { MachineEnv } from './machine-env.js';
import type { Env } from './types.js';
import { Wrapper } from './wrappers.js';

function nodeName(node: AnyStateNode): string {
  return node.path.length ? node.path.join('__').replace(/[^A-Za-z0-9_]/g, '_') : 'root';
}

function eventLabel(type: string): string {
  if (type.startsWith('xstate.done.actor.')) return 'done';
  if (type.startsWith('xstate.error.actor.')) return 'error';
  if (type.startsWith('xstate.after.')) return `after ${type.split('.')[2] ?? ''}`;
  if (type.startsWith('xstate.done.state.')) return 'done';
  return type;
}

export function machineToMermaid(machine: AnyStateMachine): string {
  const lines = ['stateDiagram-v2'];
  const walk = (node: AnyStateNode, indent: string): void => {
    const children = Object.values(node.states) as AnyStateNode[];
    const initialTargets = node.initial?.target ?? [];
    for (const t of initialTargets) lines.push(`${indent}[*] --> ${nodeName(t as AnyStateNode)}`);
    for (const child of children) {
      const name = nodeName(child);
      const notes: string[] = [];
      if (child.tags.length) notes.push(`tags: ${child.tags.join(', ')}`);
      const invokes = child.invoke.map((i) => (typeof i.src === 'string' ? i.src : 'actor'));
      if (invokes.length) notes.push(`invoke: ${invokes.join(', ')}`);
      if (Object.keys(child.states).length) {
        lines.push(`${indent}state ${name} {`);
        walk(child, `${indent}  `);
        lines.push(`${indent}}`);
      } else {
        lines.push(`${indent}state "${child.key}${notes.length ? ` (${notes.join('; ')})` : ''}" as ${name}`);
      }
      if (child.type === 'final') lines.push(`${indent}${name} --> [*]`);
      const edges = new Set<string>();
      for (const [type, defs] of child.transitions) {
        for (const def of defs) {
          for (const target of def.target ?? []) {
            const guard = def.guard ? ' [guarded]' : '';
            edges.add(`${indent}${name} --> ${nodeName(target as AnyStateNode)}: ${eventLabel(type)}${guard}`);
          }
        }
      }
      for (const def of child.always ?? []) {
        for (const target of def.target ?? []) {
          edges.add(`${indent}${name} --> ${nodeName(target as AnyStateNode)}: always${def.guard ? ' [guarded]' : ''}`);
        }
      }
      lines.push(...edges);
    }
  };
  walk(machine.root, '  ');
  return lines.join('\n');
}

/** The machine of an env made by the registry (unwrapping wrappers). */
export function envMachine(env: Env): AnyStateMachine {
  let inner: Env = env;
  while (inner instanceof Wrapper) inner = inner.env;
  if (!(inner instanceof MachineEnv)) throw new Error(`${env.spec.id} is not a statechart env`);
  const def = inner.definition;
  const kwargs = env.spec.kwargs;
  const scenario = def.sampleScenario(Rng.fromSeed(deriveSeed(0, 'scenario')), kwargs);
  return def.createMachine({
    scenario,
    kwargs,
    rng: Rng.fromSeed(0),
    userTurn: () => Promise.reject(new Error('graph: the machine is not run')),
  });
}
