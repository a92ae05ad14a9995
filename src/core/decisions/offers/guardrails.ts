import { toIso } from '../../shared/time.js';
import type { EpochMs } from '../../shared/time.js';
import type { Offer } from './offer.js';

/**
 * Why an offer may not be given now. Stable codes (metrics and dashboards key on them); `text`
 * says the same with the numbers, for people.
 */
export const OFFER_BLOCK_CODES = [
  'not_started',
  'expired',
  'stage_excluded',
  'not_eligible',
  'budget_spent',
  'redemptions_spent',
  'budget_short',
  'customer_cap_reached',
  'placement_cap_reached',
  'no_price',
  'margin_unknown',
  'margin_floor',
] as const;
export type OfferBlockCode = (typeof OFFER_BLOCK_CODES)[number];

export interface OfferBlock {
  readonly code: OfferBlockCode;
  readonly text: string;
}

/** How an allowed discount differs from the one proposed. */
export const DISCOUNT_ADJUSTMENT_CODES = ['raised_to_min', 'lowered_to_max', 'lowered_for_margin', 'lowered_for_budget'] as const;
export type DiscountAdjustmentCode = (typeof DISCOUNT_ADJUSTMENT_CODES)[number];

export interface DiscountAdjustment {
  readonly code: DiscountAdjustmentCode;
  readonly text: string;
}

/** What the offer has left and how often it was shown; all counted by the caller. */
export interface OfferAvailabilityContext {
  readonly nowMs: EpochMs;
  /** Discount value the budget has left; null: no value budget. */
  readonly budgetLeft: number | null;
  /** Redemptions left; null: no redemption budget. */
  readonly redemptionsLeft: number | null;
  /** Exposures of this offer to this customer within caps.perCustomer.windowDays. */
  readonly exposuresForCustomer: number;
  /** Exposures of this offer in this placement within caps.perPlacement.windowDays. */
  readonly exposuresForPlacement: number;
}

export interface GuardrailContext extends OfferAvailabilityContext {
  /** Unit price of the item, or the basket value; null when unknown. */
  readonly price: number | null;
  /** Gross margin as a fraction of price (CatalogItem.marginRate); null: offer.defaultMarginRate. */
  readonly marginRate: number | null;
}

export type GuardrailResult =
  | {
      readonly allowed: true;
      /** The discount as a percent of the price (amount_off: amount / price; 0 for free_shipping and content_only). */
      readonly percent: number;
      /** The discount in currency; null when the price is unknown (a percent without a price). */
      readonly discountValue: number | null;
      /** Gross margin left after the discount, as a fraction of the discounted price; null when the margin rate is unknown. */
      readonly marginAfter: number | null;
      readonly adjustments: readonly DiscountAdjustment[];
    }
  | { readonly allowed: false; readonly blocks: readonly OfferBlock[] };

/**
 * The checks that need no price: the active window, the budget (spent or not) and the caps. Every
 * reason that holds is returned, so an explanation lists them all; empty means available.
 */
export function availabilityBlocks(offer: Offer, ctx: OfferAvailabilityContext): OfferBlock[] {
  const blocks: OfferBlock[] = [];
  if (offer.startsAtMs !== null && ctx.nowMs < offer.startsAtMs) blocks.push({ code: 'not_started', text: `starts at ${toIso(offer.startsAtMs)}` });
  if (offer.endsAtMs !== null && ctx.nowMs >= offer.endsAtMs) blocks.push({ code: 'expired', text: `ended at ${toIso(offer.endsAtMs)}` });
  const maxValue = offer.budget?.maxDiscountValue ?? null;
  if (maxValue !== null && ctx.budgetLeft !== null && ctx.budgetLeft <= 0) {
    blocks.push({ code: 'budget_spent', text: `discount budget of ${fmt(maxValue)} is spent` });
  }
  const maxRedemptions = offer.budget?.maxRedemptions ?? null;
  if (maxRedemptions !== null && ctx.redemptionsLeft !== null && ctx.redemptionsLeft <= 0) {
    blocks.push({ code: 'redemptions_spent', text: `all ${maxRedemptions} redemptions are used` });
  }
  const perCustomer = offer.caps.perCustomer;
  if (perCustomer !== null && ctx.exposuresForCustomer >= perCustomer.max) {
    blocks.push({ code: 'customer_cap_reached', text: `shown to this customer ${ctx.exposuresForCustomer} times in ${fmt(perCustomer.windowDays)} days (cap ${perCustomer.max})` });
  }
  const perPlacement = offer.caps.perPlacement;
  if (perPlacement !== null && ctx.exposuresForPlacement >= perPlacement.max) {
    blocks.push({ code: 'placement_cap_reached', text: `shown in this placement ${ctx.exposuresForPlacement} times in ${fmt(perPlacement.windowDays)} days (cap ${perPlacement.max})` });
  }
  return blocks;
}

/**
 * The largest discount (as a fraction of price) that keeps the gross margin at or above `floor`.
 *
 * With price p, margin rate m (cost c = p(1 − m)) and discount d, the margin after the discount is
 * (p(1 − d) − c) / (p(1 − d)) = 1 − (1 − m)/(1 − d). Requiring it ≥ floor gives
 * 1 − d ≥ (1 − m)/(1 − floor), i.e. d ≤ 1 − (1 − m)/(1 − floor). It is ≤ 0 when m ≤ floor (no room).
 * Example: m = 0.40, floor = 0.15: d ≤ 1 − 0.60/0.85 = 0.2941 (29.41%).
 */
export function maxDiscountForMarginFloor(marginRate: number, floor: number): number {
  return 1 - (1 - marginRate) / (1 - floor);
}

/** Gross margin left after discount fraction d, as a fraction of the discounted price. */
export function marginAfterDiscount(marginRate: number, discount: number): number {
  return discount >= 1 ? -Infinity : 1 - (1 - marginRate) / (1 - discount);
}

/**
 * The discount the offer may give to this customer here and now, given a proposed percent (from
 * the stage policy; ignored by the kinds other than percent_off):
 *
 * 1. the availability checks (window, budget, caps): any failure blocks;
 * 2. percent_off: the proposal is clamped to [minPercent, maxPercent];
 * 3. margin floor: lowered to maxDiscountForMarginFloor (rounded down to 0.01 point); blocked when
 *    that is below minPercent or not above 0. An unknown margin rate (item's and offer's default)
 *    blocks rather than guesses. amount_off is blocked when the amount exceeds the room (a fixed
 *    amount is not lowered);
 * 4. value budget: lowered so that price × percent fits budgetLeft; blocked when that is below
 *    minPercent (amount_off: when the amount does not fit).
 */
export function applyGuardrails(offer: Offer, proposedPercent: number, ctx: GuardrailContext): GuardrailResult {
  const blocks = availabilityBlocks(offer, ctx);
  if (blocks.length > 0) return { allowed: false, blocks };
  const price = ctx.price !== null && Number.isFinite(ctx.price) && ctx.price > 0 ? ctx.price : null;
  const marginRate = ctx.marginRate ?? offer.defaultMarginRate;
  const valueBudget = (offer.budget?.maxDiscountValue ?? null) === null ? null : ctx.budgetLeft;

  if (offer.kind === 'free_shipping' || offer.kind === 'content_only') {
    return { allowed: true, percent: 0, discountValue: offer.kind === 'content_only' ? 0 : null, marginAfter: marginRate, adjustments: [] };
  }

  let roomPercent: number | null = null;
  if (offer.marginFloor !== null) {
    if (marginRate === null) return blocked('margin_unknown', `the margin rate is unknown, so the margin floor of ${pct(offer.marginFloor * 100)} cannot be checked`);
    roomPercent = floor2(maxDiscountForMarginFloor(marginRate, offer.marginFloor) * 100);
  }

  if (offer.kind === 'amount_off') {
    const amount = offer.amount ?? 0;
    if (price === null) return blocked('no_price', 'an amount off needs the price to check the margin and budget');
    const percent = (Math.min(amount, price) / price) * 100;
    if (roomPercent !== null && percent > roomPercent) {
      return blocked('margin_floor', `${fmt(amount)} off ${fmt(price)} is ${pct(percent)}; a margin of ${pct((marginRate ?? 0) * 100)} with a floor of ${pct((offer.marginFloor ?? 0) * 100)} leaves room for ${pct(Math.max(0, roomPercent))}`);
    }
    if (valueBudget !== null && amount > valueBudget) return blocked('budget_short', `${fmt(amount)} off exceeds the ${fmt(valueBudget)} left in the budget`);
    return { allowed: true, percent, discountValue: Math.min(amount, price), marginAfter: marginRate === null ? null : marginAfterDiscount(marginRate, percent / 100), adjustments: [] };
  }

  // percent_off
  const adjustments: DiscountAdjustment[] = [];
  const proposed = Number.isFinite(proposedPercent) ? proposedPercent : offer.minPercent;
  let percent = proposed;
  if (percent < offer.minPercent) {
    percent = offer.minPercent;
    adjustments.push({ code: 'raised_to_min', text: `${pct(proposed)} raised to the offer's minimum of ${pct(offer.minPercent)}` });
  } else if (percent > offer.maxPercent) {
    percent = offer.maxPercent;
    adjustments.push({ code: 'lowered_to_max', text: `${pct(proposed)} lowered to the offer's maximum of ${pct(offer.maxPercent)}` });
  }
  if (roomPercent !== null && percent > roomPercent) {
    const why = `a margin of ${pct((marginRate ?? 0) * 100)} with a floor of ${pct((offer.marginFloor ?? 0) * 100)} leaves room for ${pct(Math.max(0, roomPercent))}`;
    if (roomPercent <= 0 || roomPercent < offer.minPercent) return blocked('margin_floor', `${why}, below the offer's minimum of ${pct(offer.minPercent)}`);
    adjustments.push({ code: 'lowered_for_margin', text: `${pct(percent)} lowered to ${pct(roomPercent)}: ${why}` });
    percent = roomPercent;
  }
  if (valueBudget !== null) {
    if (price === null) return blocked('no_price', 'a discount budget in value needs the price');
    const fits = floor2((valueBudget / price) * 100);
    if (percent > fits) {
      if (fits <= 0 || fits < offer.minPercent) return blocked('budget_short', `the ${fmt(valueBudget)} left in the budget covers ${pct(Math.max(0, fits))} of ${fmt(price)}, below the offer's minimum of ${pct(offer.minPercent)}`);
      adjustments.push({ code: 'lowered_for_budget', text: `${pct(percent)} lowered to ${pct(fits)}: ${fmt(valueBudget)} left in the budget` });
      percent = fits;
    }
  }
  return {
    allowed: true,
    percent,
    discountValue: price === null ? null : (price * percent) / 100,
    marginAfter: marginRate === null ? null : marginAfterDiscount(marginRate, percent / 100),
    adjustments,
  };
}

function blocked(code: OfferBlockCode, text: string): GuardrailResult {
  return { allowed: false, blocks: [{ code, text }] };
}

/** Rounds down to 0.01, tolerating the float error of an exact value (25 computed as 24.9999999). */
function floor2(value: number): number {
  return Math.floor(value * 100 + 1e-6) / 100;
}

function fmt(value: number): string {
  return String(Math.round(value * 100) / 100);
}

function pct(percent: number): string {
  return `${fmt(percent)}%`;
}
