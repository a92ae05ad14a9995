import type { SessionRecord, UserRecord } from '../core/auth/dashboard.js';
import type { ApiKeyRecord, Workspace } from '../core/auth/workspace.js';
import type { ApiKeyId, WorkspaceId } from '../core/shared/ids.js';
import type { EpochMs } from '../core/shared/time.js';

/**
 * Workspaces, their API keys, and the dashboard's users and sessions: everything a request is
 * authenticated against, and the only lookups not scoped to a workspace. Secrets are stored only as
 * hashes (keys and session ids: SHA-256; passwords: scrypt).
 */
export interface WorkspaceStore {
  putWorkspace(workspace: Workspace): Promise<void>;
  getWorkspace(id: WorkspaceId): Promise<Workspace | null>;
  listWorkspaces(): Promise<readonly Workspace[]>;
  putKey(key: ApiKeyRecord): Promise<void>;
  /** The key whose secret hashes to `secretHash`, revoked or not; null when none. */
  findKeyByHash(secretHash: string): Promise<ApiKeyRecord | null>;
  listKeys(workspace: WorkspaceId): Promise<readonly ApiKeyRecord[]>;
  getKey(id: ApiKeyId): Promise<ApiKeyRecord | null>;
  /** Creates or replaces the user with this username (usernames are global). */
  putUser(user: UserRecord): Promise<void>;
  getUser(username: string): Promise<UserRecord | null>;
  /** The workspace's users by username. */
  listUsers(workspace: WorkspaceId): Promise<readonly UserRecord[]>;
  /** Deletes the user and every session it opened; false when there was none. */
  deleteUser(username: string): Promise<boolean>;
  putSession(session: SessionRecord): Promise<void>;
  /** The session whose id hashes to `idHash`, expired or not; null when none. */
  findSessionByHash(idHash: string): Promise<SessionRecord | null>;
  deleteSession(idHash: string): Promise<boolean>;
  /** Deletes sessions with expiresAtMs <= nowMs; returns how many. */
  deleteExpiredSessions(nowMs: EpochMs): Promise<number>;
}
