import type { SegmentDefinition } from '../../core/segments/segment-definition.js';
import { definitionFields } from '../../core/segments/segment-definition.js';
import type { Membership, MembershipChange, StoredModel, WebhookRecord } from '../../ports/segment-store.js';
import type { MembershipChangeRecord, MembershipEntry } from './store-context.js';

/**
 * Segment values <-> what the memory tables hold (JSON text, as in row-mapping.ts), field by field
 * as the SQLite adapter's columns are, so both adapters store and return exactly the same.
 */

export function toSegmentDefinitionJson(definition: SegmentDefinition): string {
  const stored = definitionFields(definition);
  return JSON.stringify(stored);
}
export const fromSegmentDefinitionJson = (json: string): SegmentDefinition => JSON.parse(json) as SegmentDefinition;

export const toReasonsJson = (reasons: readonly string[]): string => JSON.stringify(reasons);

export function fromMembershipEntry(segmentKey: string, profileId: Membership['profileId'], entry: MembershipEntry): Membership {
  return { segmentKey, profileId, enteredAtMs: entry.enteredAtMs, reasons: JSON.parse(entry.reasons) as string[] };
}

export function fromMembershipChangeRecord(record: MembershipChangeRecord): MembershipChange {
  return {
    seq: record.seq,
    segmentKey: record.segmentKey,
    profileId: record.profileId,
    kind: record.kind,
    atMs: record.atMs,
    reasons: JSON.parse(record.reasons) as string[],
    segmentVersion: record.segmentVersion,
  };
}

export function toWebhookJson(webhook: WebhookRecord): string {
  const stored: WebhookRecord = {
    id: webhook.id,
    url: webhook.url,
    secret: webhook.secret,
    segments: webhook.segments,
    deliveredSeq: webhook.deliveredSeq,
    failures: webhook.failures,
    nextAttemptAtMs: webhook.nextAttemptAtMs,
    lastError: webhook.lastError,
    createdAtMs: webhook.createdAtMs,
  };
  return JSON.stringify(stored);
}
export const fromWebhookJson = (json: string): WebhookRecord => JSON.parse(json) as WebhookRecord;

export function toModelJson(model: StoredModel): string {
  const stored: StoredModel = { kind: model.kind, id: model.id, body: model.body, updatedAtMs: model.updatedAtMs };
  return JSON.stringify(stored);
}
export const fromModelJson = (json: string): StoredModel => JSON.parse(json) as StoredModel;
