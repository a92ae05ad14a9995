import { readComputedTraitValue } from '../profiles/computed-trait-accumulator.js';
import type { ProfileSpec } from '../profiles/profile-spec.js';
import type { CappedCounts, OrderDayBucket, ProfileState } from '../profiles/profile-state.js';
import type { JsonValue } from '../shared/json.js';
import { MS_PER_DAY, toEpochDay } from '../shared/time.js';
import type { EpochMs } from '../shared/time.js';
import type { BuyingStage } from './buying-stage.js';
import { computeBuyingStage } from './buying-stage.js';

export interface CategoryAffinity {
  readonly category: string;
  /** Share of the decayed interest, 0..1; the shares of all kept categories sum to 1. */
  readonly score: number;
}

/**
 * Everything read off a profile at a given time. Time-relative values (windows, recency, open
 * cart, stage) are computed here from `nowMs`, so they roll forward without new events.
 *
 * Windows are whole UTC days: "last 7 days" is the day of `nowMs` and the 6 days before it.
 */
export interface ProfileFeatures {
  /** Days (fractional) since the last order; null without orders. */
  readonly recencyDays: number | null;
  /** Orders completed (duplicates by order_id excluded; refunds do not reduce it). */
  readonly frequency: number;
  /** Net revenue: order amounts minus refunds and cancellations. */
  readonly monetary: number;
  readonly grossRevenue: number;
  readonly refunds: number;
  readonly refundAmount: number;
  readonly cancellations: number;
  readonly cancelAmount: number;
  /** Gross revenue per order (what an order was worth when placed); null without orders. */
  readonly averageOrderValue: number | null;
  readonly firstSeenMs: EpochMs | null;
  readonly lastSeenMs: EpochMs | null;
  readonly daysSinceLastSeen: number | null;
  readonly firstOrderMs: EpochMs | null;
  readonly lastOrderMs: EpochMs | null;
  readonly ordersLast7d: number;
  readonly ordersLast30d: number;
  readonly ordersLast90d: number;
  readonly ordersLast365d: number;
  /** Net of refunds and cancellations booked in the window. */
  readonly revenueLast7d: number;
  readonly revenueLast30d: number;
  readonly revenueLast90d: number;
  readonly revenueLast365d: number;
  readonly eventCount: number;
  readonly sessions: number;
  readonly pageViews: number;
  readonly screenViews: number;
  readonly productViews: number;
  readonly cartAdds: number;
  readonly cartRemoves: number;
  readonly checkoutsStarted: number;
  /** Items in the open cart (0 when none). */
  readonly cartItemCount: number;
  readonly cartLastAddMs: EpochMs | null;
  /** Past abandoned carts, plus the open one when it is older than cartAbandonAfterMs. */
  readonly abandonedCarts: number;
  readonly discountedOrders: number;
  readonly discountTotal: number;
  /** Discounted orders / orders; null without orders. */
  readonly discountUsageRate: number | null;
  /** Top `affinityTopN` categories, decayed to `nowMs`, highest first (ties by name). */
  readonly categoryAffinity: readonly CategoryAffinity[];
  readonly topCategory: string | null;
  /** The decayed total behind the shares: how much category interest there is at all. */
  readonly categoryInterest: number;
  /** UTC hour 0..23 with the most activity (ties: the earliest); null without activity. */
  readonly preferredHourOfDay: number | null;
  /** UTC day 0 = Sunday .. 6 with the most activity (ties: the lowest); null without activity. */
  readonly preferredDayOfWeek: number | null;
  /** Share of activity per device kind; '(other)' holds kinds beyond the cap of 20. */
  readonly deviceMix: Readonly<Record<string, number>>;
  readonly channelMix: Readonly<Record<string, number>>;
  readonly buyingStage: BuyingStage;
  /** Value per declared computed trait (null when the profile needs a replay for it). */
  readonly computedTraits: Readonly<Record<string, JsonValue>>;
}

const OVERFLOW_LABEL = '(other)';

export function computeFeatures(state: ProfileState, nowMs: EpochMs, spec: ProfileSpec): ProfileFeatures {
  const orders = state.orders;
  const commerce = state.commerce;
  const cart = state.cart;
  const nowDay = toEpochDay(nowMs);
  const netRevenue = orders.grossRevenue - orders.refundAmount - orders.cancelAmount;

  const openCartAbandoned =
    cart.itemCount > 0 && cart.lastAddMs !== null && nowMs - cart.lastAddMs > spec.cartAbandonAfterMs;

  const affinity = computeAffinity(state, nowMs, spec);
  const computedTraits: Record<string, JsonValue> = {};
  for (const definition of spec.computedTraits) {
    if (definition.name === '__proto__') continue;
    computedTraits[definition.name] = readComputedTraitValue(state, definition, nowMs);
  }

  const w7 = windowTotals(orders.days, nowDay, 7);
  const w30 = windowTotals(orders.days, nowDay, 30);
  const w90 = windowTotals(orders.days, nowDay, 90);
  const w365 = windowTotals(orders.days, nowDay, 365);

  return {
    recencyDays: orders.lastOrderMs === null ? null : daysBetween(orders.lastOrderMs, nowMs),
    frequency: orders.count,
    monetary: zeroSafe(netRevenue),
    grossRevenue: orders.grossRevenue,
    refunds: orders.refundCount,
    refundAmount: orders.refundAmount,
    cancellations: orders.cancelCount,
    cancelAmount: orders.cancelAmount,
    averageOrderValue: orders.count === 0 ? null : orders.grossRevenue / orders.count,
    firstSeenMs: state.firstSeenMs,
    lastSeenMs: state.lastSeenMs,
    daysSinceLastSeen: state.lastSeenMs === null ? null : daysBetween(state.lastSeenMs, nowMs),
    firstOrderMs: orders.firstOrderMs,
    lastOrderMs: orders.lastOrderMs,
    ordersLast7d: w7.orders,
    ordersLast30d: w30.orders,
    ordersLast90d: w90.orders,
    ordersLast365d: w365.orders,
    revenueLast7d: w7.revenue,
    revenueLast30d: w30.revenue,
    revenueLast90d: w90.revenue,
    revenueLast365d: w365.revenue,
    eventCount: state.eventCount,
    sessions: state.sessions.count,
    pageViews: state.eventTypeCounts.page,
    screenViews: state.eventTypeCounts.screen,
    productViews: commerce.productViews,
    cartAdds: commerce.cartAdds,
    cartRemoves: commerce.cartRemoves,
    checkoutsStarted: commerce.checkoutsStarted,
    cartItemCount: cart.itemCount,
    cartLastAddMs: cart.lastAddMs,
    abandonedCarts: cart.abandonedCount + (openCartAbandoned ? 1 : 0),
    discountedOrders: orders.discountedCount,
    discountTotal: orders.discountTotal,
    discountUsageRate: orders.count === 0 ? null : orders.discountedCount / orders.count,
    categoryAffinity: affinity.top,
    topCategory: affinity.top[0]?.category ?? null,
    categoryInterest: affinity.total,
    preferredHourOfDay: argmax(state.hourOfDay),
    preferredDayOfWeek: argmax(state.dayOfWeek),
    deviceMix: toShares(state.devices),
    channelMix: toShares(state.channels),
    buyingStage: computeBuyingStage(state, nowMs, spec),
    computedTraits,
  };
}

function daysBetween(fromMs: EpochMs, toMs: EpochMs): number {
  return Math.max(0, toMs - fromMs) / MS_PER_DAY;
}

function zeroSafe(value: number): number {
  return value === 0 ? 0 : value;
}

/** Orders and net revenue of the UTC days nowDay - windowDays + 1 .. nowDay. */
function windowTotals(
  days: readonly OrderDayBucket[],
  nowDay: number,
  windowDays: number,
): { orders: number; revenue: number } {
  const fromDay = nowDay - windowDays + 1;
  let orders = 0;
  let revenue = 0;
  for (const bucket of days) {
    if (bucket.day < fromDay || bucket.day > nowDay) continue;
    orders += bucket.orders;
    revenue += bucket.revenue;
  }
  return { orders, revenue: zeroSafe(revenue) };
}

function computeAffinity(
  state: ProfileState,
  nowMs: EpochMs,
  spec: ProfileSpec,
): { top: CategoryAffinity[]; total: number } {
  const { atMs, scores } = state.affinity;
  if (atMs === null) return { top: [], total: 0 };
  const factor = Math.pow(2, -Math.max(0, nowMs - atMs) / (spec.affinityHalfLifeDays * MS_PER_DAY));
  const decayed: { category: string; weight: number }[] = [];
  let total = 0;
  for (const category of Object.keys(scores)) {
    const weight = (scores[category] as number) * factor;
    if (weight <= 0) continue;
    decayed.push({ category, weight });
    total += weight;
  }
  if (total <= 0) return { top: [], total: 0 };
  decayed.sort((a, b) => b.weight - a.weight || (a.category < b.category ? -1 : a.category > b.category ? 1 : 0));
  const top = decayed
    .slice(0, Math.max(0, spec.affinityTopN))
    .map((entry) => ({ category: entry.category, score: entry.weight / total }));
  return { top, total };
}

function argmax(counts: readonly number[]): number | null {
  let best: number | null = null;
  let bestCount = 0;
  for (let index = 0; index < counts.length; index++) {
    const count = counts[index] as number;
    if (count > bestCount) {
      best = index;
      bestCount = count;
    }
  }
  return best;
}

function toShares(capped: CappedCounts): Record<string, number> {
  let total = capped.overflow;
  for (const key of Object.keys(capped.counts)) total += capped.counts[key] as number;
  const shares: Record<string, number> = {};
  if (total === 0) return shares;
  for (const key of Object.keys(capped.counts)) shares[key] = (capped.counts[key] as number) / total;
  if (capped.overflow > 0) shares[OVERFLOW_LABEL] = (shares[OVERFLOW_LABEL] ?? 0) + capped.overflow / total;
  return shares;
}
