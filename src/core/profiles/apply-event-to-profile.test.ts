import { describe, expect, it } from 'vitest';
import type { NormalizedEvent } from '../events/event.js';
import { asProfileId } from '../shared/ids.js';
import { MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE } from '../shared/time.js';
import { makeEvent, T0_MS } from '../../../test/builders/make-event.js';
import { applyEventToProfile } from './apply-event-to-profile.js';
import { foldProfile } from './fold-profile.js';
import type { ProfileSpec } from './profile-spec.js';
import { DEFAULT_PROFILE_SPEC } from './profile-spec.js';
import type { ProfileState } from './profile-state.js';
import { createProfileState, isAfterLastEvent } from './profile-state.js';

const PID = asProfileId('prf_test');
const spec = DEFAULT_PROFILE_SPEC;

function fold(events: readonly NormalizedEvent[], withSpec: ProfileSpec = spec): ProfileState {
  return foldProfile(PID, events, withSpec);
}

function track(event: string, atMs: number, properties: NormalizedEvent['properties'] = {}, id?: string): NormalizedEvent {
  return makeEvent({ type: 'track', event, timestampMs: atMs, properties, ...(id === undefined ? {} : { messageId: id }) });
}

describe('applyEventToProfile: bookkeeping', () => {
  it('mutates and returns the given state, and tracks counts, first/last seen and the last event key', () => {
    const state = createProfileState(PID);
    const a = makeEvent({ type: 'page', timestampMs: T0_MS, messageId: 'a' });
    const b = makeEvent({ type: 'identify', timestampMs: T0_MS + 5000, messageId: 'b' });
    expect(applyEventToProfile(state, a, spec)).toBe(state);
    applyEventToProfile(state, b, spec);
    expect(state.eventCount).toBe(2);
    expect(state.firstSeenMs).toBe(T0_MS);
    expect(state.lastSeenMs).toBe(T0_MS + 5000);
    expect(state.eventTypeCounts).toMatchObject({ page: 1, identify: 1, track: 0 });
    expect(state.lastEventKey).toEqual({ timestampMs: T0_MS + 5000, messageId: 'b' });
  });

  it('ignores a second delivery of the last event (same time and messageId)', () => {
    const state = createProfileState(PID);
    const order = track('Order Completed', T0_MS, { revenue: 10 }, 'o1');
    applyEventToProfile(state, order, spec);
    const snapshot = structuredClone(state);
    applyEventToProfile(state, order, spec);
    expect(state).toStrictEqual(snapshot);
  });

  it('isAfterLastEvent orders by time, then messageId, and rejects the last event itself', () => {
    const state = createProfileState(PID);
    expect(isAfterLastEvent(state, { timestampMs: 0, messageId: 'x' })).toBe(true);
    applyEventToProfile(state, makeEvent({ timestampMs: T0_MS, messageId: 'm' }), spec);
    expect(isAfterLastEvent(state, { timestampMs: T0_MS + 1, messageId: 'a' })).toBe(true);
    expect(isAfterLastEvent(state, { timestampMs: T0_MS, messageId: 'n' })).toBe(true);
    expect(isAfterLastEvent(state, { timestampMs: T0_MS, messageId: 'm' })).toBe(false);
    expect(isAfterLastEvent(state, { timestampMs: T0_MS, messageId: 'l' })).toBe(false);
    expect(isAfterLastEvent(state, { timestampMs: T0_MS - 1, messageId: 'z' })).toBe(false);
  });

  it('keeps lastEventKey at the greatest key when an older event is applied anyway', () => {
    const state = createProfileState(PID);
    applyEventToProfile(state, makeEvent({ timestampMs: T0_MS + 10, messageId: 'b' }), spec);
    applyEventToProfile(state, makeEvent({ timestampMs: T0_MS, messageId: 'a' }), spec);
    expect(state.lastEventKey).toEqual({ timestampMs: T0_MS + 10, messageId: 'b' });
    expect(state.firstSeenMs).toBe(T0_MS);
  });

  it('counts track events by name', () => {
    const state = fold([track('Signed Up', T0_MS), track('Signed Up', T0_MS + 1), track('Logged In', T0_MS + 2)]);
    expect(state.trackEventCounts).toEqual({ counts: { 'Signed Up': 2, 'Logged In': 1 }, overflow: 0 });
  });

  it('caps track event names at 200 and counts the rest as overflow', () => {
    const events = Array.from({ length: 205 }, (_, i) => track(`Event ${String(i).padStart(3, '0')}`, T0_MS + i));
    const state = fold(events);
    expect(Object.keys(state.trackEventCounts.counts)).toHaveLength(200);
    expect(state.trackEventCounts.overflow).toBe(5);
    expect(state.trackEventCounts.counts['Event 204']).toBeUndefined();
  });
});

describe('applyEventToProfile: traits', () => {
  it('takes the value of the latest event time, whatever the arrival order', () => {
    const late = makeEvent({ type: 'identify', timestampMs: T0_MS + MS_PER_DAY, traits: { plan: 'gold' }, messageId: 'b' });
    const early = makeEvent({ type: 'identify', timestampMs: T0_MS, traits: { plan: 'bronze', email: 'a@x.io' }, messageId: 'a' });
    for (const order of [[early, late], [late, early]]) {
      const state = fold(order);
      expect(state.traits['plan']).toEqual({ value: 'gold', atMs: T0_MS + MS_PER_DAY, messageId: 'b' });
      expect(state.traits['email']?.value).toBe('a@x.io');
    }
  });

  it('breaks a tie in event time by the greater messageId', () => {
    const x = makeEvent({ type: 'identify', timestampMs: T0_MS, traits: { plan: 'x' }, messageId: 'm-1' });
    const y = makeEvent({ type: 'identify', timestampMs: T0_MS, traits: { plan: 'y' }, messageId: 'm-2' });
    expect(fold([y, x]).traits['plan']?.value).toBe('y');
    expect(fold([x, y]).traits['plan']?.value).toBe('y');
  });

  it('the last-write-wins rule holds even when an older event is applied after a newer one', () => {
    const state = createProfileState(PID);
    applyEventToProfile(state, makeEvent({ type: 'identify', timestampMs: T0_MS + 10, traits: { plan: 'new' } }), spec);
    applyEventToProfile(state, makeEvent({ type: 'identify', timestampMs: T0_MS, traits: { plan: 'old' } }), spec);
    expect(state.traits['plan']?.value).toBe('new');
  });

  it('reads context traits folded into track events, and ignores group traits (they describe the group)', () => {
    const state = fold([
      makeEvent({ type: 'track', timestampMs: T0_MS, traits: { email: 'a@x.io' } }),
      makeEvent({ type: 'group', timestampMs: T0_MS + 1, groupId: 'g1', traits: { name: 'Acme', employees: 50 } }),
    ]);
    expect(Object.keys(state.traits)).toEqual(['email']);
  });

  it('stores null and object values, is safe with prototype-like keys, and writes -0 as 0', () => {
    const traits = JSON.parse('{"__proto__": {"polluted": true}, "constructor": "c", "nick": null, "address": {"city": "Leeds"}, "balance": -0}');
    const state = fold([makeEvent({ type: 'identify', timestampMs: T0_MS, traits })]);
    expect(Object.keys(state.traits).sort()).toEqual(['address', 'balance', 'constructor', 'nick']);
    expect(state.traits['constructor']?.value).toBe('c');
    expect(state.traits['nick']?.value).toBeNull();
    expect(state.traits['address']?.value).toEqual({ city: 'Leeds' });
    expect(Object.is(state.traits['balance']?.value, 0)).toBe(true);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('keeps at most maxTraitKeys keys and counts the writes it dropped', () => {
    const small: ProfileSpec = { ...spec, maxTraitKeys: 2 };
    const state = fold(
      [
        makeEvent({ type: 'identify', timestampMs: T0_MS, traits: { a: 1, b: 2, c: 3 } }),
        makeEvent({ type: 'identify', timestampMs: T0_MS + 1, traits: { a: 10, d: 4 } }),
      ],
      small,
    );
    expect(Object.keys(state.traits)).toEqual(['a', 'b']);
    expect(state.traits['a']?.value).toBe(10);
    expect(state.traitsDropped).toBe(2);
  });
});

describe('applyEventToProfile: sessions and activity', () => {
  it('starts a new session after a gap longer than sessionGapMs, and only then', () => {
    const state = fold([
      makeEvent({ type: 'page', timestampMs: T0_MS }),
      makeEvent({ type: 'page', timestampMs: T0_MS + 30 * MS_PER_MINUTE }), // exactly the gap: same session
      makeEvent({ type: 'page', timestampMs: T0_MS + 61 * MS_PER_MINUTE }), // 31 minutes later: new
    ]);
    expect(state.sessions.count).toBe(2);
  });

  it('starts a new session when context.sessionId changes, even without a gap', () => {
    const state = fold([
      makeEvent({ type: 'page', timestampMs: T0_MS, context: { sessionId: 's1' } }),
      makeEvent({ type: 'page', timestampMs: T0_MS + 1000, context: { sessionId: 's1' } }),
      makeEvent({ type: 'page', timestampMs: T0_MS + 2000 }),
      makeEvent({ type: 'page', timestampMs: T0_MS + 3000, context: { sessionId: 's2' } }),
      makeEvent({ type: 'page', timestampMs: T0_MS + 4000, context: { sessionId: 12345 } }),
    ]);
    expect(state.sessions.count).toBe(3);
    expect(state.sessions.currentSessionId).toBe('12345');
  });

  it('does not count identify, group or alias calls as activity', () => {
    const state = fold([
      makeEvent({ type: 'identify', timestampMs: T0_MS }),
      makeEvent({ type: 'alias', timestampMs: T0_MS + 1, previousId: 'old' }),
    ]);
    expect(state.sessions.count).toBe(0);
    expect(state.hourOfDay.reduce((a, b) => a + b, 0)).toBe(0);
  });

  it('fills UTC hour-of-day and day-of-week histograms (0 = Sunday)', () => {
    // T0 is Friday 2024-03-01 00:00 UTC.
    const state = fold([
      makeEvent({ type: 'page', timestampMs: T0_MS + 13 * MS_PER_HOUR }),
      makeEvent({ type: 'page', timestampMs: T0_MS + 2 * MS_PER_DAY + 23 * MS_PER_HOUR }),
    ]);
    expect(state.hourOfDay[13]).toBe(1);
    expect(state.hourOfDay[23]).toBe(1);
    expect(state.dayOfWeek).toEqual([1, 0, 0, 0, 0, 1, 0]);
  });

  it('handles instants before 1970 in the histograms', () => {
    const state = fold([makeEvent({ type: 'page', timestampMs: Date.UTC(1969, 11, 31, 22) })]);
    expect(state.hourOfDay[22]).toBe(1);
    expect(state.dayOfWeek[3]).toBe(1); // 1969-12-31 was a Wednesday
  });

  it('counts device kinds and channels', () => {
    const state = fold([
      makeEvent({ type: 'page', timestampMs: T0_MS, context: { userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148' } }),
      makeEvent({ type: 'screen', timestampMs: T0_MS + 1, context: { device: { type: 'ios' } } }),
      makeEvent({ type: 'track', timestampMs: T0_MS + 2, context: { channel: 'Email' } }),
      makeEvent({ type: 'track', timestampMs: T0_MS + 3, context: {} }),
    ]);
    expect(state.devices.counts).toEqual({ mobile: 2, other: 2 });
    expect(state.channels.counts).toEqual({ web: 1, mobile: 1, email: 1, server: 1 });
  });

  it('caps the device mix at 20 kinds', () => {
    const events = Array.from({ length: 23 }, (_, i) =>
      makeEvent({ type: 'page', timestampMs: T0_MS + i, context: { device: { type: `kind-${String(i).padStart(2, '0')}` } } }),
    );
    const state = fold(events);
    expect(Object.keys(state.devices.counts)).toHaveLength(20);
    expect(state.devices.overflow).toBe(3);
  });
});

describe('applyEventToProfile: orders', () => {
  it('reads revenue, else total, else the sum of price x quantity, numeric strings included', () => {
    const state = fold([
      track('Order Completed', T0_MS, { order_id: 'a', revenue: '10.5', total: 99 }),
      track('Order Completed', T0_MS + 1, { order_id: 'b', total: 20 }),
      track('Order Completed', T0_MS + 2, {
        order_id: 'c',
        products: [
          { product_id: 'p1', price: '3', quantity: 2 },
          { product_id: 'p2', price: 4 },
        ],
      }),
      track('Order Completed', T0_MS + 3, { order_id: 'd' }),
    ]);
    expect(state.orders.count).toBe(4);
    expect(state.orders.grossRevenue).toBe(10.5 + 20 + 10);
    expect(state.orders.firstOrderMs).toBe(T0_MS);
    expect(state.orders.lastOrderMs).toBe(T0_MS + 3);
  });

  it('counts an order_id once when the same order is sent twice', () => {
    const state = fold([
      track('Order Completed', T0_MS, { order_id: 'o1', revenue: 10 }, 'client'),
      track('Order Completed', T0_MS + 500, { order_id: 'o1', revenue: 10 }, 'server'),
    ]);
    expect(state.orders.count).toBe(1);
    expect(state.orders.grossRevenue).toBe(10);
    expect(state.orders.duplicateCount).toBe(1);
  });

  it('nets refunds and cancellations, taking the order amount when the refund has none', () => {
    const state = fold([
      track('Order Completed', T0_MS, { order_id: 'o1', revenue: 100 }),
      track('Order Completed', T0_MS + 1, { order_id: 'o2', revenue: 50 }),
      track('Order Refunded', T0_MS + MS_PER_DAY, { order_id: 'o1', total: -30 }),
      track('Order Cancelled', T0_MS + MS_PER_DAY + 1, { order_id: 'o2' }),
      track('order_refunded', T0_MS + MS_PER_DAY + 2, { order_id: 'unknown' }),
    ]);
    expect(state.orders).toMatchObject({ count: 2, grossRevenue: 150, refundCount: 2, refundAmount: 30, cancelCount: 1, cancelAmount: 50 });
    expect(state.orders.days).toEqual([
      { day: Math.floor(T0_MS / MS_PER_DAY), orders: 2, revenue: 150 },
      { day: Math.floor(T0_MS / MS_PER_DAY) + 1, orders: 0, revenue: -80 },
    ]);
  });

  it('counts orders with a discount or a coupon', () => {
    const state = fold([
      track('Order Completed', T0_MS, { order_id: 'a', revenue: 10, discount: '2.5' }),
      track('Order Completed', T0_MS + 1, { order_id: 'b', revenue: 10, coupon: 'SPRING' }),
      track('Order Completed', T0_MS + 2, { order_id: 'c', revenue: 10, discount: 0, coupon: '' }),
    ]);
    expect(state.orders.discountedCount).toBe(2);
    expect(state.orders.discountTotal).toBe(2.5);
  });

  it('keeps day buckets only for the last 365 days before the latest event', () => {
    const events = [0, 100, 300, 400, 700].map((day, i) =>
      track('Order Completed', T0_MS + day * MS_PER_DAY, { order_id: `o${i}`, revenue: 1 }),
    );
    const state = fold(events);
    const t0Day = Math.floor(T0_MS / MS_PER_DAY);
    expect(state.orders.days.map((b) => b.day - t0Day)).toEqual([400, 700]);
    expect(state.orders.count).toBe(5);
  });

  it('matches e-commerce names case-insensitively and with underscores', () => {
    const state = fold([
      track('order completed', T0_MS, { order_id: 'a', revenue: 1 }),
      track('ORDER_COMPLETED', T0_MS + 1, { order_id: 'b', revenue: 1 }),
      track('Order  Completed!', T0_MS + 2, { order_id: 'c', revenue: 1 }),
    ]);
    expect(state.orders.count).toBe(2);
  });
});

describe('applyEventToProfile: cart', () => {
  it('tracks items added and removed, and empties the cart on an order', () => {
    const state = createProfileState(PID);
    applyEventToProfile(state, track('Product Added', T0_MS, { product_id: 'p1', quantity: 2, price: 5 }), spec);
    applyEventToProfile(state, track('Product Added', T0_MS + 1, { product_id: 'p2' }), spec);
    applyEventToProfile(state, track('Product Removed', T0_MS + 2, { product_id: 'p1' }), spec);
    expect(state.cart).toEqual({ items: { p1: 1, p2: 1 }, itemCount: 2, lastAddMs: T0_MS + 1, abandonedCount: 0 });
    expect(state.commerce).toMatchObject({ cartAdds: 2, cartRemoves: 1 });
    applyEventToProfile(state, track('Order Completed', T0_MS + 3, { order_id: 'o', revenue: 5 }), spec);
    expect(state.cart).toEqual({ items: {}, itemCount: 0, lastAddMs: null, abandonedCount: 0 });
  });

  it('counts an abandoned cart when the next cart activity comes more than cartAbandonAfterMs after the last add', () => {
    const state = fold([
      track('Product Added', T0_MS, { product_id: 'p1' }),
      track('Product Added', T0_MS + 2 * MS_PER_DAY, { product_id: 'p2' }),
      track('Order Completed', T0_MS + 2 * MS_PER_DAY + MS_PER_HOUR, { order_id: 'o', revenue: 5 }),
    ]);
    expect(state.cart.abandonedCount).toBe(1);
    expect(state.orders.count).toBe(1);
  });

  it('counts an order after a stale cart as abandoned-then-bought', () => {
    const state = fold([
      track('Product Added', T0_MS, { product_id: 'p1' }),
      track('Order Completed', T0_MS + 25 * MS_PER_HOUR, { order_id: 'o', revenue: 5 }),
    ]);
    expect(state.cart.abandonedCount).toBe(1);
  });

  it('does not count a cart emptied by removals as abandoned', () => {
    const state = fold([
      track('Product Added', T0_MS, { product_id: 'p1' }),
      track('Product Removed', T0_MS + MS_PER_HOUR, { product_id: 'p1' }),
      track('Product Added', T0_MS + 3 * MS_PER_DAY, { product_id: 'p2' }),
    ]);
    expect(state.cart.abandonedCount).toBe(0);
    expect(state.cart.items).toEqual({ p2: 1 });
  });

  it('marks a checkout open until an order follows', () => {
    const state = createProfileState(PID);
    applyEventToProfile(state, track('Checkout Started', T0_MS, { order_id: 'o' }), spec);
    expect(state.commerce).toMatchObject({ checkoutsStarted: 1, lastCheckoutMs: T0_MS, checkoutOpen: true });
    applyEventToProfile(state, track('Order Completed', T0_MS + 1, { order_id: 'o', revenue: 1 }), spec);
    expect(state.commerce.checkoutOpen).toBe(false);
  });
});

describe('applyEventToProfile: category affinity', () => {
  it('weights views 1, adds 3 and purchases 5 per product line', () => {
    const state = fold([
      track('Product Viewed', T0_MS, { product_id: 'p1', category: 'Shoes' }),
      track('Product Added', T0_MS, { product_id: 'p1', category: 'Shoes' }),
      track('Order Completed', T0_MS, {
        order_id: 'o',
        products: [
          { product_id: 'p1', category: 'Shoes', price: 1 },
          { product_id: 'p2', category: 'Socks', price: 1 },
        ],
      }),
    ]);
    expect(state.affinity).toEqual({ atMs: T0_MS, scores: { Shoes: 9, Socks: 5 } });
  });

  it('halves the scores every affinityHalfLifeDays', () => {
    const state = fold([
      track('Product Viewed', T0_MS, { category: 'Shoes' }),
      track('Product Viewed', T0_MS + 30 * MS_PER_DAY, { category: 'Hats' }),
    ]);
    expect(state.affinity.atMs).toBe(T0_MS + 30 * MS_PER_DAY);
    expect(state.affinity.scores['Shoes']).toBeCloseTo(0.5, 12);
    expect(state.affinity.scores['Hats']).toBe(1);
  });

  it('keeps the 50 strongest categories', () => {
    const events = Array.from({ length: 55 }, (_, i) => track('Product Viewed', T0_MS + i * MS_PER_HOUR, { category: `cat-${i}` }));
    const state = fold(events);
    const kept = Object.keys(state.affinity.scores);
    expect(kept).toHaveLength(50);
    // The oldest (most decayed) ones went.
    expect(kept).not.toContain('cat-0');
    expect(kept).toContain('cat-54');
  });

  it('does not change affinity or its reference time for events without categories', () => {
    const state = fold([track('Product Viewed', T0_MS, { category: 'Shoes' }), makeEvent({ type: 'page', timestampMs: T0_MS + MS_PER_DAY })]);
    expect(state.affinity).toEqual({ atMs: T0_MS, scores: { Shoes: 1 } });
  });
});

describe('applyEventToProfile: product views', () => {
  it('remembers product views within the considering window of the latest view', () => {
    const state = fold([
      track('Product Viewed', T0_MS, { product_id: 'old' }),
      track('Product Viewed', T0_MS + 20 * MS_PER_DAY, { product_id: 'p1' }),
      track('Product Viewed', T0_MS + 21 * MS_PER_DAY, { product_id: 'p1' }),
    ]);
    expect(state.commerce.productViews).toBe(3);
    expect(state.recentProductViews).toEqual([
      { productId: 'p1', atMs: T0_MS + 20 * MS_PER_DAY },
      { productId: 'p1', atMs: T0_MS + 21 * MS_PER_DAY },
    ]);
  });
});

describe('applyEventToProfile: purchased products', () => {
  it('records each product of products[] once per order, summing quantities, keyed like cart lines', () => {
    const state = fold([
      track('Order Completed', T0_MS, {
        order_id: 'a',
        products: [
          { product_id: 'p1', quantity: 2 },
          { sku: 'SKU-9', quantity: '3' },
          { name: 'Gift card' },
          { product_id: 'p1', quantity: 1 },
          { category: 'no key' },
          { product_id: 'p3', quantity: 0 },
        ],
      }),
      track('Order Completed', T0_MS + MS_PER_DAY, { order_id: 'b', products: [{ product_id: 'p1', quantity: 1 }] }),
    ]);
    expect(state.purchasedProducts).toEqual({
      items: {
        p1: { orders: 2, quantity: 4, firstMs: T0_MS, lastMs: T0_MS + MS_PER_DAY },
        'SKU-9': { orders: 1, quantity: 3, firstMs: T0_MS, lastMs: T0_MS },
        'Gift card': { orders: 1, quantity: 1, firstMs: T0_MS, lastMs: T0_MS },
      },
      overflow: 0,
    });
  });

  it('reads a single-product order from top-level product fields, with or without an order_id', () => {
    const state = fold([
      track('Order Completed', T0_MS, { product_id: 42, price: 5, quantity: 2 }),
      track('Order Completed', T0_MS + 1, { product_id: '42', price: 5 }),
    ]);
    expect(state.purchasedProducts.items).toEqual({ '42': { orders: 2, quantity: 3, firstMs: T0_MS, lastMs: T0_MS + 1 } });
  });

  it('does not count an order skipped as a duplicate order_id', () => {
    const state = fold([
      track('Order Completed', T0_MS, { order_id: 'o1', products: [{ product_id: 'p1', quantity: 2 }] }, 'client'),
      track('Order Completed', T0_MS + 500, { order_id: 'o1', products: [{ product_id: 'p1', quantity: 2 }] }, 'server'),
    ]);
    expect(state.orders.duplicateCount).toBe(1);
    expect(state.purchasedProducts.items).toEqual({ p1: { orders: 1, quantity: 2, firstMs: T0_MS, lastMs: T0_MS } });
  });

  it('ignores other events, refunds included', () => {
    const state = fold([
      track('Product Added', T0_MS, { product_id: 'p1' }),
      track('Order Refunded', T0_MS + 1, { order_id: 'x', products: [{ product_id: 'p1' }] }),
    ]);
    expect(state.purchasedProducts).toEqual({ items: {}, overflow: 0 });
  });

  it('at maxPurchasedProducts evicts the least recently bought key (ties: smallest key), counted in overflow', () => {
    const small: ProfileSpec = { ...spec, maxPurchasedProducts: 3 };
    const events = [
      track('Order Completed', T0_MS, { order_id: 'a', products: [{ product_id: 'c' }, { product_id: 'b' }, { product_id: 'a' }] }),
      // Rebuys b: a and c are now the oldest, tied; a (smallest key) goes first.
      track('Order Completed', T0_MS + 10, { order_id: 'b', products: [{ product_id: 'b' }, { product_id: 'd' }] }),
      track('Order Completed', T0_MS + 20, { order_id: 'c', products: [{ product_id: 'e' }] }),
    ];
    const state = fold(events, small);
    expect(Object.keys(state.purchasedProducts.items).sort()).toEqual(['b', 'd', 'e']);
    expect(state.purchasedProducts.overflow).toBe(2);
    expect(state.purchasedProducts.items['b']).toEqual({ orders: 2, quantity: 2, firstMs: T0_MS, lastMs: T0_MS + 10 });
    // Deterministic: the same history folds to the same state, whatever the arrival order.
    expect(JSON.stringify(fold([...events].reverse(), small))).toBe(JSON.stringify(state));
  });

  it('shrinks to a lowered cap with the next new key, and holds nothing with a cap of 0', () => {
    const many = Array.from({ length: 5 }, (_, i) => track('Order Completed', T0_MS + i, { order_id: `o${i}`, product_id: `p${i}` }));
    const state = fold(many);
    const lowered = applyEventToProfile(state, track('Order Completed', T0_MS + 9, { order_id: 'z', product_id: 'new' }), {
      ...spec,
      maxPurchasedProducts: 2,
    });
    expect(Object.keys(lowered.purchasedProducts.items).sort()).toEqual(['new', 'p4']);
    expect(lowered.purchasedProducts.overflow).toBe(4);
    expect(fold(many, { ...spec, maxPurchasedProducts: 0 }).purchasedProducts).toEqual({ items: {}, overflow: 5 });
  });

  it('is safe with prototype-like product ids', () => {
    const state = fold([
      track('Order Completed', T0_MS, { order_id: 'a', products: [{ product_id: 'constructor', quantity: 2 }, { product_id: '__proto__' }] }),
      track('Order Completed', T0_MS + 1, { order_id: 'b', products: [{ product_id: 'constructor' }, { product_id: 'toString' }] }),
    ]);
    const items = state.purchasedProducts.items;
    expect(Object.getPrototypeOf(items)).toBe(Object.prototype);
    expect(Object.keys(items).sort()).toEqual(['constructor', 'toString']);
    expect(items['constructor']).toEqual({ orders: 2, quantity: 3, firstMs: T0_MS, lastMs: T0_MS + 1 });
    expect(items['toString']).toEqual({ orders: 1, quantity: 1, firstMs: T0_MS + 1, lastMs: T0_MS + 1 });
    // __proto__ cannot be held in a plain JSON record: counted as not held.
    expect(state.purchasedProducts.overflow).toBe(1);
    expect(JSON.parse(JSON.stringify(state.purchasedProducts))).toEqual(state.purchasedProducts);
  });
});

describe('applyEventToProfile: consent', () => {
  it('keeps the latest consent per purpose from any call type', () => {
    const state = fold([
      makeEvent({ type: 'page', timestampMs: T0_MS, messageId: 'a', context: { consent: { categoryPreferences: { Marketing: true } } } }),
      makeEvent({ type: 'identify', timestampMs: T0_MS + 1, messageId: 'b', context: { consentManagement: { deniedConsentIds: ['marketing'] } } }),
    ]);
    expect(state.consent).toEqual({ marketing: { granted: false, atMs: T0_MS + 1 } });
  });
});

describe('ProfileState', () => {
  it('survives a JSON round trip deep-equal', () => {
    const state = fold([
      makeEvent({ type: 'identify', timestampMs: T0_MS, traits: { email: 'a@x.io', n: 1.1 } }),
      track('Product Viewed', T0_MS + 1, { product_id: 'p1', category: 'Shoes', price: 0.1 }),
      track('Product Added', T0_MS + 2, { product_id: 'p1', category: 'Shoes', price: 0.1 }),
      track('Order Completed', T0_MS + 7 * MS_PER_DAY, { order_id: 'o', revenue: 0.3, discount: 0.1 }),
      track('Order Refunded', T0_MS + 8 * MS_PER_DAY, { order_id: 'o', total: 0.2 }),
    ]);
    expect(JSON.parse(JSON.stringify(state))).toStrictEqual(state);
  });
});
