/**
 * `parseCommand` tries only the grammar rules that can start with the action's first word (an
 * index built at load); it must find exactly what trying every rule in order finds.
 */
import { describe, expect, it } from 'vitest';
import { parseCommand, parseCommandReference } from '../../envs/embodied/planner.js';

const WORDS = ['go', 'to', 'goto', 'walk', 'look', 'around', 'l', 'done', 'pick', 'up', 'pickup', 'take', 'from', 'put', 'down', 'drop', 'place', 'in', 'on', 'into', 'open', 'close', 'toggle', 'turn', 'switch', 'off', 'slice', 'cut', 'clean', 'wash', 'fill', 'with', 'water', 'pour', 'over', 'the', 'a', 'mug', '1', 'counter', 'say', 'hi', 'Go', 'PUT', '.', '!', ' ', '\t'];

describe('parseCommand', () => {
  it('trying only the rules of the first word finds what trying every rule finds', () => {
    let s = 11;
    const r = () => {
      s = (s * 1103515245 + 12345) % 2147483648;
      return s / 2147483648;
    };
    let parsed = 0;
    let different = 0;
    for (let k = 0; k < 30_000; k++) {
      const n = 1 + Math.floor(r() * 6);
      const action = Array.from({ length: n }, () => WORDS[Math.floor(r() * WORDS.length)]).join(r() < 0.1 ? '  ' : ' ');
      const want = parseCommandReference(action);
      if (want) parsed++;
      if (JSON.stringify(parseCommand(action)) !== JSON.stringify(want)) different++;
    }
    expect(different).toBe(0);
    // Only meaningful if many of the random actions parse.
    expect(parsed).toBeGreaterThan(3_000);
  });
});
