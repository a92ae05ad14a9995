import { describe, expect, it } from 'vitest';
import { jsonSizeBound } from './json-size-bound.js';

const bytes = (value: unknown): number => new TextEncoder().encode(JSON.stringify(value)).length;

describe('jsonSizeBound', () => {
  it('is never below the real UTF-8 size of JSON.stringify', () => {
    const values: unknown[] = [
      {},
      [],
      { a: 1, b: 'x', c: null, d: true, e: [1, 2, { f: 'g' }] },
      { text: '\u0000\u0001"\\\n', emoji: '😀😀', euro: '€'.repeat(50) },
      { n: -1.7976931348623157e308, m: 5e-324, k: -0.000001234567890123456 },
      { skipped: undefined, kept: 1 },
    ];
    for (const value of values) {
      const bound = jsonSizeBound(value, 1_000_000);
      expect(bound).toBeGreaterThanOrEqual(bytes(value));
    }
  });

  it('is within a small factor for ordinary ASCII events, so the fast path is taken', () => {
    const event = { type: 'track', event: 'Order Completed', userId: 'u1', properties: { revenue: 42.5, currency: 'EUR' } };
    expect(jsonSizeBound(event, 32 * 1024)).toBeLessThan(bytes(event) * 7);
  });

  it('returns Infinity once the bound passes the budget', () => {
    expect(jsonSizeBound({ a: 'x'.repeat(100) }, 100)).toBe(Infinity);
    expect(jsonSizeBound({ a: 'x' }, 100)).toBeLessThan(100);
  });

  it('gives up (Infinity) on values with toJSON, cycles and bigints, leaving them to the exact path', () => {
    expect(jsonSizeBound({ at: new Date(0) }, 10_000)).toBe(Infinity);
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(jsonSizeBound(cyclic, Number.MAX_SAFE_INTEGER)).toBe(Infinity);
    expect(jsonSizeBound({ big: 1n }, 10_000)).toBe(Infinity);
  });
});
