import type { Result } from '../../shared/result.js';
import { err, ok } from '../../shared/result.js';
import { hyp2f1MinusOneOverB } from '../special/hyp2f1.js';
import { logGamma } from '../special/log-gamma.js';
import type { FitDiagnostics, MleOptions } from './fit-mle.js';
import { fitMle } from './fit-mle.js';

/**
 * BG/NBD ("beta-geometric / negative binomial distribution") model of Fader, Hardie and Lee (2005),
 * "Counting Your Customers the Easy Way". While alive, a customer buys as a Poisson process with
 * rate λ ~ Gamma(r, α); after each purchase they drop out with probability p ~ Beta(a, b).
 *
 * A customer is summarized by x (repeat purchases in the calibration period), t_x (time of the last
 * purchase, from the first one) and T (time from the first purchase to the end of the period), all
 * in one time unit (weeks for CDNOW). The likelihood of one customer (paper, eq. 6) is
 *
 *   L = Γ(r+x) α^r / Γ(r) · B(a, b+x) / B(a, b) · [ (α+T)^-(r+x) + δ_{x>0} a/(b+x-1) (α+t_x)^-(r+x) ]
 *
 * (B(a+1, b+x-1) / B(a, b+x) = a / (b+x-1)), so
 *
 *   ln L = lnΓ(r+x) - lnΓ(r) + r ln α + lnΓ(a+b) + lnΓ(b+x) - lnΓ(b) - lnΓ(a+b+x) + ln(A1 + δ A2),
 *   ln A1 = -(r+x) ln(α+T),   ln A2 = ln a - ln(b+x-1) - (r+x) ln(α+t_x),
 *
 * with ln(A1 + A2) by log-sum-exp. Constants that depend on x only are computed once per distinct x,
 * and identical (x, t_x, T) rows are merged into one weighted row.
 */

export interface BgNbdParams {
  readonly r: number;
  readonly alpha: number;
  readonly a: number;
  readonly b: number;
}

export interface RepeatPurchaseObservation {
  /** Repeat purchases in the calibration period (an integer >= 0). */
  readonly x: number;
  /** Time of the last purchase after the first one (0 when x = 0), 0 <= t_x <= T. */
  readonly tx: number;
  /** Time from the first purchase to the end of the calibration period (>= 0). */
  readonly T: number;
  /** Customers this row stands for (default 1), e.g. the count of identical rows. */
  readonly weight?: number;
}

export interface BgNbdFit {
  readonly model: 'bg-nbd';
  readonly params: BgNbdParams;
  /** Asymptotic standard errors (inverse observed information, delta method); null when unavailable. */
  readonly standardErrors: BgNbdParams | null;
  readonly diagnostics: FitDiagnostics;
}

/** Rows merged by (x, t_x, T) with summed weights, and the distinct x values. */
interface BgNbdData {
  readonly xIndex: Int32Array;
  readonly tx: Float64Array;
  readonly T: Float64Array;
  readonly weight: Float64Array;
  readonly distinctX: Float64Array;
  readonly customers: number;
}

const MAX_LISTED_ERRORS = 10;

function prepare(observations: readonly RepeatPurchaseObservation[]): Result<BgNbdData, string[]> {
  const errors: string[] = [];
  let errorCount = 0;
  const report = (i: number, why: string): void => {
    errorCount++;
    if (errors.length < MAX_LISTED_ERRORS) errors.push(`row ${i}: ${why}`);
  };
  const rows = new Map<string, { x: number; tx: number; T: number; weight: number }>();
  observations.forEach((o, i) => {
    const weight = o.weight ?? 1;
    if (!(Number.isInteger(o.x) && o.x >= 0)) return report(i, `x must be an integer >= 0, got ${o.x}`);
    if (!(Number.isFinite(o.T) && o.T >= 0)) return report(i, `T must be finite and >= 0, got ${o.T}`);
    if (!(Number.isFinite(o.tx) && o.tx >= 0 && o.tx <= o.T)) return report(i, `t_x must be in [0, T = ${o.T}], got ${o.tx}`);
    if (!(Number.isFinite(weight) && weight > 0)) return report(i, `weight must be finite and > 0, got ${weight}`);
    const tx = o.x === 0 ? 0 : o.tx;
    const key = `${o.x}|${tx}|${o.T}`;
    const row = rows.get(key);
    if (row === undefined) rows.set(key, { x: o.x, tx, T: o.T, weight });
    else row.weight += weight;
  });
  if (errorCount > MAX_LISTED_ERRORS) errors.push(`... and ${errorCount - MAX_LISTED_ERRORS} more`);
  if (errors.length > 0) return err(errors);
  if (rows.size === 0) return err(['no observations']);
  const list = [...rows.values()];
  const distinct = [...new Set(list.map((r) => r.x))].sort((p, q) => p - q);
  const indexOfX = new Map(distinct.map((x, i) => [x, i]));
  return ok({
    xIndex: Int32Array.from(list, (r) => indexOfX.get(r.x) ?? 0),
    tx: Float64Array.from(list, (r) => r.tx),
    T: Float64Array.from(list, (r) => r.T),
    weight: Float64Array.from(list, (r) => r.weight),
    distinctX: Float64Array.from(distinct),
    customers: list.reduce((s, r) => s + r.weight, 0),
  });
}

function logSumExp(p: number, q: number): number {
  const hi = Math.max(p, q);
  if (hi === Number.NEGATIVE_INFINITY) return hi;
  return hi + Math.log1p(Math.exp(Math.min(p, q) - hi));
}

function totalLogLikelihood(params: BgNbdParams, data: BgNbdData): number {
  const { r, alpha, a, b } = params;
  if (!(r > 0 && alpha > 0 && a > 0 && b > 0)) return Number.NaN;
  const nx = data.distinctX.length;
  const constant = new Float64Array(nx);
  const lnA2Constant = new Float64Array(nx);
  const common = r * Math.log(alpha) - logGamma(r) + logGamma(a + b) - logGamma(b);
  const lnA = Math.log(a);
  for (let j = 0; j < nx; j++) {
    const x = data.distinctX[j] ?? 0;
    constant[j] = common + logGamma(r + x) + logGamma(b + x) - logGamma(a + b + x);
    lnA2Constant[j] = x > 0 ? lnA - Math.log(b + x - 1) : Number.NEGATIVE_INFINITY;
  }
  let total = 0;
  const rows = data.weight.length;
  for (let i = 0; i < rows; i++) {
    const j = data.xIndex[i] ?? 0;
    const rx = r + (data.distinctX[j] ?? 0);
    const lnA1 = -rx * Math.log(alpha + (data.T[i] ?? 0));
    const c2 = lnA2Constant[j] ?? Number.NEGATIVE_INFINITY;
    const ll = (constant[j] ?? 0) + (c2 === Number.NEGATIVE_INFINITY ? lnA1 : logSumExp(lnA1, c2 - rx * Math.log(alpha + (data.tx[i] ?? 0))));
    total += (data.weight[i] ?? 0) * ll;
  }
  return total;
}

/** ln L of one customer. */
export function bgNbdLogLikelihoodOne(params: BgNbdParams, x: number, tx: number, T: number): number {
  const data = prepare([{ x, tx, T }]);
  return data.ok ? totalLogLikelihood(params, data.value) : Number.NaN;
}

/** Σ w ln L over the observations; NaN for invalid observations or parameters. */
export function bgNbdLogLikelihood(params: BgNbdParams, observations: readonly RepeatPurchaseObservation[]): number {
  const data = prepare(observations);
  return data.ok ? totalLogLikelihood(params, data.value) : Number.NaN;
}

const toParams = (theta: readonly number[]): BgNbdParams => ({ r: theta[0] ?? Number.NaN, alpha: theta[1] ?? Number.NaN, a: theta[2] ?? Number.NaN, b: theta[3] ?? Number.NaN });

/**
 * Fits (r, α, a, b) by maximum likelihood (see fit-mle.ts). Starts: all 1; and two with the
 * purchase rate r/α set to the data's mean x / mean T ((r, a, b) = (1, 1, 1) and (0.25, 0.8, 2.5));
 * `options.starts` adds more as [r, alpha, a, b]. Invalid observations give the list of problems;
 * a fit that did not converge is returned with `diagnostics.converged = false` and the reasons.
 */
export function fitBgNbd(observations: readonly RepeatPurchaseObservation[], options: MleOptions = {}): Result<BgNbdFit, string[]> {
  const prepared = prepare(observations);
  if (!prepared.ok) return prepared;
  const data = prepared.value;
  let sumX = 0;
  let sumT = 0;
  for (let i = 0; i < data.weight.length; i++) {
    const w = data.weight[i] ?? 0;
    sumX += w * (data.distinctX[data.xIndex[i] ?? 0] ?? 0);
    sumT += w * (data.T[i] ?? 0);
  }
  const rate = sumT > 0 && sumX > 0 ? sumX / sumT : 1;
  const fit = fitMle(
    {
      names: ['r', 'alpha', 'a', 'b'],
      logLikelihood: (theta) => totalLogLikelihood(toParams(theta), data),
      defaultStarts: [
        [1, 1, 1, 1],
        [1, 1 / rate, 1, 1],
        [0.25, 0.25 / rate, 0.8, 2.5],
      ],
      customers: data.customers,
      rows: data.weight.length,
    },
    options,
  );
  return ok({
    model: 'bg-nbd',
    params: toParams(fit.theta),
    standardErrors: fit.standardErrors === null ? null : toParams(fit.standardErrors),
    diagnostics: fit.diagnostics,
  });
}

/**
 * P(alive | x, t_x, T) = 1 / (1 + δ_{x>0} a/(b+x-1) ((α+T)/(α+t_x))^(r+x)) (paper, eq. 11), in a
 * form that neither overflows nor underflows for large x.
 */
export function bgNbdProbabilityAlive(params: BgNbdParams, x: number, tx: number, T: number): number {
  if (x === 0) return 1;
  const { r, alpha, a, b } = params;
  const lnK = Math.log(a) - Math.log(b + x - 1) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx));
  return lnK > 0 ? Math.exp(-lnK) / (1 + Math.exp(-lnK)) : 1 / (1 + Math.exp(lnK));
}

/**
 * E[Y(t) | x, t_x, T]: expected purchases in (T, T+t] of a customer with history (x, t_x, T)
 * (paper, eq. 10):
 *
 *   (a+b+x-1)/(a-1) · [1 - ((α+T)/(α+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; t/(α+T+t))] · P(alive).
 *
 * By Pfaff's transformation ((1-z)^A 2F1(A, B; C; z) = 2F1(A, C-B; C; z/(z-1))) the bracket is
 * 1 - 2F1(r+x, a-1; a+b+x-1; -t/(α+T)): the same number without the huge 2F1 factor and the tiny
 * power (which overflow and underflow for large x). [1 - 2F1(·, a-1; ·)]/(a-1) is computed by
 * hyp2f1MinusOneOverB, finite through a = 1 (where the formula's 0/0 has a limit). NaN when the
 * hypergeometric sum did not converge.
 */
export function bgNbdConditionalExpectedPurchases(params: BgNbdParams, t: number, x: number, tx: number, T: number): number {
  if (t === 0) return 0;
  const { r, alpha, a, b } = params;
  const bracketOverAMinus1 = -hyp2f1MinusOneOverB(r + x, a - 1, a + b + x - 1, -t / (alpha + T));
  return (a + b + x - 1) * bracketOverAMinus1 * bgNbdProbabilityAlive(params, x, tx, T);
}

/**
 * E[X(t)]: expected purchases in (0, t] of a customer who has just made their first purchase
 * (paper, eq. 9): (a+b-1)/(a-1) · [1 - (α/(α+t))^r 2F1(r, b; a+b-1; t/(α+t))], computed as
 * (a+b-1) · [1 - 2F1(r, a-1; a+b-1; -t/α)]/(a-1) (Pfaff, as above).
 */
export function bgNbdExpectedPurchases(params: BgNbdParams, t: number): number {
  if (t === 0) return 0;
  const { r, alpha, a, b } = params;
  return -(a + b - 1) * hyp2f1MinusOneOverB(r, a - 1, a + b - 1, -t / alpha);
}
