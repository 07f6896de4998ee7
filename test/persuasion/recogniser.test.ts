import { describe, expect, it } from 'vitest';
import { parseCsv, parseCsvRows } from '../../simulators/persuasion/csv.js';
import { macroF1, splitSentences, trainStrategyModel, StrategyRecogniser } from '../../simulators/persuasion/recogniser.js';
import { heldoutStrategySentences, strategyRecogniser } from '../../simulators/persuasion/resources.js';
import { parseAmount, tagPersuadeeText } from '../../simulators/persuasion/turn.js';

describe('strategy recogniser', () => {
  it('reaches a useful macro-F1 on held-out dialogues (far above the majority class)', () => {
    const data = heldoutStrategySentences();
    expect(data.length).toBeGreaterThan(500);
    const rec = strategyRecogniser();
    const pred = data.map((d) => rec.classifySentence(d.sentence, d.turn));
    const f = macroF1(
      data.map((d) => d.label),
      pred,
    );
    const majority = macroF1(
      data.map((d) => d.label),
      data.map(() => 'provide-org-facts'),
    );
    expect(f.macroF1).toBeGreaterThan(0.4);
    expect(f.macroF1).toBeGreaterThan(majority.macroF1 * 5);
    expect(f.accuracy).toBeGreaterThan(0.55);
  });

  it('labels prototypical sentences', () => {
    const rec = strategyRecogniser();
    expect(rec.classifySentence('Hello, how are you doing today?', 0)).toBe('greeting');
    expect(rec.classifySentence('Have you ever heard of Save the Children?', 1)).toBe('have-you-heard-of-the-org');
    expect(rec.classifySentence('How much would you like to donate to the charity today?', 6)).toBe('ask-donation-amount');
    expect(rec.classifySentence('Thank you so much for your donation!', 9)).toBe('thank');
  });

  it('trains from labelled sentences and separates two toy classes', () => {
    const m = trainStrategyModel(
      [
        { sentence: 'hello there', turn: 0, label: 'greeting' },
        { sentence: 'hi hello', turn: 0, label: 'greeting' },
        { sentence: 'please donate money', turn: 5, label: 'propose-donation' },
        { sentence: 'donate money today', turn: 5, label: 'propose-donation' },
      ],
      { minCount: 1 },
    );
    const r = new StrategyRecogniser(m);
    expect(r.classifySentence('hello', 0)).toBe('greeting');
    expect(r.classifySentence('donate money', 5)).toBe('propose-donation');
    expect(r.classifyUtterance('Hello there. Please donate money!', 3)).toEqual(['greeting', 'propose-donation']);
  });

  it('splits utterances into sentences', () => {
    expect(splitSentences('Hi! How are you? I am fine.')).toEqual(['Hi!', 'How are you?', 'I am fine.']);
    expect(splitSentences('no punctuation')).toEqual(['no punctuation']);
  });
});

describe('corpus helpers', () => {
  it('parses quoted CSV fields with commas, quotes and newlines', () => {
    const rows = parseCsvRows('a,b\n"x, y","he said ""hi""\nthen left"\r\n3,4\n');
    expect(rows).toEqual([
      ['a', 'b'],
      ['x, y', 'he said "hi"\nthen left'],
      ['3', '4'],
    ]);
    expect(parseCsv(',Unit\n0,hello\n')).toEqual([{ _index: '0', Unit: 'hello' }]);
  });

  it('reads amounts the way persuadees write them', () => {
    expect(parseAmount('I will donate $0.50')).toBe(0.5);
    expect(parseAmount('I can give 30 cents')).toBe(0.3);
    expect(parseAmount("I'll give a dollar")).toBe(1);
    expect(parseAmount('I will donate all of it')).toBe(2);
    expect(parseAmount('I would donate $5')).toBeNull();
    expect(parseAmount('no amount here')).toBeNull();
  });

  it('tags persuadee intents', () => {
    expect(tagPersuadeeText('Sure, I will donate $1 to the children.', 5).intent).toBe('agree');
    expect(tagPersuadeeText("No thanks, I'm not interested in donating.", 5).intent).toBe('refuse');
    const t = tagPersuadeeText('How much of the money actually goes to the kids?', 4);
    expect(t.intent).toBe('concern');
    expect(t.concerns).toContain('overhead');
    expect(tagPersuadeeText('Hi, how are you?', 0).intent).toBe('greet');
  });
});
