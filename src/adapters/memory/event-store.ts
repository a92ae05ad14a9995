import type { StoredEvent } from '../../core/events/event.js';
import { compareEventOrder } from '../../core/events/event.js';
import type { ProfileId, WorkspaceId } from '../../core/shared/ids.js';
import type { EventStore, TimelineCursor } from '../../ports/event-store.js';
import { compareCodePoints, fromEventRecord, toEventJson } from './row-mapping.js';
import type { EventRecord, MemoryStoreContext, UndoLog, WorkspaceTables } from './store-context.js';
import { checkLimit, checkWholeMs, peekWorkspace, workspaceTables } from './store-context.js';

/** Newest first by (timestampMs, messageId), messageId in SQLite's byte order (see compareCodePoints). */
function newestFirst(a: EventRecord, b: EventRecord): number {
  if (a.timestampMs !== b.timestampMs) return b.timestampMs - a.timestampMs;
  return compareCodePoints(b.messageId, a.messageId);
}

function isBefore(record: EventRecord, cursor: TimelineCursor): boolean {
  if (record.timestampMs !== cursor.timestampMs) return record.timestampMs < cursor.timestampMs;
  return compareCodePoints(record.messageId, cursor.messageId) < 0;
}

/** Moves one event to another profile, keeping the by-profile index in step, with its undo. */
function moveEvent(undo: UndoLog, tables: WorkspaceTables, record: EventRecord, to: ProfileId): void {
  const from = record.profileId;
  if (from === to) return;
  const detach = (profile: ProfileId): void => {
    const set = tables.eventsByProfile.get(profile);
    set?.delete(record);
    if (set?.size === 0) tables.eventsByProfile.delete(profile);
  };
  const attach = (profile: ProfileId): void => {
    const set = tables.eventsByProfile.get(profile);
    if (set === undefined) tables.eventsByProfile.set(profile, new Set([record]));
    else set.add(record);
  };
  detach(from);
  attach(to);
  record.profileId = to;
  undo.record(() => {
    detach(to);
    attach(from);
    record.profileId = from;
  });
}

export function createMemoryEventStore(ctx: MemoryStoreContext): EventStore {
  const { tables } = ctx;
  const eventsOf = (workspace: WorkspaceId, profileId: ProfileId): EventRecord[] => [
    ...(peekWorkspace(tables, workspace)?.eventsByProfile.get(profileId) ?? []),
  ];

  return {
    existingMessageIds: (workspace, messageIds) =>
      ctx.read('events.existingMessageIds', () => {
        const byId = peekWorkspace(tables, workspace)?.eventsByMessageId;
        return new Set(byId === undefined ? [] : messageIds.filter((id) => byId.has(id)));
      }),

    appendMany: (workspace, events) =>
      ctx.write('events.appendMany', (undo) => {
        const t = workspaceTables(tables, workspace);
        const stored: StoredEvent[] = [];
        for (const event of events) {
          checkWholeMs('events.appendMany', 'timestampMs', event.timestampMs);
          checkWholeMs('events.appendMany', 'receivedAtMs', event.receivedAtMs);
          if (t.eventsByMessageId.has(event.messageId)) {
            throw new Error(
              `events.appendMany: messageId "${event.messageId}" is already stored in workspace ${workspace}; callers must drop duplicates first (existingMessageIds)`,
            );
          }
          const record: EventRecord = {
            seq: t.events.length + 1,
            messageId: event.messageId,
            timestampMs: event.timestampMs,
            profileId: event.profileId,
            json: toEventJson(event),
          };
          t.events.push(record);
          t.eventsByMessageId.set(record.messageId, record);
          const set = t.eventsByProfile.get(record.profileId);
          if (set === undefined) t.eventsByProfile.set(record.profileId, new Set([record]));
          else set.add(record);
          undo.record(() => {
            t.events.pop();
            t.eventsByMessageId.delete(record.messageId);
            const current = t.eventsByProfile.get(record.profileId);
            current?.delete(record);
            if (current?.size === 0) t.eventsByProfile.delete(record.profileId);
          });
          // The input plus its numbering, as the SQLite adapter returns it (no JSON round trip on the hot path).
          stored.push({ ...event, workspaceId: workspace, seq: record.seq });
        }
        return stored;
      }),

    listForReplay: (workspace, profileId) =>
      ctx.read('events.listForReplay', () =>
        eventsOf(workspace, profileId)
          .map((record) => fromEventRecord(workspace, record))
          .sort(compareEventOrder),
      ),

    listTimeline: (workspace, profileId, opts) =>
      ctx.read('events.listTimeline', () => {
        checkLimit('events.listTimeline', opts.limit);
        const { before } = opts;
        const older = eventsOf(workspace, profileId)
          .filter((record) => before === null || isBefore(record, before))
          .sort(newestFirst);
        const page = older.slice(0, opts.limit);
        const oldest = page[page.length - 1];
        const next: TimelineCursor | null =
          older.length > opts.limit && oldest !== undefined ? { timestampMs: oldest.timestampMs, messageId: oldest.messageId } : null;
        return { events: page.map((record) => fromEventRecord(workspace, record)), next };
      }),

    reassignProfile: (workspace, from, to) =>
      ctx.write('events.reassignProfile', (undo) => {
        const t = peekWorkspace(tables, workspace);
        const moving = [...(t?.eventsByProfile.get(from) ?? [])];
        if (t !== undefined) for (const record of moving) moveEvent(undo, t, record, to);
        return moving.length;
      }),

    setProfileIds: (workspace, updates) =>
      ctx.write('events.setProfileIds', (undo) => {
        if (updates.length === 0) return;
        const t = workspaceTables(tables, workspace);
        for (const { seq, profileId } of updates) {
          const record = Number.isInteger(seq) ? t.events[seq - 1] : undefined;
          if (record === undefined) throw new Error(`events.setProfileIds: workspace ${workspace} has no event with seq ${seq}`);
          moveEvent(undo, t, record, profileId);
        }
      }),

    scan: (workspace, opts) =>
      ctx.read('events.scan', () => {
        checkLimit('events.scan', opts.limit);
        const events = peekWorkspace(tables, workspace)?.events ?? [];
        // events[i].seq === i + 1, so "seq > afterSeq" starts at index floor(afterSeq).
        const start = Math.max(0, Math.floor(opts.afterSeq));
        return events.slice(start, start + opts.limit).map((record) => fromEventRecord(workspace, record));
      }),

    count: (workspace) => ctx.read('events.count', () => peekWorkspace(tables, workspace)?.events.length ?? 0),
  };
}
