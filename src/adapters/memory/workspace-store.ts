import type { SessionRecord, UserRecord } from '../../core/auth/dashboard.js';
import type { WorkspaceStore } from '../../ports/workspace-store.js';
import { compareCodePoints, fromApiKeyJson, fromWorkspaceJson, toApiKeyJson, toWorkspaceJson } from './row-mapping.js';
import type { MemoryStoreContext } from './store-context.js';
import { checkWholeMs, deleteUndoable, setUndoable } from './store-context.js';

/** Workspaces and API keys; key lookups by hash or id are global (that is how a request finds its workspace). */
export function createMemoryWorkspaceStore(ctx: MemoryStoreContext): WorkspaceStore {
  const { tables } = ctx;
  return {
    putWorkspace: (workspace) =>
      ctx.write('workspaces.putWorkspace', (undo) => {
        checkWholeMs('workspaces.putWorkspace', 'createdAtMs', workspace.createdAtMs);
        setUndoable(undo, tables.workspaces, workspace.id, toWorkspaceJson(workspace));
      }),

    getWorkspace: (id) =>
      ctx.read('workspaces.getWorkspace', () => {
        const json = tables.workspaces.get(id);
        return json === undefined ? null : fromWorkspaceJson(json);
      }),

    listWorkspaces: () =>
      ctx.read('workspaces.listWorkspaces', () =>
        [...tables.workspaces.values()]
          .map(fromWorkspaceJson)
          .sort((a, b) => a.createdAtMs - b.createdAtMs || compareCodePoints(a.id, b.id)),
      ),

    putKey: (key) =>
      ctx.write('workspaces.putKey', (undo) => {
        checkWholeMs('workspaces.putKey', 'createdAtMs', key.createdAtMs);
        checkWholeMs('workspaces.putKey', 'revokedAtMs', key.revokedAtMs);
        // The same two constraints as the SQLite schema (foreign key, unique secret_hash), same messages.
        if (!tables.workspaces.has(key.workspaceId)) {
          throw new Error(`workspaces.putKey: workspace ${key.workspaceId} does not exist`);
        }
        const holder = tables.keyIdByHash.get(key.secretHash);
        if (holder !== undefined && holder !== key.id) {
          throw new Error(`workspaces.putKey: another key already has this secret hash`);
        }
        const previous = tables.keys.get(key.id);
        if (previous !== undefined && previous.secretHash !== key.secretHash) deleteUndoable(undo, tables.keyIdByHash, previous.secretHash);
        setUndoable(undo, tables.keyIdByHash, key.secretHash, key.id);
        setUndoable(undo, tables.keys, key.id, {
          workspaceId: key.workspaceId,
          secretHash: key.secretHash,
          createdAtMs: key.createdAtMs,
          json: toApiKeyJson(key),
        });
      }),

    findKeyByHash: (secretHash) =>
      ctx.read('workspaces.findKeyByHash', () => {
        const id = tables.keyIdByHash.get(secretHash);
        const record = id === undefined ? undefined : tables.keys.get(id);
        return record === undefined ? null : fromApiKeyJson(record.json);
      }),

    listKeys: (workspace) =>
      ctx.read('workspaces.listKeys', () =>
        [...tables.keys]
          .filter(([, record]) => record.workspaceId === workspace)
          .sort(([idA, a], [idB, b]) => a.createdAtMs - b.createdAtMs || compareCodePoints(idA, idB))
          .map(([, record]) => fromApiKeyJson(record.json)),
      ),

    getKey: (id) =>
      ctx.read('workspaces.getKey', () => {
        const record = tables.keys.get(id);
        return record === undefined ? null : fromApiKeyJson(record.json);
      }),

    putUser: (user) =>
      ctx.write('workspaces.putUser', (undo) => {
        checkWholeMs('workspaces.putUser', 'createdAtMs', user.createdAtMs);
        if (!tables.workspaces.has(user.workspaceId)) throw new Error(`workspaces.putUser: workspace ${user.workspaceId} does not exist`);
        const stored: UserRecord = {
          username: user.username,
          workspaceId: user.workspaceId,
          scope: user.scope,
          passwordHash: user.passwordHash,
          createdAtMs: user.createdAtMs,
        };
        setUndoable(undo, tables.users, user.username, JSON.stringify(stored));
      }),

    getUser: (username) =>
      ctx.read('workspaces.getUser', () => {
        const json = tables.users.get(username);
        return json === undefined ? null : (JSON.parse(json) as UserRecord);
      }),

    listUsers: (workspace) =>
      ctx.read('workspaces.listUsers', () =>
        [...tables.users.values()]
          .map((json) => JSON.parse(json) as UserRecord)
          .filter((user) => user.workspaceId === workspace)
          .sort((a, b) => compareCodePoints(a.username, b.username)),
      ),

    deleteUser: (username) =>
      ctx.write('workspaces.deleteUser', (undo) => {
        for (const [idHash, json] of [...tables.sessions]) {
          const { principal } = JSON.parse(json) as SessionRecord;
          if (principal.kind === 'user' && principal.username === username) deleteUndoable(undo, tables.sessions, idHash);
        }
        return deleteUndoable(undo, tables.users, username);
      }),

    putSession: (session) =>
      ctx.write('workspaces.putSession', (undo) => {
        checkWholeMs('workspaces.putSession', 'createdAtMs', session.createdAtMs);
        checkWholeMs('workspaces.putSession', 'expiresAtMs', session.expiresAtMs);
        const stored: SessionRecord = {
          idHash: session.idHash,
          workspaceId: session.workspaceId,
          scope: session.scope,
          principal: session.principal.kind === 'user'
            ? { kind: 'user', username: session.principal.username }
            : { kind: 'key', keyId: session.principal.keyId, name: session.principal.name },
          csrfToken: session.csrfToken,
          createdAtMs: session.createdAtMs,
          expiresAtMs: session.expiresAtMs,
        };
        setUndoable(undo, tables.sessions, session.idHash, JSON.stringify(stored));
      }),

    findSessionByHash: (idHash) =>
      ctx.read('workspaces.findSessionByHash', () => {
        const json = tables.sessions.get(idHash);
        return json === undefined ? null : (JSON.parse(json) as SessionRecord);
      }),

    deleteSession: (idHash) => ctx.write('workspaces.deleteSession', (undo) => deleteUndoable(undo, tables.sessions, idHash)),

    deleteExpiredSessions: (nowMs) =>
      ctx.write('workspaces.deleteExpiredSessions', (undo) => {
        let deleted = 0;
        for (const [idHash, json] of [...tables.sessions]) {
          if ((JSON.parse(json) as SessionRecord).expiresAtMs <= nowMs && deleteUndoable(undo, tables.sessions, idHash)) deleted++;
        }
        return deleted;
      }),
  };
}
