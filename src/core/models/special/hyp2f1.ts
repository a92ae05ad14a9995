/**
 * The Gauss hypergeometric function 2F1(a, b; c; z) for real a, b, c and real z < 1.
 *
 * Method (no connection formulas around z = 1, so nothing special when c - a - b is an integer):
 *
 * 1. a or b a non-positive integer: the series terminates; the polynomial is summed for any z.
 * 2. z < 0: Pfaff's transformation 2F1(a, b; c; z) = (1-z)^-b 2F1(c-a, b; c; w) (or the same with
 *    a and b exchanged), w = z / (z - 1) in (0, 1), picking the form with the smaller |a' b'| (for
 *    the BG/NBD arguments, the one whose numerator parameters do not grow with x). The positive
 *    argument makes the series' terms keep one sign for positive parameters: no cancellation.
 * 3. 0 < z <= 1/2, and z > 1/2 when it converges within (|a| + |b| + |c|) + 1000 terms: the power
 *    series Σ t_n, t_{n+1} = t_n (a+n)(b+n) / ((c+n)(n+1)) z. It stops once the index is past the
 *    parameters (so the term ratios have settled towards z) and the tail, bounded by
 *    |t_n| ρ / (1 - ρ) with ρ = max(|ratio_n|, z), is below 1e-17 of the sum. Near z = 1/2 this takes
 *    about 55 terms for moderate parameters.
 * 4. Otherwise (z near 1, where the series needs ~ln(ε)/ln(z) terms: millions at z = 1 - 1e-5):
 *    analytic continuation along the real axis by re-expanding the solution of the hypergeometric
 *    equation
 *        z (1 - z) w'' + (c - (a + b + 1) z) w' - a b w = 0
 *    in Taylor series. Starting from w and w' at 1/2 (from the series of 3.), each step from z0
 *    moves h = min(z - z0, (1 - z0)/2), half the distance to the singular point 1 (the other one, 0,
 *    is farther), so every Taylor series converges like 2^-k. With w(z0 + h) = Σ d_k, d_k = c_k h^k,
 *    the equation gives the three-term recurrence
 *        d_{k+2} = [ (k+a)(k+b) h² d_k - ((1 - 2 z0) k + c - (a+b+1) z0)(k+1) h d_{k+1} ]
 *                  / ( z0 (1 - z0) (k+1)(k+2) ).
 *    Reaching z = 1 - ε takes about log2(1/ε) steps (50 for ε = 1e-15), about 60 terms each. Each
 *    step carries both w and w' forward.
 *
 * `estimatedRelativeError` is the cancellation estimate ε·max|term|/|sum| plus the truncation
 * tolerance, summed over the continuation steps. A result is `converged` only when every sum
 * converged within its term budget and that estimate is at most 1e-9; otherwise `hyp2f1` returns NaN
 * rather than a doubtful number. NaN also outside the domain (z >= 1, non-finite arguments, c a
 * non-positive integer without an earlier terminating numerator).
 */

export type Hyp2f1Method = 'polynomial' | 'series' | 'continuation';

export interface Hyp2f1Result {
  readonly value: number;
  readonly converged: boolean;
  readonly method: Hyp2f1Method;
  /** Terms summed in all series (power series plus every Taylor step). */
  readonly terms: number;
  /** Continuation steps (0 for the power series). */
  readonly steps: number;
  /** Pfaff's transformation was applied (z < 0). */
  readonly transformed: boolean;
  readonly estimatedRelativeError: number;
}

export interface Hyp2f1Options {
  /** Term budget of each sum (power series or one Taylor step). Default 100,000. */
  readonly maxTerms?: number;
}

const EPS = Number.EPSILON;
const TAIL_TOLERANCE = 1e-17;
const SERIES_RADIUS = 0.5;
const STEP_FRACTION = 0.5;
const DEFAULT_MAX_TERMS = 100_000;
const B_INTERPOLATE_BELOW = 1e-3;
const SERIES_ATTEMPT_TERMS = 1000;
const MAX_RELATIVE_ERROR = 1e-9;

function isNonPositiveInteger(v: number): boolean {
  return v <= 0 && Number.isInteger(v);
}

interface SeriesSum {
  readonly value: number;
  /** Σ n t_n / z: the derivative (NaN when z = 0; the caller uses a b / c). */
  readonly derivative: number;
  readonly converged: boolean;
  readonly terms: number;
  readonly relativeError: number;
}

/**
 * Σ_{n>=first} t_n. first = 0: 2F1 itself (t_0 = 1). first = 1: (2F1 - 1) / b, i.e.
 * Σ_{n>=1} u_n with u_n = (a)_n (b+1)_{n-1} / ((c)_n n!) z^n, u_1 = a z / c, and the same term
 * ratio (a+n)(b+n) / ((c+n)(n+1)) z as 2F1's (the derivative sum is then meaningless).
 */
function powerSeries(a: number, b: number, c: number, z: number, maxTerms: number, first: 0 | 1 = 0): SeriesSum {
  let term = first === 0 ? 1 : (a * z) / c;
  let sum = term;
  let dsum = first * term;
  let maxAbs = Math.abs(term);
  const settledAfter = Math.abs(a) + Math.abs(b) + Math.abs(c) + 2;
  const absZ = Math.abs(z);
  for (let n = first; n < maxTerms; n++) {
    const ratio = (((a + n) * (b + n)) / ((c + n) * (n + 1))) * z;
    term *= ratio;
    sum += term;
    dsum += (n + 1) * term;
    const absTerm = Math.abs(term);
    if (absTerm > maxAbs) maxAbs = absTerm;
    if (term === 0) {
      return { value: sum, derivative: dsum / z, converged: true, terms: n + 1, relativeError: relError(maxAbs, sum) };
    }
    if (!Number.isFinite(term)) break;
    if (n + 1 >= settledAfter) {
      const rho = Math.max(Math.abs(ratio), absZ);
      if (rho < 1) {
        const tail = (absTerm * rho) / (1 - rho);
        const dtail = ((n + 2) * absTerm * rho) / ((1 - rho) * (1 - rho));
        if (tail <= TAIL_TOLERANCE * Math.abs(sum) && dtail <= TAIL_TOLERANCE * Math.max(Math.abs(dsum), EPS)) {
          return { value: sum, derivative: dsum / z, converged: true, terms: n + 1, relativeError: relError(maxAbs, sum) };
        }
      }
    }
  }
  return { value: sum, derivative: dsum / z, converged: false, terms: maxTerms, relativeError: Number.POSITIVE_INFINITY };
}

function relError(maxAbsTerm: number, sum: number): number {
  return (EPS * maxAbsTerm) / Math.abs(sum) + TAIL_TOLERANCE;
}

interface StepResult {
  readonly value: number;
  readonly derivative: number;
  readonly converged: boolean;
  readonly terms: number;
  readonly relativeError: number;
}

/** One Taylor step of the hypergeometric equation from z0 = 1 - oneMinusZ0 (w, dw known there) to z0 + h. */
function taylorStep(a: number, b: number, c: number, oneMinusZ0: number, w: number, dw: number, h: number, maxTerms: number): StepResult {
  const z0 = 1 - oneMinusZ0;
  const p0 = z0 * oneMinusZ0;
  const p1 = oneMinusZ0 - z0;
  const q0 = c - (a + b + 1) * z0;
  let dPrev = w; // d_k
  let dCur = dw * h; // d_{k+1}
  let sum = dPrev + dCur;
  let dsum = dCur; // Σ k d_k
  let maxAbs = Math.max(Math.abs(dPrev), Math.abs(dCur));
  let maxAbsD = Math.abs(dCur);
  for (let k = 0; k < maxTerms; k++) {
    const dNext = ((k + a) * (k + b) * h * h * dPrev - (p1 * k + q0) * (k + 1) * h * dCur) / (p0 * (k + 1) * (k + 2));
    sum += dNext;
    dsum += (k + 2) * dNext;
    const absNext = Math.abs(dNext);
    if (absNext > maxAbs) maxAbs = absNext;
    if ((k + 2) * absNext > maxAbsD) maxAbsD = (k + 2) * absNext;
    if (!Number.isFinite(dNext)) break;
    // Terms shrink at least like 2^-k once k is past the parameters; the tail is then at most twice
    // the last two terms.
    const tail = 2 * (Math.abs(dCur) + absNext);
    const dtail = 2 * (k + 4) * (Math.abs(dCur) + absNext);
    if (
      k >= 2 &&
      k + 2 >= Math.abs(a) + Math.abs(b) + Math.abs(c) &&
      tail <= TAIL_TOLERANCE * Math.max(Math.abs(sum), maxAbs * EPS) &&
      dtail <= TAIL_TOLERANCE * Math.max(Math.abs(dsum), maxAbsD * EPS)
    ) {
      return { value: sum, derivative: dsum / h, converged: true, terms: k + 3, relativeError: relError(maxAbs, sum) };
    }
    dPrev = dCur;
    dCur = dNext;
  }
  return { value: sum, derivative: dsum / h, converged: false, terms: maxTerms, relativeError: Number.POSITIVE_INFINITY };
}

function polynomial(a: number, b: number, c: number, z: number): Hyp2f1Result {
  const degree = Math.min(isNonPositiveInteger(a) ? -a : Number.POSITIVE_INFINITY, isNonPositiveInteger(b) ? -b : Number.POSITIVE_INFINITY);
  let term = 1;
  let sum = 1;
  let maxAbs = 1;
  for (let n = 0; n < degree; n++) {
    if (c + n === 0) return fail('polynomial', n);
    term *= (((a + n) * (b + n)) / ((c + n) * (n + 1))) * z;
    sum += term;
    maxAbs = Math.max(maxAbs, Math.abs(term));
  }
  return { value: sum, converged: Number.isFinite(sum), method: 'polynomial', terms: degree, steps: 0, transformed: false, estimatedRelativeError: relError(maxAbs, sum) };
}

function fail(method: Hyp2f1Method, terms: number): Hyp2f1Result {
  return { value: Number.NaN, converged: false, method, terms, steps: 0, transformed: false, estimatedRelativeError: Number.POSITIVE_INFINITY };
}

/** 2F1(a, b; c; z) with how it was computed and whether every sum converged. */
export function hyp2f1Detailed(a: number, b: number, c: number, z: number, options: Hyp2f1Options = {}): Hyp2f1Result {
  const maxTerms = options.maxTerms ?? DEFAULT_MAX_TERMS;
  if ([a, b, c, z].some((v) => Number.isNaN(v) || !Number.isFinite(v))) return fail('series', 0);
  if (z === 0) return { value: 1, converged: true, method: 'series', terms: 0, steps: 0, transformed: false, estimatedRelativeError: 0 };
  if (isNonPositiveInteger(a) || isNonPositiveInteger(b)) return polynomial(a, b, c, z);
  if (isNonPositiveInteger(c) || !(z < 1)) return fail('series', 0);
  if (z > 0) return checked(nonNegative(a, b, c, z, 1 - z, maxTerms));

  // Pfaff: 2F1(a, b; c; z) = (1-z)^-a 2F1(a, c-b; c; w) = (1-z)^-b 2F1(c-a, b; c; w), w = z/(z-1) in (0, 1).
  const w = z / (z - 1);
  const keepB = Math.abs((c - a) * b) <= Math.abs(a * (c - b));
  const [pa, pb, power] = keepB ? [c - a, b, b] : [a, c - b, a];
  // 1 - w = 1/(1 - z) exactly to rounding, where w itself has lost the digits of 1 - w near 1.
  const inner = isNonPositiveInteger(pa) || isNonPositiveInteger(pb) ? polynomial(pa, pb, c, w) : nonNegative(pa, pb, c, w, 1 / (1 - z), maxTerms);
  // (1-z)^-power · inner in logs: either factor alone may overflow or underflow.
  const value = inner.value === 0 ? 0 : Math.sign(inner.value) * Math.exp(Math.log(Math.abs(inner.value)) - power * Math.log1p(-z));
  return checked({ ...inner, value, transformed: true, estimatedRelativeError: inner.estimatedRelativeError + 4 * EPS });
}

/** Flags a result whose cancellation estimate exceeds MAX_RELATIVE_ERROR as not converged (value NaN). */
function checked(r: Hyp2f1Result): Hyp2f1Result {
  const ok = r.converged && Number.isFinite(r.value) && r.estimatedRelativeError <= MAX_RELATIVE_ERROR;
  return ok ? r : { ...r, value: Number.NaN, converged: false };
}

/**
 * 0 < z < 1, a and b not non-positive integers, c not a non-positive integer; oneMinusZ = 1 - z
 * (passed separately because near z = 1 it carries the digits z has lost). The continuation walks
 * in δ = 1 - z0: δ = 1/2, 1/4, ... (exact), then one last step to δ = oneMinusZ.
 */
function nonNegative(a: number, b: number, c: number, z: number, oneMinusZ: number, maxTerms: number): Hyp2f1Result {
  const settled = Math.abs(a) + Math.abs(b) + Math.abs(c) + 2;
  // The power series, when it converges in a modest number of terms (always for z <= 1/2; beyond,
  // e.g. when c is large against a and b and the terms vanish long before the geometric regime).
  const budget = z <= SERIES_RADIUS ? maxTerms : Math.min(maxTerms, Math.ceil(settled) + SERIES_ATTEMPT_TERMS);
  const series = powerSeries(a, b, c, z, budget);
  if (series.converged || z <= SERIES_RADIUS) {
    return { value: series.value, converged: series.converged, method: 'series', terms: series.terms, steps: 0, transformed: false, estimatedRelativeError: series.relativeError };
  }

  const start = powerSeries(a, b, c, SERIES_RADIUS, maxTerms);
  if (!start.converged) return fail('continuation', series.terms + start.terms);
  let w = start.value;
  let dw = start.derivative;
  let delta = 1 - SERIES_RADIUS;
  let terms = series.terms + start.terms;
  let steps = 0;
  let relativeError = start.relativeError;
  const stepBudget = Math.min(maxTerms, 1000 + 20 * settled);
  while (delta !== oneMinusZ) {
    const next = delta * (1 - STEP_FRACTION);
    const last = oneMinusZ >= next;
    const h = last ? delta - oneMinusZ : delta - next;
    const step = taylorStep(a, b, c, delta, w, dw, h, stepBudget);
    terms += step.terms;
    steps++;
    if (!step.converged) return { ...fail('continuation', terms), steps };
    w = step.value;
    dw = step.derivative;
    relativeError += step.relativeError;
    delta = last ? oneMinusZ : next;
  }
  return { value: w, converged: Number.isFinite(w), method: 'continuation', terms, steps, transformed: false, estimatedRelativeError: relativeError };
}

/**
 * (2F1(a, b; c; z) - 1) / b, finite as b -> 0 (the limit is Σ_{n>=1} (a)_n / ((c)_n n) z^n).
 * BG/NBD predictions need [1 - 2F1(r + x, a - 1; ...)] / (a - 1), which is this with b = a - 1.
 * For |z| <= 1/2 the series Σ_{n>=1} (a)_n (b+1)_{n-1} / ((c)_n n!) z^n is summed directly: no
 * cancellation in 2F1 - 1 for small z and no division by a small b. Beyond, (2F1 - 1) / b from
 * hyp2f1 when |b| >= 1e-3 (cancellation costs at most ε/1e-3 ≈ 2e-13 relative); for |b| < 1e-3 the
 * function is interpolated in b (cubic through b = ±1e-3, ±2e-3; error about 1e-12 relative).
 */
export function hyp2f1MinusOneOverB(a: number, b: number, c: number, z: number): number {
  if ([a, b, c, z].some((v) => !Number.isFinite(v)) || !(z < 1)) return Number.NaN;
  if (z === 0) return 0;
  if (Math.abs(z) <= SERIES_RADIUS) {
    if (isNonPositiveInteger(c)) return Number.NaN;
    const s = powerSeries(a, b, c, z, DEFAULT_MAX_TERMS, 1);
    return s.converged && s.relativeError <= MAX_RELATIVE_ERROR ? s.value : Number.NaN;
  }
  const direct = (bb: number): number => (hyp2f1(a, bb, c, z) - 1) / bb;
  if (Math.abs(b) >= B_INTERPOLATE_BELOW) return direct(b);
  // Lagrange cubic through nodes -2d, -d, d, 2d.
  const d = B_INTERPOLATE_BELOW;
  const nodes = [-2 * d, -d, d, 2 * d];
  let value = 0;
  for (let i = 0; i < nodes.length; i++) {
    const ni = nodes[i] ?? 0;
    let weight = 1;
    for (let j = 0; j < nodes.length; j++) if (j !== i) weight *= (b - (nodes[j] ?? 0)) / (ni - (nodes[j] ?? 0));
    value += weight * direct(ni);
  }
  return value;
}

/** 2F1(a, b; c; z) for real arguments and z < 1; NaN outside the domain or when a sum did not converge. */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  return hyp2f1Detailed(a, b, c, z).value;
}
