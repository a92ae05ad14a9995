import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CatalogListResponseSchema } from '../../src/server/api.schema.js';
import type { TestServer } from './helpers/start-test-app.js';
import { ADMIN_KEY, WRITE_KEY, bearer, bodyOf, parseBody, startTestApp } from './helpers/start-test-app.js';

describe('HTTP catalog', () => {
  let t: TestServer;
  let readKey: string;
  const upsert = (payload: unknown, key = ADMIN_KEY) =>
    t.fastify.inject({ method: 'POST', url: '/v1/catalog/items', headers: { ...bearer(key), 'content-type': 'application/json' }, payload: JSON.stringify(payload) });
  const get = (url: string, key = readKey) => t.fastify.inject({ method: 'GET', url, headers: bearer(key) });

  beforeAll(async () => {
    t = await startTestApp();
    const created = await t.fastify.inject({ method: 'POST', url: '/v1/keys', headers: bearer(ADMIN_KEY), payload: { name: 'reader', scope: 'read' } });
    readKey = String(bodyOf(created)['secret']);
  });
  afterAll(async () => t.close());

  it('upserts an array of items (200) and reads one back', async () => {
    const res = await upsert([
      { id: 'shoe-1', name: 'Runner', category: 'Shoes', price: 42.5, currency: 'EUR', marginRate: 0.35, stock: 12, color: 'red' },
      { product_id: 'shoe-2', name: 'Trail', category: 'Shoes', price: '60.00' },
    ]);
    expect(res.statusCode).toBe(200);
    expect(bodyOf(res)).toEqual({ success: true, accepted: 2 });
    const item = await get('/v1/catalog/items/shoe-1');
    expect(item.statusCode).toBe(200);
    expect(bodyOf(item)).toEqual({
      id: 'shoe-1',
      name: 'Runner',
      category: 'Shoes',
      price: 42.5,
      currency: 'EUR',
      marginRate: 0.35,
      stock: 12,
      attributes: { color: 'red' },
      updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(bodyOf(await get('/v1/catalog/items/shoe-2'))).toMatchObject({ price: 60 });
  });

  it('accepts { items: [...] } and replaces existing ids', async () => {
    const res = await upsert({ items: [{ id: 'shoe-1', name: 'Runner v2', category: 'Shoes', price: 45 }, { id: 'hat-1', category: 'Hats', price: 15 }] });
    expect(res.statusCode).toBe(200);
    expect(bodyOf(await get('/v1/catalog/items/shoe-1'))).toMatchObject({ name: 'Runner v2', price: 45 });
  });

  it('keeps the good items of a partly bad upload (207) and rejects an all-bad one (400)', async () => {
    const partial = await upsert([{ id: 'bag-1', category: 'Bags', price: 80 }, { name: 'no id' }, 'nope']);
    expect(partial.statusCode).toBe(207);
    expect(bodyOf(partial)).toEqual({
      success: true,
      accepted: 1,
      rejected: [
        { index: 1, field: 'id', message: expect.any(String) },
        { index: 2, field: null, message: expect.any(String) },
      ],
    });
    expect((await get('/v1/catalog/items/bag-1')).statusCode).toBe(200);

    const allBad = await upsert([{ name: 'no id' }]);
    expect(allBad.statusCode).toBe(400);
    expect(bodyOf(allBad)['error']).toMatchObject({ code: 'ERR_BATCH_REJECTED', details: [{ index: 0, field: 'id' }] });
  });

  it('validates the request shape', async () => {
    const res = await upsert({ products: [] });
    expect(res.statusCode).toBe(400);
    expect(bodyOf(res)['error']).toMatchObject({ code: 'ERR_REQUEST_INVALID' });
    const text = await t.fastify.inject({ method: 'POST', url: '/v1/catalog/items', headers: { ...bearer(ADMIN_KEY), 'content-type': 'text/plain' }, payload: '[]' });
    expect(text.statusCode).toBe(415);
    const bad = await t.fastify.inject({ method: 'POST', url: '/v1/catalog/items', headers: { ...bearer(ADMIN_KEY), 'content-type': 'application/json' }, payload: '[{' });
    expect(bodyOf(bad)['error']).toMatchObject({ code: 'ERR_BODY_INVALID_JSON' });
  });

  it('lists by category and pages with after/next', async () => {
    const shoes = parseBody(CatalogListResponseSchema, await get('/v1/catalog/items?category=Shoes'));
    expect(shoes.items.map((i) => i.id)).toEqual(['shoe-1', 'shoe-2']);
    expect(shoes.next).toBeNull();

    const ids: string[] = [];
    let next: string | null = null;
    do {
      const query: string = next === null ? '?limit=2' : `?limit=2&after=${encodeURIComponent(next)}`;
      const page = parseBody(CatalogListResponseSchema, await get(`/v1/catalog/items${query}`));
      ids.push(...page.items.map((i) => i.id));
      next = page.next;
    } while (next !== null && ids.length < 50);
    expect(ids).toEqual(['bag-1', 'hat-1', 'shoe-1', 'shoe-2']);
  });

  it('deletes (204) and then answers 404', async () => {
    const del = await t.fastify.inject({ method: 'DELETE', url: '/v1/catalog/items/hat-1', headers: bearer(ADMIN_KEY) });
    expect(del.statusCode).toBe(204);
    expect(del.body).toBe('');
    expect((await get('/v1/catalog/items/hat-1')).statusCode).toBe(404);
    const again = await t.fastify.inject({ method: 'DELETE', url: '/v1/catalog/items/hat-1', headers: bearer(ADMIN_KEY) });
    expect(again.statusCode).toBe(404);
    expect(bodyOf(again)['error']).toMatchObject({ code: 'ERR_NOT_FOUND' });
  });

  it('needs read to read and admin to write', async () => {
    expect((await get('/v1/catalog/items', WRITE_KEY)).statusCode).toBe(403);
    expect((await upsert([{ id: 'x' }], readKey)).statusCode).toBe(403);
    expect((await t.fastify.inject({ method: 'DELETE', url: '/v1/catalog/items/shoe-1', headers: bearer(readKey) })).statusCode).toBe(403);
  });
});
