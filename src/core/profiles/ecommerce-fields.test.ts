import { describe, expect, it } from 'vitest';
import { readDiscount, readKey, readNumber, readOrderAmount, readOrderId, readProductLines } from './ecommerce-fields.js';

describe('e-commerce field readers', () => {
  it('reads numbers and numeric strings, and nothing else', () => {
    expect(readNumber(12.5)).toBe(12.5);
    expect(readNumber(' 19.99 ')).toBe(19.99);
    expect(readNumber('1e3')).toBe(1000);
    expect(Object.is(readNumber(-0), 0)).toBe(true);
    for (const bad of ['', 'abc', '12abc', true, null, undefined, [1], { n: 1 }, 1e16, '1e400']) {
      expect(readNumber(bad as never)).toBeNull();
    }
  });

  it('reads keys from strings and numbers', () => {
    expect(readKey(' sku-1 ')).toBe('sku-1');
    expect(readKey(42)).toBe('42');
    expect(readKey('')).toBeNull();
    expect(readKey(true)).toBeNull();
  });

  it('reads product lines from products[] or from a single product event', () => {
    expect(
      readProductLines({
        products: [{ product_id: 1, category: 'Shoes', price: '9.5', quantity: '2' }, { sku: 'S-2' }, 'junk'],
      }),
    ).toEqual([
      { productKey: '1', category: 'Shoes', price: 9.5, quantity: 2 },
      { productKey: 'S-2', category: null, price: null, quantity: 1 },
    ]);
    expect(readProductLines({ product_id: 'p', category: 'Hats', price: 3, quantity: -1 })).toEqual([
      { productKey: 'p', category: 'Hats', price: 3, quantity: 1 },
    ]);
    expect(readProductLines({ revenue: 10 })).toEqual([]);
  });

  it('reads an order amount from revenue, else total, else the lines', () => {
    expect(readOrderAmount({ revenue: 1, total: 2 }, [])).toBe(1);
    expect(readOrderAmount({ revenue: 'n/a', total: '2' }, [])).toBe(2);
    const lines = readProductLines({ products: [{ price: 2, quantity: 3 }, { price: 1 }, { quantity: 4 }] });
    expect(readOrderAmount({}, lines)).toBe(7);
    expect(readOrderAmount({}, readProductLines({ products: [{ product_id: 'x' }] }))).toBeNull();
  });

  it('reads discount and coupon', () => {
    expect(readDiscount({ discount: '-2.5', coupon: 'X' })).toEqual({ amount: 2.5, coupon: 'X' });
    expect(readDiscount({})).toEqual({ amount: 0, coupon: null });
    expect(readOrderId({ order_id: 77 })).toBe('77');
  });
});
