import type { NormalizedEvent } from '../../core/events/event.js';
import type { ProfileSpec } from '../../core/profiles/profile-spec.js';
import type { WorkspaceId } from '../../core/shared/ids.js';
import type { Logger } from '../../ports/logger.js';
import type { UnitOfWork } from '../../ports/storage.js';
import { AppError } from '../app-error.js';
import type { ProfileCache } from '../profiles/profile-cache.js';
import { applyEventBatch } from './apply-event-batch.js';

export interface IngestWriterDeps {
  readonly uow: UnitOfWork;
  readonly cache: ProfileCache;
  readonly logger: Logger;
  readonly specFor: (workspace: WorkspaceId) => Promise<ProfileSpec>;
  readonly config: { readonly maxQueuedEvents: number; readonly maxEventsPerCommit: number };
}

export interface IngestWriter {
  /**
   * Queues validated events and resolves once they are committed (durable) and applied to profiles,
   * with `isNew[i]` false for duplicates. Throws AppError ERR_INGEST_OVERLOADED when the queue is full.
   */
  submit(workspace: WorkspaceId, events: readonly NormalizedEvent[]): Promise<readonly boolean[]>;
  /** Runs `fn` with ingestion paused and drained (rebuild, computed-trait backfill). */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  /** Events waiting for a commit. */
  depth(): number;
  /** Refuses new events and resolves when every queued one is committed. */
  close(): Promise<void>;
}

interface Pending {
  readonly workspace: WorkspaceId;
  readonly events: readonly NormalizedEvent[];
  readonly resolve: (isNew: readonly boolean[]) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Group commit: requests that arrive while a transaction runs are written together in the next one,
 * so durability (one fsync-equivalent WAL commit per transaction) does not cost a commit per request.
 * The queue is bounded; past it callers get 503 with Retry-After instead of memory growing.
 */
export function createIngestWriter(deps: IngestWriterDeps): IngestWriter {
  const queue: Pending[] = [];
  let queuedEvents = 0;
  let running = false;
  let paused = 0;
  let closed = false;
  let idleWaiters: (() => void)[] = [];

  const notifyIdle = (): void => {
    if (running || (queue.length > 0 && paused === 0)) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const wake of waiters) wake();
  };

  const schedule = (): void => {
    if (running || paused > 0 || queue.length === 0) return;
    running = true;
    // setImmediate lets requests parsed in the same turn of the event loop join this commit.
    setImmediate(() => {
      void drain();
    });
  };

  const takeBatch = (): Pending[] => {
    const taken: Pending[] = [];
    let events = 0;
    while (queue.length > 0 && (taken.length === 0 || events + (queue[0]?.events.length ?? 0) <= deps.config.maxEventsPerCommit)) {
      const next = queue.shift();
      if (next === undefined) break;
      taken.push(next);
      events += next.events.length;
    }
    queuedEvents -= events;
    return taken;
  };

  const commit = async (batch: readonly Pending[]): Promise<void> => {
    const byWorkspace = new Map<WorkspaceId, Pending[]>();
    for (const item of batch) {
      const list = byWorkspace.get(item.workspace);
      if (list === undefined) byWorkspace.set(item.workspace, [item]);
      else list.push(item);
    }
    const specs = new Map<WorkspaceId, ProfileSpec>();
    for (const workspace of byWorkspace.keys()) specs.set(workspace, await deps.specFor(workspace));
    try {
      const results = await deps.uow.run('ingest', async (stores) => {
        const out = new Map<Pending, readonly boolean[]>();
        for (const [workspace, items] of byWorkspace) {
          const events = items.flatMap((item) => item.events);
          const spec = specs.get(workspace);
          if (spec === undefined) throw new Error('spec missing');
          const applied = await applyEventBatch(stores, workspace, { events, spec, cache: deps.cache });
          let offset = 0;
          for (const item of items) {
            out.set(item, applied.isNew.slice(offset, offset + item.events.length));
            offset += item.events.length;
          }
        }
        return out;
      });
      for (const item of batch) item.resolve(results.get(item) ?? []);
    } catch (error: unknown) {
      // The cache holds working copies mutated by the failed transaction: forget them.
      for (const workspace of byWorkspace.keys()) deps.cache.clearWorkspace(workspace);
      deps.logger.error('ingest commit failed', { events: batch.reduce((n, b) => n + b.events.length, 0) });
      for (const item of batch) item.reject(error);
    }
  };

  const drain = async (): Promise<void> => {
    try {
      while (queue.length > 0 && paused === 0) await commit(takeBatch());
    } finally {
      running = false;
      notifyIdle();
      schedule();
    }
  };

  const whenIdle = (): Promise<void> =>
    new Promise((resolve) => {
      idleWaiters.push(resolve);
      notifyIdle();
    });

  return {
    submit(workspace, events) {
      if (closed) throw new AppError('ERR_INGEST_CLOSED', 'The server is shutting down and accepts no new events', { retryAfterSeconds: 5 });
      if (events.length === 0) return Promise.resolve([]);
      if (queuedEvents + events.length > deps.config.maxQueuedEvents && queue.length > 0) {
        throw new AppError('ERR_INGEST_OVERLOADED', `The ingest queue is full (${queuedEvents} events waiting); retry shortly`, {
          retryAfterSeconds: 1,
        });
      }
      return new Promise<readonly boolean[]>((resolve, reject) => {
        queue.push({ workspace, events, resolve, reject });
        queuedEvents += events.length;
        schedule();
      });
    },
    async exclusive(fn) {
      paused++;
      try {
        if (running) await whenIdle();
        return await fn();
      } finally {
        paused--;
        schedule();
      }
    },
    depth: () => queuedEvents,
    async close() {
      closed = true;
      schedule();
      while (queue.length > 0 || running) await whenIdle();
    },
  };
}
