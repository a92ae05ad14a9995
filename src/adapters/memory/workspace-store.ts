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
  };
}
