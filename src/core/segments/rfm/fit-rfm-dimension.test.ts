import { describe, expect, it } from 'vitest';
import { bucketOfGroup, fitRfmDimension } from './fit-rfm-dimension.js';
import { scoreRfmDimension } from './score-rfm-dimension.js';
import type { RfmTies } from './rfm-config.js';

/** Deterministic LCG so the property checks are reproducible (tests draw no Math.random). */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Brute-force reference: rank by counting, position q = (rank-1)/(n-1), bucket = max(1, ceil(qB)). */
function referenceBucket(values: readonly number[], value: number, buckets: number, ties: RfmTies, higher: boolean): number {
  const g = (v: number): number => (higher ? v : -v);
  const below = values.filter((v) => g(v) < g(value)).length;
  const equal = values.filter((v) => v === value).length;
  const n = values.length;
  if (n === 1) return ties === 'min' ? 1 : Math.ceil(buckets / 2);
  const rank = ties === 'min' ? below + 1 : below + (equal + 1) / 2;
  return Math.min(buckets, Math.max(1, Math.ceil(((rank - 1) / (n - 1)) * buckets - 1e-9)));
}

describe('bucketOfGroup', () => {
  it('matches qcut on ranks 1..n for distinct values (n = 10, 7, 11; B = 5)', () => {
    const of = (n: number): number[] => Array.from({ length: n }, (_, i) => bucketOfGroup(i + 1, i + 1, n, 5, 'average'));
    expect(of(10)).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    expect(of(7)).toEqual([1, 1, 2, 3, 4, 5, 5]);
    // n = 11: edges exactly at ranks 3, 5, 7, 9 are right-closed (rank 3 is in bucket 1).
    expect(of(11)).toEqual([1, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
  });

  it('spreads tiny populations over the full range: n = 2 → 1,5; n = 4 → 1,2,4,5', () => {
    expect([1, 2].map((r) => bucketOfGroup(r, r, 2, 5, 'average'))).toEqual([1, 5]);
    expect([1, 2, 3, 4].map((r) => bucketOfGroup(r, r, 4, 5, 'min'))).toEqual([1, 2, 4, 5]);
  });

  it('a single customer is the middle bucket with average ties and bucket 1 with min', () => {
    expect(bucketOfGroup(1, 1, 1, 5, 'average')).toBe(3);
    expect(bucketOfGroup(1, 1, 1, 4, 'average')).toBe(2);
    expect(bucketOfGroup(1, 1, 1, 10, 'average')).toBe(5);
    expect(bucketOfGroup(1, 1, 1, 5, 'min')).toBe(1);
  });

  it('a tie group uses its mid-rank (average) or lowest rank (min)', () => {
    // ranks 1..7 of 10 tied: mid-rank 4 → q = 3/9 → ceil(1.67) = 2; min rank 1 → 1
    expect(bucketOfGroup(1, 7, 10, 5, 'average')).toBe(2);
    expect(bucketOfGroup(1, 7, 10, 5, 'min')).toBe(1);
    // all tied: middle / bottom
    expect(bucketOfGroup(1, 10, 10, 5, 'average')).toBe(3);
    expect(bucketOfGroup(1, 10, 10, 5, 'min')).toBe(1);
  });
});

describe('fitRfmDimension', () => {
  it('returns empty-population boundaries with null edges', () => {
    const fitted = fitRfmDimension([], 'higher', 5, 'average');
    expect(fitted).toEqual({
      betterWhen: 'higher',
      edges: [null, null, null, null],
      bestValue: null,
      worstValue: null,
      bucketCounts: [0, 0, 0, 0, 0],
      distinctValues: 0,
      fittedCount: 0,
    });
    // nothing fitted: any value is better than all of them
    expect(scoreRfmDimension(3, fitted)).toBe(5);
  });

  it('puts edges at the worst value of each bucket (distinct values, quintiles)', () => {
    const fitted = fitRfmDimension([50, 10, 40, 20, 30, 60, 70, 80, 90, 100], 'higher', 5, 'average');
    expect(fitted.edges).toEqual([30, 50, 70, 90]);
    expect(fitted.bucketCounts).toEqual([2, 2, 2, 2, 2]);
    expect(scoreRfmDimension(29.9, fitted)).toBe(1);
    expect(scoreRfmDimension(30, fitted)).toBe(2);
    expect(scoreRfmDimension(1000, fitted)).toBe(5);
    expect(scoreRfmDimension(-5, fitted)).toBe(1);
  });

  it('reverses for lower-is-better (recency): the most recent fifth scores 5', () => {
    const fitted = fitRfmDimension([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 'lower', 5, 'average');
    expect(fitted.edges).toEqual([7, 5, 3, 1]);
    expect(fitted.bestValue).toBe(0);
    expect(fitted.worstValue).toBe(9);
    expect(Object.is(fitted.bestValue, -0)).toBe(false);
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((v) => scoreRfmDimension(v, fitted))).toEqual([5, 5, 4, 4, 3, 3, 2, 2, 1, 1]);
    expect(scoreRfmDimension(100, fitted)).toBe(1);
    expect(scoreRfmDimension(1.5, fitted)).toBe(4); // between 1 (R 5) and 2 (R 4): like its worse neighbour
  });

  it('collapses edges under heavy ties (70% one-time buyers) and leaves buckets empty', () => {
    // 10 customers: 7 × 1 order, 2 × 2 orders, 1 × 5 orders
    const values = [1, 1, 1, 1, 1, 1, 1, 2, 2, 5];
    const average = fitRfmDimension(values, 'higher', 5, 'average');
    // 1s: mid-rank 4 → bucket 2; 2s: mid-rank 8.5 → q = 7.5/9 → ceil(4.17) = 5; 5: bucket 5
    expect(average.bucketCounts).toEqual([0, 7, 0, 0, 3]);
    expect(average.edges).toEqual([1, 2, 2, 2]);
    expect(average.distinctValues).toBe(3);
    const min = fitRfmDimension(values, 'higher', 5, 'min');
    // 1s: rank 1 → 1; 2s: rank 8 → q = 7/9 → ceil(3.89) = 4; 5: rank 10 → 5
    expect(min.bucketCounts).toEqual([7, 0, 0, 2, 1]);
    expect(min.edges).toEqual([2, 2, 2, 5]);
    expect(scoreRfmDimension(1, min)).toBe(1);
    expect(scoreRfmDimension(3, min)).toBe(4);
    expect(scoreRfmDimension(5, min)).toBe(5);
  });

  it('uses null edges when nobody reaches a bucket; a value beyond the best still gets the top', () => {
    const fitted = fitRfmDimension([1, 1, 1, 1], 'higher', 5, 'min');
    expect(fitted.edges).toEqual([null, null, null, null]);
    expect(fitted.bucketCounts).toEqual([4, 0, 0, 0, 0]);
    expect(scoreRfmDimension(1, fitted)).toBe(1);
    expect(scoreRfmDimension(2, fitted)).toBe(5);
    const average = fitRfmDimension([1, 1, 1, 1], 'higher', 5, 'average');
    expect(average.edges).toEqual([1, 1, null, null]);
    expect(scoreRfmDimension(1, average)).toBe(3);
    expect(scoreRfmDimension(0, average)).toBe(1);
    expect(scoreRfmDimension(2, average)).toBe(5);
  });

  it('is JSON-serializable: a round trip scores the same', () => {
    const fitted = fitRfmDimension([3, 1, 4, 1, 5, 9, 2, 6], 'lower', 4, 'average');
    const copy = JSON.parse(JSON.stringify(fitted)) as typeof fitted;
    expect(copy).toEqual(fitted);
    for (const v of [0, 1, 2, 3, 4, 5, 6, 9, 10]) expect(scoreRfmDimension(v, copy)).toBe(scoreRfmDimension(v, fitted));
  });

  it('scores every fitted value exactly as the brute-force rank reference (random populations with ties)', () => {
    const next = lcg(42);
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + Math.floor(next() * 60);
      const distinct = 1 + Math.floor(next() * 12);
      const buckets = 3 + Math.floor(next() * 8);
      const ties: RfmTies = next() < 0.5 ? 'average' : 'min';
      const higher = next() < 0.5;
      const values = Array.from({ length: n }, () => Math.floor(next() * distinct) * 1.5);
      const fitted = fitRfmDimension(values, higher ? 'higher' : 'lower', buckets, ties);
      expect(fitted.bucketCounts.reduce((a, b) => a + b, 0)).toBe(n);
      for (const value of values) {
        expect(scoreRfmDimension(value, fitted)).toBe(referenceBucket(values, value, buckets, ties, higher));
      }
      // monotone for unseen values too
      let previous = 0;
      const grid = Array.from({ length: 40 }, (_, i) => (higher ? i * 0.5 - 1 : 20 - i * 0.5));
      for (const v of grid) {
        const score = scoreRfmDimension(v, fitted);
        expect(score).toBeGreaterThanOrEqual(previous);
        previous = score;
      }
    }
  });
});
