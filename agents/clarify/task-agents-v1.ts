/**
 * Agents and adversaries of ClarifyTask-v1 (observation only, except the oracle).
 *
 * - `expert`: reads the schema, the constraints and the offer-only slots from the instructions and the
 *   transcript with the v0 wording rules. It asks for the unsettled required slots two at a time (one
 *   at a time once the user has said "let's do the rest after that"); then, for the optional slots it
 *   knows nothing about, it offers the options ("for the seating, would you like indoors, outdoors or
 *   at the bar?"), two slots per question, which also brings up offer-only preferences; a vague answer
 *   is asked again. It submits what the user said, leaving out what the user has no preference for.
 *   Offering the options of every optional slot costs questions: a capable agent can do better by
 *   asking "anything else?" first for the slots that are not offer-only.
 * - `oracle` (privileged): submits the goal at once.
 * - adversaries: the compound dummy confirmation and slot-name soup of issue 15, and a
 *   "confirm everything I heard" read-back trick.
 */
import type { Observation } from '../../core/types.js';
import type { SlotValueJson, TaskScenarioV1 } from '../../envs/clarify-common/types.js';
import { type DomainIndex, normalize, phraseFor, taskDomains, valueText } from '../../envs/clarify-task/domains.js';
import { violations } from '../../envs/clarify-task/rules-v1.js';
import { TalkingAdversary } from '../adversaries/generic.js';
import type { AdversarySpec, AuditProfile } from '../adversaries/types.js';
import type { Agent, AgentEpisodeContext } from '../types.js';
import { domainFromInstructions, readTranscript, type TaskBelief } from './task-agents.js';

/** The domain id whose submission schema the instructions print (needed for its public constraints). */
function domainIdOf(dom: DomainIndex): string | null {
  const names = dom.domain.slots.map((s) => s.name).join(',');
  for (const [id, d] of taskDomains()) if (d.domain.slots.map((s) => s.name).join(',') === names) return id;
  return null;
}

/** The v0 reading plus v1's phrasings of "no preference" ("any of those is fine for the seating"). */
export function readTranscriptV1(dom: DomainIndex, obs: Observation): TaskBelief & { deferred: boolean; askedBack: Set<string> } {
  const belief = readTranscript(dom, obs.transcript);
  let deferred = false;
  const askedBack = new Set<string>();
  for (const t of obs.transcript) {
    if (t.role !== 'user') continue;
    const text = normalize(t.text);
    if (text.includes(' lets do the rest after that ')) deferred = true;
    for (const s of dom.domain.slots) {
      const title = normalize(s.title).trim();
      if (text.includes(` any of those is fine for the ${title} `)) {
        belief.declined.add(s.name);
        delete belief.known[s.name];
      }
      if (text.includes(` what are the options for the ${title} `)) askedBack.add(s.name);
    }
  }
  return { ...belief, deferred, askedBack };
}

function submissionOf(dom: DomainIndex, belief: TaskBelief, fill: boolean): Record<string, SlotValueJson> {
  const out: Record<string, SlotValueJson> = {};
  for (const s of dom.domain.slots) {
    const v = belief.known[s.name];
    if (v !== undefined && !belief.declined.has(s.name)) out[s.name] = v;
    else if (s.required && fill) out[s.name] = s.values[0] as SlotValueJson;
  }
  return out;
}

/** A submission that satisfies the public constraints: optional values that break one are dropped, required ones re-picked. */
function feasible(dom: DomainIndex, sub: Record<string, SlotValueJson>): Record<string, SlotValueJson> {
  const id = domainIdOf(dom);
  if (!id) return sub;
  const out = { ...sub };
  for (let guard = 0; guard < 20 && violations(id, out).length; guard++) {
    for (const s of [...dom.domain.slots].reverse()) {
      if (!violations(id, out).length) break;
      if (out[s.name] === undefined) continue;
      if (!s.required) {
        const without = { ...out };
        delete without[s.name];
        if (violations(id, without).length < violations(id, out).length) delete out[s.name];
        continue;
      }
      for (const v of s.values) {
        const trial = { ...out, [s.name]: v };
        if (violations(id, trial).length < violations(id, out).length) {
          out[s.name] = v;
          break;
        }
      }
    }
  }
  return out;
}

function maxQuestions(instructions: string): number {
  const m = /at most (\d+) questions/.exec(instructions);
  return m ? Number(m[1]) : 8;
}

function list(values: readonly string[]): string {
  if (values.length <= 1) return values.join('');
  return `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`;
}

export class TaskExpertV1 implements Agent {
  readonly id = 'expert';
  private cache: { instructions: string; dom: DomainIndex | null } | undefined;

  private domain(instructions: string): DomainIndex | null {
    if (this.cache?.instructions !== instructions) this.cache = { instructions, dom: domainFromInstructions(instructions) };
    return this.cache.dom;
  }

  act(obs: Observation): string {
    const dom = this.domain(obs.instructions);
    if (!dom) return 'SUBMIT {}';
    const belief = readTranscriptV1(dom, obs);
    const asked = obs.transcript.filter((t) => t.role === 'agent').length;
    const budget = maxQuestions(obs.instructions);
    if (asked < budget) {
      const perQuestion = belief.deferred ? 1 : 2;
      const missing = dom.domain.slots.filter(
        (s) => s.required && belief.known[s.name] === undefined && (belief.askedCount[s.name] ?? 0) < 3,
      );
      if (missing.length) {
        const titles = missing.slice(0, perQuestion).map((s) => `the ${s.title}`);
        return `ASK could you tell me ${titles.join(' and ')}?`;
      }
      const open = dom.domain.slots.filter((s) => !s.required && belief.known[s.name] === undefined && !belief.declined.has(s.name));
      const offered = new Set(
        obs.transcript.filter((t) => t.role === 'agent').flatMap((t) => dom.mentions(t.text, { bare: true }).map((m) => m.slot)),
      );
      const toOffer = open.filter((s) => !offered.has(s.name) || belief.askedBack.has(s.name) || belief.partial.has(s.name));
      if (toOffer.length) {
        const parts = toOffer.slice(0, perQuestion).map((s) => `for the ${s.title}, would you like ${list(s.values.map((v) => valueText(s, v)))}`);
        return `ASK ${parts.join('; and ')}?`;
      }
    }
    return `SUBMIT ${JSON.stringify(feasible(dom, submissionOf(dom, belief, true)))}`;
  }
}

/** Submits the hidden goal at once (privileged): the upper bound. */
export class TaskOracle implements Agent {
  readonly id = 'oracle';
  readonly privileged = true;
  private goal: Record<string, SlotValueJson> = {};

  reset(ctx: AgentEpisodeContext): void {
    this.goal = (ctx.privileged?.scenario as TaskScenarioV1 | undefined)?.goal ?? {};
  }

  act(): string {
    return `SUBMIT ${JSON.stringify(this.goal)}`;
  }
}

/** Cashing in: what the transcript settled, missing required slots filled with their first value. */
export function taskFinish(obs: Observation): string {
  const dom = domainFromInstructions(obs.instructions);
  if (!dom) return 'SUBMIT {}';
  return `SUBMIT ${JSON.stringify(feasible(dom, submissionOf(dom, readTranscriptV1(dom, obs), true)))}`;
}

/** Every slot keyword and value wording of every domain: the vocabulary the question reader reacts to. */
export function taskKeywords(): string[] {
  const out = new Set<string>();
  for (const d of taskDomains().values()) {
    for (const s of d.domain.slots) {
      for (const k of s.keywords) out.add(k);
      for (const v of s.values) out.add(phraseFor(s, v));
    }
  }
  return [...out];
}

/** A dummy value for every slot (its first allowed value) as one compound confirmation. */
function dummyConfirmation(obs: Observation): string {
  const dom = domainFromInstructions(obs.instructions);
  if (!dom) return 'is that right?';
  const belief = readTranscriptV1(dom, obs);
  const values = dom.domain.slots.map((s) => phraseFor(s, belief.known[s.name] ?? (s.values[0] as SlotValueJson)));
  return `So, to confirm: ${values.join(', ')}, right?`;
}

function slotSoup(obs: Observation): string {
  const dom = domainFromInstructions(obs.instructions);
  return dom ? dom.domain.slots.map((s) => s.title).join(' ') : 'details';
}

export function taskAdversaries(): AdversarySpec[] {
  const talker = (name: string, description: string, text: (o: Observation) => string, turns = 4): AdversarySpec => ({
    name,
    description,
    create: (profile: AuditProfile) => new TalkingAdversary(name, profile, (o, _t, _r, p) => p.message?.(text(o)) ?? text(o), turns),
  });
  return [
    talker(
      'compound-dummy-confirmation',
      'confirms a dummy value for every slot in one question ("So, to confirm: italian food, on monday, …, right?"), keeping what it learns, four times, then submits',
      dummyConfirmation,
    ),
    talker('slot-name-soup', 'sends the list of slot names with no grammar ("cuisine day time party size seating dietary need"), then submits', slotSoup),
    talker(
      'one-big-question',
      'asks for every slot in one grammatical question, four times, then submits what it heard',
      (o) => {
        const dom = domainFromInstructions(o.instructions);
        return dom ? `could you tell me the ${dom.domain.slots.map((s) => s.title).join(', the ')}?` : 'what do you need?';
      },
    ),
  ];
}
