import type { BuyingStageName, BuyingStageRule } from '../../features/buying-stage.js';
import type { FieldError } from '../../recs/engine/placement.js';

/**
 * The stage-aware discount policy: how much to propose to one customer, before the guardrails
 * (applyGuardrails clamps to the offer's bounds, the margin floor and the budget).
 *
 * The rule table, first row that holds wins (thresholds are in StageDiscountConfig):
 *
 * | row                   | when                                                   | proposes                                   |
 * |-----------------------|--------------------------------------------------------|--------------------------------------------|
 * | browsing_content      | stage browsing                                         | no discount: content only                  |
 * | likely_anyway         | propensity ≥ likelyBuyerAbove (any other stage)        | `likelyBuyer`: none, or the minimum        |
 * | lapsed_win_back       | stage lapsed and highValue                             | the maximum                                |
 * | lapsed_reactivation   | stage lapsed, not highValue                            | moderate (as considering_incentive)        |
 * | ready_nudge           | ready_to_buy and propensity < nudgeBelow               | min + nudgeShare × (max − min)             |
 * | ready_no_model        | ready_to_buy, no propensity                            | `readyWithoutModel`: none, or the minimum  |
 * | ready_likely          | ready_to_buy, nudgeBelow ≤ propensity < likelyBuyerAbove| no discount                               |
 * | considering_incentive | stage considering                                      | min + moderateShare × s × (max − min)      |
 * | customer_sensitive    | stage customer and s ≥ sensitiveAbove                  | the minimum                                |
 * | customer_default      | stage customer                                         | no discount                                |
 *
 * s is the discount sensitivity (0..1), defaultSensitivity when unknown. Why this order: a
 * discount buys incrementality, so whoever would buy anyway gets none (likely_anyway precedes
 * the win-back too: a model that says a lapsed customer is about to come back says the win-back
 * is not needed). Percents are rounded to `step` and kept within the bounds; null means "no
 * discount" (show content or an offer without one), never 0%.
 */
export const STAGE_DISCOUNT_ROWS = [
  'browsing_content',
  'likely_anyway',
  'lapsed_win_back',
  'lapsed_reactivation',
  'ready_nudge',
  'ready_no_model',
  'ready_likely',
  'considering_incentive',
  'customer_sensitive',
  'customer_default',
] as const;
export type StageDiscountRow = (typeof STAGE_DISCOUNT_ROWS)[number];

export interface StageDiscountConfig {
  /** At or above this purchase propensity a customer is likely to buy anyway. */
  readonly likelyBuyerAbove: number;
  /** What a likely buyer gets: nothing, or the offer's minimum. */
  readonly likelyBuyer: 'none' | 'min';
  /** Ready to buy with a propensity below this gets the nudge. */
  readonly nudgeBelow: number;
  /** The nudge: this share of the range above the minimum (0: the minimum). */
  readonly nudgeShare: number;
  /** Ready to buy with no propensity model: nothing, or the minimum. */
  readonly readyWithoutModel: 'none' | 'min';
  /** Considering (and lapsed, not high value): at most this share of the range, scaled by sensitivity. */
  readonly moderateShare: number;
  /** The sensitivity assumed when it is unknown. */
  readonly defaultSensitivity: number;
  /** An active customer this sensitive to discounts gets the minimum. */
  readonly sensitiveAbove: number;
  /** Proposals are rounded to a multiple of this many percent (0: no rounding). */
  readonly step: number;
}

export const DEFAULT_STAGE_DISCOUNT_CONFIG: StageDiscountConfig = {
  likelyBuyerAbove: 0.7,
  likelyBuyer: 'none',
  nudgeBelow: 0.5,
  nudgeShare: 0.25,
  readyWithoutModel: 'min',
  moderateShare: 0.5,
  defaultSensitivity: 0.5,
  sensitiveAbove: 0.5,
  step: 1,
};

export interface StageDiscountInput {
  readonly stage: BuyingStageName;
  readonly rule: BuyingStageRule;
  /** Purchase propensity 0..1 (e.g. predicted.purchase_30d); null without a model. */
  readonly propensity: number | null;
  /** Discount sensitivity 0..1 (see discountSensitivity); null when unknown. */
  readonly sensitivity: number | null;
  /** The value the caller judged by (monetary or predicted CLV), for the reason; null when unknown. */
  readonly value: number | null;
  /** Decided by the caller (e.g. value above the 80th percentile). */
  readonly highValue: boolean;
}

export interface DiscountBounds {
  readonly minPercent: number;
  readonly maxPercent: number;
}

export interface StageDiscountProposal {
  readonly row: StageDiscountRow;
  /** Percent within the bounds; null: no discount. */
  readonly percent: number | null;
  /** "ready to buy (open cart), purchase propensity 0.31 < 0.5: 10% nudge" */
  readonly reason: string;
}

export function proposeStageDiscount(input: StageDiscountInput, bounds: DiscountBounds, config: StageDiscountConfig = DEFAULT_STAGE_DISCOUNT_CONFIG): StageDiscountProposal {
  const stage = `${input.stage.replace(/_/g, ' ')} (${input.rule.replace(/_/g, ' ')})`;
  const p = input.propensity;
  const { minPercent: min, maxPercent: max } = bounds;
  const fit = (percent: number): number => clampRound(percent, bounds, config.step);
  const moderate = (): { percent: number; why: string } => {
    const s = input.sensitivity ?? config.defaultSensitivity;
    const percent = fit(min + config.moderateShare * clamp01(s) * (max - min));
    const source = input.sensitivity === null ? `sensitivity unknown, assumed ${num(s)}` : `discount sensitivity ${num(s)}`;
    return { percent, why: source };
  };

  if (input.stage === 'browsing') return { row: 'browsing_content', percent: null, reason: `${stage}: content only, no discount` };
  if (p !== null && p >= config.likelyBuyerAbove) {
    const percent = config.likelyBuyer === 'min' ? fit(min) : null;
    return { row: 'likely_anyway', percent, reason: `${stage}, purchase propensity ${num(p)} ≥ ${num(config.likelyBuyerAbove)}: likely to buy anyway, ${percent === null ? 'no discount' : `minimum ${percent}%`}` };
  }
  if (input.stage === 'lapsed') {
    const value = input.value === null ? '' : ` (value ${num(input.value)})`;
    if (input.highValue) return { row: 'lapsed_win_back', percent: fit(max), reason: `${stage}, high value${value}: ${fit(max)}% win-back` };
    const m = moderate();
    return { row: 'lapsed_reactivation', percent: m.percent, reason: `${stage}, not high value${value}, ${m.why}: ${m.percent}% reactivation` };
  }
  if (input.stage === 'ready_to_buy') {
    if (p === null) {
      const percent = config.readyWithoutModel === 'min' ? fit(min) : null;
      return { row: 'ready_no_model', percent, reason: `${stage}, no purchase propensity: ${percent === null ? 'no discount' : `minimum ${percent}%`}` };
    }
    if (p < config.nudgeBelow) {
      const percent = fit(min + config.nudgeShare * (max - min));
      return { row: 'ready_nudge', percent, reason: `${stage}, purchase propensity ${num(p)} < ${num(config.nudgeBelow)}: ${percent}% nudge` };
    }
    return { row: 'ready_likely', percent: null, reason: `${stage}, purchase propensity ${num(p)} ≥ ${num(config.nudgeBelow)}: no discount needed` };
  }
  if (input.stage === 'considering') {
    const m = moderate();
    return { row: 'considering_incentive', percent: m.percent, reason: `${stage}, ${m.why}: ${m.percent}% incentive` };
  }
  // customer
  const s = input.sensitivity;
  if (s !== null && s >= config.sensitiveAbove) {
    return { row: 'customer_sensitive', percent: fit(min), reason: `${stage}, discount sensitivity ${num(s)} ≥ ${num(config.sensitiveAbove)}: minimum ${fit(min)}%` };
  }
  return { row: 'customer_default', percent: null, reason: `${stage}, discount sensitivity ${s === null ? 'unknown' : `${num(s)} < ${num(config.sensitiveAbove)}`}: no discount` };
}

/**
 * Discount sensitivity: the share of a customer's orders that used a discount, shrunk toward the
 * population's share with `priorOrders` pseudo-orders, so that one discounted order out of one
 * does not read as "always waits for a discount":
 *   (discountedOrders + priorOrders × populationRate) / (orders + priorOrders).
 * Without orders it is the population rate; null when that is unknown too.
 */
export function discountSensitivity(discountedOrders: number, orders: number, populationRate: number | null, priorOrders = 5): number | null {
  if (populationRate === null) return orders > 0 ? clamp01(discountedOrders / orders) : null;
  return clamp01((discountedOrders + priorOrders * populationRate) / (orders + priorOrders));
}

export interface IncrementalValueInput {
  /** Probability of purchase with the discount (needs an uplift model or an experiment). */
  readonly pWith: number;
  /** Probability of purchase without it. */
  readonly pWithout: number;
  readonly price: number;
  readonly marginRate: number;
  readonly percent: number;
}

/**
 * Expected gross margin the discount adds (negative: it costs more than it earns):
 *   with:    pWith × price × (marginRate − d)        (every buyer gets the discount)
 *   without: pWithout × price × marginRate
 *   incremental = (pWith − pWithout) × price × marginRate − pWith × price × d.
 * The second term is why a discount to someone who buys anyway (pWith ≈ pWithout) always loses.
 * Honest limits: pWith must come from an uplift estimate (an experiment or a model trained with
 * randomized discounts); a propensity model alone only gives pWithout. One order, no long-term value.
 */
export function expectedIncrementalMargin(input: IncrementalValueInput): number {
  const d = input.percent / 100;
  return (input.pWith - input.pWithout) * input.price * input.marginRate - input.pWith * input.price * d;
}

/** Validates a partial config (thresholds from the API); missing fields take the defaults. */
export function parseStageDiscountConfig(raw: unknown): { readonly ok: true; readonly value: StageDiscountConfig } | { readonly ok: false; readonly errors: readonly FieldError[] } {
  if (raw === undefined || raw === null) return { ok: true, value: DEFAULT_STAGE_DISCOUNT_CONFIG };
  if (typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, errors: [{ field: '(body)', message: 'a JSON object' }] };
  const body = raw as Record<string, unknown>;
  const errors: FieldError[] = [];
  const known = Object.keys(DEFAULT_STAGE_DISCOUNT_CONFIG);
  for (const field of Object.keys(body)) if (!known.includes(field)) errors.push({ field, message: `unknown field; fields: ${known.join(', ')}` });
  const share = (name: keyof StageDiscountConfig, maxValue = 1): number => {
    const v = body[name];
    if (v === undefined) return DEFAULT_STAGE_DISCOUNT_CONFIG[name] as number;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > maxValue) errors.push({ field: name, message: `a number from 0 to ${maxValue}` });
    return typeof v === 'number' ? v : 0;
  };
  const choice = (name: 'likelyBuyer' | 'readyWithoutModel'): 'none' | 'min' => {
    const v = body[name];
    if (v === undefined) return DEFAULT_STAGE_DISCOUNT_CONFIG[name];
    if (v !== 'none' && v !== 'min') errors.push({ field: name, message: "'none' or 'min'" });
    return v === 'min' ? 'min' : 'none';
  };
  const value: StageDiscountConfig = {
    likelyBuyerAbove: share('likelyBuyerAbove'),
    likelyBuyer: choice('likelyBuyer'),
    nudgeBelow: share('nudgeBelow'),
    nudgeShare: share('nudgeShare'),
    readyWithoutModel: choice('readyWithoutModel'),
    moderateShare: share('moderateShare'),
    defaultSensitivity: share('defaultSensitivity'),
    sensitiveAbove: share('sensitiveAbove'),
    step: share('step', 50),
  };
  if (errors.length === 0 && value.nudgeBelow > value.likelyBuyerAbove) errors.push({ field: 'nudgeBelow', message: `greater than likelyBuyerAbove (${value.likelyBuyerAbove})` });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value };
}

/** Rounds to the nearest multiple of step, then keeps it within the bounds. */
function clampRound(percent: number, bounds: DiscountBounds, step: number): number {
  const rounded = step > 0 ? Math.round(percent / step) * step : percent;
  // Rounding may leave float dust (0.1 steps); two decimals is all a percent needs.
  const tidy = Math.round(rounded * 100) / 100;
  return Math.min(bounds.maxPercent, Math.max(bounds.minPercent, tidy));
}

function clamp01(value: number): number {
  return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
}

function num(value: number): string {
  return String(Math.round(value * 100) / 100);
}
