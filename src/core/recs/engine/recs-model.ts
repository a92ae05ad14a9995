import type { ItemNeighbours } from '../item-neighbours.js';
import type { PersonalModel } from './personal-model.js';
import type { RepeatProfile } from '../repeat-purchase.js';
import type { TimeContextModel } from '../time-context.js';

/**
 * The sources a recommendation can come from. Each gives candidates with a score and a reason; a
 * placement blends them with weights and falls back through them in a declared order.
 * - personal: the user's whole history through the collaborative item-item weights (EASE, or ALS
 *   factor similarity for large catalogs);
 * - session: what shoppers view next after the items of the current session;
 * - also_bought / also_viewed: co-purchase and co-view neighbours of anchor items (the viewed item,
 *   the basket, the cart);
 * - content: catalog-attribute similarity (works for items nobody has touched yet);
 * - repeat: replenishable items the user bought, once they are due again;
 * - segment_popular: popular among the user's segment (cold start with some profile data);
 * - popular: time-decayed popularity (everyone, and anyone without consent to personalization).
 */
export const STRATEGIES = ['personal', 'session', 'also_bought', 'also_viewed', 'content', 'repeat', 'segment_popular', 'popular'] as const;
export type Strategy = (typeof STRATEGIES)[number];
export type StrategyWeights = Readonly<Record<Strategy, number>>;

/** Strategies that read the person's own data: none of them is used without consent. */
export const PERSONAL_STRATEGIES: ReadonlySet<Strategy> = new Set<Strategy>(['personal', 'session', 'repeat', 'segment_popular']);

/** Used until weights are learned from the workspace's own data (and where too little data exists to learn). */
export const DEFAULT_WEIGHTS: StrategyWeights = {
  personal: 1,
  session: 0.5,
  also_bought: 0.5,
  also_viewed: 0.25,
  content: 0.1,
  repeat: 1,
  segment_popular: 0.1,
  popular: 0.05,
};

export interface SegmentPopularity {
  /** Best first. */
  readonly items: Int32Array;
  readonly scores: Float64Array;
  /** Share of the item in the segment over its share in the whole population. */
  readonly lift: Float64Array;
}

/** How the trained recommender did on the last part of its own training window (never on a test file). */
export interface RecsValidation {
  /** Start of the validation window; components were refitted on data before it. */
  readonly fromMs: number;
  readonly users: number;
  readonly k: number;
  /** Hit rate and NDCG@k of the blend with the learned weights, and of popularity alone, on the same users. */
  readonly blend: { readonly hitRate: number; readonly ndcg: number };
  readonly popularity: { readonly hitRate: number; readonly ndcg: number };
  /** Each strategy alone (only those with candidates). */
  readonly strategies: Readonly<Partial<Record<Strategy, { readonly hitRate: number; readonly ndcg: number }>>>;
}

export interface RecsTrainingReport {
  readonly interactions: { readonly views: number; readonly carts: number; readonly purchases: number };
  readonly users: number;
  readonly items: number;
  readonly catalogItems: number;
  /** Which collaborative model serves `personal`, and why. */
  readonly personal: { readonly algorithm: 'ease' | 'als' | 'none'; readonly lambda: number | null; readonly reason: string };
  readonly replenishableItems: number;
  readonly timeContext: TimeContextModel['evidence'];
  readonly weights: StrategyWeights;
  /** 'learned' on the validation window, or 'default' with the reason. */
  readonly weightsSource: 'learned' | 'default';
  readonly weightsReason: string;
  readonly validation: RecsValidation | null;
  /** Milliseconds per training step. */
  readonly timings: Readonly<Record<string, number>>;
}

/** The learned relations every strategy reads: shared by a trained model and a validation refit. */
export interface RecsRelations {
  readonly segmentPopularity: ReadonlyMap<string, SegmentPopularity>;
  readonly personal: PersonalModel;
  readonly alsoBought: ItemNeighbours;
  readonly alsoViewed: ItemNeighbours;
  readonly nextItem: ItemNeighbours;
  readonly content: ItemNeighbours;
  readonly repeat: ReadonlyMap<number, RepeatProfile>;
  readonly timeContext: TimeContextModel;
}

/**
 * A trained recommender: everything serving needs, in memory, immutable. A new training run builds
 * a whole new one, which replaces the old in one assignment (requests in flight finish on the old).
 */
export interface RecsModel extends RecsRelations {
  readonly trainedAtMs: number;
  /** The newest interaction it learned from. */
  readonly dataUntilMs: number;
  /** Dense item index -> product id (every item seen in events, then catalog items never seen). */
  readonly items: readonly string[];
  /** Time-decayed popularity as of `popularityAtMs`. */
  readonly popularity: Float64Array;
  readonly popularityAtMs: number;
  readonly popularityHalfLifeDays: number;
  readonly weights: StrategyWeights;
  readonly report: RecsTrainingReport;
}

/** Product id -> dense index of a model (built once per model, when it is installed). */
export function indexItems(items: readonly string[]): ReadonlyMap<string, number> {
  const index = new Map<string, number>();
  items.forEach((id, i) => index.set(id, i));
  return index;
}
