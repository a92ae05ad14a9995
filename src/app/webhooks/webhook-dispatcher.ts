import type { WorkspaceId } from '../../core/shared/ids.js';
import type { EpochMs } from '../../core/shared/time.js';
import type { Clock } from '../../ports/clock.js';
import type { Logger } from '../../ports/logger.js';
import type { MembershipChange, WebhookRecord } from '../../ports/segment-store.js';
import type { Storage } from '../../ports/storage.js';
import type { WebhookResponse, WebhookSender } from '../../ports/webhook-sender.js';
import type { BackoffPolicy } from './backoff.js';
import { DEFAULT_BACKOFF, backoffDelayMs, jitterFor } from './backoff.js';
import { signWebhook } from './sign-webhook.js';
import { deliveryIdOf, webhookBody } from './webhook-payload.js';

export interface WebhookDispatcherConfig {
  /** Most changes in one delivery. */
  readonly batchSize: number;
  /** How often every workspace is checked for due retries and changes no notification announced (ms). */
  readonly pollIntervalMs: number;
  readonly backoff: BackoffPolicy;
}

export const DEFAULT_WEBHOOK_DISPATCHER_CONFIG: WebhookDispatcherConfig = { batchSize: 100, pollIntervalMs: 1_000, backoff: DEFAULT_BACKOFF };

export interface WebhookDispatcherDeps {
  readonly storage: Storage;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly sender: WebhookSender;
  /** The workspaces to serve (checked at every poll: workspaces created later are picked up). */
  readonly workspaceIds: () => readonly WorkspaceId[];
  /** Change notifications after each commit (the segment engine's subscribe). */
  readonly subscribe: (workspace: WorkspaceId, listener: (changes: readonly MembershipChange[]) => void) => () => void;
  readonly config?: Partial<WebhookDispatcherConfig>;
}

/** What one attempt did: sent and acknowledged (or skipped past filtered changes), failed, or found nothing to send. */
type AttemptOutcome = 'advanced' | 'failed' | 'idle';

/** The batch a failed attempt sent: its retry resends exactly these changes, under the same delivery id. */
interface PinnedBatch {
  readonly afterSeq: number;
  readonly lastSeq: number;
  readonly upToSeq: number;
}

const MAX_ERROR_LENGTH = 200;
const USER_AGENT = 'Attune-Webhooks/1';

const keyOf = (workspace: WorkspaceId, webhookId: string): string => `${workspace}\u0000${webhookId}`;
const messageOf = (error: unknown): string => (error instanceof Error ? error.message : 'unknown');

/**
 * Delivers membership changes to webhooks. The cursor is the stored `deliveredSeq`: changes after
 * it are sent in seq order, in batches of the webhook's segments, and the cursor moves past a batch
 * only once the receiver acknowledged it with a 2xx, so a restart resumes where delivery stopped
 * (at-least-once). Failures back off exponentially (the schedule is stored too). One delivery per
 * webhook is in flight at a time. It wakes on the engine's change notifications, on retry timers,
 * and on a poll. Logs carry webhook ids, counts and statuses, never a profile id or a body.
 */
export class WebhookDispatcher {
  private readonly deps: WebhookDispatcherDeps;
  private readonly config: WebhookDispatcherConfig;
  private readonly subscriptions = new Map<WorkspaceId, () => void>();
  private readonly scans = new Map<WorkspaceId, Promise<void>>();
  private readonly scanAgain = new Set<WorkspaceId>();
  private readonly flights = new Map<string, Promise<void>>();
  /** Webhooks in flight that were woken meanwhile: their flight checks for work once more before ending. */
  private readonly flightAgain = new Set<string>();
  private readonly wakeTimers = new Map<string, { readonly atMs: EpochMs; readonly timer: ReturnType<typeof setTimeout> }>();
  private readonly pinned = new Map<string, PinnedBatch>();
  private poll: ReturnType<typeof setInterval> | null = null;
  private closing = false;

  constructor(deps: WebhookDispatcherDeps) {
    this.deps = deps;
    this.config = { ...DEFAULT_WEBHOOK_DISPATCHER_CONFIG, ...deps.config };
  }

  /** Subscribes to every workspace and delivers what is pending (changes after each stored cursor). */
  start(): void {
    if (this.poll !== null || this.closing) return;
    this.poll = setInterval(() => this.tick(), this.config.pollIntervalMs);
    this.poll.unref();
    this.tick();
  }

  /** Something changed for the workspace (a webhook was created, say): deliver what is due now. */
  wake(workspace: WorkspaceId): void {
    this.watch(workspace);
    this.scan(workspace);
  }

  /** Stops waking up and waits for the deliveries in flight (their outcome is stored). */
  async close(): Promise<void> {
    this.closing = true;
    if (this.poll !== null) clearInterval(this.poll);
    this.poll = null;
    for (const { timer } of this.wakeTimers.values()) clearTimeout(timer);
    this.wakeTimers.clear();
    for (const unsubscribe of this.subscriptions.values()) unsubscribe();
    this.subscriptions.clear();
    while (this.scans.size > 0 || this.flights.size > 0) {
      await Promise.allSettled([...this.scans.values(), ...this.flights.values()]);
    }
  }

  private tick(): void {
    for (const workspace of this.deps.workspaceIds()) this.wake(workspace);
  }

  private watch(workspace: WorkspaceId): void {
    if (this.closing || this.subscriptions.has(workspace)) return;
    this.subscriptions.set(
      workspace,
      this.deps.subscribe(workspace, () => this.scan(workspace)),
    );
  }

  /** Starts a flight for every webhook of the workspace that has work and is due (one scan at a time). */
  private scan(workspace: WorkspaceId): void {
    if (this.closing) return;
    if (this.scans.has(workspace)) {
      this.scanAgain.add(workspace);
      return;
    }
    const run = this.scanOnce(workspace)
      .catch((error: unknown) => this.deps.logger.error('webhook scan failed', { workspace, message: messageOf(error) }))
      .finally(() => {
        this.scans.delete(workspace);
        if (this.scanAgain.delete(workspace)) this.scan(workspace);
      });
    this.scans.set(workspace, run);
  }

  private async scanOnce(workspace: WorkspaceId): Promise<void> {
    const read = this.deps.storage.read.segments;
    const webhooks = await read.listWebhooks(workspace);
    if (webhooks.length === 0) return;
    const headSeq = await read.lastChangeSeq(workspace);
    const nowMs = this.deps.clock.nowMs();
    for (const webhook of webhooks) {
      const key = keyOf(workspace, webhook.id);
      if (this.flights.has(key)) {
        this.flightAgain.add(key);
        continue;
      }
      if (webhook.deliveredSeq >= headSeq) continue;
      if (webhook.nextAttemptAtMs !== null && webhook.nextAttemptAtMs > nowMs) {
        this.wakeAt(workspace, webhook.id, webhook.nextAttemptAtMs);
        continue;
      }
      this.fly(workspace, webhook.id);
    }
  }

  private fly(workspace: WorkspaceId, webhookId: string): void {
    if (this.closing) return;
    const key = keyOf(workspace, webhookId);
    const run = this.flight(workspace, webhookId, key)
      .catch((error: unknown) => this.deps.logger.error('webhook delivery crashed', { workspace, webhook: webhookId, message: messageOf(error) }))
      .finally(() => {
        this.flights.delete(key);
      });
    this.flights.set(key, run);
  }

  /** Delivers batch after batch until the webhook is caught up, fails, or the dispatcher closes. */
  private async flight(workspace: WorkspaceId, webhookId: string, key: string): Promise<void> {
    for (;;) {
      if (this.closing) return;
      this.flightAgain.delete(key);
      // Always the stored record: the cursor another flight (or the API) wrote is the truth.
      const webhook = (await this.deps.storage.read.segments.listWebhooks(workspace)).find((w) => w.id === webhookId);
      if (webhook === undefined) {
        this.pinned.delete(key);
        return;
      }
      if (webhook.nextAttemptAtMs !== null && webhook.nextAttemptAtMs > this.deps.clock.nowMs()) {
        this.wakeAt(workspace, webhookId, webhook.nextAttemptAtMs);
        return;
      }
      const outcome = await this.attempt(workspace, webhook, key);
      if (outcome === 'failed') return;
      if (outcome === 'idle' && !this.flightAgain.has(key)) return;
    }
  }

  private async attempt(workspace: WorkspaceId, webhook: WebhookRecord, key: string): Promise<AttemptOutcome> {
    const read = this.deps.storage.read.segments;
    const headSeq = await read.lastChangeSeq(workspace);
    if (headSeq <= webhook.deliveredSeq) return 'idle';
    const { batchSize } = this.config;
    const listed = await read.listChanges(workspace, {
      afterSeq: webhook.deliveredSeq,
      limit: batchSize,
      ...(webhook.segments.length > 0 ? { segmentKeys: webhook.segments } : {}),
    });
    let pin = this.pinned.get(key);
    if (pin !== undefined && pin.afterSeq !== webhook.deliveredSeq) {
      this.pinned.delete(key);
      pin = undefined;
    }
    let batch: readonly MembershipChange[];
    let upToSeq: number;
    if (pin !== undefined) {
      const lastSeq = pin.lastSeq;
      batch = listed.filter((c) => c.seq <= lastSeq);
      upToSeq = pin.upToSeq;
    } else {
      batch = listed;
      const last = listed[listed.length - 1];
      // A full page ends at its last change; a shorter one holds every matching change up to headSeq
      // (read before the page), so the cursor may also skip the other segments' changes up to there.
      upToSeq = listed.length === batchSize && last !== undefined ? last.seq : Math.max(headSeq, last?.seq ?? 0);
    }
    const first = batch[0];
    const last = batch[batch.length - 1];
    if (first === undefined || last === undefined) {
      // Nothing of this webhook's segments: move the cursor past the others' changes.
      this.pinned.delete(key);
      await this.update(workspace, webhook.id, (current) => ({ ...current, deliveredSeq: Math.max(current.deliveredSeq, upToSeq), failures: 0, nextAttemptAtMs: null }));
      return 'advanced';
    }

    const deliveryId = deliveryIdOf(webhook.id, first.seq, last.seq);
    const body = webhookBody(webhook.id, deliveryId, batch);
    const headers = {
      'content-type': 'application/json',
      'user-agent': USER_AGENT,
      'attune-webhook-id': webhook.id,
      'attune-delivery-id': deliveryId,
      'attune-signature': signWebhook({ secret: webhook.secret, body, timestampSeconds: Math.floor(this.deps.clock.nowMs() / 1000) }),
    };
    this.pinned.set(key, { afterSeq: webhook.deliveredSeq, lastSeq: last.seq, upToSeq });
    let response: WebhookResponse;
    try {
      response = await this.deps.sender.send({ url: webhook.url, body, headers });
    } catch (error: unknown) {
      // A sender should answer { error }; one that throws counts as a failed attempt all the same.
      this.deps.logger.error('webhook sender threw', { workspace, webhook: webhook.id, message: messageOf(error) });
      response = { error: 'sender failed' };
    }
    const fields = { workspace, webhook: webhook.id, changes: batch.length };

    if ('status' in response && response.status >= 200 && response.status < 300) {
      this.pinned.delete(key);
      await this.update(workspace, webhook.id, (current) => ({
        ...current,
        deliveredSeq: Math.max(current.deliveredSeq, upToSeq),
        failures: 0,
        nextAttemptAtMs: null,
        lastError: null,
      }));
      this.deps.logger.info('webhook delivered', { ...fields, status: response.status });
      return 'advanced';
    }

    const lastError = 'status' in response ? `HTTP ${response.status}` : response.error.slice(0, MAX_ERROR_LENGTH);
    const saved = await this.update(workspace, webhook.id, (current) => {
      const failures = current.failures + 1;
      const delayMs = backoffDelayMs(failures, jitterFor(current.id, failures), this.config.backoff);
      return { ...current, failures, nextAttemptAtMs: this.deps.clock.nowMs() + delayMs, lastError };
    });
    if (saved !== null && saved.nextAttemptAtMs !== null) {
      this.deps.logger.warn('webhook delivery failed', {
        ...fields,
        error: lastError,
        failures: saved.failures,
        retryInMs: Math.max(0, saved.nextAttemptAtMs - this.deps.clock.nowMs()),
      });
      this.wakeAt(workspace, webhook.id, saved.nextAttemptAtMs);
    }
    return 'failed';
  }

  /**
   * Rewrites the stored webhook in one transaction, from its current version there; a webhook
   * deleted meanwhile stays deleted. Returns what was written (null when it is gone).
   */
  private update(workspace: WorkspaceId, webhookId: string, change: (current: WebhookRecord) => WebhookRecord): Promise<WebhookRecord | null> {
    return this.deps.storage.uow.run('webhooks:delivery', async (stores) => {
      const current = (await stores.segments.listWebhooks(workspace)).find((w) => w.id === webhookId);
      if (current === undefined) return null;
      const next = change(current);
      await stores.segments.putWebhook(workspace, next);
      return next;
    });
  }

  /** Wakes the workspace when a retry is due (the earliest wins; the poll is the safety net). */
  private wakeAt(workspace: WorkspaceId, webhookId: string, atMs: EpochMs): void {
    if (this.closing) return;
    const key = keyOf(workspace, webhookId);
    const existing = this.wakeTimers.get(key);
    if (existing !== undefined) {
      if (existing.atMs <= atMs && existing.atMs > this.deps.clock.nowMs()) return;
      clearTimeout(existing.timer);
    }
    const timer = setTimeout(
      () => {
        this.wakeTimers.delete(key);
        this.scan(workspace);
      },
      Math.max(0, atMs - this.deps.clock.nowMs()) + 5,
    );
    timer.unref();
    this.wakeTimers.set(key, { atMs, timer });
  }
}
