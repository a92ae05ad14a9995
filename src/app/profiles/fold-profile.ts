import type { NormalizedEvent } from '../../core/events/event.js';
import { compareEventOrder } from '../../core/events/event.js';
import { applyEventToProfile } from '../../core/profiles/apply-event-to-profile.js';
import type { ProfileSpec } from '../../core/profiles/profile-spec.js';
import type { ProfileState } from '../../core/profiles/profile-state.js';
import { createProfileState } from '../../core/profiles/profile-state.js';
import type { ProfileId } from '../../core/shared/ids.js';

/** The definition of a profile: its events folded in event-time order from an empty state. */
export function foldProfile(profileId: ProfileId, events: readonly NormalizedEvent[], spec: ProfileSpec): ProfileState {
  const sorted = isSorted(events) ? events : [...events].sort(compareEventOrder);
  let state = createProfileState(profileId);
  for (const event of sorted) state = applyEventToProfile(state, event, spec);
  return state;
}

function isSorted(events: readonly NormalizedEvent[]): boolean {
  for (let i = 1; i < events.length; i++) {
    const previous = events[i - 1];
    const current = events[i];
    if (previous !== undefined && current !== undefined && compareEventOrder(previous, current) > 0) return false;
  }
  return true;
}
