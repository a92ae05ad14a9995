import type { DecisionRecord, StoredDecision } from '../../core/decisions/decision-record.js';
import type { ProfileId, WorkspaceId } from '../../core/shared/ids.js';
import type { Logger } from '../../ports/logger.js';
import type { Storage } from '../../ports/storage.js';

/** Decisions written per transaction. */
const FLUSH_BATCH = 2_000;

/**
 * The exposure log, written behind the answers: decide() appends to memory and returns; a timer
 * writes the buffer in one transaction every `flushIntervalMs` (and on close). A decision's id is
 * in the answer before its row is stored, so reads (caps, attribution, GET /v1/decisions/{id})
 * look at the buffer first. A crash loses at most the last interval's exposure rows, never an
 * event: outcomes arrive as events and are attributed again from the log.
 */
export class DecisionLog {
  private readonly storage: Storage;
  private readonly logger: Logger;
  private buffer: { workspace: WorkspaceId; record: DecisionRecord }[] = [];
  private readonly timer: ReturnType<typeof setInterval>;
  private flushing: Promise<void> = Promise.resolve();

  constructor(deps: { readonly storage: Storage; readonly logger: Logger; readonly flushIntervalMs: number }) {
    this.storage = deps.storage;
    this.logger = deps.logger;
    this.timer = setInterval(() => void this.flush(), deps.flushIntervalMs);
    this.timer.unref();
  }

  append(workspace: WorkspaceId, record: DecisionRecord): void {
    this.buffer.push({ workspace, record });
    if (this.buffer.length >= FLUSH_BATCH) void this.flush();
  }

  /** A decision by id: the unwritten buffer first, then the store. */
  async get(workspace: WorkspaceId, id: string): Promise<StoredDecision | null> {
    for (let t = this.buffer.length - 1; t >= 0; t--) {
      const entry = this.buffer[t] as { workspace: WorkspaceId; record: DecisionRecord };
      if (entry.workspace === workspace && entry.record.id === id) return { ...entry.record, outcomes: [] };
    }
    return this.storage.read.decisions.get(workspace, id);
  }

  /** A profile's decisions since `sinceMs`, newest first: stored ones and those not yet written. */
  async forProfile(workspace: WorkspaceId, profileId: ProfileId, sinceMs: number, limit = 500): Promise<StoredDecision[]> {
    const pending: StoredDecision[] = [];
    for (const { workspace: w, record } of this.buffer) if (w === workspace && record.profileId === profileId && record.atMs >= sinceMs) pending.push({ ...record, outcomes: [] });
    const stored = await this.storage.read.decisions.listForProfile(workspace, profileId, { sinceMs, limit });
    const seen = new Set(pending.map((d) => d.id));
    return [...pending.reverse(), ...stored.filter((d) => !seen.has(d.id))].slice(0, limit);
  }

  /** Writes what is buffered (one flush at a time; a failed write keeps the rows for the next). */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      while (this.buffer.length > 0) {
        const batch = this.buffer.slice(0, FLUSH_BATCH);
        const byWorkspace = new Map<WorkspaceId, DecisionRecord[]>();
        for (const { workspace, record } of batch) {
          const list = byWorkspace.get(workspace) ?? [];
          list.push(record);
          byWorkspace.set(workspace, list);
        }
        try {
          await this.storage.uow.run('decisions:append', async (stores) => {
            for (const [workspace, records] of byWorkspace) await stores.decisions.appendMany(workspace, records);
          });
        } catch (error) {
          this.logger.error('decision log write failed; retrying with the next flush', { error: String(error), buffered: this.buffer.length });
          return;
        }
        this.buffer = this.buffer.slice(batch.length);
      }
    });
    return this.flushing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
