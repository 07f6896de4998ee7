/**
 * A ClariQ "user" that replays recorded human answers in order: the simulator of episode records
 * imported from the corpus (`dialogym import clariq`). Config: `{kind: 'human', turns: [answer, ...]}`.
 * Replaying such a record with its own simulator config reproduces it exactly; replaying it with
 * `{kind: 'scripted'}` (what `dialogym replay` does for kind 'human') re-answers the same questions with the scripted user.
 */
import type { SimulatorConfig } from '../../core/types.js';
import { contentTerms, polarityOf } from '../../envs/clarify-common/text.js';
import {
  type SearchScenario,
  type SearchTurn,
  type SearchUserInput,
  searchTurnSchema,
} from '../../envs/clarify-common/types.js';
import type { SimulatorContext, UserSimulator } from '../types.js';

export class RecordedClariqUser implements UserSimulator<SearchUserInput, SearchTurn> {
  readonly turnSchema = searchTurnSchema;
  private next = 0;
  private readonly turns: string[];

  constructor(private readonly ctx: SimulatorContext<SearchScenario>) {
    const t = ctx.config.turns;
    this.turns = Array.isArray(t) ? t.map(String) : [];
  }

  get config(): SimulatorConfig {
    return this.ctx.config;
  }

  respond(input: SearchUserInput): SearchTurn {
    const { scenario } = this.ctx;
    if (input.kind === 'open') {
      return { utterance: scenario.request, polarity: 'request', source: 'request', revealedAspects: [], groundedOn: null };
    }
    const utterance = this.turns[this.next];
    if (utterance === undefined) throw new Error(`recorded simulator has only ${this.turns.length} answer(s)`);
    this.next += 1;
    const said = new Set(contentTerms(utterance));
    return {
      utterance,
      polarity: polarityOf(utterance),
      source: 'human',
      revealedAspects: [...new Set(contentTerms(scenario.facet.description).filter((t) => said.has(t)))],
      groundedOn: null,
    };
  }

  getState(): { next: number } {
    return { next: this.next };
  }

  setState(state: { next?: number } | null): void {
    this.next = Number(state?.next ?? 0);
  }
}
