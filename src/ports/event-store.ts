import type { StoredEvent } from '../core/events/event.js';
import type { ProfileId, WorkspaceId } from '../core/shared/ids.js';
import type { EpochMs } from '../core/shared/time.js';

/** A position in a profile's timeline, newest first: pages continue strictly before it. */
export interface TimelineCursor {
  readonly timestampMs: EpochMs;
  readonly messageId: string;
}

export interface TimelinePage {
  readonly events: readonly StoredEvent[];
  /** Pass back to get the next (older) page; null when there is none. */
  readonly next: TimelineCursor | null;
}

/** The durable, deduplicated event log. Events are never updated except to re-attribute on merge. */
export interface EventStore {
  /** Which of these messageIds the workspace already holds (idempotent retries). */
  existingMessageIds(workspace: WorkspaceId, messageIds: readonly string[]): Promise<ReadonlySet<string>>;
  /**
   * Appends events in the given order. The store assigns `seq` (arrival order) and returns the
   * events as stored. Callers must have removed duplicates; a duplicate messageId is a bug and throws.
   */
  appendMany(
    workspace: WorkspaceId,
    events: readonly Omit<StoredEvent, 'seq' | 'workspaceId'>[],
  ): Promise<readonly StoredEvent[]>;
  /** All events of a profile in fold order (timestampMs, messageId): the input of a replay. */
  listForReplay(workspace: WorkspaceId, profileId: ProfileId): Promise<readonly StoredEvent[]>;
  /** A profile's timeline, newest first, `limit` at a time. */
  listTimeline(
    workspace: WorkspaceId,
    profileId: ProfileId,
    opts: { readonly limit: number; readonly before: TimelineCursor | null },
  ): Promise<TimelinePage>;
  /** Re-attributes every event of `from` to `to` (identity merge). Returns how many moved. */
  reassignProfile(workspace: WorkspaceId, from: ProfileId, to: ProfileId): Promise<number>;
  /**
   * Sets the profile of stored events, by seq (used by `rebuild`, which re-derives every event's
   * profile from a fresh identity graph).
   */
  setProfileIds(
    workspace: WorkspaceId,
    updates: readonly { readonly seq: number; readonly profileId: ProfileId }[],
  ): Promise<void>;
  /** The whole log in arrival order (seq > afterSeq), `limit` at a time: the input of `rebuild`. */
  scan(workspace: WorkspaceId, opts: { readonly afterSeq: number; readonly limit: number }): Promise<readonly StoredEvent[]>;
  count(workspace: WorkspaceId): Promise<number>;
}
