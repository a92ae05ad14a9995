import { expect } from 'vitest';
import type { SegmentDefinition } from '../../src/core/segments/segment-definition.js';
import type { ProfileId, WorkspaceId } from '../../src/core/shared/ids.js';
import { asProfileId } from '../../src/core/shared/ids.js';
import { MS_PER_DAY, toEpochDay } from '../../src/core/shared/time.js';
import type { MembershipChange, NewMembershipChange, StoredModel, WebhookRecord } from '../../src/ports/segment-store.js';
import type { Storage, Stores } from '../../src/ports/storage.js';
import type { ContractOptions, OpenStorage } from './contract-helpers.js';
import { P1, P2, P3, WS_A, WS_B, describeContract, inRun } from './contract-helpers.js';

const DAY0 = 20_000 * MS_PER_DAY;

function definition(key: string, overrides: Partial<SegmentDefinition> = {}): SegmentDefinition {
  return {
    key,
    name: `Segment ${key}`,
    description: 'Bought twice in 30 days ✓',
    kind: 'rule',
    rule: {
      kind: 'and',
      children: [
        { kind: 'compare', path: 'features.rfm.segment', op: 'in', value: ['champions', 'loyal'] },
        { kind: 'did', event: 'Order Completed', count: { op: 'gte', value: 2 }, within: { days: 30 } },
        { kind: 'not', child: { kind: 'in_segment', segment: 'churned' } },
      ],
    },
    version: 1,
    createdAtMs: DAY0,
    updatedAtMs: DAY0 + 5,
    ...overrides,
  };
}

function enter(segmentKey: string, profileId: ProfileId, atMs: number, reasons: readonly string[] = [`in ${segmentKey}`]): NewMembershipChange {
  return { segmentKey, profileId, kind: 'enter', atMs, reasons, segmentVersion: 1 };
}

function exit(segmentKey: string, profileId: ProfileId, atMs: number): NewMembershipChange {
  return { segmentKey, profileId, kind: 'exit', atMs, reasons: [], segmentVersion: 1 };
}

function webhook(id: string, overrides: Partial<WebhookRecord> = {}): WebhookRecord {
  return {
    id,
    url: `https://example.test/hooks/${id}`,
    secret: `whsec_${id}`,
    segments: ['vip', 'churn_risk'],
    deliveredSeq: 0,
    failures: 0,
    nextAttemptAtMs: null,
    lastError: null,
    createdAtMs: DAY0,
    ...overrides,
  };
}

function model(kind: string, id: string, overrides: Partial<StoredModel> = {}): StoredModel {
  return {
    kind,
    id,
    body: { boundaries: { recency: [7, 30, 90, 180], monetary: [10.5, 99.99] }, labels: ['a', 'b'], note: null, ok: true },
    updatedAtMs: DAY0,
    ...overrides,
  };
}

const apply = (storage: Storage, workspace: WorkspaceId, changes: readonly NewMembershipChange[]): Promise<readonly MembershipChange[]> =>
  inRun(storage, (stores) => stores.segments.applyChanges(workspace, changes));

/** Everything the segment store holds for a workspace, read through the read view. */
async function snapshot(storage: Storage, workspace: WorkspaceId): Promise<unknown> {
  const r = storage.read.segments;
  return {
    definitions: await r.listDefinitions(workspace),
    memberships: await r.listAllMemberships(workspace),
    changes: await r.listChanges(workspace, { afterSeq: 0, limit: 1000 }),
    lastSeq: await r.lastChangeSeq(workspace),
    dailyVip: await r.dailyCounts(workspace, 'vip'),
    schedule: await r.listSchedule(workspace),
    webhooks: await r.listWebhooks(workspace),
    models: await r.listModels(workspace, 'rfm'),
  };
}

/** Some of everything in `workspace`. */
async function seed(storage: Storage, workspace: WorkspaceId): Promise<void> {
  await inRun(storage, async (stores) => {
    await stores.segments.putDefinition(workspace, definition('vip'));
    await stores.segments.putDefinition(workspace, definition('churn_risk'));
    await stores.segments.applyChanges(workspace, [enter('vip', P1, DAY0), enter('vip', P2, DAY0 + 1), enter('churn_risk', P1, DAY0 + 2)]);
    await stores.segments.putSchedule(workspace, [{ profileId: P1, dueAtMs: DAY0 + 100 }]);
    await stores.segments.putWebhook(workspace, webhook('wh_1'));
    await stores.segments.putModel(workspace, model('rfm', 'current'));
  });
}

/** Every write method of the segment store, each called once on `stores`. */
function everyWrite(stores: Stores, workspace: WorkspaceId): Record<string, () => Promise<unknown>> {
  const s = stores.segments;
  return {
    putDefinition: () => s.putDefinition(workspace, definition('new_one')),
    'putDefinition (replace)': () => s.putDefinition(workspace, definition('vip', { version: 2, name: 'changed' })),
    applyChanges: () => s.applyChanges(workspace, [enter('vip', P3, DAY0 + 9), exit('vip', P1, DAY0 + 9), enter('vip', P2, DAY0 + 10)]),
    deleteDefinition: () => s.deleteDefinition(workspace, 'churn_risk'),
    putSchedule: () =>
      s.putSchedule(workspace, [
        { profileId: P1, dueAtMs: null },
        { profileId: P2, dueAtMs: DAY0 + 7 },
      ]),
    putWebhook: () => s.putWebhook(workspace, webhook('wh_1', { deliveredSeq: 3, failures: 2, lastError: 'HTTP 500' })),
    deleteWebhook: () => s.deleteWebhook(workspace, 'wh_1'),
    putModel: () => s.putModel(workspace, model('rfm', 'current', { body: 'replaced' })),
    deleteModel: () => s.deleteModel(workspace, 'rfm', 'current'),
    deleteAllMemberships: () => s.deleteAllMemberships(workspace),
    'applyChanges (after deleteAll)': () => s.applyChanges(workspace, [enter('late', P1, DAY0 + 11)]),
  };
}

export function describeSegmentStoreContract(adapter: string, open: OpenStorage, opts: ContractOptions = {}): void {
  describeContract('SegmentStore', adapter, open, opts, (test) => {
    // ------------------------------------------------------------ definitions

    test('putDefinition then list/get round-trip definitions deep-equal, listed by key', async (storage) => {
      const b = definition('vip');
      const a = definition('at_risk', { kind: 'rfm', rule: { kind: 'compare', path: 'features.rfm.segment', op: 'eq', value: 'at_risk' } });
      await inRun(storage, async (stores) => {
        await stores.segments.putDefinition(WS_A, b);
        await stores.segments.putDefinition(WS_A, a);
      });
      expect(await storage.read.segments.listDefinitions(WS_A)).toEqual([a, b]);
      expect(await storage.read.segments.getDefinition(WS_A, 'vip')).toEqual(b);
      expect(await storage.read.segments.getDefinition(WS_A, 'missing')).toBeNull();
    });

    test('putDefinition replaces the definition with the same key', async (storage) => {
      await inRun(storage, (stores) => stores.segments.putDefinition(WS_A, definition('vip')));
      const edited = definition('vip', { version: 2, name: 'VIP', updatedAtMs: DAY0 + 60_000 });
      await inRun(storage, (stores) => stores.segments.putDefinition(WS_A, edited));
      expect(await storage.read.segments.listDefinitions(WS_A)).toEqual([edited]);
    });

    test('deleteDefinition removes it and its current memberships, keeps history and schedule, says whether it existed', async (storage) => {
      await seed(storage, WS_A);
      const history = await storage.read.segments.listChanges(WS_A, { afterSeq: 0, limit: 100 });
      expect(await inRun(storage, (stores) => stores.segments.deleteDefinition(WS_A, 'vip'))).toBe(true);
      expect(await inRun(storage, (stores) => stores.segments.deleteDefinition(WS_A, 'vip'))).toBe(false);
      expect((await storage.read.segments.listDefinitions(WS_A)).map((d) => d.key)).toEqual(['churn_risk']);
      expect(await storage.read.segments.getDefinition(WS_A, 'vip')).toBeNull();
      expect((await storage.read.segments.listAllMemberships(WS_A)).map((m) => [m.segmentKey, m.profileId])).toEqual([['churn_risk', P1]]);
      expect(await storage.read.segments.listMembers(WS_A, 'vip', { afterProfileId: null, limit: 10 })).toEqual([]);
      expect(await storage.read.segments.listChanges(WS_A, { afterSeq: 0, limit: 100 })).toEqual(history);
      expect(await storage.read.segments.listSchedule(WS_A)).toEqual([{ profileId: P1, dueAtMs: DAY0 + 100 }]);
    });

    // ------------------------------------------------------------ memberships and history

    test('applyChanges numbers the changes in order and returns them with their seqs', async (storage) => {
      const first = [enter('vip', P2, DAY0, ['spent 500 EUR', 'ordered 3 times']), enter('vip', P1, DAY0 + 1), exit('vip', P2, DAY0 + 2)];
      const applied = await apply(storage, WS_A, first);
      expect(applied.map(({ seq: _seq, ...rest }) => rest)).toEqual(first);
      const seqs = applied.map((c) => c.seq);
      expect(seqs.every((seq, i) => Number.isInteger(seq) && seq > 0 && (i === 0 || seq > (seqs[i - 1] ?? 0)))).toBe(true);
      const second = await apply(storage, WS_A, [enter('other', P3, DAY0 + 3)]);
      expect(second[0]?.seq).toBeGreaterThan(seqs[2] ?? Infinity);
      expect(await apply(storage, WS_A, [])).toEqual([]);
      expect(await storage.read.segments.listChanges(WS_A, { afterSeq: 0, limit: 100 })).toEqual([...applied, ...second]);
    });

    test('an enter makes a member, an exit removes it, in the order of the batch', async (storage) => {
      await apply(storage, WS_A, [
        enter('vip', P1, DAY0, ['r1']),
        enter('vip', P2, DAY0),
        exit('vip', P2, DAY0 + 1),
        exit('vip', P3, DAY0 + 1),
        enter('vip', P3, DAY0 + 2, ['r3']),
        enter('new', P1, DAY0 + 3, []),
      ]);
      expect(await storage.read.segments.listAllMemberships(WS_A)).toEqual([
        { segmentKey: 'new', profileId: P1, enteredAtMs: DAY0 + 3, reasons: [] },
        { segmentKey: 'vip', profileId: P1, enteredAtMs: DAY0, reasons: ['r1'] },
        { segmentKey: 'vip', profileId: P3, enteredAtMs: DAY0 + 2, reasons: ['r3'] },
      ]);
      // An exit of a non-member is still recorded.
      expect((await storage.read.segments.listChanges(WS_A, { afterSeq: 0, limit: 100 })).length).toBe(6);
    });

    test('a re-enter replaces enteredAt and reasons', async (storage) => {
      await apply(storage, WS_A, [enter('vip', P1, DAY0, ['old'])]);
      await apply(storage, WS_A, [enter('vip', P1, DAY0 + 50, ['new', 'reasons'])]);
      expect(await storage.read.segments.listAllMemberships(WS_A)).toEqual([
        { segmentKey: 'vip', profileId: P1, enteredAtMs: DAY0 + 50, reasons: ['new', 'reasons'] },
      ]);
      await apply(storage, WS_A, [exit('vip', P1, DAY0 + 60), enter('vip', P1, DAY0 + 70, ['back'])]);
      expect(await storage.read.segments.listMembers(WS_A, 'vip', { afterProfileId: null, limit: 10 })).toEqual([
        { segmentKey: 'vip', profileId: P1, enteredAtMs: DAY0 + 70, reasons: ['back'] },
      ]);
    });

    test('listAllMemberships orders by segment key then profile id, in byte order', async (storage) => {
      const ids = ['prf_b', 'prf_B', 'prf_a', 'prf_é', 'prf_\u{1F600}', 'prf_\uFFFD'].map(asProfileId);
      await apply(storage, WS_A, [
        ...ids.map((id, i) => enter('seg_b', id, DAY0 + i)),
        ...ids.map((id, i) => enter('Seg_a', id, DAY0 + i)),
        ...ids.map((id, i) => enter('seg_a', id, DAY0 + i)),
      ]);
      const sorted = ['prf_B', 'prf_a', 'prf_b', 'prf_é', 'prf_\uFFFD', 'prf_\u{1F600}'];
      const all = await storage.read.segments.listAllMemberships(WS_A);
      expect(all.map((m) => `${m.segmentKey}/${m.profileId}`)).toEqual(
        ['Seg_a', 'seg_a', 'seg_b'].flatMap((key) => sorted.map((id) => `${key}/${id}`)),
      );
    });

    test('listMembers pages through one segment by profile id', async (storage) => {
      const ids = Array.from({ length: 7 }, (_, i) => asProfileId(`prf_${String(i).padStart(2, '0')}`));
      await apply(storage, WS_A, [...[...ids].reverse().map((id) => enter('vip', id, DAY0)), enter('other', P1, DAY0)]);
      const seen: ProfileId[] = [];
      let after: ProfileId | null = null;
      for (;;) {
        const page = await storage.read.segments.listMembers(WS_A, 'vip', { afterProfileId: after, limit: 3 });
        if (page.length === 0) break;
        expect(page.length).toBeLessThanOrEqual(3);
        expect(page.every((m) => m.segmentKey === 'vip')).toBe(true);
        seen.push(...page.map((m) => m.profileId));
        after = page[page.length - 1]?.profileId ?? null;
      }
      expect(seen).toEqual(ids);
      expect(await storage.read.segments.listMembers(WS_A, 'vip', { afterProfileId: asProfileId('prf_04'), limit: 100 })).toEqual(
        ids.slice(5).map((profileId) => ({ segmentKey: 'vip', profileId, enteredAtMs: DAY0, reasons: ['in vip'] })),
      );
      expect(await storage.read.segments.listMembers(WS_A, 'missing', { afterProfileId: null, limit: 3 })).toEqual([]);
      await expect(storage.read.segments.listMembers(WS_A, 'vip', { afterProfileId: null, limit: 0 })).rejects.toThrow(RangeError);
    });

    test('listChanges filters by afterSeq, limit, segments and profile, in seq order', async (storage) => {
      const all = await apply(storage, WS_A, [
        enter('vip', P1, DAY0),
        enter('churn', P2, DAY0 + 1),
        enter('vip', P2, DAY0 + 2),
        exit('vip', P1, DAY0 + 3),
        enter('other', P1, DAY0 + 4),
        exit('churn', P2, DAY0 + 5),
      ]);
      const seqOf = (i: number): number => all[i]?.seq ?? -1;
      const list = (o: Parameters<Stores['segments']['listChanges']>[1]) => storage.read.segments.listChanges(WS_A, o);
      expect(await list({ afterSeq: 0, limit: 100 })).toEqual(all);
      expect(await list({ afterSeq: seqOf(1), limit: 2 })).toEqual(all.slice(2, 4));
      expect(await list({ afterSeq: seqOf(5), limit: 10 })).toEqual([]);
      expect(await list({ afterSeq: 0, limit: 100, segmentKeys: ['vip', 'other'] })).toEqual([all[0], all[2], all[3], all[4]]);
      expect(await list({ afterSeq: seqOf(0), limit: 2, segmentKeys: ['vip', 'other'] })).toEqual([all[2], all[3]]);
      expect(await list({ afterSeq: 0, limit: 100, segmentKeys: [] })).toEqual(all);
      expect(await list({ afterSeq: 0, limit: 100, segmentKeys: ['nothing'] })).toEqual([]);
      expect(await list({ afterSeq: 0, limit: 100, profileId: P1 })).toEqual([all[0], all[3], all[4]]);
      expect(await list({ afterSeq: seqOf(0), limit: 1, profileId: P1 })).toEqual([all[3]]);
      expect(await list({ afterSeq: 0, limit: 100, profileId: P2, segmentKeys: ['churn'] })).toEqual([all[1], all[5]]);
      expect(await list({ afterSeq: 0, limit: 100, profileId: P3 })).toEqual([]);
      await expect(list({ afterSeq: 0, limit: 0 })).rejects.toThrow(RangeError);
    });

    test('lastChangeSeq is 0, then the last seq assigned; deleteAllMemberships does not lower it', async (storage) => {
      expect(await storage.read.segments.lastChangeSeq(WS_A)).toBe(0);
      const applied = await apply(storage, WS_A, [enter('vip', P1, DAY0), enter('vip', P2, DAY0)]);
      const last = applied[1]?.seq ?? -1;
      expect(await storage.read.segments.lastChangeSeq(WS_A)).toBe(last);
      await inRun(storage, (stores) => stores.segments.deleteAllMemberships(WS_A));
      expect(await storage.read.segments.lastChangeSeq(WS_A)).toBe(last);
      // Seqs are never reused: a webhook that delivered up to `last` sees the re-derived changes.
      const again = await apply(storage, WS_A, [enter('vip', P1, DAY0 + 1)]);
      expect(again[0]?.seq).toBeGreaterThan(last);
      expect(await storage.read.segments.lastChangeSeq(WS_A)).toBe(again[0]?.seq);
      expect(await storage.read.segments.listChanges(WS_A, { afterSeq: last, limit: 10 })).toEqual(again);
    });

    test('dailyCounts counts one segment’s enters and exits per UTC day, in day order', async (storage) => {
      const day = (d: number, ms = 0): number => DAY0 + d * MS_PER_DAY + ms;
      await apply(storage, WS_A, [
        enter('vip', P1, day(2, 5)),
        enter('vip', P2, day(0, MS_PER_DAY - 1)),
        enter('vip', P3, day(0)),
        exit('vip', P2, day(2, 1)),
        exit('vip', P3, day(5)),
        enter('other', P1, day(1)),
        enter('vip', P3, -1),
      ]);
      expect(await storage.read.segments.dailyCounts(WS_A, 'vip')).toEqual([
        { day: -1, enters: 1, exits: 0 },
        { day: toEpochDay(DAY0), enters: 2, exits: 0 },
        { day: toEpochDay(DAY0) + 2, enters: 1, exits: 1 },
        { day: toEpochDay(DAY0) + 5, enters: 0, exits: 1 },
      ]);
      expect(await storage.read.segments.dailyCounts(WS_A, 'missing')).toEqual([]);
    });

    test('deleteAllMemberships removes memberships and history, keeps definitions, schedule, webhooks and models', async (storage) => {
      await seed(storage, WS_A);
      const before = (await snapshot(storage, WS_A)) as Record<string, unknown>;
      await inRun(storage, (stores) => stores.segments.deleteAllMemberships(WS_A));
      expect(await snapshot(storage, WS_A)).toEqual({ ...before, memberships: [], changes: [], dailyVip: [] });
      // Deleting an empty workspace is fine.
      await inRun(storage, (stores) => stores.segments.deleteAllMemberships(WS_B));
    });

    // ------------------------------------------------------------ schedule, webhooks, models

    test('putSchedule sets, replaces and (with null) removes due times; listSchedule orders by due then profile', async (storage) => {
      await inRun(storage, (stores) =>
        stores.segments.putSchedule(WS_A, [
          { profileId: P3, dueAtMs: DAY0 + 10 },
          { profileId: P2, dueAtMs: DAY0 + 20 },
          { profileId: P1, dueAtMs: DAY0 + 20 },
        ]),
      );
      expect(await storage.read.segments.listSchedule(WS_A)).toEqual([
        { profileId: P3, dueAtMs: DAY0 + 10 },
        { profileId: P1, dueAtMs: DAY0 + 20 },
        { profileId: P2, dueAtMs: DAY0 + 20 },
      ]);
      await inRun(storage, (stores) =>
        stores.segments.putSchedule(WS_A, [
          { profileId: P3, dueAtMs: DAY0 + 30 },
          { profileId: P1, dueAtMs: null },
          { profileId: asProfileId('prf_never_scheduled'), dueAtMs: null },
        ]),
      );
      await inRun(storage, (stores) => stores.segments.putSchedule(WS_A, []));
      expect(await storage.read.segments.listSchedule(WS_A)).toEqual([
        { profileId: P2, dueAtMs: DAY0 + 20 },
        { profileId: P3, dueAtMs: DAY0 + 30 },
      ]);
    });

    test('webhooks: put inserts or replaces by id (deliveredSeq updates), list by creation then id, delete says whether it existed', async (storage) => {
      const w2 = webhook('wh_2', { createdAtMs: DAY0 - 1, segments: [] });
      const w1 = webhook('wh_1');
      const w0 = webhook('wh_0', { nextAttemptAtMs: DAY0 + 60_000, failures: 3, lastError: 'timeout after 10 s ✗' });
      await inRun(storage, async (stores) => {
        for (const w of [w1, w2, w0]) await stores.segments.putWebhook(WS_A, w);
      });
      expect(await storage.read.segments.listWebhooks(WS_A)).toEqual([w2, w0, w1]);
      const delivered = { ...w1, deliveredSeq: 42, failures: 0, nextAttemptAtMs: null, lastError: null };
      await inRun(storage, (stores) => stores.segments.putWebhook(WS_A, delivered));
      expect(await storage.read.segments.listWebhooks(WS_A)).toEqual([w2, w0, delivered]);
      expect(await inRun(storage, (stores) => stores.segments.deleteWebhook(WS_A, 'wh_0'))).toBe(true);
      expect(await inRun(storage, (stores) => stores.segments.deleteWebhook(WS_A, 'wh_0'))).toBe(false);
      expect((await storage.read.segments.listWebhooks(WS_A)).map((w) => w.id)).toEqual(['wh_2', 'wh_1']);
    });

    test('models: put inserts or replaces by (kind, id), get and list one kind by id, delete says whether it existed', async (storage) => {
      const b = model('rfm', 'b');
      const a = model('rfm', 'a', { body: [1, 2.5, 'x', { nested: [true, null] }] });
      const cluster = model('clustering', 'a', { body: 7 });
      await inRun(storage, async (stores) => {
        for (const m of [b, a, cluster]) await stores.segments.putModel(WS_A, m);
      });
      expect(await storage.read.segments.listModels(WS_A, 'rfm')).toEqual([a, b]);
      expect(await storage.read.segments.listModels(WS_A, 'clustering')).toEqual([cluster]);
      expect(await storage.read.segments.listModels(WS_A, 'none')).toEqual([]);
      expect(await storage.read.segments.getModel(WS_A, 'clustering', 'a')).toEqual(cluster);
      expect(await storage.read.segments.getModel(WS_A, 'clustering', 'b')).toBeNull();
      const replaced = model('rfm', 'a', { body: { v: 2 }, updatedAtMs: DAY0 + 1 });
      await inRun(storage, (stores) => stores.segments.putModel(WS_A, replaced));
      expect(await storage.read.segments.getModel(WS_A, 'rfm', 'a')).toEqual(replaced);
      expect(await inRun(storage, (stores) => stores.segments.deleteModel(WS_A, 'rfm', 'a'))).toBe(true);
      expect(await inRun(storage, (stores) => stores.segments.deleteModel(WS_A, 'rfm', 'a'))).toBe(false);
      expect(await storage.read.segments.listModels(WS_A, 'rfm')).toEqual([b]);
      expect(await storage.read.segments.getModel(WS_A, 'clustering', 'a')).toEqual(cluster);
    });

    // ------------------------------------------------------------ transactions and isolation

    test('a failing run rolls back every segment write, and numbering continues as if it never ran', async (storage) => {
      await seed(storage, WS_A);
      const before = await snapshot(storage, WS_A);
      const lastSeq = await storage.read.segments.lastChangeSeq(WS_A);
      const failure = new Error('boom');
      const thrown = await inRun(storage, async (stores) => {
        for (const write of Object.values(everyWrite(stores, WS_A))) await write();
        throw failure;
      }).catch((error: unknown) => error);
      expect(thrown).toBe(failure);
      expect(await snapshot(storage, WS_A)).toEqual(before);
      expect(await storage.read.segments.getDefinition(WS_A, 'new_one')).toBeNull();
      expect(await storage.read.segments.listModels(WS_A, 'clustering')).toEqual([]);
      const next = await apply(storage, WS_A, [enter('vip', P3, DAY0 + 20)]);
      expect(next[0]?.seq).toBeGreaterThan(lastSeq);
      expect(await storage.read.segments.lastChangeSeq(WS_A)).toBe(next[0]?.seq);
    });

    test('applyChanges that fails halfway leaves nothing of its batch, even when the run goes on and commits', async (storage) => {
      await apply(storage, WS_A, [enter('vip', P1, DAY0)]);
      const before = await snapshot(storage, WS_A);
      await inRun(storage, async (stores) => {
        // A fractional instant: SQLite's STRICT INTEGER column refuses it; the memory adapter too.
        const bad = [enter('vip', P2, DAY0 + 1), exit('vip', P1, DAY0 + 2), enter('vip', P3, DAY0 + 2.5)];
        await expect(stores.segments.applyChanges(WS_A, bad)).rejects.toThrow();
        const wrongKind = { ...enter('vip', P2, DAY0), kind: 'joined' } as unknown as NewMembershipChange;
        await expect(stores.segments.applyChanges(WS_A, [enter('vip', P3, DAY0), wrongKind])).rejects.toThrow();
      });
      expect(await snapshot(storage, WS_A)).toEqual(before);
    });

    test('the read view refuses every segment write', async (storage) => {
      await seed(storage, WS_A);
      const before = await snapshot(storage, WS_A);
      for (const [method, write] of Object.entries(everyWrite(storage.read, WS_A))) {
        await expect(write(), method).rejects.toThrow(/read-only/);
      }
      expect(await snapshot(storage, WS_A)).toEqual(before);
    });

    test('workspace isolation: every read of B ignores A, every write to B leaves A untouched', async (storage) => {
      await seed(storage, WS_A);
      const a = await snapshot(storage, WS_A);
      const r = storage.read.segments;
      expect(await r.listDefinitions(WS_B)).toEqual([]);
      expect(await r.getDefinition(WS_B, 'vip')).toBeNull();
      expect(await r.listAllMemberships(WS_B)).toEqual([]);
      expect(await r.listMembers(WS_B, 'vip', { afterProfileId: null, limit: 10 })).toEqual([]);
      expect(await r.listChanges(WS_B, { afterSeq: 0, limit: 10 })).toEqual([]);
      expect(await r.listChanges(WS_B, { afterSeq: 0, limit: 10, profileId: P1, segmentKeys: ['vip'] })).toEqual([]);
      expect(await r.lastChangeSeq(WS_B)).toBe(0);
      expect(await r.dailyCounts(WS_B, 'vip')).toEqual([]);
      expect(await r.listSchedule(WS_B)).toEqual([]);
      expect(await r.listWebhooks(WS_B)).toEqual([]);
      expect(await r.listModels(WS_B, 'rfm')).toEqual([]);
      expect(await r.getModel(WS_B, 'rfm', 'current')).toBeNull();

      // Deletes aimed at B find nothing.
      await inRun(storage, async (stores) => {
        expect(await stores.segments.deleteDefinition(WS_B, 'vip')).toBe(false);
        expect(await stores.segments.deleteWebhook(WS_B, 'wh_1')).toBe(false);
        expect(await stores.segments.deleteModel(WS_B, 'rfm', 'current')).toBe(false);
        await stores.segments.deleteAllMemberships(WS_B);
        await stores.segments.putSchedule(WS_B, [{ profileId: P1, dueAtMs: null }]);
      });
      expect(await snapshot(storage, WS_A)).toEqual(a);

      // The same keys written in B are B's own; A is unchanged, and B numbers its changes itself.
      await inRun(storage, async (stores) => {
        for (const write of Object.values(everyWrite(stores, WS_B))) await write();
      });
      expect(await snapshot(storage, WS_A)).toEqual(a);
      const b = (await snapshot(storage, WS_B)) as { changes: MembershipChange[]; lastSeq: number };
      expect(b.changes.map((c) => c.segmentKey)).toEqual(['late']);
      expect(b.lastSeq).toBe(b.changes[0]?.seq);
      expect(await r.listChanges(WS_B, { afterSeq: 0, limit: 10, profileId: P1 })).toEqual(b.changes);
      // A's numbering goes on from its own last seq.
      const lastA = await r.lastChangeSeq(WS_A);
      expect((await apply(storage, WS_A, [enter('vip', P3, DAY0)]))[0]?.seq).toBeGreaterThan(lastA);
    });
  });
}
