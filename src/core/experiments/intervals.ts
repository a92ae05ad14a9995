/**
 * Frequentist confidence intervals for the difference between a treatment arm B and a control A.
 * Every function returns the point estimate, its standard error, the two-sided interval at
 * `confidence` (default 0.95) and the two-sided p-value of "no difference". B minus A throughout.
 *
 * - Two proportions: Wald (optionally with Yates' continuity correction ½(1/n_A + 1/n_B)), and
 *   Newcombe's hybrid score interval (1998, method 10) built from the two Wilson intervals, which
 *   keeps its coverage for small counts and rates near 0 or 1 where Wald does not.
 * - Welch's t for a difference of means, df by Welch–Satterthwaite, t quantile.
 * - Relative lift ȳ_B / ȳ_A - 1 by the delta method (arms independent):
 *   Var ≈ Var(ȳ_B)/ȳ_A² + ȳ_B² Var(ȳ_A)/ȳ_A⁴.
 * - Ratio metrics R = Σnum / Σden per arm (revenue per order): delta method with the covariance of
 *   numerator and denominator, Var(R) ≈ (σ²_num - 2R σ_num,den + R² σ²_den) / (n μ_den²).
 */
import { normalCdf, normalQuantile, studentTCdf, studentTQuantile } from '../models/special/distributions.js';
import type { RatioSummary, SampleSummary } from './summary.js';

export interface Interval {
  readonly estimate: number;
  readonly standardError: number;
  readonly lower: number;
  readonly upper: number;
  readonly pValue: number;
  readonly confidence: number;
}

export interface WelchInterval extends Interval {
  readonly df: number;
  readonly tStatistic: number;
}

export interface IntervalOptions {
  /** Two-sided confidence level in (0, 1); default 0.95. */
  readonly confidence?: number;
}

export type ProportionMethod = 'wald' | 'wald-cc' | 'newcombe';

export interface ProportionCounts {
  readonly successesA: number;
  readonly nA: number;
  readonly successesB: number;
  readonly nB: number;
}

function checkConfidence(confidence: number): number {
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
  return confidence;
}

function twoSidedNormalP(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  return Math.min(1, 2 * normalCdf(-Math.abs(z)));
}

/** The Wilson score interval for one proportion. */
export function wilsonInterval(successes: number, n: number, confidence = 0.95): { lower: number; upper: number } {
  checkConfidence(confidence);
  if (!(n > 0) || successes < 0 || successes > n) throw new RangeError(`wilsonInterval: need 0 <= successes <= n, n > 0 (got ${successes}/${n})`);
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const p = successes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { lower: Math.max(0, centre - half), upper: Math.min(1, centre + half) };
}

/** Difference of two proportions p_B - p_A. */
export function diffProportions(counts: ProportionCounts, method: ProportionMethod = 'newcombe', options: IntervalOptions = {}): Interval {
  const confidence = checkConfidence(options.confidence ?? 0.95);
  const { successesA, nA, successesB, nB } = counts;
  if (!(nA > 0 && nB > 0)) throw new RangeError('diffProportions: both arms need units');
  const pA = successesA / nA;
  const pB = successesB / nB;
  const d = pB - pA;
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const se = Math.sqrt((pA * (1 - pA)) / nA + (pB * (1 - pB)) / nB);
  // The p-value uses the pooled standard error (the usual two-proportion z test).
  const pooled = (successesA + successesB) / (nA + nB);
  const sePooled = Math.sqrt(pooled * (1 - pooled) * (1 / nA + 1 / nB));
  const pValue = sePooled > 0 ? twoSidedNormalP(d / sePooled) : d === 0 ? 1 : 0;
  if (method === 'newcombe') {
    const a = wilsonInterval(successesA, nA, confidence);
    const b = wilsonInterval(successesB, nB, confidence);
    const lower = d - Math.sqrt((pB - b.lower) ** 2 + (a.upper - pA) ** 2);
    const upper = d + Math.sqrt((b.upper - pB) ** 2 + (pA - a.lower) ** 2);
    return { estimate: d, standardError: se, lower, upper, pValue, confidence };
  }
  const cc = method === 'wald-cc' ? 0.5 * (1 / nA + 1 / nB) : 0;
  return { estimate: d, standardError: se, lower: d - z * se - cc, upper: d + z * se + cc, pValue, confidence };
}

/** Welch's t interval for mean_B - mean_A. */
export function welchInterval(a: SampleSummary, b: SampleSummary, options: IntervalOptions = {}): WelchInterval {
  const confidence = checkConfidence(options.confidence ?? 0.95);
  if (!(a.n >= 2 && b.n >= 2)) throw new RangeError('welchInterval: each arm needs at least 2 units');
  const va = a.variance / a.n;
  const vb = b.variance / b.n;
  const se = Math.sqrt(va + vb);
  const d = b.mean - a.mean;
  const df = (va + vb) ** 2 / ((va * va) / (a.n - 1) + (vb * vb) / (b.n - 1));
  const t = d / se;
  const q = studentTQuantile(1 - (1 - confidence) / 2, df);
  const pValue = se > 0 ? Math.min(1, 2 * studentTCdf(-Math.abs(t), df)) : d === 0 ? 1 : 0;
  return { estimate: d, standardError: se, lower: d - q * se, upper: d + q * se, pValue, confidence, df, tStatistic: t };
}

/** Relative lift mean_B / mean_A - 1 by the delta method (normal interval). */
export function relativeLift(a: SampleSummary, b: SampleSummary, options: IntervalOptions = {}): Interval {
  const confidence = checkConfidence(options.confidence ?? 0.95);
  if (a.mean === 0) throw new RangeError('relativeLift: the control mean is 0, the lift is undefined');
  const r = b.mean / a.mean;
  const varA = a.variance / a.n;
  const varB = b.variance / b.n;
  const se = Math.sqrt(varB / (a.mean * a.mean) + (b.mean * b.mean * varA) / a.mean ** 4);
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const est = r - 1;
  return { estimate: est, standardError: se, lower: est - z * se, upper: est + z * se, pValue: twoSidedNormalP(est / se), confidence };
}

/** A ratio metric in one arm and its delta-method variance. */
export function ratioEstimate(s: RatioSummary): { ratio: number; variance: number } {
  if (s.meanDen === 0) throw new RangeError('ratioEstimate: the mean denominator is 0');
  const r = s.meanNum / s.meanDen;
  const variance = (s.varNum - 2 * r * s.covNumDen + r * r * s.varDen) / (s.n * s.meanDen * s.meanDen);
  return { ratio: r, variance: Math.max(0, variance) };
}

export interface RatioComparison {
  readonly ratioA: number;
  readonly ratioB: number;
  /** R_B - R_A. */
  readonly difference: Interval;
  /** R_B / R_A - 1. */
  readonly lift: Interval;
}

/** Compare a ratio metric (Σnum/Σden per arm) between arms by the delta method. */
export function compareRatios(a: RatioSummary, b: RatioSummary, options: IntervalOptions = {}): RatioComparison {
  const confidence = checkConfidence(options.confidence ?? 0.95);
  const ea = ratioEstimate(a);
  const eb = ratioEstimate(b);
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const d = eb.ratio - ea.ratio;
  const seD = Math.sqrt(ea.variance + eb.variance);
  const l = eb.ratio / ea.ratio - 1;
  const seL = Math.sqrt(eb.variance / (ea.ratio * ea.ratio) + (eb.ratio * eb.ratio * ea.variance) / ea.ratio ** 4);
  return {
    ratioA: ea.ratio,
    ratioB: eb.ratio,
    difference: { estimate: d, standardError: seD, lower: d - z * seD, upper: d + z * seD, pValue: twoSidedNormalP(d / seD), confidence },
    lift: { estimate: l, standardError: seL, lower: l - z * seL, upper: l + z * seL, pValue: twoSidedNormalP(l / seL), confidence },
  };
}
