/**
 * ClariQ rows → one-question ClarifySearch-v0 episode records.
 *
 * Each row (request, facet, question, crowd answer) becomes an episode whose scenario is the
 * row's topic request and facet (the topic's other facets taken from the same file), whose agent
 * actions are `ASK <question>` and a closing `ANSWER <request> <crowd answer>` (a record must end
 * for `replayRecord` to end cleanly; the closing statement is what the question revealed, so the
 * record's return says whether that one question, answered as the worker did, identifies the
 * facet), and whose user is the simulator kind 'human' replaying the crowd answer. The records are
 * produced by running the env itself, so they are valid and replay identically.
 */
import { ReplayAgent } from '../../agents/replay.js';
import type { EpisodeRecord } from '../../core/record.js';
import { make } from '../../core/registry.js';
import { runEpisode } from '../../core/rollout.js';
import type { ClariqRow } from '../clarify-common/clariq-tsv.js';
import type { SearchScenario } from '../clarify-common/types.js';
import { MAX_QUESTION_CHARS, MAX_STATEMENT_CHARS, SEARCH_ENV_ID } from './index.js';

export interface ImportStats {
  rows: number;
  imported: number;
  /** Rows without a question or an answer (ClariQ's "no question needed" rows) or with an over-long question. */
  skipped: number;
}

/** The closing action appended to every imported record. */
export function closingAnswer(request: string, answer: string): string {
  return `ANSWER ${`${request} ${answer}`.replace(/\s+/g, ' ').trim().slice(0, MAX_STATEMENT_CHARS).trim()}`;
}

export function scenarioForRow(row: ClariqRow, facetsByTopic: Map<string, Map<string, string>>): SearchScenario {
  const facets = facetsByTopic.get(row.topicId) ?? new Map([[row.facetId, row.facet]]);
  return {
    topicId: row.topicId,
    request: row.request,
    clarificationNeed: Math.min(4, Math.max(1, Math.round(row.need) || 1)),
    facet: { id: row.facetId, description: row.facet },
    otherFacets: [...facets]
      .filter(([id]) => id !== row.facetId)
      .map(([id, description]) => ({ id, description })),
  };
}

/** Records for `rows`, handed to `emit` in file order; `file` names the source in each record. */
export async function importClariqRows(
  rows: readonly ClariqRow[],
  file: string,
  emit: (rec: EpisodeRecord) => void | Promise<void>,
  opts: { limit?: number; skipKeys?: Set<string> } = {},
): Promise<ImportStats> {
  const facetsByTopic = new Map<string, Map<string, string>>();
  for (const r of rows) {
    if (!r.topicId || !r.facetId) continue;
    let m = facetsByTopic.get(r.topicId);
    if (!m) {
      m = new Map();
      facetsByTopic.set(r.topicId, m);
    }
    if (!m.has(r.facetId)) m.set(r.facetId, r.facet);
  }
  const stats: ImportStats = { rows: rows.length, imported: 0, skipped: 0 };
  for (let i = 0; i < rows.length; i++) {
    if (opts.limit !== undefined && stats.imported >= opts.limit) break;
    const row = rows[i] as ClariqRow;
    const question = row.question.replace(/\s+/g, ' ').trim();
    const answer = row.answer.trim();
    if (!row.topicId || !row.facetId || !row.request || !row.facet || !question || !answer || question.length > MAX_QUESTION_CHARS) {
      stats.skipped += 1;
      continue;
    }
    const key = `clariq/${file}/${row.topicId}/${row.facetId}/${row.questionId || `row${i + 2}`}`;
    if (opts.skipKeys?.has(key)) continue;
    const env = make(SEARCH_ENV_ID, { simulator: { kind: 'human', turns: [answer] } });
    try {
      const rec = await runEpisode({
        env,
        agent: new ReplayAgent([`ASK ${question}`, closingAnswer(row.request, answer)]),
        seed: i,
        key,
        scenario: scenarioForRow(row, facetsByTopic),
        source: {
          corpus: 'ClariQ',
          citation: 'Aliannejadi et al. 2020/2021; research data as published by the authors',
          file,
          line: i + 2,
          topicId: row.topicId,
          facetId: row.facetId,
          questionId: row.questionId,
          closingAction: 'ANSWER <initial request> <crowd answer> (appended by the importer)',
        },
      });
      rec.agent = { id: 'human:clariq', config: null };
      await emit(rec);
      stats.imported += 1;
    } finally {
      await env.close();
    }
  }
  return stats;
}
