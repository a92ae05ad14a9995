import type { SegmentDefinition } from '../core/segments/segment-definition.js';
import type { ProfileId, WorkspaceId } from '../core/shared/ids.js';
import type { JsonValue } from '../core/shared/json.js';
import type { EpochMs } from '../core/shared/time.js';

/** A profile's current membership of one segment. */
export interface Membership {
  readonly segmentKey: string;
  readonly profileId: ProfileId;
  readonly enteredAtMs: EpochMs;
  /** Why it entered, in plain words (SegmentMatch.reasons at that moment). */
  readonly reasons: readonly string[];
}

/** One enter or exit, as recorded in the membership history (also the webhook and SSE feed). */
export interface MembershipChange {
  /**
   * Assigned by the store, increasing per workspace: the position webhooks and streams resume from.
   * Never reused, also after deleteAllMemberships (a rolled-back transaction's seqs may be reused).
   */
  readonly seq: number;
  readonly segmentKey: string;
  readonly profileId: ProfileId;
  readonly kind: 'enter' | 'exit';
  readonly atMs: EpochMs;
  readonly reasons: readonly string[];
  /** The definition version that decided it. */
  readonly segmentVersion: number;
}

export type NewMembershipChange = Omit<MembershipChange, 'seq'>;

/** Enters and exits of one segment per UTC day (membership size over time is their running sum). */
export interface DailyMembershipCounts {
  /** UTC day number (see toEpochDay). */
  readonly day: number;
  readonly enters: number;
  readonly exits: number;
}

/** A webhook subscription: where membership changes are POSTed, signed with `secret`. */
export interface WebhookRecord {
  readonly id: string;
  readonly url: string;
  /** HMAC-SHA256 key for the signature header. Kept in clear: the sender must sign with it. */
  readonly secret: string;
  /** Segment keys it receives changes of; empty: every segment. */
  readonly segments: readonly string[];
  /** Highest change seq delivered (acknowledged with a 2xx); delivery resumes after it. */
  readonly deliveredSeq: number;
  /** Failed attempts in a row for the next batch (0 when the last attempt succeeded). */
  readonly failures: number;
  /** When the next attempt may run (backoff after failures); null: as soon as there is work. */
  readonly nextAttemptAtMs: EpochMs | null;
  readonly lastError: string | null;
  readonly createdAtMs: EpochMs;
}

/**
 * A workspace-level model kept as JSON (RFM boundaries, clusterings): small documents the engine
 * loads at start. `kind` separates families; `id` is unique within a kind.
 */
export interface StoredModel {
  readonly kind: string;
  readonly id: string;
  readonly body: JsonValue;
  readonly updatedAtMs: EpochMs;
}

/**
 * Segment definitions, current memberships, their history, re-evaluation schedule, webhooks and
 * segment models. Memberships and history are written in the same transaction as the events that
 * caused them, so a change is acknowledged, recorded and delivered exactly when its event is.
 */
export interface SegmentStore {
  /** Ordered by key. */
  listDefinitions(workspace: WorkspaceId): Promise<readonly SegmentDefinition[]>;
  getDefinition(workspace: WorkspaceId, key: string): Promise<SegmentDefinition | null>;
  /** Inserts or replaces by key. */
  putDefinition(workspace: WorkspaceId, definition: SegmentDefinition): Promise<void>;
  /** Deletes the definition and its current memberships (the history stays). */
  deleteDefinition(workspace: WorkspaceId, key: string): Promise<boolean>;

  /** Every current membership of the workspace (loaded into memory at start), by segment then profile. */
  listAllMemberships(workspace: WorkspaceId): Promise<readonly Membership[]>;
  /** One segment's members ordered by profile id, strictly after `afterProfileId` (export). */
  listMembers(
    workspace: WorkspaceId,
    segmentKey: string,
    opts: { readonly afterProfileId: ProfileId | null; readonly limit: number },
  ): Promise<readonly Membership[]>;
  /**
   * Records changes in order: an enter inserts (or replaces) the membership, an exit deletes it;
   * every change is appended to the history with the next seq. Returns them with their seqs.
   */
  applyChanges(workspace: WorkspaceId, changes: readonly NewMembershipChange[]): Promise<readonly MembershipChange[]>;
  /**
   * History after `afterSeq` in seq order, optionally of some segments only (an empty or absent
   * `segmentKeys` means every segment, as in WebhookRecord.segments) and of one profile only.
   */
  listChanges(
    workspace: WorkspaceId,
    opts: { readonly afterSeq: number; readonly limit: number; readonly segmentKeys?: readonly string[]; readonly profileId?: ProfileId },
  ): Promise<readonly MembershipChange[]>;
  /** Highest seq assigned (0 when none); it does not go back when deleteAllMemberships empties the history. */
  lastChangeSeq(workspace: WorkspaceId): Promise<number>;
  /** Days with at least one change of the segment in its history, in day order. */
  dailyCounts(workspace: WorkspaceId, segmentKey: string): Promise<readonly DailyMembershipCounts[]>;
  /**
   * Removes every membership and the history of the workspace (before a rebuild re-derives them).
   * The schedule, webhooks and seq numbering stay.
   */
  deleteAllMemberships(workspace: WorkspaceId): Promise<void>;

  /** When each profile must be re-evaluated with no new event (time windows); null removes it. */
  putSchedule(workspace: WorkspaceId, entries: readonly { readonly profileId: ProfileId; readonly dueAtMs: EpochMs | null }[]): Promise<void>;
  /** Ordered by due time, then profile id. */
  listSchedule(workspace: WorkspaceId): Promise<readonly { readonly profileId: ProfileId; readonly dueAtMs: EpochMs }[]>;

  /** Ordered by creation time, then id. */
  listWebhooks(workspace: WorkspaceId): Promise<readonly WebhookRecord[]>;
  /** Inserts or replaces by id. */
  putWebhook(workspace: WorkspaceId, webhook: WebhookRecord): Promise<void>;
  deleteWebhook(workspace: WorkspaceId, id: string): Promise<boolean>;

  /** One kind's models, ordered by id. */
  listModels(workspace: WorkspaceId, kind: string): Promise<readonly StoredModel[]>;
  getModel(workspace: WorkspaceId, kind: string, id: string): Promise<StoredModel | null>;
  /** Inserts or replaces by (kind, id). */
  putModel(workspace: WorkspaceId, model: StoredModel): Promise<void>;
  deleteModel(workspace: WorkspaceId, kind: string, id: string): Promise<boolean>;
}
