/**
 * Agents for ClarifyTask-v0. They read only the observation: the submission JSON Schema printed in
 * the instructions (slot names, titles, allowed values, and `x-phrase`, how the user words a value)
 * and the transcript, which they parse with the same public wording rules as the env.
 *
 * - `expert`: asks for each required slot the conversation has not settled ("could you tell me the
 *   party size?"), once, and once more only if the answer was partial; then submits the required
 *   slots and the optional ones the user stated (corrections and "not X" respected, declined and
 *   no-preference slots left out).
 * - `confirming-expert`: the expert, plus one read-back ("So, to confirm: on friday, at 19:30, …,
 *   right?") before submitting, which lets a self-correcting user's correction arrive.
 * - `random`: asks about a random slot, or (one time in four) submits random allowed values.
 * - `no-question`: submits at once what the opening request states, filling missing required slots
 *   with their first allowed value.
 */
import { Rng } from '../../core/rng.js';
import type { JsonSchema } from '../../core/schema.js';
import type { Observation, TranscriptEntry } from '../../core/types.js';
import type { SlotValueJson } from '../../envs/clarify-common/types.js';
import { type DomainDef, DomainIndex, normalize, phraseFor, type SlotDef } from '../../envs/clarify-task/domains.js';
import type { Agent, AgentEpisodeContext } from '../types.js';

/** The domain as far as the instructions reveal it (schema fields → slots). */
export function domainFromInstructions(instructions: string): DomainIndex | null {
  const line = instructions.split('\n').find((l) => l.startsWith('{') && l.endsWith('}'));
  if (!line) return null;
  let schema: JsonSchema;
  try {
    schema = JSON.parse(line);
  } catch {
    return null;
  }
  const required = new Set<string>(schema.required ?? []);
  const slots: SlotDef[] = Object.entries(schema.properties ?? {}).map(([name, p]) => {
    const prop = p as JsonSchema;
    return {
      name,
      title: String(prop.title ?? name.replace(/_/g, ' ')),
      required: required.has(name),
      type: prop.type === 'integer' ? 'integer' : 'string',
      values: prop.enum ?? [],
      unit: prop['x-unit'],
      phrase: String(prop['x-phrase'] ?? '{v}'),
      keywords: [String(prop.title ?? name)],
    };
  });
  const domain: DomainDef = { id: 'observed', title: 'observed', openers: ['-'], slots };
  return new DomainIndex(domain);
}

export interface TaskBelief {
  known: Record<string, SlotValueJson>;
  /** Slots whose latest answer was partial (several values, none ruled out). */
  partial: Set<string>;
  declined: Set<string>;
  askedCount: Record<string, number>;
}

/** What the transcript has settled, read with the domain's wording rules. */
export function readTranscript(dom: DomainIndex, transcript: readonly TranscriptEntry[]): TaskBelief {
  const belief: TaskBelief = { known: {}, partial: new Set(), declined: new Set(), askedCount: {} };
  for (const t of transcript) {
    if (t.role === 'agent') {
      for (const s of dom.askedSlots(t.text)) belief.askedCount[s] = (belief.askedCount[s] ?? 0) + 1;
      continue;
    }
    if (t.role !== 'user') continue;
    const bySlot = new Map<string, SlotValueJson[]>();
    for (const m of dom.mentions(t.text)) {
      if (m.negated) continue;
      bySlot.set(m.slot, [...(bySlot.get(m.slot) ?? []), m.value]);
    }
    for (const [slot, values] of bySlot) {
      if (values.length === 1) {
        belief.known[slot] = values[0] as SlotValueJson;
        belief.partial.delete(slot);
        belief.declined.delete(slot);
      } else if (/\bmaybe\b|\bnot sure\b/.test(normalize(t.text))) {
        belief.partial.add(slot);
      } else {
        belief.known[slot] = values[values.length - 1] as SlotValueJson;
      }
    }
    const text = normalize(t.text);
    for (const s of dom.domain.slots) {
      const title = normalize(s.title).trim();
      if (text.includes(` no preference for the ${title} `) || text.includes(` leave the ${title} open `)) {
        belief.declined.add(s.name);
        delete belief.known[s.name];
      }
    }
  }
  return belief;
}

function submission(dom: DomainIndex, belief: TaskBelief): Record<string, SlotValueJson> {
  const out: Record<string, SlotValueJson> = {};
  for (const s of dom.domain.slots) {
    const v = belief.known[s.name];
    if (v !== undefined && !belief.declined.has(s.name)) out[s.name] = v;
    else if (s.required) out[s.name] = s.values[0] as SlotValueJson;
  }
  return out;
}

function maxQuestions(instructions: string): number {
  const m = /at most (\d+) questions/.exec(instructions);
  return m ? Number(m[1]) : 10;
}

export class TaskExpert implements Agent {
  readonly id: string = 'expert';
  private cache: { instructions: string; dom: DomainIndex | null } | undefined;

  /** With `confirm`, reads everything back once before submitting (catches a user's slip). */
  constructor(private readonly confirm = false) {}

  private domain(instructions: string): DomainIndex | null {
    if (this.cache?.instructions !== instructions) this.cache = { instructions, dom: domainFromInstructions(instructions) };
    return this.cache.dom;
  }

  act(obs: Observation): string {
    const dom = this.domain(obs.instructions);
    if (!dom) return 'SUBMIT {}';
    const belief = readTranscript(dom, obs.transcript);
    const asked = obs.transcript.filter((t) => t.role === 'agent').length;
    if (asked < maxQuestions(obs.instructions)) {
      for (const s of dom.domain.slots) {
        if (!s.required || belief.known[s.name] !== undefined) continue;
        const n = belief.askedCount[s.name] ?? 0;
        if (n === 0 || (n === 1 && belief.partial.has(s.name))) return `ASK could you tell me the ${s.title}?`;
      }
      const confirmed = obs.transcript.some((t) => t.role === 'agent' && t.text.startsWith(CONFIRM_PREFIX));
      if (this.confirm && !confirmed) {
        const values = dom.domain.slots
          .filter((s) => belief.known[s.name] !== undefined && !belief.declined.has(s.name))
          .map((s) => phraseFor(s, belief.known[s.name] as SlotValueJson));
        if (values.length) return `ASK ${CONFIRM_PREFIX} ${values.join(', ')}, right?`;
      }
    }
    return `SUBMIT ${JSON.stringify(submission(dom, belief))}`;
  }
}

const CONFIRM_PREFIX = 'So, to confirm:';

/** The expert plus one read-back confirmation before submitting. */
export class TaskConfirmingExpert extends TaskExpert {
  override readonly id = 'confirming-expert';
  constructor() {
    super(true);
  }
}

export class TaskNoQuestion implements Agent {
  readonly id = 'no-question';

  act(obs: Observation): string {
    const dom = domainFromInstructions(obs.instructions);
    if (!dom) return 'SUBMIT {}';
    return `SUBMIT ${JSON.stringify(submission(dom, readTranscript(dom, obs.transcript)))}`;
  }
}

export class TaskRandom implements Agent {
  readonly id = 'random';
  private rng = Rng.fromSeed(0);

  /** `submitProbability`: v0 0.25; v1 1/3, uniform over its three kinds of sample action (two asks, one submit). */
  constructor(private readonly submitProbability = 0.25) {}

  reset(ctx: AgentEpisodeContext): void {
    this.rng = Rng.fromSeed(ctx.seed);
  }

  act(obs: Observation): string {
    const dom = domainFromInstructions(obs.instructions);
    if (!dom) return 'SUBMIT {}';
    const asked = obs.transcript.filter((t) => t.role === 'agent').length;
    if (asked >= maxQuestions(obs.instructions) || this.rng.bool(this.submitProbability)) {
      const out: Record<string, SlotValueJson> = {};
      for (const s of dom.domain.slots) if (s.required) out[s.name] = this.rng.pick(s.values);
      return `SUBMIT ${JSON.stringify(out)}`;
    }
    return `ASK could you tell me the ${this.rng.pick(dom.domain.slots).title}?`;
  }
}
