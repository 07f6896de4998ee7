/**
 * The adversary contract used by `dialogym audit`.
 *
 * An adversary is an ordinary `Agent` that tries to earn reward *without doing the task*: keyword
 * walls, repetition, echoing, injection, reward probing, degenerate play. Each one declares the
 * highest normalized score it may reach (0 = the env's `random` agent, 100 = its `expert`, on the
 * same seeds); the audit fails when it goes over. A reward a trick can earn is a bug in the
 * environment, not a clever agent.
 *
 * Every env registers an `AuditProfile`: how free text becomes its message action, how an episode
 * is cashed in, the words its recognisers react to, and its own adversaries written while
 * red-teaming it. The generic library (`generic.ts`) turns the profile into tricks that work on any
 * env.
 */
import type { Rng } from '../../core/rng.js';
import type { Json, Observation } from '../../core/types.js';
import type { Agent, AgentOptions } from '../types.js';

/** How an env is attacked by the generic adversaries, and the env's own adversaries. */
export interface AuditProfile {
  /**
   * Free text as the env's message action (`SAY …`, `ASK …`, plain text). Undefined when the env has
   * no free-text action; the text tricks are then left out.
   */
  message?(text: string): string;
  /**
   * The action that cashes an episode in, given what was said (a closing message, an answer made of
   * the user's own words, a submission). Undefined when the env ends by itself.
   */
  finish?(obs: Observation, rng: Rng): string;
  /** Messages a talking adversary sends before `finish` (about the expert's typical episode). */
  turnsBeforeFinish: number;
  /** Every word or phrase the env's recognisers react to, for the keyword wall. */
  keywords: readonly string[];
  /** The env's message length cap, so that a wall is as long as the env allows. */
  maxMessageChars?: number;
  /**
   * What a text adversary does when the env asks for one of a finite set of actions (a vote, a move):
   * defaults to a uniformly random legal action, so that only the trick differs from `random`.
   */
  onLegal?(obs: Observation, rng: Rng): string;
  /** Settings the audit runs separately, each with its own random/expert/oracle references (e.g. per role). */
  variants?: AuditVariant[];
  /** The env's own adversaries, written while red-teaming it. */
  adversaries?: AdversarySpec[];
  /** Limit of the generic adversaries on this env (default 30). */
  genericLimit?: number;
  /**
   * Adversary name → why it is a known open exploit. While the env's issue is open the audit reports
   * these instead of failing on them; an env is done only when this is empty.
   */
  knownOpen?: Record<string, string>;
  /** Seeds of the short audit that `npm test` runs (default 40). */
  shortSeeds?: number;
}

export interface AuditVariant {
  name: string;
  kwargs: Record<string, Json>;
}

export interface AdversarySpec {
  /** Short kebab-case name, unique per env (generic names are reserved). */
  name: string;
  /** The trick, in one sentence. */
  description: string;
  /** The highest normalized score it may reach (default: the profile's generic limit, 30). */
  limit?: number;
  /** Variants it runs in (default: all). */
  variants?: string[];
  create(profile: AuditProfile, opts: AgentOptions): Agent;
}
