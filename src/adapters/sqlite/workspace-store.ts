import Database from 'better-sqlite3';
import type { ApiKeyId, WorkspaceId } from '../../core/shared/ids.js';
import type { WorkspaceStore } from '../../ports/workspace-store.js';
import type { ApiKeyRow, WorkspaceRow } from './row-mapping.js';
import {
  API_KEY_COLUMNS,
  WORKSPACE_COLUMNS,
  fromApiKeyRow,
  fromWorkspaceRow,
  toApiKeyParams,
  toWorkspaceParams,
} from './row-mapping.js';
import type { SqliteStoreContext } from './store-context.js';

const SQL = {
  // An upsert, not INSERT OR REPLACE: REPLACE deletes the row first, which the api_keys foreign key forbids.
  putWorkspace: `INSERT INTO workspaces (${WORKSPACE_COLUMNS}) VALUES (?, ?, ?)
    ON CONFLICT (workspace_id) DO UPDATE SET name = excluded.name, created_at_ms = excluded.created_at_ms`,
  getWorkspace: `SELECT ${WORKSPACE_COLUMNS} FROM workspaces WHERE workspace_id = ?`,
  listWorkspaces: `SELECT ${WORKSPACE_COLUMNS} FROM workspaces ORDER BY created_at_ms, workspace_id`,
  putKey: `INSERT INTO api_keys (${API_KEY_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (key_id) DO UPDATE SET workspace_id = excluded.workspace_id, name = excluded.name, scope = excluded.scope,
      secret_hash = excluded.secret_hash, prefix = excluded.prefix, created_at_ms = excluded.created_at_ms,
      revoked_at_ms = excluded.revoked_at_ms`,
  findKeyByHash: `SELECT ${API_KEY_COLUMNS} FROM api_keys WHERE secret_hash = ?`,
  listKeys: `SELECT ${API_KEY_COLUMNS} FROM api_keys WHERE workspace_id = ? ORDER BY created_at_ms, key_id`,
  getKey: `SELECT ${API_KEY_COLUMNS} FROM api_keys WHERE key_id = ?`,
} as const;

/**
 * Workspaces and API keys. The only store whose lookups are not scoped to a workspace: resolving
 * a key (by hash or id) is how a request finds its workspace in the first place.
 */
export function createSqliteWorkspaceStore(ctx: SqliteStoreContext): WorkspaceStore {
  const { statements } = ctx;
  return {
    async putWorkspace(workspace) {
      ctx.checkWrite('workspaces.putWorkspace');
      statements.write<[string, string, number]>(SQL.putWorkspace).run(...toWorkspaceParams(workspace));
    },

    async getWorkspace(id: WorkspaceId) {
      ctx.checkRead('workspaces.getWorkspace');
      const row = statements.rows<[string], WorkspaceRow>(SQL.getWorkspace).get(id);
      return row === undefined ? null : fromWorkspaceRow(row);
    },

    async listWorkspaces() {
      ctx.checkRead('workspaces.listWorkspaces');
      return statements.rows<[], WorkspaceRow>(SQL.listWorkspaces).all().map(fromWorkspaceRow);
    },

    async putKey(key) {
      ctx.checkWrite('workspaces.putKey');
      try {
        statements.write<ReturnType<typeof toApiKeyParams>>(SQL.putKey).run(...toApiKeyParams(key));
      } catch (error: unknown) {
        // The schema's constraints, reworded in the terms the memory adapter uses for the same checks.
        if (error instanceof Database.SqliteError && error.code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
          throw new Error(`workspaces.putKey: workspace ${key.workspaceId} does not exist`, { cause: error });
        }
        if (error instanceof Database.SqliteError && error.code === 'SQLITE_CONSTRAINT_UNIQUE') {
          throw new Error('workspaces.putKey: another key already has this secret hash', { cause: error });
        }
        throw error;
      }
    },

    async findKeyByHash(secretHash) {
      ctx.checkRead('workspaces.findKeyByHash');
      const row = statements.rows<[string], ApiKeyRow>(SQL.findKeyByHash).get(secretHash);
      return row === undefined ? null : fromApiKeyRow(row);
    },

    async listKeys(workspace) {
      ctx.checkRead('workspaces.listKeys');
      return statements.rows<[string], ApiKeyRow>(SQL.listKeys).all(workspace).map(fromApiKeyRow);
    },

    async getKey(id: ApiKeyId) {
      ctx.checkRead('workspaces.getKey');
      const row = statements.rows<[string], ApiKeyRow>(SQL.getKey).get(id);
      return row === undefined ? null : fromApiKeyRow(row);
    },
  };
}
