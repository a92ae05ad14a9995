import { describe, expect, it } from 'vitest';
import { createRng } from '../shared/rng.js';
import { compareRatios, diffProportions, relativeLift, welchInterval, wilsonInterval } from './intervals.js';
import { exponentialDraw, normalDraw } from './simulate.js';
import { proportionSummary, summarize, summarizeRatio, summaryFromSums } from './summary.js';

describe('diffProportions', () => {
  it('Newcombe stays inside [-1, 1] and is not degenerate at zero counts, where Wald collapses', () => {
    const counts = { successesA: 0, nA: 20, successesB: 0, nB: 20 };
    const wald = diffProportions(counts, 'wald');
    const newcombe = diffProportions(counts, 'newcombe');
    expect(wald.upper - wald.lower).toBe(0);
    expect(newcombe.lower).toBeLessThan(-0.1);
    expect(newcombe.upper).toBeGreaterThan(0.1);
    expect(newcombe.lower).toBeGreaterThanOrEqual(-1);
    expect(newcombe.pValue).toBe(1);
  });
  it('the continuity correction widens Wald by ½(1/nA + 1/nB) on each side', () => {
    const counts = { successesA: 40, nA: 400, successesB: 60, nB: 500 };
    const w = diffProportions(counts, 'wald');
    const cc = diffProportions(counts, 'wald-cc');
    expect(cc.upper - w.upper).toBeCloseTo(0.5 * (1 / 400 + 1 / 500), 14);
    expect(w.lower - cc.lower).toBeCloseTo(0.5 * (1 / 400 + 1 / 500), 14);
  });
  it('Wilson contains the observed rate and respects confidence', () => {
    const w95 = wilsonInterval(7, 50);
    const w99 = wilsonInterval(7, 50, 0.99);
    expect(w95.lower).toBeLessThan(0.14);
    expect(w95.upper).toBeGreaterThan(0.14);
    expect(w99.upper - w99.lower).toBeGreaterThan(w95.upper - w95.lower);
    expect(() => diffProportions({ successesA: 1, nA: 0, successesB: 1, nB: 1 })).toThrow(RangeError);
  });
});

describe('welchInterval', () => {
  it('falls back to the normal interval for huge samples and has df between min(n)-1 and nA+nB-2', () => {
    const a = summaryFromSums(1_000_000, 0, 1_000_000);
    const b = summaryFromSums(1_000_000, 1000, 1_001_000);
    const r = welchInterval(a, b);
    expect(r.df).toBeGreaterThan(999_999);
    expect(r.df).toBeLessThanOrEqual(1_999_998);
    expect((r.upper - r.estimate) / r.standardError).toBeCloseTo(1.959964, 4);
    const small = welchInterval({ n: 5, mean: 0, variance: 1 }, { n: 50, mean: 1, variance: 9 });
    expect(small.df).toBeGreaterThanOrEqual(4);
    expect(small.df).toBeLessThanOrEqual(53);
  });
  it('proportionSummary feeds Welch with the Bernoulli variance', () => {
    const s = proportionSummary(30, 100);
    expect(s.mean).toBe(0.3);
    expect(s.variance).toBeCloseTo((100 * 0.3 * 0.7) / 99, 14);
  });
  it('summarize and summaryFromSums agree', () => {
    const rng = createRng(5);
    const v = Array.from({ length: 1000 }, () => 3 + normalDraw(rng));
    const s = summarize(v);
    const t = summaryFromSums(v.length, v.reduce((x, y) => x + y, 0), v.reduce((x, y) => x + y * y, 0));
    expect(t.mean).toBeCloseTo(s.mean, 12);
    expect(t.variance).toBeCloseTo(s.variance, 9);
  });
});

describe('relativeLift and ratio metrics', () => {
  it('delta-method lift covers the true lift in about 95% of simulated experiments', () => {
    const rng = createRng(11);
    let covered = 0;
    const runs = 400;
    for (let e = 0; e < runs; e++) {
      const a = Array.from({ length: 800 }, () => exponentialDraw(rng, 10));
      const b = Array.from({ length: 800 }, () => exponentialDraw(rng, 12));
      const l = relativeLift(summarize(a), summarize(b));
      if (l.lower <= 0.2 && 0.2 <= l.upper) covered++;
    }
    expect(covered / runs).toBeGreaterThan(0.92);
    expect(covered / runs).toBeLessThan(0.98);
  });
  it('ratio of sums (revenue per order) uses the covariance: a perfectly proportional metric has no variance', () => {
    const orders = [1, 2, 3, 4, 5, 1, 2];
    const revenue = orders.map((o) => 25 * o);
    const s = summarizeRatio(revenue, orders);
    const r = compareRatios(s, s);
    expect(r.ratioA).toBeCloseTo(25, 12);
    expect(r.difference.standardError).toBeLessThan(1e-9);
    expect(() => summarizeRatio([1], [1, 2])).toThrow(RangeError);
  });
  it('ratio intervals cover a known revenue-per-order lift about 95% of the time', () => {
    const rng = createRng(12);
    let covered = 0;
    const runs = 300;
    const arm = (price: number): { rev: number[]; ord: number[] } => {
      const rev: number[] = [];
      const ord: number[] = [];
      for (let i = 0; i < 600; i++) {
        const k = rng.nextInt(4);
        let total = 0;
        for (let j = 0; j < k; j++) total += exponentialDraw(rng, price);
        ord.push(k);
        rev.push(total);
      }
      return { rev, ord };
    };
    for (let e = 0; e < runs; e++) {
      const a = arm(30);
      const b = arm(33);
      const r = compareRatios(summarizeRatio(a.rev, a.ord), summarizeRatio(b.rev, b.ord));
      if (r.lift.lower <= 0.1 && 0.1 <= r.lift.upper) covered++;
    }
    expect(covered / runs).toBeGreaterThan(0.91);
    expect(covered / runs).toBeLessThan(0.99);
  });
});
