import { expect } from 'vitest';
import type { ApiKeyRecord } from '../../src/core/auth/workspace.js';
import type { ProfileState } from '../../src/core/profiles/profile-state.js';
import { createProfileState } from '../../src/core/profiles/profile-state.js';
import type { ProfileId } from '../../src/core/shared/ids.js';
import { asApiKeyId } from '../../src/core/shared/ids.js';
import type { Storage, Stores } from '../../src/ports/storage.js';
import type { ContractOptions, OpenStorage } from './contract-helpers.js';
import { P1, P2, P3, WS_A, append, deferred, describeContract, eventFor, inRun, settle } from './contract-helpers.js';

function state(profileId: ProfileId, eventCount: number): ProfileState {
  const s = createProfileState(profileId);
  s.eventCount = eventCount;
  return s;
}

const KEY: ApiKeyRecord = {
  id: asApiKeyId('key_1'),
  workspaceId: WS_A,
  name: 'k',
  scope: 'write',
  secretHash: 'hash-1',
  prefix: 'atk_',
  createdAtMs: 1,
  revokedAtMs: null,
};

/** Everything a workspace holds, read through the read view (for before/after comparisons). */
async function snapshot(storage: Storage): Promise<unknown> {
  const r = storage.read;
  return {
    events: await r.events.scan(WS_A, { afterSeq: 0, limit: 1000 }),
    profiles: await r.profiles.list(WS_A, { afterId: null, limit: 1000 }),
    identities: await Promise.all([P1, P2, P3].map((p) => r.identities.listForProfile(WS_A, p))),
    merges: await Promise.all([P1, P2, P3].map((p) => r.identities.listMerges(WS_A, p))),
    catalog: await r.catalog.list(WS_A, { afterId: null, limit: 1000, category: null }),
    workspaces: await r.workspaces.listWorkspaces(),
    keys: await r.workspaces.listKeys(WS_A),
    keyByHash: await r.workspaces.findKeyByHash(KEY.secretHash),
    traits: await r.computedTraits.list(WS_A),
  };
}

async function seed(storage: Storage): Promise<void> {
  await inRun(storage, async (stores) => {
    await stores.events.appendMany(WS_A, [eventFor(P1, { messageId: 'seed-1' }), eventFor(P2, { messageId: 'seed-2' })]);
    await stores.profiles.putMany(WS_A, [state(P1, 1), state(P2, 2)]);
    await stores.identities.linkMany(WS_A, [{ id: { kind: 'user_id', value: 'u1' }, profileId: P1, atMs: 1 }]);
    await stores.identities.putMerge(WS_A, { survivorId: P1, mergedId: P3, reason: 'alias', messageId: 'seed-1', via: [], atMs: 1 });
    await stores.catalog.putMany(WS_A, [
      { id: 'sku', name: 'n', category: 'c', price: 1, currency: null, marginRate: null, stock: 1, attributes: {}, updatedAtMs: 1 },
    ]);
    await stores.workspaces.putWorkspace({ id: WS_A, name: 'a', createdAtMs: 1 });
    await stores.workspaces.putKey(KEY);
    await stores.computedTraits.put(WS_A, { name: 'n', event: '*', where: [], aggregate: 'count', property: null, windowDays: null });
  });
}

/** Every write method of every store, each called once on `stores`. */
function everyWrite(stores: Stores): Record<string, () => Promise<unknown>> {
  return {
    'events.appendMany': () => stores.events.appendMany(WS_A, [eventFor(P1)]),
    'events.reassignProfile': () => stores.events.reassignProfile(WS_A, P1, P2),
    'events.setProfileIds': () => stores.events.setProfileIds(WS_A, [{ seq: 1, profileId: P3 }]),
    'profiles.putMany': () => stores.profiles.putMany(WS_A, [state(P3, 3)]),
    'profiles.deleteMany': () => stores.profiles.deleteMany(WS_A, [P1]),
    'profiles.deleteAll': () => stores.profiles.deleteAll(WS_A),
    'identities.linkMany': () => stores.identities.linkMany(WS_A, [{ id: { kind: 'anonymous_id', value: 'a' }, profileId: P1, atMs: 2 }]),
    'identities.reassignProfile': () => stores.identities.reassignProfile(WS_A, P1, P2),
    'identities.putMerge': () =>
      stores.identities.putMerge(WS_A, { survivorId: P2, mergedId: P1, reason: 'identified', messageId: 'x', via: [], atMs: 3 }),
    'identities.deleteAll': () => stores.identities.deleteAll(WS_A),
    'catalog.putMany': () =>
      stores.catalog.putMany(WS_A, [
        { id: 'sku', name: 'changed', category: null, price: null, currency: null, marginRate: null, stock: null, attributes: {}, updatedAtMs: 2 },
      ]),
    'catalog.deleteMany': () => stores.catalog.deleteMany(WS_A, ['sku']),
    'workspaces.putWorkspace': () => stores.workspaces.putWorkspace({ id: WS_A, name: 'renamed', createdAtMs: 1 }),
    'workspaces.putKey': () => stores.workspaces.putKey({ ...KEY, revokedAtMs: 9, secretHash: 'rotated' }),
    'computedTraits.put': () =>
      stores.computedTraits.put(WS_A, { name: 'm', event: '*', where: [], aggregate: 'count', property: null, windowDays: null }),
    'computedTraits.delete': () => stores.computedTraits.delete(WS_A, 'n'),
  };
}

export function describeUnitOfWorkContract(adapter: string, open: OpenStorage, opts: ContractOptions = {}): void {
  describeContract('UnitOfWork', adapter, open, opts, (test) => {
    test('run returns what fn returns and commits its writes', async (storage) => {
      const value = await inRun(storage, async (stores) => {
        await stores.profiles.putMany(WS_A, [state(P1, 4)]);
        return { ok: 'yes' };
      });
      expect(value).toEqual({ ok: 'yes' });
      expect((await storage.read.profiles.getMany(WS_A, [P1])).get(P1)?.eventCount).toBe(4);
    });

    test('inside a run, its stores see its own writes', async (storage) => {
      await inRun(storage, async (stores) => {
        await stores.events.appendMany(WS_A, [eventFor(P1, { messageId: 'own' })]);
        await stores.profiles.putMany(WS_A, [state(P1, 1)]);
        expect(await stores.events.existingMessageIds(WS_A, ['own'])).toEqual(new Set(['own']));
        expect(await stores.profiles.count(WS_A)).toBe(1);
      });
    });

    test('a failing run rolls back its writes to every store and rethrows the same error', async (storage) => {
      await seed(storage);
      const before = await snapshot(storage);
      const failure = new Error('boom');
      const thrown = await inRun(storage, async (stores) => {
        for (const write of Object.values(everyWrite(stores))) await write();
        throw failure;
      }).catch((error: unknown) => error);
      expect(thrown).toBe(failure);
      expect(await snapshot(storage)).toEqual(before);
      // The stores work normally afterwards.
      expect((await append(storage, WS_A, [eventFor(P1)]))[0]?.seq).toBe(3);
    });

    test('a failed run does not stop the runs queued behind it', async (storage) => {
      const failing = inRun(storage, async () => {
        throw new Error('first fails');
      });
      const next = inRun(storage, (stores) => stores.events.appendMany(WS_A, [eventFor(P1)]));
      await expect(failing).rejects.toThrow('first fails');
      expect((await next).length).toBe(1);
    });

    test('runs never overlap: each starts after the previous one has ended', async (storage) => {
      const log: string[] = [];
      const gate = deferred<void>();
      const first = inRun(storage, async (stores) => {
        log.push('first:start');
        await stores.events.appendMany(WS_A, [eventFor(P1)]);
        await gate.promise;
        log.push('first:end');
      });
      const second = inRun(storage, async (stores) => {
        log.push('second:start');
        await stores.events.appendMany(WS_A, [eventFor(P1)]);
        log.push('second:end');
      });
      await settle();
      expect(log).toEqual(['first:start']);
      gate.resolve();
      await Promise.all([first, second]);
      expect(log).toEqual(['first:start', 'first:end', 'second:start', 'second:end']);
    });

    test('many runs started at once all commit, in the order they were started', async (storage) => {
      const runs = Array.from({ length: 20 }, (_, i) =>
        inRun(storage, (stores) => stores.events.appendMany(WS_A, [eventFor(P1, { messageId: `run-${i}` })])),
      );
      const results = await Promise.all(runs);
      expect(results.map((r) => r[0]?.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    });

    test('read never sees the writes of a run that rolls back', async (storage) => {
      const gate = deferred<void>();
      const wrote = deferred<void>();
      const run = inRun(storage, async (stores) => {
        await stores.profiles.putMany(WS_A, [state(P1, 1)]);
        await stores.events.appendMany(WS_A, [eventFor(P1)]);
        wrote.resolve();
        await gate.promise;
      });
      await wrote.promise;
      const readProfiles = storage.read.profiles.getMany(WS_A, [P1]);
      const readCount = storage.read.events.count(WS_A);
      await settle();
      gate.reject(new Error('rolled back'));
      await expect(run).rejects.toThrow('rolled back');
      expect(await readProfiles).toEqual(new Map());
      expect(await readCount).toBe(0);
    });

    test('read shows a run all or nothing: never part of it', async (storage) => {
      const gate = deferred<void>();
      const halfway = deferred<void>();
      const run = inRun(storage, async (stores) => {
        await stores.profiles.putMany(WS_A, [state(P1, 1)]);
        halfway.resolve();
        await gate.promise;
        await stores.profiles.putMany(WS_A, [state(P2, 2)]);
      });
      await halfway.promise;
      const during = storage.read.profiles.count(WS_A);
      await settle();
      gate.resolve();
      await run;
      // Before the run (0) or after its commit (2), depending on whether the adapter's read waits.
      expect([0, 2]).toContain(await during);
      expect(await storage.read.profiles.count(WS_A)).toBe(2);
    });

    test('read does not wait for an open run, and shows the state before it', async (storage) => {
      await inRun(storage, (stores) => stores.profiles.putMany(WS_A, [state(P1, 1)]));
      const gate = deferred<void>();
      const run = inRun(storage, async (stores) => {
        await stores.profiles.putMany(WS_A, [state(P1, 2)]);
        // The read view, used from inside the run, also shows the committed state.
        expect((await storage.read.profiles.getMany(WS_A, [P1])).get(P1)?.eventCount).toBe(1);
        await gate.promise;
      });
      await settle();
      expect((await storage.read.profiles.getMany(WS_A, [P1])).get(P1)?.eventCount).toBe(1);
      gate.resolve();
      await run;
      expect((await storage.read.profiles.getMany(WS_A, [P1])).get(P1)?.eventCount).toBe(2);
    });

    test('the read view refuses every write', async (storage) => {
      await seed(storage);
      for (const [method, write] of Object.entries(everyWrite(storage.read))) {
        await expect(write(), method).rejects.toThrow(/read-only/);
      }
    });

    test('stores kept after their run ended refuse to work', async (storage) => {
      const kept = await inRun(storage, async (stores) => stores);
      await expect(kept.profiles.putMany(WS_A, [state(P1, 1)])).rejects.toThrow(/after the run ended/);
      await expect(kept.events.count(WS_A)).rejects.toThrow(/after the run ended/);
      expect(await storage.read.profiles.count(WS_A)).toBe(0);
    });

    test('a run started inside a run fails instead of waiting for itself', async (storage) => {
      await inRun(storage, async () => {
        await expect(inRun(storage, async () => 'inner')).rejects.toThrow(/inside another run/);
      });
    });

    test('close waits for the run in progress, then refuses new runs', async (storage) => {
      const gate = deferred<void>();
      let committed = false;
      const run = inRun(storage, async (stores) => {
        await stores.events.appendMany(WS_A, [eventFor(P1)]);
        await gate.promise;
        committed = true;
      });
      await settle();
      const closing = storage.close();
      await settle();
      gate.resolve();
      await run;
      await closing;
      expect(committed).toBe(true);
      await expect(inRun(storage, async () => 'late')).rejects.toThrow(/closed/);
    });
  });
}
