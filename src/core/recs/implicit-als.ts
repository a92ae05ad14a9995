import type { Rng } from '../shared/rng.js';
import type { InteractionMatrix } from './interactions.js';
import { topK, userItems } from './interactions.js';
import { itemUsers } from './item-similarity.js';

/**
 * Implicit-feedback matrix factorisation (Hu, Koren & Volinsky 2008, "Collaborative Filtering for
 * Implicit Feedback Datasets"). Preference p_ui = 1 where the binary matrix has an entry, else 0;
 * confidence c_ui = 1 + α·r_ui (r_ui = 1 on entries, so c = 1 + α there and 1 elsewhere). Minimises
 *
 *   Σ_{u,i} c_ui (p_ui − x_uᵀ y_i)² + λ (Σ_u |x_u|² + Σ_i |y_i|²)
 *
 * by alternating sweeps. With Y fixed, x_u solves (YᵀY + Σ_{i∈u} (c_ui − 1) y_i y_iᵀ + λI) x_u =
 * Σ_{i∈u} c_ui y_i; YᵀY is shared by all users, so A·v costs f² + 2f·|u|. Instead of an exact solve,
 * each row runs a few conjugate-gradient steps warm-started from its previous value (the CG variant of
 * Takács, Pilászy & Tikk 2011). Items are updated symmetrically. Factors start uniform in
 * ±initScale/2 from the rng; the whole fit is deterministic for a given rng state.
 */
export interface AlsModel {
  readonly nUsers: number;
  readonly nItems: number;
  readonly factors: number;
  /** Row-major nUsers x factors. */
  readonly userFactors: Float64Array;
  /** Row-major nItems x factors. */
  readonly itemFactors: Float64Array;
}

export interface AlsOptions {
  /** Latent dimension f (default 32). */
  readonly factors?: number;
  /** Confidence slope α (default 10). */
  readonly alpha?: number;
  /** L2 weight λ (default 1). */
  readonly lambda?: number;
  /** Alternating sweeps, users then items (default 15). */
  readonly sweeps?: number;
  /** CG steps per row and half-sweep (default 3). */
  readonly cgSteps?: number;
  /** Initial factors are uniform in ±initScale/2 (default 0.01). */
  readonly initScale?: number;
}

/** YᵀY (f x f, row-major) of a row-major n x f factor matrix. */
function gram(y: Float64Array, n: number, f: number, out: Float64Array): void {
  out.fill(0);
  for (let r = 0; r < n; r++) {
    const o = r * f;
    for (let a = 0; a < f; a++) {
      const ya = y[o + a] as number;
      if (ya === 0) continue;
      const ra = a * f;
      for (let b = a; b < f; b++) out[ra + b] = (out[ra + b] as number) + ya * (y[o + b] as number);
    }
  }
  for (let a = 0; a < f; a++) for (let b = 0; b < a; b++) out[a * f + b] = out[b * f + a] as number;
}

/**
 * One half-sweep: every row of `x` (rows of the CSR ptr/idx) is moved by `cgSteps` CG steps towards the
 * solution of its normal equations against the fixed factors `y`.
 */
function halfSweep(
  ptr: Int32Array,
  idx: Int32Array,
  nRows: number,
  x: Float64Array,
  y: Float64Array,
  nY: number,
  f: number,
  alpha: number,
  lambda: number,
  cgSteps: number,
): void {
  const yty = new Float64Array(f * f);
  gram(y, nY, f, yty);
  const r = new Float64Array(f);
  const p = new Float64Array(f);
  const ap = new Float64Array(f);
  const c = 1 + alpha;
  // out = (YᵀY + λI)·v + Σ_{i∈row} α (y_i·v) y_i
  const applyA = (start: number, end: number, v: Float64Array, vo: number, out: Float64Array): void => {
    for (let a = 0; a < f; a++) {
      const ra = a * f;
      let s = lambda * (v[vo + a] as number);
      for (let b = 0; b < f; b++) s += (yty[ra + b] as number) * (v[vo + b] as number);
      out[a] = s;
    }
    for (let e = start; e < end; e++) {
      const o = (idx[e] as number) * f;
      let d = 0;
      for (let a = 0; a < f; a++) d += (y[o + a] as number) * (v[vo + a] as number);
      d *= alpha;
      for (let a = 0; a < f; a++) out[a] = (out[a] as number) + d * (y[o + a] as number);
    }
  };
  for (let u = 0; u < nRows; u++) {
    const start = ptr[u] as number;
    const end = ptr[u + 1] as number;
    const xo = u * f;
    // r = b − A·x with b = Σ_{i∈row} c·y_i
    applyA(start, end, x, xo, ap);
    for (let a = 0; a < f; a++) r[a] = -(ap[a] as number);
    for (let e = start; e < end; e++) {
      const o = (idx[e] as number) * f;
      for (let a = 0; a < f; a++) r[a] = (r[a] as number) + c * (y[o + a] as number);
    }
    let rs = 0;
    for (let a = 0; a < f; a++) {
      const ra = r[a] as number;
      p[a] = ra;
      rs += ra * ra;
    }
    for (let step = 0; step < cgSteps && rs > 1e-20; step++) {
      applyA(start, end, p, 0, ap);
      let pap = 0;
      for (let a = 0; a < f; a++) pap += (p[a] as number) * (ap[a] as number);
      if (!(pap > 0)) break;
      const stepLen = rs / pap;
      let rsNew = 0;
      for (let a = 0; a < f; a++) {
        x[xo + a] = (x[xo + a] as number) + stepLen * (p[a] as number);
        const ra = (r[a] as number) - stepLen * (ap[a] as number);
        r[a] = ra;
        rsNew += ra * ra;
      }
      const beta = rsNew / rs;
      for (let a = 0; a < f; a++) p[a] = (r[a] as number) + beta * (p[a] as number);
      rs = rsNew;
    }
  }
}

export function fitAls(x: InteractionMatrix, rng: Rng, options: AlsOptions = {}): AlsModel {
  const f = options.factors ?? 32;
  const alpha = options.alpha ?? 10;
  const lambda = options.lambda ?? 1;
  const sweeps = options.sweeps ?? 15;
  const cgSteps = options.cgSteps ?? 3;
  const initScale = options.initScale ?? 0.01;
  if (!(Number.isInteger(f) && f >= 1)) throw new RangeError(`fitAls: factors must be an integer ≥ 1, got ${f}`);
  if (!(alpha >= 0)) throw new RangeError(`fitAls: alpha must be ≥ 0, got ${alpha}`);
  if (!(lambda > 0)) throw new RangeError(`fitAls: lambda must be > 0, got ${lambda}`);
  if (!(Number.isInteger(sweeps) && sweeps >= 0)) throw new RangeError(`fitAls: sweeps must be an integer ≥ 0, got ${sweeps}`);
  if (!(Number.isInteger(cgSteps) && cgSteps >= 1)) throw new RangeError(`fitAls: cgSteps must be an integer ≥ 1, got ${cgSteps}`);
  const userFactors = new Float64Array(x.nUsers * f);
  const itemFactors = new Float64Array(x.nItems * f);
  for (let t = 0; t < userFactors.length; t++) userFactors[t] = (rng.next() - 0.5) * initScale;
  for (let t = 0; t < itemFactors.length; t++) itemFactors[t] = (rng.next() - 0.5) * initScale;
  const { colPtr, rowIdx } = itemUsers(x);
  for (let s = 0; s < sweeps; s++) {
    halfSweep(x.rowPtr, x.colIdx, x.nUsers, userFactors, itemFactors, x.nItems, f, alpha, lambda, cgSteps);
    halfSweep(colPtr, rowIdx, x.nItems, itemFactors, userFactors, x.nUsers, f, alpha, lambda, cgSteps);
  }
  return { nUsers: x.nUsers, nItems: x.nItems, factors: f, userFactors, itemFactors };
}

/** x_u · y_i for every item i, written into out (u out of range: all 0). */
export function alsScores(model: AlsModel, u: number, out: Float64Array = new Float64Array(model.nItems)): Float64Array {
  const f = model.factors;
  if (!(u >= 0 && u < model.nUsers)) return out.fill(0);
  const xo = u * f;
  const xu = model.userFactors.subarray(xo, xo + f);
  const y = model.itemFactors;
  for (let i = 0; i < model.nItems; i++) {
    const o = i * f;
    let s = 0;
    for (let a = 0; a < f; a++) s += (xu[a] as number) * (y[o + a] as number);
    out[i] = s;
  }
  return out;
}

/** Top k items for user u of x, excluding the user's training items. */
export function recommendAls(model: AlsModel, x: InteractionMatrix, u: number, k: number, scratch?: Float64Array): number[] {
  const seen = u >= 0 && u < x.nUsers ? userItems(x, u) : new Int32Array(0);
  return topK(alsScores(model, u, scratch), k, seen);
}
