import type { Rng } from '../shared/rng.js';
import type { InteractionMatrix } from './interactions.js';
import { trainingHoldout, validationNdcg } from './training-holdout.js';
import { topK, userItems } from './interactions.js';

/**
 * EASE (Steck 2019, "Embarrassingly Shallow Autoencoders for Sparse Data"): with G = XᵀX + λI on the
 * binary training matrix X and P = G⁻¹, the item-item weights are B = I − P·diag(1/diag(P)), i.e.
 * B[i][j] = −P[i][j] / P[j][j] off the diagonal and 0 on it; a user's scores are x_u·B.
 */
export interface EaseModel {
  readonly nItems: number;
  readonly lambda: number;
  /** Row-major nItems x nItems. */
  readonly weights: Float64Array;
}

/** The Gram matrix XᵀX (full, row-major). */
export function gramMatrix(x: InteractionMatrix): Float64Array {
  const n = x.nItems;
  const g = new Float64Array(n * n);
  for (let u = 0; u < x.nUsers; u++) {
    const row = userItems(x, u);
    for (let a = 0; a < row.length; a++) {
      const base = (row[a] ?? 0) * n;
      for (let b = 0; b < row.length; b++) {
        const j = row[b] ?? 0;
        g[base + j] = (g[base + j] ?? 0) + 1;
      }
    }
  }
  return g;
}

/** Σ a[ao + t]·b[bo + t] for t in [0, len), four accumulators (contiguous rows). */
function dot(a: Float64Array, ao: number, b: Float64Array, bo: number, len: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let t = 0;
  const end4 = len - 3;
  for (; t < end4; t += 4) {
    s0 += (a[ao + t] as number) * (b[bo + t] as number);
    s1 += (a[ao + t + 1] as number) * (b[bo + t + 1] as number);
    s2 += (a[ao + t + 2] as number) * (b[bo + t + 2] as number);
    s3 += (a[ao + t + 3] as number) * (b[bo + t + 3] as number);
  }
  for (; t < len; t++) s0 += (a[ao + t] as number) * (b[bo + t] as number);
  return s0 + s1 + (s2 + s3);
}

/**
 * Inverse of a symmetric positive-definite matrix (row-major n x n, only the lower triangle read) via
 * Cholesky: G = LLᵀ, U = L⁻ᵀ (upper; row j of U solves L·u = e_j), G⁻¹ = UUᵀ. Each of the three
 * n³/6 phases is made of dot products of contiguous rows, the Cholesky and the product UUᵀ in 2 x 2
 * register tiles (four dot products share their loads). The input is not modified; the full
 * symmetric inverse is returned.
 */
export function invertSpd(g: Float64Array, n: number): Float64Array {
  if (g.length !== n * n) throw new RangeError('invertSpd: size mismatch');
  const l = new Float64Array(n * n);
  const invDiag = new Float64Array(n);
  // One scalar Cholesky entry L[i][j] (j < i), or the pivot when j = i.
  const entry = (i: number, j: number): void => {
    const ri = i * n;
    if (j < i) {
      l[ri + j] = ((g[ri + j] ?? 0) - dot(l, ri, l, j * n, j)) * (invDiag[j] as number);
      return;
    }
    const s = (g[ri + i] ?? 0) - dot(l, ri, l, ri, i);
    if (!(s > 0)) throw new RangeError(`invertSpd: matrix is not positive definite (pivot ${i}: ${s})`);
    const d = Math.sqrt(s);
    l[ri + i] = d;
    invDiag[i] = 1 / d;
  };
  // Cholesky by pairs of rows: L[i][j] = (G[i][j] − L[i][0..j)·L[j][0..j)) / L[j][j].
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const r0 = i * n;
    const r1 = r0 + n;
    let j = 0;
    for (; j + 1 < i; j += 2) {
      const c0 = j * n;
      const c1 = c0 + n;
      let a00 = 0;
      let a01 = 0;
      let a10 = 0;
      let a11 = 0;
      for (let t = 0; t < j; t++) {
        const x0 = l[r0 + t] as number;
        const x1 = l[r1 + t] as number;
        const y0 = l[c0 + t] as number;
        const y1 = l[c1 + t] as number;
        a00 += x0 * y0;
        a01 += x0 * y1;
        a10 += x1 * y0;
        a11 += x1 * y1;
      }
      const ljj = invDiag[j] as number;
      const l0j = ((g[r0 + j] ?? 0) - a00) * ljj;
      const l1j = ((g[r1 + j] ?? 0) - a10) * ljj;
      l[r0 + j] = l0j;
      l[r1 + j] = l1j;
      const lj1j = l[c1 + j] as number;
      const ljj1 = invDiag[j + 1] as number;
      l[r0 + j + 1] = ((g[r0 + j + 1] ?? 0) - a01 - l0j * lj1j) * ljj1;
      l[r1 + j + 1] = ((g[r1 + j + 1] ?? 0) - a11 - l1j * lj1j) * ljj1;
    }
    for (; j < i; j++) {
      entry(i, j);
      entry(i + 1, j);
    }
    entry(i, i);
    entry(i + 1, i);
    entry(i + 1, i + 1);
  }
  for (; i < n; i++) for (let j = 0; j <= i; j++) entry(i, j);
  // U[j][i] = (δ_ij − Σ_{t=j}^{i−1} L[i][t]·U[j][t]) / L[i][i] for i ≥ j (forward substitution per row).
  // Rows j, j + 1 of U advance together, two columns r, r + 1 at a time (U[j + 1][j] = 0).
  const u = new Float64Array(n * n);
  const solveRow = (j: number): void => {
    const rj = j * n;
    u[rj + j] = invDiag[j] as number;
    for (let r = j + 1; r < n; r++) u[rj + r] = -dot(l, r * n + j, u, rj + j, r - j) * (invDiag[r] as number);
  };
  let j = 0;
  for (; j + 1 < n; j += 2) {
    const u0 = j * n;
    const u1 = u0 + n;
    u[u0 + j] = invDiag[j] as number;
    u[u1 + j + 1] = invDiag[j + 1] as number;
    u[u0 + j + 1] = -(l[u1 + j] as number) * (invDiag[j] as number) * (invDiag[j + 1] as number);
    let r = j + 2;
    for (; r + 1 < n; r += 2) {
      const l0 = r * n;
      const l1 = l0 + n;
      let a00 = 0;
      let a01 = 0;
      let a10 = 0;
      let a11 = 0;
      for (let t = j; t < r; t++) {
        const x0 = u[u0 + t] as number;
        const x1 = u[u1 + t] as number;
        const y0 = l[l0 + t] as number;
        const y1 = l[l1 + t] as number;
        a00 += x0 * y0;
        a01 += x0 * y1;
        a10 += x1 * y0;
        a11 += x1 * y1;
      }
      const d0 = invDiag[r] as number;
      const d1 = invDiag[r + 1] as number;
      const v0 = -a00 * d0;
      const v1 = -a10 * d0;
      u[u0 + r] = v0;
      u[u1 + r] = v1;
      const lrr = l[l1 + r] as number;
      u[u0 + r + 1] = -(a01 + lrr * v0) * d1;
      u[u1 + r + 1] = -(a11 + lrr * v1) * d1;
    }
    for (; r < n; r++) {
      const lr = r * n;
      u[u0 + r] = -dot(l, lr + j, u, u0 + j, r - j) * (invDiag[r] as number);
      u[u1 + r] = -dot(l, lr + j, u, u1 + j, r - j) * (invDiag[r] as number);
    }
  }
  for (; j < n; j++) solveRow(j);
  // P[a][b] = Σ_{t ≥ a} U[a][t]·U[b][t] for b ≤ a (U[a][t] = 0 for t < a), in 2 x 2 tiles, mirrored.
  const p = l; // L is no longer needed
  const put = (a: number, b: number, v: number): void => {
    p[a * n + b] = v;
    p[b * n + a] = v;
  };
  let a = 0;
  for (; a + 1 < n; a += 2) {
    const r0 = a * n;
    const r1 = r0 + n;
    for (let b = 0; b <= a; b += 2) {
      const c0 = b * n;
      const c1 = c0 + n;
      let a00 = 0;
      let a01 = 0;
      let a10 = 0;
      let a11 = 0;
      for (let t = a; t < n; t++) {
        const x0 = u[r0 + t] as number;
        const x1 = u[r1 + t] as number;
        const y0 = u[c0 + t] as number;
        const y1 = u[c1 + t] as number;
        a00 += x0 * y0;
        a01 += x0 * y1;
        a10 += x1 * y0;
        a11 += x1 * y1;
      }
      put(a, b, a00);
      put(a + 1, b, a10);
      put(a + 1, b + 1, a11);
      if (b + 1 < a) put(a, b + 1, a01);
    }
  }
  for (; a < n; a++) for (let b = 0; b <= a; b++) put(a, b, dot(u, a * n + a, u, b * n + a, n - a));
  return p;
}

/** Fits EASE with L2 weight lambda (> 0). */
export function fitEase(x: InteractionMatrix, lambda: number): EaseModel {
  if (!(lambda > 0)) throw new RangeError(`fitEase: lambda must be > 0, got ${lambda}`);
  const n = x.nItems;
  const g = gramMatrix(x);
  for (let i = 0; i < n; i++) g[i * n + i] = (g[i * n + i] as number) + lambda;
  const p = invertSpd(g, n);
  const diag = new Float64Array(n);
  for (let j = 0; j < n; j++) diag[j] = -1 / (p[j * n + j] as number);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j < n; j++) p[ri + j] = (p[ri + j] as number) * (diag[j] as number);
    p[ri + i] = 0;
  }
  return { nItems: n, lambda, weights: p };
}

/** Scores of every item for a user holding `items` (sum of the rows of B), written into out. */
export function easeScores(model: EaseModel, items: ArrayLike<number>, out: Float64Array = new Float64Array(model.nItems)): Float64Array {
  const n = model.nItems;
  out.fill(0);
  for (let a = 0; a < items.length; a++) {
    const r = (items[a] ?? 0) * n;
    for (let j = 0; j < n; j++) out[j] = (out[j] as number) + (model.weights[r + j] as number);
  }
  return out;
}

/** Top k items for user u of x, excluding the user's training items. */
export function recommendEase(model: EaseModel, x: InteractionMatrix, u: number, k: number, scratch?: Float64Array): number[] {
  const seen = userItems(x, u);
  return topK(easeScores(model, seen, scratch), k, seen);
}

export interface LambdaSelection {
  readonly lambda: number;
  /** Validation NDCG@k per candidate, in candidate order. */
  readonly scores: readonly { readonly lambda: number; readonly ndcg: number }[];
}

/**
 * Chooses λ on the training data only: for every user with at least 2 training items, a fraction of
 * them (at least 1, at most all but 1) is held out at random (rng); EASE is fitted on the rest for each
 * candidate and scored by NDCG@k on the held-out items. The best candidate wins (the first on ties).
 */
export function selectEaseLambda(
  x: InteractionMatrix,
  candidates: readonly number[],
  rng: Rng,
  options: { readonly holdoutFraction?: number; readonly k?: number } = {},
): LambdaSelection {
  if (candidates.length === 0) throw new RangeError('selectEaseLambda: no candidates');
  const fraction = options.holdoutFraction ?? 0.25;
  const k = options.k ?? 10;
  const { fit, held } = trainingHoldout(x, fraction, rng);
  const scores: { lambda: number; ndcg: number }[] = [];
  const scratch = new Float64Array(x.nItems);
  for (const lambda of candidates) {
    const model = fitEase(fit, lambda);
    scores.push({ lambda, ndcg: validationNdcg(held, k, (u, n) => recommendEase(model, fit, u, n, scratch)) });
  }
  let best = scores[0] ?? { lambda: candidates[0] ?? 1, ndcg: 0 };
  for (const s of scores) if (s.ndcg > best.ndcg) best = s;
  return { lambda: best.lambda, scores };
}
