import type { StoredEvent } from '../../core/events/event.js';
import type { ProfileState } from '../../core/profiles/profile-state.js';
import { toIso } from '../../core/shared/time.js';
import type { ProfileView, TimelineView } from '../../app/attune-app.js';
import type { ProfileResponse, ProfileSummary, TimelineEventResponse, TimelineResponse } from '../api.schema.js';
import { encodeTimelineCursor } from '../timeline-cursor.js';

/** The canonical address of a profile: by profileId, which needs no escaping and survives renames. */
export function profilePath(profileId: string): string {
  return `/v1/profiles/id/${encodeURIComponent(profileId)}`;
}

/** What the API shows of a profile. The stored state (ProfileState) stays behind this mapping. */
export function toProfileResponse(view: ProfileView): ProfileResponse {
  const { computedTraits: _shownSeparately, ...features } = view.features;
  return {
    profileId: view.profileId,
    identities: view.identities.map((id) => ({ kind: id.kind, value: id.value, firstSeenAt: toIso(id.firstSeenMs) })),
    traits: { ...view.traits },
    features,
    computedTraits: { ...view.computedTraits },
    merges: view.merges.map((m) => ({
      survivorId: m.survivorId,
      mergedId: m.mergedId,
      reason: m.reason,
      messageId: m.messageId,
      via: m.via.map((id) => ({ kind: id.kind, value: id.value })),
      at: toIso(m.atMs),
    })),
    segments: view.segments.map((s) => ({ key: s.key, name: s.name, kind: s.kind, enteredAt: toIso(s.enteredAtMs), reasons: [...s.reasons] })),
    predicted: { ...view.predicted },
    links: { timeline: `${profilePath(view.profileId)}/timeline` },
  };
}

export function toProfileSummary(state: ProfileState): ProfileSummary {
  const traits: Record<string, unknown> = {};
  for (const [name, entry] of Object.entries(state.traits)) traits[name] = entry.value;
  return {
    profileId: state.profileId,
    traits,
    eventCount: state.eventCount,
    firstSeenAt: state.firstSeenMs === null ? null : toIso(state.firstSeenMs),
    lastSeenAt: state.lastSeenMs === null ? null : toIso(state.lastSeenMs),
    links: { self: profilePath(state.profileId), timeline: `${profilePath(state.profileId)}/timeline` },
  };
}

export function toTimelineEventResponse(event: StoredEvent): TimelineEventResponse {
  return {
    messageId: event.messageId,
    type: event.type,
    event: event.event,
    name: event.name,
    userId: event.userId,
    anonymousId: event.anonymousId,
    previousId: event.previousId,
    groupId: event.groupId,
    properties: event.properties,
    traits: event.traits,
    context: event.context,
    timestamp: toIso(event.timestampMs),
    receivedAt: toIso(event.receivedAtMs),
    sentAt: event.sentAtMs === null ? null : toIso(event.sentAtMs),
    originalTimestamp: event.originalTimestampMs === null ? null : toIso(event.originalTimestampMs),
  };
}

/** `path` is the timeline's own path, used to build the link to the next (older) page. */
export function toTimelineResponse(page: TimelineView, opts: { readonly path: string; readonly limit: number }): TimelineResponse {
  const next = page.next === null ? null : encodeTimelineCursor(page.next);
  return {
    events: page.events.map(toTimelineEventResponse),
    next,
    links: { next: next === null ? null : `${opts.path}?limit=${opts.limit}&before=${next}` },
  };
}
