import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ComputedTraitListResponseSchema, ErrorResponseSchema } from '../../src/server/api.schema.js';
import type { TestServer } from './helpers/start-test-app.js';
import { ADMIN_KEY, WRITE_KEY, bearer, bodyOf, parseBody, startTestApp } from './helpers/start-test-app.js';

describe('HTTP computed traits', () => {
  let t: TestServer;
  const put = (name: string, payload: unknown) =>
    t.fastify.inject({
      method: 'PUT',
      url: `/v1/computed-traits/${name}`,
      headers: { ...bearer(ADMIN_KEY), 'content-type': 'application/json' },
      payload: JSON.stringify(payload),
    });
  const profileOf = async (userId: string) =>
    bodyOf(await t.fastify.inject({ method: 'GET', url: `/v1/profiles/${userId}`, headers: bearer(ADMIN_KEY) }));

  beforeAll(async () => {
    t = await startTestApp();
    const orders = [
      { revenue: 10, currency: 'EUR' },
      { revenue: 25, currency: 'EUR' },
      { revenue: 99, currency: 'USD' },
    ].map((p, i) => ({ type: 'track', userId: 'ct-1', event: 'Order Completed', properties: { order_id: `ct-o${i}`, ...p }, messageId: `ct-${i}` }));
    const res = await t.fastify.inject({ method: 'POST', url: '/v1/batch', headers: bearer(WRITE_KEY), payload: { batch: orders } });
    expect(res.statusCode).toBe(200);
  });
  afterAll(async () => t.close());

  it('creates a trait, recomputes existing profiles, and keeps it current on new events', async () => {
    const res = await put('eur_revenue', {
      event: 'Order Completed',
      aggregate: 'sum',
      property: 'revenue',
      where: [{ property: 'currency', op: 'eq', value: 'EUR' }],
      description: 'EUR revenue, all time',
    });
    expect(res.statusCode).toBe(200);
    expect(bodyOf(res)).toEqual({
      name: 'eur_revenue',
      event: 'Order Completed',
      where: [{ property: 'currency', op: 'eq', value: 'EUR' }],
      aggregate: 'sum',
      property: 'revenue',
      windowDays: null,
      description: 'EUR revenue, all time',
    });
    expect((await profileOf('ct-1'))['computedTraits']).toEqual({ eur_revenue: 35 });

    await t.fastify.inject({
      method: 'POST',
      url: '/v1/track',
      headers: bearer(WRITE_KEY),
      payload: { userId: 'ct-1', event: 'Order Completed', properties: { order_id: 'ct-o9', revenue: 5, currency: 'EUR' } },
    });
    expect((await profileOf('ct-1'))['computedTraits']).toEqual({ eur_revenue: 40 });
  });

  it('accepts the name in the body when it equals the path, and lists traits', async () => {
    const res = await put('orders_30d', { name: 'orders_30d', event: 'Order Completed', aggregate: 'count', windowDays: 30 });
    expect(res.statusCode).toBe(200);
    const list = parseBody(ComputedTraitListResponseSchema, await t.fastify.inject({ method: 'GET', url: '/v1/computed-traits', headers: bearer(ADMIN_KEY) }));
    expect(list.computedTraits.map((d) => d.name).sort()).toEqual(['eur_revenue', 'orders_30d']);
    expect((await profileOf('ct-1'))['computedTraits']).toMatchObject({ orders_30d: 4 });
  });

  it('answers 400 when the body names another trait', async () => {
    const res = await put('orders_30d', { name: 'other', event: 'E', aggregate: 'count' });
    expect(res.statusCode).toBe(400);
    expect(bodyOf(res)['error']).toMatchObject({ code: 'ERR_REQUEST_INVALID', details: [{ field: 'name' }] });
  });

  it('answers 422 ERR_COMPUTED_TRAIT_INVALID naming every field at fault', async () => {
    const res = await put('broken', { event: '', aggregate: 'median', windowDays: 0 });
    expect(res.statusCode).toBe(422);
    const { error } = parseBody(ErrorResponseSchema, res);
    expect(error.code).toBe('ERR_COMPUTED_TRAIT_INVALID');
    expect((error.details ?? []).map((d) => d['field']).sort()).toEqual(['aggregate', 'event', 'windowDays']);
    const badName = await put('Not-Snake', { event: 'E', aggregate: 'count' });
    expect(bodyOf(badName)['error']).toMatchObject({ code: 'ERR_COMPUTED_TRAIT_INVALID', details: [{ field: 'name' }] });
    const notObject = await put('x', [1]);
    expect(notObject.statusCode).toBe(400);
  });

  it('deletes a trait (204), drops it from profiles, then answers 404', async () => {
    const del = await t.fastify.inject({ method: 'DELETE', url: '/v1/computed-traits/orders_30d', headers: bearer(ADMIN_KEY) });
    expect(del.statusCode).toBe(204);
    expect((await profileOf('ct-1'))['computedTraits']).toEqual({ eur_revenue: 40 });
    const again = await t.fastify.inject({ method: 'DELETE', url: '/v1/computed-traits/orders_30d', headers: bearer(ADMIN_KEY) });
    expect(again.statusCode).toBe(404);
    expect(bodyOf(again)['error']).toMatchObject({ code: 'ERR_NOT_FOUND' });
  });
});
