import type { JsonObject } from '../shared/json.js';
import type { EpochMs } from '../shared/time.js';
import type { ProfileId, WorkspaceId } from '../shared/ids.js';

/** The Segment spec's call types. Order matters nowhere; keep it alphabetical-free and stable. */
export const EVENT_TYPES = ['track', 'identify', 'page', 'screen', 'group', 'alias'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/**
 * An event after validation and normalisation: the one shape the rest of Attune reads.
 * Segment's and RudderStack's spellings (originalTimestamp, context.traits, ...) are folded in here.
 */
export interface NormalizedEvent {
  /** Client-supplied id that makes retries idempotent; generated from the content when absent. */
  readonly messageId: string;
  readonly type: EventType;
  /** `track` event name, e.g. "Order Completed"; null for other types. */
  readonly event: string | null;
  /** `page`/`screen` name; null when absent. */
  readonly name: string | null;
  readonly userId: string | null;
  readonly anonymousId: string | null;
  /** `alias` only: the id being merged into `userId`. */
  readonly previousId: string | null;
  /** `group` only. */
  readonly groupId: string | null;
  /** track/page/screen properties (empty object when absent). */
  readonly properties: JsonObject;
  /** identify/group traits, with `context.traits` folded in for other types (empty when absent). */
  readonly traits: JsonObject;
  /** The event's context, with the IP reduced according to privacy settings. */
  readonly context: JsonObject;
  /** When the event happened, corrected for client clock skew (see normalize-event.ts). */
  readonly timestampMs: EpochMs;
  /** When Attune received it. */
  readonly receivedAtMs: EpochMs;
  readonly sentAtMs: EpochMs | null;
  readonly originalTimestampMs: EpochMs | null;
}

/** An event as stored in the log: normalised, attributed to a profile, numbered in arrival order. */
export interface StoredEvent extends NormalizedEvent {
  readonly workspaceId: WorkspaceId;
  readonly profileId: ProfileId;
  /** Arrival order in the workspace's log (assigned by the store, starts at 1). */
  readonly seq: number;
}

/**
 * Total order used to fold events into a profile: event time first, then messageId to break ties.
 * Arrival order never enters it, so out-of-order delivery produces the same profile.
 */
export function compareEventOrder(
  a: { readonly timestampMs: EpochMs; readonly messageId: string },
  b: { readonly timestampMs: EpochMs; readonly messageId: string },
): number {
  if (a.timestampMs !== b.timestampMs) return a.timestampMs - b.timestampMs;
  return a.messageId < b.messageId ? -1 : a.messageId > b.messageId ? 1 : 0;
}
