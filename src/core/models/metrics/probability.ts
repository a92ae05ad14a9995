import { checkBinary } from './labels.js';

/** Probabilities are clipped to [EPS, 1 - EPS] before the log, as is customary, so a 0 or 1 stays finite. */
export const LOG_LOSS_EPS = 1e-15;

function checkProbabilities(what: string, p: ArrayLike<number>): void {
  for (let i = 0; i < p.length; i++) {
    const v = p[i] ?? NaN;
    if (!(v >= 0 && v <= 1)) throw new RangeError(`${what}: probability ${i} is ${v}, expected a number in [0, 1]`);
  }
}

/** Mean negative log-likelihood (natural log) of binary labels under predicted probabilities. */
export function logLoss(y: ArrayLike<number>, p: ArrayLike<number>): number {
  checkBinary('logLoss', y, p);
  checkProbabilities('logLoss', p);
  if (y.length === 0) return NaN;
  let sum = 0;
  for (let i = 0; i < y.length; i++) {
    const q = Math.min(1 - LOG_LOSS_EPS, Math.max(LOG_LOSS_EPS, p[i] ?? 0));
    sum -= y[i] === 1 ? Math.log(q) : Math.log(1 - q);
  }
  return sum / y.length;
}

/** Brier score: the mean squared difference between probability and outcome (0 is perfect). */
export function brierScore(y: ArrayLike<number>, p: ArrayLike<number>): number {
  checkBinary('brierScore', y, p);
  checkProbabilities('brierScore', p);
  if (y.length === 0) return NaN;
  let sum = 0;
  for (let i = 0; i < y.length; i++) {
    const d = (p[i] ?? 0) - (y[i] ?? 0);
    sum += d * d;
  }
  return sum / y.length;
}
