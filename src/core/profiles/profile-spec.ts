import { MS_PER_HOUR, MS_PER_MINUTE } from '../shared/time.js';
import type { BehaviorTrackSpec } from './behavior-track.js';
import { BEHAVIOR_TRACK_CAP } from './behavior-track.js';
import type { ComputedTraitDefinition } from './computed-trait.js';

/**
 * Tunables of the profile fold and of the features read from it. Fold-time tunables shape the
 * stored state (changing them needs a replay); read-time ones only affect computeFeatures.
 */
export interface ProfileSpec {
  /** Fold: an activity gap longer than this starts a new session. */
  readonly sessionGapMs: number;
  /** Fold: category affinity halves every this many days without new interest. */
  readonly affinityHalfLifeDays: number;
  /** Fold weights per product line category. */
  readonly affinityWeights: { readonly view: number; readonly add: number; readonly purchase: number };
  /** Fold: categories kept (lowest score evicted beyond it). */
  readonly maxAffinityCategories: number;
  /** Fold and read: a cart with no order within this long of its last add is abandoned. */
  readonly cartAbandonAfterMs: number;
  /** Fold and read: product views older than this (before the last event / now) are forgotten. */
  readonly consideringWindowDays: number;
  /** Read: this many product views in the considering window make a visitor "considering". */
  readonly consideringMinProductViews: number;
  /** Read: a customer whose last order is older than this is "lapsed". */
  readonly lapsedAfterDays: number;
  /** Read: categories returned in ProfileFeatures.categoryAffinity. */
  readonly affinityTopN: number;
  /** Fold: distinct trait keys kept per profile (later new keys are counted in traitsDropped). */
  readonly maxTraitKeys: number;
  /** User-declared aggregates (see computed-trait.ts), folded alongside the rest. */
  readonly computedTraits: readonly ComputedTraitDefinition[];
  /**
   * Fold: the track events behavioral segment conditions read, kept per profile (see
   * behavior-track.ts; segments/behavior-tracks.ts derives them from the rules). A track added,
   * or folded with another retention, needs a replay (profileNeedsReplay).
   */
  readonly behaviorTracks: readonly BehaviorTrackSpec[];
  /**
   * Fold: entries kept per behavior track (the oldest go first, counted in `dropped`). Lowering it
   * takes effect exactly with each profile's next event; raising it needs a rebuild (not detected).
   */
  readonly maxBehaviorTrackEntries: number;
  /**
   * Fold: product keys kept in `purchasedProducts` (a new key beyond it evicts the entry bought
   * longest ago, ties by smallest key, counted in `overflow`).
   */
  readonly maxPurchasedProducts: number;
}

export const DEFAULT_PROFILE_SPEC: ProfileSpec = {
  sessionGapMs: 30 * MS_PER_MINUTE,
  affinityHalfLifeDays: 30,
  affinityWeights: { view: 1, add: 3, purchase: 5 },
  maxAffinityCategories: 50,
  cartAbandonAfterMs: 24 * MS_PER_HOUR,
  consideringWindowDays: 14,
  consideringMinProductViews: 3,
  lapsedAfterDays: 180,
  affinityTopN: 10,
  maxTraitKeys: 500,
  computedTraits: [],
  behaviorTracks: [],
  maxBehaviorTrackEntries: BEHAVIOR_TRACK_CAP,
  maxPurchasedProducts: 500,
};

/** The longest order window of ProfileFeatures (7/30/90/365 days): it bounds the day buckets kept. */
export const LONGEST_ORDER_WINDOW_DAYS = 365;

/** Caps that keep a profile's size bounded whatever its history. */
export const PROFILE_CAPS = {
  trackEventNames: 200,
  mixKeys: 20,
  cartItems: 200,
  recentProductViews: 100,
  recentOrders: 50,
  distinctValues: 1000,
} as const;
