import { describe, expect, it } from 'vitest';
import { createRng } from '../shared/rng.js';
import { bayesianBetaPosterior, bayesianCompareBetaMonteCarlo, bayesianCompareMeansNormal, bayesianProbBBeatsAExact } from './bayes.js';

describe('Bayesian conversion comparison', () => {
  it('uniform prior posterior: Beta(1 + s, 1 + n - s)', () => {
    const p = bayesianBetaPosterior(30, 100);
    expect(p.alpha).toBe(31);
    expect(p.beta).toBe(71);
    expect(p.mean).toBeCloseTo(31 / 102, 14);
    expect(p.lower).toBeLessThan(0.3);
    expect(p.upper).toBeGreaterThan(0.3);
  });
  it('Monte-Carlo chance to beat agrees with the exact sum; symmetric arms give one half', () => {
    const a = bayesianBetaPosterior(120, 1000);
    const b = bayesianBetaPosterior(150, 1000);
    const exact = bayesianProbBBeatsAExact(a, b);
    const mc = bayesianCompareBetaMonteCarlo(a, b, createRng(3), 50_000);
    expect(Math.abs(mc.probBBeatsA - exact)).toBeLessThan(0.01);
    expect(mc.expectedLossB).toBeLessThan(mc.expectedLossA);
    expect(bayesianProbBBeatsAExact(a, a)).toBeCloseTo(0.5, 10);
    expect(() => bayesianProbBBeatsAExact(a, { alpha: 1.5, beta: 2 })).toThrow(RangeError);
  });
  it('normal approximation for revenue per user: closed-form loss matches its definition', () => {
    const r = bayesianCompareMeansNormal({ n: 1000, mean: 10, variance: 100 }, { n: 1000, mean: 10.5, variance: 100 });
    const s = Math.sqrt(0.2);
    expect(r.probBBeatsA).toBeGreaterThan(0.8);
    // E[max(D, 0)] - E[max(-D, 0)] = E[D].
    expect(r.expectedLossA - r.expectedLossB).toBeCloseTo(0.5, 12);
    expect(r.expectedLossB).toBeGreaterThan(0);
    expect(r.expectedLossB).toBeLessThan(s);
  });
});
