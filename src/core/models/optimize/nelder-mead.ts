/**
 * Derivative-free minimization of f: R^n -> R by the Nelder–Mead simplex method (Nelder and Mead
 * 1965, in the form analysed by Lagarias et al. 1998), with restarts.
 *
 * - Non-finite values of f (NaN, ±Infinity) are treated as +Infinity, so the simplex moves away from
 *   points where the objective is undefined (a parameter out of its domain) instead of failing.
 * - Coefficients: reflection 1, expansion 2, contraction 1/2, shrink 1/2; with `adaptive` the
 *   dimension-dependent ones of Gao and Han (2012): 1, 1 + 2/n, 3/4 - 1/(2n), 1 - 1/n, which behave
 *   better beyond about 5 dimensions.
 * - A run stops when the simplex is small in both senses: every vertex within `xTolerance` of the
 *   best one in every coordinate, and every value within `fTolerance` of the best value (absolute,
 *   as scipy's xatol/fatol).
 * - Restarts: a converged simplex can be stuck (collapsed onto a subspace). The search is started
 *   again from a fresh simplex around the best point; the result is accepted as converged once a
 *   restart improves the value by no more than `fTolerance`.
 *
 * The result always says what happened: `converged`, the iterations and evaluations used, the final
 * simplex size and value spread, and a message; nothing is thrown for a hard objective.
 */

export type Objective = (x: readonly number[]) => number;

export interface NelderMeadOptions {
  /** Iterations over all runs (restarts included). Default 2000 n. */
  readonly maxIterations?: number;
  /** Evaluations of f over all runs. Default 4000 n. */
  readonly maxEvaluations?: number;
  /** Simplex size (max coordinate distance from the best vertex) for convergence. Default 1e-8. */
  readonly xTolerance?: number;
  /** Spread of the values over the simplex for convergence (absolute). Default 1e-10. */
  readonly fTolerance?: number;
  /** Edge of the starting simplex along each axis: one number or one per coordinate. Default 0.1 max(1, |x0_i|). */
  readonly initialStep?: number | readonly number[];
  /** Restarts from the best point after convergence. Default 2. */
  readonly restarts?: number;
  /** Gao–Han dimension-dependent coefficients. Default false. */
  readonly adaptive?: boolean;
}

export interface MinimizeResult {
  readonly x: number[];
  /** f(x); +Infinity when no finite value was ever found. */
  readonly value: number;
  readonly converged: boolean;
  readonly iterations: number;
  readonly evaluations: number;
  /** Restarts performed. */
  readonly restarts: number;
  /** Max coordinate distance of a vertex from the best one, in the last simplex. */
  readonly simplexSize: number;
  /** Max |f(vertex) - f(best)| in the last simplex. */
  readonly valueSpread: number;
  readonly message: string;
}

interface Vertex {
  x: number[];
  f: number;
}

export function minimizeNelderMead(f: Objective, x0: readonly number[], options: NelderMeadOptions = {}): MinimizeResult {
  const n = x0.length;
  if (n === 0) throw new RangeError('minimizeNelderMead: x0 must have at least one coordinate');
  if (x0.some((v) => !Number.isFinite(v))) throw new RangeError(`minimizeNelderMead: x0 must be finite, got [${x0.join(', ')}]`);
  const maxIterations = options.maxIterations ?? 2000 * n;
  const maxEvaluations = options.maxEvaluations ?? 4000 * n;
  const xTol = options.xTolerance ?? 1e-8;
  const fTol = options.fTolerance ?? 1e-10;
  const maxRestarts = options.restarts ?? 2;
  const adaptive = options.adaptive ?? false;
  const alpha = 1;
  const gamma = adaptive ? 1 + 2 / n : 2;
  const beta = adaptive ? 0.75 - 1 / (2 * n) : 0.5;
  const sigma = adaptive && n > 1 ? 1 - 1 / n : 0.5;
  const steps = Array.from({ length: n }, (_, i) => {
    const given = options.initialStep;
    if (typeof given === 'number') return given;
    if (given !== undefined) {
      const s = given[i];
      if (s === undefined || !(s !== 0 && Number.isFinite(s))) throw new RangeError(`minimizeNelderMead: initialStep[${i}] must be finite and non-zero`);
      return s;
    }
    return 0.1 * Math.max(1, Math.abs(x0[i] ?? 0));
  });

  let evaluations = 0;
  const evaluate = (x: number[]): number => {
    evaluations++;
    const v = f(x);
    return Number.isFinite(v) || v === Number.NEGATIVE_INFINITY ? v : Number.POSITIVE_INFINITY;
  };

  let iterations = 0;
  let restarts = 0;
  let best: Vertex = { x: [...x0], f: evaluate([...x0]) };
  let simplexSize = Number.POSITIVE_INFINITY;
  let valueSpread = Number.POSITIVE_INFINITY;
  let previousRunValue = Number.POSITIVE_INFINITY;

  for (;;) {
    // One run from a fresh simplex around the best point.
    const simplex: Vertex[] = [{ x: [...best.x], f: best.f }];
    for (let i = 0; i < n; i++) {
      const x = [...best.x];
      x[i] = (x[i] ?? 0) + (steps[i] ?? 0);
      simplex.push({ x, f: evaluate(x) });
    }
    let runConverged = false;
    let budgetLeft = true;
    for (;;) {
      simplex.sort((p, q) => p.f - q.f || 0);
      const first = simplex[0] as Vertex;
      simplexSize = 0;
      valueSpread = 0;
      for (let v = 1; v <= n; v++) {
        const vertex = simplex[v] as Vertex;
        for (let j = 0; j < n; j++) simplexSize = Math.max(simplexSize, Math.abs((vertex.x[j] ?? 0) - (first.x[j] ?? 0)));
        const spread = Math.abs(vertex.f - first.f);
        valueSpread = Math.max(valueSpread, Number.isNaN(spread) ? Number.POSITIVE_INFINITY : spread);
      }
      if (simplexSize <= xTol && valueSpread <= fTol) {
        runConverged = true;
        break;
      }
      if (iterations >= maxIterations || evaluations >= maxEvaluations) {
        budgetLeft = false;
        break;
      }
      if (first.f === Number.NEGATIVE_INFINITY) break;
      iterations++;

      const worst = simplex[n] as Vertex;
      const secondWorst = simplex[n - 1] as Vertex;
      const centroid = new Array<number>(n).fill(0);
      for (let v = 0; v < n; v++) {
        const vertex = simplex[v] as Vertex;
        for (let j = 0; j < n; j++) centroid[j] = (centroid[j] ?? 0) + (vertex.x[j] ?? 0) / n;
      }
      const along = (t: number): number[] => centroid.map((c, j) => c + t * (c - (worst.x[j] ?? 0)));

      const xr = along(alpha);
      const fr = evaluate(xr);
      if (fr < first.f) {
        const xe = along(alpha * gamma);
        const fe = evaluate(xe);
        simplex[n] = fe < fr ? { x: xe, f: fe } : { x: xr, f: fr };
        continue;
      }
      if (fr < secondWorst.f) {
        simplex[n] = { x: xr, f: fr };
        continue;
      }
      if (fr < worst.f) {
        const xc = along(alpha * beta);
        const fc = evaluate(xc);
        if (fc <= fr) {
          simplex[n] = { x: xc, f: fc };
          continue;
        }
      } else {
        const xc = along(-beta);
        const fc = evaluate(xc);
        if (fc < worst.f) {
          simplex[n] = { x: xc, f: fc };
          continue;
        }
      }
      for (let v = 1; v <= n; v++) {
        const vertex = simplex[v] as Vertex;
        const x = vertex.x.map((xj, j) => (first.x[j] ?? 0) + sigma * (xj - (first.x[j] ?? 0)));
        simplex[v] = { x, f: evaluate(x) };
      }
    }
    simplex.sort((p, q) => p.f - q.f || 0);
    const runBest = simplex[0] as Vertex;
    if (runBest.f <= best.f) best = { x: [...runBest.x], f: runBest.f };

    const finite = Number.isFinite(best.f);
    if (!budgetLeft || !finite) {
      const message = !finite
        ? best.f === Number.NEGATIVE_INFINITY
          ? 'the objective is unbounded below (-Infinity)'
          : 'no finite value of the objective was found'
        : `stopped after ${iterations} iterations and ${evaluations} evaluations without convergence (simplex size ${simplexSize.toExponential(2)}, value spread ${valueSpread.toExponential(2)})`;
      return { x: best.x, value: best.f, converged: false, iterations, evaluations, restarts, simplexSize, valueSpread, message };
    }
    // runConverged is true here.
    const improvement = previousRunValue - best.f;
    if (runConverged && (improvement <= fTol || restarts >= maxRestarts)) {
      const confirmed = improvement <= fTol || maxRestarts === 0;
      const message = confirmed
        ? `converged: simplex size ${simplexSize.toExponential(2)} <= ${xTol}, value spread ${valueSpread.toExponential(2)} <= ${fTol}${restarts > 0 ? `, confirmed by ${restarts} restart(s)` : ''}`
        : `the last of ${restarts} restarts still improved the value by ${improvement.toExponential(2)} (> ${fTol})`;
      return { x: best.x, value: best.f, converged: confirmed, iterations, evaluations, restarts, simplexSize, valueSpread, message };
    }
    previousRunValue = best.f;
    restarts++;
  }
}
