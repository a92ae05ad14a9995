import { describe, expect, it } from 'vitest';
import { bgNbdConditionalExpectedPurchases } from './bg-nbd.js';
import { gammaGammaExpectedSpend } from './gamma-gamma.js';
import { customerLifetimeValue, MONTH_IN_UNITS } from './lifetime-value.js';

const BG = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const GG = { p: 6.25, q: 3.74, v: 15.44 };
const customer = { x: 2, tx: 30.43, T: 38.86, meanSpend: 22.35 };

describe('customerLifetimeValue', () => {
  it('is Σ purchases in period i × expected spend / (1 + d)^i', () => {
    const L = MONTH_IN_UNITS.week;
    const d = 0.01;
    const res = customerLifetimeValue(BG, GG, customer, { periods: 2, periodLength: L, discountRate: d });
    const e1 = bgNbdConditionalExpectedPurchases(BG, L, 2, 30.43, 38.86);
    const e2 = bgNbdConditionalExpectedPurchases(BG, 2 * L, 2, 30.43, 38.86);
    const spend = gammaGammaExpectedSpend(GG, 2, 22.35);
    expect(res.expectedSpend).toBeCloseTo(spend, 12);
    expect(res.purchasesByPeriod[0]).toBeCloseTo(e1, 12);
    expect(res.purchasesByPeriod[1]).toBeCloseTo(e2 - e1, 12);
    expect(res.clv).toBeCloseTo((e1 * spend) / (1 + d) + ((e2 - e1) * spend) / (1 + d) ** 2, 10);
  });

  it('undiscounted, equals expected purchases over the horizon × expected spend; discounting lowers it', () => {
    const options = { periods: 12, periodLength: MONTH_IN_UNITS.week, discountRate: 0 };
    const plain = customerLifetimeValue(BG, GG, customer, options);
    expect(plain.expectedPurchases).toBeCloseTo(bgNbdConditionalExpectedPurchases(BG, 12 * MONTH_IN_UNITS.week, 2, 30.43, 38.86), 12);
    expect(plain.clv).toBeCloseTo(plain.expectedPurchases * plain.expectedSpend, 10);
    const discounted = customerLifetimeValue(BG, GG, customer, { ...options, discountRate: 0.01 });
    expect(discounted.clv).toBeLessThan(plain.clv);
    expect(discounted.clv).toBeGreaterThan(plain.clv / 1.01 ** 12);
  });

  it('refuses a meaningless horizon', () => {
    expect(() => customerLifetimeValue(BG, GG, customer, { periods: 0, periodLength: 4, discountRate: 0 })).toThrow(RangeError);
    expect(() => customerLifetimeValue(BG, GG, customer, { periods: 3, periodLength: -1, discountRate: 0 })).toThrow(RangeError);
    expect(() => customerLifetimeValue(BG, GG, customer, { periods: 3, periodLength: 4, discountRate: -0.1 })).toThrow(RangeError);
  });

  it('months in units are an average month', () => {
    expect(MONTH_IN_UNITS.day * 12).toBeCloseTo(365.25, 12);
    expect(MONTH_IN_UNITS.week * 7).toBeCloseTo(MONTH_IN_UNITS.day, 12);
  });
});
