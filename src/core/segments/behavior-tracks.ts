import type { BehaviorTrackSpec, BehaviorTrackState } from '../profiles/behavior-track.js';
import { behaviorTrackKey, longerRetention } from '../profiles/behavior-track.js';
import { ownValue } from '../profiles/own-record.js';
import { lowerBound, upperBound } from '../shared/sorted-search.js';
import { assertNever } from '../shared/assert-never.js';
import type { EpochMs } from '../shared/time.js';
import type { BehaviorQuery, BehaviorView, EventFilter, SequenceQuery, SequenceState } from './behavior-view.js';
import type { CompiledNode, CompiledRule } from './compiled-rule.js';

/**
 * The behavior tracks a profile must fold so that `rules` can be evaluated from the profile alone
 * (createBehaviorViewFromTracks), for any nowMs at or after the profile's latest event:
 * - did / did not: the (event, where) track, kept for the rule's window; `since` or no window
 *   reads all history (retention null);
 * - sequence: a track for `first` and one for `then` (one when they are the same), kept for the
 *   lookback plus the sequence window; without a lookback, all history.
 * Tracks with the same key are merged, keeping the longest retention (null, forever, beats any
 * number). The result is sorted by key, so equal rule sets give equal (deep-equal) specs.
 */
export function behaviorTracksOf(rules: readonly CompiledRule[]): BehaviorTrackSpec[] {
  const byKey = new Map<string, BehaviorTrackSpec>();
  const add = (event: string, filter: EventFilter | null, retentionMs: number | null): void => {
    const key = behaviorTrackKey(event, filter);
    const existing = byKey.get(key);
    if (existing === undefined) byKey.set(key, { key, event, filter, retentionMs });
    else byKey.set(key, { ...existing, retentionMs: longerRetention(existing.retentionMs, retentionMs) });
  };
  const visit = (node: CompiledNode): void => {
    switch (node.kind) {
      case 'and':
      case 'or':
        for (const child of node.children) visit(child);
        return;
      case 'not':
        visit(node.child);
        return;
      case 'did':
        add(node.event, node.filter, node.windowMs);
        return;
      case 'sequence': {
        const retentionMs = node.firstWindowMs === null ? null : node.firstWindowMs + node.windowMs;
        add(node.first.event, node.first.filter, retentionMs);
        add(node.then.event, node.then.filter, retentionMs);
        return;
      }
      case 'compare':
      case 'geo_within':
      case 'in_segment':
        return;
      default:
        assertNever(node, 'compiled node');
    }
  };
  for (const rule of rules) visit(rule.root);
  return [...byKey.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

const NO_EVENTS: BehaviorTrackState = { retentionMs: null, at: [], ids: [], dropped: 0 };

/**
 * A BehaviorView over a profile's folded tracks (ProfileState.behavior), answering exactly as
 * createBehaviorViewFromEvents over the profile's events would, for a nowMs at or after the
 * profile's latest event and tracks folded by behaviorTracksOf of the rules asked (their
 * retention covers every window the rules read). Binary searches on the sorted `at` arrays;
 * a missing track means no matching events.
 *
 * Beyond the cap (spec.maxBehaviorTrackEntries) the oldest entries are gone: an all-history count
 * (sinceMs null) still includes them (`dropped`); other answers see only the entries held, so they
 * are exact while a window's events fit in the cap.
 */
export function createBehaviorViewFromTracks(tracks: Readonly<Record<string, BehaviorTrackState>>): BehaviorView {
  const trackOf = (event: string, filter: EventFilter | null): BehaviorTrackState => ownValue(tracks, trackKeyOf(event, filter)) ?? NO_EVENTS;

  return {
    countMatching(query: BehaviorQuery): number {
      const track = trackOf(query.event, query.filter);
      const from = query.sinceMs === null ? 0 : lowerBound(track.at, query.sinceMs);
      const to = upperBound(track.at, query.untilMs);
      const held = Math.max(0, to - from);
      // Dropped entries are all older than the held ones: an all-history count includes them.
      return query.sinceMs === null ? held + track.dropped : held;
    },
    nthLatestMatchAtMs(query: BehaviorQuery, n: number): EpochMs | null {
      if (!(n >= 1)) return null;
      const track = trackOf(query.event, query.filter);
      const from = query.sinceMs === null ? 0 : lowerBound(track.at, query.sinceMs);
      const index = upperBound(track.at, query.untilMs) - n;
      return Number.isInteger(index) && index >= from ? (track.at[index] ?? null) : null;
    },
    sequenceState(query: SequenceQuery): SequenceState {
      const firsts = trackOf(query.first.event, query.first.filter);
      const thens = trackOf(query.then.event, query.then.filter);
      const nowMs = query.nowMs;
      const firstFrom = query.firstSinceMs === null ? 0 : lowerBound(firsts.at, query.firstSinceMs);
      const firstTo = upperBound(firsts.at, nowMs);
      const thenTo = upperBound(thens.at, nowMs);
      let completeCount = 0;
      let lastCompleteFirstAtMs: EpochMs | null = null;
      let nextPendingCompletesAtMs: EpochMs | null = null;
      // The first then strictly after each first (time, then messageId); firsts ascend, so it only moves on.
      let next = 0;
      for (let i = firstFrom; i < firstTo; i++) {
        const atMs = firsts.at[i] as EpochMs;
        const id = firsts.ids[i] as string;
        while (next < thenTo && !isAfter(thens.at[next] as EpochMs, thens.ids[next] as string, atMs, id)) next++;
        const deadlineMs = atMs + query.windowMs;
        const followed = next < thenTo && (thens.at[next] as EpochMs) <= deadlineMs;
        const complete = query.thenKind === 'did' ? followed : !followed && deadlineMs < nowMs;
        if (complete) {
          completeCount += 1;
          lastCompleteFirstAtMs = atMs;
        } else if (query.thenKind === 'did_not' && !followed) {
          const completesAtMs = deadlineMs + 1;
          if (nextPendingCompletesAtMs === null || completesAtMs < nextPendingCompletesAtMs) nextPendingCompletesAtMs = completesAtMs;
        }
      }
      return { completeCount, lastCompleteFirstAtMs, nextPendingCompletesAtMs };
    },
  };
}

/** (atMs, id) comes strictly after (otherAtMs, otherId) in compareEventOrder. */
/**
 * Track keys of filtered conditions, built once per compiled filter: evaluation asks for the same
 * keys for every profile, and concatenating (then hashing) a fresh string per lookup showed in profiles.
 */
const filteredKeys = new WeakMap<EventFilter, Map<string, string>>();

function trackKeyOf(event: string, filter: EventFilter | null): string {
  if (filter === null) return behaviorTrackKey(event, null);
  let byEvent = filteredKeys.get(filter);
  if (byEvent === undefined) {
    byEvent = new Map();
    filteredKeys.set(filter, byEvent);
  }
  let key = byEvent.get(event);
  if (key === undefined) {
    key = behaviorTrackKey(event, filter);
    byEvent.set(event, key);
  }
  return key;
}

function isAfter(atMs: EpochMs, id: string, otherAtMs: EpochMs, otherId: string): boolean {
  return atMs !== otherAtMs ? atMs > otherAtMs : id > otherId;
}

