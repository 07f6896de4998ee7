/**
 * The LLM hindsight controller: shows a model the finished dialogue turn by turn with the outcome
 * and the analysis fields the env logged (the user's hidden intent, concerns revealed, per-turn
 * rewards), and asks for the turns to redo with a replacement and a rationale, as JSON checked
 * against a schema. Works for any env: the env's own instructions give the action grammar.
 */
import { ConfigError } from '../../../core/errors.js';
import type { EpisodeRecord } from '../../../core/record.js';
import type { JsonSchema } from '../../../core/schema.js';
import type { Json } from '../../../core/types.js';
import type { ChatMessage, LlmProvider } from '../../../simulators/types.js';
import type { BranchProposal, ControllerInput, HindsightController } from '../types.js';

export const proposalSchema: JsonSchema = {
  type: 'object',
  required: ['branches'],
  additionalProperties: false,
  properties: {
    branches: {
      type: 'array',
      minItems: 1,
      maxItems: 5,
      items: {
        type: 'object',
        required: ['turn', 'replacement', 'rationale'],
        additionalProperties: false,
        properties: {
          turn: { type: 'integer', minimum: 0 },
          replacement: { type: 'string', minLength: 1, maxLength: 2000 },
          rationale: { type: 'string', minLength: 1, maxLength: 1000 },
        },
      },
    },
  },
};

const SYSTEM = [
  'You are a hindsight controller for dialogue-agent training data (hindsight regeneration, Hong et al. 2024).',
  'You read a finished conversation between an AGENT and a USER, knowing its outcome and everything the user revealed, including what the agent learned only later.',
  'Pick the agent turns where a different message would most likely have led to a better outcome, and write that message.',
  'Use what the user revealed later (concerns, objections, annoyance) to improve an earlier turn; keep the replacement in the same action grammar as the original actions; do not change the user.',
  'Reply with JSON: {"branches": [{"turn": <agent turn number>, "replacement": <the agent action to play instead>, "rationale": <why>}]}, best first.',
].join('\n');

function compact(v: Json): string {
  const s = JSON.stringify(v);
  return s.length > 300 ? `${s.slice(0, 300)}…` : s;
}

/** The dialogue as the controller reads it: numbered agent turns, the user's replies, the env's analysis fields. */
export function describeForController(rec: EpisodeRecord): string {
  const lines = ['## Agent instructions', rec.initialObservation.instructions, '', '## Conversation', `(start) ${rec.initialObservation.text}`];
  for (const [t, turn] of rec.turns.entries()) {
    lines.push(`[agent turn ${t}] ${turn.action}`);
    if (turn.invalidAction) lines.push(`  (invalid: ${turn.invalidAction.reason})`);
    lines.push(`  ${turn.observation.replace(/\n/g, '\n  ')}`);
    const analysis = Object.keys(turn.info).length ? ` analysis ${compact(turn.info)}` : '';
    lines.push(`  (reward ${turn.reward}${analysis})`);
  }
  lines.push('', '## Outcome', `return ${rec.totals.return}; ended: ${rec.termination.reason}`);
  return lines.join('\n');
}

export class LlmController implements HindsightController {
  readonly id: string;

  constructor(
    private readonly llm: LlmProvider | undefined,
    private readonly temperature = 0,
  ) {
    if (!llm) throw new ConfigError('the llm hindsight controller needs an LLM endpoint: pass --llm-model (see --help)');
    this.id = `llm:${llm.model}`;
  }

  async propose(input: ControllerInput): Promise<BranchProposal[]> {
    const rec = input.baseline;
    const n = rec.turns.length;
    if (n === 0 || !this.llm) return [];
    const messages: ChatMessage[] = [
      { role: 'system', content: SYSTEM },
      {
        role: 'user',
        content: `${describeForController(rec)}\n\nPropose at most ${input.maxBranches} branch(es); agent turns are numbered 0 to ${n - 1}.`,
      },
    ];
    const check = (value: Json): string | null => {
      for (const b of value.branches as { turn: number; replacement: string }[]) {
        if (b.turn >= n) return `turn ${b.turn} does not exist: agent turns are 0 to ${n - 1}`;
        if (b.replacement.trim() === rec.turns[b.turn]?.action.trim()) return `turn ${b.turn}: the replacement must differ from the original`;
      }
      return null;
    };
    const res = await this.llm.complete({
      messages,
      schema: proposalSchema,
      schemaName: 'hindsight_branches',
      check,
      seed: rec.seed,
      temperature: this.temperature,
    });
    const branches = (res.value as { branches: { turn: number; replacement: string; rationale: string }[] }).branches;
    return branches.slice(0, input.maxBranches).map((b) => ({ turn: b.turn, replacement: b.replacement, rationale: b.rationale, rule: 'llm' }));
  }
}
