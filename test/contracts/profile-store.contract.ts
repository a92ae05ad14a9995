import { expect } from 'vitest';
import type { ProfileState } from '../../src/core/profiles/profile-state.js';
import { createProfileState } from '../../src/core/profiles/profile-state.js';
import type { ProfileId } from '../../src/core/shared/ids.js';
import { asProfileId } from '../../src/core/shared/ids.js';
import type { ContractOptions, OpenStorage } from './contract-helpers.js';
import { P1, P2, P3, WS_A, WS_B, describeContract, inRun } from './contract-helpers.js';

/** A state that differs from a fresh one in scalar, nested and array fields. */
function stateWith(profileId: ProfileId, eventCount: number): ProfileState {
  const state = createProfileState(profileId);
  state.eventCount = eventCount;
  state.firstSeenMs = 1_700_000_000_000;
  state.traits = { plan: { value: { tier: 'pro', seats: [1, 2] }, atMs: 1_700_000_000_001, messageId: 'm-ü' } };
  state.hourOfDay[3] = 7;
  state.affinity = { atMs: 5, scores: { Mugs: 0.125 } };
  return state;
}

const profileIds = (states: readonly ProfileState[]): string[] => states.map((s) => s.profileId);

export function describeProfileStoreContract(adapter: string, open: OpenStorage, opts: ContractOptions = {}): void {
  describeContract('ProfileStore', adapter, open, opts, (test) => {
    test('putMany then getMany round-trips each state deep-equal', async (storage) => {
      const states = [stateWith(P1, 3), stateWith(P2, 11)];
      await inRun(storage, (stores) => stores.profiles.putMany(WS_A, states));
      const got = await storage.read.profiles.getMany(WS_A, [P1, P2, P3]);
      expect(got).toEqual(new Map([[P1, states[0]], [P2, states[1]]]));
      expect(got.has(P3)).toBe(false);
      expect(await storage.read.profiles.getMany(WS_A, [])).toEqual(new Map());
    });

    test('getMany finds profiles over many chunks of ids', async (storage) => {
      const states: ProfileState[] = [];
      for (let i = 0; i < 250; i++) states.push(stateWith(asProfileId(`prf_${String(i).padStart(3, '0')}`), i));
      await inRun(storage, (stores) => stores.profiles.putMany(WS_A, states));
      const asked = states.filter((_, i) => i % 2 === 0).map((s) => s.profileId);
      asked.push(asProfileId('prf_missing'));
      const got = await storage.read.profiles.getMany(WS_A, asked);
      expect(got.size).toBe(125);
      expect(got.get(asProfileId('prf_248'))?.eventCount).toBe(248);
    });

    test('putMany replaces a stored profile; the last of two puts of one id in a call wins', async (storage) => {
      await inRun(storage, (stores) => stores.profiles.putMany(WS_A, [stateWith(P1, 1)]));
      await inRun(storage, (stores) => stores.profiles.putMany(WS_A, [stateWith(P1, 2), stateWith(P1, 5)]));
      expect((await storage.read.profiles.getMany(WS_A, [P1])).get(P1)?.eventCount).toBe(5);
      expect(await storage.read.profiles.count(WS_A)).toBe(1);
    });

    test('what getMany returns is a copy: changing it changes nothing stored', async (storage) => {
      const state = stateWith(P1, 1);
      await inRun(storage, (stores) => stores.profiles.putMany(WS_A, [state]));
      state.eventCount = 99;
      const first = (await storage.read.profiles.getMany(WS_A, [P1])).get(P1);
      expect(first?.eventCount).toBe(1);
      if (first !== undefined) first.eventCount = 42;
      expect((await storage.read.profiles.getMany(WS_A, [P1])).get(P1)?.eventCount).toBe(1);
    });

    test('deleteMany removes the given profiles only', async (storage) => {
      await inRun(storage, (stores) => stores.profiles.putMany(WS_A, [stateWith(P1, 1), stateWith(P2, 2), stateWith(P3, 3)]));
      await inRun(storage, (stores) => stores.profiles.deleteMany(WS_A, [P1, P3, asProfileId('prf_unknown')]));
      expect([...(await storage.read.profiles.getMany(WS_A, [P1, P2, P3])).keys()]).toEqual([P2]);
      await inRun(storage, (stores) => stores.profiles.deleteMany(WS_A, []));
      expect(await storage.read.profiles.count(WS_A)).toBe(1);
    });

    test('list pages by profileId ascending, strictly after afterId', async (storage) => {
      const names = ['prf_d', 'prf_a', 'prf_c', 'prf_e', 'prf_b'].map(asProfileId);
      await inRun(storage, (stores) => stores.profiles.putMany(WS_A, names.map((id, i) => stateWith(id, i))));
      expect(profileIds(await storage.read.profiles.list(WS_A, { afterId: null, limit: 2 }))).toEqual(['prf_a', 'prf_b']);
      expect(profileIds(await storage.read.profiles.list(WS_A, { afterId: asProfileId('prf_b'), limit: 2 }))).toEqual(['prf_c', 'prf_d']);
      expect(profileIds(await storage.read.profiles.list(WS_A, { afterId: asProfileId('prf_bb'), limit: 10 }))).toEqual([
        'prf_c',
        'prf_d',
        'prf_e',
      ]);
      expect(await storage.read.profiles.list(WS_A, { afterId: asProfileId('prf_e'), limit: 2 })).toEqual([]);
      const listed = await storage.read.profiles.list(WS_A, { afterId: null, limit: 1 });
      expect(listed[0]).toEqual(stateWith(asProfileId('prf_a'), 1));
    });

    test('list orders ids by code point, the same in every adapter', async (storage) => {
      const names = ['b', 'a\uFFFF', 'a\u{1F600}', 'a', 'B', 'é'].map(asProfileId);
      await inRun(storage, (stores) => stores.profiles.putMany(WS_A, names.map((id) => stateWith(id, 0))));
      expect(profileIds(await storage.read.profiles.list(WS_A, { afterId: null, limit: 10 }))).toEqual([
        'B',
        'a',
        'a\uFFFF',
        'a\u{1F600}',
        'b',
        'é',
      ]);
    });

    test('list rejects a limit that is not a positive integer', async (storage) => {
      await expect(storage.read.profiles.list(WS_A, { afterId: null, limit: 0 })).rejects.toThrow(/limit/);
    });

    test('the applied-seq watermark starts at 0, is kept per workspace, and rolls back with its run', async (storage) => {
      expect(await storage.read.profiles.getAppliedSeq(WS_A)).toBe(0);
      await inRun(storage, (stores) => stores.profiles.putAppliedSeq(WS_A, 41));
      await inRun(storage, (stores) => stores.profiles.putAppliedSeq(WS_A, 42));
      expect(await storage.read.profiles.getAppliedSeq(WS_A)).toBe(42);
      expect(await storage.read.profiles.getAppliedSeq(WS_B)).toBe(0);
      await expect(
        storage.uow.run('test:watermark-rollback', async (stores) => {
          await stores.profiles.putAppliedSeq(WS_A, 99);
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await storage.read.profiles.getAppliedSeq(WS_A)).toBe(42);
    });

    test('count and deleteAll cover exactly the workspace', async (storage) => {
      await inRun(storage, async (stores) => {
        await stores.profiles.putMany(WS_A, [stateWith(P1, 1), stateWith(P2, 2)]);
        await stores.profiles.putMany(WS_B, [stateWith(P1, 10)]);
      });
      expect(await storage.read.profiles.count(WS_A)).toBe(2);
      await inRun(storage, (stores) => stores.profiles.deleteAll(WS_A));
      expect(await storage.read.profiles.count(WS_A)).toBe(0);
      expect(await storage.read.profiles.list(WS_A, { afterId: null, limit: 10 })).toEqual([]);
      expect((await storage.read.profiles.getMany(WS_B, [P1])).get(P1)?.eventCount).toBe(10);
    });

    test('workspace isolation: profiles of A are invisible from B and untouched by B', async (storage) => {
      await inRun(storage, (stores) => stores.profiles.putMany(WS_A, [stateWith(P1, 1), stateWith(P2, 2)]));
      const b = storage.read.profiles;
      expect(await b.getMany(WS_B, [P1, P2])).toEqual(new Map());
      expect(await b.list(WS_B, { afterId: null, limit: 10 })).toEqual([]);
      expect(await b.count(WS_B)).toBe(0);
      await inRun(storage, async (stores) => {
        await stores.profiles.deleteMany(WS_B, [P1]);
        await stores.profiles.deleteAll(WS_B);
        await stores.profiles.putMany(WS_B, [stateWith(P1, 50)]);
      });
      expect((await storage.read.profiles.getMany(WS_A, [P1, P2])).size).toBe(2);
      expect((await storage.read.profiles.getMany(WS_A, [P1])).get(P1)?.eventCount).toBe(1);
    });
  });
}
