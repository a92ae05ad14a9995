import type { Result } from '../../shared/result.js';
import { err, ok } from '../../shared/result.js';
import type { EpochMs } from '../../shared/time.js';
import { toEpochDay } from '../../shared/time.js';

/**
 * From transactions to the per-customer summaries the BG/NBD and Gamma-Gamma models read.
 *
 * Conventions (those of the CDNOW analyses and lifetimes' defaults):
 * - Time is cut into UTC days (epoch ms -> day number). The calibration period holds every
 *   transaction on or before the UTC day of `calibrationEndMs` (that whole day included); the
 *   holdout period the days after it up to and including the UTC day of `holdoutEndMs`. Callers
 *   with a local business day shift the timestamps by their UTC offset first.
 * - Purchases are merged into buckets: `mergeWithin: 'day'` (default) makes all of a customer's
 *   transactions on one day one purchase; `'unit'` merges within one calendar unit (a day, or a
 *   Monday-to-Sunday week for `unit: 'week'`). A bucket's amount is the sum of its transactions
 *   (negative amounts, refunds, included).
 * - The first bucket is the customer's first (trial) purchase and is not counted: x = buckets - 1.
 *   t_x = position(last bucket) - position(first), T = position(calibration end) - position(first),
 *   in `unit`s. With day buckets a position is day / (1 or 7), so weeks are fractional (CDNOW: 213
 *   days = 30.43 weeks); with unit buckets it is the bucket's index, so t_x and T are whole units.
 * - meanSpend is the mean amount of the repeat buckets (the first is excluded, as the Gamma-Gamma
 *   analyses do); 0 when x = 0.
 * - Customers without a purchase in the calibration period are left out (and counted).
 * - Holdout (when `holdoutEndMs` is given): the customer's buckets in the holdout period (merged
 *   within it) and their total amount; `holdoutLength` is the period's length in units.
 */

export type ClvTimeUnit = 'day' | 'week';

export interface ClvTransaction {
  readonly customerId: string;
  readonly atMs: EpochMs;
  readonly amount: number;
}

export interface SummarizeOptions {
  readonly calibrationEndMs: EpochMs;
  readonly holdoutEndMs?: EpochMs;
  readonly unit: ClvTimeUnit;
  /** Default 'day'. */
  readonly mergeWithin?: 'day' | 'unit';
}

export interface CustomerHoldout {
  /** Purchases (buckets) in the holdout period. */
  readonly purchases: number;
  /** Their total amount. */
  readonly spend: number;
}

export interface CustomerSummary {
  readonly customerId: string;
  /** Repeat purchases in the calibration period. */
  readonly x: number;
  readonly tx: number;
  readonly T: number;
  /** Mean amount of the repeat purchases; 0 when x = 0. */
  readonly meanSpend: number;
  /** The first transaction's instant. */
  readonly firstPurchaseMs: EpochMs;
  /** Present when a holdout end was given. */
  readonly holdout?: CustomerHoldout;
}

export interface TransactionSummary {
  /** Ordered by customerId (code-unit order). */
  readonly customers: CustomerSummary[];
  readonly unit: ClvTimeUnit;
  readonly mergeWithin: 'day' | 'unit';
  /** Length of the holdout period in units; present when a holdout end was given. */
  readonly holdoutLength?: number;
  readonly transactionsInCalibration: number;
  readonly transactionsInHoldout: number;
  /** Transactions after the holdout end (or after the calibration end when there is no holdout). */
  readonly transactionsAfter: number;
  /** Customers whose first transaction is after the calibration end (left out). */
  readonly customersWithoutCalibrationPurchase: number;
}

const DAYS_PER_UNIT: Readonly<Record<ClvTimeUnit, number>> = { day: 1, week: 7 };
/** 1970-01-01 was a Thursday: (day + 3) / 7 starts weeks on Mondays. */
const MONDAY_SHIFT = 3;

interface Accumulator {
  firstMs: number;
  readonly calibration: Map<number, number>;
  readonly holdout: Map<number, number>;
}

export function summarizeTransactions(transactions: readonly ClvTransaction[], options: SummarizeOptions): Result<TransactionSummary, string[]> {
  const { calibrationEndMs, holdoutEndMs, unit } = options;
  const mergeWithin = options.mergeWithin ?? 'day';
  const errors: string[] = [];
  if (!Number.isFinite(calibrationEndMs)) errors.push(`calibrationEndMs must be a finite instant, got ${calibrationEndMs}`);
  if (holdoutEndMs !== undefined && !(Number.isFinite(holdoutEndMs) && holdoutEndMs > calibrationEndMs)) {
    errors.push(`holdoutEndMs must be an instant after calibrationEndMs, got ${holdoutEndMs}`);
  }
  if (!(unit in DAYS_PER_UNIT)) errors.push(`unit must be 'day' or 'week', got ${String(unit)}`);
  if (errors.length > 0) return err(errors);

  const unitDays = DAYS_PER_UNIT[unit];
  const byUnit = mergeWithin === 'unit' && unitDays > 1;
  const bucketOf = (day: number): number => (byUnit ? Math.floor((day + MONDAY_SHIFT) / unitDays) : day);
  const position = (bucket: number): number => (byUnit ? bucket : bucket / unitDays);
  const endDay = toEpochDay(calibrationEndMs);
  const holdoutEndDay = holdoutEndMs === undefined ? null : toEpochDay(holdoutEndMs);

  const customers = new Map<string, Accumulator>();
  let inCalibration = 0;
  let inHoldout = 0;
  let after = 0;
  let invalid = 0;
  transactions.forEach((t, i) => {
    const why =
      typeof t.customerId !== 'string' || t.customerId.length === 0
        ? 'customerId must be a non-empty string'
        : !Number.isFinite(t.atMs)
          ? `atMs must be a finite instant, got ${t.atMs}`
          : !Number.isFinite(t.amount)
            ? `amount must be finite, got ${t.amount}`
            : null;
    if (why !== null) {
      invalid++;
      if (errors.length < 10) errors.push(`transaction ${i}: ${why}`);
      return;
    }
    const day = toEpochDay(t.atMs);
    let target: 'calibration' | 'holdout';
    if (day <= endDay) {
      target = 'calibration';
      inCalibration++;
    } else if (holdoutEndDay !== null && day <= holdoutEndDay) {
      target = 'holdout';
      inHoldout++;
    } else {
      after++;
      return;
    }
    let acc = customers.get(t.customerId);
    if (acc === undefined) {
      acc = { firstMs: Number.POSITIVE_INFINITY, calibration: new Map(), holdout: new Map() };
      customers.set(t.customerId, acc);
    }
    const buckets = acc[target];
    const bucket = bucketOf(day);
    buckets.set(bucket, (buckets.get(bucket) ?? 0) + t.amount);
    if (target === 'calibration' && t.atMs < acc.firstMs) acc.firstMs = t.atMs;
  });
  if (invalid > 10) errors.push(`... and ${invalid - 10} more`);
  if (errors.length > 0) return err(errors);

  const endPosition = position(bucketOf(endDay));
  const summaries: CustomerSummary[] = [];
  let withoutCalibration = 0;
  const ids = [...customers.keys()].sort((p, q) => (p < q ? -1 : p > q ? 1 : 0));
  for (const customerId of ids) {
    const acc = customers.get(customerId) as Accumulator;
    if (acc.calibration.size === 0) {
      withoutCalibration++;
      continue;
    }
    const buckets = [...acc.calibration.keys()].sort((p, q) => p - q);
    const first = buckets[0] as number;
    const last = buckets[buckets.length - 1] as number;
    const x = buckets.length - 1;
    let repeatSpend = 0;
    for (const b of buckets.slice(1)) repeatSpend += acc.calibration.get(b) ?? 0;
    const base = {
      customerId,
      x,
      tx: position(last) - position(first),
      T: endPosition - position(first),
      meanSpend: x > 0 ? repeatSpend / x : 0,
      firstPurchaseMs: acc.firstMs,
    };
    if (holdoutEndDay === null) {
      summaries.push(base);
    } else {
      let spend = 0;
      for (const amount of acc.holdout.values()) spend += amount;
      summaries.push({ ...base, holdout: { purchases: acc.holdout.size, spend } });
    }
  }
  const common = {
    customers: summaries,
    unit,
    mergeWithin,
    transactionsInCalibration: inCalibration,
    transactionsInHoldout: inHoldout,
    transactionsAfter: after,
    customersWithoutCalibrationPurchase: withoutCalibration,
  };
  return ok(holdoutEndDay === null ? common : { ...common, holdoutLength: position(bucketOf(holdoutEndDay)) - endPosition });
}
