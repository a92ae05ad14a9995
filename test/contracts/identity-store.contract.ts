import { expect } from 'vitest';
import type { Identifier, MergeRecord } from '../../src/core/identity/identity.js';
import { identifierKey } from '../../src/core/identity/identity.js';
import type { ProfileId } from '../../src/core/shared/ids.js';
import type { ContractOptions, OpenStorage } from './contract-helpers.js';
import { P1, P2, P3, WS_A, WS_B, describeContract, inRun } from './contract-helpers.js';

const user = (value: string): Identifier => ({ kind: 'user_id', value });
const anon = (value: string): Identifier => ({ kind: 'anonymous_id', value });
const link = (id: Identifier, profileId: ProfileId, atMs: number) => ({ id, profileId, atMs });

function merge(survivorId: ProfileId, mergedId: ProfileId, atMs: number, messageId: string): MergeRecord {
  return { survivorId, mergedId, reason: 'identified', messageId, via: [anon(`a-${messageId}`), user('u')], atMs };
}

export function describeIdentityStoreContract(adapter: string, open: OpenStorage, opts: ContractOptions = {}): void {
  describeContract('IdentityStore', adapter, open, opts, (test) => {
    test('resolveMany maps each linked identifier (by identifierKey) and leaves the rest out', async (storage) => {
      await inRun(storage, (stores) => stores.identities.linkMany(WS_A, [link(user('u1'), P1, 10), link(anon('a1'), P2, 20)]));
      const got = await storage.read.identities.resolveMany(WS_A, [user('u1'), anon('a1'), user('a1'), anon('zz')]);
      expect(got).toEqual(new Map([[identifierKey(user('u1')), P1], [identifierKey(anon('a1')), P2]]));
      expect(await storage.read.identities.resolveMany(WS_A, [])).toEqual(new Map());
    });

    test('the same value under two kinds is two identifiers', async (storage) => {
      await inRun(storage, (stores) => stores.identities.linkMany(WS_A, [link(user('x'), P1, 1), link(anon('x'), P2, 2)]));
      const got = await storage.read.identities.resolveMany(WS_A, [user('x'), anon('x')]);
      expect(got.get('user_id:x')).toBe(P1);
      expect(got.get('anonymous_id:x')).toBe(P2);
    });

    test('linkMany moves an identifier and keeps the firstSeenMs of its first link', async (storage) => {
      await inRun(storage, (stores) => stores.identities.linkMany(WS_A, [link(anon('a1'), P1, 100)]));
      await inRun(storage, (stores) => stores.identities.linkMany(WS_A, [link(anon('a1'), P2, 50), link(anon('a1'), P3, 300)]));
      expect((await storage.read.identities.resolveMany(WS_A, [anon('a1')])).get('anonymous_id:a1')).toBe(P3);
      expect(await storage.read.identities.listForProfile(WS_A, P3)).toEqual([{ kind: 'anonymous_id', value: 'a1', firstSeenMs: 100 }]);
      expect(await storage.read.identities.listForProfile(WS_A, P1)).toEqual([]);
      await inRun(storage, (stores) => stores.identities.linkMany(WS_A, []));
    });

    test('listForProfile lists a profile\'s identifiers by firstSeenMs, then kind, then value', async (storage) => {
      await inRun(storage, (stores) =>
        stores.identities.linkMany(WS_A, [
          link(user('u9'), P1, 30),
          link(anon('b'), P1, 10),
          link(user('u1'), P1, 10),
          link(anon('a'), P1, 10),
          link(anon('other'), P2, 5),
        ]),
      );
      expect(await storage.read.identities.listForProfile(WS_A, P1)).toEqual([
        { kind: 'anonymous_id', value: 'a', firstSeenMs: 10 },
        { kind: 'anonymous_id', value: 'b', firstSeenMs: 10 },
        { kind: 'user_id', value: 'u1', firstSeenMs: 10 },
        { kind: 'user_id', value: 'u9', firstSeenMs: 30 },
      ]);
    });

    test('reassignProfile moves every identifier of one profile to another', async (storage) => {
      await inRun(storage, (stores) =>
        stores.identities.linkMany(WS_A, [link(user('u1'), P1, 1), link(anon('a1'), P1, 2), link(anon('a2'), P2, 3), link(anon('a3'), P3, 4)]),
      );
      await inRun(storage, (stores) => stores.identities.reassignProfile(WS_A, P1, P2));
      expect(await storage.read.identities.listForProfile(WS_A, P1)).toEqual([]);
      expect((await storage.read.identities.listForProfile(WS_A, P2)).map((i) => i.value)).toEqual(['u1', 'a1', 'a2']);
      expect((await storage.read.identities.resolveMany(WS_A, [user('u1')])).get('user_id:u1')).toBe(P2);
      expect((await storage.read.identities.listForProfile(WS_A, P3)).length).toBe(1);
    });

    test('putMerge and listMerges: merges into one survivor, oldest first, ties in insertion order', async (storage) => {
      const m1 = merge(P1, P2, 200, 'm1');
      const m2 = merge(P1, P3, 100, 'm2');
      const m3 = merge(P1, P3, 200, 'm3');
      const other = merge(P2, P3, 50, 'm4');
      const alias: MergeRecord = { ...merge(P1, P2, 300, 'm5'), reason: 'alias', via: [] };
      await inRun(storage, async (stores) => {
        await stores.identities.putMerge(WS_A, m1);
        await stores.identities.putMerge(WS_A, m2);
        await stores.identities.putMerge(WS_A, other);
      });
      await inRun(storage, async (stores) => {
        await stores.identities.putMerge(WS_A, m3);
        await stores.identities.putMerge(WS_A, alias);
      });
      expect(await storage.read.identities.listMerges(WS_A, P1)).toEqual([m2, m1, m3, alias]);
      expect(await storage.read.identities.listMerges(WS_A, P2)).toEqual([other]);
      expect(await storage.read.identities.listMerges(WS_A, P3)).toEqual([]);
      expect(await storage.read.identities.countMerges(WS_A)).toBe(5);
    });

    test('deleteAll removes the identity graph and merge history of the workspace only', async (storage) => {
      await inRun(storage, async (stores) => {
        for (const ws of [WS_A, WS_B]) {
          await stores.identities.linkMany(ws, [link(user('u1'), P1, 1)]);
          await stores.identities.putMerge(ws, merge(P1, P2, 1, 'm'));
        }
      });
      await inRun(storage, (stores) => stores.identities.deleteAll(WS_A));
      expect(await storage.read.identities.resolveMany(WS_A, [user('u1')])).toEqual(new Map());
      expect(await storage.read.identities.listForProfile(WS_A, P1)).toEqual([]);
      expect(await storage.read.identities.listMerges(WS_A, P1)).toEqual([]);
      expect(await storage.read.identities.countMerges(WS_A)).toBe(0);
      expect((await storage.read.identities.resolveMany(WS_B, [user('u1')])).size).toBe(1);
      expect(await storage.read.identities.countMerges(WS_B)).toBe(1);
    });

    test('workspace isolation: the graph of A is invisible from B and untouched by B', async (storage) => {
      await inRun(storage, async (stores) => {
        await stores.identities.linkMany(WS_A, [link(user('u1'), P1, 1), link(anon('a1'), P1, 2)]);
        await stores.identities.putMerge(WS_A, merge(P1, P2, 1, 'm'));
      });
      const b = storage.read.identities;
      expect(await b.resolveMany(WS_B, [user('u1'), anon('a1')])).toEqual(new Map());
      expect(await b.listForProfile(WS_B, P1)).toEqual([]);
      expect(await b.listMerges(WS_B, P1)).toEqual([]);
      expect(await b.countMerges(WS_B)).toBe(0);
      await inRun(storage, async (stores) => {
        await stores.identities.reassignProfile(WS_B, P1, P3);
        await stores.identities.linkMany(WS_B, [link(user('u1'), P3, 9)]);
        await stores.identities.deleteAll(WS_B);
      });
      expect((await storage.read.identities.resolveMany(WS_A, [user('u1')])).get('user_id:u1')).toBe(P1);
      expect((await storage.read.identities.listForProfile(WS_A, P1)).length).toBe(2);
      expect(await storage.read.identities.countMerges(WS_A)).toBe(1);
    });
  });
}
