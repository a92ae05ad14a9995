import { describe, expect, it } from 'vitest';
import { createRng } from '../shared/rng.js';
import { cuped } from './cuped.js';
import { normalDraw } from './simulate.js';

function simulate(seed: number, rho: number, n: number, effect: number): ReturnType<typeof cuped> {
  const rng = createRng(seed);
  const arm = (shift: number): { y: Float64Array; x: Float64Array } => {
    const x = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      x[i] = 5 + 2 * normalDraw(rng);
      y[i] = 10 + shift + rho * ((x[i] as number) - 5) / 2 + Math.sqrt(1 - rho * rho) * normalDraw(rng);
    }
    return { y, x };
  };
  return cuped(arm(0), arm(effect));
}

describe('cuped', () => {
  it('shrinks the variance of the difference by about 1 - ρ² and estimates θ = cov/var', () => {
    const r = simulate(1, 0.7, 20_000, 0.05);
    expect(r.theta).toBeCloseTo(0.35, 1); // cov(Y, X) / var(X) = 0.7 · 2 / 4
    expect(1 - r.varianceReduction).toBeGreaterThan(0.51 - 0.03);
    expect(1 - r.varianceReduction).toBeLessThan(0.51 + 0.03);
    expect(r.adjusted.upper - r.adjusted.lower).toBeLessThan(0.75 * (r.unadjusted.upper - r.unadjusted.lower));
  });
  it('stays unbiased: the mean adjusted estimate over many experiments is the true effect', () => {
    let sum = 0;
    let covered = 0;
    const runs = 200;
    for (let s = 0; s < runs; s++) {
      const r = simulate(100 + s, 0.8, 1000, 0.1);
      sum += r.adjusted.estimate;
      if (r.adjusted.lower <= 0.1 && 0.1 <= r.adjusted.upper) covered++;
    }
    // Standard error of the mean of the estimates: √(2 · 0.36 / 1000 / 200) ≈ 0.0019.
    expect(Math.abs(sum / runs - 0.1)).toBeLessThan(0.006);
    expect(covered / runs).toBeGreaterThan(0.9);
  });
  it('an uninformative covariate changes almost nothing', () => {
    const r = simulate(3, 0, 5000, 0);
    expect(Math.abs(r.varianceReduction)).toBeLessThan(0.01);
    expect(() => cuped({ y: [1, 2], x: [1] }, { y: [1, 2], x: [1, 2] })).toThrow(RangeError);
  });
});
