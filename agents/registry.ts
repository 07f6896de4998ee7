/**
 * Agent lookup by name. An env's registration may provide its own agent under a name (its
 * `expert`, a domain-aware `random`); otherwise the generic agent of that name is used.
 */
import { ConfigError } from '../core/errors.js';
import { getRegistration } from '../core/registry.js';
import { genericAdversaries } from './adversaries/generic.js';
import type { AdversarySpec } from './adversaries/types.js';
import type { Agent, AgentFactory, AgentOptions } from './types.js';

export const ADVERSARY_PREFIX = 'adv:';

const generic = new Map<string, AgentFactory>();

export function registerAgent(name: string, factory: AgentFactory): void {
  generic.set(name, factory);
}

export function agentNames(envId?: string): string[] {
  const names = new Set(generic.keys());
  if (envId) for (const k of Object.keys(getRegistration(envId).agents ?? {})) names.add(k);
  return [...names].sort();
}

/** The adversaries `dialogym audit` runs on an env: the generic library, then the env's own. */
export function adversariesOf(envId: string): AdversarySpec[] {
  const profile = getRegistration(envId).audit;
  if (!profile) return [];
  return [...genericAdversaries(profile), ...(profile.adversaries ?? [])];
}

/** Agent names for `--agent`; an adversary is `adv:<name>` (e.g. `--agent adv:keyword-wall`). */
export function createAgent(name: string, opts: AgentOptions): Agent {
  if (name.startsWith(ADVERSARY_PREFIX)) {
    const reg = getRegistration(opts.envId);
    const wanted = name.slice(ADVERSARY_PREFIX.length);
    const spec = adversariesOf(opts.envId).find((a) => a.name === wanted);
    if (!spec || !reg.audit) {
      const known = adversariesOf(opts.envId).map((a) => ADVERSARY_PREFIX + a.name);
      throw new ConfigError(`no adversary '${wanted}' for ${opts.envId} (available: ${known.join(', ') || 'none'})`);
    }
    return spec.create(reg.audit, opts);
  }
  const specific = getRegistration(opts.envId).agents?.[name];
  const factory = specific ?? generic.get(name);
  if (!factory) {
    throw new ConfigError(`no agent '${name}' for ${opts.envId} (available: ${agentNames(opts.envId).join(', ')})`);
  }
  return factory(opts);
}
