import { afterEach, describe, expect, it } from 'vitest';
import type { RecommendationList } from '../../src/app/recs/recommendation-service.js';
import { DEFAULT_WORKSPACE_ID } from '../../src/core/shared/ids.js';
import { PlacementSchema, RecommendationListSchema, RecsStatusSchema, RecsVersionSchema } from '../../src/server/recommendations.schema.js';
import type { TestApp } from '../helpers/open-test-app.js';
import { openTestApp } from '../helpers/open-test-app.js';
import { ADMIN_KEY, WRITE_KEY, bearer, parseBody, startTestApp } from './helpers/start-test-app.js';
import { CATALOG, NOW, OUTDOOR, ingest, seed } from '../builders/shop-events.js';

const WS = DEFAULT_WORKSPACE_ID;
const DAY = 86_400_000;

const ids = (list: RecommendationList): string[] => list.items.map((i) => i.itemId);
const user = (value: string) => ({ kind: 'user_id' as const, value });

describe('recommendations per workspace', () => {
  let t: TestApp;
  afterEach(async () => {
    await t.close();
  });

  it('recommends from the live profile with reasons, and excludes a purchase at once, before any retraining', async () => {
    t = await openTestApp('sqlite', { nowMs: () => NOW });
    await expect(t.app.recommendations.forUser(WS, user('camper0'), {})).rejects.toMatchObject({ code: 'ERR_RECS_NOT_TRAINED' });
    await seed(t.app);
    const version = await t.app.recommendations.train(WS, {});
    expect(version).toMatchObject({ version: 1, report: { users: 60, personal: { algorithm: 'ease' } } });
    expect(version.report.replenishableItems).toBeGreaterThanOrEqual(1);

    // camper0 left out item 0 (tent): it is the first thing to recommend, because of what they
    // bought, after the coffee they buy weekly, which is due again (last bought 9 days ago).
    const list = await t.app.recommendations.forUser(WS, user('camper0'), {});
    expect(list.personalized).toBe(true);
    expect(ids(list).slice(0, 2)).toEqual(['coffee', 'tent']);
    expect(list.items[0]?.reasons.map((r) => r.source)).toContain('repeat');
    expect(list.items[1]?.reasons[0]?.text).toMatch(/^because you (bought|viewed) "(STOVE|LAMP|BOOTS)"$/);
    expect(ids(list)).not.toEqual(expect.arrayContaining(['stove', 'lamp', 'boots']));

    await ingest(t.app, [{ type: 'track', event: 'Order Completed', userId: 'camper0', messageId: 'buy-tent', timestamp: new Date(NOW - 1000).toISOString(), properties: { order_id: 'x1', products: [{ product_id: 'tent' }] } }]);
    expect(ids(await t.app.recommendations.forUser(WS, user('camper0'), {}))).not.toContain('tent');
  });

  it('adapts within the session: the next item of what was just viewed comes first, saying why', async () => {
    t = await openTestApp('memory', { nowMs: () => NOW });
    await seed(t.app);
    await t.app.recommendations.train(WS, {});
    await ingest(t.app, [{ type: 'track', event: 'Product Viewed', anonymousId: 'visitor-1', messageId: 'v1', timestamp: new Date(NOW - 60_000).toISOString(), properties: { product_id: 'pan' } }]);
    const list = await t.app.recommendations.forUser(WS, { kind: 'anonymous_id', value: 'visitor-1' }, {});
    expect(ids(list)[0]).toBe('knife');
    expect(list.items[0]?.reasons.map((r) => r.text)).toContain('shoppers who viewed "PAN" looked at this next');
  });

  it('brings coffee back when it is due, and keeps out-of-stock items out from the moment stock is 0', async () => {
    t = await openTestApp('memory', { nowMs: () => NOW + 9 * DAY });
    await seed(t.app);
    await t.app.recommendations.train(WS, {});
    const due = await t.app.recommendations.forUser(WS, user('cook1'), {});
    const coffee = due.items.find((i) => i.itemId === 'coffee');
    expect(coffee?.reasons.some((r) => r.source === 'repeat' && /every 7 days/.test(r.text))).toBe(true);

    expect(ids(await t.app.recommendations.forItem(WS, 'tent', null, {}))).toContain('tarp');
    await t.app.upsertCatalog(WS, [{ ...CATALOG.find((c) => c.id === 'tarp'), stock: 0 }]);
    const after = await t.app.recommendations.forItem(WS, 'tent', null, {});
    expect(ids(after)).not.toContain('tarp');
    expect(after.filtered['excludeOutOfStock']).toBeGreaterThanOrEqual(1);
  });

  it('answers item pages and baskets, with per-placement rules, and refuses what it cannot know', async () => {
    t = await openTestApp('memory', { nowMs: () => NOW });
    await seed(t.app);
    await t.app.recommendations.train(WS, {});
    const item = await t.app.recommendations.forItem(WS, 'pan', null, { count: 3 });
    expect(ids(item).slice(0, 2).sort()).toEqual(['board', 'knife']);
    expect(item.items[0]?.reasons[0]?.text).toMatch(/"PAN"/);
    const basket = await t.app.recommendations.forBasket(WS, ['tent', 'stove'], null, {});
    expect(ids(basket)).not.toContain('tent');
    expect(ids(basket).slice(0, 2)).toEqual(expect.arrayContaining(['lamp']));

    await t.app.recommendations.putPlacement(WS, 'cart', { count: 3, rules: { excludeCategories: ['grocery'], maxPerCategory: 1, pinItems: ['kettle'] } });
    const cart = await t.app.recommendations.forBasket(WS, ['pan'], null, { placement: 'cart' });
    expect(cart.items).toHaveLength(3);
    expect(cart.items[0]).toMatchObject({ itemId: 'kettle', strategy: 'pinned' });
    expect(cart.items.some((i) => i.category === 'grocery')).toBe(false);
    const categories = cart.items.map((i) => i.category);
    expect(new Set(categories).size).toBe(categories.length);

    await expect(t.app.recommendations.forItem(WS, 'no-such-item', null, {})).rejects.toMatchObject({ code: 'ERR_NOT_FOUND', details: [{ field: 'item' }] });
    await expect(t.app.recommendations.putPlacement(WS, 'cart', { rules: { maxPrice: -1 }, weights: { magic: 1 } })).rejects.toMatchObject({
      code: 'ERR_VALIDATION',
      details: expect.arrayContaining([expect.objectContaining({ field: 'rules.maxPrice' }), expect.objectContaining({ field: 'weights.magic' })]) as unknown,
    });
  });

  it('does not personalize without consent, and says so; a segment informs a shopper with no history', async () => {
    t = await openTestApp('memory', { nowMs: () => NOW });
    await seed(t.app);
    await t.app.segments.create(WS, { key: 'campers', name: 'Campers', text: 'traits.tribe = "camper"' });
    await t.app.recommendations.train(WS, {});
    await ingest(t.app, [
      { type: 'track', event: 'Product Viewed', userId: 'cook1', messageId: 'refuse', timestamp: new Date(NOW - 1000).toISOString(), properties: { product_id: 'pan' }, context: { consent: { categoryPreferences: { personalization: false } } } },
      { type: 'identify', userId: 'newbie', messageId: 'nb', timestamp: new Date(NOW - 1000).toISOString(), traits: { tribe: 'camper' } },
    ]);
    const refused = await t.app.recommendations.forUser(WS, user('cook1'), {});
    expect(refused).toMatchObject({ personalized: false, notPersonalizedReason: 'the visitor declined personalization' });
    expect(refused.items.every((i) => i.strategy === 'popular')).toBe(true);

    const newbie = await t.app.recommendations.forUser(WS, user('newbie'), {});
    expect(newbie.personalized).toBe(true);
    const fromSegment = newbie.items.filter((i) => i.strategy === 'segment_popular');
    expect(fromSegment.length).toBeGreaterThan(0);
    expect(fromSegment.every((i) => OUTDOOR.includes(i.itemId))).toBe(true);
    expect(fromSegment[0]?.reasons[0]?.text).toBe('popular in your segment "Campers"');

    const stranger = await t.app.recommendations.forUser(WS, user('nobody'), {});
    expect(stranger).toMatchObject({ personalized: false, notPersonalizedReason: 'unknown visitor: no profile yet' });
    expect(stranger.items.length).toBeGreaterThan(0);
  });

  it('keeps versions, and the trained model after a restart ranks the same', async () => {
    const first = await openTestApp('sqlite', { nowMs: () => NOW });
    await seed(first.app);
    await first.app.recommendations.train(WS, {});
    await first.app.recommendations.train(WS, {});
    const before = await first.app.recommendations.forUser(WS, user('cook3'), {});
    await first.app.close();
    t = await openTestApp('sqlite', { nowMs: () => NOW, path: first.path ?? '' });
    const status = await t.app.recommendations.status(WS);
    expect(status?.current.version).toBe(2);
    expect(status?.history.map((v) => v.version)).toEqual([1]);
    const after = await t.app.recommendations.forUser(WS, user('cook3'), {});
    expect(after.items).toEqual(before.items);
  });
});

describe('the recommendations API', () => {
  it('trains in a worker thread while serving goes on, then serves users, visitors, items and baskets over HTTP', async () => {
    const server = await startTestApp();
    try {
      await seed(server.app, Date.now());
      const json = { ...bearer(ADMIN_KEY), 'content-type': 'application/json' };
      const notYet = await server.fastify.inject({ method: 'GET', url: '/v1/recommendations/camper0', headers: bearer(ADMIN_KEY) });
      expect(notYet.statusCode).toBe(409);
      expect((notYet.json() as { error: { code: string } }).error.code).toBe('ERR_RECS_NOT_TRAINED');
      const refused = await server.fastify.inject({ method: 'POST', url: '/v1/recommendations/train', headers: { ...bearer(WRITE_KEY), 'content-type': 'application/json' }, payload: '{}' });
      expect(refused.statusCode).toBe(403);

      const first = await server.fastify.inject({ method: 'POST', url: '/v1/recommendations/train', headers: json, payload: '{}' });
      expect(first.statusCode).toBe(201);
      expect(parseBody(RecsVersionSchema, first).version).toBe(1);

      // A retraining runs in a worker: requests made meanwhile are answered (by version 1 or 2).
      const retrain = server.fastify.inject({ method: 'POST', url: '/v1/recommendations/train', headers: json, payload: '{}' });
      const during = await Promise.all(Array.from({ length: 20 }, (_, i) => server.fastify.inject({ method: 'GET', url: `/v1/recommendations/cook${2 * i + 1}?count=3`, headers: bearer(ADMIN_KEY) })));
      for (const response of during) {
        expect(response.statusCode).toBe(200);
        expect([1, 2]).toContain(parseBody(RecommendationListSchema, response).modelVersion);
      }
      expect((await retrain).statusCode).toBe(201);

      const forUser = parseBody(RecommendationListSchema, await server.fastify.inject({ method: 'GET', url: '/v1/recommendations/camper0?count=5', headers: bearer(ADMIN_KEY) }));
      expect(forUser).toMatchObject({ modelVersion: 2, personalized: true, placement: 'default' });
      expect(forUser.items.map((i) => i.itemId)).toContain('tent');
      const forItem = parseBody(RecommendationListSchema, await server.fastify.inject({ method: 'GET', url: '/v1/recommendations/items/pan?userId=cook1&count=3', headers: bearer(ADMIN_KEY) }));
      expect(forItem.items.map((i) => i.itemId)).not.toContain('pan');
      const basket = await server.fastify.inject({ method: 'POST', url: '/v1/recommendations/basket', headers: json, payload: JSON.stringify({ items: ['tent'], count: 3 }) });
      expect(parseBody(RecommendationListSchema, basket).items).toHaveLength(3);
      const visitor = await server.fastify.inject({ method: 'GET', url: '/v1/recommendations/anonymous/someone-new', headers: bearer(ADMIN_KEY) });
      expect(parseBody(RecommendationListSchema, visitor).personalized).toBe(false);

      const placement = await server.fastify.inject({ method: 'PUT', url: '/v1/recommendations/placements/home', headers: json, payload: JSON.stringify({ count: 2, weights: { popular: 1 } }) });
      expect(parseBody(PlacementSchema, placement)).toMatchObject({ key: 'home', count: 2 });
      const home = parseBody(RecommendationListSchema, await server.fastify.inject({ method: 'GET', url: '/v1/recommendations/camper0?placement=home', headers: bearer(ADMIN_KEY) }));
      expect(home.items).toHaveLength(2);
      const badPlacement = await server.fastify.inject({ method: 'PUT', url: '/v1/recommendations/placements/home', headers: json, payload: JSON.stringify({ rules: { maxPerCategory: 0 } }) });
      expect(badPlacement.statusCode).toBe(400);
      expect((badPlacement.json() as { error: { details: { field: string }[] } }).error.details[0]?.field).toBe('rules.maxPerCategory');
      const badCount = await server.fastify.inject({ method: 'GET', url: '/v1/recommendations/camper0?count=1000', headers: bearer(ADMIN_KEY) });
      expect(badCount.statusCode).toBe(400);
      const both = await server.fastify.inject({ method: 'GET', url: '/v1/recommendations/items/pan?userId=a&anonymousId=b', headers: bearer(ADMIN_KEY) });
      expect(both.statusCode).toBe(400);
      expect((await server.fastify.inject({ method: 'GET', url: '/v1/recommendations/items/nothing', headers: bearer(ADMIN_KEY) })).statusCode).toBe(404);

      const status = parseBody(RecsStatusSchema, await server.fastify.inject({ method: 'GET', url: '/v1/recommendations/model', headers: bearer(ADMIN_KEY) }));
      expect(status.current.version).toBe(2);
      expect(status.history.map((v) => v.version)).toEqual([1]);
      expect((await server.fastify.inject({ method: 'DELETE', url: '/v1/recommendations/placements/home', headers: bearer(ADMIN_KEY) })).statusCode).toBe(204);
    } finally {
      await server.close();
    }
  });
});
