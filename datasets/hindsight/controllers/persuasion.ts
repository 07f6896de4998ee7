/**
 * Scripted hindsight controller for Persuasion-v0. It reads the finished dialogue with what the
 * persuadee revealed (the structured persuadee turns in `turns[].simulatorTurns`: intent, concerns
 * revealed, stated amount, and for the scripted persuadee its hidden donate probability and
 * annoyance) and proposes, by rule:
 *
 * - `answer-ignored-concern`: the persuadee voiced a concern that no later message answered →
 *   answer it in the next message (kept together with what the persuader said there).
 * - `preempt-late-concern`: a concern came out only at the end (in the decision, or in the human
 *   dialogue) → answer it in the message that drew it out, before it is voiced.
 * - `drop-annoying-appeal`: a message annoyed this persona (annoyance jumped, or it answered
 *   annoyed) → say something that answers an open concern or gives a fact instead.
 * - `close-at-peak`: the persuadee named an amount, or was most willing, and the talk went on and
 *   lost it → ask for the decision right then.
 *
 * Rules are ranked by how directly the record shows the loss; one branch per turn.
 */
import type { EpisodeRecord } from '../../../core/record.js';
import { CONCERNS, type Concern, concernsAddressed } from '../../../simulators/persuasion/concerns.js';
import type { PersuadeeTurn } from '../../../simulators/persuasion/turn.js';
import type { BranchProposal, ControllerInput, HindsightController } from '../types.js';

/** One sentence per concern, worded to answer it (each matches the concern's `addresses` pattern). */
export const CONCERN_ANSWERS: Record<Concern, string> = {
  legitimacy: 'Just so you know, Save the Children is a reputable charity founded in 1919, rated highly by Charity Navigator.',
  overhead: 'Most of the money goes directly to the children: around 85 percent pays for programs rather than overhead.',
  local: 'They work here at home too, with programs for kids in rural parts of the United States.',
  budget: "It doesn't have to be much; any amount helps, even a few cents of your payment.",
  procedure: "It's easy: whatever you pick is deducted from your task payment, and the research team sends it on.",
  impact: 'Small gifts add up: a dollar can provide meals or vaccines, so it makes a real difference.',
  'other-causes': "It can be in addition to the causes you already support; children are the most vulnerable and can't help themselves.",
};

/** Neutral, non-pushy facts used in place of an appeal that backfired. */
const CALM_FACTS = [
  'Save the Children runs health, education and nutrition programs for kids in about 100 countries, including the United States.',
  'I looked them up before this chat: their work is transparent, with audited reports on their website.',
  'Their programs help children in disasters and conflicts get food, medicine and a safe place to learn.',
];

export const CLOSE_NOW =
  'CLOSE Thank you so much for listening. Would you like to give part of your $2 to Save the Children? Any amount helps.';

interface Candidate extends BranchProposal {
  priority: number;
}

function persuadeeTurn(rec: EpisodeRecord, t: number): PersuadeeTurn | undefined {
  const turns = rec.turns[t]?.simulatorTurns ?? [];
  return turns[turns.length - 1] as PersuadeeTurn | undefined;
}

/** The turn at which each concern was first voiced (the persuadee's reply to that agent action). */
export function firstReveals(rec: EpisodeRecord): Map<Concern, number> {
  const out = new Map<Concern, number>();
  for (let t = 0; t < rec.turns.length; t++) {
    for (const st of rec.turns[t]?.simulatorTurns ?? []) {
      for (const c of (st as PersuadeeTurn).revealedConcerns ?? []) {
        if ((CONCERNS as readonly string[]).includes(c) && !out.has(c)) out.set(c, t);
      }
    }
    const infoConcerns = rec.turns[t]?.info.revealedConcerns;
    if (Array.isArray(infoConcerns)) for (const c of infoConcerns as Concern[]) if (!out.has(c) && (CONCERNS as readonly string[]).includes(c)) out.set(c, t);
  }
  return out;
}

/** Adds `sentence` to an action, keeping a CLOSE a CLOSE. */
export function withSentence(action: string, sentence: string): string {
  const close = /^\s*CLOSE\b:?\s*([\s\S]*)$/i.exec(action);
  if (close) return `CLOSE ${sentence} ${(close[1] ?? '').trim()}`.trim();
  const say = /^\s*SAY\b:?\s*([\s\S]*)$/i.exec(action);
  const text = (say ? (say[1] ?? '') : action).trim();
  return `${sentence} ${text}`.trim();
}

const isClose = (a: string) => /^\s*CLOSE\b/i.test(a);

export class PersuasionController implements HindsightController {
  readonly id = 'persuasion-rules';

  propose(input: ControllerInput): BranchProposal[] {
    const base = input.baseline;
    const n = base.turns.length;
    if (n === 0) return [];
    const actions = base.turns.map((t) => t.action);
    const used = actions.join('\n');
    const answeredFrom = (c: Concern, from: number) => actions.slice(from).some((a) => concernsAddressed(a).includes(c));
    const cands: Candidate[] = [];
    const finalDonation = base.totals.return;

    // Concerns the simulated persuadee voiced.
    const reveals = firstReveals(base);
    for (const [c, r] of reveals) {
      if (answeredFrom(c, r + 1) || used.includes(CONCERN_ANSWERS[c])) continue;
      if (r + 1 < n) {
        cands.push({
          turn: r + 1,
          replacement: withSentence(actions[r + 1] as string, CONCERN_ANSWERS[c]),
          rule: 'answer-ignored-concern',
          rationale: `the persuadee voiced '${c}' after turn ${r} and no later message answered it; answer it at turn ${r + 1}`,
          priority: 3,
        });
      } else {
        cands.push({
          turn: r,
          replacement: withSentence(actions[r] as string, CONCERN_ANSWERS[c]),
          rule: 'preempt-late-concern',
          rationale: `the persuadee voiced '${c}' only in the last exchange (turn ${r}); answer it before it comes up`,
          priority: 2.5,
        });
      }
    }
    // Concerns a human persuadee revealed in the source dialogue but the simulator did not.
    if (input.source !== base) {
      for (const [c, r] of firstReveals(input.source)) {
        if (reveals.has(c) || answeredFrom(c, 0)) continue;
        const t = Math.min(r, n - 1);
        cands.push({
          turn: t,
          replacement: withSentence(actions[t] as string, CONCERN_ANSWERS[c]),
          rule: 'preempt-late-concern',
          rationale: `in the source dialogue the persuadee revealed '${c}' at turn ${r}, and it was never answered; answer it at turn ${t}`,
          priority: 2,
        });
      }
    }

    // Messages that annoyed this persona.
    let prevAnnoyance = 0;
    for (let t = 0; t < n; t++) {
      const pt = persuadeeTurn(base, t);
      const a = pt?.state?.annoyance ?? prevAnnoyance;
      const jump = a - prevAnnoyance * 0.85;
      prevAnnoyance = a;
      if (!pt || pt.ends) continue;
      if (pt.intent === 'annoyed' || jump > 0.3) {
        const open = (pt.state?.openConcerns ?? []).find((c) => !used.includes(CONCERN_ANSWERS[c]));
        const fact = CALM_FACTS.find((f) => !used.includes(f)) ?? (CALM_FACTS[0] as string);
        const calm = open ? CONCERN_ANSWERS[open] : fact;
        cands.push({
          turn: t,
          replacement: isClose(actions[t] as string) ? `CLOSE ${calm}` : calm,
          rule: 'drop-annoying-appeal',
          rationale: `turn ${t} annoyed this persuadee (${pt.intent}, annoyance +${Math.max(0, jump).toFixed(2)}); replace it with ${open ? `an answer to '${open}'` : 'a plain fact'}`,
          priority: 2 + Math.min(1, Math.max(0, jump)),
        });
      }
    }

    // A willingness that was there and got lost.
    let best = -1;
    let bestP = -1;
    for (let t = 0; t < n - 1; t++) {
      const pt = persuadeeTurn(base, t);
      if (!pt || pt.ends) continue;
      const stated = pt.statedAmount ?? null;
      if (stated !== null && stated > finalDonation + 1e-9 && !isClose(actions[t + 1] as string)) {
        cands.push({
          turn: t + 1,
          replacement: CLOSE_NOW,
          rule: 'close-at-peak',
          rationale: `the persuadee named $${stated.toFixed(2)} after turn ${t} but ended giving $${finalDonation.toFixed(2)}; ask for the decision at turn ${t + 1}`,
          priority: 3,
        });
      }
      const p = pt.state?.donateProbability;
      if (p !== undefined && p > bestP) {
        bestP = p;
        best = t;
      }
    }
    const lastP = persuadeeTurn(base, n - 1)?.state?.donateProbability ?? persuadeeTurn(base, n - 2)?.state?.donateProbability;
    if (finalDonation === 0 && best >= 0 && lastP !== undefined && bestP - lastP > 0.1 && !isClose(actions[best + 1] as string)) {
      cands.push({
        turn: best + 1,
        replacement: CLOSE_NOW,
        rule: 'close-at-peak',
        rationale: `willingness peaked after turn ${best} (p=${bestP.toFixed(2)}) and fell to ${lastP.toFixed(2)}; ask at turn ${best + 1}`,
        priority: 1 + (bestP - lastP),
      });
    }

    cands.sort((a, b) => b.priority - a.priority || a.turn - b.turn);
    const out: BranchProposal[] = [];
    const turns = new Set<number>();
    for (const c of cands) {
      if (turns.has(c.turn) || c.replacement === actions[c.turn]) continue;
      turns.add(c.turn);
      out.push({ turn: c.turn, replacement: c.replacement, rationale: c.rationale, rule: c.rule });
      if (out.length >= input.maxBranches) break;
    }
    return out;
  }
}
