import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProfileListResponseSchema, ProfileResponseSchema, TimelineResponseSchema } from '../../src/server/api.schema.js';
import type { TestServer } from './helpers/start-test-app.js';
import { ADMIN_KEY, WRITE_KEY, bearer, bodyOf, parseBody, startTestApp } from './helpers/start-test-app.js';

const T0 = Date.parse('2026-11-01T10:00:00.000Z');
const at = (minutes: number): string => new Date(T0 + minutes * 60_000).toISOString();

describe('HTTP profiles', () => {
  let t: TestServer;
  let readKey: string;

  const get = (url: string, key = readKey) => t.fastify.inject({ method: 'GET', url, headers: bearer(key) });
  const ingest = async (batch: unknown[]) => {
    const res = await t.fastify.inject({ method: 'POST', url: '/v1/batch', headers: bearer(WRITE_KEY), payload: { batch } });
    expect(res.statusCode).toBe(200);
  };

  beforeAll(async () => {
    t = await startTestApp();
    const created = await t.fastify.inject({ method: 'POST', url: '/v1/keys', headers: bearer(ADMIN_KEY), payload: { name: 'reader', scope: 'read' } });
    readKey = String(bodyOf(created)['secret']);
    await ingest([
      { type: 'page', anonymousId: 'anon-9', name: 'Home', messageId: 'pr-1', timestamp: at(0) },
      { type: 'page', anonymousId: 'anon-9', name: 'Shoes', messageId: 'pr-2', timestamp: at(1) },
    ]);
    await ingest([{ type: 'identify', userId: 'user-9', traits: { email: 'nine@example.com', plan: 'pro' }, messageId: 'pr-3', timestamp: at(2) }]);
    await ingest([
      { type: 'track', userId: 'user-9', anonymousId: 'anon-9', event: 'Product Added', properties: { product_id: 'p1', price: 20, category: 'Shoes' }, messageId: 'pr-4', timestamp: at(3) },
      {
        type: 'track',
        userId: 'user-9',
        event: 'Order Completed',
        properties: { order_id: 'o-9', revenue: 20, products: [{ product_id: 'p1', price: 20, quantity: 1, category: 'Shoes' }] },
        messageId: 'pr-5',
        timestamp: at(4),
      },
      { type: 'track', userId: 'user-9', event: 'Review Written', messageId: 'pr-6', timestamp: at(5) },
      { type: 'page', userId: 'user-9', name: 'Thanks', messageId: 'pr-7', timestamp: at(6) },
    ]);
    await ingest(Array.from({ length: 5 }, (_, i) => ({ type: 'identify', userId: `list-${i}`, traits: { n: i }, messageId: `list-${i}` })));
  });
  afterAll(async () => t.close());

  it('reads a profile by userId, anonymousId and profileId: the same person after the merge', async () => {
    const byUser = await get('/v1/profiles/user-9');
    expect(byUser.statusCode).toBe(200);
    expect(() => parseBody(ProfileResponseSchema, byUser)).not.toThrow();
    const profile = bodyOf(byUser);
    const profileId = String(profile['profileId']);
    expect(profileId).toMatch(/^prf_/);
    expect(profile['traits']).toEqual({ email: 'nine@example.com', plan: 'pro' });
    expect(profile['features']).toMatchObject({ frequency: 1, monetary: 20, eventCount: 7, pageViews: 3, cartAdds: 1, topCategory: 'Shoes' });
    expect(profile['features']).not.toHaveProperty('computedTraits');
    expect(profile['computedTraits']).toEqual({});
    expect(profile['identities']).toEqual(
      expect.arrayContaining([
        { kind: 'user_id', value: 'user-9', firstSeenAt: expect.any(String) },
        { kind: 'anonymous_id', value: 'anon-9', firstSeenAt: expect.any(String) },
      ]),
    );
    expect(profile['merges']).toEqual([
      expect.objectContaining({ survivorId: profileId, reason: 'identified', messageId: 'pr-4', at: expect.any(String) }),
    ]);
    expect(profile['links']).toEqual({ timeline: `/v1/profiles/id/${profileId}/timeline` });
    expect(profile).not.toHaveProperty('state');

    expect(bodyOf(await get('/v1/profiles/anonymous/anon-9'))['profileId']).toBe(profileId);
    expect(bodyOf(await get(`/v1/profiles/id/${profileId}`))['profileId']).toBe(profileId);
  });

  it('computes time-relative features as of ?at=, and refuses an unreadable instant naming the field', async () => {
    const orderAt = Date.parse(at(4));
    const dayAfter = bodyOf(await get(`/v1/profiles/user-9?at=${new Date(orderAt + 86_400_000).toISOString()}`));
    expect(dayAfter['features']).toMatchObject({ ordersLast7d: 1, ordersLast30d: 1 });
    const yearAfter = bodyOf(await get(`/v1/profiles/user-9?at=${new Date(orderAt + 400 * 86_400_000).toISOString()}`));
    expect(yearAfter['features']).toMatchObject({ ordersLast7d: 0, ordersLast365d: 0, frequency: 1 });
    const bad = await get('/v1/profiles/user-9?at=yesterday');
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(bodyOf(bad))).toContain('at');
  });

  it('answers 404 ERR_NOT_FOUND for unknown ids', async () => {
    for (const url of ['/v1/profiles/nobody', '/v1/profiles/anonymous/nobody', '/v1/profiles/id/prf_nobody', '/v1/profiles/nobody/timeline']) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(404);
      expect(bodyOf(res)['error']).toMatchObject({ code: 'ERR_NOT_FOUND' });
    }
  });

  it('reads ids that need escaping', async () => {
    const userId = 'user/42 ü?#';
    await ingest([{ type: 'identify', userId, traits: { odd: true }, messageId: 'pr-odd' }]);
    const res = await get(`/v1/profiles/${encodeURIComponent(userId)}`);
    expect(res.statusCode).toBe(200);
    expect(bodyOf(res)['traits']).toEqual({ odd: true });
    expect((await get(`/v1/profiles/${encodeURIComponent(userId)}/timeline`)).statusCode).toBe(200);
  });

  it('pages the timeline newest first with opaque cursors', async () => {
    const seen: string[] = [];
    let url: string | null = '/v1/profiles/user-9/timeline?limit=3';
    let pages = 0;
    while (url !== null) {
      const res = await get(url);
      expect(res.statusCode).toBe(200);
      const body = parseBody(TimelineResponseSchema, res);
      seen.push(...body.events.map((e) => e.messageId));
      if (body.next !== null) expect(body.links.next).toContain(`before=${body.next}`);
      url = body.links.next;
      pages++;
      expect(pages).toBeLessThan(10);
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(['pr-7', 'pr-6', 'pr-5', 'pr-4', 'pr-3', 'pr-2', 'pr-1']);

    const first = parseBody(TimelineResponseSchema, await get('/v1/profiles/anonymous/anon-9/timeline?limit=1'));
    expect(first.events.map((e) => e.messageId)).toEqual(['pr-7']);
    const second = parseBody(TimelineResponseSchema, await get(`/v1/profiles/anonymous/anon-9/timeline?limit=2&before=${String(first.next)}`));
    expect(second.events.map((e) => e.messageId)).toEqual(['pr-6', 'pr-5']);
    const event = second.events[1];
    expect(event).toMatchObject({ type: 'track', event: 'Order Completed', userId: 'user-9', timestamp: at(4), properties: { order_id: 'o-9' } });
  });

  it('rejects bad paging parameters with 400 ERR_REQUEST_INVALID naming the field', async () => {
    for (const [url, field] of [
      ['/v1/profiles/user-9/timeline?before=not-a-cursor', 'before'],
      ['/v1/profiles/user-9/timeline?limit=0', 'limit'],
      ['/v1/profiles?limit=1001', 'limit'],
      ['/v1/profiles?limit=ten', 'limit'],
    ] as const) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(400);
      expect(bodyOf(res)['error'], url).toMatchObject({ code: 'ERR_REQUEST_INVALID', details: [{ field, in: 'query parameter' }] });
    }
  });

  it('lists profiles page by page', async () => {
    const ids: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 20; page++) {
      const query: string = after === null ? '?limit=2' : `?limit=2&after=${encodeURIComponent(after)}`;
      const body = parseBody(ProfileListResponseSchema, await get(`/v1/profiles${query}`));
      expect(body.profiles.length).toBeLessThanOrEqual(2);
      for (const p of body.profiles) expect(p.links.self).toBe(`/v1/profiles/id/${p.profileId}`);
      ids.push(...body.profiles.map((p) => p.profileId));
      after = body.next;
      if (after === null) break;
    }
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual([...ids].sort());
    // user-9 (merged from two), list-0..4, and the odd user when that test ran first
    expect(ids.length).toBeGreaterThanOrEqual(6);
    const all = parseBody(ProfileListResponseSchema, await get('/v1/profiles?limit=1000'));
    expect(all.profiles.length).toBe(ids.length);
    expect(all.next).toBeNull();
  });
});
