/**
 * Embodied-v1's own adversaries, written while red-teaming it (each is a trick that beat Embodied-v0):
 * - `literal-executor`: executes the Commander's words as actions, clause by clause, without reading
 *   the world (v0's Commander dictated "Free your hands: put knife 1 on counter 1.");
 * - `hint-harvester`: fails on purpose (twice in a row) to make the Commander explain, then executes
 *   the explanation literally;
 * - `ask-every-turn`: asks for the next step and for every object it heard of, and plays the literal
 *   answer in between.
 * The generic `random-legal` (agents/adversaries/generic.ts) covers random legal play.
 */
import { deriveSeed, Rng } from '../../core/rng.js';
import type { Observation } from '../../core/types.js';
import { parseCommand } from '../../envs/embodied/planner.js';
import { mentions } from '../../simulators/embodied/nlu.js';
import type { AdversarySpec } from '../adversaries/types.js';
import type { Agent, AgentEpisodeContext } from '../types.js';

const VERB = /\b(?:go to|walk to|pick up|take|grab|put down|put|place|drop|open|close|toggle|turn|switch|slice|cut|clean|wash|rinse|fill|pour|look)\b/g;

/**
 * The action strings a literal reader finds in an utterance: every clause, and every stretch that
 * starts at a verb of the action grammar, that the env's parser accepts.
 */
export function literalActions(text: string): string[] {
  const out: string[] = [];
  const clauses = text
    .toLowerCase()
    .split(/[.;:!?]\s*|,\s+|\s+(?:and|then)\s+/)
    .map((c) => c.trim())
    .filter(Boolean);
  for (const c of clauses) {
    const starts = [0, ...[...c.matchAll(VERB)].map((m) => m.index ?? 0)];
    for (const at of starts) {
      const piece = c.slice(at).trim();
      if (parseCommand(piece) && !out.includes(piece)) out.push(piece);
    }
  }
  return out;
}

function commanderLines(obs: Observation): string[] {
  return obs.transcript.filter((t) => t.role === 'user').map((t) => t.text);
}

/** Plays the literal actions of the Commander's latest words, newest first, each once. */
class LiteralExecutor implements Agent {
  readonly id: string = 'literal-executor';
  protected tried = new Set<string>();
  reset(_ctx?: AgentEpisodeContext): void {
    this.tried = new Set();
  }
  protected nextLiteral(obs: Observation): string | null {
    const lines = commanderLines(obs);
    for (let i = lines.length - 1; i >= 0; i--) {
      for (const a of literalActions(lines[i]!)) {
        if (this.tried.has(a)) continue;
        this.tried.add(a);
        return a;
      }
    }
    return null;
  }
  act(obs: Observation): string {
    return this.nextLiteral(obs) ?? 'say what should I do next?';
  }
}

/** Two failures on purpose, then the Commander's explanation executed literally, and again. */
class HintHarvester extends LiteralExecutor {
  override readonly id = 'hint-harvester';
  private phase = 0;
  override reset(ctx?: AgentEpisodeContext): void {
    super.reset(ctx);
    this.phase = 0;
  }
  override act(obs: Observation): string {
    this.phase += 1;
    if (this.phase % 4 === 1 || this.phase % 4 === 2) return 'pick up mug 99';
    return this.nextLiteral(obs) ?? 'pick up mug 99';
  }
}

/** Asks every other turn (next step, or where something it heard of is) and plays the literal answer. */
class AskEveryTurn extends LiteralExecutor {
  override readonly id = 'ask-every-turn';
  private turn = 0;
  private rng = Rng.fromSeed(0);
  override reset(ctx?: AgentEpisodeContext): void {
    super.reset(ctx);
    this.turn = 0;
    this.rng = Rng.fromSeed(deriveSeed(ctx?.seed ?? 0, this.id));
  }
  override act(obs: Observation): string {
    this.turn += 1;
    if (this.turn % 2 === 1) {
      const heard = commanderLines(obs).flatMap((l) => mentions(l).map((m) => m.type));
      if (heard.length && this.rng.bool()) return `say where is the ${this.rng.pick(heard)}?`;
      return 'say what should I do next?';
    }
    return this.nextLiteral(obs) ?? 'say what should I do next?';
  }
}

export const EMBODIED_ADVERSARIES: AdversarySpec[] = [
  {
    name: 'literal-executor',
    description: "executes the Commander's words as actions, clause by clause, without reading the world",
    create: () => new LiteralExecutor(),
  },
  {
    name: 'hint-harvester',
    description: 'fails twice on purpose to make the Commander explain, then executes the explanation literally',
    create: () => new HintHarvester(),
  },
  {
    name: 'ask-every-turn',
    description: 'asks for the next step or a place every other turn and executes the literal answer in between',
    create: () => new AskEveryTurn(),
  },
];
