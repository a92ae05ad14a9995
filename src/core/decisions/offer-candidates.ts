import type { ProfileFeatures } from '../features/compute-features.js';
import type { SegmentInput } from '../segments/evaluate-segment.js';
import type { EpochMs } from '../shared/time.js';
import type { OfferUsage } from './offers/eligibility.js';
import { eligibleOffers, remainingBudget } from './offers/eligibility.js';
import { applyGuardrails } from './offers/guardrails.js';
import type { Offer } from './offers/offer.js';
import type { StageDiscountConfig } from './offers/stage-discount.js';
import { DEFAULT_STAGE_DISCOUNT_CONFIG, discountSensitivity, proposeStageDiscount } from './offers/stage-discount.js';

/** An offer that may be shown now, with the discount it would carry and why. */
export interface OfferCandidate {
  readonly offer: Offer;
  readonly discountPercent: number;
  readonly discountValue: number | null;
  readonly reason: string;
}

export interface OfferCandidates {
  readonly candidates: readonly OfferCandidate[];
  /** Offers left out, each with why (for the answer's explanation). */
  readonly excluded: readonly { readonly key: string; readonly reason: string }[];
}

export interface OfferCandidateInput {
  readonly offers: readonly Offer[];
  readonly profile: SegmentInput;
  readonly features: ProfileFeatures;
  /** Purchase propensity (a `predicted.*` score) or null without a model. */
  readonly propensity: number | null;
  /** Share of orders with a discount across the workspace (the prior of discount sensitivity). */
  readonly populationDiscountRate: number;
  /** Whether the customer counts as high value (e.g. monetary in the top fifth). */
  readonly highValue: boolean;
  readonly usage: ReadonlyMap<string, OfferUsage>;
  /** Price of the item or basket in view, and its margin rate, when known. */
  readonly price: number | null;
  readonly marginRate: number | null;
  readonly nowMs: EpochMs;
  readonly stageConfig?: StageDiscountConfig;
}

/**
 * Offers that may be shown to this customer now: eligible (window, stage, rule, caps, budget),
 * with the discount the stage policy proposes (none for customers likely to buy anyway, the
 * win-back for lapsed high-value ones), held within the guardrails (bounds, margin floor, budget).
 * A discount offer the policy gives no discount to is left out, saying why.
 */
export function offerCandidates(input: OfferCandidateInput): OfferCandidates {
  const stage = input.features.buyingStage;
  const { eligible, ineligible } = eligibleOffers(input.offers, input.profile, stage.stage, input.nowMs, input.usage);
  const excluded: { key: string; reason: string }[] = ineligible.map(({ offer, blocks }) => ({ key: offer.key, reason: blocks.map((b) => b.text).join('; ') }));
  const candidates: OfferCandidate[] = [];
  const sensitivity = input.features.frequency > 0 ? discountSensitivity(input.features.discountedOrders, input.features.frequency, input.populationDiscountRate) : null;
  for (const offer of eligible) {
    const usage = input.usage.get(offer.key) ?? { exposuresForCustomer: 0, exposuresForPlacement: 0, discountSpent: 0, redemptions: 0 };
    const budget = remainingBudget(offer, usage);
    const context = { ...budget, nowMs: input.nowMs, exposuresForCustomer: usage.exposuresForCustomer, exposuresForPlacement: usage.exposuresForPlacement, price: input.price, marginRate: input.marginRate };
    if (offer.kind !== 'percent_off') {
      const result = applyGuardrails(offer, 0, context);
      if (result.allowed) candidates.push({ offer, discountPercent: result.percent, discountValue: result.discountValue, reason: offer.kind === 'content_only' ? 'content offer' : `${offer.kind.replace('_', ' ')}` });
      else excluded.push({ key: offer.key, reason: result.blocks.map((b) => b.text).join('; ') });
      continue;
    }
    const proposal = proposeStageDiscount(
      { stage: stage.stage, rule: stage.rule, propensity: input.propensity, sensitivity, value: input.features.monetary, highValue: input.highValue },
      { minPercent: offer.minPercent, maxPercent: offer.maxPercent },
      input.stageConfig ?? DEFAULT_STAGE_DISCOUNT_CONFIG,
    );
    if (proposal.percent === null) {
      excluded.push({ key: offer.key, reason: proposal.reason });
      continue;
    }
    const result = applyGuardrails(offer, proposal.percent, context);
    if (!result.allowed) {
      excluded.push({ key: offer.key, reason: result.blocks.map((b) => b.text).join('; ') });
      continue;
    }
    const adjusted = result.adjustments.length === 0 ? '' : `; ${result.adjustments.map((a) => a.text).join('; ')}`;
    candidates.push({ offer, discountPercent: result.percent, discountValue: result.discountValue, reason: `${proposal.reason}${adjusted}` });
  }
  return { candidates, excluded };
}
