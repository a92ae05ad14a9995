import { z } from 'zod';
import type { Result } from '../../shared/result.js';
import { err, ok } from '../../shared/result.js';
import type { Matrix } from '../matrix.js';
import { choleskySolve } from './cholesky-solve.js';
import { sigmoid, softplus } from './sigmoid.js';

export interface LogisticOptions {
  /**
   * L2 penalty on the coefficients (not the intercept): the objective is the summed log loss plus
   * l2 / 2 · ‖w‖², so l2 = 1 / C of scikit-learn's LogisticRegression. Default 1. Scale the
   * features first (see scaling.ts) so one penalty suits every column.
   */
  readonly l2?: number;
  readonly maxIterations?: number;
  /** Stop when the largest gradient component falls below this (summed-loss units). Default 1e-8 · n. */
  readonly tolerance?: number;
  /** Per-row weights (e.g. class balancing); default 1 each. */
  readonly weights?: Float64Array;
}

export const LOGISTIC_MODEL_FORMAT = 'logistic@1';

/** A fitted model: plain JSON; predictions from it are bit-identical after a round trip. */
export interface LogisticModel {
  readonly format: typeof LOGISTIC_MODEL_FORMAT;
  readonly intercept: number;
  readonly coefficients: readonly number[];
  readonly l2: number;
  readonly iterations: number;
  readonly converged: boolean;
  /** Mean log loss on the training rows at the solution (without the penalty). */
  readonly trainLogLoss: number;
}

export const logisticModelSchema = z.object({
  format: z.literal(LOGISTIC_MODEL_FORMAT),
  intercept: z.number(),
  coefficients: z.array(z.number()),
  l2: z.number().nonnegative(),
  iterations: z.number().int().nonnegative(),
  converged: z.boolean(),
  trainLogLoss: z.number(),
});

export function parseLogisticModel(value: unknown): Result<LogisticModel, string> {
  const parsed = logisticModelSchema.safeParse(value);
  return parsed.success ? ok(parsed.data) : err(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
}

/**
 * L2-regularized logistic regression by Newton's method (iteratively reweighted least squares):
 * the penalized log-likelihood is strictly concave, so Newton converges in a handful of steps; each
 * step is halved until the objective decreases (a safeguard for badly scaled data), and a diagonal
 * damping is added if the Hessian is not positive definite. Cost per step: O(n·d² + d³), fine for
 * the tens of features profiles have. The intercept is not penalized.
 *
 * This is the transparent baseline every other model is compared with (issue 4).
 */
export function fitLogisticRegression(x: Matrix, y: ArrayLike<number>, options: LogisticOptions = {}): LogisticModel {
  const n = x.rows;
  const d = x.cols;
  if (y.length !== n) throw new RangeError(`fitLogisticRegression: ${y.length} labels for ${n} rows`);
  const l2 = options.l2 ?? 1;
  const maxIterations = options.maxIterations ?? 100;
  const tolerance = options.tolerance ?? 1e-8 * Math.max(1, n);
  const w = options.weights;
  const p = d + 1; // parameter 0 is the intercept
  let beta = new Float64Array(p);
  // Start at the weighted base rate: the intercept-only optimum.
  let positives = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const wi = w?.[i] ?? 1;
    positives += wi * (y[i] as number);
    total += wi;
  }
  const rate = Math.min(1 - 1e-12, Math.max(1e-12, total > 0 ? positives / total : 0.5));
  beta[0] = Math.log(rate / (1 - rate));

  const objective = (b: Float64Array): number => {
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const z = score(x, i, b);
      const yi = y[i] as number;
      loss += (w?.[i] ?? 1) * (yi === 1 ? softplus(-z) : softplus(z));
    }
    let penalty = 0;
    for (let j = 1; j < p; j++) penalty += (b[j] as number) ** 2;
    return loss + (l2 / 2) * penalty;
  };

  let current = objective(beta);
  let iterations = 0;
  let converged = false;
  for (; iterations < maxIterations; iterations++) {
    const gradient = new Float64Array(p);
    const hessian = new Float64Array(p * p);
    for (let i = 0; i < n; i++) {
      const wi = w?.[i] ?? 1;
      const mu = sigmoid(score(x, i, beta));
      const residual = wi * (mu - (y[i] as number));
      const curvature = wi * mu * (1 - mu);
      const row = i * d;
      gradient[0] = (gradient[0] as number) + residual;
      hessian[0] = (hessian[0] as number) + curvature;
      for (let j = 0; j < d; j++) {
        const xj = x.data[row + j] as number;
        gradient[j + 1] = (gradient[j + 1] as number) + residual * xj;
        const cx = curvature * xj;
        hessian[j + 1] = (hessian[j + 1] as number) + cx; // row 0, column j+1
        for (let k = 0; k <= j; k++) hessian[(j + 1) * p + k + 1] = (hessian[(j + 1) * p + k + 1] as number) + cx * (x.data[row + k] as number);
      }
    }
    for (let j = 1; j < p; j++) {
      gradient[j] = (gradient[j] as number) + l2 * (beta[j] as number);
      hessian[j * p + j] = (hessian[j * p + j] as number) + l2;
    }
    // Mirror the lower triangle (and row 0) so the matrix is whole.
    for (let j = 1; j < p; j++) hessian[j * p] = hessian[j] as number;
    for (let j = 1; j < p; j++) for (let k = j + 1; k < p; k++) hessian[j * p + k] = hessian[k * p + j] as number;
    let largest = 0;
    for (const g of gradient) largest = Math.max(largest, Math.abs(g));
    if (largest <= tolerance) {
      converged = true;
      break;
    }
    const step = solveDamped(hessian, gradient, p);
    if (step === null) break;
    // Newton step with halving until the objective does not increase.
    let scale = 1;
    let next = beta;
    let value = current;
    for (let halvings = 0; halvings < 30; halvings++) {
      const candidate = new Float64Array(p);
      for (let j = 0; j < p; j++) candidate[j] = (beta[j] as number) - scale * (step[j] as number);
      const candidateValue = objective(candidate);
      if (candidateValue <= current) {
        next = candidate;
        value = candidateValue;
        break;
      }
      scale /= 2;
    }
    if (next === beta) break; // no descent possible: at the numerical optimum
    const improvement = current - value;
    beta = next;
    current = value;
    if (improvement <= 1e-14 * Math.max(1, Math.abs(current))) {
      converged = true;
      iterations++;
      break;
    }
  }
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const z = score(x, i, beta);
    loss += (w?.[i] ?? 1) * ((y[i] as number) === 1 ? softplus(-z) : softplus(z));
  }
  return {
    format: LOGISTIC_MODEL_FORMAT,
    intercept: beta[0] as number,
    coefficients: Array.from(beta.subarray(1)),
    l2,
    iterations,
    converged,
    trainLogLoss: total > 0 ? loss / total : 0,
  };
}

/** Probability of the positive class for each row. */
export function predictLogistic(model: LogisticModel, x: Matrix): Float64Array {
  if (x.cols !== model.coefficients.length) throw new RangeError(`predictLogistic: ${x.cols} columns for a model of ${model.coefficients.length}`);
  const out = new Float64Array(x.rows);
  for (let i = 0; i < x.rows; i++) {
    let z = model.intercept;
    for (let j = 0; j < x.cols; j++) z += (model.coefficients[j] as number) * (x.data[i * x.cols + j] as number);
    out[i] = sigmoid(z);
  }
  return out;
}

function score(x: Matrix, i: number, beta: Float64Array): number {
  let z = beta[0] as number;
  const row = i * x.cols;
  for (let j = 0; j < x.cols; j++) z += (beta[j + 1] as number) * (x.data[row + j] as number);
  return z;
}

/** Newton direction H⁻¹ g, adding diagonal damping when H is not numerically positive definite. */
function solveDamped(hessian: Float64Array, gradient: Float64Array, p: number): Float64Array | null {
  let damping = 0;
  for (let attempt = 0; attempt < 12; attempt++) {
    const a = damping === 0 ? hessian : hessian.map((v, idx) => (idx % (p + 1) === 0 ? v + damping : v));
    const solved = choleskySolve(a, gradient, p);
    if (solved !== null) return solved;
    damping = damping === 0 ? 1e-10 : damping * 100;
  }
  return null;
}
