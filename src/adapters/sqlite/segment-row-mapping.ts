import type { SegmentDefinition } from '../../core/segments/segment-definition.js';
import { definitionFields } from '../../core/segments/segment-definition.js';
import type { ProfileId, WorkspaceId } from '../../core/shared/ids.js';
import type { JsonValue } from '../../core/shared/json.js';
import type { DailyMembershipCounts, Membership, MembershipChange, StoredModel, WebhookRecord } from '../../ports/segment-store.js';

/**
 * Row shapes <-> domain shapes for the segment tables (0003_segments.sql), as row-mapping.ts does
 * for the others. The hot reads (memberships, history) come back as row arrays (better-sqlite3
 * `raw` mode, which skips building a keyed object per row): `XRawRow` is the tuple a SELECT of
 * `X_COLUMNS` returns, in column order. JSON columns are parsed without validation: the adapter
 * wrote them itself from typed values.
 */

// ---------------------------------------------------------------- definitions

/** Parameters of `INSERT INTO segment_definitions (workspace_id, segment_key, definition)`. */
export function toSegmentDefinitionParams(workspace: WorkspaceId, definition: SegmentDefinition): [string, string, string] {
  const stored = definitionFields(definition);
  return [workspace, definition.key, JSON.stringify(stored)];
}

export function fromSegmentDefinitionJson(json: string): SegmentDefinition {
  return JSON.parse(json) as SegmentDefinition;
}

// ---------------------------------------------------------------- reasons

export function toReasonsJson(reasons: readonly string[]): string {
  return JSON.stringify(reasons);
}

/**
 * A reasons decoder for one read. Most members of a segment share the same few reason texts, so
 * a large read parses each distinct text once; the arrays are frozen because they are shared
 * between the memberships of that read (never with the database or another read).
 */
export function createReasonsDecoder(): (json: string) => readonly string[] {
  const seen = new Map<string, readonly string[]>();
  return (json) => {
    let reasons = seen.get(json);
    if (reasons === undefined) {
      reasons = Object.freeze(JSON.parse(json) as string[]);
      // Bounded: a read with mostly distinct reasons stops caching rather than growing a second copy.
      if (seen.size < 10_000) seen.set(json, reasons);
    }
    return reasons;
  };
}

// ---------------------------------------------------------------- memberships

/** Memberships are read one segment at a time, so the segment key is not a column of every row. */
export const MEMBER_COLUMNS = 'profile_id, entered_at_ms, reasons';

export type MemberRawRow = [profileId: string, enteredAtMs: number, reasons: string];

export function fromMemberRawRow(segmentKey: string, row: MemberRawRow, decodeReasons: (json: string) => readonly string[]): Membership {
  return { segmentKey, profileId: row[0] as ProfileId, enteredAtMs: row[1], reasons: decodeReasons(row[2]) };
}

// ---------------------------------------------------------------- history

export const CHANGE_COLUMNS = 'seq, segment_key, profile_id, kind, at_ms, reasons, segment_version';

export type ChangeRawRow = [
  seq: number,
  segmentKey: string,
  profileId: string,
  kind: string,
  atMs: number,
  reasons: string,
  segmentVersion: number,
];

/** Parameters of `INSERT INTO segment_changes (workspace_id, <CHANGE_COLUMNS>)`. */
export type ChangeInsertParams = [string, number, string, string, string, number, string, number];

function toChangeKind(value: string): MembershipChange['kind'] {
  if (value === 'enter' || value === 'exit') return value;
  throw new Error(`segment_changes table holds an unknown change kind "${value}"`);
}

export function fromChangeRawRow(row: ChangeRawRow, decodeReasons: (json: string) => readonly string[]): MembershipChange {
  return {
    seq: row[0],
    segmentKey: row[1],
    profileId: row[2] as ProfileId,
    kind: toChangeKind(row[3]),
    atMs: row[4],
    reasons: decodeReasons(row[5]),
    segmentVersion: row[6],
  };
}

/** `SELECT day, enters, exits` rows of dailyCounts. */
export type DailyCountsRawRow = [day: number, enters: number, exits: number];

export function fromDailyCountsRawRow(row: DailyCountsRawRow): DailyMembershipCounts {
  return { day: row[0], enters: row[1], exits: row[2] };
}

// ---------------------------------------------------------------- schedule

export type ScheduleRawRow = [profileId: string, dueAtMs: number];

export function fromScheduleRawRow(row: ScheduleRawRow): { readonly profileId: ProfileId; readonly dueAtMs: number } {
  return { profileId: row[0] as ProfileId, dueAtMs: row[1] };
}

// ---------------------------------------------------------------- webhooks

export interface WebhookRow {
  readonly webhook_id: string;
  readonly url: string;
  readonly secret: string;
  readonly segments: string;
  readonly delivered_seq: number;
  readonly failures: number;
  readonly next_attempt_at_ms: number | null;
  readonly last_error: string | null;
  readonly created_at_ms: number;
}

export const WEBHOOK_COLUMNS =
  'webhook_id, url, secret, segments, delivered_seq, failures, next_attempt_at_ms, last_error, created_at_ms';

/** Parameters of `INSERT INTO segment_webhooks (workspace_id, <WEBHOOK_COLUMNS>)`. */
export function toWebhookParams(
  workspace: WorkspaceId,
  webhook: WebhookRecord,
): [string, string, string, string, string, number, number, number | null, string | null, number] {
  return [
    workspace,
    webhook.id,
    webhook.url,
    webhook.secret,
    JSON.stringify(webhook.segments),
    webhook.deliveredSeq,
    webhook.failures,
    webhook.nextAttemptAtMs,
    webhook.lastError,
    webhook.createdAtMs,
  ];
}

export function fromWebhookRow(row: WebhookRow): WebhookRecord {
  return {
    id: row.webhook_id,
    url: row.url,
    secret: row.secret,
    segments: JSON.parse(row.segments) as string[],
    deliveredSeq: row.delivered_seq,
    failures: row.failures,
    nextAttemptAtMs: row.next_attempt_at_ms,
    lastError: row.last_error,
    createdAtMs: row.created_at_ms,
  };
}

// ---------------------------------------------------------------- models

export interface ModelRow {
  readonly kind: string;
  readonly model_id: string;
  readonly body: string;
  readonly updated_at_ms: number;
}

export const MODEL_COLUMNS = 'kind, model_id, body, updated_at_ms';

/** Parameters of `INSERT INTO segment_models (workspace_id, <MODEL_COLUMNS>)`. */
export function toModelParams(workspace: WorkspaceId, model: StoredModel): [string, string, string, string, number] {
  return [workspace, model.kind, model.id, JSON.stringify(model.body), model.updatedAtMs];
}

export function fromModelRow(row: ModelRow): StoredModel {
  return { kind: row.kind, id: row.model_id, body: JSON.parse(row.body) as JsonValue, updatedAtMs: row.updated_at_ms };
}
