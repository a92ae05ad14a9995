import type { Objective } from './nelder-mead.js';

/**
 * Finite-difference derivatives of a smooth f: R^n -> R, for convergence checks and standard errors
 * of optimizers that do not use derivatives.
 *
 * Gradient: central differences with h_i = ε^(1/3) max(1, |x_i|) (error O(h²) + O(ε|f|/h), about
 * 1e-10 relative for well-scaled f). Hessian: central second differences with h_i = ε^(1/4) max(1, |x_i|).
 */

const GRADIENT_STEP = Math.cbrt(Number.EPSILON);
const HESSIAN_STEP = Math.pow(Number.EPSILON, 0.25);

function shifted(x: readonly number[], i: number, di: number, j = -1, dj = 0): number[] {
  const y = [...x];
  y[i] = (y[i] ?? 0) + di;
  if (j >= 0) y[j] = (y[j] ?? 0) + dj;
  return y;
}

export function numericGradient(f: Objective, x: readonly number[]): number[] {
  return x.map((xi, i) => {
    const h = GRADIENT_STEP * Math.max(1, Math.abs(xi));
    return (f(shifted(x, i, h)) - f(shifted(x, i, -h))) / (2 * h);
  });
}

/** Symmetric Hessian as rows. */
export function numericHessian(f: Objective, x: readonly number[]): number[][] {
  const n = x.length;
  const h = x.map((xi) => HESSIAN_STEP * Math.max(1, Math.abs(xi)));
  const f0 = f(x);
  const hess = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    const hi = h[i] ?? 0;
    const row = hess[i] as number[];
    row[i] = (f(shifted(x, i, hi)) - 2 * f0 + f(shifted(x, i, -hi))) / (hi * hi);
    for (let j = 0; j < i; j++) {
      const hj = h[j] ?? 0;
      const v = (f(shifted(x, i, hi, j, hj)) - f(shifted(x, i, hi, j, -hj)) - f(shifted(x, i, -hi, j, hj)) + f(shifted(x, i, -hi, j, -hj))) / (4 * hi * hj);
      row[j] = v;
      (hess[j] as number[])[i] = v;
    }
  }
  return hess;
}

/**
 * Inverse of a symmetric positive-definite matrix by Cholesky; null when it is not positive
 * definite (or not finite), e.g. a Hessian at a saddle or on a flat ridge.
 */
export function invertSymmetricPositiveDefinite(m: readonly (readonly number[])[]): number[][] | null {
  const n = m.length;
  const l = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = m[i]?.[j] ?? Number.NaN;
      for (let k = 0; k < j; k++) s -= (l[i]?.[k] ?? 0) * (l[j]?.[k] ?? 0);
      if (i === j) {
        if (!(s > 0) || !Number.isFinite(s)) return null;
        (l[i] as number[])[i] = Math.sqrt(s);
      } else {
        (l[i] as number[])[j] = s / (l[j]?.[j] ?? Number.NaN);
      }
    }
  }
  // inverse(L) by forward substitution, then inverse(M) = inverse(L)^T inverse(L).
  const li = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let c = 0; c < n; c++) {
    for (let i = c; i < n; i++) {
      let s = i === c ? 1 : 0;
      for (let k = c; k < i; k++) s -= (l[i]?.[k] ?? 0) * (li[k]?.[c] ?? 0);
      (li[i] as number[])[c] = s / (l[i]?.[i] ?? Number.NaN);
    }
  }
  const inv = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = i; k < n; k++) s += (li[k]?.[i] ?? 0) * (li[k]?.[j] ?? 0);
      (inv[i] as number[])[j] = s;
      (inv[j] as number[])[i] = s;
    }
  }
  return inv.every((row) => row.every(Number.isFinite)) ? inv : null;
}
