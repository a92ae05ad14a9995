import type { BuyingStageName } from '../../features/buying-stage.js';
import type { SegmentInput } from '../../segments/evaluate-segment.js';
import { evaluateSegment, matchSegment } from '../../segments/evaluate-segment.js';
import type { EpochMs } from '../../shared/time.js';
import type { OfferBlock } from './guardrails.js';
import { availabilityBlocks } from './guardrails.js';
import type { Offer } from './offer.js';

/** What the caller counted for one offer (exposures within the offer's cap windows, budget used so far). */
export interface OfferUsage {
  readonly exposuresForCustomer: number;
  readonly exposuresForPlacement: number;
  /** Discount value given so far (all customers). */
  readonly discountSpent: number;
  /** Redemptions so far (all customers). */
  readonly redemptions: number;
}

export const NO_USAGE: OfferUsage = { exposuresForCustomer: 0, exposuresForPlacement: 0, discountSpent: 0, redemptions: 0 };

/** What the offer's budget has left after `usage`; null where it sets no limit. */
export function remainingBudget(offer: Offer, usage: OfferUsage): { readonly budgetLeft: number | null; readonly redemptionsLeft: number | null } {
  const maxValue = offer.budget?.maxDiscountValue ?? null;
  const maxRedemptions = offer.budget?.maxRedemptions ?? null;
  return {
    budgetLeft: maxValue === null ? null : Math.max(0, maxValue - usage.discountSpent),
    redemptionsLeft: maxRedemptions === null ? null : Math.max(0, maxRedemptions - usage.redemptions),
  };
}

export interface IneligibleOffer {
  readonly offer: Offer;
  /** Every reason that holds, for explanations. */
  readonly blocks: readonly OfferBlock[];
}

export interface EligibleOffers {
  /** Highest priority first; equal priorities by key. */
  readonly eligible: readonly Offer[];
  /** In the order given. */
  readonly ineligible: readonly IneligibleOffer[];
}

/**
 * The offers this customer may be shown now: inside the active window, allowed in the customer's
 * buying stage, matching the eligibility rule (the segment rule language, evaluated on the same
 * SegmentInput as segments), under both caps and with budget left. Price and margin checks need
 * an item and belong to applyGuardrails. Offers missing from `usage` count as never shown and
 * never redeemed.
 */
export function eligibleOffers(
  offers: readonly Offer[],
  profileInput: SegmentInput,
  stage: BuyingStageName,
  nowMs: EpochMs,
  usage: ReadonlyMap<string, OfferUsage>,
): EligibleOffers {
  const eligible: Offer[] = [];
  const ineligible: IneligibleOffer[] = [];
  for (const offer of offers) {
    const used = usage.get(offer.key) ?? NO_USAGE;
    const blocks = availabilityBlocks(offer, { nowMs, ...remainingBudget(offer, used), exposuresForCustomer: used.exposuresForCustomer, exposuresForPlacement: used.exposuresForPlacement });
    if (!offer.stages.includes(stage)) {
      blocks.push({ code: 'stage_excluded', text: `shown only to ${offer.stages.join(', ')}; the customer is ${stage}` });
    }
    if (offer.eligibility !== null && !matchSegment(offer.eligibility, profileInput, nowMs).matched) {
      // Worded only on failure: the hot path (a match) does not pay for the reasons.
      const why = evaluateSegment(offer.eligibility, profileInput, nowMs).reasons;
      blocks.push({ code: 'not_eligible', text: `eligibility ${offer.eligibility.text} not met${why.length > 0 ? `: ${why.join('; ')}` : ''}` });
    }
    if (blocks.length === 0) eligible.push(offer);
    else ineligible.push({ offer, blocks });
  }
  eligible.sort((a, b) => b.priority - a.priority || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { eligible, ineligible };
}
