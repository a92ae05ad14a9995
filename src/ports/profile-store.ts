import type { ProfileState } from '../core/profiles/profile-state.js';
import type { ProfileId, WorkspaceId } from '../core/shared/ids.js';

/** Folded profile state, one row per profile. The event log is the source of truth; this is derived. */
export interface ProfileStore {
  getMany(workspace: WorkspaceId, ids: readonly ProfileId[]): Promise<ReadonlyMap<ProfileId, ProfileState>>;
  /** Inserts or replaces each profile. */
  putMany(workspace: WorkspaceId, profiles: readonly ProfileState[]): Promise<void>;
  deleteMany(workspace: WorkspaceId, ids: readonly ProfileId[]): Promise<void>;
  /** Profiles ordered by id, strictly after `afterId`, `limit` at a time. */
  list(
    workspace: WorkspaceId,
    opts: { readonly afterId: ProfileId | null; readonly limit: number },
  ): Promise<readonly ProfileState[]>;
  count(workspace: WorkspaceId): Promise<number>;
  /** Removes every profile of the workspace (before a rebuild). */
  deleteAll(workspace: WorkspaceId): Promise<void>;
  /**
   * The watermark of write-behind persistence: the highest event seq whose effects the stored
   * profiles include (0 when none). Events after it are re-applied from the log on recovery.
   */
  getAppliedSeq(workspace: WorkspaceId): Promise<number>;
  putAppliedSeq(workspace: WorkspaceId, seq: number): Promise<void>;
}
