import type { Result } from '../../shared/result.js';
import { err, ok } from '../../shared/result.js';
import { logGamma } from '../special/log-gamma.js';
import type { FitDiagnostics, MleOptions } from './fit-mle.js';
import { fitMle } from './fit-mle.js';

/**
 * Gamma-Gamma model of spend per transaction (Fader, Hardie and Lee 2005b, "RFM and CLV: Using
 * Iso-Value Curves for Customer Base Analysis"; Fader and Hardie 2013, "The Gamma-Gamma Model of
 * Monetary Value"). A customer's transaction values are Gamma(p, ν) with ν ~ Gamma(q, γ) across
 * customers (γ is `v` here), independent of the purchase process.
 *
 * Given x transactions with mean z̄, x z̄ ~ Gamma(p x, ν), so z̄ | ν ~ Gamma(p x, ν x); integrating ν:
 *
 *   ln f(z̄ | x) = lnΓ(px+q) - lnΓ(px) - lnΓ(q) + q ln v + px ln x + (px-1) ln z̄ - (px+q) ln(v + x z̄).
 *
 * Fitted on customers with x > 0 (x = repeat purchases and z̄ their mean value, as in the paper's
 * CDNOW analysis). Rows with x = 0 are skipped, rows with x > 0 and z̄ <= 0 (refunds outweighing
 * purchases) cannot be modelled and are skipped too; both counts are reported.
 */

export interface GammaGammaParams {
  readonly p: number;
  readonly q: number;
  readonly v: number;
}

export interface SpendObservation {
  /** Transactions averaged (repeat purchases): an integer >= 0; rows with 0 are skipped. */
  readonly x: number;
  /** Their mean value. */
  readonly meanSpend: number;
  /** Customers this row stands for (default 1). */
  readonly weight?: number;
}

export interface GammaGammaFit {
  readonly model: 'gamma-gamma';
  readonly params: GammaGammaParams;
  readonly standardErrors: GammaGammaParams | null;
  readonly diagnostics: FitDiagnostics;
  /** Rows skipped because x = 0. */
  readonly skippedNoRepeat: number;
  /** Rows skipped because x > 0 and the mean spend is <= 0. */
  readonly skippedNonPositiveSpend: number;
}

interface SpendData {
  /** Index of the row's x in distinctX (the Γ terms depend on x only). */
  readonly xIndex: Int32Array;
  readonly distinctX: Float64Array;
  readonly x: Float64Array;
  readonly lnX: Float64Array;
  readonly z: Float64Array;
  readonly lnZ: Float64Array;
  readonly weight: Float64Array;
  readonly customers: number;
  readonly skippedNoRepeat: number;
  readonly skippedNonPositiveSpend: number;
}

function prepare(observations: readonly SpendObservation[]): Result<SpendData, string[]> {
  const errors: string[] = [];
  const kept: { x: number; z: number; w: number }[] = [];
  let skippedNoRepeat = 0;
  let skippedNonPositiveSpend = 0;
  observations.forEach((o, i) => {
    const w = o.weight ?? 1;
    if (!(Number.isInteger(o.x) && o.x >= 0)) errors.push(`row ${i}: x must be an integer >= 0, got ${o.x}`);
    else if (!Number.isFinite(o.meanSpend)) errors.push(`row ${i}: meanSpend must be finite, got ${o.meanSpend}`);
    else if (!(Number.isFinite(w) && w > 0)) errors.push(`row ${i}: weight must be finite and > 0, got ${w}`);
    else if (o.x === 0) skippedNoRepeat++;
    else if (!(o.meanSpend > 0)) skippedNonPositiveSpend++;
    else kept.push({ x: o.x, z: o.meanSpend, w });
  });
  if (errors.length > 10) errors.splice(10, errors.length - 10, `... and ${errors.length - 10} more`);
  if (errors.length > 0) return err(errors);
  if (kept.length === 0) return err([`no customer with x > 0 and a positive mean spend (${skippedNoRepeat} with x = 0, ${skippedNonPositiveSpend} with spend <= 0)`]);
  const distinct = [...new Set(kept.map((k) => k.x))].sort((p, q) => p - q);
  const indexOfX = new Map(distinct.map((x, i) => [x, i]));
  return ok({
    xIndex: Int32Array.from(kept, (k) => indexOfX.get(k.x) ?? 0),
    distinctX: Float64Array.from(distinct),
    x: Float64Array.from(kept, (k) => k.x),
    lnX: Float64Array.from(kept, (k) => Math.log(k.x)),
    z: Float64Array.from(kept, (k) => k.z),
    lnZ: Float64Array.from(kept, (k) => Math.log(k.z)),
    weight: Float64Array.from(kept, (k) => k.w),
    customers: kept.reduce((s, k) => s + k.w, 0),
    skippedNoRepeat,
    skippedNonPositiveSpend,
  });
}

function totalLogLikelihood(params: GammaGammaParams, d: SpendData): number {
  const { p, q, v } = params;
  if (!(p > 0 && q > 0 && v > 0)) return Number.NaN;
  const common = q * Math.log(v) - logGamma(q);
  const gammaTerms = Float64Array.from(d.distinctX, (x) => logGamma(p * x + q) - logGamma(p * x));
  let total = 0;
  for (let i = 0; i < d.weight.length; i++) {
    const x = d.x[i] ?? 0;
    const px = p * x;
    const ll = common + (gammaTerms[d.xIndex[i] ?? 0] ?? 0) + px * (d.lnX[i] ?? 0) + (px - 1) * (d.lnZ[i] ?? 0) - (px + q) * Math.log(v + x * (d.z[i] ?? 0));
    total += (d.weight[i] ?? 0) * ll;
  }
  return total;
}

/** Σ w ln f(z̄ | x) over the usable rows (x > 0, z̄ > 0); NaN for invalid input. */
export function gammaGammaLogLikelihood(params: GammaGammaParams, observations: readonly SpendObservation[]): number {
  const d = prepare(observations);
  return d.ok ? totalLogLikelihood(params, d.value) : Number.NaN;
}

const toParams = (theta: readonly number[]): GammaGammaParams => ({ p: theta[0] ?? Number.NaN, q: theta[1] ?? Number.NaN, v: theta[2] ?? Number.NaN });

/**
 * Fits (p, q, v) by maximum likelihood (fit-mle.ts). Starts: all 1; (2, 2, mean z̄) and
 * (6, 4, 2 mean z̄) (mean spend p v/(q-1) near the data's); `options.starts` adds [p, q, v] triples.
 */
export function fitGammaGamma(observations: readonly SpendObservation[], options: MleOptions = {}): Result<GammaGammaFit, string[]> {
  const prepared = prepare(observations);
  if (!prepared.ok) return prepared;
  const d = prepared.value;
  let meanZ = 0;
  for (let i = 0; i < d.weight.length; i++) meanZ += ((d.weight[i] ?? 0) * (d.z[i] ?? 0)) / d.customers;
  const fit = fitMle(
    {
      names: ['p', 'q', 'v'],
      logLikelihood: (theta) => totalLogLikelihood(toParams(theta), d),
      defaultStarts: [
        [1, 1, 1],
        [2, 2, meanZ],
        [6, 4, 2 * meanZ],
      ],
      customers: d.customers,
      rows: d.weight.length,
    },
    options,
  );
  return ok({
    model: 'gamma-gamma',
    params: toParams(fit.theta),
    standardErrors: fit.standardErrors === null ? null : toParams(fit.standardErrors),
    diagnostics: fit.diagnostics,
    skippedNoRepeat: d.skippedNoRepeat,
    skippedNonPositiveSpend: d.skippedNonPositiveSpend,
  });
}

/**
 * E[M | x, z̄]: expected mean transaction value of a customer (Fader, Hardie and Lee 2005b, eq. 3):
 *
 *   (v + x z̄) p / (p x + q - 1)  =  (q-1)/(px+q-1) · p v/(q-1)  +  px/(px+q-1) · z̄,
 *
 * a weighted average of the population mean p v/(q-1) and the customer's own mean. With x = 0 it is
 * the population mean (z̄ is ignored). NaN when p x + q <= 1 (the mean does not exist: q <= 1 for x = 0).
 */
export function gammaGammaExpectedSpend(params: GammaGammaParams, x: number, meanSpend: number): number {
  const { p, q, v } = params;
  const denominator = p * x + q - 1;
  if (!(denominator > 0)) return Number.NaN;
  return ((v + (x > 0 ? x * meanSpend : 0)) * p) / denominator;
}
