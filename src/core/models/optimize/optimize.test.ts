import { describe, expect, it } from 'vitest';
import { minimizeNelderMead } from './nelder-mead.js';
import { invertSymmetricPositiveDefinite, numericGradient, numericHessian } from './numeric-derivatives.js';

const rosenbrock = (x: readonly number[]): number => {
  let s = 0;
  for (let i = 0; i + 1 < x.length; i++) {
    const a = x[i] ?? 0;
    const b = x[i + 1] ?? 0;
    s += 100 * (b - a * a) ** 2 + (1 - a) ** 2;
  }
  return s;
};

describe('minimizeNelderMead', () => {
  it('finds the minimum of a shifted, scaled quadratic', () => {
    const f = (x: readonly number[]): number => 3 * ((x[0] ?? 0) - 1.5) ** 2 + 0.5 * ((x[1] ?? 0) + 2) ** 2 + ((x[0] ?? 0) - 1.5) * ((x[1] ?? 0) + 2) + 7;
    const res = minimizeNelderMead(f, [0, 0]);
    expect(res.converged).toBe(true);
    expect(res.x[0]).toBeCloseTo(1.5, 6);
    expect(res.x[1]).toBeCloseTo(-2, 6);
    expect(res.value).toBeCloseTo(7, 12);
    expect(res.simplexSize).toBeLessThanOrEqual(1e-8);
    expect(res.message).toMatch(/^converged/);
  });

  it('solves Rosenbrock in 2 and 4 dimensions from the classic start', () => {
    const two = minimizeNelderMead(rosenbrock, [-1.2, 1], { xTolerance: 1e-10, fTolerance: 1e-14 });
    expect(two.converged).toBe(true);
    expect(two.x[0]).toBeCloseTo(1, 6);
    expect(two.x[1]).toBeCloseTo(1, 6);
    const four = minimizeNelderMead(rosenbrock, [-1.2, 1, -1.2, 1], { xTolerance: 1e-10, fTolerance: 1e-14, adaptive: true, restarts: 5 });
    expect(four.converged).toBe(true);
    for (const xi of four.x) expect(xi).toBeCloseTo(1, 5);
  });

  it('steps around regions where the objective is undefined', () => {
    // log barrier: undefined (NaN) for x <= 0; minimum of x - ln x at x = 1
    const res = minimizeNelderMead((x) => (x[0] ?? 0) - Math.log(x[0] ?? 0), [5], { initialStep: 10 });
    expect(res.converged).toBe(true);
    expect(res.x[0]).toBeCloseTo(1, 6);
  });

  it('says so when it runs out of budget or finds no finite value', () => {
    const short = minimizeNelderMead(rosenbrock, [-1.2, 1], { maxIterations: 10 });
    expect(short.converged).toBe(false);
    expect(short.iterations).toBe(10);
    expect(short.message).toMatch(/without convergence/);
    const nowhere = minimizeNelderMead(() => Number.NaN, [0, 0], { maxEvaluations: 50 });
    expect(nowhere.converged).toBe(false);
    expect(nowhere.value).toBe(Number.POSITIVE_INFINITY);
    expect(nowhere.message).toMatch(/no finite value/);
  });

  it('rejects an empty or non-finite start', () => {
    expect(() => minimizeNelderMead(rosenbrock, [])).toThrow(RangeError);
    expect(() => minimizeNelderMead(rosenbrock, [Number.NaN, 1])).toThrow(RangeError);
  });
});

describe('numeric derivatives', () => {
  it('differentiate a smooth function and invert its Hessian', () => {
    const f = (x: readonly number[]): number => Math.exp(x[0] ?? 0) + (x[0] ?? 0) * (x[1] ?? 0) ** 2 + 2 * (x[1] ?? 0) ** 2;
    const x = [0.3, -0.7];
    const g = numericGradient(f, x);
    expect(g[0]).toBeCloseTo(Math.exp(0.3) + 0.49, 8);
    expect(g[1]).toBeCloseTo(2 * 0.3 * -0.7 + 4 * -0.7, 8);
    const h = numericHessian(f, x);
    expect(h[0]?.[0]).toBeCloseTo(Math.exp(0.3), 5);
    expect(h[0]?.[1]).toBeCloseTo(-1.4, 5);
    expect(h[1]?.[1]).toBeCloseTo(2 * 0.3 + 4, 5);
    const inv = invertSymmetricPositiveDefinite([
      [4, 2],
      [2, 3],
    ]);
    expect(inv?.[0]?.[0]).toBeCloseTo(3 / 8, 14);
    expect(inv?.[0]?.[1]).toBeCloseTo(-2 / 8, 14);
    expect(inv?.[1]?.[1]).toBeCloseTo(4 / 8, 14);
    expect(
      invertSymmetricPositiveDefinite([
        [1, 2],
        [2, 1],
      ]),
    ).toBeNull();
  });
});
