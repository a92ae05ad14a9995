import type { BgNbdParams } from './bg-nbd.js';
import { bgNbdConditionalExpectedPurchases } from './bg-nbd.js';
import type { GammaGammaParams } from './gamma-gamma.js';
import { gammaGammaExpectedSpend } from './gamma-gamma.js';

/**
 * Discounted customer lifetime value from a BG/NBD purchase model and a Gamma-Gamma spend model.
 *
 * With periods of length L (in the models' time unit), a horizon of n periods and a discount rate d
 * per period, discounting each period's purchases at its end:
 *
 *   CLV = Σ_{i=1..n} ( E[Y(iL) | x, t_x, T] - E[Y((i-1)L) | x, t_x, T] ) · E[M | x, z̄] / (1 + d)^i
 *
 * E[Y(t) | ·] is the BG/NBD conditional expectation (which already weighs by P(alive)), E[M | ·]
 * the Gamma-Gamma expected spend. Monthly periods: L = MONTH_IN_UNITS[unit] (an average month,
 * 365.25/12 days) and d the monthly rate (an annual rate D gives d = (1 + D)^(1/12) - 1). The result
 * is in the currency of z̄; margins, if any, are the caller's factor. NaN when a term is NaN.
 */

export const MONTH_IN_UNITS = { day: 365.25 / 12, week: 365.25 / 12 / 7 } as const;

export interface ClvCustomer {
  readonly x: number;
  readonly tx: number;
  readonly T: number;
  /** Mean value of the repeat purchases (ignored when x = 0). */
  readonly meanSpend: number;
}

export interface ClvOptions {
  /** Number of periods in the horizon (integer >= 1). */
  readonly periods: number;
  /** Length of one period in the models' time unit (> 0), e.g. MONTH_IN_UNITS.week. */
  readonly periodLength: number;
  /** Discount rate per period (>= 0; 0 for undiscounted). */
  readonly discountRate: number;
}

export interface ClvBreakdown {
  readonly clv: number;
  /** Expected purchases over the whole horizon (undiscounted). */
  readonly expectedPurchases: number;
  readonly expectedSpend: number;
  /** Expected purchases in each period. */
  readonly purchasesByPeriod: number[];
}

export function customerLifetimeValue(bg: BgNbdParams, gg: GammaGammaParams, customer: ClvCustomer, options: ClvOptions): ClvBreakdown {
  const { periods, periodLength, discountRate } = options;
  if (!(Number.isInteger(periods) && periods >= 1)) throw new RangeError(`customerLifetimeValue: periods must be an integer >= 1, got ${periods}`);
  if (!(periodLength > 0 && Number.isFinite(periodLength))) throw new RangeError(`customerLifetimeValue: periodLength must be > 0, got ${periodLength}`);
  if (!(discountRate >= 0 && Number.isFinite(discountRate))) throw new RangeError(`customerLifetimeValue: discountRate must be >= 0, got ${discountRate}`);
  const { x, tx, T, meanSpend } = customer;
  const expectedSpend = gammaGammaExpectedSpend(gg, x, meanSpend);
  const purchasesByPeriod: number[] = [];
  let previous = 0;
  let clv = 0;
  for (let i = 1; i <= periods; i++) {
    const cumulative = bgNbdConditionalExpectedPurchases(bg, i * periodLength, x, tx, T);
    const inPeriod = cumulative - previous;
    purchasesByPeriod.push(inPeriod);
    clv += (inPeriod * expectedSpend) / Math.pow(1 + discountRate, i);
    previous = cumulative;
  }
  return { clv, expectedPurchases: previous, expectedSpend, purchasesByPeriod };
}
