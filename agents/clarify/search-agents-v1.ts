/**
 * Agents and adversaries of ClarifySearch-v1.
 *
 * - `expert` (observation only): asks what the user wants to know about the request; when the reply
 *   says little (a bare "no", a puzzled reply, or fewer than `minNewWords` words the request does not
 *   already say), follows up on what was said ("what exactly about …?"); then states the need in the
 *   user's own words: the content words of its replies (puzzled and repeated replies left out), then
 *   the request's, cut to the statement cap. Two questions at most: each costs 0.1, and a third
 *   rarely adds anything a person would say.
 * - `oracle` (privileged): states the hidden facet's own description, with no question.
 * - adversaries (`searchAdversaries`): the tricks of issue 15, kept so that they stay fixed.
 */
import { contentTerms, isStopword, stem, tokenize } from '../../envs/clarify-common/text.js';
import type { SearchScenario } from '../../envs/clarify-common/types.js';
import type { Observation, TranscriptEntry } from '../../core/types.js';
import { loadClariq } from '../../envs/clarify-common/clariq-data.js';
import { TalkingAdversary } from '../adversaries/generic.js';
import type { AdversarySpec, AuditProfile } from '../adversaries/types.js';
import type { Agent, AgentEpisodeContext } from '../types.js';
import { questionBank } from './search-agents.js';

export const STATEMENT_CAP = 200;

/** Replies that carry no content: puzzled ones and bare yes/no. */
const EMPTY_REPLY = /^(?:sorry|i'?m not sure what you mean|i don'?t understand|yes|no|yes please|no thanks|no, not really|yes, that is right|i already said (?:yes|no))[\s,.!?]*$/;
const LEAD = /^(?:please\s+)?(?:tell me (?:more )?about|find (?:me )?(?:information|info)? ?(?:about|on|for)?|i want to know about|i am looking for|i'm looking for|im looking for|give me information on|find information about|information on|what is|what are|who is|how to|i want to learn about)\s+/;

/** The request without its lead-in: "Tell me about defender" → "defender". */
export function requestCore(request: string): string {
  const t = tokenize(request).join(' ');
  return t.replace(LEAD, '').trim() || t;
}

function userReplies(transcript: readonly TranscriptEntry[]): string[] {
  const out: string[] = [];
  let first = true;
  for (const t of transcript) {
    if (t.role !== 'user') continue;
    if (first) {
      first = false;
      continue;
    }
    out.push(t.text);
  }
  return out;
}

/** Content words of the replies beyond the request (one per stem, in order), repeats and puzzled replies skipped. */
export function newWords(request: string, replies: readonly string[]): string[] {
  const req = new Set(contentTerms(request));
  const seen = new Set<string>();
  const out: string[] = [];
  for (const r of replies) {
    const text = r.toLowerCase().replace(/^(?:as i said, |i already told you: |i already said )/, '');
    if (EMPTY_REPLY.test(text)) continue;
    for (const w of tokenize(text)) {
      if (isStopword(w) || w.length < 2) continue;
      const s = stem(w);
      if (req.has(s) || seen.has(s)) continue;
      seen.add(s);
      out.push(w);
    }
  }
  return out;
}

export class SearchExpertV1 implements Agent {
  readonly id = 'expert';
  readonly config = { maxQuestions: 2, minNewWords: 3 };

  act(obs: Observation): string {
    const request = obs.transcript.find((t) => t.role === 'user')?.text ?? '';
    const asked = obs.transcript.filter((t) => t.role === 'agent').length;
    const replies = userReplies(obs.transcript);
    const words = newWords(request, replies);
    const core = requestCore(request);
    if (asked === 0) {
      // An "or" inside the request would read as an either/or question; ask without it then.
      return /\bor\b/.test(core) ? 'ASK what exactly would you like to know?' : `ASK what exactly would you like to know about ${core}?`;
    }
    if (asked < this.config.maxQuestions && words.length < this.config.minNewWords) {
      return 'ASK could you tell me more specifically what you need?';
    }
    return `ANSWER ${this.statement(request, replies)}`;
  }

  /**
   * The user's own content words (all of them, request words included: they say which part of the
   * request matters); the request's words are added only when the replies said almost nothing, since
   * they are shared by every need of the request and can favour the wrong one.
   */
  private statement(request: string, replies: readonly string[]): string {
    const said = newWords('', replies);
    const words = said.length >= 2 ? said : [...said, ...tokenize(request).filter((w) => !isStopword(w))];
    return cut(words.join(' ') || request, STATEMENT_CAP);
  }
}

function cut(text: string, cap: number): string {
  if (text.length <= cap) return text;
  const s = text.slice(0, cap);
  const sp = s.lastIndexOf(' ');
  return (sp > 0 ? s.slice(0, sp) : s).trim();
}

/** Reads the hidden facet (privileged) and states it. The upper bound of the scale. */
export class SearchOracle implements Agent {
  readonly id = 'oracle';
  readonly privileged = true;
  private facet = '';

  reset(ctx: AgentEpisodeContext): void {
    this.facet = (ctx.privileged?.scenario as SearchScenario | undefined)?.facet.description ?? '';
  }

  act(obs: Observation): string {
    const request = obs.transcript.find((t) => t.role === 'user')?.text ?? 'information';
    return `ANSWER ${cut(this.facet || request, STATEMENT_CAP)}`;
  }
}

let vocabulary: string[] | undefined;

/** The grader's vocabulary: content words of ClariQ facet descriptions, most frequent first. */
export function graderVocabulary(): string[] {
  if (!vocabulary) {
    const df = new Map<string, number>();
    for (const t of loadClariq().topics) {
      for (const f of t.facets) for (const w of new Set(tokenize(f.desc).filter((x) => !isStopword(x) && x.length > 2))) df.set(w, (df.get(w) ?? 0) + 1);
    }
    vocabulary = [...df.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([w]) => w);
  }
  return vocabulary;
}

/** Keywords for the generic keyword wall: the grader's 150 most frequent facet words and the words of questions. */
export function searchKeywords(): string[] {
  return [...graderVocabulary().slice(0, 150), 'what', 'which', 'specific', 'exactly', 'looking', 'want', 'need'];
}

/** The question bank's hypotheses for a request: content words of its most relevant bank questions. */
function bankHypotheses(request: string, n: number): string[] {
  const { questions, stats } = questionBank();
  const rq = contentTerms(request);
  const req = new Set(rq);
  const scored = questions
    .map((q) => ({ q, s: stats.scorePrepared(rq, q.doc) }))
    .filter((x) => x.s > 0)
    .sort((a, b) => b.s - a.s || a.q.id.localeCompare(b.q.id))
    .slice(0, n);
  const out: string[] = [];
  const seen = new Set<string>();
  for (const { q } of scored) {
    for (const w of tokenize(q.text)) {
      if (isStopword(w) || w.length < 3) continue;
      const s = stem(w);
      if (req.has(s) || seen.has(s)) continue;
      seen.add(s);
      out.push(w);
    }
  }
  return out;
}

const requestOf = (obs: Observation) => obs.transcript.find((t) => t.role === 'user')?.text ?? '';

/** ClarifySearch-v1's own adversaries (issue 15's tricks). */
export function searchAdversaries(): AdversarySpec[] {
  return [
    {
      name: 'repeated-open-question',
      description: 'asks "what exactly do you want?" five times, then answers with every reply pasted',
      create: (profile: AuditProfile) =>
        new TalkingAdversary('repeated-open-question', profile, (_o, _t, _r, p) => p.message?.('what exactly do you want?') ?? '', 5),
    },
    {
      name: 'grader-vocabulary-wall',
      description: "answers at once with the request followed by the grader's most frequent facet words (every facet word, to the cap)",
      create: () => ({
        id: 'grader-vocabulary-wall',
        act: (obs: Observation) => `ANSWER ${cut(`${requestCore(requestOf(obs))} ${graderVocabulary().join(' ')}`, STATEMENT_CAP)}`,
      }),
    },
    {
      name: 'hypothesis-hedge',
      description: "answers at once with the words of the question bank's 10 hypotheses for the request (a hedge across needs)",
      create: () => ({
        id: 'hypothesis-hedge',
        act: (obs: Observation) => {
          const request = requestOf(obs);
          return `ANSWER ${cut(`${requestCore(request)} ${bankHypotheses(request, 10).join(' ')}`, STATEMENT_CAP)}`;
        },
      }),
    },
    {
      name: 'paste-with-wall',
      description: "asks one open question, then answers with the reply pasted and the grader's vocabulary appended (stuffing after asking)",
      create: (profile: AuditProfile) =>
        new TalkingAdversary(
          'paste-with-wall',
          { ...profile, finish: (obs) => `ANSWER ${cut(`${userReplies(obs.transcript).join(' ')} ${graderVocabulary().join(' ')}`, STATEMENT_CAP)}` },
          (_o, _t, _r, p) => p.message?.('what do you want?') ?? '',
          1,
        ),
    },
  ];
}
