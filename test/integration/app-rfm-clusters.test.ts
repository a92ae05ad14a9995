import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../src/app/app-error.js';
import type { AttuneApp, IngestRequest } from '../../src/app/attune-app.js';
import { formatPersonaNumber } from '../../src/core/segments/personas/format-persona-number.js';
import { RFM_SEGMENTS } from '../../src/core/segments/rfm/rfm-segments.js';
import type { ProfileId } from '../../src/core/shared/ids.js';
import { DEFAULT_WORKSPACE_ID } from '../../src/core/shared/ids.js';
import type { TestApp } from '../helpers/open-test-app.js';
import { openTestApp, TEST_ENGINES } from '../helpers/open-test-app.js';

const WS = DEFAULT_WORKSPACE_ID;
const T0 = Date.parse('2026-03-02T10:00:00.000Z');
const DAY = 86_400_000;

let seq = 0;
function order(userId: string, atMs: number, revenue: number) {
  seq++;
  return { type: 'track', event: 'Order Completed', userId, messageId: `o${seq}`, timestamp: new Date(atMs).toISOString(), properties: { order_id: `order-${seq}`, revenue } };
}
function pageView(userId: string, atMs: number) {
  return { type: 'page', userId, messageId: `p${++seq}`, timestamp: new Date(atMs).toISOString(), properties: {} };
}

async function ingest(app: AttuneApp, events: unknown[], atMs = T0): Promise<void> {
  for (let start = 0; start < events.length; start += 2_000) {
    const request: IngestRequest = { workspaceId: WS, events: events.slice(start, start + 2_000), receivedAtMs: atMs, impliedType: null, batchSentAt: null };
    const outcome = await app.ingest(request);
    expect(outcome.rejected).toEqual([]);
  }
}

async function profileIdOf(app: AttuneApp, userId: string): Promise<ProfileId> {
  const view = await app.getProfile(WS, { kind: 'user_id', value: userId }, T0);
  if (view === null) throw new Error(`no profile for ${userId}`);
  return view.profileId;
}

async function membersOf(app: AttuneApp, key: string): Promise<Set<string>> {
  return new Set((await app.segments.members(WS, key, { afterProfileId: null, limit: 10_000 })).map((m) => m.profileId));
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return (error as AppError).code;
}

/** A deterministic stream in [0, 1) (tests draw no Math.random). */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * Five RFM groups of 48 customers. Each group shares its recency, order count and total, so with
 * average-rank ties every group lands in one known cell of the 5x5 grid:
 *   A 1 day, 12 x 250  -> R5 F5 M5 champions       B 2 days, 1 x 20    -> R4 F1 M1 promising
 *   C 30 days, 3 x 50  -> R3 F3 M3 need attention  D 400 days, 8 x 250 -> R1 F4 M4 can't lose them
 *   E 400 days, 1 x 20 -> R1 F1 M1 lost
 */
const RFM_GROUPS = [
  { group: 'A', lastDaysAgo: 1, orders: 12, each: 250, expected: 'champions' },
  { group: 'B', lastDaysAgo: 2, orders: 1, each: 20, expected: 'promising' },
  { group: 'C', lastDaysAgo: 30, orders: 3, each: 50, expected: 'need_attention' },
  { group: 'D', lastDaysAgo: 400, orders: 8, each: 250, expected: 'cant_lose_them' },
  { group: 'E', lastDaysAgo: 400, orders: 1, each: 20, expected: 'lost' },
] as const;
const PER_GROUP = 48;

function rfmEvents(): unknown[] {
  const events: unknown[] = [];
  for (const g of RFM_GROUPS) {
    for (let i = 0; i < PER_GROUP; i++) {
      for (let o = 0; o < g.orders; o++) events.push(order(`${g.group}${i}`, T0 - g.lastDaysAgo * DAY - o * 5 * DAY, g.each));
    }
  }
  for (let i = 0; i < 5; i++) events.push(pageView(`visitor${i}`, T0 - DAY));
  return events;
}

interface Planted {
  readonly userId: string;
  readonly group: 'big' | 'small' | 'lapsed';
  readonly orders: number;
  readonly revenue: number;
}

/** Three planted behaviours with jitter: frequent big spenders, one-time small buyers, lapsed mid buyers. */
function clusterData(): { events: unknown[]; planted: Planted[] } {
  const next = lcg(2026);
  const between = (lo: number, hi: number): number => lo + (hi - lo) * next();
  const int = (lo: number, hi: number): number => lo + Math.floor(next() * (hi - lo + 1));
  const events: unknown[] = [];
  const planted: Planted[] = [];
  const add = (userId: string, group: Planted['group'], orders: number, lastDaysAgo: number, spacingDays: number, lo: number, hi: number): void => {
    let revenue = 0;
    for (let o = 0; o < orders; o++) {
      const amount = Math.round(between(lo, hi) * 100) / 100;
      revenue += amount;
      events.push(order(userId, T0 - (lastDaysAgo + o * spacingDays) * DAY, amount));
    }
    planted.push({ userId, group, orders, revenue });
  };
  for (let i = 0; i < 60; i++) add(`big${i}`, 'big', int(8, 12), between(1, 10), 7, 150, 250);
  for (let i = 0; i < 120; i++) add(`small${i}`, 'small', 1, between(20, 60), 0, 10, 30);
  for (let i = 0; i < 80; i++) add(`lapsed${i}`, 'lapsed', int(3, 5), between(200, 300), 20, 40, 80);
  for (let i = 0; i < 4; i++) events.push(pageView(`browser${i}`, T0 - DAY));
  return { events, planted };
}

describe.each(TEST_ENGINES)('RFM and clusterings on %s', (engine) => {
  let t: TestApp | null = null;
  afterEach(async () => {
    await t?.close();
    t = null;
  });

  it('refuses to fit RFM or cluster without enough customers, saying how many there are', async () => {
    t = await openTestApp(engine, { nowMs: () => T0 });
    expect(await codeOf(t.app.rfm.fit(WS))).toBe('ERR_NOT_ENOUGH_DATA');
    expect(await codeOf(t.app.clusterings.create(WS, { key: 'empty' }))).toBe('ERR_NOT_ENOUGH_DATA');
    expect(await codeOf(t.app.rfm.get(WS))).toBe('ERR_NOT_FOUND');
    await ingest(t.app, [order('a', T0 - DAY, 10), order('b', T0 - DAY, 20), pageView('v', T0)]);
    const error = await t.app.rfm.fit(WS).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).message).toContain('at least 10 customers');
    expect((error as AppError).message).toContain('2 customers among 3 profiles');
    expect(await codeOf(t.app.rfm.fit(WS, { buckets: 2 }))).toBe('ERR_VALIDATION');
    expect(await codeOf(t.app.clusterings.create(WS, { key: 'x', features: ['nope'] }))).toBe('ERR_VALIDATION');
    expect(await codeOf(t.app.clusterings.create(WS, { key: 'Bad-Key' }))).toBe('ERR_VALIDATION');
    // Nothing was created by the refusals.
    expect(await t.app.segments.list(WS)).toEqual([]);
  });

  it('fits RFM into the 11 live segments, once, and keeps them current as orders arrive', async () => {
    t = await openTestApp(engine, { nowMs: () => T0 });
    await ingest(t.app, rfmEvents());
    // Segments reading RFM may exist before the fit: they fill when it runs.
    await t.app.segments.create(WS, { key: 'vip', text: 'features.rfm.segment = "champions"' });
    await t.app.segments.create(WS, { key: 'champ-list', text: 'in_segment("rfm-champions")' });

    const fit = await t.app.rfm.fit(WS);
    expect(fit.population).toEqual({ profiles: 245, customers: 240, scored: 240, fitted: 240 });
    expect(fit.changedSegments).toHaveLength(11);
    const counts = Object.fromEntries(fit.segments.map((s) => [s.key, s.count]));
    const expected = Object.fromEntries(RFM_SEGMENTS.map((s) => [s.key, 0]));
    for (const g of RFM_GROUPS) expected[g.expected] = PER_GROUP;
    expect(counts).toEqual(expected);
    expect(fit.grid).toHaveLength(25);
    expect(fit.grid.find((c) => c.r === 5 && c.fm === 5)).toEqual({ r: 5, fm: 5, segment: 'champions', count: 48 });
    expect(fit.grid.find((c) => c.r === 1 && c.fm === 4)).toEqual({ r: 1, fm: 4, segment: 'cant_lose_them', count: 48 });
    const champions = fit.segments.find((s) => s.key === 'champions');
    expect(champions).toMatchObject({ segmentKey: 'rfm-champions', members: 48, averageOrders: 12, averageMonetary: 3000, customerShare: 0.2 });
    expect(champions?.revenueShare).toBeCloseTo((48 * 3000) / (48 * (3000 + 20 + 150 + 2000 + 20)), 12);

    // The segments are kind 'rfm', named, described with the action, and hold the right profiles.
    const definitions = (await t.app.segments.list(WS)).filter((s) => s.definition.kind === 'rfm');
    expect(definitions.map((s) => s.definition.key).sort()).toEqual(RFM_SEGMENTS.map((s) => `rfm-${s.key.replaceAll('_', '-')}`).sort());
    const cantLose = await t.app.segments.get(WS, 'rfm-cant-lose-them');
    expect(cantLose.definition.name).toBe("Can't Lose Them");
    expect(cantLose.definition.description).toContain('Win them back');
    for (const g of RFM_GROUPS) {
      const key = `rfm-${g.expected.replaceAll('_', '-')}`;
      const members = await membersOf(t.app, key);
      expect(members.size).toBe(PER_GROUP);
      expect(members.has(await profileIdOf(t.app, `${g.group}0`))).toBe(true);
    }
    expect((await t.app.segments.get(WS, 'vip')).size).toBe(48);
    expect((await t.app.segments.get(WS, 'champ-list')).size).toBe(48);
    await expect(t.app.segments.delete(WS, 'rfm-lost')).rejects.toMatchObject({ code: 'ERR_SEGMENT_MANAGED' });

    // A can't-lose-them customer orders again: R 5, F 4 (9 orders), M 5 (3000) -> champions, live.
    const d0 = await profileIdOf(t.app, 'D0');
    await ingest(t.app, [order('D0', T0, 1000)]);
    expect(t.app.segments.isMember(WS, 'rfm-champions', d0)).toBe(true);
    expect(t.app.segments.isMember(WS, 'rfm-cant-lose-them', d0)).toBe(false);
    expect(t.app.segments.isMember(WS, 'vip', d0)).toBe(true);
    expect(t.app.segments.isMember(WS, 'champ-list', d0)).toBe(true);
    // A lost customer's big order: R 5, F 1, M 5 -> FM 3 -> loyal customers.
    const e0 = await profileIdOf(t.app, 'E0');
    await ingest(t.app, [order('E0', T0, 5000)]);
    expect(t.app.segments.isMember(WS, 'rfm-loyal-customers', e0)).toBe(true);
    expect(t.app.segments.isMember(WS, 'rfm-lost', e0)).toBe(false);
    const view = await t.app.getProfile(WS, { kind: 'user_id', value: 'E0' }, T0);
    expect(view?.segments.map((s) => [s.key, s.kind])).toEqual([['rfm-loyal-customers', 'rfm']]);
    const history = await t.app.segments.changes(WS, { afterSeq: 0, limit: 10_000, profileId: e0 });
    expect(history.map((c) => [c.segmentKey, c.kind])).toEqual([
      ['rfm-lost', 'enter'],
      ['rfm-lost', 'exit'],
      ['rfm-loyal-customers', 'enter'],
    ]);

    const current = await t.app.rfm.get(WS);
    const now = Object.fromEntries(current.segments.map((s) => [s.key, [s.count, s.members]]));
    expect(now['champions']).toEqual([49, 49]);
    expect(now['cant_lose_them']).toEqual([47, 47]);
    expect(now['lost']).toEqual([47, 47]);
    expect(now['loyal_customers']).toEqual([1, 1]);
    expect(current.fittedAtMs).toBe(T0);

    // A refit on unchanged definitions rewrites none of them; a young fit is not refitted.
    expect(await t.app.rfm.refitIfOlderThan(WS, DAY)).toBeNull();
    const refit = await t.app.rfm.refitIfOlderThan(WS, 0);
    expect(refit?.changedSegments).toEqual([]);
    expect((await t.app.segments.get(WS, 'rfm-champions')).definition.version).toBe(1);
  });

  it.skipIf(engine !== 'sqlite')('re-installs RFM scores and clusterings from the store at start', async () => {
    t = await openTestApp('sqlite', { nowMs: () => T0 });
    const path = t.path;
    if (path === null) throw new Error('sqlite has a path');
    await ingest(t.app, rfmEvents());
    await t.app.rfm.fit(WS);
    await t.app.clusterings.create(WS, { key: 'rfmk', k: 5 });
    const clusterOfA = (await t.app.clusterings.get(WS, 'rfmk')).clusters.find((c) => c.size === 48 && c.centre['frequency'] !== undefined && Math.abs((c.centre['frequency'] ?? 0) - 12) < 1e-6);
    expect(clusterOfA).toBeDefined();
    await t.app.close();
    const reopened = await openTestApp('sqlite', { nowMs: () => T0, path });
    t = { ...reopened, close: async () => { await reopened.close(); rmSync(dirname(path), { recursive: true, force: true }); } };
    // A new customer like group A, after the restart: scored and clustered live.
    await ingest(t.app, Array.from({ length: 12 }, (_, o) => order('newA', T0 - DAY - o * 5 * DAY, 250)));
    const id = await profileIdOf(t.app, 'newA');
    expect(t.app.segments.isMember(WS, 'rfm-champions', id)).toBe(true);
    expect(t.app.segments.isMember(WS, clusterOfA?.segmentKey ?? '', id)).toBe(true);
    expect((await t.app.rfm.get(WS)).population.customers).toBe(241);
  });

  it('clusters planted behaviours with an automatic k, reproducibly, with personas, live, and deletes cleanly', async () => {
    t = await openTestApp(engine, { nowMs: () => T0 });
    const { events, planted } = clusterData();
    await ingest(t.app, events);

    const created = await t.app.clusterings.create(WS, { key: 'behaviour', seed: 7 });
    expect(created.evidence.mode).toBe('automatic');
    expect(created.evidence.perK.map((e) => e.k)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(created.evidence.chosenK).toBe(3);
    const best = Math.max(...created.evidence.perK.map((e) => e.silhouette ?? -1));
    expect(created.evidence.perK.find((e) => e.k === 3)?.silhouette).toBe(best);
    expect(best).toBeGreaterThan(0.5);
    // Inertia falls as k grows: evidence, not the rule.
    for (let i = 1; i < created.evidence.perK.length; i++) expect(created.evidence.perK[i]?.inertia).toBeLessThanOrEqual(created.evidence.perK[i - 1]?.inertia ?? 0);
    for (const e of created.evidence.perK) expect(e.inertia).toBeGreaterThan(0);
    expect(created.counts).toEqual({ profiles: 264, inPopulation: 260, excludedMissing: 0, rows: 260 });
    expect(created.features).toEqual(['recencyDays', 'frequency', 'monetary']);
    expect(created.transforms).toEqual(['none', 'log1p', 'log1p']);

    // Purity: every planted group is exactly one cluster, numbered by size.
    const sizes = created.clusters.map((c) => c.size);
    expect(sizes).toEqual([120, 80, 60]);
    const byGroup = new Map<string, Set<string>>();
    const clusterMembers = new Map<string, Set<string>>();
    for (const c of created.clusters) clusterMembers.set(c.segmentKey, await membersOf(t.app, c.segmentKey));
    for (const p of planted) {
      const id = await profileIdOf(t.app, p.userId);
      const keys = [...clusterMembers].filter(([, members]) => members.has(id)).map(([key]) => key);
      expect(keys).toHaveLength(1);
      const set = byGroup.get(p.group) ?? new Set<string>();
      set.add(keys[0] ?? '');
      byGroup.set(p.group, set);
    }
    expect([...(byGroup.get('small') ?? [])]).toEqual(['behaviour-1']);
    expect([...(byGroup.get('lapsed') ?? [])]).toEqual(['behaviour-2']);
    expect([...(byGroup.get('big') ?? [])]).toEqual(['behaviour-3']);

    // Segments: kind 'cluster', named by the persona (unique), rule on features.cluster.behaviour.
    const segments = (await t.app.segments.list(WS)).filter((s) => s.definition.kind === 'cluster');
    expect(segments.map((s) => [s.definition.key, s.text, s.size])).toEqual([
      ['behaviour-1', 'features.cluster.behaviour = 0', 120],
      ['behaviour-2', 'features.cluster.behaviour = 1', 80],
      ['behaviour-3', 'features.cluster.behaviour = 2', 60],
    ]);
    const names = created.clusters.map((c) => c.name);
    expect(new Set(names).size).toBe(3);
    expect(segments.map((s) => s.definition.name)).toEqual(names);

    // Personas: their numbers are the members' numbers.
    const big = planted.filter((p) => p.group === 'big');
    const bigCluster = created.clusters[2];
    if (bigCluster === undefined) throw new Error('three clusters');
    const persona = bigCluster.persona;
    expect(persona.profile.size).toBe(60);
    expect(persona.profile.populationSize).toBe(260);
    expect(persona.sampling.sampled).toBe(false);
    const bigRevenue = big.reduce((a, p) => a + p.revenue, 0);
    const allRevenue = planted.reduce((a, p) => a + p.revenue, 0);
    expect(persona.profile.revenue).toBeCloseTo(bigRevenue, 6);
    expect(persona.profile.revenueShare).toBeCloseTo(bigRevenue / allRevenue, 12);
    const frequency = persona.profile.features.find((f) => f.key === 'frequency');
    expect(frequency?.groupMean).toBeCloseTo(big.reduce((a, p) => a + p.orders, 0) / 60, 12);
    expect(persona.narrative.text.startsWith(`${persona.name}: ${formatPersonaNumber('percent', 60 / 260)} of customers`)).toBe(true);
    expect(persona.narrative.text).toContain(`${formatPersonaNumber('percent', bigRevenue / allRevenue)} of revenue`);
    for (const n of persona.narrative.numbers) expect(persona.narrative.text).toContain(n.text);
    // Names come only from facts the numbers support (src/core/segments/personas/name-persona.ts).
    expect(names).toEqual(['One-time small-basket light spenders', 'Long-standing customers', 'Loyal big-basket big spenders']);
    expect(persona.narrative.text).toContain(`They order ${formatPersonaNumber('multiple', (frequency?.groupMean ?? 0) / (frequency?.populationMean ?? 1))} as often as average.`);

    // The dendrogram joins the three weighted clusters with two merges.
    const tree = await t.app.clusterings.dendrogram(WS, 'behaviour');
    expect(tree.leaves.map((l) => l.size)).toEqual([120, 80, 60]);
    expect(tree.merges).toHaveLength(2);
    expect(tree.merges[1]?.size).toBe(260);

    // Same data, same seed: the same clustering.
    const again = await t.app.clusterings.create(WS, { key: 'again', seed: 7 });
    expect(again.evidence).toEqual(created.evidence);
    expect(again.clusters.map((c) => [c.name, c.size, c.centre])).toEqual(created.clusters.map((c) => [c.name, c.size, c.centre]));
    for (let i = 1; i <= 3; i++) expect(await membersOf(t.app, `again-${i}`)).toEqual(await membersOf(t.app, `behaviour-${i}`));
    expect((await t.app.clusterings.list(WS)).map((c) => [c.key, c.k])).toEqual([
      ['again', 3],
      ['behaviour', 3],
    ]);
    expect(await codeOf(t.app.clusterings.create(WS, { key: 'again' }))).toBe('ERR_SEGMENT_EXISTS');

    // A new profile is assigned in real time; a profile without orders is not.
    await ingest(t.app, [...Array.from({ length: 10 }, (_, o) => order('newbig', T0 - (2 + 7 * o) * DAY, 200)), pageView('newvisitor', T0)]);
    const newbig = await profileIdOf(t.app, 'newbig');
    expect(t.app.segments.isMember(WS, 'behaviour-3', newbig)).toBe(true);
    expect(t.app.segments.isMember(WS, 'again-3', newbig)).toBe(true);
    const visitor = await profileIdOf(t.app, 'newvisitor');
    for (const key of ['behaviour-1', 'behaviour-2', 'behaviour-3']) expect(t.app.segments.isMember(WS, key, visitor)).toBe(false);

    // Segment personas: members against every profile.
    const segmentPersona = await t.app.segments.persona(WS, 'behaviour-2');
    expect(segmentPersona.profile.size).toBe(80);
    expect(segmentPersona.profile.populationSize).toBe(266);
    expect(segmentPersona.segmentName).toBe(created.clusters[1]?.name);
    expect(segmentPersona.narrative.text).toContain(`${formatPersonaNumber('percent', 80 / 266)} of customers`);
    expect(await codeOf(t.app.segments.persona(WS, 'nope'))).toBe('ERR_NOT_FOUND');

    // Delete: refused while a rule segment reads a cluster, then segments, model and assignment go.
    await t.app.segments.create(WS, { key: 'again-fans', text: 'in_segment("again-1")' });
    expect(await codeOf(t.app.clusterings.delete(WS, 'again'))).toBe('ERR_SEGMENT_IN_USE');
    await t.app.segments.create(WS, { key: 'again-raw', text: 'features.cluster.again = 2' });
    await t.app.segments.delete(WS, 'again-fans');
    expect(await codeOf(t.app.clusterings.delete(WS, 'again'))).toBe('ERR_SEGMENT_IN_USE');
    await t.app.segments.delete(WS, 'again-raw');
    const members = await membersOf(t.app, 'again-1');
    const before = await t.app.segments.changes(WS, { afterSeq: 0, limit: 100_000 });
    expect(await t.app.clusterings.delete(WS, 'again')).toBe(true);
    expect(await t.app.clusterings.delete(WS, 'again')).toBe(false);
    expect((await t.app.segments.list(WS)).map((s) => s.definition.key).filter((k) => k.startsWith('again'))).toEqual([]);
    const exits = (await t.app.segments.changes(WS, { afterSeq: before.at(-1)?.seq ?? 0, limit: 100_000, segmentKeys: ['again-1'] })).filter((c) => c.kind === 'exit');
    expect(new Set(exits.map((c) => c.profileId))).toEqual(members);
    expect(exits[0]?.reasons).toEqual(['clustering "again" was deleted']);
    expect(await codeOf(t.app.clusterings.get(WS, 'again'))).toBe('ERR_NOT_FOUND');
    const preview = await t.app.segments.preview(WS, { text: 'features.cluster.again >= 0' });
    expect(preview.matchedInSample).toBe(0);
    const still = await t.app.segments.preview(WS, { text: 'features.cluster.behaviour >= 0' });
    expect(still.matchedInSample).toBe(261);
  });

  it('clusters with a fixed k and a chosen population and features', async () => {
    t = await openTestApp(engine, { nowMs: () => T0 });
    const { events } = clusterData();
    await ingest(t.app, events);
    const created = await t.app.clusterings.create(WS, {
      key: 'fixed',
      k: 2,
      features: ['frequency', 'recencyDays'],
      population: 'all',
      transforms: { recencyDays: 'log1p' },
      restarts: 3,
    });
    expect(created.evidence).toMatchObject({ mode: 'fixed', chosenK: 2, perK: [] });
    expect(created.transforms).toEqual(['log1p', 'log1p']);
    // Every profile is in the population; the 4 browsers have no recency and are left out.
    expect(created.counts).toEqual({ profiles: 264, inPopulation: 264, excludedMissing: 4, rows: 260 });
    expect(created.clusters.reduce((a, c) => a + c.members, 0)).toBe(260);
    expect(created.clusters).toHaveLength(2);
  });
});
