import { describe, expect, it } from 'vitest';
import { brierScore, logLoss } from './probability.js';
import { averagePrecision, rocAuc } from './ranking.js';
import { calibrationTable, liftByDecile } from './tables.js';

describe('rocAuc', () => {
  it('counts the positive-negative pairs ranked right', () => {
    // Pairs (pos, neg): (0.35, 0.1) right, (0.35, 0.4) wrong, (0.8, 0.1), (0.8, 0.4) right: 3/4.
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBe(0.75);
    expect(rocAuc([0, 1], [0.2, 0.9])).toBe(1);
    expect(rocAuc([0, 1], [0.9, 0.2])).toBe(0);
  });

  it('gives tied scores average ranks: a tied pair counts one half', () => {
    // Positives 0.5 and 0.9, negatives 0.5 and 0.2: 0.5 + 1 + 1 + 1 of 4 pairs.
    expect(rocAuc([0, 1, 0, 1], [0.5, 0.5, 0.2, 0.9])).toBe(0.875);
    expect(rocAuc([1, 0, 1, 0], [3, 3, 3, 3])).toBe(0.5);
  });

  it('is NaN with one class and refuses bad labels or lengths', () => {
    expect(rocAuc([1, 1], [0.2, 0.3])).toBeNaN();
    expect(() => rocAuc([0, 2], [0.1, 0.2])).toThrow(RangeError);
    expect(() => rocAuc([0, 1], [0.1])).toThrow(RangeError);
    expect(() => rocAuc([0, 1], [0.1, NaN])).toThrow(RangeError);
  });
});

describe('averagePrecision', () => {
  it('sums recall steps times precision, from the top score down', () => {
    // 0.8 (pos): P 1, R .5; 0.4 (neg); 0.35 (pos): P 2/3, R 1 -> .5 * 1 + .5 * 2/3.
    expect(averagePrecision([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBeCloseTo(5 / 6, 15);
    expect(averagePrecision([1, 0, 1, 0], [4, 3, 2, 1])).toBeCloseTo(0.5 * 1 + 0.5 * (2 / 3), 15);
  });

  it('takes tied scores as one threshold', () => {
    // 0.5: one positive of two rows, P .5, R .5; 0.1: P 2/3, R 1.
    expect(averagePrecision([1, 0, 1], [0.5, 0.5, 0.1])).toBeCloseTo(0.25 + 1 / 3, 15);
    expect(averagePrecision([0, 0], [0.5, 0.1])).toBeNaN();
    expect(averagePrecision([1, 1], [0.5, 0.1])).toBe(1);
  });
});

describe('logLoss and brierScore', () => {
  it('are the mean negative log-likelihood and mean squared error', () => {
    expect(logLoss([1, 0], [0.8, 0.3])).toBeCloseTo(-(Math.log(0.8) + Math.log(0.7)) / 2, 15);
    expect(logLoss([1, 0], [0.8, 0.3])).toBeCloseTo(0.289909, 6);
    expect(brierScore([1, 0, 1], [0.9, 0.2, 0.4])).toBeCloseTo((0.01 + 0.04 + 0.36) / 3, 15);
    expect(brierScore([1, 0], [1, 0])).toBe(0);
  });

  it('clips certain wrong answers to a finite log loss, and refuses non-probabilities', () => {
    // 1 - 1e-15 rounds to a double, so the two clipped terms differ slightly.
    expect(logLoss([0, 1], [1, 0])).toBeCloseTo((-Math.log(1 - (1 - 1e-15)) - Math.log(1e-15)) / 2, 12);
    expect(logLoss([1], [0])).toBeCloseTo(34.5388, 4);
    expect(() => logLoss([0], [1.2])).toThrow(RangeError);
    expect(() => brierScore([0], [-0.1])).toThrow(RangeError);
  });
});

describe('liftByDecile', () => {
  it('cuts rows by score into equal groups, highest first, with lift and capture', () => {
    // 10 rows, 3 positives (rate .3); the top half holds all 3.
    const scores = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1];
    const y = [1, 0, 1, 1, 0, 0, 0, 0, 0, 0];
    const halves = liftByDecile(y, scores, 2);
    expect(halves.map((r) => [r.decile, r.count, r.positives])).toEqual([
      [1, 5, 3],
      [2, 5, 0],
    ]);
    expect(halves[0]?.lift).toBeCloseTo(2, 15);
    expect(halves[1]?.lift).toBe(0);
    expect(halves.map((r) => r.cumulativeCapture)).toEqual([1, 1]);
    expect(halves[1]?.cumulativeLift).toBeCloseTo(1, 15);
    const deciles = liftByDecile(y, scores);
    expect(deciles).toHaveLength(10);
    expect(deciles.map((r) => r.positives)).toEqual(y);
    expect(deciles[0]?.lift).toBeCloseTo(1 / 0.3, 12);
  });

  it('keeps row order among tied scores and leaves empty groups out', () => {
    expect(liftByDecile([1, 0, 0], [1, 1, 1], 3).map((r) => r.positives)).toEqual([1, 0, 0]);
    expect(liftByDecile([1, 0], [0.9, 0.1])).toHaveLength(2);
  });
});

describe('calibrationTable', () => {
  it('compares the mean prediction with the observed rate in equal-count groups, lowest first', () => {
    const table = calibrationTable([0, 0, 1, 1], [0.1, 0.2, 0.3, 0.4], 2);
    expect(table).toHaveLength(2);
    expect(table[0]).toMatchObject({ bin: 1, count: 2, observedRate: 0, minPredicted: 0.1, maxPredicted: 0.2 });
    expect(table[0]?.meanPredicted).toBeCloseTo(0.15, 15);
    expect(table[1]).toMatchObject({ bin: 2, count: 2, observedRate: 1, minPredicted: 0.3, maxPredicted: 0.4 });
    expect(table[1]?.meanPredicted).toBeCloseTo(0.35, 15);
    const deciles = calibrationTable(
      Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? 1 : 0)),
      Array.from({ length: 20 }, (_, i) => (i + 0.5) / 20),
    );
    expect(deciles.map((r) => r.count)).toEqual(new Array(10).fill(2));
    expect(deciles.map((r) => r.observedRate)).toEqual(new Array(10).fill(0.5));
  });
});
