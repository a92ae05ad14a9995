import { describe, expect, it } from 'vitest';
import { createBehaviorViewFromEvents } from '../../segments/create-behavior-view-from-events.js';
import type { SegmentInput } from '../../segments/evaluate-segment.js';
import { eligibleOffers, remainingBudget } from './eligibility.js';
import type { OfferUsage } from './eligibility.js';
import { parseOffer } from './offer.js';
import type { Offer } from './offer.js';

const NOW_MS = Date.UTC(2024, 2, 15, 12);

function offer(key: string, raw: Record<string, unknown>): Offer {
  const result = parseOffer(key, { name: key, kind: 'percent_off', minPercent: 5, maxPercent: 25, ...raw });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.value;
}

function profile(features: Record<string, unknown>): SegmentInput {
  return { traits: {}, features, computed: {}, predicted: {}, segments: new Set<string>(), behavior: createBehaviorViewFromEvents([]) };
}

function usage(entries: Record<string, Partial<OfferUsage>>): Map<string, OfferUsage> {
  return new Map(Object.entries(entries).map(([key, u]) => [key, { exposuresForCustomer: 0, exposuresForPlacement: 0, discountSpent: 0, redemptions: 0, ...u }]));
}

const LOYAL = offer('loyal-considering', { eligibility: 'features.frequency >= 3', stages: ['considering', 'customer'], priority: 5 });
const WIN_BACK = offer('win-back', { stages: ['lapsed'], priority: 10 });
const EVERYONE = offer('everyone', { caps: { perCustomer: { max: 2, windowDays: 7 } }, budget: { maxDiscountValue: 1000, maxRedemptions: 10 } });

describe('eligibleOffers', () => {
  it('keeps the offers whose rule and stage hold, highest priority first', () => {
    const result = eligibleOffers([EVERYONE, WIN_BACK, LOYAL], profile({ frequency: 4 }), 'considering', NOW_MS, new Map());
    expect(result.eligible.map((o) => o.key)).toEqual(['loyal-considering', 'everyone']);
    expect(result.ineligible).toEqual([{ offer: WIN_BACK, blocks: [{ code: 'stage_excluded', text: 'shown only to lapsed; the customer is considering' }] }]);
  });

  it('explains a failed eligibility rule with the numbers', () => {
    const result = eligibleOffers([LOYAL], profile({ frequency: 2 }), 'considering', NOW_MS, new Map());
    expect(result.eligible).toEqual([]);
    expect(result.ineligible[0]?.blocks).toEqual([{ code: 'not_eligible', text: 'eligibility features.frequency >= 3 not met: frequency is 2 (needs ≥ 3)' }]);
  });

  it('lists every reason: stage and rule together', () => {
    const result = eligibleOffers([LOYAL], profile({ frequency: 1 }), 'browsing', NOW_MS, new Map());
    expect(result.ineligible[0]?.blocks.map((b) => b.code)).toEqual(['stage_excluded', 'not_eligible']);
  });

  it('applies caps and budget from the usage counts', () => {
    const input = profile({});
    expect(eligibleOffers([EVERYONE], input, 'browsing', NOW_MS, usage({ everyone: { exposuresForCustomer: 1, discountSpent: 999, redemptions: 9 } })).eligible).toEqual([EVERYONE]);
    const spent = eligibleOffers([EVERYONE], input, 'browsing', NOW_MS, usage({ everyone: { exposuresForCustomer: 2, discountSpent: 1000, redemptions: 10 } }));
    expect(spent.ineligible[0]?.blocks.map((b) => b.code)).toEqual(['budget_spent', 'redemptions_spent', 'customer_cap_reached']);
  });

  it('drops offers outside their window', () => {
    const later = offer('later', { startsAt: '2024-04-01T00:00:00Z' });
    const over = offer('over', { endsAt: '2024-03-01T00:00:00Z' });
    const result = eligibleOffers([later, over], profile({}), 'browsing', NOW_MS, new Map());
    expect(result.ineligible.map((i) => i.blocks[0]?.code)).toEqual(['not_started', 'expired']);
  });
});

describe('remainingBudget', () => {
  it('subtracts the usage, null where the offer sets no limit', () => {
    expect(remainingBudget(EVERYONE, { exposuresForCustomer: 0, exposuresForPlacement: 0, discountSpent: 250, redemptions: 12 })).toEqual({ budgetLeft: 750, redemptionsLeft: 0 });
    expect(remainingBudget(LOYAL, { exposuresForCustomer: 0, exposuresForPlacement: 0, discountSpent: 250, redemptions: 3 })).toEqual({ budgetLeft: null, redemptionsLeft: null });
  });
});
