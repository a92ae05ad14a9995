import Database from 'better-sqlite3';
import type { SessionPrincipal, SessionRecord, UserRecord } from '../../core/auth/dashboard.js';
import { isSessionScope } from '../../core/auth/dashboard.js';
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

const USER_COLUMNS = 'username, workspace_id, scope, password_hash, created_at_ms';
const SESSION_COLUMNS = 'id_hash, workspace_id, scope, principal_kind, principal_name, key_id, csrf_token, created_at_ms, expires_at_ms';

interface UserRow {
  readonly username: string;
  readonly workspace_id: string;
  readonly scope: string;
  readonly password_hash: string;
  readonly created_at_ms: number;
}

interface SessionRow {
  readonly id_hash: string;
  readonly workspace_id: string;
  readonly scope: string;
  readonly principal_kind: string;
  readonly principal_name: string;
  readonly key_id: string | null;
  readonly csrf_token: string;
  readonly created_at_ms: number;
  readonly expires_at_ms: number;
}

type SessionParams = [string, string, string, string, string, string | null, string, number, number];

function sessionScope(value: string, table: string): UserRecord['scope'] {
  if (!isSessionScope(value)) throw new Error(`${table} table holds an unknown scope "${value}"`);
  return value;
}

function fromUserRow(row: UserRow): UserRecord {
  return {
    username: row.username,
    workspaceId: row.workspace_id as WorkspaceId,
    scope: sessionScope(row.scope, 'dashboard_users'),
    passwordHash: row.password_hash,
    createdAtMs: row.created_at_ms,
  };
}

function toSessionParams(session: SessionRecord): SessionParams {
  const { principal } = session;
  return [
    session.idHash,
    session.workspaceId,
    session.scope,
    principal.kind,
    principal.kind === 'user' ? principal.username : principal.name,
    principal.kind === 'key' ? principal.keyId : null,
    session.csrfToken,
    session.createdAtMs,
    session.expiresAtMs,
  ];
}

function fromSessionRow(row: SessionRow): SessionRecord {
  let principal: SessionPrincipal;
  if (row.principal_kind === 'user') principal = { kind: 'user', username: row.principal_name };
  else if (row.principal_kind === 'key' && row.key_id !== null) principal = { kind: 'key', keyId: row.key_id as ApiKeyId, name: row.principal_name };
  else throw new Error(`dashboard_sessions table holds an invalid principal "${row.principal_kind}"`);
  return {
    idHash: row.id_hash,
    workspaceId: row.workspace_id as WorkspaceId,
    scope: sessionScope(row.scope, 'dashboard_sessions'),
    principal,
    csrfToken: row.csrf_token,
    createdAtMs: row.created_at_ms,
    expiresAtMs: row.expires_at_ms,
  };
}

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
  putUser: `INSERT INTO dashboard_users (${USER_COLUMNS}) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (username) DO UPDATE SET workspace_id = excluded.workspace_id, scope = excluded.scope,
      password_hash = excluded.password_hash, created_at_ms = excluded.created_at_ms`,
  getUser: `SELECT ${USER_COLUMNS} FROM dashboard_users WHERE username = ?`,
  listUsers: `SELECT ${USER_COLUMNS} FROM dashboard_users WHERE workspace_id = ? ORDER BY username`,
  deleteUser: 'DELETE FROM dashboard_users WHERE username = ?',
  deleteUserSessions: "DELETE FROM dashboard_sessions WHERE principal_kind = 'user' AND principal_name = ?",
  putSession: `INSERT OR REPLACE INTO dashboard_sessions (${SESSION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  findSession: `SELECT ${SESSION_COLUMNS} FROM dashboard_sessions WHERE id_hash = ?`,
  deleteSession: 'DELETE FROM dashboard_sessions WHERE id_hash = ?',
  deleteExpired: 'DELETE FROM dashboard_sessions WHERE expires_at_ms <= ?',
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

    async putUser(user) {
      ctx.checkWrite('workspaces.putUser');
      try {
        statements
          .write<[string, string, string, string, number]>(SQL.putUser)
          .run(user.username, user.workspaceId, user.scope, user.passwordHash, user.createdAtMs);
      } catch (error: unknown) {
        if (error instanceof Database.SqliteError && error.code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
          throw new Error(`workspaces.putUser: workspace ${user.workspaceId} does not exist`, { cause: error });
        }
        throw error;
      }
    },

    async getUser(username) {
      ctx.checkRead('workspaces.getUser');
      const row = statements.rows<[string], UserRow>(SQL.getUser).get(username);
      return row === undefined ? null : fromUserRow(row);
    },

    async listUsers(workspace) {
      ctx.checkRead('workspaces.listUsers');
      return statements.rows<[string], UserRow>(SQL.listUsers).all(workspace).map(fromUserRow);
    },

    async deleteUser(username) {
      ctx.checkWrite('workspaces.deleteUser');
      statements.write<[string]>(SQL.deleteUserSessions).run(username);
      return statements.write<[string]>(SQL.deleteUser).run(username).changes > 0;
    },

    async putSession(session) {
      ctx.checkWrite('workspaces.putSession');
      statements.write<SessionParams>(SQL.putSession).run(...toSessionParams(session));
    },

    async findSessionByHash(idHash) {
      ctx.checkRead('workspaces.findSessionByHash');
      const row = statements.rows<[string], SessionRow>(SQL.findSession).get(idHash);
      return row === undefined ? null : fromSessionRow(row);
    },

    async deleteSession(idHash) {
      ctx.checkWrite('workspaces.deleteSession');
      return statements.write<[string]>(SQL.deleteSession).run(idHash).changes > 0;
    },

    async deleteExpiredSessions(nowMs) {
      ctx.checkWrite('workspaces.deleteExpiredSessions');
      return statements.write<[number]>(SQL.deleteExpired).run(nowMs).changes;
    },
  };
}
