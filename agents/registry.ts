/**
 * Agent lookup by name. An env's registration may provide its own agent under a name (its
 * `expert`, a domain-aware `random`); otherwise the generic agent of that name is used.
 */
import { ConfigError } from '../core/errors.js';
import { getRegistration } from '../core/registry.js';
import type { Agent, AgentFactory, AgentOptions } from './types.js';

const generic = new Map<string, AgentFactory>();

export function registerAgent(name: string, factory: AgentFactory): void {
  generic.set(name, factory);
}

export function agentNames(envId?: string): string[] {
  const names = new Set(generic.keys());
  if (envId) for (const k of Object.keys(getRegistration(envId).agents ?? {})) names.add(k);
  return [...names].sort();
}

export function createAgent(name: string, opts: AgentOptions): Agent {
  const specific = getRegistration(opts.envId).agents?.[name];
  const factory = specific ?? generic.get(name);
  if (!factory) {
    throw new ConfigError(`no agent '${name}' for ${opts.envId} (available: ${agentNames(opts.envId).join(', ')})`);
  }
  return factory(opts);
}
