import type { JsonObject } from '../shared/json.js';
import type { EpochMs } from '../shared/time.js';
import { ownValue } from './own-record.js';

/**
 * A test over an event's properties with a canonical `key` (equal conditions, equal keys). The
 * segment language compiles `where` clauses into these (segments/behavior-view.ts EventFilter has
 * the same shape); profiles only need to call them.
 */
export interface EventPredicate {
  readonly key: string;
  test(properties: JsonObject): boolean;
}

/**
 * What the fold must remember about one kind of track event so behavioral segment conditions
 * ("did Product Viewed where category = shoes at least 3 times in the last 30 days", sequences)
 * can be answered from the profile alone, without reading the event log.
 */
export interface BehaviorTrackSpec {
  /** `behaviorTrackKey(event, filter)`: the same (event, where) shares one track. */
  readonly key: string;
  /** Track event name. */
  readonly event: string;
  readonly filter: EventPredicate | null;
  /**
   * Entries stamped more than this before the profile's latest event (state.lastSeenMs, any event
   * type) are dropped; null keeps all of them. Either way at most `spec.maxBehaviorTrackEntries`
   * (BEHAVIOR_TRACK_CAP by default) are held, the oldest going first.
   */
  readonly retentionMs: number | null;
}

/**
 * Matching events of one track, in compareEventOrder (time, then messageId), oldest first: `at[i]`
 * and `ids[i]` are one event's timestampMs and messageId. It is a function of the set of matching
 * events, the latest event time and the cap (not of arrival order): the held entries are the newest
 * `cap` of those stamped at or after lastSeenMs - retentionMs, and `dropped` counts the others,
 * which are all older than (or tied with and ordered before) every held entry.
 */
export interface BehaviorTrackState {
  /** The spec's retention this track was folded with; another retention needs a replay. */
  retentionMs: number | null;
  at: EpochMs[];
  ids: string[];
  /** Matching events no longer held (pruned by retention or the cap). */
  dropped: number;
}

/** Most entries one track keeps per profile, so a profile's size stays bounded. */
export const BEHAVIOR_TRACK_CAP = 1000;

export function behaviorTrackKey(event: string, filter: EventPredicate | null): string {
  return filter === null ? event : `${event}\u0000${filter.key}`;
}

/** The retention that keeps more: null (forever) beats any number, else the longest. */
export function longerRetention(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : Math.max(a, b);
}

/**
 * A spec's tracks, indexed once per `spec.behaviorTracks` array (not per event): by event name for
 * the fold's insert, by key for dropping tracks the spec no longer has. Tracks with the same key
 * are merged (longerRetention), and listed by key so the state never depends on the spec's order.
 */
export interface BehaviorTrackIndex {
  readonly tracks: readonly BehaviorTrackSpec[];
  readonly byKey: ReadonlyMap<string, BehaviorTrackSpec>;
  readonly byEvent: ReadonlyMap<string, readonly BehaviorTrackSpec[]>;
}

const INDEXES = new WeakMap<readonly BehaviorTrackSpec[], BehaviorTrackIndex>();

export function indexBehaviorTracks(specTracks: readonly BehaviorTrackSpec[]): BehaviorTrackIndex {
  const cached = INDEXES.get(specTracks);
  if (cached !== undefined) return cached;
  const byKey = new Map<string, BehaviorTrackSpec>();
  for (const track of specTracks) {
    const existing = byKey.get(track.key);
    byKey.set(track.key, existing === undefined ? track : { ...existing, retentionMs: longerRetention(existing.retentionMs, track.retentionMs) });
  }
  const tracks = [...byKey.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const byEvent = new Map<string, BehaviorTrackSpec[]>();
  for (const track of tracks) {
    const list = byEvent.get(track.event);
    if (list === undefined) byEvent.set(track.event, [track]);
    else list.push(track);
  }
  const index: BehaviorTrackIndex = { tracks, byKey, byEvent };
  INDEXES.set(specTracks, index);
  return index;
}

/**
 * Whether applying new events to `state` incrementally would not give the fold of all its events
 * under `spec`, because a behavior track of the spec is missing from the state (added to the spec
 * after the profile's first event) or was folded with another retention. The app then replays the
 * profile from its log (foldProfile) instead. A profile without events never needs one: its first
 * event creates every track. Tracks the spec no longer has need none (the next event drops them).
 * Cheap: one lookup per spec track. (Structural types: ProfileState and ProfileSpec import this file.)
 */
export function profileNeedsReplay(
  state: { readonly eventCount: number; readonly behavior: Readonly<Record<string, BehaviorTrackState>> },
  spec: { readonly behaviorTracks: readonly BehaviorTrackSpec[] },
): boolean {
  if (state.eventCount === 0 || spec.behaviorTracks.length === 0) return false;
  const behavior = state.behavior;
  for (const track of indexBehaviorTracks(spec.behaviorTracks).tracks) {
    const held = ownValue(behavior, track.key);
    if (held === undefined || held.retentionMs !== track.retentionMs) return true;
  }
  return false;
}
