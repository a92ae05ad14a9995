import { describe, expect, it } from 'vitest';
import { utf8Length } from './utf8-length.js';

const encoder = new TextEncoder();

describe('utf8Length', () => {
  it.each([
    ['', 0],
    ['abc', 3],
    ['é', 2],
    ['€', 3],
    ['😀', 4],
    ['a😀b€é', 1 + 4 + 1 + 3 + 2],
    ['\ud800', 3], // lone high surrogate: TextEncoder writes U+FFFD
    ['\udc00x', 4], // lone low surrogate
    ['\ud800\ud800\udc00', 3 + 4], // lone high, then a valid pair
  ])('%j is %i bytes', (text, bytes) => {
    expect(utf8Length(text)).toBe(bytes);
    expect(utf8Length(text)).toBe(encoder.encode(text).length);
  });

  it('agrees with TextEncoder on generated text of every UTF-16 range', () => {
    let seed = 12345;
    const next = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    const pools = [0x7f, 0x7ff, 0xffff];
    for (let round = 0; round < 500; round++) {
      let text = '';
      const length = next() % 40;
      for (let i = 0; i < length; i++) text += String.fromCharCode(next() % ((pools[next() % 3] ?? 0x7f) + 1));
      expect(utf8Length(text)).toBe(encoder.encode(text).length);
    }
  });
});
