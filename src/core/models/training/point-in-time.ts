import type { NormalizedEvent } from '../../events/event.js';
import { ECOMMERCE_EVENTS } from '../../events/ecommerce-spec.js';
import type { ProfileFeatures } from '../../features/compute-features.js';
import { computeFeatures } from '../../features/compute-features.js';
import { foldProfile } from '../../profiles/fold-profile.js';
import type { ProfileSpec } from '../../profiles/profile-spec.js';
import type { ProfileId } from '../../shared/ids.js';
import type { EpochMs } from '../../shared/time.js';
import { MS_PER_DAY } from '../../shared/time.js';
import type { Matrix } from '../matrix.js';
import { createMatrix } from '../matrix.js';

/**
 * What a model predicts, as a label read from the window [cutoff, cutoff + withinDays):
 * - purchase: an `Order Completed` in the window (propensity);
 * - churn: no `Order Completed` in the window, for customers who ordered before the cutoff;
 * - event: a track event of that name in the window (any custom goal).
 */
export type PredictionTarget =
  | { readonly kind: 'purchase'; readonly withinDays: number }
  | { readonly kind: 'churn'; readonly withinDays: number }
  | { readonly kind: 'event'; readonly event: string; readonly withinDays: number };

/** A numeric model input read off the features at the cutoff; NaN when the profile has no value. */
export interface ModelFeature {
  readonly name: string;
  read(features: ProfileFeatures, cutoffMs: EpochMs): number;
}

const orNaN = (value: number | null): number => (value === null ? Number.NaN : value);
const daysSince = (atMs: EpochMs | null, cutoffMs: EpochMs): number => (atMs === null ? Number.NaN : (cutoffMs - atMs) / MS_PER_DAY);

/**
 * The default inputs: recency, frequency, money, windows, engagement, carts, discounts, tenure.
 * All are computed by computeFeatures at the cutoff from events before it; missing stays NaN (the
 * GBDT routes it; the logistic baseline needs it imputed).
 */
export const DEFAULT_MODEL_FEATURES: readonly ModelFeature[] = [
  { name: 'recencyDays', read: (f) => orNaN(f.recencyDays) },
  { name: 'frequency', read: (f) => f.frequency },
  { name: 'monetary', read: (f) => f.monetary },
  { name: 'averageOrderValue', read: (f) => orNaN(f.averageOrderValue) },
  { name: 'ordersLast7d', read: (f) => f.ordersLast7d },
  { name: 'ordersLast30d', read: (f) => f.ordersLast30d },
  { name: 'ordersLast90d', read: (f) => f.ordersLast90d },
  { name: 'ordersLast365d', read: (f) => f.ordersLast365d },
  { name: 'revenueLast30d', read: (f) => f.revenueLast30d },
  { name: 'revenueLast90d', read: (f) => f.revenueLast90d },
  { name: 'refunds', read: (f) => f.refunds },
  { name: 'eventCount', read: (f) => f.eventCount },
  { name: 'sessions', read: (f) => f.sessions },
  { name: 'pageViews', read: (f) => f.pageViews },
  { name: 'productViews', read: (f) => f.productViews },
  { name: 'cartAdds', read: (f) => f.cartAdds },
  { name: 'checkoutsStarted', read: (f) => f.checkoutsStarted },
  { name: 'cartItemCount', read: (f) => f.cartItemCount },
  { name: 'abandonedCarts', read: (f) => f.abandonedCarts },
  { name: 'discountUsageRate', read: (f) => orNaN(f.discountUsageRate) },
  { name: 'daysSinceLastSeen', read: (f) => orNaN(f.daysSinceLastSeen) },
  { name: 'tenureDays', read: (f, cutoffMs) => daysSince(f.firstSeenMs, cutoffMs) },
  { name: 'daysSinceFirstOrder', read: (f, cutoffMs) => daysSince(f.firstOrderMs, cutoffMs) },
];

export interface TrainingSet {
  readonly cutoffMs: EpochMs;
  readonly target: PredictionTarget;
  readonly featureNames: readonly string[];
  readonly profileIds: readonly ProfileId[];
  /** One row per eligible profile, features at the cutoff (NaN = missing). */
  readonly x: Matrix;
  /** 1 when the target happened in the window, else 0. */
  readonly y: Float64Array;
  readonly positives: number;
  /** Profiles left out: no event before the cutoff, or (churn) no order before it. */
  readonly ineligible: number;
}

export interface ProfileEvents {
  readonly profileId: ProfileId;
  /** Every event of the profile, in any order (the builder filters by time itself). */
  readonly events: readonly NormalizedEvent[];
}

/**
 * Builds a training (or test) set at one cutoff without leakage: each profile is folded from its
 * events stamped strictly before the cutoff only, features are read at the cutoff, and the label
 * is read from the events in [cutoff, cutoff + withinDays) only. Nothing at or after the cutoff can
 * reach a feature (a property test changes and adds such events and finds the rows unchanged).
 *
 * Validation over time: build at an earlier cutoff to train and at a later one to test (see
 * timeSplit), never a random split of rows built from the same period.
 */
export function buildTrainingSet(
  profiles: Iterable<ProfileEvents>,
  opts: { readonly cutoffMs: EpochMs; readonly target: PredictionTarget; readonly spec: ProfileSpec; readonly features?: readonly ModelFeature[] },
): TrainingSet {
  const features = opts.features ?? DEFAULT_MODEL_FEATURES;
  const { cutoffMs, target } = opts;
  const windowEndMs = cutoffMs + target.withinDays * MS_PER_DAY;
  const ids: ProfileId[] = [];
  const rows: number[][] = [];
  const labels: number[] = [];
  let ineligible = 0;
  for (const { profileId, events } of profiles) {
    const before = events.filter((e) => e.timestampMs < cutoffMs);
    const state = before.length === 0 ? null : foldProfile(profileId, before, opts.spec);
    if (state === null || (target.kind === 'churn' && state.orders.count === 0)) {
      ineligible++;
      continue;
    }
    const computed = computeFeatures(state, cutoffMs, opts.spec);
    rows.push(features.map((feature) => feature.read(computed, cutoffMs)));
    ids.push(profileId);
    labels.push(labelOf(target, events, cutoffMs, windowEndMs) ? 1 : 0);
  }
  const x = createMatrix(rows.length, features.length);
  rows.forEach((row, i) => x.data.set(row, i * features.length));
  const y = Float64Array.from(labels);
  return { cutoffMs, target, featureNames: features.map((f) => f.name), profileIds: ids, x, y, positives: labels.reduce((a, b) => a + b, 0), ineligible };
}

function labelOf(target: PredictionTarget, events: readonly NormalizedEvent[], fromMs: EpochMs, untilMs: EpochMs): boolean {
  const name = target.kind === 'event' ? target.event : ECOMMERCE_EVENTS.orderCompleted;
  const happened = events.some((e) => e.type === 'track' && e.event === name && e.timestampMs >= fromMs && e.timestampMs < untilMs);
  return target.kind === 'churn' ? !happened : happened;
}

/**
 * A time-based split: train at `trainCutoffMs`, test at a later cutoff whose features start after
 * the training labels' window has ended, so no test label was visible when training.
 */
export function timeSplit(opts: { readonly testCutoffMs: EpochMs; readonly target: PredictionTarget }): { readonly trainCutoffMs: EpochMs; readonly testCutoffMs: EpochMs } {
  return { trainCutoffMs: opts.testCutoffMs - opts.target.withinDays * MS_PER_DAY, testCutoffMs: opts.testCutoffMs };
}
