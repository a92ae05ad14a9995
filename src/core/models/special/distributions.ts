/**
 * Distribution functions for the statistics of experiments: the regularized incomplete gamma and
 * beta functions, and from them the normal, Student t and chi-square CDFs and quantiles.
 *
 * - P(a, x) / Q(a, x) (regularized incomplete gamma): the power series for x < a + 1, otherwise the
 *   continued fraction for Q (modified Lentz), so neither ever subtracts from 1 near 1. Upper tails
 *   keep their relative accuracy far out (Q(1/2, 700) ≈ 1e-306).
 * - I_x(a, b) (regularized incomplete beta): the continued fraction of DLMF 8.17.22 on the side
 *   x < (a + 1) / (a + b + 2), where it converges fast, and I_x(a, b) = 1 - I_{1-x}(b, a) otherwise.
 *   The complement argument y = 1 - x may be passed separately so that callers holding y exactly
 *   (the t distribution: y = t² / (ν + t²)) lose nothing to rounding.
 * - Φ(x) = erfc(-x / √2) / 2 with erfc(z) = Q(1/2, z²) for z >= 0: the lower tail keeps its
 *   relative accuracy too (Φ(-37) ≈ 5.7e-300).
 * - Φ⁻¹(p): the Abramowitz–Stegun 26.2.23 rational start (error < 4.5e-4), then Halley steps on
 *   the accurate CDF to full double precision.
 * - Student t: F(t; ν) = 1 - I_{ν/(ν+t²)}(ν/2, 1/2) / 2 for t > 0; the quantile by safeguarded
 *   Newton from the normal quantile with Hill's (1970) Cornish–Fisher correction.
 * Accuracy against scipy is pinned by src/core/experiments/golden (scripts/gen-golden-experiments.py).
 */
import { logGamma } from './log-gamma.js';

const EPS = 1e-16;
const TINY = 1e-300;
const MAX_ITER = 100_000;

function lowerGammaSeries(a: number, x: number): number {
  let term = 1 / a;
  let sum = term;
  for (let n = 1; n < MAX_ITER; n++) {
    term *= x / (a + n);
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * EPS) break;
  }
  return sum * Math.exp(-x + a * Math.log(x) - logGamma(a));
}

function upperGammaFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITER; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h;
}

/** Regularized lower incomplete gamma P(a, x) = γ(a, x) / Γ(a); a > 0, x >= 0. */
export function regularizedGammaP(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) return Number.NaN;
  if (x === 0) return 0;
  if (x === Number.POSITIVE_INFINITY) return 1;
  return x < a + 1 ? lowerGammaSeries(a, x) : 1 - upperGammaFraction(a, x);
}

/** Regularized upper incomplete gamma Q(a, x) = 1 - P(a, x), accurate in the far tail. */
export function regularizedGammaQ(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) return Number.NaN;
  if (x === 0) return 1;
  if (x === Number.POSITIVE_INFINITY) return 0;
  return x < a + 1 ? 1 - lowerGammaSeries(a, x) : upperGammaFraction(a, x);
}

/** ln B(a, b). */
export function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

/** Continued fraction for I_x(a, b) (x on the fast side), modified Lentz. */
function betaFraction(x: number, y: number, a: number, b: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m < MAX_ITER; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  const front = Math.exp(a * Math.log(x) + b * Math.log(y) - logBeta(a, b)) / a;
  return front * h;
}

/**
 * Regularized incomplete beta I_x(a, b); a, b > 0, 0 <= x <= 1. `y` is 1 - x when the caller has it
 * more accurately than 1 - x would give.
 */
export function regularizedBeta(x: number, a: number, b: number, y: number = 1 - x): number {
  if (!(a > 0) || !(b > 0) || !(x >= 0) || !(x <= 1)) return Number.NaN;
  if (x === 0) return 0;
  if (y === 0) return 1;
  if (x < (a + 1) / (a + b + 2)) return betaFraction(x, y, a, b);
  return 1 - betaFraction(y, x, b, a);
}

/** The quantile of Beta(a, b): the x with I_x(a, b) = p, by bisection (monotone, 1e-15 wide). */
export function betaQuantile(p: number, a: number, b: number): number {
  if (!(p >= 0 && p <= 1) || !(a > 0) || !(b > 0)) return Number.NaN;
  if (p === 0) return 0;
  if (p === 1) return 1;
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 200 && hi - lo > 1e-15; i++) {
    const mid = 0.5 * (lo + hi);
    if (regularizedBeta(mid, a, b) < p) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

const SQRT_HALF = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** The standard normal density φ(x). */
export function normalPdf(x: number): number {
  return INV_SQRT_2PI * Math.exp(-0.5 * x * x);
}

/** The standard normal CDF Φ(x), with relative accuracy kept in both tails. */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const z = x * SQRT_HALF;
  const tail = 0.5 * regularizedGammaQ(0.5, z * z); // P(N > |x|)
  return x < 0 ? tail : 1 - tail;
}

/** The upper tail 1 - Φ(x), accurate for large x. */
export function normalSf(x: number): number {
  return normalCdf(-x);
}

/** The standard normal quantile Φ⁻¹(p); ±Infinity at 0 and 1. */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) return Number.NaN;
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  const lower = p < 0.5;
  const q = lower ? p : 1 - p; // tail mass, <= 1/2
  const t = Math.sqrt(-2 * Math.log(q));
  // Abramowitz & Stegun 26.2.23: the upper-tail point for tail mass q.
  let x = t - (2.515517 + 0.802853 * t + 0.010328 * t * t) / (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t);
  x = lower ? -x : x;
  // Halley steps on f(x) = Φ(x) - p; use the tail that holds p for accuracy.
  for (let i = 0; i < 8; i++) {
    const err = lower ? normalCdf(x) - p : -(normalCdf(-x) - (1 - p));
    const pdf = normalPdf(x);
    if (pdf === 0) break;
    const u = err / pdf;
    const step = u / (1 + 0.5 * x * u);
    x -= step;
    if (Math.abs(step) <= 1e-15 * Math.max(1, Math.abs(x))) break;
  }
  return x;
}

/** Student t density with ν degrees of freedom. */
export function studentTPdf(t: number, df: number): number {
  return Math.exp(logGamma((df + 1) / 2) - logGamma(df / 2) - 0.5 * Math.log(df * Math.PI) - ((df + 1) / 2) * Math.log1p((t * t) / df));
}

/** Student t CDF with ν > 0 degrees of freedom (ν = Infinity gives the normal CDF). */
export function studentTCdf(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return Number.NaN;
  if (df === Number.POSITIVE_INFINITY) return normalCdf(t);
  if (t === Number.POSITIVE_INFINITY) return 1;
  if (t === Number.NEGATIVE_INFINITY) return 0;
  const t2 = t * t;
  const x = df / (df + t2);
  const y = t2 / (df + t2);
  const tail = 0.5 * regularizedBeta(x, df / 2, 0.5, y); // P(T > |t|)
  return t < 0 ? tail : 1 - tail;
}

/** Student t quantile: the t with F(t; ν) = p. */
export function studentTQuantile(p: number, df: number): number {
  if (!(p >= 0 && p <= 1) || !(df > 0)) return Number.NaN;
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  if (df === Number.POSITIVE_INFINITY) return normalQuantile(p);
  if (p === 0.5) return 0;
  const lower = p < 0.5;
  const q = lower ? p : 1 - p; // target lower-tail mass, the quantile is negative
  if (df === 1) {
    const v = Math.tan(Math.PI * (q - 0.5));
    return lower ? v : -v;
  }
  const z = normalQuantile(q);
  const z3 = z * z * z;
  let x = z + (z3 + z) / (4 * df) + (5 * z3 * z * z + 16 * z3 + 3 * z) / (96 * df * df);
  // Bracket [lo, hi] around the root of F(x) = q on x < 0, Newton with bisection fallback.
  let lo = Number.NEGATIVE_INFINITY;
  let hi = 0;
  if (!(x < 0) || !Number.isFinite(x)) x = -1;
  for (let i = 0; i < 200; i++) {
    const f = studentTCdf(x, df) - q;
    if (f > 0) hi = x;
    else lo = x;
    const pdf = studentTPdf(x, df);
    let next = x - f / pdf;
    if (!(next > lo && next < hi) || !Number.isFinite(next)) {
      next = Number.isFinite(lo) ? 0.5 * (lo + hi) : 2 * x;
    }
    if (Math.abs(next - x) <= 1e-14 * Math.max(1, Math.abs(x))) {
      x = next;
      break;
    }
    x = next;
  }
  return lower ? x : -x;
}

/** Chi-square CDF with k degrees of freedom. */
export function chiSquareCdf(x: number, k: number): number {
  if (x <= 0) return 0;
  return regularizedGammaP(k / 2, x / 2);
}

/** Chi-square upper tail P(X > x), accurate in the far tail (the p-value of a chi-square test). */
export function chiSquareSf(x: number, k: number): number {
  if (x <= 0) return 1;
  return regularizedGammaQ(k / 2, x / 2);
}
