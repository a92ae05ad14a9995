import { identifierKey } from '../../core/identity/identity.js';
import type { ProfileId } from '../../core/shared/ids.js';
import type { IdentifierKey, IdentityStore } from '../../ports/identity-store.js';
import { compareCodePoints, fromMergeJson, toMergeJson } from './row-mapping.js';
import type { IdentityRecord, MemoryStoreContext, MergeEntry } from './store-context.js';
import { checkWholeMs, clearUndoable, peekWorkspace, setUndoable, workspaceTables } from './store-context.js';

/** The SQLite adapter's ORDER BY first_seen_ms, kind, value. */
function identityOrder(a: IdentityRecord, b: IdentityRecord): number {
  if (a.firstSeenMs !== b.firstSeenMs) return a.firstSeenMs - b.firstSeenMs;
  return compareCodePoints(a.kind, b.kind) || compareCodePoints(a.value, b.value);
}

export function createMemoryIdentityStore(ctx: MemoryStoreContext): IdentityStore {
  const { tables } = ctx;
  return {
    resolveMany: (workspace, ids) =>
      ctx.read('identities.resolveMany', () => {
        const identities = peekWorkspace(tables, workspace)?.identities;
        const out = new Map<IdentifierKey, ProfileId>();
        for (const id of ids) {
          const key = identifierKey(id);
          const record = identities?.get(key);
          if (record !== undefined) out.set(key, record.profileId);
        }
        return out;
      }),

    linkMany: (workspace, links) =>
      ctx.write('identities.linkMany', (undo) => {
        if (links.length === 0) return;
        const { identities } = workspaceTables(tables, workspace);
        for (const link of links) {
          checkWholeMs('identities.linkMany', 'atMs', link.atMs);
          const key = identifierKey(link.id);
          const existing = identities.get(key);
          // firstSeenMs is kept from the first link, whatever moves later.
          const record: IdentityRecord = {
            kind: link.id.kind,
            value: link.id.value,
            profileId: link.profileId,
            firstSeenMs: existing?.firstSeenMs ?? link.atMs,
          };
          setUndoable(undo, identities, key, record);
        }
      }),

    reassignProfile: (workspace, from, to) =>
      ctx.write('identities.reassignProfile', (undo) => {
        const identities = peekWorkspace(tables, workspace)?.identities;
        if (identities === undefined) return;
        for (const [key, record] of [...identities]) {
          if (record.profileId === from) setUndoable(undo, identities, key, { ...record, profileId: to });
        }
      }),

    listForProfile: (workspace, profileId) =>
      ctx.read('identities.listForProfile', () =>
        [...(peekWorkspace(tables, workspace)?.identities.values() ?? [])]
          .filter((record) => record.profileId === profileId)
          .sort(identityOrder)
          .map((record) => ({ kind: record.kind, value: record.value, firstSeenMs: record.firstSeenMs })),
      ),

    putMerge: (workspace, merge) =>
      ctx.write('identities.putMerge', (undo) => {
        checkWholeMs('identities.putMerge', 'atMs', merge.atMs);
        const { merges } = workspaceTables(tables, workspace);
        merges.push({ survivorId: merge.survivorId, atMs: merge.atMs, json: toMergeJson(merge) });
        undo.record(() => {
          merges.pop();
        });
      }),

    listMerges: (workspace, survivorId) =>
      ctx.read('identities.listMerges', () =>
        (peekWorkspace(tables, workspace)?.merges ?? [])
          .filter((entry) => entry.survivorId === survivorId)
          // Array#sort is stable: equal instants keep insertion order, like ORDER BY at_ms, merge_id.
          .sort((a, b) => a.atMs - b.atMs)
          .map((entry) => fromMergeJson(entry.json)),
      ),

    deleteAll: (workspace) =>
      ctx.write('identities.deleteAll', (undo) => {
        const t = peekWorkspace(tables, workspace);
        if (t === undefined) return;
        clearUndoable(undo, t.identities);
        const removed: MergeEntry[] = t.merges.splice(0, t.merges.length);
        undo.record(() => {
          t.merges.length = 0;
          for (const entry of removed) t.merges.push(entry);
        });
      }),

    countMerges: (workspace) => ctx.read('identities.countMerges', () => peekWorkspace(tables, workspace)?.merges.length ?? 0),
  };
}
