import { describe, expect, it } from 'vitest';
import { fitRfmBoundaries } from './fit-rfm-boundaries.js';
import type { RfmFeatures } from './rfm-boundaries.js';
import { DEFAULT_RFM_CONFIG } from './rfm-config.js';
import { scoreRfm } from './score-rfm.js';

const AT_MS = 0;
const customer = (recencyDays: number, frequency: number, monetary: number): RfmFeatures => ({ recencyDays, frequency, monetary });
const visitor: RfmFeatures = { recencyDays: null, frequency: 0, monetary: 0 };
const decile = Array.from({ length: 10 }, (_, i) => customer(i, i + 1, 10 * (i + 1)));

describe('scoreRfm', () => {
  it('scores r, f, m, the "rfm" string and fm', () => {
    const boundaries = fitRfmBoundaries(decile, DEFAULT_RFM_CONFIG, AT_MS);
    expect(scoreRfm(customer(0, 10, 100), boundaries)).toEqual({ r: 5, f: 5, m: 5, score: '555', fm: 5, buckets: 5 });
    expect(scoreRfm(customer(4, 2, 100), boundaries)).toEqual({ r: 3, f: 1, m: 5, score: '315', fm: 3, buckets: 5 });
    expect(scoreRfm(customer(9, 3, 40), boundaries)).toEqual({ r: 1, f: 2, m: 2, score: '122', fm: 2, buckets: 5 });
    expect(scoreRfm(customer(9, 3, 60), boundaries)?.fm).toBe(2.5);
  });

  it('R decays as days pass without a refit', () => {
    const boundaries = fitRfmBoundaries(decile, DEFAULT_RFM_CONFIG, AT_MS);
    const rOverTime = [0, 2, 4, 6, 8, 30].map((days) => scoreRfm(customer(days, 1, 10), boundaries)?.r);
    expect(rOverTime).toEqual([5, 4, 3, 2, 1, 1]);
  });

  it('returns null for a profile without an order when the fit is customers only', () => {
    const boundaries = fitRfmBoundaries(decile, DEFAULT_RFM_CONFIG, AT_MS);
    expect(scoreRfm(visitor, boundaries)).toBeNull();
  });

  it('returns null against an empty fit', () => {
    expect(scoreRfm(customer(1, 1, 1), fitRfmBoundaries([], DEFAULT_RFM_CONFIG, AT_MS))).toBeNull();
  });

  it('scores non-customers R = 1 when onlyCustomers is false', () => {
    const config = { ...DEFAULT_RFM_CONFIG, onlyCustomers: false };
    const boundaries = fitRfmBoundaries([...decile, visitor, visitor], config, AT_MS);
    expect(scoreRfm(visitor, boundaries)).toEqual({ r: 1, f: 1, m: 1, score: '111', fm: 1, buckets: 5 });
  });

  it('gives the first customer the top R when only non-customers were fitted', () => {
    const config = { ...DEFAULT_RFM_CONFIG, onlyCustomers: false };
    const boundaries = fitRfmBoundaries([visitor, visitor, visitor], config, AT_MS);
    expect(scoreRfm(customer(3, 1, 20), boundaries)).toMatchObject({ r: 5, f: 5, m: 5 });
  });

  it('joins scores with "-" for 10 buckets', () => {
    const boundaries = fitRfmBoundaries(decile, { ...DEFAULT_RFM_CONFIG, buckets: 10 }, AT_MS);
    expect(scoreRfm(customer(0, 10, 30), boundaries)).toEqual({ r: 10, f: 10, m: 3, score: '10-10-3', fm: 6.5, buckets: 10 });
    const nine = fitRfmBoundaries(decile, { ...DEFAULT_RFM_CONFIG, buckets: 9 }, AT_MS);
    // rank 3 of 10 with 9 buckets: q · 9 = 2 exactly, right-closed → 2
    expect(scoreRfm(customer(0, 10, 30), nine)?.score).toBe('992');
  });

  it('throws on non-finite features', () => {
    const boundaries = fitRfmBoundaries(decile, DEFAULT_RFM_CONFIG, AT_MS);
    expect(() => scoreRfm(customer(1, Number.NaN, 1), boundaries)).toThrow('frequency must be finite, got NaN');
    expect(() => scoreRfm(customer(Number.NaN, 1, 1), boundaries)).toThrow(/recencyDays/);
  });

  it('scores tiny populations: 1, 2 and 4 customers', () => {
    const one = fitRfmBoundaries([customer(5, 1, 50)], DEFAULT_RFM_CONFIG, AT_MS);
    expect(scoreRfm(customer(5, 1, 50), one)?.score).toBe('333');
    expect(scoreRfm(customer(1, 2, 60), one)?.score).toBe('555');
    expect(scoreRfm(customer(9, 1, 10), one)?.score).toBe('131');
    const oneMin = fitRfmBoundaries([customer(5, 1, 50)], { ...DEFAULT_RFM_CONFIG, ties: 'min' }, AT_MS);
    expect(scoreRfm(customer(5, 1, 50), oneMin)?.score).toBe('111');

    const two = fitRfmBoundaries([customer(1, 3, 300), customer(20, 1, 20)], DEFAULT_RFM_CONFIG, AT_MS);
    expect(scoreRfm(customer(1, 3, 300), two)?.score).toBe('555');
    expect(scoreRfm(customer(20, 1, 20), two)?.score).toBe('111');
    expect(scoreRfm(customer(10, 2, 100), two)?.score).toBe('111');

    const four = [customer(1, 4, 40), customer(2, 3, 30), customer(3, 2, 20), customer(4, 1, 10)];
    const fitted = fitRfmBoundaries(four, DEFAULT_RFM_CONFIG, AT_MS);
    expect(four.map((c) => scoreRfm(c, fitted)?.score)).toEqual(['555', '444', '222', '111']);
  });
});
