import { createHash } from 'node:crypto';
import { toIso } from '../../core/shared/time.js';
import type { MembershipChange } from '../../ports/segment-store.js';

/** One change as a webhook receives it. */
export interface WebhookChangePayload {
  readonly seq: number;
  readonly segment: string;
  readonly profileId: string;
  readonly kind: 'enter' | 'exit';
  /** ISO-8601 instant of the change. */
  readonly at: string;
  readonly reasons: readonly string[];
  readonly segmentVersion: number;
}

export interface WebhookPayload {
  readonly webhookId: string;
  readonly deliveryId: string;
  readonly changes: readonly WebhookChangePayload[];
}

/**
 * The id of one batch: derived from the webhook and the seq range, so every retry of the same batch
 * carries the same id and receivers can drop duplicates.
 */
export function deliveryIdOf(webhookId: string, firstSeq: number, lastSeq: number): string {
  return `dlv_${createHash('sha256').update(`${webhookId}:${firstSeq}:${lastSeq}`, 'utf8').digest('hex').slice(0, 32)}`;
}

export function toChangePayload(change: MembershipChange): WebhookChangePayload {
  return {
    seq: change.seq,
    segment: change.segmentKey,
    profileId: change.profileId,
    kind: change.kind,
    at: toIso(change.atMs),
    reasons: change.reasons,
    segmentVersion: change.segmentVersion,
  };
}

/** The JSON body of one delivery (the exact bytes that are signed). */
export function webhookBody(webhookId: string, deliveryId: string, changes: readonly MembershipChange[]): string {
  const payload: WebhookPayload = { webhookId, deliveryId, changes: changes.map(toChangePayload) };
  return JSON.stringify(payload);
}
