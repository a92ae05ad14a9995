import type { IdentifierKind, Identifier, MergeRecord } from '../core/identity/identity.js';
import type { ProfileId, WorkspaceId } from '../core/shared/ids.js';

/** `${kind}:${value}`: the map key used by resolveMany. */
export type IdentifierKey = string;

/** The identity graph: which identifiers (userId, anonymousId) belong to which profile, and merges. */
export interface IdentityStore {
  /** Looks up each identifier; missing ones are absent from the map. Keys are identifierKey(id). */
  resolveMany(workspace: WorkspaceId, ids: readonly Identifier[]): Promise<ReadonlyMap<IdentifierKey, ProfileId>>;
  /** Points each identifier at the profile (insert or move). `firstSeenMs` is kept from the first link. */
  linkMany(
    workspace: WorkspaceId,
    links: readonly { readonly id: Identifier; readonly profileId: ProfileId; readonly atMs: number }[],
  ): Promise<void>;
  /** Moves every identifier of `from` to `to` (merge). */
  reassignProfile(workspace: WorkspaceId, from: ProfileId, to: ProfileId): Promise<void>;
  listForProfile(
    workspace: WorkspaceId,
    profileId: ProfileId,
  ): Promise<readonly { readonly kind: IdentifierKind; readonly value: string; readonly firstSeenMs: number }[]>;
  /** Records a merge (kept forever so every merge stays explainable). */
  putMerge(workspace: WorkspaceId, merge: MergeRecord): Promise<void>;
  /** Merges whose survivor is this profile (directly), oldest first. */
  listMerges(workspace: WorkspaceId, survivorId: ProfileId): Promise<readonly MergeRecord[]>;
  /** Removes the workspace's identity graph and merge history (before a rebuild). */
  deleteAll(workspace: WorkspaceId): Promise<void>;
  countMerges(workspace: WorkspaceId): Promise<number>;
}
