import type { NormalizedEvent } from '../events/event.js';
import { compareEventOrder } from '../events/event.js';
import type { ProfileId } from '../shared/ids.js';
import { applyEventToProfile } from './apply-event-to-profile.js';
import type { ProfileSpec } from './profile-spec.js';
import type { ProfileState } from './profile-state.js';
import { createProfileState } from './profile-state.js';

/**
 * The definition of a profile: its events, in `compareEventOrder` order, folded from an empty
 * state. The input may arrive in any order (it is sorted on a copy); an event repeated with the
 * same (timestampMs, messageId) is applied once. Used for replays after an out-of-order event,
 * a merge, a changed computed trait, or a rebuild.
 */
export function foldProfile(
  profileId: ProfileId,
  events: readonly NormalizedEvent[],
  spec: ProfileSpec,
): ProfileState {
  const sorted = isSorted(events) ? events : [...events].sort(compareEventOrder);
  const state = createProfileState(profileId);
  for (const event of sorted) applyEventToProfile(state, event, spec);
  return state;
}

function isSorted(events: readonly NormalizedEvent[]): boolean {
  for (let i = 1; i < events.length; i++) {
    if (compareEventOrder(events[i - 1] as NormalizedEvent, events[i] as NormalizedEvent) > 0) return false;
  }
  return true;
}
