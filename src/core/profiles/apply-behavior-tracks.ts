import type { NormalizedEvent } from '../events/event.js';
import type { EpochMs } from '../shared/time.js';
import type { BehaviorTrackState } from './behavior-track.js';
import { indexBehaviorTracks } from './behavior-track.js';
import { ownValue } from './own-record.js';
import { lowerBound } from '../shared/sorted-search.js';
import type { ProfileSpec } from './profile-spec.js';
import type { ProfileState } from './profile-state.js';

/**
 * Folds `event` into `state.behavior` (called by applyEventToProfile after eventCount and
 * lastSeenMs have moved). A `track` event is inserted, in compareEventOrder, into every spec track
 * of its name whose filter passes; then every track drops the entries stamped before
 * `lastSeenMs - retentionMs` and, beyond the cap, its oldest ones, counting both in `dropped`.
 *
 * Every track is pruned on every event (a check of its oldest entry when nothing is due), so a
 * track is a function of the set of its matching events and the latest event time: any order of
 * application gives the same state. The spec's tracks are created with the profile's first event;
 * one added to the spec later is left missing (profileNeedsReplay then asks for a replay), and one
 * folded with another retention keeps its own until then. Tracks not in the spec are deleted.
 */
export function applyBehaviorTracks(state: ProfileState, event: NormalizedEvent, spec: ProfileSpec): void {
  const specTracks = spec.behaviorTracks;
  let behavior = state.behavior;
  if (specTracks.length === 0) {
    if (!isEmpty(behavior)) state.behavior = {};
    return;
  }
  const index = indexBehaviorTracks(specTracks);
  if (state.eventCount === 1) {
    // The profile's first event: it starts with every track of the spec (and nothing else).
    if (!isEmpty(behavior)) behavior = state.behavior = {};
    for (const track of index.tracks) {
      setOwn(behavior, track.key, { retentionMs: track.retentionMs, at: [], ids: [], dropped: 0 });
    }
  }

  if (event.type === 'track' && event.event !== null) {
    const candidates = index.byEvent.get(event.event);
    if (candidates !== undefined) {
      for (const track of candidates) {
        const held = ownValue(behavior, track.key);
        if (held === undefined) continue;
        if (track.filter !== null && !track.filter.test(event.properties)) continue;
        insertEntry(held, event.timestampMs, event.messageId);
      }
    }
  }

  const latestMs = state.lastSeenMs ?? event.timestampMs;
  const cap = spec.maxBehaviorTrackEntries;
  for (const key in behavior) {
    if (!Object.hasOwn(behavior, key)) continue;
    if (!index.byKey.has(key)) {
      delete behavior[key];
      continue;
    }
    pruneTrack(behavior[key] as BehaviorTrackState, latestMs, cap);
  }
}

/** Inserts (atMs, messageId) at its place in compareEventOrder; usually an append. Repeats are ignored. */
function insertEntry(track: BehaviorTrackState, atMs: EpochMs, messageId: string): void {
  const at = track.at;
  const ids = track.ids;
  let position = at.length;
  while (position > 0) {
    const previousAt = at[position - 1] as EpochMs;
    if (previousAt < atMs) break;
    if (previousAt === atMs) {
      const previousId = ids[position - 1] as string;
      if (previousId === messageId) return;
      if (previousId < messageId) break;
    }
    position--;
  }
  if (position === at.length) {
    at.push(atMs);
    ids.push(messageId);
  } else {
    at.splice(position, 0, atMs);
    ids.splice(position, 0, messageId);
  }
}

function pruneTrack(track: BehaviorTrackState, latestMs: EpochMs, cap: number): void {
  const at = track.at;
  let drop = 0;
  if (track.retentionMs !== null && at.length > 0) {
    const cutoffMs = latestMs - track.retentionMs;
    if ((at[0] as EpochMs) < cutoffMs) drop = lowerBound(at, cutoffMs);
  }
  drop = Math.max(drop, at.length - Math.max(0, cap));
  if (drop <= 0) return;
  at.splice(0, drop);
  track.ids.splice(0, drop);
  track.dropped += drop;
}

/** Writes an own property, also for the key "__proto__" (an event name is user-supplied). */
function setOwn(record: Record<string, BehaviorTrackState>, key: string, value: BehaviorTrackState): void {
  Object.defineProperty(record, key, { value, writable: true, enumerable: true, configurable: true });
}

function isEmpty(record: object): boolean {
  for (const _ in record) return false;
  return true;
}
