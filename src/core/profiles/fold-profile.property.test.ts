import { describe, expect, it } from 'vitest';
import type { NormalizedEvent } from '../events/event.js';
import { compareEventOrder } from '../events/event.js';
import { computeFeatures } from '../features/compute-features.js';
import { asProfileId } from '../shared/ids.js';
import type { JsonObject, JsonValue } from '../shared/json.js';
import { MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE } from '../shared/time.js';
import { makeEvent, T0_MS } from '../../../test/builders/make-event.js';
import { applyEventToProfile } from './apply-event-to-profile.js';
import type { BehaviorTrackSpec, EventPredicate } from './behavior-track.js';
import { behaviorTrackKey, profileNeedsReplay } from './behavior-track.js';
import type { ComputedTraitDefinition } from './computed-trait.js';
import { parseComputedTraitDefinition } from './computed-trait.js';
import { foldProfile } from './fold-profile.js';
import type { ProfileSpec } from './profile-spec.js';
import { DEFAULT_PROFILE_SPEC } from './profile-spec.js';
import type { ProfileState } from './profile-state.js';
import { createProfileState, isAfterLastEvent } from './profile-state.js';
import { seededRandom } from '../../../test/builders/seeded-gen.js';

type Rand = () => number;
const int = (rand: Rand, n: number) => Math.floor(rand() * n);
function pick<T>(rand: Rand, items: readonly T[]): T {
  return items[int(rand, items.length)] as T;
}
function shuffle<T>(rand: Rand, items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = int(rand, i + 1);
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

const PID = asProfileId('prf_property');
const CATEGORIES = ['Shoes', 'Hats', 'Bags', 'Socks', 'constructor', 'Games/Puzzles'];
const PRODUCTS = ['p1', 'p2', 'p3', 'p4', 'toString', '__proto__'];
const CONSENT_PURPOSES = ['Ads', ' analytics', 'ADS', 'constructor', '__proto__', 'functional'];
const TRAIT_VALUES: readonly JsonValue[] = ['gold', 'silver', 1, 2.5, 0.1, -0, null, true, { city: 'Leeds', floor: -0 }, ['a', 'b']];
const USER_AGENTS = [
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) Chrome/120.0',
  'Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X)',
];

function definition(raw: Record<string, unknown>): ComputedTraitDefinition {
  const result = parseComputedTraitDefinition(raw);
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.value;
}

/** A where clause as the segment language compiles it (profiles cannot import segments). */
function predicate(key: string, test: (properties: JsonObject) => boolean): EventPredicate {
  return { key, test };
}

function track(event: string, filter: EventPredicate | null, retentionMs: number | null): BehaviorTrackSpec {
  return { key: behaviorTrackKey(event, filter), event, filter, retentionMs };
}

/** Retentions from hours to forever, filters that pass and fail, and a small cap that is reached. */
const BEHAVIOR_TRACKS: readonly BehaviorTrackSpec[] = [
  track('Product Viewed', null, 30 * MS_PER_DAY),
  track('Product Viewed', predicate('category=Shoes', (p) => p['category'] === 'Shoes'), null),
  track('Product Added', null, 2 * MS_PER_HOUR),
  track('Order Completed', null, null),
  track('Video Watched', predicate('seconds>=60', (p) => typeof p['seconds'] === 'number' && p['seconds'] >= 60), 7 * MS_PER_DAY),
  track('Never Sent', null, null),
];

const SPEC: ProfileSpec = {
  ...DEFAULT_PROFILE_SPEC,
  behaviorTracks: BEHAVIOR_TRACKS,
  maxBehaviorTrackEntries: 6,
  // Small, so that eviction from purchasedProducts happens in the generated histories.
  maxPurchasedProducts: 3,
  computedTraits: [
    definition({ name: 'orders_30d', event: 'Order Completed', aggregate: 'count', windowDays: 30 }),
    definition({ name: 'revenue_all', event: 'Order Completed', aggregate: 'sum', property: 'revenue' }),
    definition({ name: 'avg_seconds_7d', event: 'Video Watched', aggregate: 'avg', property: 'seconds', windowDays: 7 }),
    definition({ name: 'min_price', event: 'Product Viewed', aggregate: 'min', property: 'price' }),
    definition({ name: 'max_price_90d', event: 'Product Viewed', aggregate: 'max', property: 'price', windowDays: 90 }),
    definition({ name: 'first_genre', event: 'Video Watched', aggregate: 'first', property: 'genre' }),
    definition({ name: 'last_genre_14d', event: 'Video Watched', aggregate: 'last', property: 'genre', windowDays: 14 }),
    definition({ name: 'products_seen_30d', event: '*', aggregate: 'distinct_count', property: 'product_id', windowDays: 30 }),
    definition({
      name: 'long_comedies',
      event: 'Video Watched',
      where: [
        { property: 'genre', op: 'in', value: ['comedy', 'drama'] },
        { property: 'seconds', op: 'gte', value: 60 },
      ],
      aggregate: 'count',
    }),
  ],
};

/** One profile's random history, in no particular order, with unique messageIds. */
function randomEvents(rand: Rand, count: number): NormalizedEvent[] {
  const events: NormalizedEvent[] = [];
  let atMs = T0_MS + int(rand, 10) * MS_PER_HOUR;
  const orderIds: string[] = [];
  for (let i = 0; i < count; i++) {
    // Ties, seconds, minutes, hours, days and long gaps: exercises sessions, carts, windows, decay.
    atMs += pick(rand, [0, 0, 1000, 5 * MS_PER_MINUTE, 40 * MS_PER_MINUTE, 3 * MS_PER_HOUR, 26 * MS_PER_HOUR, 9 * MS_PER_DAY, 200 * MS_PER_DAY]);
    const messageId = `m-${int(rand, 1e9).toString(36)}-${i}`;
    const context: JsonObject = {};
    if (rand() < 0.3) context['sessionId'] = pick(rand, ['s1', 's2', 's3']);
    if (rand() < 0.5) context['userAgent'] = pick(rand, USER_AGENTS);
    else if (rand() < 0.3) context['device'] = { type: pick(rand, ['ios', 'tablet', 'TV']) };
    if (rand() < 0.2) context['channel'] = pick(rand, ['web', 'email', 'server']);
    if (rand() < 0.15) {
      if (rand() < 0.5) {
        const preferences: JsonObject = {};
        for (let k = int(rand, 3); k >= 0; k--) {
          Object.defineProperty(preferences, pick(rand, CONSENT_PURPOSES), { value: pick(rand, [true, false, 'yes']), enumerable: true, writable: true, configurable: true });
        }
        context['consent'] = { categoryPreferences: preferences };
      } else {
        context['consentManagement'] = {
          allowedConsentIds: [pick(rand, CONSENT_PURPOSES), pick(rand, CONSENT_PURPOSES)],
          deniedConsentIds: rand() < 0.5 ? [pick(rand, CONSENT_PURPOSES)] : 'malformed',
        };
      }
    }
    const traits: JsonObject = {};
    if (rand() < 0.3) traits[pick(rand, ['plan', 'email', 'score', '__proto__', 'constructor'])] = pick(rand, TRAIT_VALUES);
    const base = { messageId, timestampMs: atMs, context, traits };
    const product = (): JsonObject => ({
      product_id: pick(rand, PRODUCTS),
      category: pick(rand, CATEGORIES),
      price: pick(rand, [9.99, '19.5', 0.1, 3, 'n/a']),
      quantity: pick(rand, [1, 2, '3', 0.5]),
    });
    const roll = int(rand, 13);
    switch (roll) {
      case 0:
        events.push(makeEvent({ ...base, type: 'page', name: 'Home', properties: { path: '/' } }));
        break;
      case 1:
        events.push(makeEvent({ ...base, type: 'screen', name: 'Feed' }));
        break;
      case 2:
        events.push(makeEvent({ ...base, type: 'identify', traits: { ...traits, [pick(rand, ['plan', 'tier'])]: pick(rand, TRAIT_VALUES) } }));
        break;
      case 3:
        events.push(makeEvent({ ...base, type: pick(rand, ['group', 'alias'] as const) }));
        break;
      case 4:
      case 5:
        events.push(makeEvent({ ...base, type: 'track', event: 'Product Viewed', properties: product() }));
        break;
      case 6:
        events.push(makeEvent({ ...base, type: 'track', event: 'Product Added', properties: product() }));
        break;
      case 7:
        events.push(makeEvent({ ...base, type: 'track', event: 'Product Removed', properties: product() }));
        break;
      case 8:
        events.push(makeEvent({ ...base, type: 'track', event: 'Checkout Started', properties: {} }));
        break;
      case 9: {
        // Sometimes an order_id already used: the duplicate rule must be order-free too.
        const orderId = orderIds.length > 0 && rand() < 0.2 ? pick(rand, orderIds) : `o${i}`;
        orderIds.push(orderId);
        // Mostly products[], sometimes a single product at the top level.
        const properties: JsonObject = rand() < 0.25 ? { order_id: orderId, ...product() } : { order_id: orderId, products: [product(), product()] };
        if (rand() < 0.7) properties['revenue'] = pick(rand, [10, 0.1, 0.2, '33.3', 1e-7]);
        if (rand() < 0.3) properties['discount'] = pick(rand, [1.5, '2', 0]);
        if (rand() < 0.2) properties['coupon'] = 'SAVE';
        events.push(makeEvent({ ...base, type: 'track', event: 'Order Completed', properties }));
        break;
      }
      case 10: {
        const properties: JsonObject = { order_id: orderIds.length > 0 ? pick(rand, orderIds) : 'none' };
        if (rand() < 0.5) properties['total'] = pick(rand, [5, '0.3', -2]);
        events.push(makeEvent({ ...base, type: 'track', event: pick(rand, ['Order Refunded', 'Order Cancelled']), properties }));
        break;
      }
      default:
        events.push(
          makeEvent({
            ...base,
            type: 'track',
            event: 'Video Watched',
            properties: { seconds: pick(rand, [30, 61, '90', 0.7, 'long']), genre: pick(rand, ['comedy', 'drama', 'news', 7]) },
          }),
        );
    }
  }
  return shuffle(rand, events);
}

/** Fails on anything JSON would not give back as it is. */
function assertJsonSafe(value: unknown, path = 'state'): void {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || Object.is(value, -0)) throw new Error(`${path} is ${String(value)}`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => assertJsonSafe(item, `${path}[${i}]`));
    return;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [key, item] of Object.entries(value)) assertJsonSafe(item, `${path}.${key}`);
    return;
  }
  throw new Error(`${path} is not JSON: ${typeof value}`);
}

const roundTrip = (state: ProfileState): ProfileState => JSON.parse(JSON.stringify(state)) as ProfileState;

/**
 * Exact equality for plain-JSON values: both must be JSON-safe (no -0, NaN, undefined, class
 * instances) and serialise to the same text, which also pins key order. Not vitest's
 * toStrictEqual: it compares `a.constructor === b.constructor`, which fails for two equal copies
 * of a record with a key named "constructor" (a trait or category the generator uses on purpose).
 */
function expectSame(actual: unknown, expected: unknown): void {
  assertJsonSafe(actual, 'actual');
  assertJsonSafe(expected, 'expected');
  if (JSON.stringify(actual) === JSON.stringify(expected)) return;
  expect(actual).toEqual(expected); // a readable diff when the values differ
  expect(JSON.stringify(actual)).toBe(JSON.stringify(expected)); // else they differ in key order
}

const SEEDS = Array.from({ length: 120 }, (_, i) => 1000 + i * 7919);

describe('profile fold properties (seeded random histories)', () => {
  it.each(SEEDS)('seed %i: incremental in-order application equals the fold, also across store/load', (seed) => {
    const rand = seededRandom(seed);
    const events = randomEvents(rand, 20 + int(rand, 100));
    const sorted = [...events].sort(compareEventOrder);
    const folded = foldProfile(PID, events, SPEC);

    let state = createProfileState(PID);
    for (const event of sorted) {
      expect(isAfterLastEvent(state, event)).toBe(true);
      // The app stores and reloads profiles between batches: the fold must not notice.
      if (rand() < 0.3) state = roundTrip(state);
      state = applyEventToProfile(state, event, SPEC);
    }
    expectSame(state, folded);
    expect(JSON.stringify(state)).toBe(JSON.stringify(folded));
  });

  it.each(SEEDS)('seed %i: any arrival order, with the replay-when-late rule, gives the fold of what arrived', (seed) => {
    const rand = seededRandom(seed);
    const events = randomEvents(rand, 10 + int(rand, 60));
    // Retries: some events arrive twice; the app drops them by messageId before the fold.
    const arrivals = [...events, ...events.filter(() => rand() < 0.1)];
    const received: NormalizedEvent[] = [];
    const seen = new Set<string>();
    let state = createProfileState(PID);
    let replays = 0;
    for (const event of shuffle(rand, arrivals)) {
      if (seen.has(event.messageId)) continue;
      seen.add(event.messageId);
      received.push(event);
      if (isAfterLastEvent(state, event)) {
        state = applyEventToProfile(state, event, SPEC);
      } else {
        state = foldProfile(PID, received, SPEC);
        replays++;
      }
      if (received.length % 7 === 0) expectSame(state, foldProfile(PID, received, SPEC));
    }
    expectSame(state, foldProfile(PID, [...events].sort(compareEventOrder), SPEC));
    expect(replays).toBeLessThanOrEqual(received.length);
  });

  it.each(SEEDS)('seed %i: the state is plain JSON, and the features are stable and JSON too', (seed) => {
    const rand = seededRandom(seed);
    const state = foldProfile(PID, randomEvents(rand, 20 + int(rand, 100)), SPEC);
    assertJsonSafe(state);
    const reloaded = roundTrip(state);
    expectSame(reloaded, state);

    const lastMs = state.lastSeenMs ?? T0_MS;
    for (const nowMs of [lastMs, lastMs + 3 * MS_PER_HOUR, lastMs + 31 * MS_PER_DAY, lastMs + 400 * MS_PER_DAY]) {
      const features = computeFeatures(state, nowMs, SPEC);
      assertJsonSafe(features, 'features');
      expectSame(computeFeatures(reloaded, nowMs, SPEC), features);
      expectSame(computeFeatures(state, nowMs, SPEC), features);
      // Reading must not change the state.
      expectSame(state, reloaded);
      const shares = features.categoryAffinity.reduce((sum, c) => sum + c.score, 0);
      if (features.categoryAffinity.length > 0 && Object.keys(state.affinity.scores).length <= SPEC.affinityTopN) {
        expect(shares).toBeCloseTo(1, 9);
      }
      expect(Object.values(features.computedTraits).every((v) => v !== undefined)).toBe(true);
    }
  });

  it.each(SEEDS)('seed %i: behavior tracks hold the newest matching events within retention and count the rest', (seed) => {
    const rand = seededRandom(seed);
    const events = randomEvents(rand, 20 + int(rand, 100));
    const state = foldProfile(PID, events, SPEC);
    const sorted = [...events].sort(compareEventOrder);
    const latestMs = Math.max(...events.map((e) => e.timestampMs));
    expect(Object.keys(state.behavior)).toEqual(BEHAVIOR_TRACKS.map((t) => t.key).sort());
    for (const spec of BEHAVIOR_TRACKS) {
      const matching = sorted.filter((e) => e.type === 'track' && e.event === spec.event && (spec.filter === null || spec.filter.test(e.properties)));
      const retained = matching.filter((e) => spec.retentionMs === null || e.timestampMs >= latestMs - spec.retentionMs);
      const held = retained.slice(Math.max(0, retained.length - SPEC.maxBehaviorTrackEntries));
      expectSame(state.behavior[spec.key], {
        retentionMs: spec.retentionMs,
        at: held.map((e) => e.timestampMs),
        ids: held.map((e) => e.messageId),
        dropped: matching.length - held.length,
      });
    }
    // The tracks do not depend on the order of application (unlike sessions or the cart).
    let unordered = createProfileState(PID);
    for (const event of shuffle(rand, events)) unordered = applyEventToProfile(unordered, event, SPEC);
    expectSame(unordered.behavior, state.behavior);
    expect(profileNeedsReplay(state, SPEC)).toBe(false);
  });

  it.each(SEEDS)('seed %i: purchased products and consent match a recomputation from the sorted events', (seed) => {
    const rand = seededRandom(seed);
    const events = randomEvents(rand, 20 + int(rand, 100));
    const state = foldProfile(PID, events, SPEC);
    const expected = referencePurchasesAndConsent([...events].sort(compareEventOrder), SPEC.maxPurchasedProducts);
    expectSame(state.purchasedProducts, expected.purchasedProducts);
    expectSame(state.consent, expected.consent);
  });

  it('evicts purchased products and sets consent in the generated histories (the test above exercises both)', () => {
    let evicted = 0;
    let withConsent = 0;
    for (const seed of SEEDS) {
      const rand = seededRandom(seed);
      const state = foldProfile(PID, randomEvents(rand, 20 + int(rand, 100)), SPEC);
      if (state.purchasedProducts.overflow > 1) evicted++;
      if (Object.keys(state.consent).length > 1) withConsent++;
    }
    expect(evicted).toBeGreaterThan(20);
    expect(withConsent).toBeGreaterThan(20);
  });

  it('reaches the cap and drops by retention in the generated histories (the tests above exercise both)', () => {
    let capped = 0;
    let pruned = 0;
    for (const seed of SEEDS) {
      const rand = seededRandom(seed);
      const state = foldProfile(PID, randomEvents(rand, 20 + int(rand, 100)), SPEC);
      for (const spec of BEHAVIOR_TRACKS) {
        const held = state.behavior[spec.key];
        if (held === undefined || held.dropped === 0) continue;
        if (held.at.length === SPEC.maxBehaviorTrackEntries) capped++;
        else if (spec.retentionMs !== null) pruned++;
      }
    }
    expect(capped).toBeGreaterThan(20);
    expect(pruned).toBeGreaterThan(20);
  });

  it('stays bounded in size whatever the history length', () => {
    const rand = seededRandom(42);
    const events = randomEvents(rand, 3000);
    const state = foldProfile(PID, events, SPEC);
    expect(state.orders.days.length).toBeLessThanOrEqual(365);
    expect(state.recentProductViews.length).toBeLessThanOrEqual(100);
    expect(JSON.stringify(state).length).toBeLessThan(200_000);
  });
});

/**
 * purchasedProducts and consent recomputed another way: whole lists and sorts instead of the fold's
 * in-place updates. Order duplicates: an order_id among the last 50 counted ones (PROFILE_CAPS).
 */
function referencePurchasesAndConsent(sorted: readonly NormalizedEvent[], cap: number): Pick<ProfileState, 'purchasedProducts' | 'consent'> {
  const counted: string[] = [];
  type Held = { key: string; orders: number; quantity: number; firstMs: number; lastMs: number };
  let held: Held[] = [];
  let overflow = 0;
  const consent: Record<string, { granted: boolean; atMs: number }> = {};
  const setConsent = (purpose: string, granted: boolean, atMs: number) => {
    const key = purpose.trim().toLowerCase();
    if (key === '' || key === '__proto__' || key.length > 100) return;
    if (!Object.hasOwn(consent, key) && Object.keys(consent).length >= 50) return;
    Object.defineProperty(consent, key, { value: { granted, atMs }, enumerable: true, writable: true, configurable: true });
  };
  for (const event of sorted) {
    const atMs = event.timestampMs;
    const segment = event.context['consent'];
    if (segment !== null && typeof segment === 'object' && !Array.isArray(segment)) {
      const preferences = segment['categoryPreferences'];
      if (preferences !== null && typeof preferences === 'object' && !Array.isArray(preferences)) {
        for (const [purpose, granted] of Object.entries(preferences)) if (typeof granted === 'boolean') setConsent(purpose, granted, atMs);
      }
    }
    const rudder = event.context['consentManagement'];
    if (rudder !== null && typeof rudder === 'object' && !Array.isArray(rudder)) {
      for (const [field, granted] of [['allowedConsentIds', true], ['deniedConsentIds', false]] as const) {
        const ids = rudder[field];
        if (Array.isArray(ids)) for (const id of ids) if (typeof id === 'string') setConsent(id, granted, atMs);
      }
    }

    if (event.type !== 'track' || event.event !== 'Order Completed') continue;
    const properties = event.properties;
    const orderId = typeof properties['order_id'] === 'string' ? properties['order_id'] : null;
    if (orderId !== null && counted.slice(-50).includes(orderId)) continue;
    if (orderId !== null) counted.push(orderId);
    const products = Array.isArray(properties['products']) ? (properties['products'] as JsonObject[]) : [properties];
    const perOrder: [string, number][] = [];
    for (const product of products) {
      const key = product['product_id'] as string;
      const quantity = Number(product['quantity'] ?? 1);
      const line = perOrder.find(([k]) => k === key);
      if (line === undefined) perOrder.push([key, quantity]);
      else line[1] += quantity;
    }
    for (const [key, quantity] of perOrder) {
      const found = held.find((h) => h.key === key);
      if (found !== undefined) {
        found.orders += 1;
        found.quantity += quantity;
        found.lastMs = atMs;
        continue;
      }
      if (key === '__proto__') {
        overflow += 1;
        continue;
      }
      while (held.length >= cap) {
        // Least recently bought first, ties by smallest key.
        const victim = [...held].sort((a, b) => a.lastMs - b.lastMs || (a.key < b.key ? -1 : 1))[0] as Held;
        held = held.filter((h) => h !== victim);
        overflow += 1;
      }
      held.push({ key, orders: 1, quantity, firstMs: atMs, lastMs: atMs });
    }
  }
  const items: ProfileState['purchasedProducts']['items'] = {};
  for (const h of held) items[h.key] = { orders: h.orders, quantity: h.quantity, firstMs: h.firstMs, lastMs: h.lastMs };
  return { purchasedProducts: { items, overflow }, consent };
}
