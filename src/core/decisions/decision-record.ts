import type { ProfileId } from '../shared/ids.js';
import type { JsonObject } from '../shared/json.js';
import type { EpochMs } from '../shared/time.js';

/**
 * One served decision, as logged: what was shown to whom, where, and with which probability (the
 * exposure the bandits learn from and off-policy evaluation reweights). Outcomes arrive later as
 * ordinary events and are attached by decision id.
 */
export interface DecisionRecord {
  /** `dec_` + 22 url-safe characters; the id clients send back with outcome events. */
  readonly id: string;
  /** Null for a visitor without a profile yet (a non-personal answer). */
  readonly profileId: ProfileId | null;
  readonly placement: string;
  readonly channel: string;
  readonly atMs: EpochMs;
  readonly personalized: boolean;
  /** The offer shown (null: none), the probability the policy had of choosing it, and the discount. */
  readonly offerKey: string | null;
  readonly offerPropensity: number | null;
  readonly discountPercent: number | null;
  /** The content variant shown (null: none) and its probability. */
  readonly contentKey: string | null;
  readonly contentPropensity: number | null;
  /** Recommended item ids, in order. */
  readonly items: readonly string[];
  /** The bandit context vector (for learning from the outcome) and anything else worth keeping. */
  readonly context: JsonObject;
}

/** What happened after a decision: the first click, add to cart and order attributed to it. */
export interface DecisionOutcome {
  readonly kind: 'click' | 'add_to_cart' | 'order';
  readonly atMs: EpochMs;
  /** Order revenue when known. */
  readonly value: number | null;
  /** The event that carried it. */
  readonly messageId: string;
}

export interface StoredDecision extends DecisionRecord {
  readonly outcomes: readonly DecisionOutcome[];
}
