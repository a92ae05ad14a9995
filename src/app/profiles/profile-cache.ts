import type { ProfileState } from '../../core/profiles/profile-state.js';
import type { ProfileId, WorkspaceId } from '../../core/shared/ids.js';

/**
 * Least-recently-used cache of folded profiles, owned by the single ingest writer so that a batch
 * need not read back the profiles it just wrote. Entries are the writer's working copies: after a
 * failed transaction the writer evicts every profile it touched.
 */
export interface ProfileCache {
  get(workspace: WorkspaceId, id: ProfileId): ProfileState | undefined;
  set(workspace: WorkspaceId, state: ProfileState): void;
  delete(workspace: WorkspaceId, id: ProfileId): void;
  clearWorkspace(workspace: WorkspaceId): void;
  readonly size: number;
}

export function createProfileCache(maxEntries: number): ProfileCache {
  const entries = new Map<string, ProfileState>();
  const keyOf = (workspace: WorkspaceId, id: ProfileId): string => `${workspace}\u0000${id}`;
  return {
    get(workspace, id) {
      const key = keyOf(workspace, id);
      const state = entries.get(key);
      if (state !== undefined) {
        // Re-insert to mark as most recently used (Map keeps insertion order).
        entries.delete(key);
        entries.set(key, state);
      }
      return state;
    },
    set(workspace, state) {
      if (maxEntries <= 0) return;
      const key = keyOf(workspace, state.profileId);
      entries.delete(key);
      entries.set(key, state);
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next();
        if (oldest.done === true) break;
        entries.delete(oldest.value);
      }
    },
    delete(workspace, id) {
      entries.delete(keyOf(workspace, id));
    },
    clearWorkspace(workspace) {
      const prefix = `${workspace}\u0000`;
      for (const key of [...entries.keys()]) if (key.startsWith(prefix)) entries.delete(key);
    },
    get size() {
      return entries.size;
    },
  };
}
