import type { NormalizedEvent } from '../../core/events/event.js';
import type { ProfileSpec } from '../../core/profiles/profile-spec.js';
import type { ProfileId, WorkspaceId } from '../../core/shared/ids.js';
import type { Clock } from '../../ports/clock.js';
import type { Logger } from '../../ports/logger.js';
import type { Stores, UnitOfWork } from '../../ports/storage.js';
import { AppError } from '../app-error.js';
import type { ProfileCache } from '../profiles/profile-cache.js';
import type { AppliedBatch } from './apply-event-batch.js';
import { applyEventBatch } from './apply-event-batch.js';

export interface IngestWriterDeps {
  readonly uow: UnitOfWork;
  readonly clock: Clock;
  readonly cache: ProfileCache;
  readonly logger: Logger;
  readonly specFor: (workspace: WorkspaceId) => Promise<ProfileSpec>;
  /**
   * Inside each ingest transaction, after a workspace's events are applied (segment membership).
   * Returns what to run once the transaction has committed.
   */
  readonly afterBatch?: (stores: Stores, workspace: WorkspaceId, applied: AppliedBatch) => Promise<() => void>;
  /** Re-derives a workspace's stored profiles from the log (after a failed transaction). */
  readonly recover: (workspace: WorkspaceId) => Promise<void>;
  readonly config: {
    readonly maxQueuedEvents: number;
    readonly maxEventsPerCommit: number;
    /** Flush dirty profiles at least this often, in ms. */
    readonly flushIntervalMs: number;
    /** Flush as soon as this many profiles are dirty. */
    readonly maxDirtyProfiles: number;
    /** Profiles written per flush transaction: small enough to slip between ingest commits. */
    readonly flushChunkProfiles: number;
  };
}

export interface IngestWriter {
  /**
   * Queues validated events and resolves once they are committed (durable) and applied to profiles,
   * with `isNew[i]` false for duplicates. Throws AppError ERR_INGEST_OVERLOADED when the queue is full.
   */
  submit(workspace: WorkspaceId, events: readonly NormalizedEvent[]): Promise<readonly boolean[]>;
  /** Runs `fn` with ingestion paused and drained (rebuild, computed-trait backfill). */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  /** Writes every dirty profile and the applied-seq watermarks (inside `exclusive`, or when idle). */
  flushProfiles(): Promise<void>;
  /** Events waiting for a commit. */
  depth(): number;
  /** Refuses new events and resolves when every queued one is committed and every profile flushed. */
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
  /** Highest seq committed per workspace since start: the watermark a flush may record. */
  const lastSeq = new Map<WorkspaceId, number>();
  /** Workspaces whose working set was dropped after a failure and must be recovered first. */
  const needsRecovery = new Set<WorkspaceId>();
  let lastFlushMs = deps.clock.nowMs();

  const notifyIdle = (): void => {
    if (running || (queue.length > 0 && paused === 0)) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const wake of waiters) wake();
  };

  const schedule = (): void => {
    if (running || paused > 0 || (queue.length === 0 && cycle === null)) return;
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

  /**
   * A flush cycle: the dirty profiles and last committed seq of each workspace, snapshotted when the
   * cycle starts. Its profiles are written flushChunkProfiles per transaction, between ingest
   * commits (so a large flush never stalls ingestion); the watermark moves to the snapshot seq with
   * the last chunk. Profiles changed again meanwhile are written in their newer state, which still
   * includes every event up to the snapshot.
   */
  let cycle: { readonly pending: Map<WorkspaceId, { readonly seq: number | null; readonly ids: ProfileId[] }> } | null = null;

  const startCycle = (): void => {
    const pending = new Map<WorkspaceId, { seq: number | null; ids: ProfileId[] }>();
    for (const workspace of deps.cache.dirtyWorkspaces()) {
      pending.set(workspace, { seq: lastSeq.get(workspace) ?? null, ids: deps.cache.dirtyOf(workspace).map((s) => s.profileId) });
    }
    lastFlushMs = deps.clock.nowMs();
    cycle = pending.size > 0 ? { pending } : null;
  };

  /** Writes the next chunk of the current cycle; returns false when the cycle is done. */
  const flushChunk = async (): Promise<boolean> => {
    const current = cycle;
    if (current === null) return false;
    const entry = current.pending.entries().next();
    if (entry.done === true) {
      cycle = null;
      return false;
    }
    const [workspace, work] = entry.value;
    const ids = work.ids.splice(0, deps.config.flushChunkProfiles);
    const states = ids.map((id) => deps.cache.getDirty(workspace, id)).filter((s) => s !== undefined);
    const last = work.ids.length === 0;
    await deps.uow.run('profiles:flush', async (stores) => {
      if (states.length > 0) await stores.profiles.putMany(workspace, states);
      if (last && work.seq !== null) await stores.profiles.putAppliedSeq(workspace, work.seq);
    });
    deps.cache.markClean(workspace, states);
    if (last) current.pending.delete(workspace);
    if (current.pending.size === 0) cycle = null;
    return cycle !== null;
  };

  /** Everything dirty now, written completely (before lists, rebuilds, shutdown). */
  const flushProfiles = async (): Promise<void> => {
    startCycle();
    while (await flushChunk());
  };

  const recoverPending = async (): Promise<void> => {
    for (const workspace of [...needsRecovery]) {
      await deps.recover(workspace);
      needsRecovery.delete(workspace);
    }
  };

  const flushDue = (): boolean =>
    deps.cache.dirtySize >= deps.config.maxDirtyProfiles || (deps.cache.dirtySize > 0 && deps.clock.nowMs() - lastFlushMs >= deps.config.flushIntervalMs);

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
      // A workspace whose working set was dropped must be re-derived before new events apply to it.
      await recoverPending();
      const seqs = new Map<WorkspaceId, number>();
      const afterCommit: (() => void)[] = [];
      const results = await deps.uow.run('ingest', async (stores) => {
        const out = new Map<Pending, readonly boolean[]>();
        for (const [workspace, items] of byWorkspace) {
          const events = items.flatMap((item) => item.events);
          const spec = specs.get(workspace);
          if (spec === undefined) throw new Error('spec missing');
          const applied = await applyEventBatch(stores, workspace, { events, spec, cache: deps.cache });
          if (applied.lastSeq > 0) seqs.set(workspace, applied.lastSeq);
          if (deps.afterBatch !== undefined && applied.lastSeq > 0) afterCommit.push(await deps.afterBatch(stores, workspace, applied));
          let offset = 0;
          for (const item of items) {
            out.set(item, applied.isNew.slice(offset, offset + item.events.length));
            offset += item.events.length;
          }
        }
        return out;
      });
      for (const [workspace, seq] of seqs) lastSeq.set(workspace, seq);
      for (const done of afterCommit) done();
      for (const item of batch) item.resolve(results.get(item) ?? []);
    } catch (error: unknown) {
      // The working set holds copies mutated by the failed transaction, and unflushed changes of
      // earlier commits: forget it and re-derive the stored profiles from the log before going on.
      for (const workspace of byWorkspace.keys()) {
        deps.cache.clearWorkspace(workspace);
        // The cycle's snapshot promised states that are gone: its watermark must not be written.
        cycle?.pending.delete(workspace);
        needsRecovery.add(workspace);
      }
      deps.logger.error('ingest commit failed', { events: batch.reduce((n, b) => n + b.events.length, 0) });
      for (const item of batch) item.reject(error);
    }
  };

  const drain = async (): Promise<void> => {
    try {
      while (queue.length > 0 && paused === 0) {
        await commit(takeBatch());
        if (cycle === null && flushDue()) startCycle();
        if (cycle !== null) await flushChunk();
      }
      if (cycle === null && flushDue()) startCycle();
      // One chunk, then back to the event loop (schedule below), so requests keep arriving mid-flush.
      if (cycle !== null && queue.length === 0 && paused === 0) await flushChunk();
    } catch (error: unknown) {
      // A failed flush leaves the profiles dirty (nothing is lost: the log holds the events); retried later.
      deps.logger.error('profile flush failed', { dirty: deps.cache.dirtySize, message: error instanceof Error ? error.message : 'unknown' });
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

  // Time-based flushes while no events arrive (a quiet server still persists what it holds).
  const timer = setInterval(() => {
    if (!running && paused === 0 && queue.length === 0 && (cycle !== null || flushDue())) {
      running = true;
      void flushProfiles()
        .catch((error: unknown) => {
          deps.logger.error('profile flush failed', { dirty: deps.cache.dirtySize, message: error instanceof Error ? error.message : 'unknown' });
        })
        .finally(() => {
          running = false;
          notifyIdle();
          schedule();
        });
    }
  }, Math.max(50, Math.min(1000, deps.config.flushIntervalMs)));
  timer.unref();

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
    async flushProfiles() {
      await recoverPending();
      await flushProfiles();
    },
    async close() {
      closed = true;
      clearInterval(timer);
      schedule();
      while (queue.length > 0 || running) await whenIdle();
      paused++;
      try {
        await recoverPending();
        await flushProfiles();
      } finally {
        paused--;
      }
    },
  };
}
