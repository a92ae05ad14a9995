import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../shared/json.js';
import { ECOMMERCE_EVENTS, extractProducts, MULTI_PRODUCT_EVENTS, orderDiscount, orderRevenue, SINGLE_PRODUCT_EVENTS } from './ecommerce-spec.js';
import type { EventType, NormalizedEvent } from './event.js';

function eventOf(event: string | null, properties: JsonObject, type: EventType = 'track'): NormalizedEvent {
  return {
    messageId: 'm1', type, event, name: null, userId: 'u1', anonymousId: null, previousId: null, groupId: null,
    properties, traits: {}, context: {}, timestampMs: 0, receivedAtMs: 0, sentAtMs: null, originalTimestampMs: null,
  };
}

const line = { productId: null, sku: null, name: null, category: null, price: null, quantity: 1, brand: null, variant: null };

describe('ECOMMERCE_EVENTS', () => {
  it('spells the Segment spec names exactly', () => {
    expect(ECOMMERCE_EVENTS.orderCompleted).toBe('Order Completed');
    expect(ECOMMERCE_EVENTS.productAddedToWishlist).toBe('Product Added to Wishlist');
    expect(ECOMMERCE_EVENTS.checkoutStepCompleted).toBe('Checkout Step Completed');
    expect(new Set(Object.values(ECOMMERCE_EVENTS)).size).toBe(Object.values(ECOMMERCE_EVENTS).length);
  });

  it('never puts an event in both the single- and the multi-product set', () => {
    for (const name of SINGLE_PRODUCT_EVENTS) expect(MULTI_PRODUCT_EVENTS.has(name)).toBe(false);
  });
});

describe('extractProducts', () => {
  it('reads products[] of an order, with spec defaults and numeric strings', () => {
    const lines = extractProducts(
      eventOf('Order Completed', {
        order_id: 'o1',
        products: [
          { product_id: 'p1', sku: 'S1', name: 'Mug', category: 'Kitchen', price: 20, quantity: 2, brand: 'Acme', variant: 'blue' },
          { product_id: 507, price: '4.50' },
          { id: 'p3', quantity: 0 },
          { coupon: 'X' }, // names no product
          'junk',
          null,
        ],
      }),
    );
    expect(lines).toEqual([
      { productId: 'p1', sku: 'S1', name: 'Mug', category: 'Kitchen', price: 20, quantity: 2, brand: 'Acme', variant: 'blue' },
      { ...line, productId: '507', price: 4.5 },
      { ...line, productId: 'p3', quantity: 0 },
    ]);
  });

  it('reads the top-level fields of a single-product event', () => {
    expect(extractProducts(eventOf('Product Viewed', { product_id: 'p1', name: 'Mug', price: 9.99, id: 'page-7' }))).toEqual([
      { ...line, productId: 'p1', name: 'Mug', price: 9.99 },
    ]);
    // Spec event with only a name still yields a line; top-level `id` is not taken for a product id.
    expect(extractProducts(eventOf('Product Added', { name: 'Mug', id: 'cart-1' }))).toEqual([{ ...line, name: 'Mug' }]);
  });

  it('reads a custom event that names a product, and nothing from events that do not', () => {
    expect(extractProducts(eventOf('Subscribed', { sku: 'PLAN-PRO', price: 10, quantity: '3' }))).toEqual([{ ...line, sku: 'PLAN-PRO', price: 10, quantity: 3 }]);
    expect(extractProducts(eventOf('Products Searched', { query: 'mug' }))).toEqual([]);
    expect(extractProducts(eventOf('Signed Up', { name: 'x', price: 1 }))).toEqual([]);
  });

  it('falls back to quantity 1 for missing, negative or non-numeric quantities', () => {
    const quantities = extractProducts(
      eventOf('Cart Viewed', { products: [{ sku: 'a' }, { sku: 'b', quantity: -2 }, { sku: 'c', quantity: 'two' }] }),
    ).map((l) => l.quantity);
    expect(quantities).toEqual([1, 1, 1]);
  });

  it('ignores non-track events', () => {
    expect(extractProducts(eventOf(null, { product_id: 'p1' }, 'page'))).toEqual([]);
  });
});

describe('orderRevenue', () => {
  it('prefers revenue, then total, then the product sum', () => {
    expect(orderRevenue(eventOf('Order Completed', { revenue: 42.5, total: 50, products: [{ sku: 'a', price: 1 }] }))).toBe(42.5);
    expect(orderRevenue(eventOf('Order Completed', { revenue: '19.99' }))).toBe(19.99);
    expect(orderRevenue(eventOf('Order Completed', { total: '50', products: [{ sku: 'a', price: 1 }] }))).toBe(50);
    expect(orderRevenue(eventOf('Order Completed', { products: [{ sku: 'a', price: 10, quantity: 2 }, { sku: 'b', price: '2.5' }, { sku: 'c' }] }))).toBe(22.5);
  });

  it('skips unusable revenue values and is null when no amount is stated', () => {
    expect(orderRevenue(eventOf('Order Completed', { revenue: 'n/a', total: 12 }))).toBe(12);
    expect(orderRevenue(eventOf('Order Completed', { order_id: 'o1' }))).toBeNull();
    expect(orderRevenue(eventOf('Order Completed', { products: [{ sku: 'a' }] }))).toBeNull();
  });
});

describe('orderDiscount', () => {
  it('reads the discount amount and the order coupon', () => {
    expect(orderDiscount(eventOf('Order Completed', { discount: '2.50', coupon: 'SPRING' }))).toEqual({ amount: 2.5, coupon: 'SPRING', discounted: true });
  });

  it('falls back to a product coupon', () => {
    expect(orderDiscount(eventOf('Order Completed', { products: [{ sku: 'a' }, { sku: 'b', coupon: 'MUG10' }] }))).toEqual({
      amount: null,
      coupon: 'MUG10',
      discounted: true,
    });
  });

  it('reports no discount for a zero amount without a coupon', () => {
    expect(orderDiscount(eventOf('Order Completed', { discount: 0, coupon: '' }))).toEqual({ amount: 0, coupon: null, discounted: false });
    expect(orderDiscount(eventOf('Order Completed', {}))).toEqual({ amount: null, coupon: null, discounted: false });
  });
});
