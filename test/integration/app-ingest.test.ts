import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_WORKSPACE_ID } from '../../src/core/shared/ids.js';
import type { ProfileState } from '../../src/core/profiles/profile-state.js';
import type { AttuneApp, IngestRequest } from '../../src/app/attune-app.js';
import { AppError } from '../../src/app/app-error.js';
import type { TestApp } from '../helpers/open-test-app.js';
import { openTestApp, TEST_ENGINES } from '../helpers/open-test-app.js';

const WS = DEFAULT_WORKSPACE_ID;
const T0 = Date.parse('2026-01-10T10:00:00.000Z');
const HOUR = 3_600_000;

function request(events: unknown[]): IngestRequest {
  return { workspaceId: WS, events, receivedAtMs: T0 + 1000 * HOUR, impliedType: null, batchSentAt: null };
}

function order(userId: string, id: string, atMs: number, revenue: number, extra: Record<string, unknown> = {}) {
  return {
    type: 'track',
    event: 'Order Completed',
    userId,
    messageId: id,
    timestamp: new Date(atMs).toISOString(),
    properties: { order_id: id, revenue, products: [{ product_id: 'p1', category: 'Mugs', price: revenue, quantity: 1 }] },
    ...extra,
  };
}

async function allProfiles(app: AttuneApp): Promise<ProfileState[]> {
  const out: ProfileState[] = [];
  let afterId: ProfileState['profileId'] | null = null;
  for (;;) {
    const page = await app.listProfiles(WS, { afterId, limit: 100 });
    const last = page[page.length - 1];
    if (last === undefined) return out;
    out.push(...page);
    afterId = last.profileId;
  }
}

describe.each(TEST_ENGINES)('ingestion and profiles on %s', (engine) => {
  let t: TestApp;
  afterEach(async () => {
    await t.close();
  });

  it('stores good events, reports bad ones by index, and builds the profile', async () => {
    t = await openTestApp(engine);
    const outcome = await t.app.ingest(
      request([
        { type: 'identify', userId: 'u1', messageId: 'm1', timestamp: new Date(T0).toISOString(), traits: { email: 'a@example.com', plan: 'pro' } },
        { type: 'track', userId: 'u1', messageId: 'm2' }, // no event name
        order('u1', 'm3', T0 + HOUR, 42.5),
        'not an event',
      ]),
    );
    expect(outcome.accepted).toBe(2);
    expect(outcome.duplicates).toBe(0);
    expect(outcome.rejected.map((r) => [r.index, r.code, r.field])).toEqual([
      [1, 'ERR_EVENT_NAME_MISSING', 'event'],
      [3, 'ERR_EVENT_NOT_OBJECT', null],
    ]);
    const view = await t.app.getProfile(WS, { kind: 'user_id', value: 'u1' }, T0 + 2 * HOUR);
    expect(view?.traits['plan']).toBe('pro');
    expect(view?.features.frequency).toBe(1);
    expect(view?.features.monetary).toBeCloseTo(42.5, 6);
    expect(view?.identities.map((i) => `${i.kind}:${i.value}`)).toEqual(['user_id:u1']);
  });

  it('makes retries idempotent: the same messageIds are acknowledged as duplicates and not counted twice', async () => {
    t = await openTestApp(engine);
    const batch = [order('u1', 'o1', T0, 10), order('u1', 'o2', T0 + HOUR, 20), order('u1', 'o2', T0 + HOUR, 20)];
    const first = await t.app.ingest(request(batch));
    expect(first).toMatchObject({ accepted: 2, duplicates: 1 });
    const again = await t.app.ingest(request(batch));
    expect(again).toMatchObject({ accepted: 0, duplicates: 3 });
    const view = await t.app.getProfile(WS, { kind: 'user_id', value: 'u1' }, T0 + 2 * HOUR);
    expect(view?.features.frequency).toBe(2);
    expect(view?.features.monetary).toBeCloseTo(30, 6);
  });

  it('stitches an anonymous visitor to the user on identify and keeps the merge explainable', async () => {
    t = await openTestApp(engine);
    await t.app.ingest(
      request([
        { type: 'page', anonymousId: 'anon-1', messageId: 'p1', timestamp: new Date(T0).toISOString(), name: 'Home' },
        { type: 'track', anonymousId: 'anon-1', event: 'Product Viewed', messageId: 'v1', timestamp: new Date(T0 + 1000).toISOString(), properties: { product_id: 'p1', category: 'Mugs' } },
      ]),
    );
    await t.app.ingest(request([order('u9', 'o9', T0 + HOUR, 15)]));
    // The user logs in on the device they browsed with: two profiles prove to be one.
    await t.app.ingest(
      request([{ type: 'identify', userId: 'u9', anonymousId: 'anon-1', messageId: 'i1', timestamp: new Date(T0 + 2 * HOUR).toISOString(), traits: { name: 'Ada' } }]),
    );
    const byAnon = await t.app.getProfile(WS, { kind: 'anonymous_id', value: 'anon-1' }, T0 + 3 * HOUR);
    const byUser = await t.app.getProfile(WS, { kind: 'user_id', value: 'u9' }, T0 + 3 * HOUR);
    expect(byAnon?.profileId).toBe(byUser?.profileId);
    expect(byUser?.features.pageViews).toBe(1);
    expect(byUser?.features.productViews).toBe(1);
    expect(byUser?.features.frequency).toBe(1);
    expect(byUser?.merges).toHaveLength(1);
    expect(byUser?.merges[0]).toMatchObject({ reason: 'identified', messageId: 'i1' });
    expect(await t.app.countProfiles(WS)).toBe(1);
    const timeline = await t.app.getTimeline(WS, { kind: 'user_id', value: 'u9' }, { limit: 10, before: null });
    expect(timeline?.events.map((e) => e.messageId)).toEqual(['i1', 'o9', 'v1', 'p1']);
  });

  it('gives the same profile whatever order the events arrive in', async () => {
    const events = [
      { type: 'identify', userId: 'u1', messageId: 'e1', timestamp: new Date(T0).toISOString(), traits: { tier: 'bronze' } },
      { type: 'track', userId: 'u1', event: 'Product Added', messageId: 'e2', timestamp: new Date(T0 + HOUR).toISOString(), properties: { product_id: 'p1', category: 'Mugs', price: 5 } },
      order('u1', 'e3', T0 + 2 * HOUR, 5),
      { type: 'identify', userId: 'u1', messageId: 'e4', timestamp: new Date(T0 + 30 * 24 * HOUR).toISOString(), traits: { tier: 'gold' } },
      order('u1', 'e5', T0 + 31 * 24 * HOUR, 80),
    ];
    t = await openTestApp(engine);
    for (const e of events) await t.app.ingest(request([e]));
    const inOrder = await allProfiles(t.app);
    await t.close();

    t = await openTestApp(engine);
    // Late arrivals, one per request so each lands in its own commit.
    for (const i of [4, 0, 2, 3, 1]) await t.app.ingest(request([events[i]]));
    const shuffled = await allProfiles(t.app);
    expect(shuffled).toEqual(inOrder);
    const view = await t.app.getProfile(WS, { kind: 'user_id', value: 'u1' }, T0 + 32 * 24 * HOUR);
    expect(view?.traits['tier']).toBe('gold');
  });

  it('commits concurrent requests together and answers each with its own counts', async () => {
    t = await openTestApp(engine);
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, r) =>
        t.app.ingest(request(Array.from({ length: 10 }, (_, i) => order(`u${r}`, `r${r}-${i}`, T0 + i * HOUR, 1)))),
      ),
    );
    expect(outcomes.every((o) => o.accepted === 10 && o.duplicates === 0)).toBe(true);
    expect(await t.app.countProfiles(WS)).toBe(20);
  });

  it('refuses with a retryable error when the queue is full instead of growing memory', async () => {
    t = await openTestApp(engine, { config: { maxQueuedEvents: 50, maxEventsPerCommit: 10 } });
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, r) => t.app.ingest(request(Array.from({ length: 10 }, (_, i) => order(`u${r}`, `q${r}-${i}`, T0, 1))))),
    );
    const refused = results.filter((r) => r.status === 'rejected');
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused) {
      const reason: unknown = r.reason;
      expect(reason).toBeInstanceOf(AppError);
      if (reason instanceof AppError) {
        expect(reason.code).toBe('ERR_INGEST_OVERLOADED');
        expect(reason.retryAfterSeconds).toBeGreaterThan(0);
      }
    }
    expect(results.some((r) => r.status === 'fulfilled')).toBe(true);
  });

  it('rebuild replays the log into exactly the same profiles, identities and merges', async () => {
    t = await openTestApp(engine);
    await t.app.ingest(
      request([
        { type: 'page', anonymousId: 'a1', messageId: 'x1', timestamp: new Date(T0).toISOString() },
        order('u1', 'x2', T0 + HOUR, 12),
        { type: 'identify', userId: 'u1', anonymousId: 'a1', messageId: 'x3', timestamp: new Date(T0 + 2 * HOUR).toISOString(), traits: { city: 'Leeds' } },
        { type: 'alias', userId: 'u1', previousId: 'legacy-7', messageId: 'x4', timestamp: new Date(T0 + 3 * HOUR).toISOString() },
        order('legacy-7', 'x5', T0 + 4 * HOUR, 3),
        order('u2', 'x6', T0 - HOUR, 99),
      ]),
    );
    await t.app.ingest(request([order('u2', 'x7', T0 - 2 * HOUR, 1)])); // late event
    const before = await allProfiles(t.app);
    const viewBefore = await t.app.getProfile(WS, { kind: 'user_id', value: 'u1' }, T0 + 5 * HOUR);
    const progress: number[] = [];
    const outcome = await t.app.rebuild(WS, (p) => progress.push(p.eventsDone));
    expect(outcome.events).toBe(7);
    expect(outcome.profiles).toBe(2);
    expect(progress.at(-1)).toBe(7);
    expect(await allProfiles(t.app)).toEqual(before);
    const viewAfter = await t.app.getProfile(WS, { kind: 'user_id', value: 'u1' }, T0 + 5 * HOUR);
    expect(viewAfter).toEqual(viewBefore);
  });
});

describe('durability across restart (sqlite)', () => {
  it('keeps acknowledged events and dedupes retries after reopening the file', async () => {
    const first = await openTestApp('sqlite');
    const path = first.path;
    if (path === null) throw new Error('sqlite test app without a path');
    await first.app.ingest(request([order('u1', 'd1', T0, 10)]));
    await first.app.close();
    const second = await openTestApp('sqlite', { path });
    try {
      expect(await second.app.ingest(request([order('u1', 'd1', T0, 10), order('u1', 'd2', T0 + HOUR, 5)]))).toMatchObject({
        accepted: 1,
        duplicates: 1,
      });
      const view = await second.app.getProfile(WS, { kind: 'user_id', value: 'u1' }, T0 + 2 * HOUR);
      expect(view?.features.frequency).toBe(2);
    } finally {
      await second.close();
      await first.close().catch(() => undefined);
    }
  });
});

describe('write-behind profiles (sqlite)', () => {
  it('serves a profile from memory before it is stored, and stores it with the watermark on close', async () => {
    const t = await openTestApp('sqlite', { profiles: { flushIntervalMs: 3_600_000 } });
    try {
      await t.app.ingest(request([order('wb1', 'w1', T0, 10)]));
      const view = await t.app.getProfile(WS, { kind: 'user_id', value: 'wb1' }, T0 + HOUR);
      expect(view?.features.frequency).toBe(1);
      const profileId = view?.profileId;
      if (profileId === undefined) throw new Error('no profile');
      // Not stored yet: the event log is the durable copy until the next flush.
      expect((await t.storage.read.profiles.getMany(WS, [profileId])).size).toBe(0);
      expect(await t.storage.read.profiles.getAppliedSeq(WS)).toBe(0);
      // Lists and counts flush first, so they see every acknowledged change.
      expect(await t.app.countProfiles(WS)).toBe(1);
      expect((await t.storage.read.profiles.getMany(WS, [profileId])).get(profileId)?.eventCount).toBe(1);
      expect(await t.storage.read.profiles.getAppliedSeq(WS)).toBe(1);
    } finally {
      await t.close();
    }
  });

  it('re-derives unflushed profiles from the log when the store is reopened after a crash', async () => {
    const first = await openTestApp('sqlite', { profiles: { flushIntervalMs: 3_600_000 } });
    const path = first.path;
    if (path === null) throw new Error('sqlite test app without a path');
    await first.app.ingest(request([order('c1', 'k1', T0, 10), order('c2', 'k2', T0, 20)]));
    await first.app.countProfiles(WS); // flush: c1 and c2 stored, watermark 2
    await first.app.ingest(request([order('c1', 'k3', T0 + HOUR, 5), order('c3', 'k4', T0 + HOUR, 7)]));
    const expected = await first.app.getProfile(WS, { kind: 'user_id', value: 'c1' }, T0 + 2 * HOUR);
    // Crash: the storage goes away without the app flushing its working set.
    await first.storage.close();

    const second = await openTestApp('sqlite', { path });
    try {
      expect(await second.storage.read.profiles.getAppliedSeq(WS)).toBe(4);
      const c1 = await second.app.getProfile(WS, { kind: 'user_id', value: 'c1' }, T0 + 2 * HOUR);
      expect(c1?.features.frequency).toBe(2);
      expect(c1?.state).toEqual(expected?.state);
      expect((await second.app.getProfile(WS, { kind: 'user_id', value: 'c3' }, T0 + 2 * HOUR))?.features.monetary).toBeCloseTo(7, 6);
      expect(await second.app.countProfiles(WS)).toBe(3);
    } finally {
      await second.close();
      await first.close().catch(() => undefined);
    }
  });
});
