import type { EventType } from '../events/event.js';
import type { ProfileId } from '../shared/ids.js';
import type { JsonValue } from '../shared/json.js';
import type { EpochMs } from '../shared/time.js';
import type { BehaviorTrackState } from './behavior-track.js';

/**
 * The folded profile: what `applyEventToProfile` maintains, event by event, in `compareEventOrder`
 * order. It is plain JSON (no Map, Set, undefined, NaN, Infinity or -0) so that a stored profile
 * reads back deep-equal, and its size is bounded whatever the number of events (caps and pruned
 * day buckets below). Everything time-relative (windows, recency, abandoned carts, stages) is
 * derived later by `computeFeatures(state, nowMs)`, so windows roll without new events.
 *
 * The state is a function of (events, ProfileSpec); changing a fold-time tunable of the spec
 * (sessionGapMs, affinityHalfLifeDays, cartAbandonAfterMs, consideringWindowDays, caps) needs a
 * replay. Computed traits carry their own definition key so a changed definition is detected,
 * and behavior tracks their retention (see profileNeedsReplay).
 */
export interface ProfileState {
  readonly formatVersion: 1;
  profileId: ProfileId;
  /** The greatest (timestampMs, messageId) applied; an event at or before it needs a replay. */
  lastEventKey: EventKey | null;
  eventCount: number;
  firstSeenMs: EpochMs | null;
  lastSeenMs: EpochMs | null;
  /** Last write wins by event time (ties by messageId), whatever the arrival order. */
  traits: Record<string, TraitEntry>;
  /** Trait writes dropped because the profile already held `spec.maxTraitKeys` keys. */
  traitsDropped: number;
  eventTypeCounts: Record<EventType, number>;
  /** Per track event name, capped (see CappedCounts). */
  trackEventCounts: CappedCounts;
  sessions: SessionState;
  commerce: CommerceCounters;
  orders: OrderState;
  cart: CartState;
  /** Product views within `consideringWindowDays` of the last event, oldest first, capped. */
  recentProductViews: ProductView[];
  affinity: AffinityState;
  /** Activity (track/page/screen) per UTC hour 0..23. */
  hourOfDay: number[];
  /** Activity per UTC day of week, 0 = Sunday .. 6 = Saturday (as Date#getUTCDay). */
  dayOfWeek: number[];
  devices: CappedCounts;
  channels: CappedCounts;
  /** Keyed by computed trait name. */
  computedTraits: Record<string, ComputedTraitState>;
  /**
   * Keyed by behaviorTrackKey: the matching track events of each `spec.behaviorTracks` entry, so
   * behavioral segment conditions are answered from the profile alone. Every spec track is
   * created with the profile's first event; tracks the spec no longer has are dropped. Stored
   * profiles written before this field existed read back with `{}`.
   */
  behavior: Record<string, BehaviorTrackState>;
  /**
   * Products bought, per product key (product_id, else sku, else name), from counted
   * `Order Completed` events (duplicate order_ids are not counted). At most
   * `spec.maxPurchasedProducts` keys: a new key beyond it evicts the least recently bought.
   * Stored profiles written before this field existed read back with `{ items: {}, overflow: 0 }`.
   */
  purchasedProducts: PurchasedProducts;
  /**
   * The latest consent per purpose (lowercased, trimmed), read from every event's context (see
   * consent.ts). Stored profiles written before this field existed read back with `{}`.
   */
  consent: Record<string, ConsentEntry>;
}

export interface PurchasedProducts {
  items: Record<string, PurchasedProduct>;
  /** Product keys not held: entries evicted at the cap, and keys that cannot be stored (`__proto__`). */
  overflow: number;
}

export interface PurchasedProduct {
  /** Counted orders that held the product (once per order, however many lines name it). */
  orders: number;
  /** Sum of line quantities over those orders. */
  quantity: number;
  firstMs: EpochMs;
  lastMs: EpochMs;
}

export interface ConsentEntry {
  granted: boolean;
  /** Time of the event that set it. */
  atMs: EpochMs;
}

export interface EventKey {
  readonly timestampMs: EpochMs;
  readonly messageId: string;
}

export interface TraitEntry {
  value: JsonValue;
  atMs: EpochMs;
  messageId: string;
}

/**
 * A count map with a bounded number of keys: once `counts` holds its cap of keys, counts for new
 * keys go to `overflow`. Which keys made it in is decided by fold order, so it is deterministic.
 */
export interface CappedCounts {
  counts: Record<string, number>;
  overflow: number;
}

export interface SessionState {
  count: number;
  /** Time of the last activity event (track/page/screen). */
  lastActivityMs: EpochMs | null;
  /** `context.sessionId` of the current session when the client sends one. */
  currentSessionId: string | null;
}

export interface CommerceCounters {
  productViews: number;
  cartAdds: number;
  cartRemoves: number;
  checkoutsStarted: number;
  lastCheckoutMs: EpochMs | null;
  /** A checkout was started and no order followed it (in fold order). */
  checkoutOpen: boolean;
}

export interface OrderState {
  count: number;
  /** Sum of `Order Completed` amounts, before refunds and cancellations. */
  grossRevenue: number;
  refundCount: number;
  refundAmount: number;
  cancelCount: number;
  cancelAmount: number;
  /** `Order Completed` events skipped because their order_id was already counted. */
  duplicateCount: number;
  firstOrderMs: EpochMs | null;
  lastOrderMs: EpochMs | null;
  /** Orders with `discount` > 0 or a `coupon`. */
  discountedCount: number;
  discountTotal: number;
  /** UTC day buckets, ascending, pruned to the longest order window before the last event. */
  days: OrderDayBucket[];
  /** The latest orders with an order_id, oldest first: duplicate detection and refund amounts. */
  recent: RecentOrder[];
}

export interface OrderDayBucket {
  /** UTC day number (see toEpochDay). */
  day: number;
  orders: number;
  /** Order amounts minus refunds and cancellations booked that day (can be negative). */
  revenue: number;
}

export interface RecentOrder {
  orderId: string;
  amount: number;
}

/**
 * The current cart episode. It starts with the first add after an order (or after the previous
 * episode ended) and ends with an order, with removals that empty it, or when later cart activity
 * shows it was abandoned (no order within cartAbandonAfterMs of its last add).
 */
export interface CartState {
  /** Quantity per product key (product_id, else sku, else name), capped in number of keys. */
  items: Record<string, number>;
  itemCount: number;
  lastAddMs: EpochMs | null;
  /** Episodes known to be abandoned; an open cart old enough is added at read time. */
  abandonedCount: number;
}

export interface ProductView {
  productId: string;
  atMs: EpochMs;
}

/**
 * Time-decayed category scores as of `atMs` (the last event that changed them). Decay is applied
 * lazily when a later event adds to the scores, so events without categories cost nothing here.
 */
export interface AffinityState {
  atMs: EpochMs | null;
  scores: Record<string, number>;
}

export interface ComputedTraitBucket {
  /** UTC day; always 0 for an all-time trait (a single bucket). */
  day: number;
  /** Samples that contributed (events, or numeric values for sum/avg/min/max). */
  count: number;
  /** sum/avg: running sum; min/max: extreme so far (null before any); first/last: the value. */
  value: JsonValue;
}

export interface ComputedTraitState {
  /** Identifies the definition this state was built for; another definition needs a replay. */
  definitionKey: string;
  /** False when the trait was added to a profile that already had events (needs a replay). */
  complete: boolean;
  buckets: ComputedTraitBucket[];
  /** distinct_count only: value key -> last UTC day it was seen (0 for all-time traits). */
  distinct: Record<string, number>;
}

export function createProfileState(profileId: ProfileId): ProfileState {
  return {
    formatVersion: 1,
    profileId,
    lastEventKey: null,
    eventCount: 0,
    firstSeenMs: null,
    lastSeenMs: null,
    traits: {},
    traitsDropped: 0,
    eventTypeCounts: { track: 0, identify: 0, page: 0, screen: 0, group: 0, alias: 0 },
    trackEventCounts: { counts: {}, overflow: 0 },
    sessions: { count: 0, lastActivityMs: null, currentSessionId: null },
    commerce: {
      productViews: 0,
      cartAdds: 0,
      cartRemoves: 0,
      checkoutsStarted: 0,
      lastCheckoutMs: null,
      checkoutOpen: false,
    },
    orders: {
      count: 0,
      grossRevenue: 0,
      refundCount: 0,
      refundAmount: 0,
      cancelCount: 0,
      cancelAmount: 0,
      duplicateCount: 0,
      firstOrderMs: null,
      lastOrderMs: null,
      discountedCount: 0,
      discountTotal: 0,
      days: [],
      recent: [],
    },
    cart: { items: {}, itemCount: 0, lastAddMs: null, abandonedCount: 0 },
    recentProductViews: [],
    affinity: { atMs: null, scores: {} },
    hourOfDay: new Array<number>(24).fill(0),
    dayOfWeek: new Array<number>(7).fill(0),
    devices: { counts: {}, overflow: 0 },
    channels: { counts: {}, overflow: 0 },
    computedTraits: {},
    behavior: {},
    purchasedProducts: { items: {}, overflow: 0 },
    consent: {},
  };
}

/**
 * Whether `event` comes strictly after everything already folded into `state`, so that
 * `applyEventToProfile` gives exactly what a replay would. When false the app replays the profile
 * from the log (an event equal to lastEventKey is a duplicate and a no-op).
 */
export function isAfterLastEvent(
  state: ProfileState,
  event: { readonly timestampMs: EpochMs; readonly messageId: string },
): boolean {
  const last = state.lastEventKey;
  if (last === null) return true;
  if (event.timestampMs !== last.timestampMs) return event.timestampMs > last.timestampMs;
  return event.messageId > last.messageId;
}
