import { describe, expect, it } from 'vitest';
import { hyp2f1, hyp2f1Detailed, hyp2f1MinusOneOverB } from './hyp2f1.js';
import { logGamma } from './log-gamma.js';

const rel = (got: number, want: number): number => Math.abs(got - want) / Math.abs(want);

describe('logGamma', () => {
  it('matches exact and high-precision values', () => {
    expect(logGamma(1)).toBeCloseTo(0, 14);
    expect(logGamma(2)).toBeCloseTo(0, 14);
    expect(rel(logGamma(0.5), 0.5 * Math.log(Math.PI))).toBeLessThan(1e-14);
    // n! for integers: ln Γ(11) = ln 10! = ln 3628800
    expect(rel(logGamma(11), Math.log(3_628_800))).toBeLessThan(1e-15);
    expect(rel(logGamma(6), Math.log(120))).toBeLessThan(1e-14);
    // Reference values from mpmath.loggamma at 40 digits.
    expect(rel(logGamma(1e-8), 18.420680738180208884)).toBeLessThan(1e-15);
    expect(rel(logGamma(3.7), 1.4280723266653881292)).toBeLessThan(1e-14);
    expect(rel(logGamma(123.456), 469.6055471299294835)).toBeLessThan(1e-15);
    expect(rel(logGamma(1e10), 220258509288.81058147)).toBeLessThan(1e-15);
  });

  it('satisfies the recurrence ln Γ(x+1) = ln Γ(x) + ln x across the shift boundary', () => {
    for (const x of [0.013, 0.7, 1.5, 4.2, 9.3, 9.99, 10.5, 57.1]) {
      expect(logGamma(x + 1) - logGamma(x) - Math.log(x)).toBeCloseTo(0, 13);
    }
  });

  it('is NaN outside its domain', () => {
    expect(logGamma(0)).toBeNaN();
    expect(logGamma(-1.5)).toBeNaN();
    expect(logGamma(Number.NaN)).toBeNaN();
  });
});

describe('hyp2f1', () => {
  it('matches closed forms', () => {
    for (const z of [-0.4, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99, 0.999999]) {
      // 2F1(1, 1; 2; z) = -ln(1 - z) / z (c - a - b = 0: the logarithmic case)
      expect(rel(hyp2f1(1, 1, 2, z), -Math.log1p(-z) / z)).toBeLessThan(1e-13);
      // 2F1(a, b; b; z) = (1 - z)^-a
      expect(rel(hyp2f1(0.37, 2.5, 2.5, z), Math.pow(1 - z, -0.37))).toBeLessThan(1e-13);
    }
    for (const s of [0.2, 0.6, 0.95, 0.999]) {
      // 2F1(1/2, 1/2; 3/2; s^2) = arcsin(s) / s
      expect(rel(hyp2f1(0.5, 0.5, 1.5, s * s), Math.asin(s) / s)).toBeLessThan(1e-13);
    }
    for (const s of [0.5, 2, 30, 1e4]) {
      // 2F1(1/2, 1; 3/2; -s^2) = arctan(s) / s, far along the negative axis
      expect(rel(hyp2f1(0.5, 1, 1.5, -s * s), Math.atan(s) / s)).toBeLessThan(1e-12);
    }
    // 2F1(1, 1; 2; -M) = ln(1 + M) / M
    expect(rel(hyp2f1(1, 1, 2, -1e6), Math.log1p(1e6) / 1e6)).toBeLessThan(1e-12);
  });

  it('matches mpmath (40 digits) including BG/NBD-shaped arguments, near z = 1 and integer c - a - b', () => {
    const cases: readonly (readonly [number, number, number, number, number])[] = [
      [2.243, 4.426, 4.219, 0.4740258161752194, 4.5753158976436893116],
      [0.243, 2.426, 0.793 + 2.426 - 1, 0.8983277283825494, 1.9373703025926530893],
      [0.243, 2.426, 0.793 + 2.426 - 1, 0.999999, 233.33324907341357757],
      [2.243, -0.207, 3.012, -0.9012339973194066, 1.1107863452542263766],
      [0.243, -0.207, 2.219, -1e6, 8.1278694204857548696],
      [30.2, 0.4, 31.1, -250, 0.1110015661542188671],
      [1.5, 2.5, 3, 0.97, 53.033545887740864656],
      [1, 1, 3, 0.999999999, 1.9999999605534693043],
      [0.5, 0.5, 1, 0.9, 1.6412644143423707998],
      [2, 3, 5, -0.3, 0.72392284004772248516],
      [3.3, -1.7, 0.4, 0.8, 3.8265002779358359917],
      [50, 60, 70, 0.75, 1.5754366141642549355e25],
      [0.7, 1.3, 2, 1 - 1e-12, 23.919849543236520968],
      [1.2, 2.3, -0.5, 0.3, -12.153907661754264265],
      // (1-z)^-a alone underflows here; the Pfaff factor is applied in logs.
      [1594.5197613095177, 54.824957326043815, 43.19849524120948, -0.5991389038012898, 3.8505430386223025e-104],
    ];
    for (const [a, b, c, z, want] of cases) {
      const got = hyp2f1Detailed(a, b, c, z);
      expect(got.converged, `2F1(${a}, ${b}; ${c}; ${z})`).toBe(true);
      expect(rel(got.value, want), `2F1(${a}, ${b}; ${c}; ${z}) = ${got.value}, want ${want}`).toBeLessThan(1e-11);
    }
  });

  it('satisfies the Pfaff transformation (the series on one side, the continuation on the other)', () => {
    for (const [a, b, c] of [
      [12.243, 12.426, 12.219],
      [0.6, 3.1, 1.9],
      [2.5, 0.25, 4.75],
    ] as const) {
      for (const z of [0.3, 0.6, 0.9, 0.995]) {
        const lhs = hyp2f1(a, b, c, z);
        const rhs = Math.pow(1 - z, -a) * hyp2f1(a, c - b, c, z / (z - 1));
        expect(rel(lhs, rhs)).toBeLessThan(1e-11);
      }
    }
  });

  it('takes few terms near z = 1 (the continuation), where the power series would need millions', () => {
    const got = hyp2f1Detailed(0.243, 2.426, 2.219, 1 - 1e-9);
    expect(got.method).toBe('continuation');
    expect(got.converged).toBe(true);
    expect(got.terms).toBeLessThan(5000);
    expect(got.steps).toBeLessThan(40);
  });

  it('sums terminating series as polynomials for any z, and refuses outside the domain', () => {
    // 2F1(-2, b; c; z) = 1 - 2bz/c + b(b+1)z^2/(c(c+1))
    const b = 1.5;
    const c = 2.5;
    const z = 3;
    expect(hyp2f1(-2, b, c, z)).toBeCloseTo(1 - (2 * b * z) / c + (b * (b + 1) * z * z) / (c * (c + 1)), 12);
    expect(hyp2f1Detailed(-2, b, c, z).method).toBe('polynomial');
    expect(hyp2f1(1, 1, 2, 1)).toBeNaN();
    expect(hyp2f1(1, 1, 2, 1.5)).toBeNaN();
    expect(hyp2f1(1, 1, -2, 0.3)).toBeNaN();
    expect(hyp2f1(1, 1, 2, 0)).toBe(1);
  });

  it('reports non-convergence instead of a wrong value when the term budget is too small', () => {
    const got = hyp2f1Detailed(0.5, 0.5, 1, 0.49, { maxTerms: 5 });
    expect(got.converged).toBe(false);
    expect(got.value).toBeNaN();
  });
});

describe('hyp2f1MinusOneOverB', () => {
  it('equals (2F1 - 1) / b and stays finite through b = 0', () => {
    for (const z of [-0.3, -0.9, -40, 0.2, 0.8]) {
      const b = -0.207;
      expect(rel(hyp2f1MinusOneOverB(2.243, b, 4.012, z), (hyp2f1(2.243, b, 4.012, z) - 1) / b)).toBeLessThan(1e-12);
    }
    // b -> 0: Σ (a)_n / ((c)_n n) z^n; for a = c = 1 it is Σ z^n / n = -ln(1 - z).
    for (const z of [-0.4, 0.3, -0.9, -50, 0.95]) {
      const want = -Math.log1p(-z);
      expect(rel(hyp2f1MinusOneOverB(1, 0, 1, z), want)).toBeLessThan(1e-10);
      expect(rel(hyp2f1MinusOneOverB(1, 3e-4, 1, z), (Math.pow(1 - z, -3e-4) - 1) / 3e-4)).toBeLessThan(1e-10);
    }
  });
});
