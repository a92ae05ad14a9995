import type { ApiKeyRecord, Workspace } from '../core/auth/workspace.js';
import type { ApiKeyId, WorkspaceId } from '../core/shared/ids.js';

/** Workspaces and their API keys. Keys are stored only as hashes. */
export interface WorkspaceStore {
  putWorkspace(workspace: Workspace): Promise<void>;
  getWorkspace(id: WorkspaceId): Promise<Workspace | null>;
  listWorkspaces(): Promise<readonly Workspace[]>;
  putKey(key: ApiKeyRecord): Promise<void>;
  /** The key whose secret hashes to `secretHash`, revoked or not; null when none. */
  findKeyByHash(secretHash: string): Promise<ApiKeyRecord | null>;
  listKeys(workspace: WorkspaceId): Promise<readonly ApiKeyRecord[]>;
  getKey(id: ApiKeyId): Promise<ApiKeyRecord | null>;
}
