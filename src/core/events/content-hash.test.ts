import { describe, expect, it } from 'vitest';
import { canonicalJson, contentHash, fnv1a64Hex } from './content-hash.js';

/** Straightforward BigInt FNV-1a 64 over TextEncoder bytes: the reference the fast one must match. */
function referenceFnv1a64(text: string): string {
  let hash = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= BigInt(byte);
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return hash.toString(16).padStart(16, '0');
}

function generatedStrings(count: number): string[] {
  let seed = 99;
  const next = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
  const out: string[] = [];
  for (let n = 0; n < count; n++) {
    let text = '';
    const length = next() % 30;
    for (let i = 0; i < length; i++) {
      const range = next() % 4;
      text += String.fromCharCode(range === 0 ? next() % 0x20 : range === 1 ? 0x20 + (next() % 0x60) : range === 2 ? next() % 0x800 : next() % 0x10000);
    }
    out.push(text);
  }
  return out;
}

describe('fnv1a64Hex', () => {
  it('matches the published FNV-1a 64 test vectors', () => {
    expect(fnv1a64Hex('')).toBe('cbf29ce484222325');
    expect(fnv1a64Hex('a')).toBe('af63dc4c8601ec8c');
    expect(fnv1a64Hex('foobar')).toBe('85944171f73967e8');
  });

  it('matches a BigInt reference over UTF-8 bytes, including non-ASCII and lone surrogates', () => {
    for (const text of [...generatedStrings(300), 'é€😀', '\ud800', 'x\udc00y']) {
      expect(fnv1a64Hex(text)).toBe(referenceFnv1a64(text));
    }
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every level and otherwise writes JSON', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, 'x', null], c: true } })).toBe('{"a":{"c":true,"d":[1,"x",null]},"b":1}');
  });

  it('skips undefined members like JSON.stringify, and writes null for them in arrays', () => {
    expect(canonicalJson({ a: undefined, b: [undefined] })).toBe('{"b":[null]}');
  });

  it('equals JSON.stringify for values whose keys are already sorted', () => {
    const value = { a: 'q"uo\\te\n', b: -0.5, c: ['\u0001', '😀', 1e21], d: { e: '\ud800' } };
    expect(canonicalJson(value)).toBe(JSON.stringify(value));
  });
});

describe('contentHash', () => {
  it('is by definition FNV-1a 64 of "v1|" + canonical JSON', () => {
    const values: unknown[] = [
      null,
      0,
      'plain',
      ['track', 'Order Completed', null, 'u1', 1767225600000, { revenue: 42.5 }],
      { z: 1, a: [true, false, null], m: { y: 'é€😀', x: '\b\t\n\f\r\u0000\u001f"\\' } },
      { lone: '\ud800 and \udc00', pair: '\ud83d\ude00', keys: { 'k"ey': 1, 'é': 2 } },
      ...generatedStrings(100).map((s, i) => ({ [s]: s, n: i / 7 })),
    ];
    for (const value of values) {
      expect(contentHash(value)).toBe(referenceFnv1a64(`v1|${canonicalJson(value)}`));
    }
  });

  it('ignores key order but not values', () => {
    expect(contentHash({ a: 1, b: { c: 2, d: 3 } })).toBe(contentHash({ b: { d: 3, c: 2 }, a: 1 }));
    expect(contentHash({ a: 1 })).not.toBe(contentHash({ a: 2 }));
    expect(contentHash(['ab', 'c'])).not.toBe(contentHash(['a', 'bc']));
  });

  it('is 16 lowercase hex digits', () => {
    expect(contentHash({ any: 'thing' })).toMatch(/^[0-9a-f]{16}$/);
  });
});
