import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.js';
import { loadClariq } from '../../envs/clarify-common/clariq-data.js';
import { parseClariqRows, parseTsv } from '../../envs/clarify-common/clariq-tsv.js';
import { polarityOf, stem, tokenF1, tokenize } from '../../envs/clarify-common/text.js';
import {
  answerClariq,
  clariqAnswerIndex,
  decidePolarity,
  facetPhrase,
  FacetProfile,
} from '../../simulators/clarify/clariq-user.js';
import { clariqFidelity } from '../../simulators/clarify/fidelity.js';

const corpus = loadClariq();

describe('text tools', () => {
  it('tokenises in the corpus style and stems lightly', () => {
    expect(tokenize("Obama's Family-Tree!")).toEqual(['obamas', 'family', 'tree']);
    expect(stem('remedies')).toBe(stem('remedy'));
    expect(stem('pictures')).toBe(stem('picture'));
  });

  it('reads polarity from the opening words', () => {
    expect(polarityOf('yes i want the history')).toBe('yes');
    expect(polarityOf('No, I just want pictures')).toBe('no');
    expect(polarityOf('i want pictures')).toBe('other');
  });

  it('computes token F1', () => {
    expect(tokenF1('no i want pictures', 'no i want pictures')).toBe(1);
    expect(tokenF1('a b', 'c d')).toBe(0);
    expect(tokenF1('a b c d', 'a b')).toBeCloseTo(2 / 3);
  });

  it('parses quoted TSV fields and rejects files without ClariQ columns', () => {
    const rows = parseTsv('a\tb\n"x ""y"""\tit\\\'s\n');
    expect(rows).toEqual([{ a: 'x "y"', b: "it's" }]);
    expect(() => parseClariqRows('foo\tbar\n1\t2\n')).toThrow(/missing column/);
  });
});

describe('scripted ClariQ user', () => {
  const topic = corpus.topics.find((t) => t.split === 'train' && t.facets.length >= 3 && t.facets.every((f) => f.qa.length > 3));
  if (!topic) throw new Error('fixture topic missing');
  const facet = topic.facets[0] as (typeof topic.facets)[number];

  it('answers a question a crowd worker was asked for this facet with that worker\'s answer', () => {
    const index = clariqAnswerIndex('all');
    for (const [qid, answer] of facet.qa.slice(0, 5)) {
      const q = corpus.questions[qid] as string;
      const turn = answerClariq(q, { request: topic.request, facet: { id: facet.id, description: facet.desc } }, index, Rng.fromSeed(1));
      expect(turn.source).toBe('corpus');
      // Near-duplicate questions of the same facet may map to another worker's answer; the exact one wins ties first.
      const answers = facet.qa.map(([, a]) => a);
      expect(answers).toContain(turn.utterance);
      if (turn.groundedOn === qid) expect(turn.utterance).toBe(answer);
    }
  });

  it('trusts a facet id only together with its description', () => {
    const index = clariqAnswerIndex('all');
    expect(index.answersFor(facet.id, facet.desc).length).toBe(facet.qa.length);
    expect(index.answersFor(facet.id, 'A held-out facet that reuses this id.')).toEqual([]);
    expect(index.answersFor('other-id', facet.desc).length).toBe(facet.qa.length);
  });

  it('does not ground on dev answers when grounding is train-only', () => {
    const dev = corpus.topics.find((t) => t.split === 'dev' && t.facets[0]?.qa.length);
    const f = dev?.facets[0];
    if (!dev || !f) throw new Error('fixture');
    const q = corpus.questions[(f.qa[0] as [string, string])[0]] as string;
    const profile = new FacetProfile({ request: dev.request, facet: { id: f.id, description: f.desc } }, clariqAnswerIndex('train'));
    expect(profile.answer(q, Rng.fromSeed(1)).source).toBe('generated');
  });

  it('decides yes / no / other from the question against the facet text', () => {
    const request = 'Tell me about a lump in the throat.';
    const facetText = 'What are some remedies for a lump in the throat?';
    expect(decidePolarity('would you like to know remedies for it', request, facetText)).toBe('yes');
    expect(decidePolarity('do you want to know what causes it', request, facetText)).toBe('no');
    expect(decidePolarity('what would you like to know', request, facetText)).toBe('other');
    expect(decidePolarity('do you want remedies or causes', request, facetText)).toBe('other');
  });

  it('restates facets in the corpus style', () => {
    expect(facetPhrase('Find pictures of Barrett\'s Esophagus.')).toBe('to see pictures of barretts esophagus');
    expect(facetPhrase('What are some remedies for a lump in the throat?')).toBe('to know what are some remedies for a lump in the throat');
    expect(facetPhrase('Find information about the Ritz Carlton resort.')).toBe('information about the ritz carlton resort');
  });

  it('reports only facet terms as revealed aspects and is reproducible from the seed', () => {
    const sc = { request: topic.request, facet: { id: 'new', description: facet.desc } };
    const index = clariqAnswerIndex('none');
    const a = answerClariq('are you interested in something else entirely', sc, index, Rng.fromSeed(9));
    const b = answerClariq('are you interested in something else entirely', sc, index, Rng.fromSeed(9));
    expect(a).toEqual(b);
    const facetWords = new Set(tokenize(facet.desc).map(stem));
    for (const t of a.revealedAspects) expect(facetWords.has(t)).toBe(true);
  });
});

describe('generated replies', () => {
  it('mix bare, partial and full restatements of the facet, as crowd workers did', () => {
    const profile = new FacetProfile(
      { request: 'Tell me about a lump in the throat.', facet: { id: 'n1', description: 'What are some remedies for a lump in the throat?' } },
      clariqAnswerIndex('none'),
    );
    const rng = Rng.fromSeed(3);
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const t = profile.answer('do you want to know what causes it', rng);
      expect(t.polarity).toBe('no');
      expect(polarityOf(t.utterance)).toBe('no');
      seen.add(t.utterance.includes('what are some remedies for a lump in the throat') ? 'full' : t.utterance.includes('remedies') ? 'partial' : 'bare');
    }
    expect([...seen].sort()).toEqual(['bare', 'full', 'partial']);
  });
});

describe('fidelity report', () => {
  it('agrees with dev crowd answers more often than always giving their majority polarity', () => {
    const dev = clariqFidelity('dev');
    expect(dev.n).toBeGreaterThan(2000);
    expect(dev.groundedShare).toBe(0);
    expect(dev.polarityAgreement).toBeGreaterThan(dev.majorityBaseline);
    expect(dev.tokenF1).toBeGreaterThan(0.2);
    // Generated replies should reveal about as much of the facet as the workers' answers did.
    expect(Math.abs(dev.revealSimulated - dev.revealHuman)).toBeLessThan(0.15);
  });
});
