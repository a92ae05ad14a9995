/**
 * An always-valid test: the mixture sequential probability ratio test (mSPRT) with a normal
 * mixture, as in Johari, Koomen, Pekelis and Walsh, "Always valid inference" (2017/2022).
 *
 * At each look, with θ̂ = ȳ_B - ȳ_A and V = s²_A/n_A + s²_B/n_B its variance, the mixture
 * likelihood ratio of θ = θ0 against N(θ0, τ²) alternatives is
 *     Λ(θ0) = √(V / (V + τ²)) · exp( τ² (θ̂ - θ0)² / (2 V (V + τ²)) ).
 * The always-valid p-value is the running minimum of min(1, 1/Λ(0)) over the looks, and the
 * confidence sequence is the running intersection of {θ0 : Λ(θ0) < 1/α}, i.e.
 *     θ̂ ± √( V (V + τ²) / τ² · (2 ln(1/α) + ln((V + τ²) / V)) ).
 * Both stay valid however often, and whenever, one looks (Ville's inequality), at the price of a
 * wider interval than a fixed-horizon test at the same sample size.
 *
 * τ² is the variance of the effects one expects, on the metric's scale. Default: τ² = 0.01 ×
 * the pooled per-unit variance at the first look (effects of about a tenth of a standard deviation),
 * then held fixed in the state: a mixture that moved with the data would void the guarantee.
 * The per-unit variance is estimated from the data (the normal approximation of Johari et al.).
 */
import type { SampleSummary } from './summary.js';

export const DEFAULT_STANDARDIZED_TAU2 = 0.01;

export interface SequentialOptions {
  /** Type-I error of the whole sequence of looks; default 0.05. */
  readonly alpha?: number;
  /** Mixture variance on the metric's scale; default 0.01 × pooled per-unit variance at look 1. */
  readonly tau2?: number;
}

export interface SequentialState {
  readonly looks: number;
  readonly tau2: number;
  readonly alpha: number;
  readonly pValue: number;
  readonly lower: number;
  readonly upper: number;
}

export interface SequentialLook extends SequentialState {
  readonly estimate: number;
  readonly variance: number;
  /** The always-valid p-value is below alpha: stopping now keeps the error rate. */
  readonly significant: boolean;
}

/** One look at the cumulative summaries of both arms; pass the previous look's result (or undefined). */
export function msprtLook(previous: SequentialState | undefined, a: SampleSummary, b: SampleSummary, options: SequentialOptions = {}): SequentialLook {
  const alpha = previous?.alpha ?? options.alpha ?? 0.05;
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`msprtLook: alpha must be in (0, 1), got ${alpha}`);
  if (!(a.n >= 2 && b.n >= 2)) throw new RangeError('msprtLook: each arm needs at least 2 units');
  const estimate = b.mean - a.mean;
  const variance = a.variance / a.n + b.variance / b.n;
  const tau2 = previous?.tau2 ?? options.tau2 ?? DEFAULT_STANDARDIZED_TAU2 * 0.5 * (a.variance + b.variance);
  if (!(tau2 > 0)) throw new RangeError(`msprtLook: tau2 must be > 0, got ${tau2}`);
  let pLook = 1;
  let half = Number.POSITIVE_INFINITY;
  if (variance > 0) {
    const logLambda = 0.5 * Math.log(variance / (variance + tau2)) + (tau2 * estimate * estimate) / (2 * variance * (variance + tau2));
    pLook = Math.min(1, Math.exp(-logLambda));
    half = Math.sqrt(((variance * (variance + tau2)) / tau2) * (2 * Math.log(1 / alpha) + Math.log((variance + tau2) / variance)));
  } else if (estimate !== 0) {
    pLook = 0;
  }
  const pValue = Math.min(previous?.pValue ?? 1, pLook);
  const lower = Math.max(previous?.lower ?? Number.NEGATIVE_INFINITY, estimate - half);
  const upper = Math.min(previous?.upper ?? Number.POSITIVE_INFINITY, estimate + half);
  return { looks: (previous?.looks ?? 0) + 1, tau2, alpha, pValue, lower, upper, estimate, variance, significant: pValue < alpha };
}

/** Runs the looks in order; returns the result after each. */
export function msprtLooks(looks: readonly { readonly a: SampleSummary; readonly b: SampleSummary }[], options: SequentialOptions = {}): SequentialLook[] {
  const out: SequentialLook[] = [];
  let state: SequentialState | undefined;
  for (const look of looks) {
    const result = msprtLook(state, look.a, look.b, options);
    out.push(result);
    state = result;
  }
  return out;
}
