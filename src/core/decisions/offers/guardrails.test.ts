import { describe, expect, it } from 'vitest';
import { applyGuardrails, marginAfterDiscount, maxDiscountForMarginFloor } from './guardrails.js';
import type { GuardrailContext, GuardrailResult } from './guardrails.js';
import { parseOffer } from './offer.js';
import type { Offer } from './offer.js';

const NOW_MS = Date.UTC(2024, 2, 15, 12);

function offer(raw: Record<string, unknown>): Offer {
  const result = parseOffer('test-offer', { name: 'Test', kind: 'percent_off', minPercent: 5, maxPercent: 40, ...raw });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.value;
}

const CTX: GuardrailContext = { price: 100, marginRate: 0.4, budgetLeft: null, redemptionsLeft: null, nowMs: NOW_MS, exposuresForCustomer: 0, exposuresForPlacement: 0 };

function blockCodes(result: GuardrailResult): string[] {
  return result.allowed ? [] : result.blocks.map((b) => b.code);
}

describe('margin floor math', () => {
  it('works the example: 40% margin, 15% floor leaves 29.41%', () => {
    // price 100, cost 60; a 29.41% discount sells at 70.59, margin 10.59 / 70.59 = 15%.
    const d = maxDiscountForMarginFloor(0.4, 0.15);
    expect(d).toBeCloseTo(1 - 0.6 / 0.85, 12);
    expect(d).toBeCloseTo(0.294118, 6);
    expect(marginAfterDiscount(0.4, d)).toBeCloseTo(0.15, 12);
    expect((100 * (1 - d) - 60) / (100 * (1 - d))).toBeCloseTo(0.15, 12);
    expect(maxDiscountForMarginFloor(0.15, 0.15)).toBe(0);
    expect(maxDiscountForMarginFloor(0.4, 0)).toBeCloseTo(0.4, 12);
  });

  it('lowers a discount to the floor, rounding down so the floor holds', () => {
    const result = applyGuardrails(offer({ marginFloor: 0.15 }), 35, CTX);
    expect(result).toMatchObject({ allowed: true, percent: 29.41, discountValue: 29.41 });
    if (!result.allowed) throw new Error('blocked');
    expect(result.marginAfter).toBeGreaterThanOrEqual(0.15);
    expect(result.adjustments).toEqual([{ code: 'lowered_for_margin', text: '35% lowered to 29.41%: a margin of 40% with a floor of 15% leaves room for 29.41%' }]);
  });

  it('leaves a discount within the room alone', () => {
    // Margin after 20% off 100 at cost 60: 20 / 80 = 25%.
    expect(applyGuardrails(offer({ marginFloor: 0.15 }), 20, CTX)).toEqual({ allowed: true, percent: 20, discountValue: 20, marginAfter: expect.closeTo(0.25, 12), adjustments: [] });
  });

  it('blocks when the floor leaves less than the minimum', () => {
    const result = applyGuardrails(offer({ marginFloor: 0.3, minPercent: 15 }), 20, CTX);
    // 1 - 0.6/0.7 = 14.28% < 15%.
    expect(blockCodes(result)).toEqual(['margin_floor']);
    expect(result.allowed ? '' : result.blocks[0]?.text).toBe("a margin of 40% with a floor of 30% leaves room for 14.28%, below the offer's minimum of 15%");
    expect(blockCodes(applyGuardrails(offer({ marginFloor: 0.5, minPercent: 0 }), 20, CTX))).toEqual(['margin_floor']);
  });

  it('uses the default margin rate when the item has none, and refuses to guess without one', () => {
    const withDefault = applyGuardrails(offer({ marginFloor: 0.15, defaultMarginRate: 0.4 }), 35, { ...CTX, marginRate: null });
    expect(withDefault).toMatchObject({ allowed: true, percent: 29.41 });
    expect(blockCodes(applyGuardrails(offer({ marginFloor: 0.15 }), 35, { ...CTX, marginRate: null }))).toEqual(['margin_unknown']);
    // No floor, no margin needed.
    expect(applyGuardrails(offer({}), 35, { ...CTX, marginRate: null })).toMatchObject({ allowed: true, percent: 35, marginAfter: null });
  });
});

describe('bounds', () => {
  it('clamps the proposal to the offer bounds', () => {
    expect(applyGuardrails(offer({}), 2, CTX)).toMatchObject({ allowed: true, percent: 5, adjustments: [{ code: 'raised_to_min' }] });
    expect(applyGuardrails(offer({}), 55, CTX)).toMatchObject({ allowed: true, percent: 40, adjustments: [{ code: 'lowered_to_max' }] });
    expect(applyGuardrails(offer({}), Number.NaN, CTX)).toMatchObject({ allowed: true, percent: 5 });
  });

  it('gives amount_off as is, or blocks it when the margin has no room for it', () => {
    const tenOff = offer({ kind: 'amount_off', amount: 10, minPercent: undefined, maxPercent: undefined, marginFloor: 0.15 });
    expect(applyGuardrails(tenOff, 99, CTX)).toMatchObject({ allowed: true, percent: 10, discountValue: 10 });
    // 10 off 30 is 33.3% > 29.41%.
    expect(blockCodes(applyGuardrails(tenOff, 0, { ...CTX, price: 30 }))).toEqual(['margin_floor']);
    expect(blockCodes(applyGuardrails(tenOff, 0, { ...CTX, price: null }))).toEqual(['no_price']);
  });

  it('passes free shipping and content without a price check', () => {
    expect(applyGuardrails(offer({ kind: 'content_only', minPercent: undefined, maxPercent: undefined }), 20, { ...CTX, price: null })).toMatchObject({ allowed: true, percent: 0, discountValue: 0 });
    expect(applyGuardrails(offer({ kind: 'free_shipping', minPercent: undefined, maxPercent: undefined, marginFloor: 0.15 }), 20, CTX)).toMatchObject({ allowed: true, percent: 0 });
  });
});

describe('window, caps and budget', () => {
  it('is blocked before it starts and from the moment it ends', () => {
    const window = offer({ startsAt: '2024-03-10T00:00:00Z', endsAt: '2024-03-20T00:00:00Z' });
    expect(blockCodes(applyGuardrails(window, 10, { ...CTX, nowMs: Date.UTC(2024, 2, 9, 23, 59) }))).toEqual(['not_started']);
    expect(applyGuardrails(window, 10, { ...CTX, nowMs: Date.UTC(2024, 2, 10) }).allowed).toBe(true);
    expect(applyGuardrails(window, 10, { ...CTX, nowMs: Date.UTC(2024, 2, 20) - 1 }).allowed).toBe(true);
    const ended = applyGuardrails(window, 10, { ...CTX, nowMs: Date.UTC(2024, 2, 20) });
    expect(ended).toEqual({ allowed: false, blocks: [{ code: 'expired', text: 'ended at 2024-03-20T00:00:00.000Z' }] });
  });

  it('is blocked at each cap, and lists every reason', () => {
    const capped = offer({ caps: { perCustomer: { max: 2, windowDays: 7 }, perPlacement: { max: 100, windowDays: 1 } } });
    expect(applyGuardrails(capped, 10, { ...CTX, exposuresForCustomer: 1, exposuresForPlacement: 99 }).allowed).toBe(true);
    expect(applyGuardrails(capped, 10, { ...CTX, exposuresForCustomer: 2 })).toEqual({
      allowed: false,
      blocks: [{ code: 'customer_cap_reached', text: 'shown to this customer 2 times in 7 days (cap 2)' }],
    });
    expect(blockCodes(applyGuardrails(capped, 10, { ...CTX, exposuresForCustomer: 3, exposuresForPlacement: 100, nowMs: Date.UTC(2030, 0, 1) }))).toEqual([
      'customer_cap_reached',
      'placement_cap_reached',
    ]);
  });

  it('is blocked when the budget or the redemptions are spent', () => {
    const budgeted = offer({ budget: { maxDiscountValue: 1000, maxRedemptions: 50 } });
    expect(blockCodes(applyGuardrails(budgeted, 10, { ...CTX, budgetLeft: 0, redemptionsLeft: 3 }))).toEqual(['budget_spent']);
    expect(blockCodes(applyGuardrails(budgeted, 10, { ...CTX, budgetLeft: 500, redemptionsLeft: 0 }))).toEqual(['redemptions_spent']);
    // A budgetLeft of 0 means nothing when the offer sets no value budget.
    expect(applyGuardrails(offer({}), 10, { ...CTX, budgetLeft: 0 }).allowed).toBe(true);
  });

  it('lowers the discount to what the budget has left, down to the minimum', () => {
    const budgeted = offer({ budget: { maxDiscountValue: 1000 } });
    expect(applyGuardrails(budgeted, 20, { ...CTX, budgetLeft: 12.5 })).toMatchObject({
      allowed: true,
      percent: 12.5,
      discountValue: 12.5,
      adjustments: [{ code: 'lowered_for_budget', text: '20% lowered to 12.5%: 12.5 left in the budget' }],
    });
    expect(blockCodes(applyGuardrails(budgeted, 20, { ...CTX, budgetLeft: 3 }))).toEqual(['budget_short']);
    expect(blockCodes(applyGuardrails(budgeted, 20, { ...CTX, budgetLeft: 30, price: null }))).toEqual(['no_price']);
  });
});
