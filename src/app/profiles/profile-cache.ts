import type { ProfileState } from '../../core/profiles/profile-state.js';
import type { ProfileId, WorkspaceId } from '../../core/shared/ids.js';

/**
 * The ingest writer's working set of folded profiles.
 *
 * - Dirty entries hold changes committed to the event log but not yet written to the profile store
 *   (write-behind, ADR 0004). They are never evicted; the writer flushes them, then marks them clean.
 * - Clean entries are a least-recently-used cache, so a batch need not read back profiles it has seen.
 *
 * Entries are the writer's working copies (the reducer mutates them in place): after a failed
 * transaction the writer forgets the workspace and recovers it from the log.
 */
export interface ProfileCache {
  get(workspace: WorkspaceId, id: ProfileId): ProfileState | undefined;
  /** Only the unflushed version, if any (reads overlay it on the store). */
  getDirty(workspace: WorkspaceId, id: ProfileId): ProfileState | undefined;
  setClean(workspace: WorkspaceId, state: ProfileState): void;
  setDirty(workspace: WorkspaceId, state: ProfileState): void;
  /** Dirty profiles of a workspace, to be flushed. */
  dirtyOf(workspace: WorkspaceId): ProfileState[];
  /** Workspaces with dirty profiles. */
  dirtyWorkspaces(): WorkspaceId[];
  /** After a flush: the given states are stored; keep them as clean entries. */
  markClean(workspace: WorkspaceId, states: readonly ProfileState[]): void;
  delete(workspace: WorkspaceId, id: ProfileId): void;
  clearWorkspace(workspace: WorkspaceId): void;
  readonly dirtySize: number;
  readonly size: number;
}

export function createProfileCache(maxCleanEntries: number): ProfileCache {
  const clean = new Map<string, ProfileState>();
  const dirty = new Map<WorkspaceId, Map<ProfileId, ProfileState>>();
  let dirtySize = 0;
  const keyOf = (workspace: WorkspaceId, id: ProfileId): string => `${workspace}\u0000${id}`;

  const touchClean = (key: string, state: ProfileState): void => {
    if (maxCleanEntries <= 0) return;
    // Re-insert to mark as most recently used (Map keeps insertion order).
    clean.delete(key);
    clean.set(key, state);
    while (clean.size > maxCleanEntries) {
      const oldest = clean.keys().next();
      if (oldest.done === true) break;
      clean.delete(oldest.value);
    }
  };
  const removeDirty = (workspace: WorkspaceId, id: ProfileId): void => {
    const map = dirty.get(workspace);
    if (map?.delete(id) === true) dirtySize--;
  };

  return {
    get(workspace, id) {
      const unflushed = dirty.get(workspace)?.get(id);
      if (unflushed !== undefined) return unflushed;
      const key = keyOf(workspace, id);
      const state = clean.get(key);
      if (state !== undefined) touchClean(key, state);
      return state;
    },
    getDirty: (workspace, id) => dirty.get(workspace)?.get(id),
    setClean(workspace, state) {
      removeDirty(workspace, state.profileId);
      touchClean(keyOf(workspace, state.profileId), state);
    },
    setDirty(workspace, state) {
      clean.delete(keyOf(workspace, state.profileId));
      let map = dirty.get(workspace);
      if (map === undefined) {
        map = new Map();
        dirty.set(workspace, map);
      }
      if (!map.has(state.profileId)) dirtySize++;
      map.set(state.profileId, state);
    },
    dirtyOf: (workspace) => [...(dirty.get(workspace)?.values() ?? [])],
    dirtyWorkspaces: () => [...dirty.entries()].filter(([, map]) => map.size > 0).map(([workspace]) => workspace),
    markClean(workspace, states) {
      const map = dirty.get(workspace);
      for (const state of states) {
        // Only if it was not changed again meanwhile (same object still registered as dirty).
        if (map?.get(state.profileId) === state) {
          map.delete(state.profileId);
          dirtySize--;
          touchClean(keyOf(workspace, state.profileId), state);
        }
      }
    },
    delete(workspace, id) {
      removeDirty(workspace, id);
      clean.delete(keyOf(workspace, id));
    },
    clearWorkspace(workspace) {
      dirtySize -= dirty.get(workspace)?.size ?? 0;
      dirty.delete(workspace);
      const prefix = `${workspace}\u0000`;
      for (const key of [...clean.keys()]) if (key.startsWith(prefix)) clean.delete(key);
    },
    get dirtySize() {
      return dirtySize;
    },
    get size() {
      return clean.size + dirtySize;
    },
  };
}
