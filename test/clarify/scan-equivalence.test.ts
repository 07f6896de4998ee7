/**
 * The one-scan text functions the clarify envs run on every step are held to the regular
 * expressions that define them (the definitions v1's episodes were recorded with): random strings
 * over an alphabet of the characters that matter (letters of both cases, digits, apostrophes,
 * `-`/`:`, Unicode spaces and letters whose lower case is ASCII or longer) and hand-picked cases.
 */
import { describe, expect, it } from 'vitest';
import { splitVerb, tokenize, tokenizeReference } from '../../envs/clarify-common/text.js';
import { normalize, normalizedTokens, normalizeReference } from '../../envs/clarify-task/domains.js';

const ALPHABET = ['a', 'b', 'Z', 'K', '1', ' ', ':', '-', "'", '’', '`', 'é', 'İ', '\u212A', 'ſ', '?', '\n', '\t', '\u00a0', '\u3000', '\ufeff', ',', '_'];

function* randomStrings(seed: number, count: number, prefixes: readonly string[] = ['']): Generator<string> {
  let s = seed;
  const r = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  for (let k = 0; k < count; k++) {
    let out = prefixes[Math.floor(r() * prefixes.length)] as string;
    const n = Math.floor(r() * 12);
    for (let i = 0; i < n; i++) out += ALPHABET[Math.floor(r() * ALPHABET.length)];
    yield out;
  }
}

const CASES = ['', ' ', "Obama's family", 'don’t `x` y', "'''", 'İstanbul \u212Aelvin', "a'b'c d--e", '-a-', 'a- -b', '10:30', ':30', "it's 4 o'clock - ok?", "x'-y"];

describe('one-scan text functions equal their regex definitions', () => {
  it('tokenize', () => {
    for (const c of CASES) expect(tokenize(c)).toEqual(tokenizeReference(c));
    let bad = 0;
    for (const s of randomStrings(1, 50_000)) if (tokenize(s).join('|') !== tokenizeReference(s).join('|') || tokenize(s).length !== tokenizeReference(s).length) bad++;
    expect(bad).toBe(0);
  });

  it('normalize (ClarifyTask)', () => {
    for (const c of CASES) expect(normalize(c)).toBe(normalizeReference(c));
    let bad = 0;
    for (const s of randomStrings(2, 50_000)) {
      if (normalize(s) !== normalizeReference(s)) bad++;
      const n = normalizeReference(s).trim();
      if (normalizedTokens(s).join('|') !== (n ? n.split(' ') : []).join('|')) bad++;
    }
    expect(bad).toBe(0);
  });

  it('splitVerb', () => {
    const re = /^\s*(ASK|ANSWER)\b\s*([\s\S]*?)\s*$/i;
    const prefixes = ['', ' ', '\n\t', '\u00a0', 'ask', 'ASK', 'Ask', 'answer', 'ANSWER', 'AnSwEr', 'as', 'answ', 'aſk', 'as\u212A', ' ask '];
    let hits = 0;
    let bad = 0;
    for (const s of randomStrings(3, 50_000, prefixes)) {
      const m = re.exec(s);
      const want = m ? { verb: (m[1] as string).toUpperCase(), rest: m[2] } : null;
      if (want) hits++;
      if (JSON.stringify(splitVerb(s, ['ask', 'answer'])) !== JSON.stringify(want)) bad++;
    }
    expect(bad).toBe(0);
    // The comparison means something only if many strings do parse.
    expect(hits).toBeGreaterThan(10_000);
  });
});
