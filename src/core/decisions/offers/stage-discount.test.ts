import { describe, expect, it } from 'vitest';
import type { StageDiscountInput } from './stage-discount.js';
import { DEFAULT_STAGE_DISCOUNT_CONFIG, discountSensitivity, expectedIncrementalMargin, parseStageDiscountConfig, proposeStageDiscount } from './stage-discount.js';

const BOUNDS = { minPercent: 5, maxPercent: 25 };

function input(overrides: Partial<StageDiscountInput>): StageDiscountInput {
  return { stage: 'considering', rule: 'product_views', propensity: null, sensitivity: null, value: null, highValue: false, ...overrides };
}

describe('proposeStageDiscount: the table row by row (bounds 5..25%)', () => {
  it('browsing_content: browsing gets content only', () => {
    expect(proposeStageDiscount(input({ stage: 'browsing', rule: 'default', propensity: 0.05, sensitivity: 1 }), BOUNDS)).toEqual({
      row: 'browsing_content',
      percent: null,
      reason: 'browsing (default): content only, no discount',
    });
  });

  it('likely_anyway: a likely buyer gets nothing (or the minimum when so configured), in any stage', () => {
    const likely = input({ stage: 'lapsed', rule: 'lapsed_customer', propensity: 0.82, highValue: true, value: 1200 });
    expect(proposeStageDiscount(likely, BOUNDS)).toEqual({
      row: 'likely_anyway',
      percent: null,
      reason: 'lapsed (lapsed customer), purchase propensity 0.82 ≥ 0.7: likely to buy anyway, no discount',
    });
    expect(proposeStageDiscount(likely, BOUNDS, { ...DEFAULT_STAGE_DISCOUNT_CONFIG, likelyBuyer: 'min' })).toMatchObject({ row: 'likely_anyway', percent: 5 });
    expect(proposeStageDiscount(input({ stage: 'ready_to_buy', rule: 'open_cart', propensity: 0.7 }), BOUNDS).row).toBe('likely_anyway');
  });

  it('lapsed_win_back: a lapsed high-value customer gets the maximum', () => {
    expect(proposeStageDiscount(input({ stage: 'lapsed', rule: 'lapsed_customer', propensity: 0.2, highValue: true, value: 1200 }), BOUNDS)).toEqual({
      row: 'lapsed_win_back',
      percent: 25,
      reason: 'lapsed (lapsed customer), high value (value 1200): 25% win-back',
    });
  });

  it('lapsed_reactivation: other lapsed customers get the moderate incentive', () => {
    // 5 + 0.5 × 0.6 × 20 = 11.
    expect(proposeStageDiscount(input({ stage: 'lapsed', rule: 'lapsed_customer', sensitivity: 0.6, value: 80 }), BOUNDS)).toEqual({
      row: 'lapsed_reactivation',
      percent: 11,
      reason: 'lapsed (lapsed customer), not high value (value 80), discount sensitivity 0.6: 11% reactivation',
    });
  });

  it('ready_nudge: ready to buy with a low propensity gets the nudge', () => {
    // 5 + 0.25 × 20 = 10.
    expect(proposeStageDiscount(input({ stage: 'ready_to_buy', rule: 'open_cart', propensity: 0.31 }), BOUNDS)).toEqual({
      row: 'ready_nudge',
      percent: 10,
      reason: 'ready to buy (open cart), purchase propensity 0.31 < 0.5: 10% nudge',
    });
  });

  it('ready_no_model: ready to buy without a model gets the minimum (or nothing when so configured)', () => {
    const noModel = input({ stage: 'ready_to_buy', rule: 'checkout_started' });
    expect(proposeStageDiscount(noModel, BOUNDS)).toEqual({ row: 'ready_no_model', percent: 5, reason: 'ready to buy (checkout started), no purchase propensity: minimum 5%' });
    expect(proposeStageDiscount(noModel, BOUNDS, { ...DEFAULT_STAGE_DISCOUNT_CONFIG, readyWithoutModel: 'none' }).percent).toBeNull();
  });

  it('ready_likely: ready to buy with a middling propensity needs no discount', () => {
    expect(proposeStageDiscount(input({ stage: 'ready_to_buy', rule: 'open_cart', propensity: 0.5 }), BOUNDS)).toEqual({
      row: 'ready_likely',
      percent: null,
      reason: 'ready to buy (open cart), purchase propensity 0.5 ≥ 0.5: no discount needed',
    });
  });

  it('considering_incentive: scaled by sensitivity, assumed 0.5 when unknown', () => {
    expect(proposeStageDiscount(input({ sensitivity: 0 }), BOUNDS).percent).toBe(5);
    expect(proposeStageDiscount(input({ sensitivity: 1 }), BOUNDS).percent).toBe(15);
    expect(proposeStageDiscount(input({ sensitivity: 0.3, propensity: 0.4 }), BOUNDS)).toEqual({
      row: 'considering_incentive',
      percent: 8,
      reason: 'considering (product views), discount sensitivity 0.3: 8% incentive',
    });
    expect(proposeStageDiscount(input({}), BOUNDS)).toEqual({
      row: 'considering_incentive',
      percent: 10,
      reason: 'considering (product views), sensitivity unknown, assumed 0.5: 10% incentive',
    });
  });

  it('customer_sensitive and customer_default: active customers get the minimum only when sensitive', () => {
    const customer = input({ stage: 'customer', rule: 'has_orders' });
    expect(proposeStageDiscount({ ...customer, sensitivity: 0.7 }, BOUNDS)).toEqual({
      row: 'customer_sensitive',
      percent: 5,
      reason: 'customer (has orders), discount sensitivity 0.7 ≥ 0.5: minimum 5%',
    });
    expect(proposeStageDiscount({ ...customer, sensitivity: 0.2 }, BOUNDS)).toEqual({
      row: 'customer_default',
      percent: null,
      reason: 'customer (has orders), discount sensitivity 0.2 < 0.5: no discount',
    });
    expect(proposeStageDiscount(customer, BOUNDS)).toMatchObject({ row: 'customer_default', percent: null });
  });

  it('rounds to the step and stays within the bounds', () => {
    expect(proposeStageDiscount(input({ sensitivity: 0.33 }), BOUNDS, { ...DEFAULT_STAGE_DISCOUNT_CONFIG, step: 0 }).percent).toBeCloseTo(8.3, 10);
    expect(proposeStageDiscount(input({ sensitivity: 0.33 }), BOUNDS, { ...DEFAULT_STAGE_DISCOUNT_CONFIG, step: 5 }).percent).toBe(10);
    expect(proposeStageDiscount(input({ stage: 'lapsed', rule: 'lapsed_customer', highValue: true }), { minPercent: 10, maxPercent: 12 }, { ...DEFAULT_STAGE_DISCOUNT_CONFIG, step: 5 }).percent).toBe(10);
  });
});

describe('discountSensitivity', () => {
  it('shrinks the customer rate toward the population rate', () => {
    // One discounted order out of one, population 20%, 5 pseudo-orders: (1 + 1) / 6.
    expect(discountSensitivity(1, 1, 0.2)).toBeCloseTo(1 / 3, 12);
    expect(discountSensitivity(0, 0, 0.2)).toBe(0.2);
    expect(discountSensitivity(40, 50, 0.2)).toBeCloseTo(41 / 55, 12);
    expect(discountSensitivity(1, 2, null)).toBe(0.5);
    expect(discountSensitivity(0, 0, null)).toBeNull();
  });
});

describe('expectedIncrementalMargin', () => {
  it('weighs the extra buyers against the discount everyone gets', () => {
    // (0.3 − 0.2) × 100 × 0.4 − 0.3 × 100 × 0.10 = 4 − 3 = 1.
    expect(expectedIncrementalMargin({ pWith: 0.3, pWithout: 0.2, price: 100, marginRate: 0.4, percent: 10 })).toBeCloseTo(1, 12);
    // Someone who buys anyway: pure cost.
    expect(expectedIncrementalMargin({ pWith: 0.9, pWithout: 0.9, price: 100, marginRate: 0.4, percent: 10 })).toBeCloseTo(-9, 12);
  });
});

describe('parseStageDiscountConfig', () => {
  it('fills defaults and names bad fields', () => {
    expect(parseStageDiscountConfig({ nudgeBelow: 0.4 })).toEqual({ ok: true, value: { ...DEFAULT_STAGE_DISCOUNT_CONFIG, nudgeBelow: 0.4 } });
    const bad = parseStageDiscountConfig({ likelyBuyerAbove: 2, likelyBuyer: 'max', step: -1, extra: true });
    expect(bad.ok ? [] : bad.errors.map((e) => e.field).sort()).toEqual(['extra', 'likelyBuyer', 'likelyBuyerAbove', 'step']);
    const crossed = parseStageDiscountConfig({ nudgeBelow: 0.8, likelyBuyerAbove: 0.6 });
    expect(crossed.ok ? [] : crossed.errors.map((e) => e.field)).toEqual(['nudgeBelow']);
  });
});
