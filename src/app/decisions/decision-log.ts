import type { DecisionRecord, StoredDecision } from '../../core/decisions/decision-record.js';
import { isJsonObject } from '../../core/shared/json.js';
import type { ProfileId, WorkspaceId } from '../../core/shared/ids.js';
import type { Logger } from '../../ports/logger.js';
import type { Storage } from '../../ports/storage.js';
import { MAX_FREQUENCY_CAP } from '../../core/decisions/offers/offer.js';

/** Decisions written per transaction. */
const FLUSH_BATCH = 2_000;
/** Profiles whose recent exposures are kept in memory (least recently used beyond). */
const CACHED_PROFILES = 50_000;
/**
 * Exposures kept per cached profile (the newest). Frequency caps are at most this (MAX_FREQUENCY_CAP),
 * so a full list answers every cap question: a count that reaches it has reached any cap.
 */
const CACHED_PER_PROFILE = MAX_FREQUENCY_CAP;

/** What caps, budgets and attribution need of a logged decision. */
export interface Exposure {
  readonly id: string;
  readonly atMs: number;
  readonly placement: string;
  readonly offerKey: string | null;
  /** `<experiment key>@<version>:<arm>` when the decision was made in an experiment arm. */
  readonly experimentArm: string | null;
}

interface CachedExposures {
  /** Newest first. */
  readonly list: Exposure[];
  /** The cache holds every exposure at or after this instant. */
  coveredSinceMs: number;
}

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
  /** Recent exposures per profile, so decide() counts caps without reading the store each time. */
  private readonly recent = new Map<string, CachedExposures>();

  constructor(deps: { readonly storage: Storage; readonly logger: Logger; readonly flushIntervalMs: number }) {
    this.storage = deps.storage;
    this.logger = deps.logger;
    this.timer = setInterval(() => void this.flush(), deps.flushIntervalMs);
    this.timer.unref();
  }

  append(workspace: WorkspaceId, record: DecisionRecord): void {
    this.buffer.push({ workspace, record });
    if (record.profileId !== null) {
      const cached = this.recent.get(`${workspace}\u0000${record.profileId}`);
      if (cached !== undefined) {
        cached.list.unshift(exposureOf(record));
        if (cached.list.length > CACHED_PER_PROFILE) {
          cached.list.length = CACHED_PER_PROFILE;
          cached.coveredSinceMs = (cached.list.at(-1) as Exposure).atMs;
        }
      }
    }
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

  /**
   * A profile's exposures since `sinceMs`, newest first: from memory when the profile's recent
   * exposures are cached back to then, else read once from the store (plus what is not written yet)
   * and cached.
   */
  async forProfile(workspace: WorkspaceId, profileId: ProfileId, sinceMs: number, limit = CACHED_PER_PROFILE): Promise<Exposure[]> {
    const key = `${workspace}\u0000${profileId}`;
    let cached = this.recent.get(key);
    // A full list is enough for any window: counts saturate at the cap limit (see CACHED_PER_PROFILE).
    if (cached === undefined || (sinceMs < cached.coveredSinceMs && cached.list.length < CACHED_PER_PROFILE)) {
      const pending: Exposure[] = [];
      for (const { workspace: w, record } of this.buffer) if (w === workspace && record.profileId === profileId && record.atMs >= sinceMs) pending.push(exposureOf(record));
      const stored = await this.storage.read.decisions.listForProfile(workspace, profileId, { sinceMs, limit: CACHED_PER_PROFILE });
      const seen = new Set(pending.map((d) => d.id));
      const list = [...pending.reverse(), ...stored.filter((d) => !seen.has(d.id)).map(exposureOf)].sort((a, b) => b.atMs - a.atMs).slice(0, CACHED_PER_PROFILE);
      cached = { list, coveredSinceMs: list.length === CACHED_PER_PROFILE ? (list.at(-1) as Exposure).atMs : sinceMs };
    }
    // Least recently used order: re-insert, and drop the oldest profile beyond the bound.
    this.recent.delete(key);
    this.recent.set(key, cached);
    if (this.recent.size > CACHED_PROFILES) this.recent.delete(this.recent.keys().next().value as string);
    const out: Exposure[] = [];
    for (const e of cached.list) {
      if (e.atMs < sinceMs || out.length >= limit) break;
      out.push(e);
    }
    return out;
  }

  /** A merge moved decisions to another profile: their cached exposures are read again when needed. */
  forget(workspace: WorkspaceId, profileId: ProfileId): void {
    this.recent.delete(`${workspace}\u0000${profileId}`);
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

function exposureOf(record: DecisionRecord): Exposure {
  const tag = record.context['experiment'];
  const experimentArm =
    isJsonObject(tag) && typeof tag['key'] === 'string' && typeof tag['version'] === 'number' && typeof tag['arm'] === 'string' ? `${tag['key']}@${tag['version']}:${tag['arm']}` : null;
  return { id: record.id, atMs: record.atMs, placement: record.placement, offerKey: record.offerKey, experimentArm };
}
