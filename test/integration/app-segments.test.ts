import { afterEach, describe, expect, it } from 'vitest';
import type { AttuneApp, IngestRequest } from '../../src/app/attune-app.js';
import { AppError } from '../../src/app/app-error.js';
import { DEFAULT_WORKSPACE_ID } from '../../src/core/shared/ids.js';
import type { ProfileId } from '../../src/core/shared/ids.js';
import type { TestApp } from '../helpers/open-test-app.js';
import { openTestApp, TEST_ENGINES } from '../helpers/open-test-app.js';

const WS = DEFAULT_WORKSPACE_ID;
const T0 = Date.parse('2026-03-02T10:00:00.000Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** A clock the test moves by hand, so windows expire exactly when the test says. */
function manualClock(start: number): { nowMs: () => number; set: (ms: number) => void } {
  let now = start;
  return { nowMs: () => now, set: (ms) => (now = ms) };
}

let seq = 0;
function track(userId: string, event: string, atMs: number, properties: Record<string, unknown> = {}) {
  return { type: 'track', event, userId, messageId: `m${++seq}`, timestamp: new Date(atMs).toISOString(), properties };
}
function identify(userId: string, atMs: number, traits: Record<string, unknown>) {
  return { type: 'identify', userId, messageId: `m${++seq}`, timestamp: new Date(atMs).toISOString(), traits };
}

async function ingest(app: AttuneApp, events: unknown[], atMs: number): Promise<void> {
  const request: IngestRequest = { workspaceId: WS, events, receivedAtMs: atMs, impliedType: null, batchSentAt: null };
  const outcome = await app.ingest(request);
  expect(outcome.rejected).toEqual([]);
}

async function profileIdOf(app: AttuneApp, userId: string, nowMs: number): Promise<ProfileId> {
  const view = await app.getProfile(WS, { kind: 'user_id', value: userId }, nowMs);
  if (view === null) throw new Error(`no profile for ${userId}`);
  return view.profileId;
}

async function membersOf(app: AttuneApp, key: string): Promise<string[]> {
  return (await app.segments.members(WS, key, { afterProfileId: null, limit: 1000 })).map((m) => m.profileId).sort();
}

describe.each(TEST_ENGINES)('segments on %s', (engine) => {
  let t: TestApp;
  afterEach(async () => {
    await t.close();
  });

  it('puts a profile in a trait segment as its event is acknowledged, with the reason, and records the change', async () => {
    const clock = manualClock(T0);
    t = await openTestApp(engine, { nowMs: clock.nowMs });
    const saved = await t.app.segments.create(WS, { key: 'pro', name: 'Pro plan', text: 'traits.plan = "pro"' });
    expect(saved.backfill.entered).toBe(0);
    await ingest(t.app, [identify('u1', T0, { plan: 'pro' }), identify('u2', T0, { plan: 'free' })], T0);

    const u1 = await profileIdOf(t.app, 'u1', T0);
    const u2 = await profileIdOf(t.app, 'u2', T0);
    expect(t.app.segments.isMember(WS, 'pro', u1)).toBe(true);
    expect(t.app.segments.isMember(WS, 'pro', u2)).toBe(false);
    const view = await t.app.getProfile(WS, { kind: 'user_id', value: 'u1' }, T0);
    expect(view?.segments).toEqual([{ key: 'pro', name: 'Pro plan', kind: 'rule', enteredAtMs: T0, reasons: ['traits.plan is "pro" (= "pro")'] }]);

    // A later identify moves u1 out, and the history keeps both changes in order.
    clock.set(T0 + MINUTE);
    await ingest(t.app, [identify('u1', T0 + MINUTE, { plan: 'free' })], T0 + MINUTE);
    expect(t.app.segments.isMember(WS, 'pro', u1)).toBe(false);
    const changes = await t.app.segments.changes(WS, { afterSeq: 0, limit: 10 });
    expect(changes.map((c) => [c.kind, c.profileId, c.atMs])).toEqual([
      ['enter', u1, T0],
      ['exit', u1, T0 + MINUTE],
    ]);
    expect(changes[1]?.reasons).toEqual(['traits.plan is "free" (needs = "pro")']);
  });

  it('lets a time window expire on time with no new event', async () => {
    const clock = manualClock(T0);
    t = await openTestApp(engine, { nowMs: clock.nowMs });
    await t.app.segments.create(WS, { key: 'browsing', text: 'did "Product Viewed" at least 2 times within 1 hour' });
    await ingest(t.app, [track('u1', 'Product Viewed', T0 - 10 * MINUTE), track('u1', 'Product Viewed', T0)], T0);
    const u1 = await profileIdOf(t.app, 'u1', T0);
    expect(t.app.segments.isMember(WS, 'browsing', u1)).toBe(true);

    // The older view leaves the window at T0 - 10 min + 1 h: not yet due a minute before.
    clock.set(T0 + 49 * MINUTE);
    expect(await t.app.segments.runDue(WS)).toBe(0);
    expect(t.app.segments.isMember(WS, 'browsing', u1)).toBe(true);
    clock.set(T0 + 50 * MINUTE + 1);
    expect(await t.app.segments.runDue(WS)).toBe(1);
    expect(t.app.segments.isMember(WS, 'browsing', u1)).toBe(false);
    const [, exit] = await t.app.segments.changes(WS, { afterSeq: 0, limit: 10 });
    expect(exit?.kind).toBe('exit');
    expect(exit?.reasons).toEqual(['did Product Viewed 1 time in the last hour (needs ≥ 2)']);
  });

  it('backfills a new behavioral segment over profiles that existed before it, from their whole history', async () => {
    const clock = manualClock(T0);
    t = await openTestApp(engine, { nowMs: clock.nowMs });
    await ingest(
      t.app,
      [
        track('u1', 'Product Viewed', T0 - 3 * HOUR, { category: 'shoes' }),
        track('u1', 'Product Viewed', T0 - 2 * HOUR, { category: 'shoes' }),
        track('u2', 'Product Viewed', T0 - 2 * HOUR, { category: 'hats' }),
        track('u2', 'Order Completed', T0 - HOUR, { revenue: 20 }),
      ],
      T0,
    );
    const saved = await t.app.segments.create(WS, {
      key: 'shoe-browsers',
      text: 'did "Product Viewed" where category = "shoes" at least 2 times within 1 day and did not "Order Completed"',
    });
    expect(saved.backfill).toMatchObject({ profiles: 2, entered: 1, exited: 0 });
    expect(await membersOf(t.app, 'shoe-browsers')).toEqual([await profileIdOf(t.app, 'u1', T0)]);

    // The live path agrees with the backfill: an order takes u1 out at once.
    await ingest(t.app, [track('u1', 'Order Completed', T0, { revenue: 5 })], T0);
    expect(await membersOf(t.app, 'shoe-browsers')).toEqual([]);
  });

  it('sequences: viewed then did not buy within 2 hours enters when the 2 hours pass', async () => {
    const clock = manualClock(T0);
    t = await openTestApp(engine, { nowMs: clock.nowMs });
    await t.app.segments.create(WS, { key: 'abandoners', text: 'did "Product Viewed" then did not "Order Completed" within 2 hours' });
    await ingest(t.app, [track('u1', 'Product Viewed', T0), track('u2', 'Product Viewed', T0)], T0);
    clock.set(T0 + HOUR);
    await ingest(t.app, [track('u2', 'Order Completed', T0 + HOUR, { revenue: 9 })], T0 + HOUR);
    clock.set(T0 + 2 * HOUR + 1);
    await t.app.segments.runDue(WS);
    expect(await membersOf(t.app, 'abandoners')).toEqual([await profileIdOf(t.app, 'u1', T0)]);
  });

  it('re-evaluates segments that read another segment, and refuses deleting one that is read or making a cycle', async () => {
    const clock = manualClock(T0);
    t = await openTestApp(engine, { nowMs: clock.nowMs });
    await t.app.segments.create(WS, { key: 'buyers', text: 'did "Order Completed"' });
    await t.app.segments.create(WS, { key: 'vip-buyers', text: 'in_segment("buyers") and traits.vip = true' });
    await ingest(t.app, [identify('u1', T0 - HOUR, { vip: true }), track('u1', 'Order Completed', T0, { revenue: 50 })], T0);
    expect(await membersOf(t.app, 'vip-buyers')).toEqual([await profileIdOf(t.app, 'u1', T0)]);

    await expect(t.app.segments.delete(WS, 'buyers')).rejects.toMatchObject({ code: 'ERR_SEGMENT_IN_USE' });
    const cycle = await t.app.segments.update(WS, 'buyers', { text: 'in_segment("vip-buyers")' }).catch((e: unknown) => e);
    expect(cycle).toBeInstanceOf(AppError);
    expect((cycle as AppError).code).toBe('ERR_SEGMENT_RULE_INVALID');
    expect((cycle as AppError).message).toContain('buyers → vip-buyers → buyers');
  });

  it('refuses a bad rule with where it is wrong', async () => {
    t = await openTestApp(engine);
    const error = (await t.app.segments.create(WS, { key: 'bad', text: 'features.frequency >= ' }).catch((e: unknown) => e)) as AppError;
    expect(error.code).toBe('ERR_SEGMENT_RULE_INVALID');
    expect(error.details[0]).toMatchObject({ field: 'text', position: { line: 1, column: 23 } });
    const typed = (await t.app.segments.create(WS, { key: 'bad', rule: { kind: 'compare', path: 'features.frequency', op: 'eq', value: 'many' } }).catch((e: unknown) => e)) as AppError;
    expect(typed.code).toBe('ERR_SEGMENT_RULE_INVALID');
    expect(typed.details[0]?.field).toBe('rule.value');
  });

  it('takes a merged-away profile out of its segments and evaluates the survivor', async () => {
    const clock = manualClock(T0);
    t = await openTestApp(engine, { nowMs: clock.nowMs });
    await t.app.segments.create(WS, { key: 'viewers', text: 'did "Product Viewed"' });
    await ingest(t.app, [{ type: 'track', event: 'Product Viewed', anonymousId: 'anon-1', messageId: 'a1', timestamp: new Date(T0).toISOString() }], T0);
    const anonMembers = await membersOf(t.app, 'viewers');
    expect(anonMembers).toHaveLength(1);
    await ingest(t.app, [{ type: 'identify', userId: 'u9', anonymousId: 'anon-1', messageId: 'a2', timestamp: new Date(T0 + 1).toISOString() }], T0);
    const u9 = await profileIdOf(t.app, 'u9', T0);
    expect(await membersOf(t.app, 'viewers')).toEqual([u9]);
  });

  it('gives the same memberships live as a rebuild does, and previews the exact count on a small workspace', async () => {
    const clock = manualClock(T0);
    t = await openTestApp(engine, { nowMs: clock.nowMs });
    await t.app.segments.create(WS, { key: 'repeat', text: 'features.frequency >= 2' });
    await t.app.segments.create(WS, { key: 'recent-view', text: 'did "Product Viewed" within 1 day' });
    const events: unknown[] = [];
    for (let u = 0; u < 30; u++) {
      for (let i = 0; i < u % 4; i++) events.push(track(`u${u}`, 'Order Completed', T0 - (u + i) * HOUR, { order_id: `o${u}-${i}`, revenue: 10 + i }));
      if (u % 3 === 0) events.push(track(`u${u}`, 'Product Viewed', T0 - u * 2 * HOUR));
    }
    await ingest(t.app, events, T0);
    const live = { repeat: await membersOf(t.app, 'repeat'), recent: await membersOf(t.app, 'recent-view') };
    expect(live.repeat).toHaveLength(14); // u % 4 in {2, 3}
    const preview = await t.app.segments.preview(WS, { text: 'features.frequency >= 2' });
    expect(preview).toMatchObject({ exact: true, estimatedSize: 14, population: 25 });

    await t.app.rebuild(WS, () => undefined);
    expect({ repeat: await membersOf(t.app, 'repeat'), recent: await membersOf(t.app, 'recent-view') }).toEqual(live);
  });

  it('re-evaluates segments reading a computed trait when its definition changes', async () => {
    const clock = manualClock(T0);
    t = await openTestApp(engine, { nowMs: clock.nowMs });
    await t.app.putComputedTrait(WS, { name: 'spend', event: 'Order Completed', aggregate: 'sum', property: 'revenue' });
    await t.app.segments.create(WS, { key: 'spenders', text: 'computed.spend >= 30' });
    await ingest(t.app, [track('u1', 'Order Completed', T0, { order_id: 'a', revenue: 20 }), track('u1', 'Order Completed', T0, { order_id: 'b', revenue: 20 })], T0);
    const u1 = await profileIdOf(t.app, 'u1', T0);
    expect(t.app.segments.isMember(WS, 'spenders', u1)).toBe(true);
    // Only orders over 25 count now: u1's spend drops to 0 and the segment follows at once.
    await t.app.putComputedTrait(WS, { name: 'spend', event: 'Order Completed', aggregate: 'sum', property: 'revenue', where: [{ property: 'revenue', op: 'gt', value: 25 }] });
    expect(t.app.segments.isMember(WS, 'spenders', u1)).toBe(false);
  });

  it('backfills a rule over values already held in memory without reading profiles, with the same result', async () => {
    const clock = manualClock(T0);
    t = await openTestApp(engine, { nowMs: clock.nowMs });
    const events: unknown[] = [];
    for (let u = 0; u < 40; u++) {
      events.push(identify(`u${u}`, T0 - HOUR, { plan: u % 3 === 0 ? 'pro' : 'free', address: { city: u % 2 === 0 ? 'Paris' : 'Lyon' } }));
      for (let i = 0; i < u % 4; i++) events.push(track(`u${u}`, 'Order Completed', T0 - HOUR + i, { order_id: `o${u}-${i}`, revenue: 5 * (i + 1) }));
    }
    await ingest(t.app, events, T0);
    // The first rule over these values reads every profile (and so learns the values).
    const first = await t.app.segments.create(WS, { key: 'pro', text: 'traits.plan = "pro" and features.frequency >= 1 and traits.address.city = "Paris" and features.lastSeenMs exists' });
    expect(first.backfill.mode).toBe('scan');
    // Later changes keep them current: new profiles, changed traits, new orders.
    await ingest(
      t.app,
      [
        identify('u2', T0, { plan: 'pro' }), // was in the rule below, now leaves it
        identify('u5', T0, { address: { city: 'Paris' } }), // moves, and a second order: enters
        track('u5', 'Order Completed', T0, { order_id: 'u5-x', revenue: 1 }),
        identify('u40', T0, { plan: 'free', address: { city: 'Paris' } }), // a new profile with 2 orders
        track('u40', 'Order Completed', T0, { order_id: 'u40-a', revenue: 1 }),
        track('u40', 'Order Completed', T0, { order_id: 'u40-b', revenue: 1 }),
      ],
      T0,
    );
    const rule = 'not traits.plan = "pro" and features.frequency >= 2 and features.lastSeenMs within last 2 hours and traits.address.city = "Paris"';
    const fromMemory = await t.app.segments.create(WS, { key: 'memory', text: rule });
    expect(fromMemory.backfill.mode).toBe('memory');
    expect(fromMemory.backfill.profiles).toBe(41);
    // The same rule with a condition that is always true but needs the profiles: a full scan.
    const scanned = await t.app.segments.create(WS, { key: 'scanned', text: `${rule} and did not "Never Happens"` });
    expect(scanned.backfill.mode).toBe('scan');
    expect(await membersOf(t.app, 'memory')).toEqual(await membersOf(t.app, 'scanned'));
    const ids = { u2: await profileIdOf(t.app, 'u2', T0), u5: await profileIdOf(t.app, 'u5', T0), u40: await profileIdOf(t.app, 'u40', T0) };
    expect(t.app.segments.isMember(WS, 'memory', ids.u2)).toBe(false);
    expect(t.app.segments.isMember(WS, 'memory', ids.u5)).toBe(true);
    expect(t.app.segments.isMember(WS, 'memory', ids.u40)).toBe(true);
    // Its time window still expires on schedule.
    clock.set(T0 + 2 * HOUR + 1);
    await t.app.segments.runDue(WS);
    expect(await membersOf(t.app, 'memory')).toEqual([]);
  });

  it('reads every profile again when profiles came in while no segment existed', async () => {
    t = await openTestApp(engine);
    await t.app.segments.create(WS, { key: 'a', text: 'traits.plan = "pro"' });
    await t.app.segments.delete(WS, 'a');
    await ingest(t.app, [identify('u1', T0, { plan: 'pro' })], T0);
    const again = await t.app.segments.create(WS, { key: 'b', text: 'traits.plan = "pro"' });
    expect(again.backfill).toMatchObject({ mode: 'scan', entered: 1 });
  });

  it('computes overlap and size over time from memberships', async () => {
    const clock = manualClock(T0);
    t = await openTestApp(engine, { nowMs: clock.nowMs });
    await t.app.segments.create(WS, { key: 'a', text: 'traits.x >= 1' });
    await t.app.segments.create(WS, { key: 'b', text: 'traits.x >= 2' });
    await ingest(t.app, [identify('u1', T0, { x: 1 }), identify('u2', T0, { x: 2 }), identify('u3', T0, { x: 3 })], T0);
    expect(t.app.segments.overlap(WS, null)).toEqual({ keys: ['a', 'b'], sizes: [3, 2], counts: [[3, 2], [2, 2]] });
    clock.set(T0 + 86_400_000);
    await ingest(t.app, [identify('u3', T0 + 86_400_000, { x: 0 })], T0 + 86_400_000);
    expect(await t.app.segments.sizeOverTime(WS, 'a')).toEqual([
      { date: '2026-03-02', enters: 3, exits: 0, size: 3 },
      { date: '2026-03-03', enters: 0, exits: 1, size: 2 },
    ]);
  });
});

describe('segments across a restart (sqlite)', () => {
  it('keeps memberships and the time-window schedule', async () => {
    const clock = manualClock(T0);
    const first = await openTestApp('sqlite', { nowMs: clock.nowMs });
    const path = first.path ?? '';
    await first.app.segments.create(WS, { key: 'recent', text: 'did "Product Viewed" within 1 hour' });
    await ingest(first.app, [track('u1', 'Product Viewed', T0)], T0);
    const u1 = await profileIdOf(first.app, 'u1', T0);
    await first.app.close();

    const second = await openTestApp('sqlite', { nowMs: clock.nowMs, path });
    try {
      expect(second.app.segments.isMember(WS, 'recent', u1)).toBe(true);
      clock.set(T0 + HOUR + 1);
      expect(await second.app.segments.runDue(WS)).toBe(1);
      expect(second.app.segments.isMember(WS, 'recent', u1)).toBe(false);
    } finally {
      await second.close();
    }
  });
});
