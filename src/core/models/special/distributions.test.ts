import { describe, expect, it } from 'vitest';
import {
  betaQuantile,
  chiSquareCdf,
  chiSquareSf,
  normalCdf,
  normalQuantile,
  regularizedBeta,
  regularizedGammaP,
  regularizedGammaQ,
  studentTCdf,
  studentTQuantile,
} from './distributions.js';

// Values against scipy live in src/core/experiments/experiments.golden.test.ts; these are identities.
describe('distribution functions', () => {
  it('quantiles invert the CDFs', () => {
    for (const p of [1e-12, 0.001, 0.2, 0.5, 0.77, 0.999]) {
      expect(normalCdf(normalQuantile(p))).toBeCloseTo(p, 14);
      for (const df of [0.7, 1, 2, 3.3, 10, 1000]) expect(Math.abs(studentTCdf(studentTQuantile(p, df), df) - p)).toBeLessThan(1e-13 + 1e-12 * p);
      expect(regularizedBeta(betaQuantile(p, 3, 7), 3, 7)).toBeCloseTo(p, 12);
    }
  });
  it('symmetries and complements', () => {
    expect(normalCdf(1.3) + normalCdf(-1.3)).toBeCloseTo(1, 15);
    expect(studentTCdf(2.1, 4) + studentTCdf(-2.1, 4)).toBeCloseTo(1, 14);
    expect(regularizedBeta(0.3, 2, 5) + regularizedBeta(0.7, 5, 2)).toBeCloseTo(1, 14);
    expect(regularizedGammaP(2.5, 3) + regularizedGammaQ(2.5, 3)).toBeCloseTo(1, 14);
    expect(chiSquareCdf(3, 2) + chiSquareSf(3, 2)).toBeCloseTo(1, 14);
    expect(chiSquareSf(3, 2)).toBeCloseTo(Math.exp(-1.5), 13); // k = 2 is exponential
    expect(studentTCdf(1, 1)).toBeCloseTo(0.75, 14); // Cauchy
    expect(studentTCdf(1.5, Number.POSITIVE_INFINITY)).toBe(normalCdf(1.5));
  });
  it('edges and domain', () => {
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(normalQuantile(1)).toBe(Number.POSITIVE_INFINITY);
    expect(normalQuantile(1.2)).toBeNaN();
    expect(studentTQuantile(0.5, 3)).toBe(0);
    expect(regularizedBeta(0, 2, 3)).toBe(0);
    expect(regularizedBeta(1, 2, 3)).toBe(1);
    expect(regularizedBeta(0.5, -1, 3)).toBeNaN();
    expect(regularizedGammaP(-1, 1)).toBeNaN();
    expect(chiSquareSf(0, 3)).toBe(1);
  });
});
