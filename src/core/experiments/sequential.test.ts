import { describe, expect, it } from 'vitest';
import { createRng } from '../shared/rng.js';
import { msprtLook, msprtLooks } from './sequential.js';
import { simulatePeeking } from './simulate.js';

describe('mSPRT always-valid test', () => {
  it('A/A with 20 looks: mSPRT stays under alpha while naive repeated Welch tests do not', () => {
    const r = simulatePeeking(createRng(2024), { experiments: 1000, looks: 20, perArmPerLook: 100, alpha: 0.05 });
    expect(r.msprt).toBeLessThanOrEqual(0.06);
    expect(r.naivePeekingWelch).toBeGreaterThan(0.15);
    expect(r.fixedHorizonWelch).toBeLessThan(0.075);
  });
  it('A/A on conversions with 20 looks stays under alpha too', () => {
    const r = simulatePeeking(createRng(7), { experiments: 1000, looks: 20, perArmPerLook: 200, metric: 'bernoulli', rate: 0.1 });
    expect(r.msprt).toBeLessThanOrEqual(0.06);
    expect(r.naivePeekingWelch).toBeGreaterThan(0.15);
  });
  it('A/B with a known effect: the confidence sequence covers it in >= 95% at the end, and the test has power', () => {
    const r = simulatePeeking(createRng(99), { experiments: 1000, looks: 20, perArmPerLook: 100, effect: 0.1 });
    expect(r.msprtCoverage).toBeGreaterThanOrEqual(0.95);
    expect(r.msprt).toBeGreaterThan(0.4);
  });
  it('p-value is non-increasing and the sequence only narrows; τ² is fixed at the first look', () => {
    const looks = [
      { a: { n: 100, mean: 0, variance: 1 }, b: { n: 100, mean: 0.3, variance: 1 } },
      { a: { n: 200, mean: 0, variance: 1 }, b: { n: 200, mean: 0.05, variance: 4 } },
      { a: { n: 300, mean: 0, variance: 1 }, b: { n: 300, mean: 0.2, variance: 1 } },
    ];
    const r = msprtLooks(looks);
    for (let i = 1; i < r.length; i++) {
      const prev = r[i - 1];
      const cur = r[i];
      if (prev === undefined || cur === undefined) throw new Error('missing look');
      expect(cur.pValue).toBeLessThanOrEqual(prev.pValue);
      expect(cur.lower).toBeGreaterThanOrEqual(prev.lower);
      expect(cur.upper).toBeLessThanOrEqual(prev.upper);
      expect(cur.tau2).toBe(r[0]?.tau2);
    }
    expect(r[0]?.tau2).toBeCloseTo(0.01, 12);
    expect(r[2]?.looks).toBe(3);
  });
  it('is wider than the fixed-horizon interval (the price of peeking) and honours a given τ²', () => {
    const a = { n: 5000, mean: 0, variance: 1 };
    const b = { n: 5000, mean: 0.05, variance: 1 };
    const r = msprtLook(undefined, a, b, { tau2: 0.001 });
    const fixedHalf = 1.96 * Math.sqrt(2 / 5000);
    expect((r.upper - r.lower) / 2).toBeGreaterThan(fixedHalf);
    expect(r.tau2).toBe(0.001);
    expect(() => msprtLook(undefined, a, b, { alpha: 0 })).toThrow(RangeError);
  });
});
