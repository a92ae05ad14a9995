import { describe, expect, it } from 'vitest';
import { createRng } from '../shared/rng.js';
import { fitAls, recommendAls } from './implicit-als.js';
import { buildInteractions } from './interactions.js';

// Planted block structure: users 0..29 (group A) hold only items 0..9, users 30..59 (group B)
// items 10..19 (each in-group item with probability 0.6); unseen in-group items must rank first.
function planted(): ReturnType<typeof buildInteractions> {
  const rng = createRng(3);
  const users: number[] = [];
  const items: number[] = [];
  for (let u = 0; u < 60; u++) {
    const base = u < 30 ? 0 : 10;
    for (let i = 0; i < 20; i++) {
      const inGroup = i >= base && i < base + 10;
      if (rng.next() < (inGroup ? 0.6 : 0)) {
        users.push(u);
        items.push(i);
      }
    }
  }
  return buildInteractions(60, 20, users, items);
}

describe('implicit ALS', () => {
  const x = planted();
  const options = { factors: 2, alpha: 10, lambda: 1, sweeps: 10, cgSteps: 3 } as const;

  it('reconstructs a planted two-block structure', () => {
    const model = fitAls(x, createRng(11), options);
    let checked = 0;
    for (let u = 0; u < 60; u++) {
      const base = u < 30 ? 0 : 10;
      const seen = new Set(x.colIdx.subarray(x.rowPtr[u] ?? 0, x.rowPtr[u + 1] ?? 0));
      let unseenInGroup = 0;
      for (let i = base; i < base + 10; i++) if (!seen.has(i)) unseenInGroup++;
      if (unseenInGroup === 0) continue;
      const recs = recommendAls(model, x, u, unseenInGroup);
      for (const i of recs) {
        expect(seen.has(i)).toBe(false);
        expect(i >= base && i < base + 10).toBe(true);
      }
      checked++;
    }
    expect(checked).toBeGreaterThan(40);
  });

  it('is identical for identical seeds', () => {
    const a = fitAls(x, createRng(5), options);
    const b = fitAls(x, createRng(5), options);
    expect(Array.from(a.userFactors)).toEqual(Array.from(b.userFactors));
    expect(Array.from(a.itemFactors)).toEqual(Array.from(b.itemFactors));
    const c = fitAls(x, createRng(6), options);
    expect(Array.from(c.itemFactors)).not.toEqual(Array.from(a.itemFactors));
  });

  it('rejects bad options', () => {
    expect(() => fitAls(x, createRng(1), { factors: 0 })).toThrow(RangeError);
    expect(() => fitAls(x, createRng(1), { lambda: 0 })).toThrow(RangeError);
    expect(() => fitAls(x, createRng(1), { cgSteps: 0 })).toThrow(RangeError);
  });
});
