import { describe, expect, it } from 'vitest';
import type { NormalizedEvent } from '../events/event.js';
import { foldProfile } from '../profiles/fold-profile.js';
import { DEFAULT_PROFILE_SPEC } from '../profiles/profile-spec.js';
import { asProfileId } from '../shared/ids.js';
import type { JsonObject } from '../shared/json.js';
import { MS_PER_DAY, MS_PER_HOUR } from '../shared/time.js';
import { makeEvent, T0_MS } from '../../../test/builders/make-event.js';
import type { BuyingStage } from './buying-stage.js';
import { BUYING_STAGE_RULES, computeBuyingStage } from './buying-stage.js';

const spec = DEFAULT_PROFILE_SPEC;

function track(event: string, atMs: number, properties: JsonObject = {}): NormalizedEvent {
  return makeEvent({ type: 'track', event, timestampMs: atMs, properties });
}

function stageOf(events: readonly NormalizedEvent[], nowMs: number): BuyingStage {
  return computeBuyingStage(foldProfile(asProfileId('p'), events, spec), nowMs, spec);
}

const order = (atMs: number, id = 'o1') => track('Order Completed', atMs, { order_id: id, revenue: 20 });
const add = (atMs: number, id = 'p1') => track('Product Added', atMs, { product_id: id, price: 5 });
const view = (atMs: number, id: string) => track('Product Viewed', atMs, { product_id: id });

describe('computeBuyingStage', () => {
  it('browsing by default, with the numbers in the reason', () => {
    expect(stageOf([view(T0_MS, 'a')], T0_MS + MS_PER_HOUR)).toEqual({
      stage: 'browsing',
      rule: 'default',
      reason: 'no orders, no open cart and 1 product view in the last 14 days',
    });
  });

  it('considering after 3 product views in the window, not when they are older', () => {
    const views = [view(T0_MS, 'a'), view(T0_MS + 1, 'b'), view(T0_MS + 2, 'c')];
    expect(stageOf(views, T0_MS + MS_PER_DAY)).toMatchObject({ stage: 'considering', rule: 'product_views', reason: '3 product views in the last 14 days and no order yet' });
    expect(stageOf(views, T0_MS + 15 * MS_PER_DAY).stage).toBe('browsing');
  });

  it('considering after viewing one product twice', () => {
    expect(stageOf([view(T0_MS, 'a'), view(T0_MS + MS_PER_DAY, 'a')], T0_MS + 2 * MS_PER_DAY)).toEqual({
      stage: 'considering',
      rule: 'repeat_product_view',
      reason: 'product "a" viewed 2 times in the last 14 days',
    });
  });

  it('ready to buy with an open cart, which becomes an abandoned cart (considering) after cartAbandonAfterMs', () => {
    const events = [add(T0_MS), add(T0_MS + 1, 'p2'), add(T0_MS + 2, 'p3')];
    expect(stageOf(events, T0_MS + 2 * MS_PER_HOUR + 2)).toEqual({
      stage: 'ready_to_buy',
      rule: 'open_cart',
      reason: '3 items added to cart, the last 2 hours ago, and no order since',
    });
    expect(stageOf(events, T0_MS + 25 * MS_PER_HOUR)).toMatchObject({ stage: 'considering', rule: 'abandoned_cart', reason: '3 items left in cart 24 hours ago without an order' });
    expect(stageOf(events, T0_MS + 20 * MS_PER_DAY).stage).toBe('browsing');
  });

  it('ready to buy after a checkout with no order since', () => {
    expect(stageOf([track('Checkout Started', T0_MS)], T0_MS + 3 * MS_PER_HOUR)).toEqual({
      stage: 'ready_to_buy',
      rule: 'checkout_started',
      reason: 'checkout started 3 hours ago and no order since',
    });
    expect(stageOf([track('Checkout Started', T0_MS), order(T0_MS + 1)], T0_MS + 3 * MS_PER_HOUR).stage).toBe('customer');
  });

  it('customer with orders, lapsed after lapsedAfterDays', () => {
    expect(stageOf([order(T0_MS)], T0_MS + 10 * MS_PER_DAY)).toEqual({ stage: 'customer', rule: 'has_orders', reason: '1 order, the last 10 days ago' });
    expect(stageOf([order(T0_MS)], T0_MS + 180 * MS_PER_DAY).stage).toBe('customer');
    expect(stageOf([order(T0_MS)], T0_MS + 181 * MS_PER_DAY)).toEqual({
      stage: 'lapsed',
      rule: 'lapsed_customer',
      reason: '1 order, the last 181 days ago (lapsed after 180 days)',
    });
  });

  it('puts a fresh cart before lapsed and customer, and customer before considering', () => {
    const lapsedWithCart = [order(T0_MS), add(T0_MS + 200 * MS_PER_DAY)];
    expect(stageOf(lapsedWithCart, T0_MS + 200 * MS_PER_DAY + MS_PER_HOUR).rule).toBe('open_cart');
    const customerBrowsing = [order(T0_MS), view(T0_MS + 1, 'a'), view(T0_MS + 2, 'a'), view(T0_MS + 3, 'b')];
    expect(stageOf(customerBrowsing, T0_MS + MS_PER_DAY).rule).toBe('has_orders');
  });

  it('has stable rule ids', () => {
    expect(BUYING_STAGE_RULES).toEqual(['open_cart', 'checkout_started', 'lapsed_customer', 'has_orders', 'product_views', 'repeat_product_view', 'abandoned_cart', 'default']);
  });
});
