import { describe, expect, it } from 'vitest';
import { fitRfmBoundaries } from './fit-rfm-boundaries.js';
import type { RfmFeatures } from './rfm-boundaries.js';
import { DEFAULT_RFM_CONFIG } from './rfm-config.js';

const FITTED_AT_MS = Date.parse('2026-01-15T00:00:00.000Z');

const customer = (recencyDays: number, frequency: number, monetary: number): RfmFeatures => ({ recencyDays, frequency, monetary });
const visitor: RfmFeatures = { recencyDays: null, frequency: 0, monetary: 0 };

describe('fitRfmBoundaries', () => {
  it('fits the three dimensions and records the fit', () => {
    const population = Array.from({ length: 10 }, (_, i) => customer(i, 10 - i, 100 * (i + 1)));
    const fitted = fitRfmBoundaries(population, DEFAULT_RFM_CONFIG, FITTED_AT_MS);
    expect(fitted.format).toBe('rfm-boundaries@1');
    expect(fitted.fittedAtMs).toBe(FITTED_AT_MS);
    expect(fitted.populationSize).toBe(10);
    expect(fitted.buckets).toBe(5);
    expect(fitted.ties).toBe('average');
    expect(fitted.recency.edges).toEqual([7, 5, 3, 1]);
    expect(fitted.frequency.edges).toEqual([3, 5, 7, 9]);
    expect(fitted.monetary.edges).toEqual([300, 500, 700, 900]);
    expect(JSON.parse(JSON.stringify(fitted))).toEqual(fitted);
  });

  it('leaves profiles without an order out when onlyCustomers (default)', () => {
    const fitted = fitRfmBoundaries([customer(1, 1, 10), visitor, visitor], DEFAULT_RFM_CONFIG, FITTED_AT_MS);
    expect(fitted.populationSize).toBe(1);
    expect(fitted.frequency.fittedCount).toBe(1);
    expect(fitted.recency.fittedCount).toBe(1);
  });

  it('puts non-customers in F and M but not R when onlyCustomers is false', () => {
    const config = { ...DEFAULT_RFM_CONFIG, onlyCustomers: false };
    const fitted = fitRfmBoundaries([customer(1, 1, 10), customer(2, 3, 30), visitor, visitor], config, FITTED_AT_MS);
    expect(fitted.populationSize).toBe(4);
    expect(fitted.frequency.fittedCount).toBe(4);
    expect(fitted.frequency.worstValue).toBe(0);
    expect(fitted.recency.fittedCount).toBe(2);
    expect(fitted.recency.bestValue).toBe(1);
  });

  it('fits an empty population', () => {
    const fitted = fitRfmBoundaries([], DEFAULT_RFM_CONFIG, FITTED_AT_MS);
    expect(fitted.populationSize).toBe(0);
    expect(fitted.monetary.edges).toEqual([null, null, null, null]);
  });

  it('has buckets - 1 edges for every allowed bucket count', () => {
    const population = Array.from({ length: 37 }, (_, i) => customer(i * 0.5, 1 + (i % 4), i * 7));
    for (let buckets = 3; buckets <= 10; buckets++) {
      const fitted = fitRfmBoundaries(population, { ...DEFAULT_RFM_CONFIG, buckets }, FITTED_AT_MS);
      expect(fitted.recency.edges).toHaveLength(buckets - 1);
      expect(fitted.monetary.bucketCounts).toHaveLength(buckets);
      expect(fitted.monetary.bucketCounts.reduce((a, b) => a + b, 0)).toBe(37);
    }
  });

  it('does not depend on the order of the population', () => {
    const population = [customer(3, 1, 20), customer(1, 1, 20), customer(9, 2, 5), customer(3, 4, 80), customer(0.5, 1, 7)];
    const a = fitRfmBoundaries(population, DEFAULT_RFM_CONFIG, FITTED_AT_MS);
    const b = fitRfmBoundaries([...population].reverse(), DEFAULT_RFM_CONFIG, FITTED_AT_MS);
    expect(b).toEqual(a);
  });

  it('throws on an invalid config or a non-finite value (bugs, not outcomes)', () => {
    expect(() => fitRfmBoundaries([], { ...DEFAULT_RFM_CONFIG, buckets: 2 }, FITTED_AT_MS)).toThrow(/buckets must be an integer/);
    expect(() => fitRfmBoundaries([customer(1, Number.NaN, 1)], DEFAULT_RFM_CONFIG, FITTED_AT_MS)).toThrow(
      'population[0].frequency must be finite, got NaN',
    );
    expect(() => fitRfmBoundaries([customer(Number.POSITIVE_INFINITY, 1, 1)], DEFAULT_RFM_CONFIG, FITTED_AT_MS)).toThrow(
      /recencyDays must be finite/,
    );
    expect(() => fitRfmBoundaries([customer(1, 1, Number.NaN)], DEFAULT_RFM_CONFIG, FITTED_AT_MS)).toThrow(/monetary/);
    expect(() => fitRfmBoundaries([], DEFAULT_RFM_CONFIG, Number.NaN)).toThrow(/fittedAtMs/);
  });
});
