import { createHash } from 'node:crypto';

export interface BackoffPolicy {
  /** Delay after the first failure (ms); it doubles with each failure in a row. */
  readonly baseMs: number;
  /** The longest delay (ms). */
  readonly capMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1_000, capMs: 3_600_000 };

/** The share of a delay jitter may take off: delays fall in [75 %, 100 %] of the exponential step. */
const JITTER_SHARE = 0.25;

/**
 * How long to wait after `failures` failed attempts in a row (1 or more): base·2^(failures−1),
 * capped, then shortened by up to a quarter by `jitter` in [0, 1). The ranges of successive steps
 * do not overlap, so the delay always grows until the cap.
 */
export function backoffDelayMs(failures: number, jitter: number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  const step = Math.min(Math.max(failures, 1) - 1, 40);
  const exponential = Math.min(policy.capMs, policy.baseMs * 2 ** step);
  const unit = Math.min(Math.max(jitter, 0), 1);
  return Math.round(exponential * (1 - JITTER_SHARE * unit));
}

/**
 * A jitter in [0, 1) derived from the webhook and the failure count: webhooks failing together (a
 * receiver down) spread their retries, yet one webhook's schedule is reproducible.
 */
export function jitterFor(webhookId: string, failures: number): number {
  const digest = createHash('sha256').update(`${webhookId}:${failures}`, 'utf8').digest();
  return digest.readUInt32BE(0) / 2 ** 32;
}
