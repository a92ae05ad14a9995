import type { RfmSegmentKey } from './rfm-segments.js';
import { RFM_SEGMENTS } from './rfm-segments.js';

export interface RfmScoredCustomer {
  readonly segmentKey: RfmSegmentKey;
  readonly monetary: number;
  readonly frequency: number;
  /** Null for a profile with no order (scored only when onlyCustomers is false). */
  readonly recencyDays: number | null;
}

export interface RfmSegmentSummary {
  readonly key: RfmSegmentKey;
  readonly name: string;
  readonly count: number;
  /** count / all scored customers, 0..1; 0 when there are none. */
  readonly customerShare: number;
  /** Sum of monetary (net revenue) of the segment. */
  readonly revenue: number;
  /** revenue / total revenue; null when the total is not positive (a share would mislead). */
  readonly revenueShare: number | null;
  /** Mean orders per customer; null for an empty segment. */
  readonly averageOrders: number | null;
  /** Mean days since the last order over members with an order; null when none has one. */
  readonly averageRecencyDays: number | null;
  /** Mean monetary per customer; null for an empty segment. */
  readonly averageMonetary: number | null;
}

export interface RfmSummary {
  readonly customers: number;
  readonly revenue: number;
  /** Every segment, in RFM_SEGMENTS order (best first), empty ones included with count 0. */
  readonly segments: readonly RfmSegmentSummary[];
}

/** The numbers of the RFM grid view: size, share of customers and of revenue, orders, recency. */
interface SegmentTotals {
  count: number;
  revenue: number;
  orders: number;
  recencySum: number;
  recencyCount: number;
}

export function summarizeRfm(scored: readonly RfmScoredCustomer[]): RfmSummary {
  const totals = new Map<RfmSegmentKey, SegmentTotals>();
  for (const segment of RFM_SEGMENTS) totals.set(segment.key, { count: 0, revenue: 0, orders: 0, recencySum: 0, recencyCount: 0 });
  let revenue = 0;
  for (const customer of scored) {
    const total = totals.get(customer.segmentKey);
    if (total === undefined) throw new RangeError(`Unknown RFM segment key: ${String(customer.segmentKey)}`);
    total.count++;
    total.revenue += customer.monetary;
    total.orders += customer.frequency;
    if (customer.recencyDays !== null) {
      total.recencySum += customer.recencyDays;
      total.recencyCount++;
    }
    revenue += customer.monetary;
  }
  const customers = scored.length;
  return {
    customers,
    revenue,
    segments: RFM_SEGMENTS.map((segment) => {
      const total = totals.get(segment.key) as SegmentTotals;
      return {
        key: segment.key,
        name: segment.name,
        count: total.count,
        customerShare: customers === 0 ? 0 : total.count / customers,
        revenue: total.revenue,
        revenueShare: revenue > 0 ? total.revenue / revenue : null,
        averageOrders: total.count === 0 ? null : total.orders / total.count,
        averageRecencyDays: total.recencyCount === 0 ? null : total.recencySum / total.recencyCount,
        averageMonetary: total.count === 0 ? null : total.revenue / total.count,
      };
    }),
  };
}
