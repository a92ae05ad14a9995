import { expect } from 'vitest';
import type { SessionRecord, UserRecord } from '../../src/core/auth/dashboard.js';
import type { ApiKeyRecord, Workspace } from '../../src/core/auth/workspace.js';
import type { WorkspaceId } from '../../src/core/shared/ids.js';
import { asApiKeyId, asWorkspaceId } from '../../src/core/shared/ids.js';
import type { ContractOptions, OpenStorage } from './contract-helpers.js';
import { WS_A, WS_B, describeContract, inRun } from './contract-helpers.js';

const workspace = (id: WorkspaceId, createdAtMs: number, name = `name of ${id}`): Workspace => ({ id, name, createdAtMs });

function key(id: string, workspaceId: WorkspaceId, overrides: Partial<ApiKeyRecord> = {}): ApiKeyRecord {
  return {
    id: asApiKeyId(id),
    workspaceId,
    name: `key ${id}`,
    scope: 'write',
    secretHash: `hash-${id}`,
    prefix: 'atk_w_',
    createdAtMs: 1_000,
    revokedAtMs: null,
    ...overrides,
  };
}

export function describeWorkspaceStoreContract(adapter: string, open: OpenStorage, opts: ContractOptions = {}): void {
  describeContract('WorkspaceStore', adapter, open, opts, (test) => {
    test('putWorkspace then getWorkspace round-trips; an unknown id is null', async (storage) => {
      const a = workspace(WS_A, 100);
      await inRun(storage, (stores) => stores.workspaces.putWorkspace(a));
      expect(await storage.read.workspaces.getWorkspace(WS_A)).toEqual(a);
      expect(await storage.read.workspaces.getWorkspace(WS_B)).toBeNull();
    });

    test('putWorkspace replaces a workspace, keeping its keys', async (storage) => {
      await inRun(storage, async (stores) => {
        await stores.workspaces.putWorkspace(workspace(WS_A, 100));
        await stores.workspaces.putKey(key('key_1', WS_A));
      });
      const renamed = workspace(WS_A, 100, 'renamed');
      await inRun(storage, (stores) => stores.workspaces.putWorkspace(renamed));
      expect(await storage.read.workspaces.getWorkspace(WS_A)).toEqual(renamed);
      expect((await storage.read.workspaces.listKeys(WS_A)).length).toBe(1);
    });

    test('listWorkspaces lists all, by createdAtMs then id', async (storage) => {
      const all = [workspace(asWorkspaceId('ws_c'), 50), workspace(asWorkspaceId('ws_b'), 10), workspace(asWorkspaceId('ws_a'), 50)];
      expect(await storage.read.workspaces.listWorkspaces()).toEqual([]);
      await inRun(storage, async (stores) => {
        for (const w of all) await stores.workspaces.putWorkspace(w);
      });
      expect((await storage.read.workspaces.listWorkspaces()).map((w) => w.id)).toEqual(['ws_b', 'ws_a', 'ws_c']);
    });

    test('putKey then getKey and findKeyByHash round-trip; revoking is a put with revokedAtMs', async (storage) => {
      const k = key('key_1', WS_A, { scope: 'admin' });
      await inRun(storage, async (stores) => {
        await stores.workspaces.putWorkspace(workspace(WS_A, 1));
        await stores.workspaces.putKey(k);
      });
      expect(await storage.read.workspaces.getKey(k.id)).toEqual(k);
      expect(await storage.read.workspaces.findKeyByHash('hash-key_1')).toEqual(k);
      expect(await storage.read.workspaces.findKeyByHash('hash-nope')).toBeNull();
      expect(await storage.read.workspaces.getKey(asApiKeyId('key_nope'))).toBeNull();
      const revoked = { ...k, revokedAtMs: 5_000 };
      await inRun(storage, (stores) => stores.workspaces.putKey(revoked));
      expect(await storage.read.workspaces.findKeyByHash('hash-key_1')).toEqual(revoked);
      expect(await storage.read.workspaces.getKey(k.id)).toEqual(revoked);
    });

    test('a key whose secret hash changes is no longer found by the old hash', async (storage) => {
      await inRun(storage, async (stores) => {
        await stores.workspaces.putWorkspace(workspace(WS_A, 1));
        await stores.workspaces.putKey(key('key_1', WS_A));
        await stores.workspaces.putKey(key('key_1', WS_A, { secretHash: 'rotated' }));
      });
      expect(await storage.read.workspaces.findKeyByHash('hash-key_1')).toBeNull();
      expect((await storage.read.workspaces.findKeyByHash('rotated'))?.id).toBe('key_1');
    });

    test('listKeys lists the keys of one workspace, by createdAtMs then id', async (storage) => {
      await inRun(storage, async (stores) => {
        await stores.workspaces.putWorkspace(workspace(WS_A, 1));
        await stores.workspaces.putWorkspace(workspace(WS_B, 2));
        await stores.workspaces.putKey(key('key_c', WS_A, { createdAtMs: 5 }));
        await stores.workspaces.putKey(key('key_b', WS_A, { createdAtMs: 9 }));
        await stores.workspaces.putKey(key('key_a', WS_A, { createdAtMs: 5 }));
        await stores.workspaces.putKey(key('key_x', WS_B, { createdAtMs: 1 }));
      });
      expect((await storage.read.workspaces.listKeys(WS_A)).map((k) => k.id)).toEqual(['key_a', 'key_c', 'key_b']);
      expect((await storage.read.workspaces.listKeys(WS_B)).map((k) => k.id)).toEqual(['key_x']);
      expect(await storage.read.workspaces.listKeys(asWorkspaceId('ws_none'))).toEqual([]);
    });

    test('putKey refuses a key of an unknown workspace', async (storage) => {
      await expect(inRun(storage, (stores) => stores.workspaces.putKey(key('key_1', WS_A)))).rejects.toThrow(/does not exist/);
      expect(await storage.read.workspaces.getKey(asApiKeyId('key_1'))).toBeNull();
    });

    test('putKey refuses a secret hash another key already has', async (storage) => {
      await inRun(storage, async (stores) => {
        await stores.workspaces.putWorkspace(workspace(WS_A, 1));
        await stores.workspaces.putKey(key('key_1', WS_A, { secretHash: 'same' }));
      });
      await expect(inRun(storage, (stores) => stores.workspaces.putKey(key('key_2', WS_A, { secretHash: 'same' })))).rejects.toThrow(
        /secret hash/,
      );
      expect((await storage.read.workspaces.findKeyByHash('same'))?.id).toBe('key_1');
    });
  
    test('users: put, get, list by workspace, replace, delete (with their sessions)', async (storage) => {
      const ana: UserRecord = { username: 'ana', workspaceId: WS_A, scope: 'admin', passwordHash: 'scrypt$1', createdAtMs: 5 };
      const bo: UserRecord = { username: 'bo', workspaceId: WS_B, scope: 'read', passwordHash: 'scrypt$2', createdAtMs: 6 };
      const session: SessionRecord = {
        idHash: 'h1', workspaceId: WS_A, scope: 'admin', principal: { kind: 'user', username: 'ana' }, csrfToken: 't', createdAtMs: 1, expiresAtMs: 100,
      };
      await inRun(storage, async (stores) => {
        await stores.workspaces.putWorkspace(workspace(WS_A, 1));
        await stores.workspaces.putWorkspace(workspace(WS_B, 2));
        await stores.workspaces.putUser(bo);
        await stores.workspaces.putUser(ana);
        await stores.workspaces.putSession(session);
      });
      expect(await storage.read.workspaces.getUser('ana')).toEqual(ana);
      expect(await storage.read.workspaces.getUser('nobody')).toBeNull();
      expect(await storage.read.workspaces.listUsers(WS_A)).toEqual([ana]);
      await inRun(storage, (stores) => stores.workspaces.putUser({ ...ana, scope: 'read' }));
      expect((await storage.read.workspaces.getUser('ana'))?.scope).toBe('read');
      expect(await inRun(storage, (stores) => stores.workspaces.deleteUser('ana'))).toBe(true);
      expect(await inRun(storage, (stores) => stores.workspaces.deleteUser('ana'))).toBe(false);
      expect(await storage.read.workspaces.getUser('ana')).toBeNull();
      expect(await storage.read.workspaces.findSessionByHash('h1')).toBeNull();
    });

    test('putUser refuses an unknown workspace', async (storage) => {
      await expect(
        inRun(storage, (stores) => stores.workspaces.putUser({ username: 'x', workspaceId: WS_A, scope: 'read', passwordHash: 'h', createdAtMs: 1 })),
      ).rejects.toThrow(/does not exist/);
    });

    test('sessions: put, find by hash, delete, purge expired', async (storage) => {
      const byKey: SessionRecord = {
        idHash: 'k1', workspaceId: WS_A, scope: 'read', principal: { kind: 'key', keyId: asApiKeyId('key_1'), name: 'reader' }, csrfToken: 'c1', createdAtMs: 1, expiresAtMs: 50,
      };
      const byUser: SessionRecord = {
        idHash: 'u1', workspaceId: WS_B, scope: 'admin', principal: { kind: 'user', username: 'ana' }, csrfToken: 'c2', createdAtMs: 2, expiresAtMs: 100,
      };
      await inRun(storage, async (stores) => {
        await stores.workspaces.putSession(byKey);
        await stores.workspaces.putSession(byUser);
      });
      expect(await storage.read.workspaces.findSessionByHash('k1')).toEqual(byKey);
      expect(await storage.read.workspaces.findSessionByHash('u1')).toEqual(byUser);
      expect(await storage.read.workspaces.findSessionByHash('none')).toBeNull();
      expect(await inRun(storage, (stores) => stores.workspaces.deleteExpiredSessions(50))).toBe(1);
      expect(await storage.read.workspaces.findSessionByHash('k1')).toBeNull();
      expect(await inRun(storage, (stores) => stores.workspaces.deleteSession('u1'))).toBe(true);
      expect(await inRun(storage, (stores) => stores.workspaces.deleteSession('u1'))).toBe(false);
    });
  });
}
