import type { ApiKeyId, ProfileId, WorkspaceId } from '../../core/shared/ids.js';
import type { IdentifierKind } from '../../core/identity/identity.js';
import type { IdentifierKey } from '../../ports/identity-store.js';

/**
 * The memory adapter's "database". Values are stored as JSON text (like the SQLite adapter's
 * JSON columns), so every read returns a fresh copy and a caller mutating an object it passed in
 * or got back can never change what is stored.
 */
export interface MemoryTables {
  /** Workspace JSON by id. */
  readonly workspaces: Map<WorkspaceId, string>;
  readonly keys: Map<ApiKeyId, KeyRecord>;
  /** secret_hash -> key id (unique, like the SQLite index). */
  readonly keyIdByHash: Map<string, ApiKeyId>;
  /** UserRecord JSON by username (dashboard users; usernames are global). */
  readonly users: Map<string, string>;
  /** SessionRecord JSON by id hash. */
  readonly sessions: Map<string, string>;
  readonly byWorkspace: Map<WorkspaceId, WorkspaceTables>;
}

export interface KeyRecord {
  readonly workspaceId: WorkspaceId;
  readonly secretHash: string;
  readonly createdAtMs: number;
  readonly json: string;
}

/** Everything scoped to one workspace: isolation is structural, there is no shared table to filter. */
export interface WorkspaceTables {
  /** Arrival order: events[i].seq === i + 1 (a rolled-back append pops its events, so no gaps). */
  readonly events: EventRecord[];
  readonly eventsByMessageId: Map<string, EventRecord>;
  readonly eventsByProfile: Map<ProfileId, Set<EventRecord>>;
  /** ProfileState JSON by profile id. */
  readonly profiles: Map<ProfileId, string>;
  readonly identities: Map<IdentifierKey, IdentityRecord>;
  /** Insertion order, which breaks ties between merges at the same instant. */
  readonly merges: MergeEntry[];
  readonly catalog: Map<string, CatalogEntry>;
  /** ComputedTraitDefinition JSON by name. */
  readonly computedTraits: Map<string, string>;
  /** Small per-workspace counters: 'profiles.appliedSeq', 'segments.lastSeq'. */
  readonly meta: Map<string, number>;
  /** SegmentDefinition JSON by key. */
  readonly segmentDefinitions: Map<string, string>;
  /** Current memberships: segment key -> profile id -> entry. An empty inner map is invisible. */
  readonly memberships: Map<string, Map<ProfileId, MembershipEntry>>;
  /**
   * The membership history in seq order. Seqs come from meta 'segments.lastSeq', which
   * deleteAllMemberships keeps, so they are increasing but start above 1 after a delete.
   */
  readonly membershipChanges: MembershipChangeRecord[];
  /** Re-evaluation due time by profile id. */
  readonly segmentSchedule: Map<ProfileId, number>;
  /** WebhookRecord JSON by id. */
  readonly webhooks: Map<string, string>;
  /** StoredModel JSON by kind, then id. An empty inner map is invisible. */
  readonly segmentModels: Map<string, Map<string, string>>;
  /** The decision log by decision id. */
  readonly decisions: Map<string, DecisionEntry>;
  /** Outcome JSON by decision id, then kind (at most one per kind). An empty inner map is invisible. */
  readonly decisionOutcomes: Map<string, Map<string, string>>;
}

/** One logged decision. Immutable: reassignProfile replaces the entry (so its undo restores the old one). */
export interface DecisionEntry {
  readonly profileId: ProfileId | null;
  readonly placement: string;
  readonly atMs: number;
  /** JSON of the DecisionRecord fields. */
  readonly json: string;
}

export interface MembershipEntry {
  readonly enteredAtMs: number;
  /** JSON array of strings. */
  readonly reasons: string;
}

export interface MembershipChangeRecord {
  readonly seq: number;
  readonly segmentKey: string;
  readonly profileId: ProfileId;
  readonly kind: 'enter' | 'exit';
  readonly atMs: number;
  /** JSON array of strings. */
  readonly reasons: string;
  readonly segmentVersion: number;
}

export interface EventRecord {
  readonly seq: number;
  readonly messageId: string;
  readonly timestampMs: number;
  /** The one mutable field: merges and rebuilds re-attribute events. */
  profileId: ProfileId;
  /** JSON of the NormalizedEvent fields. */
  readonly json: string;
}

export interface IdentityRecord {
  readonly kind: IdentifierKind;
  readonly value: string;
  readonly profileId: ProfileId;
  readonly firstSeenMs: number;
}

export interface MergeEntry {
  readonly survivorId: ProfileId;
  readonly atMs: number;
  readonly json: string;
}

export interface CatalogEntry {
  readonly category: string | null;
  readonly json: string;
}

export function createMemoryTables(): MemoryTables {
  return { workspaces: new Map(), keys: new Map(), keyIdByHash: new Map(), users: new Map(), sessions: new Map(), byWorkspace: new Map() };
}

/** The workspace's tables for reading; undefined when it never had data (reads return empty). */
export function peekWorkspace(tables: MemoryTables, workspace: WorkspaceId): WorkspaceTables | undefined {
  return tables.byWorkspace.get(workspace);
}

/** The workspace's tables for writing, created empty on first use (an empty entry is invisible). */
export function workspaceTables(tables: MemoryTables, workspace: WorkspaceId): WorkspaceTables {
  let found = tables.byWorkspace.get(workspace);
  if (found === undefined) {
    found = {
      events: [],
      eventsByMessageId: new Map(),
      eventsByProfile: new Map(),
      profiles: new Map(),
      identities: new Map(),
      merges: [],
      catalog: new Map(),
      computedTraits: new Map(),
      meta: new Map(),
      segmentDefinitions: new Map(),
      memberships: new Map(),
      membershipChanges: [],
      segmentSchedule: new Map(),
      webhooks: new Map(),
      segmentModels: new Map(),
      decisions: new Map(),
      decisionOutcomes: new Map(),
    };
    tables.byWorkspace.set(workspace, found);
  }
  return found;
}

/**
 * The undo log of one run: every mutation records how to reverse itself. Rolling back replays the
 * steps newest first. `mark`/`rollbackTo` give the savepoint each write method runs under, so a
 * batch that throws halfway leaves nothing behind (as the SQLite adapter's SAVEPOINT does).
 */
export class UndoLog {
  #steps: (() => void)[] = [];

  record(step: () => void): void {
    this.#steps.push(step);
  }

  mark(): number {
    return this.#steps.length;
  }

  rollbackTo(mark: number): void {
    for (let i = this.#steps.length - 1; i >= mark; i--) this.#steps[i]?.();
    this.#steps.length = mark;
  }

  rollback(): void {
    this.rollbackTo(0);
  }
}

/** Map#set with its undo recorded. Values are never undefined, so `undefined` means "was absent". */
export function setUndoable<K, V extends NonNullable<unknown>>(undo: UndoLog, map: Map<K, V>, key: K, value: V): void {
  const before = map.get(key);
  map.set(key, value);
  undo.record(
    before === undefined
      ? () => {
          map.delete(key);
        }
      : () => {
          map.set(key, before);
        },
  );
}

/** Map#delete with its undo recorded; true when the key was there. */
export function deleteUndoable<K, V extends NonNullable<unknown>>(undo: UndoLog, map: Map<K, V>, key: K): boolean {
  const before = map.get(key);
  if (before === undefined) return false;
  map.delete(key);
  undo.record(() => {
    map.set(key, before);
  });
  return true;
}

/** Map#clear with its undo recorded. */
export function clearUndoable<K, V>(undo: UndoLog, map: Map<K, V>): void {
  if (map.size === 0) return;
  const before = [...map];
  map.clear();
  undo.record(() => {
    map.clear();
    for (const [key, value] of before) map.set(key, value);
  });
}

/** The inner map of `outer` at `key`, created (with its undo recorded) when absent. */
export function innerMapUndoable<K, IK, IV>(undo: UndoLog, outer: Map<K, Map<IK, IV>>, key: K): Map<IK, IV> {
  let inner = outer.get(key);
  if (inner === undefined) {
    inner = new Map();
    setUndoable(undo, outer, key, inner);
  }
  return inner;
}

/** Array#push with its undo recorded (the undo pops: undo steps run newest first). */
export function pushUndoable<T>(undo: UndoLog, array: T[], value: T): void {
  array.push(value);
  undo.record(() => {
    array.pop();
  });
}

/** Empties an array in place, with its undo recorded. */
export function clearArrayUndoable<T>(undo: UndoLog, array: T[]): void {
  if (array.length === 0) return;
  const before = array.splice(0, array.length);
  undo.record(() => {
    array.length = 0;
    // A loop, not push(...before): spreading a large array overflows the argument stack.
    for (const value of before) array.push(value);
  });
}

/**
 * What every memory store is built from: the tables and two gates. `read` runs a synchronous read
 * when this view may read (the read view waits for the open run to end first); `write` runs a
 * synchronous mutation under a savepoint of the open run's undo log, and rejects on the read view.
 */
export interface MemoryStoreContext {
  readonly tables: MemoryTables;
  read<T>(method: string, fn: () => T): Promise<T>;
  write<T>(method: string, fn: (undo: UndoLog) => T): Promise<T>;
}

/** Page sizes are positive integers; anything else is a caller bug (same check as the SQLite adapter). */
export function checkLimit(method: string, limit: number): void {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`${method}: limit must be a positive integer, got ${limit}`);
}

/**
 * Instants are whole milliseconds. The SQLite adapter stores them in STRICT INTEGER columns, which
 * reject a fractional value; checking here keeps the two adapters failing alike.
 */
export function checkWholeMs(method: string, field: string, value: number | null): void {
  if (value !== null && !Number.isSafeInteger(value)) {
    throw new TypeError(`${method}: ${field} must be a whole number of milliseconds, got ${value}`);
  }
}
