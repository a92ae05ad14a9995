import type { GbdtLoss } from './gbdt-state.js';

/**
 * The two losses, on raw scores (margins). Logistic: y in {0, 1}, p = sigmoid(raw), per-row loss
 * log(1 + e^raw) - y raw, gradient p - y, hessian p (1 - p). Squared: per-row loss (raw - y)^2 / 2,
 * gradient raw - y, hessian 1; its reported loss is the mean squared error.
 */

/** Smallest hessian a logistic row contributes, so a leaf of confident rows keeps a finite value. */
const MIN_HESSIAN = 1e-16;
/** Log-odds are clamped to the mean in [EPS, 1 - EPS] (a one-class target still gives a finite base). */
const EPS = 1e-15;

export function sigmoid(raw: number): number {
  return raw >= 0 ? 1 / (1 + Math.exp(-raw)) : Math.exp(raw) / (1 + Math.exp(raw));
}

/** log(1 + e^x), without overflow. */
function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/** The raw score that minimizes the loss with no tree: log-odds of the mean, or the mean. */
export function baseScoreFor(loss: GbdtLoss, y: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < y.length; i++) sum += y[i]!;
  const mean = y.length === 0 ? 0 : sum / y.length;
  if (loss === 'squared') return mean;
  const p = Math.min(1 - EPS, Math.max(EPS, mean));
  return Math.log(p / (1 - p));
}

/** Gradients and hessians of rows [0, n) at their raw scores. */
export function computeGradients(loss: GbdtLoss, raw: Float64Array, y: Float64Array, grad: Float64Array, hess: Float64Array): void {
  const n = raw.length;
  if (loss === 'squared') {
    for (let i = 0; i < n; i++) {
      grad[i] = raw[i]! - y[i]!;
      hess[i] = 1;
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const p = sigmoid(raw[i]!);
    grad[i] = p - y[i]!;
    const h = p * (1 - p);
    hess[i] = h > MIN_HESSIAN ? h : MIN_HESSIAN;
  }
}

/** Mean loss: log loss (natural log) for logistic, mean squared error for squared. */
export function meanLoss(loss: GbdtLoss, raw: Float64Array, y: Float64Array): number {
  const n = raw.length;
  if (n === 0) return NaN;
  let sum = 0;
  if (loss === 'squared') {
    for (let i = 0; i < n; i++) {
      const d = raw[i]! - y[i]!;
      sum += d * d;
    }
  } else {
    for (let i = 0; i < n; i++) sum += softplus(raw[i]!) - y[i]! * raw[i]!;
  }
  return sum / n;
}

/** Raw scores to predictions: probabilities for logistic, identity for squared (in place). */
export function rawToPrediction(loss: GbdtLoss, raw: Float64Array): Float64Array {
  if (loss === 'logistic') for (let i = 0; i < raw.length; i++) raw[i] = sigmoid(raw[i]!);
  return raw;
}
