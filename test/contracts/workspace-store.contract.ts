import { expect } from 'vitest';
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
  });
}
