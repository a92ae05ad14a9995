import type { ProfileState } from '../../core/profiles/profile-state.js';
import type { ProfileId } from '../../core/shared/ids.js';
import type { ProfileStore } from '../../ports/profile-store.js';
import { compareCodePoints, fromProfileJson, toProfileJson } from './row-mapping.js';
import type { MemoryStoreContext } from './store-context.js';
import { checkLimit, clearUndoable, deleteUndoable, peekWorkspace, setUndoable, workspaceTables } from './store-context.js';

const APPLIED_SEQ = 'profiles.appliedSeq';

export function createMemoryProfileStore(ctx: MemoryStoreContext): ProfileStore {
  const { tables } = ctx;
  return {
    getMany: (workspace, ids) =>
      ctx.read('profiles.getMany', () => {
        const profiles = peekWorkspace(tables, workspace)?.profiles;
        const out = new Map<ProfileId, ProfileState>();
        for (const id of ids) {
          const json = profiles?.get(id);
          if (json !== undefined) out.set(id, fromProfileJson(json));
        }
        return out;
      }),

    putMany: (workspace, states) =>
      ctx.write('profiles.putMany', (undo) => {
        if (states.length === 0) return;
        const { profiles } = workspaceTables(tables, workspace);
        for (const state of states) setUndoable(undo, profiles, state.profileId, toProfileJson(state));
      }),

    deleteMany: (workspace, ids) =>
      ctx.write('profiles.deleteMany', (undo) => {
        const profiles = peekWorkspace(tables, workspace)?.profiles;
        if (profiles !== undefined) for (const id of ids) deleteUndoable(undo, profiles, id);
      }),

    list: (workspace, opts) =>
      ctx.read('profiles.list', () => {
        checkLimit('profiles.list', opts.limit);
        const profiles = peekWorkspace(tables, workspace)?.profiles;
        if (profiles === undefined) return [];
        const { afterId } = opts;
        return [...profiles]
          .filter(([id]) => afterId === null || compareCodePoints(id, afterId) > 0)
          .sort(([a], [b]) => compareCodePoints(a, b))
          .slice(0, opts.limit)
          .map(([, json]) => fromProfileJson(json));
      }),

    count: (workspace) => ctx.read('profiles.count', () => peekWorkspace(tables, workspace)?.profiles.size ?? 0),

    getAppliedSeq: (workspace) =>
      ctx.read('profiles.getAppliedSeq', () => peekWorkspace(tables, workspace)?.meta.get(APPLIED_SEQ) ?? 0),

    putAppliedSeq: (workspace, seq) =>
      ctx.write('profiles.putAppliedSeq', (undo) => {
        setUndoable(undo, workspaceTables(tables, workspace).meta, APPLIED_SEQ, seq);
      }),

    deleteAll: (workspace) =>
      ctx.write('profiles.deleteAll', (undo) => {
        const profiles = peekWorkspace(tables, workspace)?.profiles;
        if (profiles !== undefined) clearUndoable(undo, profiles);
      }),
  };
}
