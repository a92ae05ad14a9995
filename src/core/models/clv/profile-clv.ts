import type { ProfileFeatures } from '../../features/compute-features.js';
import type { EpochMs } from '../../shared/time.js';
import { MS_PER_DAY } from '../../shared/time.js';
import type { BgNbdParams } from './bg-nbd.js';
import { bgNbdConditionalExpectedPurchases, bgNbdProbabilityAlive } from './bg-nbd.js';
import type { GammaGammaParams } from './gamma-gamma.js';
import { gammaGammaExpectedSpend } from './gamma-gamma.js';
import type { ClvCustomer } from './lifetime-value.js';
import { MONTH_IN_UNITS, customerLifetimeValue } from './lifetime-value.js';

/** A workspace's CLV model, in days: what profiles are scored with. Plain JSON. */
export interface ProfileClvModel {
  readonly kind: 'clv';
  readonly bgNbd: BgNbdParams;
  /** Null when no customer had repeat purchases with a positive spend (CLV is then not scored). */
  readonly gammaGamma: GammaGammaParams | null;
  readonly horizonDays: number;
  readonly monthlyDiscountRate: number;
}

export interface ProfileClv {
  readonly probabilityAlive: number;
  /** Expected purchases over the horizon. */
  readonly expectedPurchases: number;
  /** Expected value of a future purchase; null without a spend model. */
  readonly expectedSpend: number | null;
  /** Discounted expected spend over the horizon, month by month; null without a spend model. */
  readonly clv: number | null;
}

/**
 * A profile as BG/NBD reads it, in days, from its features at `nowMs`: x = orders − 1 (repeat
 * purchases), t_x = days from the first to the last order, T = days since the first order, and
 * the mean order value. Two approximations against the textbook summaries (summarizeTransactions):
 * orders on the same day count separately, and the mean includes the first order. Null for a
 * profile without orders (BG/NBD describes customers).
 */
export function clvCustomerOf(features: ProfileFeatures, nowMs: EpochMs): ClvCustomer | null {
  if (features.frequency < 1 || features.firstOrderMs === null || features.lastOrderMs === null) return null;
  const T = Math.max(0, (nowMs - features.firstOrderMs) / MS_PER_DAY);
  const tx = Math.min(T, Math.max(0, (features.lastOrderMs - features.firstOrderMs) / MS_PER_DAY));
  const x = Math.max(0, features.frequency - 1);
  return { x, tx: x === 0 ? 0 : tx, T, meanSpend: x > 0 ? features.grossRevenue / features.frequency : 0 };
}

export function scoreProfileClv(model: ProfileClvModel, customer: ClvCustomer): ProfileClv {
  const { x, tx, T } = customer;
  const probabilityAlive = bgNbdProbabilityAlive(model.bgNbd, x, tx, T);
  const expectedPurchases = bgNbdConditionalExpectedPurchases(model.bgNbd, model.horizonDays, x, tx, T);
  if (model.gammaGamma === null) return { probabilityAlive, expectedPurchases, expectedSpend: null, clv: null };
  const months = Math.max(1, Math.round(model.horizonDays / MONTH_IN_UNITS.day));
  const value = customerLifetimeValue(model.bgNbd, model.gammaGamma, customer, { periods: months, periodLength: MONTH_IN_UNITS.day, discountRate: model.monthlyDiscountRate });
  return { probabilityAlive, expectedPurchases, expectedSpend: gammaGammaExpectedSpend(model.gammaGamma, x, customer.meanSpend), clv: value.clv };
}
