import type { ProfileId } from '../../core/shared/ids.js';
import { toEpochDay } from '../../core/shared/time.js';
import type { DailyMembershipCounts, Membership, MembershipChange, SegmentStore } from '../../ports/segment-store.js';
import {
  fromMembershipChangeRecord,
  fromMembershipEntry,
  fromModelJson,
  fromSegmentDefinitionJson,
  fromWebhookJson,
  toModelJson,
  toReasonsJson,
  toSegmentDefinitionJson,
  toWebhookJson,
} from './segment-row-mapping.js';
import { compareCodePoints } from './row-mapping.js';
import type { MembershipChangeRecord, MemoryStoreContext } from './store-context.js';
import {
  checkLimit,
  checkWholeMs,
  clearArrayUndoable,
  clearUndoable,
  deleteUndoable,
  innerMapUndoable,
  peekWorkspace,
  pushUndoable,
  setUndoable,
  workspaceTables,
} from './store-context.js';

const LAST_SEQ = 'segments.lastSeq';

/** Counts and versions live in STRICT INTEGER columns in SQLite; the same refusal here. */
function checkInteger(method: string, field: string, value: number): void {
  if (!Number.isSafeInteger(value)) throw new TypeError(`${method}: ${field} must be an integer, got ${value}`);
}

/** Index of the first record with seq > afterSeq (records are in increasing seq order). */
function firstAfter(records: readonly MembershipChangeRecord[], afterSeq: number): number {
  let lo = 0;
  let hi = records.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((records[mid] as MembershipChangeRecord).seq > afterSeq) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export function createMemorySegmentStore(ctx: MemoryStoreContext): SegmentStore {
  const { tables } = ctx;
  return {
    listDefinitions: (workspace) =>
      ctx.read('segments.listDefinitions', () =>
        [...(peekWorkspace(tables, workspace)?.segmentDefinitions ?? [])]
          .sort(([a], [b]) => compareCodePoints(a, b))
          .map(([, json]) => fromSegmentDefinitionJson(json)),
      ),

    getDefinition: (workspace, key) =>
      ctx.read('segments.getDefinition', () => {
        const json = peekWorkspace(tables, workspace)?.segmentDefinitions.get(key);
        return json === undefined ? null : fromSegmentDefinitionJson(json);
      }),

    putDefinition: (workspace, definition) =>
      ctx.write('segments.putDefinition', (undo) => {
        setUndoable(undo, workspaceTables(tables, workspace).segmentDefinitions, definition.key, toSegmentDefinitionJson(definition));
      }),

    deleteDefinition: (workspace, key) =>
      ctx.write('segments.deleteDefinition', (undo) => {
        const t = peekWorkspace(tables, workspace);
        if (t === undefined) return false;
        deleteUndoable(undo, t.memberships, key);
        return deleteUndoable(undo, t.segmentDefinitions, key);
      }),

    listAllMemberships: (workspace) =>
      ctx.read('segments.listAllMemberships', () => {
        const memberships = peekWorkspace(tables, workspace)?.memberships;
        if (memberships === undefined) return [];
        const out: Membership[] = [];
        for (const [segmentKey, members] of [...memberships].sort(([a], [b]) => compareCodePoints(a, b))) {
          for (const [profileId, entry] of [...members].sort(([a], [b]) => compareCodePoints(a, b))) {
            out.push(fromMembershipEntry(segmentKey, profileId, entry));
          }
        }
        return out;
      }),

    listMembers: (workspace, segmentKey, opts) =>
      ctx.read('segments.listMembers', () => {
        checkLimit('segments.listMembers', opts.limit);
        const members = peekWorkspace(tables, workspace)?.memberships.get(segmentKey);
        if (members === undefined) return [];
        const { afterProfileId } = opts;
        return [...members]
          .filter(([id]) => afterProfileId === null || compareCodePoints(id, afterProfileId) > 0)
          .sort(([a], [b]) => compareCodePoints(a, b))
          .slice(0, opts.limit)
          .map(([profileId, entry]) => fromMembershipEntry(segmentKey, profileId, entry));
      }),

    applyChanges: (workspace, changes) =>
      ctx.write('segments.applyChanges', (undo) => {
        if (changes.length === 0) return [];
        const t = workspaceTables(tables, workspace);
        let seq = t.meta.get(LAST_SEQ) ?? 0;
        const applied: MembershipChange[] = [];
        for (const change of changes) {
          const { segmentKey, profileId, kind, atMs, reasons, segmentVersion } = change;
          checkWholeMs('segments.applyChanges', 'atMs', atMs);
          checkInteger('segments.applyChanges', 'segmentVersion', segmentVersion);
          const reasonsJson = toReasonsJson(reasons);
          if (kind === 'enter') {
            setUndoable(undo, innerMapUndoable(undo, t.memberships, segmentKey), profileId, { enteredAtMs: atMs, reasons: reasonsJson });
          } else if (kind === 'exit') {
            const members = t.memberships.get(segmentKey);
            if (members !== undefined) deleteUndoable(undo, members, profileId);
          } else {
            throw new Error(`segments.applyChanges: unknown change kind "${String(kind)}"`);
          }
          seq += 1;
          pushUndoable(undo, t.membershipChanges, { seq, segmentKey, profileId, kind, atMs, reasons: reasonsJson, segmentVersion });
          applied.push({ seq, segmentKey, profileId, kind, atMs, reasons, segmentVersion });
        }
        setUndoable(undo, t.meta, LAST_SEQ, seq);
        return applied;
      }),

    listChanges: (workspace, opts) =>
      ctx.read('segments.listChanges', () => {
        checkLimit('segments.listChanges', opts.limit);
        const records = peekWorkspace(tables, workspace)?.membershipChanges ?? [];
        const segments = opts.segmentKeys !== undefined && opts.segmentKeys.length > 0 ? new Set(opts.segmentKeys) : null;
        const { profileId } = opts;
        const out: MembershipChange[] = [];
        for (let i = firstAfter(records, opts.afterSeq); i < records.length && out.length < opts.limit; i++) {
          const record = records[i] as MembershipChangeRecord;
          if (segments !== null && !segments.has(record.segmentKey)) continue;
          if (profileId !== undefined && record.profileId !== profileId) continue;
          out.push(fromMembershipChangeRecord(record));
        }
        return out;
      }),

    lastChangeSeq: (workspace) => ctx.read('segments.lastChangeSeq', () => peekWorkspace(tables, workspace)?.meta.get(LAST_SEQ) ?? 0),

    dailyCounts: (workspace, segmentKey) =>
      ctx.read('segments.dailyCounts', () => {
        const byDay = new Map<number, { enters: number; exits: number }>();
        for (const record of peekWorkspace(tables, workspace)?.membershipChanges ?? []) {
          if (record.segmentKey !== segmentKey) continue;
          const day = toEpochDay(record.atMs);
          let counts = byDay.get(day);
          if (counts === undefined) {
            counts = { enters: 0, exits: 0 };
            byDay.set(day, counts);
          }
          if (record.kind === 'enter') counts.enters += 1;
          else counts.exits += 1;
        }
        return [...byDay]
          .sort(([a], [b]) => a - b)
          .map(([day, counts]): DailyMembershipCounts => ({ day, enters: counts.enters, exits: counts.exits }));
      }),

    deleteAllMemberships: (workspace) =>
      ctx.write('segments.deleteAllMemberships', (undo) => {
        const t = peekWorkspace(tables, workspace);
        if (t === undefined) return;
        clearUndoable(undo, t.memberships);
        clearArrayUndoable(undo, t.membershipChanges);
      }),

    putSchedule: (workspace, entries) =>
      ctx.write('segments.putSchedule', (undo) => {
        if (entries.length === 0) return;
        const schedule = workspaceTables(tables, workspace).segmentSchedule;
        for (const { profileId, dueAtMs } of entries) {
          checkWholeMs('segments.putSchedule', 'dueAtMs', dueAtMs);
          if (dueAtMs === null) deleteUndoable(undo, schedule, profileId);
          else setUndoable(undo, schedule, profileId, dueAtMs);
        }
      }),

    listSchedule: (workspace) =>
      ctx.read('segments.listSchedule', () =>
        [...(peekWorkspace(tables, workspace)?.segmentSchedule ?? [])]
          .sort(([a, dueA], [b, dueB]) => dueA - dueB || compareCodePoints(a, b))
          .map(([profileId, dueAtMs]): { readonly profileId: ProfileId; readonly dueAtMs: number } => ({ profileId, dueAtMs })),
      ),

    listWebhooks: (workspace) =>
      ctx.read('segments.listWebhooks', () =>
        [...(peekWorkspace(tables, workspace)?.webhooks.values() ?? [])]
          .map(fromWebhookJson)
          .sort((a, b) => a.createdAtMs - b.createdAtMs || compareCodePoints(a.id, b.id)),
      ),

    putWebhook: (workspace, webhook) =>
      ctx.write('segments.putWebhook', (undo) => {
        const method = 'segments.putWebhook';
        checkWholeMs(method, 'createdAtMs', webhook.createdAtMs);
        checkWholeMs(method, 'nextAttemptAtMs', webhook.nextAttemptAtMs);
        checkInteger(method, 'deliveredSeq', webhook.deliveredSeq);
        checkInteger(method, 'failures', webhook.failures);
        setUndoable(undo, workspaceTables(tables, workspace).webhooks, webhook.id, toWebhookJson(webhook));
      }),

    deleteWebhook: (workspace, id) =>
      ctx.write('segments.deleteWebhook', (undo) => {
        const webhooks = peekWorkspace(tables, workspace)?.webhooks;
        return webhooks !== undefined && deleteUndoable(undo, webhooks, id);
      }),

    listModels: (workspace, kind) =>
      ctx.read('segments.listModels', () =>
        [...(peekWorkspace(tables, workspace)?.segmentModels.get(kind) ?? [])]
          .sort(([a], [b]) => compareCodePoints(a, b))
          .map(([, json]) => fromModelJson(json)),
      ),

    getModel: (workspace, kind, id) =>
      ctx.read('segments.getModel', () => {
        const json = peekWorkspace(tables, workspace)?.segmentModels.get(kind)?.get(id);
        return json === undefined ? null : fromModelJson(json);
      }),

    putModel: (workspace, model) =>
      ctx.write('segments.putModel', (undo) => {
        checkWholeMs('segments.putModel', 'updatedAtMs', model.updatedAtMs);
        const models = innerMapUndoable(undo, workspaceTables(tables, workspace).segmentModels, model.kind);
        setUndoable(undo, models, model.id, toModelJson(model));
      }),

    deleteModel: (workspace, kind, id) =>
      ctx.write('segments.deleteModel', (undo) => {
        const models = peekWorkspace(tables, workspace)?.segmentModels.get(kind);
        return models !== undefined && deleteUndoable(undo, models, id);
      }),
  };
}
