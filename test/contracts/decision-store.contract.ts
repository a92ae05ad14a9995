import { expect } from 'vitest';
import type { DecisionOutcome, DecisionRecord, StoredDecision } from '../../src/core/decisions/decision-record.js';
import type { WorkspaceId } from '../../src/core/shared/ids.js';
import { MS_PER_DAY } from '../../src/core/shared/time.js';
import type { Storage, Stores } from '../../src/ports/storage.js';
import type { ContractOptions, OpenStorage } from './contract-helpers.js';
import { P1, P2, P3, WS_A, WS_B, describeContract, inRun } from './contract-helpers.js';

const T0 = 20_000 * MS_PER_DAY;

/** `dec_` + 22 url-safe characters, as the engine makes them; `tag` keeps them readable. */
function decId(tag: string): string {
  return `dec_${tag.padEnd(22, '0')}`;
}

function decision(tag: string, overrides: Partial<DecisionRecord> = {}): DecisionRecord {
  return {
    id: decId(tag),
    profileId: P1,
    placement: 'home_hero',
    channel: 'web',
    atMs: T0,
    personalized: true,
    offerKey: 'spring10',
    offerPropensity: 0.625,
    discountPercent: 10,
    contentKey: 'banner_b',
    contentPropensity: 0.3333333333333333,
    items: ['sku_1', 'sku_é', 'sku_\u{1F600}'],
    context: { x: [1, -0.5, 0, 1e-9], segment: 'vip', nested: { deep: { list: [true, null, 'ü'] } }, none: null },
    ...overrides,
  };
}

function outcome(kind: DecisionOutcome['kind'], atMs: number, overrides: Partial<DecisionOutcome> = {}): DecisionOutcome {
  return { kind, atMs, value: kind === 'order' ? 42.5 : null, messageId: `msg_${kind}_${atMs}`, ...overrides };
}

const stored = (d: DecisionRecord, outcomes: readonly DecisionOutcome[] = []): StoredDecision => ({ ...d, outcomes });

const appendDecisions = (storage: Storage, workspace: WorkspaceId, decisions: readonly DecisionRecord[]): Promise<void> =>
  inRun(storage, (stores) => stores.decisions.appendMany(workspace, decisions));

/** Every page of a scan, `limit` at a time, concatenated. */
async function scanAll(storage: Storage, workspace: WorkspaceId, placement: string | null, limit: number): Promise<StoredDecision[]> {
  const out: StoredDecision[] = [];
  let after: { atMs: number; id: string } | null = null;
  for (;;) {
    const page = await storage.read.decisions.scan(workspace, { placement, after, limit });
    expect(page.length).toBeLessThanOrEqual(limit);
    out.push(...page);
    const last = page.at(-1);
    if (page.length < limit || last === undefined) return out;
    after = { atMs: last.atMs, id: last.id };
  }
}

/** Everything the decision store holds for a workspace, read through the read view. */
async function snapshot(storage: Storage, workspace: WorkspaceId): Promise<unknown> {
  const r = storage.read.decisions;
  return {
    count: await r.count(workspace),
    all: await r.scan(workspace, { placement: null, after: null, limit: 1000 }),
    p1: await r.listForProfile(workspace, P1, { sinceMs: 0, limit: 1000 }),
    p2: await r.listForProfile(workspace, P2, { sinceMs: 0, limit: 1000 }),
  };
}

/** Some decisions in `workspace`, with an outcome. */
async function seed(storage: Storage, workspace: WorkspaceId): Promise<void> {
  await inRun(storage, async (stores) => {
    await stores.decisions.appendMany(workspace, [
      decision('a', { atMs: T0 }),
      decision('b', { atMs: T0 + 1, profileId: P2 }),
      decision('c', { atMs: T0 + 2, profileId: null, placement: 'cart' }),
    ]);
    await stores.decisions.addOutcome(workspace, decId('a'), outcome('click', T0 + 10));
  });
}

/** Every write method of the decision store, each called once on `stores`. */
function everyWrite(stores: Stores, workspace: WorkspaceId): Record<string, () => Promise<unknown>> {
  const s = stores.decisions;
  return {
    appendMany: () => s.appendMany(workspace, [decision('new', { atMs: T0 + 5 })]),
    addOutcome: () => s.addOutcome(workspace, decId('a'), outcome('order', T0 + 20)),
    'addOutcome (on a new decision)': () => s.addOutcome(workspace, decId('new'), outcome('click', T0 + 21)),
    reassignProfile: () => s.reassignProfile(workspace, P2, P1),
  };
}

export function describeDecisionStoreContract(adapter: string, open: OpenStorage, opts: ContractOptions = {}): void {
  describeContract('DecisionStore', adapter, open, opts, (test) => {
    test('appendMany then get round-trips every field deep-equal, nulls included', async (storage) => {
      const full = decision('full');
      const bare = decision('bare', {
        profileId: null,
        personalized: false,
        offerKey: null,
        offerPropensity: null,
        discountPercent: null,
        contentKey: null,
        contentPropensity: null,
        items: [],
        context: {},
        placement: 'pdp_\u00e9\u{1F600}',
        channel: 'email',
        atMs: -5,
      });
      await appendDecisions(storage, WS_A, [full, bare]);
      expect(await storage.read.decisions.get(WS_A, full.id)).toEqual(stored(full));
      expect(await storage.read.decisions.get(WS_A, bare.id)).toEqual(stored(bare));
      expect(await storage.read.decisions.get(WS_A, decId('missing'))).toBeNull();
      expect(await storage.read.decisions.count(WS_A)).toBe(2);
    });

    test('appendMany stores the record fields only, and a later change to the caller object changes nothing', async (storage) => {
      const d = decision('x');
      const withExtra = { ...d, extra: 'not stored', items: [...d.items] } as DecisionRecord;
      await appendDecisions(storage, WS_A, [withExtra]);
      (withExtra.items as string[]).push('late');
      const got = await storage.read.decisions.get(WS_A, d.id);
      expect(got).toEqual(stored(d));
      expect(got).not.toHaveProperty('extra');
    });

    test('appendMany of nothing is a no-op; a duplicate id throws and leaves nothing of its batch', async (storage) => {
      await appendDecisions(storage, WS_A, []);
      expect(await storage.read.decisions.count(WS_A)).toBe(0);
      await appendDecisions(storage, WS_A, [decision('a')]);
      await inRun(storage, async (stores) => {
        await expect(stores.decisions.appendMany(WS_A, [decision('b'), decision('a', { atMs: T0 + 9 })])).rejects.toThrow();
        await expect(stores.decisions.appendMany(WS_A, [decision('c'), decision('c')])).rejects.toThrow();
        // A fractional instant: SQLite's STRICT INTEGER column refuses it; the memory adapter too.
        await expect(stores.decisions.appendMany(WS_A, [decision('d'), decision('e', { atMs: T0 + 0.5 })])).rejects.toThrow();
      });
      expect((await storage.read.decisions.scan(WS_A, { placement: null, after: null, limit: 10 })).map((d) => d.id)).toEqual([decId('a')]);
      expect(await storage.read.decisions.get(WS_A, decId('a'))).toEqual(stored(decision('a')));
    });

    test('listForProfile returns the window newest first, ties by id descending, up to limit', async (storage) => {
      await appendDecisions(storage, WS_A, [
        decision('old', { atMs: T0 - 1 }),
        decision('b', { atMs: T0 }),
        decision('a', { atMs: T0 + 5 }),
        decision('c', { atMs: T0 + 5 }),
        decision('z', { atMs: T0 + 3 }),
        decision('other', { atMs: T0 + 4, profileId: P2 }),
        decision('anon', { atMs: T0 + 4, profileId: null }),
      ]);
      const r = storage.read.decisions;
      const ids = async (sinceMs: number, limit: number) => (await r.listForProfile(WS_A, P1, { sinceMs, limit })).map((d) => d.id);
      expect(await ids(T0, 10)).toEqual([decId('c'), decId('a'), decId('z'), decId('b')]);
      expect(await ids(T0, 2)).toEqual([decId('c'), decId('a')]);
      expect(await ids(T0 + 4, 10)).toEqual([decId('c'), decId('a')]);
      expect(await ids(0, 10)).toEqual([decId('c'), decId('a'), decId('z'), decId('b'), decId('old')]);
      expect(await ids(T0 + 6, 10)).toEqual([]);
      expect((await r.listForProfile(WS_A, P2, { sinceMs: 0, limit: 10 })).map((d) => d.id)).toEqual([decId('other')]);
      expect(await r.listForProfile(WS_A, P3, { sinceMs: 0, limit: 10 })).toEqual([]);
      expect(await r.listForProfile(WS_A, P1, { sinceMs: T0 + 3, limit: 1 })).toEqual([stored(decision('c', { atMs: T0 + 5 }))]);
    });

    test('listForProfile and scan refuse a limit that is not a positive integer', async (storage) => {
      const r = storage.read.decisions;
      for (const limit of [0, -1, 1.5, Number.NaN]) {
        await expect(r.listForProfile(WS_A, P1, { sinceMs: 0, limit })).rejects.toThrow(RangeError);
        await expect(r.scan(WS_A, { placement: null, after: null, limit })).rejects.toThrow(RangeError);
      }
    });

    test('addOutcome records one outcome per kind: false on a repeat and for an unknown decision', async (storage) => {
      await appendDecisions(storage, WS_A, [decision('a'), decision('b')]);
      const click = outcome('click', T0 + 30);
      const order = outcome('order', T0 + 10, { value: 99.99 });
      const cart = outcome('add_to_cart', T0 + 20, { value: null });
      const results = await inRun(storage, async (stores) => [
        await stores.decisions.addOutcome(WS_A, decId('a'), click),
        await stores.decisions.addOutcome(WS_A, decId('a'), order),
        await stores.decisions.addOutcome(WS_A, decId('a'), outcome('click', T0 + 1, { messageId: 'msg_second_click' })),
        await stores.decisions.addOutcome(WS_A, decId('missing'), outcome('click', T0 + 1)),
        await stores.decisions.addOutcome(WS_B, decId('a'), outcome('click', T0 + 1)),
      ]);
      expect(results).toEqual([true, true, false, false, false]);
      expect(await inRun(storage, (stores) => stores.decisions.addOutcome(WS_A, decId('a'), cart))).toBe(true);
      expect(await inRun(storage, (stores) => stores.decisions.addOutcome(WS_A, decId('a'), order))).toBe(false);
      const expected = stored(decision('a'), [order, cart, click]);
      expect(await storage.read.decisions.get(WS_A, decId('a'))).toEqual(expected);
      expect(await storage.read.decisions.get(WS_A, decId('b'))).toEqual(stored(decision('b')));
      expect(await storage.read.decisions.get(WS_B, decId('a'))).toBeNull();
      // The paged reads carry the outcomes too.
      const page = await storage.read.decisions.scan(WS_A, { placement: null, after: null, limit: 10 });
      expect(page).toEqual([expected, stored(decision('b'))]);
      const mine = await storage.read.decisions.listForProfile(WS_A, P1, { sinceMs: 0, limit: 10 });
      expect(mine).toEqual([stored(decision('b')), expected]);
    });

    test('scan pages in (atMs, id) order with an exclusive cursor, over ties in atMs', async (storage) => {
      const tags = ['m', 'c', 'x', 'a', 'k', 'b', 'q', 'e', 'd'];
      // Three instants, three decisions each, appended out of order.
      const all = tags.map((tag, i) => decision(tag, { atMs: T0 + (i % 3) * 1000, placement: i % 2 === 0 ? 'home' : 'cart' }));
      await appendDecisions(storage, WS_A, all);
      const expected = [...all].sort((a, b) => a.atMs - b.atMs || (a.id < b.id ? -1 : 1)).map((d) => stored(d));
      for (const limit of [1, 2, 3, 4, 100]) expect(await scanAll(storage, WS_A, null, limit)).toEqual(expected);
      const r = storage.read.decisions;
      const second = expected[1] as StoredDecision;
      expect(await r.scan(WS_A, { placement: null, after: { atMs: second.atMs, id: second.id }, limit: 2 })).toEqual(expected.slice(2, 4));
      // A cursor between stored keys (an id that is not there) still starts right after it.
      expect(await r.scan(WS_A, { placement: null, after: { atMs: T0 + 1000, id: decId('') }, limit: 100 })).toEqual(
        expected.filter((d) => d.atMs >= T0 + 1000),
      );
      const last = expected.at(-1) as StoredDecision;
      expect(await r.scan(WS_A, { placement: null, after: { atMs: last.atMs, id: last.id }, limit: 10 })).toEqual([]);
    });

    test('scan with a placement returns only that placement, paged the same way', async (storage) => {
      const all = ['m', 'c', 'x', 'a', 'k', 'b', 'q'].map((tag, i) =>
        decision(tag, { atMs: T0 + (i % 2) * 10, placement: i % 3 === 0 ? 'cart' : 'home' }),
      );
      await appendDecisions(storage, WS_A, all);
      const ordered = [...all].sort((a, b) => a.atMs - b.atMs || (a.id < b.id ? -1 : 1)).map((d) => stored(d));
      for (const placement of ['cart', 'home']) {
        const expected = ordered.filter((d) => d.placement === placement);
        expect(expected.length).toBeGreaterThan(1);
        for (const limit of [1, 2, 100]) expect(await scanAll(storage, WS_A, placement, limit)).toEqual(expected);
      }
      expect(await storage.read.decisions.scan(WS_A, { placement: 'nowhere', after: null, limit: 10 })).toEqual([]);
    });

    test('reassignProfile moves every decision of a profile and says how many', async (storage) => {
      await appendDecisions(storage, WS_A, [
        decision('a', { atMs: T0, profileId: P2 }),
        decision('b', { atMs: T0 + 1, profileId: P2 }),
        decision('c', { atMs: T0 + 2, profileId: P1 }),
        decision('d', { atMs: T0 + 3, profileId: P3 }),
        decision('e', { atMs: T0 + 4, profileId: null }),
      ]);
      await appendDecisions(storage, WS_B, [decision('a', { profileId: P2 })]);
      await inRun(storage, (stores) => stores.decisions.addOutcome(WS_A, decId('a'), outcome('click', T0 + 9)));
      expect(await inRun(storage, (stores) => stores.decisions.reassignProfile(WS_A, P2, P1))).toBe(2);
      expect(await inRun(storage, (stores) => stores.decisions.reassignProfile(WS_A, P2, P1))).toBe(0);
      const r = storage.read.decisions;
      expect((await r.listForProfile(WS_A, P1, { sinceMs: 0, limit: 10 })).map((d) => d.id)).toEqual([decId('c'), decId('b'), decId('a')]);
      expect(await r.listForProfile(WS_A, P2, { sinceMs: 0, limit: 10 })).toEqual([]);
      expect((await r.listForProfile(WS_A, P3, { sinceMs: 0, limit: 10 })).map((d) => d.id)).toEqual([decId('d')]);
      expect(await r.get(WS_A, decId('a'))).toEqual(stored(decision('a', { atMs: T0, profileId: P1 }), [outcome('click', T0 + 9)]));
      expect(await r.get(WS_A, decId('e'))).toEqual(stored(decision('e', { atMs: T0 + 4, profileId: null })));
      // Another workspace's decisions of the same profile stay where they were.
      expect((await r.listForProfile(WS_B, P2, { sinceMs: 0, limit: 10 })).map((d) => d.id)).toEqual([decId('a')]);
    });

    test('count counts the workspace decisions', async (storage) => {
      expect(await storage.read.decisions.count(WS_A)).toBe(0);
      await appendDecisions(storage, WS_A, [decision('a'), decision('b'), decision('c', { profileId: null })]);
      await appendDecisions(storage, WS_A, [decision('d')]);
      await appendDecisions(storage, WS_B, [decision('a')]);
      expect(await storage.read.decisions.count(WS_A)).toBe(4);
      expect(await storage.read.decisions.count(WS_B)).toBe(1);
    });

    test('workspace isolation: every read of B ignores A, every write to B leaves A untouched', async (storage) => {
      await seed(storage, WS_A);
      const a = await snapshot(storage, WS_A);
      const r = storage.read.decisions;
      expect(await r.get(WS_B, decId('a'))).toBeNull();
      expect(await r.listForProfile(WS_B, P1, { sinceMs: 0, limit: 10 })).toEqual([]);
      expect(await r.scan(WS_B, { placement: null, after: null, limit: 10 })).toEqual([]);
      expect(await r.scan(WS_B, { placement: 'cart', after: null, limit: 10 })).toEqual([]);
      expect(await r.count(WS_B)).toBe(0);
      expect(await inRun(storage, (stores) => stores.decisions.reassignProfile(WS_B, P2, P1))).toBe(0);
      // The same ids in B are B's own decisions.
      await seed(storage, WS_B);
      await inRun(storage, async (stores) => {
        for (const write of Object.values(everyWrite(stores, WS_B))) await write();
      });
      expect(await snapshot(storage, WS_A)).toEqual(a);
      expect(await r.count(WS_B)).toBe(4);
    });

    test('a failing run rolls back every decision write', async (storage) => {
      await seed(storage, WS_A);
      const before = await snapshot(storage, WS_A);
      const failure = new Error('boom');
      const thrown = await inRun(storage, async (stores) => {
        for (const write of Object.values(everyWrite(stores, WS_A))) await write();
        expect(await stores.decisions.count(WS_A)).toBe(4);
        throw failure;
      }).catch((error: unknown) => error);
      expect(thrown).toBe(failure);
      expect(await snapshot(storage, WS_A)).toEqual(before);
      expect(await storage.read.decisions.get(WS_A, decId('new'))).toBeNull();
      // Nothing of it is left to collide with: the same writes succeed afterwards.
      const results = await inRun(storage, async (stores) => {
        const out: unknown[] = [];
        for (const write of Object.values(everyWrite(stores, WS_A))) out.push(await write());
        return out;
      });
      expect(results).toEqual([undefined, true, true, 1]);
    });

    test('the read view refuses every decision write', async (storage) => {
      await seed(storage, WS_A);
      const before = await snapshot(storage, WS_A);
      for (const [method, write] of Object.entries(everyWrite(storage.read, WS_A))) {
        await expect(write(), method).rejects.toThrow(/read-only/);
      }
      expect(await snapshot(storage, WS_A)).toEqual(before);
    });
  });
}
