import type { Result } from '../../shared/result.js';
import { err, ok } from '../../shared/result.js';
import type { BgNbdFit } from './bg-nbd.js';
import { bgNbdConditionalExpectedPurchases, bgNbdProbabilityAlive, fitBgNbd } from './bg-nbd.js';
import type { GammaGammaFit } from './gamma-gamma.js';
import { fitGammaGamma } from './gamma-gamma.js';
import type { TransactionSummary } from './summarize-transactions.js';

export interface HoldoutGroup {
  /** Calibration repeat purchases of the group ("7+" for the last). */
  readonly frequency: string;
  readonly customers: number;
  readonly actualMean: number;
  readonly predictedMean: number;
}

export interface ClvEvaluation {
  readonly bgNbd: BgNbdFit;
  readonly gammaGamma: GammaGammaFit | null;
  /** Why Gamma-Gamma was not fitted (no customer with repeat purchases and positive spend). */
  readonly gammaGammaErrors: readonly string[];
  readonly fitMs: { readonly bgNbd: number; readonly gammaGamma: number };
  /** Present when the summary has a holdout period. */
  readonly holdout: {
    readonly length: number;
    readonly actual: number;
    readonly predicted: number;
    /** (predicted − actual) / actual, over all customers. */
    readonly relativeError: number;
    /** Per-customer mean absolute error of predicted vs actual holdout purchases. */
    readonly meanAbsoluteError: number;
    readonly byFrequency: readonly HoldoutGroup[];
    readonly meanProbabilityAlive: number;
  } | null;
}

const FREQUENCY_GROUPS = 7;

/**
 * Fits BG/NBD (and Gamma-Gamma on customers with repeat purchases) on the calibration summaries
 * and, when there is a holdout, compares each customer's expected purchases over the holdout
 * length with what they did: overall, per customer and by calibration frequency (the paper's
 * conditional-expectation check). `nowMs` only times the fits.
 */
export function evaluateClv(summary: TransactionSummary, nowMs: () => number): Result<ClvEvaluation, string[]> {
  let started = nowMs();
  const bg = fitBgNbd(summary.customers.map((c) => ({ x: c.x, tx: c.tx, T: c.T })));
  const bgMs = nowMs() - started;
  if (!bg.ok) return err(bg.error);
  started = nowMs();
  const gg = fitGammaGamma(summary.customers.map((c) => ({ x: c.x, meanSpend: c.meanSpend })));
  const ggMs = nowMs() - started;
  const params = bg.value.params;
  let holdout: ClvEvaluation['holdout'] = null;
  const length = summary.holdoutLength;
  if (length !== undefined) {
    let actual = 0;
    let predicted = 0;
    let absolute = 0;
    let alive = 0;
    const groups = Array.from({ length: FREQUENCY_GROUPS + 1 }, () => ({ customers: 0, actual: 0, predicted: 0 }));
    for (const c of summary.customers) {
      const expected = bgNbdConditionalExpectedPurchases(params, length, c.x, c.tx, c.T);
      const did = c.holdout?.purchases ?? 0;
      actual += did;
      predicted += expected;
      absolute += Math.abs(expected - did);
      alive += bgNbdProbabilityAlive(params, c.x, c.tx, c.T);
      const group = groups[Math.min(c.x, FREQUENCY_GROUPS)];
      if (group !== undefined) {
        group.customers++;
        group.actual += did;
        group.predicted += expected;
      }
    }
    const n = Math.max(1, summary.customers.length);
    holdout = {
      length,
      actual,
      predicted,
      relativeError: actual > 0 ? (predicted - actual) / actual : Number.NaN,
      meanAbsoluteError: absolute / n,
      byFrequency: groups
        .map((g, x) => ({ frequency: x === FREQUENCY_GROUPS ? `${x}+` : String(x), customers: g.customers, actualMean: g.customers > 0 ? g.actual / g.customers : 0, predictedMean: g.customers > 0 ? g.predicted / g.customers : 0 }))
        .filter((g) => g.customers > 0),
      meanProbabilityAlive: alive / n,
    };
  }
  return ok({ bgNbd: bg.value, gammaGamma: gg.ok ? gg.value : null, gammaGammaErrors: gg.ok ? [] : gg.error, fitMs: { bgNbd: bgMs, gammaGamma: ggMs }, holdout });
}
