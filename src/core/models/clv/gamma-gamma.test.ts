import { describe, expect, it } from 'vitest';
import { createRng } from '../../shared/rng.js';
import { fitGammaGamma, gammaGammaExpectedSpend, gammaGammaLogLikelihood } from './gamma-gamma.js';
import { simulateCustomers } from './simulate.js';

const PAPER = { p: 6.25, q: 3.74, v: 15.44 };

describe('Gamma-Gamma likelihood', () => {
  it('equals hand-computed values for one customer', () => {
    // p = q = v = 1, x = 1, z = 1: Γ(2)/(Γ(1)Γ(1)) · 1 · 1 · 1 / (1 + 1)^2 = 1/4
    expect(gammaGammaLogLikelihood({ p: 1, q: 1, v: 1 }, [{ x: 1, meanSpend: 1 }])).toBeCloseTo(Math.log(0.25), 14);
    // The paper's parameters, x = 3, z = 25.5, against mpmath (30 digits).
    expect(gammaGammaLogLikelihood(PAPER, [{ x: 3, meanSpend: 25.5 }])).toBeCloseTo(-3.6121980483206951727, 12);
  });

  it('is a density in z̄ (integrates to 1)', () => {
    // Trapezoid on a log grid: ∫ f(z) dz = ∫ f(e^s) e^s ds.
    for (const x of [1, 4]) {
      let integral = 0;
      const h = 0.001;
      for (let s = -12; s < 12; s += h) {
        const z = Math.exp(s);
        integral += Math.exp(gammaGammaLogLikelihood(PAPER, [{ x, meanSpend: z }])) * z * h;
      }
      expect(integral).toBeCloseTo(1, 6);
    }
  });

  it('skips customers without repeat purchases or with non-positive spend, and says how many', () => {
    const rows = [
      { x: 0, meanSpend: 0 },
      { x: 2, meanSpend: -5 },
      { x: 2, meanSpend: 30 },
    ];
    expect(gammaGammaLogLikelihood(PAPER, rows)).toBeCloseTo(gammaGammaLogLikelihood(PAPER, [{ x: 2, meanSpend: 30 }]), 14);
    const res = fitGammaGamma([{ x: 0, meanSpend: 0 }]);
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.error[0]).toMatch(/no customer with x > 0/);
    expect(fitGammaGamma([{ x: -1, meanSpend: 3 }]).ok).toBe(false);
  });
});

describe('gammaGammaExpectedSpend', () => {
  it('is the weighted average of the population mean and the customer mean', () => {
    const population = (PAPER.p * PAPER.v) / (PAPER.q - 1);
    expect(gammaGammaExpectedSpend(PAPER, 0, 999)).toBeCloseTo(population, 12);
    const x = 4;
    const z = 50;
    const weight = (PAPER.p * x) / (PAPER.p * x + PAPER.q - 1);
    expect(gammaGammaExpectedSpend(PAPER, x, z)).toBeCloseTo((1 - weight) * population + weight * z, 12);
    expect(gammaGammaExpectedSpend({ p: 1, q: 0.5, v: 1 }, 0, 0)).toBeNaN();
  });
});

describe('fitGammaGamma', () => {
  it('recovers simulated parameters within their standard errors and reports convergence', () => {
    const truth = { p: 5, q: 4, v: 20 };
    const customers = simulateCustomers({ r: 2, alpha: 4, a: 0.5, b: 5 }, truth, new Array<number>(6000).fill(52), createRng(7));
    const res = fitGammaGamma(customers);
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    const { params, standardErrors, diagnostics } = res.value;
    expect(diagnostics.converged, diagnostics.message).toBe(true);
    expect(res.value.skippedNoRepeat).toBe(customers.filter((c) => c.x === 0).length);
    for (const key of ['p', 'q', 'v'] as const) {
      const se = standardErrors?.[key] ?? Number.NaN;
      expect(Math.abs(params[key] - truth[key]), `${key}: ${params[key]} ± ${se}`).toBeLessThan(3.5 * se);
    }
  });
});
