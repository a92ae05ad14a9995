import Database from 'better-sqlite3';
import type { StoredEvent } from '../../core/events/event.js';
import { compareEventOrder } from '../../core/events/event.js';
import type { ProfileId, WorkspaceId } from '../../core/shared/ids.js';
import type { EventStore, TimelineCursor, TimelinePage } from '../../ports/event-store.js';
import type { EventInsertParams, EventRow } from './row-mapping.js';
import { EVENT_COLUMNS, fromEventRow, toEventInsertParams } from './row-mapping.js';
import type { SqliteStoreContext } from './store-context.js';
import { checkLimit, selectInChunks } from './store-context.js';

const SQL = {
  maxSeq: 'SELECT MAX(seq) FROM events WHERE workspace_id = ?',
  insert:
    'INSERT INTO events (workspace_id, seq, message_id, profile_id, type, event, ts_ms, received_ms, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  existing: 'SELECT message_id FROM events WHERE workspace_id = ? AND message_id IN (:keys)',
  replay: `SELECT ${EVENT_COLUMNS} FROM events WHERE workspace_id = ? AND profile_id = ? ORDER BY ts_ms, message_id`,
  timelineFirst: `SELECT ${EVENT_COLUMNS} FROM events WHERE workspace_id = ? AND profile_id = ?
    ORDER BY ts_ms DESC, message_id DESC LIMIT ?`,
  // Row-value comparison: SQLite turns it into a range on events_by_profile.
  timelineBefore: `SELECT ${EVENT_COLUMNS} FROM events WHERE workspace_id = ? AND profile_id = ? AND (ts_ms, message_id) < (?, ?)
    ORDER BY ts_ms DESC, message_id DESC LIMIT ?`,
  reassign: 'UPDATE events SET profile_id = ? WHERE workspace_id = ? AND profile_id = ?',
  setProfileId: 'UPDATE events SET profile_id = ? WHERE workspace_id = ? AND seq = ?',
  scan: `SELECT ${EVENT_COLUMNS} FROM events WHERE workspace_id = ? AND seq > ? ORDER BY seq LIMIT ?`,
  count: 'SELECT COUNT(*) FROM events WHERE workspace_id = ?',
} as const;

export function createSqliteEventStore(ctx: SqliteStoreContext): EventStore {
  const { statements } = ctx;

  // better-sqlite3 nests db.transaction() inside the open BEGIN IMMEDIATE as a SAVEPOINT, so a
  // batch that fails halfway (duplicate messageId, unknown seq) leaves nothing behind.
  const insertAll = ctx.db.transaction((rows: readonly EventInsertParams[]) => {
    const insert = statements.write<EventInsertParams>(SQL.insert);
    for (const row of rows) {
      try {
        insert.run(...row);
      } catch (error: unknown) {
        if (error instanceof Database.SqliteError && error.code === 'SQLITE_CONSTRAINT_UNIQUE' && error.message.includes('message_id')) {
          throw new Error(
            `events.appendMany: messageId "${row[2]}" is already stored in workspace ${row[0]}; callers must drop duplicates first (existingMessageIds)`,
            { cause: error },
          );
        }
        throw error;
      }
    }
  });

  const setAll = ctx.db.transaction(
    (workspace: WorkspaceId, updates: readonly { readonly seq: number; readonly profileId: ProfileId }[]) => {
      const update = statements.write<[string, string, number]>(SQL.setProfileId);
      for (const { seq, profileId } of updates) {
        if (update.run(profileId, workspace, seq).changes === 0) {
          throw new Error(`events.setProfileIds: workspace ${workspace} has no event with seq ${seq}`);
        }
      }
    },
  );

  const toEvents = (workspace: WorkspaceId, rows: readonly EventRow[]): StoredEvent[] =>
    rows.map((row) => fromEventRow(workspace, row));

  return {
    async existingMessageIds(workspace, messageIds) {
      ctx.checkRead('events.existingMessageIds');
      const found = selectInChunks<string>(ctx, { sql: SQL.existing, params: [workspace], keys: messageIds, pluck: true });
      return new Set(found);
    },

    async appendMany(workspace, events) {
      ctx.checkWrite('events.appendMany');
      if (events.length === 0) return [];
      // Seq comes from the log itself (an index lookup), so it survives restarts and rollbacks
      // without a counter to keep in sync.
      const last = statements.pluck<[string], number | null>(SQL.maxSeq).get(workspace) ?? null;
      let seq = last ?? 0;
      const rows: EventInsertParams[] = [];
      const stored: StoredEvent[] = [];
      for (const event of events) {
        seq += 1;
        rows.push(toEventInsertParams(workspace, seq, event));
        stored.push({ ...event, workspaceId: workspace, seq });
      }
      insertAll(rows);
      return stored;
    },

    async listForReplay(workspace, profileId) {
      ctx.checkRead('events.listForReplay');
      const rows = statements.rows<[string, string], EventRow>(SQL.replay).all(workspace, profileId);
      // SQLite orders message_id by UTF-8 bytes, JS by UTF-16 code units; they differ only for ids
      // mixing astral characters with U+E000..U+FFFF. Re-sorting (a no-op pass on sorted input)
      // makes the fold order exactly the core's compareEventOrder.
      return toEvents(workspace, rows).sort(compareEventOrder);
    },

    async listTimeline(workspace, profileId, opts): Promise<TimelinePage> {
      ctx.checkRead('events.listTimeline');
      checkLimit('events.listTimeline', opts.limit);
      // One extra row tells whether an older page exists without a second query.
      const rows =
        opts.before === null
          ? statements.rows<[string, string, number], EventRow>(SQL.timelineFirst).all(workspace, profileId, opts.limit + 1)
          : statements
              .rows<[string, string, number, string, number], EventRow>(SQL.timelineBefore)
              .all(workspace, profileId, opts.before.timestampMs, opts.before.messageId, opts.limit + 1);
      const page = toEvents(workspace, rows.slice(0, opts.limit));
      const oldest = page[page.length - 1];
      const next: TimelineCursor | null =
        rows.length > opts.limit && oldest !== undefined ? { timestampMs: oldest.timestampMs, messageId: oldest.messageId } : null;
      return { events: page, next };
    },

    async reassignProfile(workspace, from, to) {
      ctx.checkWrite('events.reassignProfile');
      return statements.write<[string, string, string]>(SQL.reassign).run(to, workspace, from).changes;
    },

    async setProfileIds(workspace, updates) {
      ctx.checkWrite('events.setProfileIds');
      if (updates.length > 0) setAll(workspace, updates);
    },

    async scan(workspace, opts) {
      ctx.checkRead('events.scan');
      checkLimit('events.scan', opts.limit);
      return toEvents(workspace, statements.rows<[string, number, number], EventRow>(SQL.scan).all(workspace, opts.afterSeq, opts.limit));
    },

    async count(workspace) {
      ctx.checkRead('events.count');
      return statements.pluck<[string], number>(SQL.count).get(workspace) ?? 0;
    },
  };
}
