import { describe, expect, it } from 'vitest';
import { createRng } from '../shared/rng.js';
import { neighboursFromFactors } from './factor-neighbours.js';
import { fitAls } from './implicit-als.js';
import { buildInteractions } from './interactions.js';
import { neighboursOf } from './item-neighbours.js';

describe('neighbours from factors', () => {
  it('computes hand-checked cosines, positive only, best first, ties by index', () => {
    // Rows (f = 2): 0 (1,0), 1 (1,1), 2 (0,2), 3 (0,0), 4 (-1,0), 5 (0,3).
    const factors = Float64Array.from([1, 0, 1, 1, 0, 2, 0, 0, -1, 0, 0, 3]);
    const m = neighboursFromFactors(factors, 6, 2, 10);
    const r = (i: number): { idx: number[]; sim: number[] } => {
      const n = neighboursOf(m, i);
      return { idx: Array.from(n.idx), sim: Array.from(n.sim) };
    };
    const h = Math.SQRT1_2;
    expect(r(0).idx).toEqual([1]);
    expect(r(0).sim[0]).toBeCloseTo(h, 12);
    // Item 1 is at 45° from 0, 2 and 5: a three-way tie, by ascending index; 4 is opposite.
    expect(r(1).idx).toEqual([0, 2, 5]);
    expect(r(2).idx).toEqual([5, 1]);
    expect(r(2).sim[0]).toBeCloseTo(1, 12);
    expect(r(3).idx).toEqual([]);
    expect(r(4).idx).toEqual([]);
    expect(r(5).idx).toEqual([2, 1]);
    expect(r(1).idx).not.toContain(3);
    const k1 = neighboursFromFactors(factors, 6, 2, 1);
    expect(Array.from(neighboursOf(k1, 1).idx)).toEqual([0]);
    expect(() => neighboursFromFactors(factors, 6, 3, 1)).toThrow(RangeError);
    expect(() => neighboursFromFactors(factors, 6, 2, 0)).toThrow(RangeError);
  });

  it('keeps ALS item neighbours within a planted item group', () => {
    // Users 0..5 hold items of group A (0..3), users 6..11 items of group B (4..7); each user skips one.
    const users: number[] = [];
    const items: number[] = [];
    for (let u = 0; u < 12; u++) {
      const base = u < 6 ? 0 : 4;
      for (let i = 0; i < 4; i++) {
        if (i === u % 4) continue;
        users.push(u);
        items.push(base + i);
      }
    }
    const x = buildInteractions(12, 8, users, items);
    const model = fitAls(x, createRng(7), { factors: 4, alpha: 10, lambda: 0.5, sweeps: 15, cgSteps: 3 });
    const m = neighboursFromFactors(model.itemFactors, model.nItems, model.factors, 3);
    for (let i = 0; i < 8; i++) {
      const group = i < 4 ? 0 : 1;
      const nbrs = Array.from(neighboursOf(m, i).idx);
      expect(nbrs.length).toBe(3);
      for (const j of nbrs) expect(j < 4 ? 0 : 1).toBe(group);
    }
  });
});
