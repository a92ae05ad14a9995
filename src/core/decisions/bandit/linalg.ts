import type { Rng } from '../../shared/rng.js';

/**
 * Small dense linear algebra for the linear bandits: d x d matrices are row-major `number[]` (plain
 * arrays so a bandit's state is JSON as it is), vectors are `ArrayLike<number>`. d is small (tens),
 * so everything is the textbook O(d²) / O(d³) loop.
 */
export type Vector = ArrayLike<number>;

/** The d x d identity times `scale`. */
export function scaledIdentity(d: number, scale: number): number[] {
  const m = new Array<number>(d * d).fill(0);
  for (let i = 0; i < d; i++) m[i * d + i] = scale;
  return m;
}

/** m · x for a d x d row-major m. */
export function matVec(m: readonly number[], x: Vector, d: number, out: Float64Array = new Float64Array(d)): Float64Array {
  for (let i = 0; i < d; i++) {
    let s = 0;
    const base = i * d;
    for (let j = 0; j < d; j++) s += (m[base + j] ?? 0) * (x[j] ?? 0);
    out[i] = s;
  }
  return out;
}

export function dot(a: Vector, b: Vector, d: number): number {
  let s = 0;
  for (let i = 0; i < d; i++) s += (a[i] ?? 0) * (b[i] ?? 0);
  return s;
}

/** xᵀ m x. */
export function quadraticForm(m: readonly number[], x: Vector, d: number): number {
  let s = 0;
  for (let i = 0; i < d; i++) {
    const xi = x[i] ?? 0;
    if (xi === 0) continue;
    const base = i * d;
    let row = 0;
    for (let j = 0; j < d; j++) row += (m[base + j] ?? 0) * (x[j] ?? 0);
    s += xi * row;
  }
  return s;
}

/**
 * Sherman-Morrison rank-one update of a symmetric inverse, in place: given inv = A⁻¹, makes it
 * (A + x xᵀ)⁻¹ = A⁻¹ − (A⁻¹x)(A⁻¹x)ᵀ / (1 + xᵀA⁻¹x). O(d²). Only the upper triangle is computed and
 * mirrored, so the result stays exactly symmetric however many updates accumulate.
 */
export function shermanMorrisonUpdate(inv: number[], x: Vector, d: number): void {
  const u = matVec(inv, x, d);
  const denom = 1 + dot(x, u, d);
  for (let i = 0; i < d; i++) {
    const ui = (u[i] ?? 0) / denom;
    for (let j = i; j < d; j++) {
      const v = (inv[i * d + j] ?? 0) - ui * (u[j] ?? 0);
      inv[i * d + j] = v;
      inv[j * d + i] = v;
    }
  }
}

/**
 * Lower-triangular Cholesky factor L (row-major) of a symmetric positive (semi)definite m, m = L Lᵀ.
 * A pivot that rounding pushed to ≤ 0 is replaced by a tiny positive one (the matrices here are
 * inverses of λI + XᵀX, positive definite in exact arithmetic).
 */
export function cholesky(m: readonly number[], d: number): Float64Array {
  const l = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = m[i * d + j] ?? 0;
      for (let k = 0; k < j; k++) s -= (l[i * d + k] ?? 0) * (l[j * d + k] ?? 0);
      if (i === j) {
        l[i * d + i] = Math.sqrt(Math.max(s, 1e-300));
      } else {
        l[i * d + j] = s / (l[j * d + j] ?? 1);
      }
    }
  }
  return l;
}

/** Solves (L Lᵀ) y = b for a Cholesky factor L. */
export function choleskySolve(l: Float64Array, b: Vector, d: number): Float64Array {
  const z = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let s = b[i] ?? 0;
    for (let k = 0; k < i; k++) s -= (l[i * d + k] ?? 0) * (z[k] ?? 0);
    z[i] = s / (l[i * d + i] ?? 1);
  }
  const y = new Float64Array(d);
  for (let i = d - 1; i >= 0; i--) {
    let s = z[i] ?? 0;
    for (let k = i + 1; k < d; k++) s -= (l[k * d + i] ?? 0) * (y[k] ?? 0);
    y[i] = s / (l[i * d + i] ?? 1);
  }
  return y;
}

/** Direct inverse by Gauss-Jordan elimination with partial pivoting (reference and tests). */
export function invert(m: readonly number[], d: number): number[] {
  const a = m.slice();
  const inv = scaledIdentity(d, 1);
  for (let col = 0; col < d; col++) {
    let pivot = col;
    for (let r = col + 1; r < d; r++) if (Math.abs(a[r * d + col] ?? 0) > Math.abs(a[pivot * d + col] ?? 0)) pivot = r;
    const pv = a[pivot * d + col] ?? 0;
    if (pv === 0) throw new RangeError('invert: singular matrix');
    if (pivot !== col) {
      for (let j = 0; j < d; j++) {
        swap(a, col * d + j, pivot * d + j);
        swap(inv, col * d + j, pivot * d + j);
      }
    }
    for (let j = 0; j < d; j++) {
      a[col * d + j] = (a[col * d + j] ?? 0) / pv;
      inv[col * d + j] = (inv[col * d + j] ?? 0) / pv;
    }
    for (let r = 0; r < d; r++) {
      if (r === col) continue;
      const f = a[r * d + col] ?? 0;
      if (f === 0) continue;
      for (let j = 0; j < d; j++) {
        a[r * d + j] = (a[r * d + j] ?? 0) - f * (a[col * d + j] ?? 0);
        inv[r * d + j] = (inv[r * d + j] ?? 0) - f * (inv[col * d + j] ?? 0);
      }
    }
  }
  return inv;
}

function swap(a: number[], i: number, j: number): void {
  const t = a[i] ?? 0;
  a[i] = a[j] ?? 0;
  a[j] = t;
}

/** A standard normal draw by Box-Muller (the cosine half; one normal per two uniforms). */
export function standardNormal(rng: Rng): number {
  const u1 = 1 - rng.next(); // (0, 1], so log is finite
  const u2 = rng.next();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}
