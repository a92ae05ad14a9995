import { describe, expect, it } from 'vitest';
import type { NormalizedEvent } from '../events/event.js';
import { parseComputedTraitDefinition } from '../profiles/computed-trait.js';
import { foldProfile } from '../profiles/fold-profile.js';
import type { ProfileSpec } from '../profiles/profile-spec.js';
import { DEFAULT_PROFILE_SPEC } from '../profiles/profile-spec.js';
import { createProfileState } from '../profiles/profile-state.js';
import { asProfileId } from '../shared/ids.js';
import type { JsonObject } from '../shared/json.js';
import { MS_PER_DAY, MS_PER_HOUR } from '../shared/time.js';
import { makeEvent, T0_MS } from '../../../test/builders/make-event.js';
import type { ProfileFeatures } from './compute-features.js';
import { computeFeatures } from './compute-features.js';

const spec = DEFAULT_PROFILE_SPEC;

function track(event: string, atMs: number, properties: JsonObject = {}, context: JsonObject = {}): NormalizedEvent {
  return makeEvent({ type: 'track', event, timestampMs: atMs, properties, context });
}

function features(events: readonly NormalizedEvent[], nowMs: number, withSpec: ProfileSpec = spec): ProfileFeatures {
  return computeFeatures(foldProfile(asProfileId('p'), events, withSpec), nowMs, withSpec);
}

const order = (atMs: number, id: string, revenue: number, extra: JsonObject = {}) =>
  track('Order Completed', atMs, { order_id: id, revenue, ...extra });

describe('computeFeatures', () => {
  it('describes an empty profile with zeros and nulls', () => {
    const f = computeFeatures(createProfileState(asProfileId('p')), T0_MS, spec);
    expect(f).toMatchObject({
      recencyDays: null,
      frequency: 0,
      monetary: 0,
      averageOrderValue: null,
      firstSeenMs: null,
      ordersLast30d: 0,
      categoryAffinity: [],
      topCategory: null,
      preferredHourOfDay: null,
      preferredDayOfWeek: null,
      deviceMix: {},
      channelMix: {},
      discountUsageRate: null,
      buyingStage: { stage: 'browsing', rule: 'default' },
      computedTraits: {},
    });
  });

  it('computes RFM, average order value and discount usage', () => {
    const f = features(
      [order(T0_MS, 'a', 100, { coupon: 'X' }), order(T0_MS + 10 * MS_PER_DAY, 'b', 50), track('Order Refunded', T0_MS + 11 * MS_PER_DAY, { order_id: 'a', total: 30 })],
      T0_MS + 12 * MS_PER_DAY + 12 * MS_PER_HOUR,
    );
    expect(f.recencyDays).toBe(2.5);
    expect(f.frequency).toBe(2);
    expect(f.monetary).toBe(120);
    expect(f.grossRevenue).toBe(150);
    expect(f.averageOrderValue).toBe(75);
    expect(f.discountUsageRate).toBe(0.5);
    expect(f.refunds).toBe(1);
    expect(f.lastOrderMs).toBe(T0_MS + 10 * MS_PER_DAY);
  });

  it('rolls order windows forward with now, counting whole UTC days', () => {
    const events = [order(T0_MS, 'a', 10), order(T0_MS + 40 * MS_PER_DAY, 'b', 20), order(T0_MS + 100 * MS_PER_DAY, 'c', 40)];
    const at = (day: number) => features(events, T0_MS + day * MS_PER_DAY + 23 * MS_PER_HOUR);
    expect(at(100)).toMatchObject({ ordersLast7d: 1, ordersLast30d: 1, ordersLast90d: 2, ordersLast365d: 3, revenueLast90d: 60, revenueLast365d: 70 });
    expect(at(106)).toMatchObject({ ordersLast7d: 1, revenueLast7d: 40 });
    expect(at(107)).toMatchObject({ ordersLast7d: 0, revenueLast7d: 0, ordersLast30d: 1 });
    expect(at(365)).toMatchObject({ ordersLast365d: 2 });
    expect(at(500)).toMatchObject({ ordersLast365d: 0, frequency: 3 });
  });

  it('normalizes category affinity to shares, highest first', () => {
    const f = features(
      [
        track('Product Viewed', T0_MS, { category: 'Hats' }),
        track('Product Added', T0_MS, { category: 'Shoes' }),
        track('Product Viewed', T0_MS, { category: 'Bags' }),
      ],
      T0_MS + 30 * MS_PER_DAY,
    );
    expect(f.categoryAffinity).toEqual([
      { category: 'Shoes', score: 0.6 },
      { category: 'Bags', score: 0.2 },
      { category: 'Hats', score: 0.2 },
    ]);
    expect(f.topCategory).toBe('Shoes');
    expect(f.categoryInterest).toBeCloseTo(2.5, 12);
  });

  it('lets recent interest overtake old interest as it decays', () => {
    const f = features(
      [track('Order Completed', T0_MS, { order_id: 'o', products: [{ category: 'Old', price: 1 }] }), track('Product Added', T0_MS + 60 * MS_PER_DAY, { category: 'New' })],
      T0_MS + 60 * MS_PER_DAY,
    );
    // 5 decayed over two half-lives is 1.25, against 3.
    expect(f.categoryAffinity.map((c) => c.category)).toEqual(['New', 'Old']);
    expect(f.categoryAffinity[1]?.score).toBeCloseTo(1.25 / 4.25, 12);
  });

  it('returns at most affinityTopN categories', () => {
    const events = Array.from({ length: 15 }, (_, i) => track('Product Viewed', T0_MS + i, { category: `c${i}` }));
    expect(features(events, T0_MS + 100).categoryAffinity).toHaveLength(10);
  });

  it('reports preferred hour and day, and device and channel shares', () => {
    const at13 = T0_MS + 13 * MS_PER_HOUR;
    const f = features(
      [
        makeEvent({ type: 'page', timestampMs: at13, context: { device: { type: 'mobile' } } }),
        makeEvent({ type: 'page', timestampMs: at13 + 1, context: { device: { type: 'mobile' } } }),
        makeEvent({ type: 'screen', timestampMs: T0_MS + MS_PER_DAY + 9 * MS_PER_HOUR, context: { device: { type: 'tablet' } } }),
        track('Signed Up', T0_MS + 2 * MS_PER_DAY + 9 * MS_PER_HOUR, {}, { channel: 'server' }),
      ],
      T0_MS + 3 * MS_PER_DAY,
    );
    expect(f.preferredHourOfDay).toBe(9); // 9 and 13 tie at 2; the earlier wins
    expect(f.preferredDayOfWeek).toBe(5); // Friday
    expect(f.deviceMix).toEqual({ mobile: 0.5, tablet: 0.25, other: 0.25 });
    expect(f.channelMix).toEqual({ web: 0.5, mobile: 0.25, server: 0.25 });
  });

  it('counts sessions, page, screen and product views, cart adds and abandoned carts', () => {
    const events = [
      makeEvent({ type: 'page', timestampMs: T0_MS }),
      makeEvent({ type: 'screen', timestampMs: T0_MS + 2 * MS_PER_HOUR }),
      track('Product Viewed', T0_MS + 2 * MS_PER_HOUR + 1, { product_id: 'a' }),
      track('Product Added', T0_MS + 2 * MS_PER_HOUR + 2, { product_id: 'a' }),
      track('Product Added', T0_MS + 5 * MS_PER_DAY, { product_id: 'b' }), // closes the first cart as abandoned
    ];
    const soon = features(events, T0_MS + 5 * MS_PER_DAY + MS_PER_HOUR);
    expect(soon).toMatchObject({ sessions: 3, pageViews: 1, screenViews: 1, productViews: 1, cartAdds: 2, abandonedCarts: 1, cartItemCount: 1 });
    // Reading later, the open cart is old enough to count as abandoned too.
    expect(features(events, T0_MS + 7 * MS_PER_DAY).abandonedCarts).toBe(2);
  });

  it('returns computed trait values by name', () => {
    const parsed = parseComputedTraitDefinition({ name: 'big_orders', event: 'Order Completed', where: [{ property: 'revenue', op: 'gte', value: 50 }], aggregate: 'count', windowDays: 30 });
    if (!parsed.ok) throw new Error('definition');
    const withTrait: ProfileSpec = { ...spec, computedTraits: [parsed.value] };
    const events = [order(T0_MS, 'a', 60), order(T0_MS + 1, 'b', 10), order(T0_MS + 20 * MS_PER_DAY, 'c', 70)];
    expect(features(events, T0_MS + 21 * MS_PER_DAY, withTrait).computedTraits).toEqual({ big_orders: 2 });
    expect(features(events, T0_MS + 31 * MS_PER_DAY, withTrait).computedTraits).toEqual({ big_orders: 1 });
  });

  it('is plain JSON', () => {
    const f = features([order(T0_MS, 'a', 10), track('Product Viewed', T0_MS, { category: 'x', product_id: 'p' })], T0_MS + MS_PER_DAY);
    expect(JSON.parse(JSON.stringify(f))).toStrictEqual(f);
  });
});
