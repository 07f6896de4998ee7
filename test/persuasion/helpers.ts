import { Rng } from '../../core/rng.js';
import type { PersuasionScenario } from '../../simulators/persuasion/persona.js';
import { ScriptedPersuadee } from '../../simulators/persuasion/scripted.js';
import type { PersuadeeTurn } from '../../simulators/persuasion/turn.js';

/** A persona at the middle of every scale, with overrides. */
export function persona(over: Partial<Record<string, number>> = {}, id = 'test-persona'): PersuasionScenario {
  const v = (k: string, d: number) => over[k] ?? d;
  return {
    personaId: id,
    bigFive: { extrovert: v('extrovert', 3), agreeable: v('agreeable', 3.6), conscientious: v('conscientious', 3.8), neurotic: v('neurotic', 2.4), open: v('open', 3.6) },
    moralFoundations: { care: v('care', 4.5), fairness: v('fairness', 4.5), loyalty: v('loyalty', 3.5), authority: v('authority', 3.6), purity: v('purity', 3.4), freedom: v('freedom', 4) },
    values: {
      conform: v('conform', 4), tradition: v('tradition', 3.5), benevolence: v('benevolence', 4.6), universalism: v('universalism', 4.5),
      selfDirection: v('selfDirection', 4.6), stimulation: v('stimulation', 3.5), hedonism: v('hedonism', 4), achievement: v('achievement', 4),
      power: v('power', 2.7), security: v('security', 4.5),
    },
    decisionStyle: { rational: v('rational', 3.8), intuitive: v('intuitive', 3.2) },
    demographics: { age: 35, sex: 'Female', race: 'White', education: 'Four-year college', marital: 'Unmarried', employment: 'Employed for wages', income: over.income ?? 5, religion: 'Catholic', ideology: 'Moderate' },
  };
}

export function sim(p: PersuasionScenario, seed = 1): ScriptedPersuadee {
  return new ScriptedPersuadee({ scenario: p, rng: Rng.fromSeed(seed), config: { kind: 'scripted' } });
}

/** Sends messages (the last one closing) and returns every turn. */
export function talk(s: ScriptedPersuadee, messages: string[], close = true): PersuadeeTurn[] {
  const out: PersuadeeTurn[] = [];
  messages.forEach((text, i) => {
    const kind = close && i === messages.length - 1 ? 'close' : 'message';
    const t = s.respond({ kind, text, turn: i + 1, maxTurns: 10 });
    out.push(t);
  });
  return out;
}
