import { deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../../src/core/events/event.js';
import type { TestServer } from './helpers/start-test-app.js';
import { ADMIN_KEY, WRITE_KEY, basicAuth, bearer, bodyOf, startTestApp } from './helpers/start-test-app.js';

const auth = { authorization: basicAuth(WRITE_KEY) };

describe('HTTP ingest', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
    t.fastify.inject({ method: 'POST', url, headers: { ...auth, ...headers }, payload: JSON.stringify(payload) });
  const profile = async (userId: string) =>
    t.fastify.inject({ method: 'GET', url: `/v1/profiles/${encodeURIComponent(userId)}`, headers: bearer(ADMIN_KEY) });
  const timeline = async (userId: string) =>
    bodyOf(await t.fastify.inject({ method: 'GET', url: `/v1/profiles/${encodeURIComponent(userId)}/timeline`, headers: bearer(ADMIN_KEY) }));

  describe('POST /v1/batch', () => {
    it('stores a batch and answers 200 with counts', async () => {
      const res = await post(
        '/v1/batch',
        {
          batch: [
            { type: 'identify', userId: 'b-1', traits: { email: 'b1@example.com' }, messageId: 'b-m1' },
            { type: 'track', userId: 'b-1', event: 'Order Completed', properties: { order_id: 'o1', revenue: 30 }, messageId: 'b-m2' },
            { type: 'page', userId: 'b-1', name: 'Home', messageId: 'b-m3' },
          ],
          sentAt: new Date().toISOString(),
        },
        { 'content-type': 'application/json' },
      );
      expect(res.statusCode).toBe(200);
      expect(bodyOf(res)).toEqual({ success: true, accepted: 3, duplicates: 0 });
      const p = bodyOf(await profile('b-1'));
      expect(p['traits']).toEqual({ email: 'b1@example.com' });
      expect(p['features']).toMatchObject({ frequency: 1, monetary: 30, pageViews: 1, eventCount: 3 });
    });

    it('makes retries idempotent: the same batch twice counts duplicates', async () => {
      const batch = {
        batch: [
          { type: 'track', userId: 'retry-1', event: 'Order Completed', properties: { order_id: 'r1', revenue: 10 }, messageId: 'r-m1' },
          { type: 'track', userId: 'retry-1', event: 'Product Viewed', properties: { product_id: 'p1' }, messageId: 'r-m2' },
        ],
      };
      expect(bodyOf(await post('/v1/batch', batch))).toEqual({ success: true, accepted: 2, duplicates: 0 });
      expect(bodyOf(await post('/v1/batch', batch, { 'x-retry-count': '1' }))).toEqual({ success: true, accepted: 0, duplicates: 2 });
      expect(bodyOf(await profile('retry-1'))['features']).toMatchObject({ frequency: 1, monetary: 10, eventCount: 2 });
      expect((await timeline('retry-1'))['events']).toHaveLength(2);
    });

    it('keeps the good events of a partly bad batch and reports the bad ones (207)', async () => {
      const res = await post('/v1/batch', {
        batch: [
          { type: 'track', userId: 'partial-1', event: 'Signed Up', messageId: 'p-m1' },
          { type: 'track', userId: 'partial-1', messageId: 'p-m2' },
          'not an event',
          { type: 'launch', userId: 'partial-1', messageId: 'p-m4' },
          { type: 'track', event: 'No Identity', messageId: 'p-m5' },
          { type: 'track', userId: 'partial-1', event: 'Bad Time', timestamp: 'yesterday-ish', messageId: 'p-m6' },
          { type: 'page', userId: 'partial-1', name: 'Pricing', messageId: 'p-m7' },
        ],
      });
      expect(res.statusCode).toBe(207);
      const body = bodyOf(res);
      expect(body).toMatchObject({ success: true, accepted: 2, duplicates: 0 });
      expect(body['rejected']).toEqual([
        { index: 1, code: 'ERR_EVENT_NAME_MISSING', field: 'event', message: expect.any(String) },
        { index: 2, code: 'ERR_EVENT_NOT_OBJECT', field: null, message: expect.any(String) },
        { index: 3, code: 'ERR_EVENT_TYPE_INVALID', field: 'type', message: expect.any(String) },
        { index: 4, code: 'ERR_EVENT_IDENTITY_MISSING', field: expect.any(String), message: expect.any(String) },
        { index: 5, code: 'ERR_EVENT_TIMESTAMP_INVALID', field: 'timestamp', message: expect.any(String) },
      ]);
      const events = (await timeline('partial-1'))['events'];
      expect(events).toEqual(expect.arrayContaining([expect.objectContaining({ messageId: 'p-m1' }), expect.objectContaining({ messageId: 'p-m7' })]));
      expect(events).toHaveLength(2);
    });

    it('answers 400 ERR_BATCH_REJECTED when every event is rejected, with each one in details', async () => {
      const res = await post('/v1/batch', { batch: [{ type: 'track', userId: 'x' }, { userId: 'x', event: 'E' }] });
      expect(res.statusCode).toBe(400);
      const error = bodyOf(res)['error'];
      expect(error).toMatchObject({
        code: 'ERR_BATCH_REJECTED',
        details: [
          { index: 0, code: 'ERR_EVENT_NAME_MISSING', field: 'event' },
          { index: 1, code: 'ERR_EVENT_TYPE_INVALID', field: 'type' },
        ],
      });
    });

    it('accepts an empty batch', async () => {
      expect(bodyOf(await post('/v1/batch', { batch: [] }))).toEqual({ success: true, accepted: 0, duplicates: 0 });
    });

    it('answers 400 ERR_BATCH_INVALID naming the field when the body is not a batch', async () => {
      const notArray = await post('/v1/batch', { batch: { type: 'track' } });
      expect(notArray.statusCode).toBe(400);
      expect(bodyOf(notArray)['error']).toMatchObject({ code: 'ERR_BATCH_INVALID', details: [{ field: 'batch' }] });
      const missing = await post('/v1/batch', { events: [] });
      expect(bodyOf(missing)['error']).toMatchObject({ code: 'ERR_BATCH_INVALID', details: [{ field: 'batch' }] });
      const notObject = await post('/v1/batch', [{ type: 'track' }]);
      expect(notObject.statusCode).toBe(400);
      expect(bodyOf(notObject)['error']).toMatchObject({ code: 'ERR_BATCH_INVALID', details: [{ field: null }] });
      const empty = await t.fastify.inject({ method: 'POST', url: '/v1/batch', headers: { ...auth, 'content-type': 'application/json' }, payload: '' });
      expect(empty.statusCode).toBe(400);
      expect(bodyOf(empty)['error']).toMatchObject({ code: 'ERR_BATCH_INVALID' });
    });

    it('answers 400 ERR_BODY_INVALID_JSON for invalid JSON, never 500', async () => {
      for (const payload of ['{"batch": [', '{batch: []}', 'null x', '\u0000']) {
        const res = await t.fastify.inject({ method: 'POST', url: '/v1/batch', headers: { ...auth, 'content-type': 'application/json' }, payload });
        expect(res.statusCode, payload).toBe(400);
        expect(bodyOf(res)['error']).toMatchObject({ code: 'ERR_BODY_INVALID_JSON' });
      }
    });
  });

  describe('bodies: content types and encodings', () => {
    const one = (id: string) => ({ batch: [{ type: 'track', userId: `enc-${id}`, event: 'Encoded', messageId: `enc-${id}` }] });

    it('reads gzipped JSON labelled application/x-www-form-urlencoded (RudderStack)', async () => {
      const res = await t.fastify.inject({
        method: 'POST',
        url: '/v1/batch',
        headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded', 'content-encoding': 'gzip' },
        payload: gzipSync(JSON.stringify(one('rudder'))),
      });
      expect(res.statusCode).toBe(200);
      expect(bodyOf(res)).toMatchObject({ accepted: 1 });
      expect((await profile('enc-rudder')).statusCode).toBe(200);
    });

    it('reads text/plain (analytics.js), no Content-Type, charset parameters and deflate', async () => {
      const cases: { id: string; headers: Record<string, string>; payload: Buffer | string }[] = [
        { id: 'text', headers: { 'content-type': 'text/plain' }, payload: JSON.stringify(one('text')) },
        { id: 'none', headers: {}, payload: JSON.stringify(one('none')) },
        { id: 'charset', headers: { 'content-type': 'application/json; charset=utf-8' }, payload: JSON.stringify(one('charset')) },
        { id: 'deflate', headers: { 'content-type': 'application/json', 'content-encoding': 'deflate' }, payload: deflateSync(JSON.stringify(one('deflate'))) },
        { id: 'gzjson', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, payload: gzipSync(JSON.stringify(one('gzjson'))) },
      ];
      for (const c of cases) {
        const res = await t.fastify.inject({ method: 'POST', url: '/v1/batch', headers: { ...auth, ...c.headers }, payload: c.payload });
        expect(res.statusCode, c.id).toBe(200);
        expect(bodyOf(res)['accepted'], c.id).toBe(1);
      }
    });

    it('rejects other media types (415), unknown encodings (415) and corrupt gzip (400)', async () => {
      const multipart = await t.fastify.inject({ method: 'POST', url: '/v1/batch', headers: { ...auth, 'content-type': 'multipart/form-data; boundary=x' }, payload: '--x--' });
      expect(multipart.statusCode).toBe(415);
      expect(bodyOf(multipart)['error']).toMatchObject({ code: 'ERR_BODY_MEDIA_TYPE_UNSUPPORTED' });
      const brotli = await t.fastify.inject({ method: 'POST', url: '/v1/batch', headers: { ...auth, 'content-type': 'application/json', 'content-encoding': 'br' }, payload: 'xx' });
      expect(brotli.statusCode).toBe(415);
      expect(bodyOf(brotli)['error']).toMatchObject({ code: 'ERR_BODY_ENCODING_UNSUPPORTED' });
      const corrupt = gzipSync(JSON.stringify(one('corrupt'))).subarray(0, 20);
      const res = await t.fastify.inject({ method: 'POST', url: '/v1/batch', headers: { ...auth, 'content-type': 'application/json', 'content-encoding': 'gzip' }, payload: corrupt });
      expect(res.statusCode).toBe(400);
      expect(bodyOf(res)['error']).toMatchObject({ code: 'ERR_BODY_DECOMPRESSION_FAILED' });
      const notGzip = await t.fastify.inject({ method: 'POST', url: '/v1/batch', headers: { ...auth, 'content-type': 'application/json', 'content-encoding': 'gzip' }, payload: JSON.stringify(one('plain')) });
      expect(bodyOf(notGzip)['error']).toMatchObject({ code: 'ERR_BODY_DECOMPRESSION_FAILED' });
    });
  });

  describe('size limits', () => {
    /** A batch of `count` events of about `eventBytes` each. */
    const bigBatch = (prefix: string, count: number, eventBytes: number) => ({
      batch: Array.from({ length: count }, (_, i) => ({
        type: 'track',
        userId: `${prefix}-user`,
        event: 'Big',
        messageId: `${prefix}-${i}`,
        properties: { blob: 'x'.repeat(eventBytes - 120) },
      })),
    });

    it('accepts a batch just under 500 KB', async () => {
      const payload = JSON.stringify(bigBatch('under', 16, 31_000));
      expect(Buffer.byteLength(payload)).toBeGreaterThan(490_000);
      expect(Buffer.byteLength(payload)).toBeLessThanOrEqual(512_000);
      const res = await post('/v1/batch', JSON.parse(payload));
      expect(res.statusCode).toBe(200);
      expect(bodyOf(res)).toMatchObject({ accepted: 16 });
    });

    it('answers 413 ERR_BATCH_TOO_LARGE over 500 KB, with both numbers', async () => {
      const payload = JSON.stringify(bigBatch('over', 17, 31_000));
      const bytes = Buffer.byteLength(payload);
      expect(bytes).toBeGreaterThan(512_000);
      const res = await t.fastify.inject({ method: 'POST', url: '/v1/batch', headers: { ...auth, 'content-type': 'application/json' }, payload });
      expect(res.statusCode).toBe(413);
      const error = bodyOf(res)['error'];
      expect(error).toMatchObject({ code: 'ERR_BATCH_TOO_LARGE', details: [{ limitBytes: 512_000, receivedBytes: bytes }] });
      expect(JSON.stringify(error)).toContain(String(bytes));
      expect((await t.fastify.inject({ method: 'GET', url: '/v1/profiles/over-user', headers: bearer(ADMIN_KEY) })).statusCode).toBe(404);
    });

    it('applies the limit after decompression, with both numbers', async () => {
      const json = JSON.stringify(bigBatch('gzover', 17, 31_000));
      const compressed = gzipSync(json);
      expect(compressed.length).toBeLessThan(20_000);
      const res = await t.fastify.inject({ method: 'POST', url: '/v1/batch', headers: { ...auth, 'content-type': 'application/json', 'content-encoding': 'gzip' }, payload: compressed });
      expect(res.statusCode).toBe(413);
      expect(bodyOf(res)['error']).toMatchObject({
        code: 'ERR_BATCH_TOO_LARGE',
        details: [{ limitBytes: 512_000, receivedBytes: Buffer.byteLength(json), receivedBytesExact: true }],
      });
    });

    it('stops a gzip bomb early', async () => {
      const bomb = gzipSync(Buffer.alloc(200 * 1024 * 1024, 0x20));
      const started = Date.now();
      const res = await t.fastify.inject({ method: 'POST', url: '/v1/batch', headers: { ...auth, 'content-type': 'application/json', 'content-encoding': 'gzip' }, payload: bomb });
      expect(res.statusCode).toBe(413);
      expect(bodyOf(res)['error']).toMatchObject({ code: 'ERR_BATCH_TOO_LARGE', details: [{ limitBytes: 512_000, receivedBytesExact: false }] });
      expect(Date.now() - started).toBeLessThan(5_000);
    });

    it('rejects a single event over 32 KB inside a batch and keeps the rest', async () => {
      const res = await post('/v1/batch', {
        batch: [
          { type: 'track', userId: 'big-one', event: 'Small', messageId: 'big-1' },
          { type: 'track', userId: 'big-one', event: 'Huge', messageId: 'big-2', properties: { blob: 'x'.repeat(33_000) } },
        ],
      });
      expect(res.statusCode).toBe(207);
      expect(bodyOf(res)['rejected']).toEqual([{ index: 1, code: 'ERR_EVENT_TOO_LARGE', field: null, message: expect.stringContaining('32768') }]);
    });

    it('single-event routes: 400 ERR_EVENT_TOO_LARGE over 32 KB, 413 ERR_BODY_TOO_LARGE over the body limit', async () => {
      const over32 = await post('/v1/track', { userId: 'big-two', event: 'Huge', properties: { blob: 'x'.repeat(40_000) } });
      expect(over32.statusCode).toBe(400);
      expect(bodyOf(over32)['error']).toMatchObject({ code: 'ERR_EVENT_TOO_LARGE' });
      const overBody = await post('/v1/track', { userId: 'big-two', event: 'Huger', properties: { blob: 'x'.repeat(70_000) } });
      expect(overBody.statusCode).toBe(413);
      expect(bodyOf(overBody)['error']).toMatchObject({ code: 'ERR_BODY_TOO_LARGE', details: [{ limitBytes: 65_536 }] });
    });
  });

  describe('single-event routes', () => {
    const bodies: Record<(typeof EVENT_TYPES)[number], Record<string, unknown>> = {
      track: { userId: 'single-1', event: 'Product Viewed', properties: { product_id: 'p1' } },
      identify: { userId: 'single-1', traits: { name: 'Ana' } },
      page: { userId: 'single-1', name: 'Home' },
      screen: { userId: 'single-1', name: 'Feed' },
      group: { userId: 'single-1', groupId: 'g1', traits: { plan: 'team' } },
      alias: { userId: 'single-1', previousId: 'single-anon-1' },
    };

    it.each(EVENT_TYPES.map((type) => [type]))('POST /v1/%s stores one event of that type', async (type) => {
      const res = await post(`/v1/${type}`, { ...bodies[type], messageId: `single-${type}` });
      expect(res.statusCode).toBe(200);
      expect(bodyOf(res)).toEqual({ success: true, accepted: 1, duplicates: 0 });
      const events = (await timeline('single-1'))['events'];
      expect(events).toEqual(expect.arrayContaining([expect.objectContaining({ messageId: `single-${type}`, type })]));
    });

    it('answers 400 with the event code when the event is rejected', async () => {
      const res = await post('/v1/track', { userId: 'single-2' });
      expect(res.statusCode).toBe(400);
      expect(bodyOf(res)['error']).toMatchObject({ code: 'ERR_EVENT_NAME_MISSING', details: [{ field: 'event' }] });
      const wrongType = await post('/v1/track', { type: 'page', userId: 'single-2', event: 'E' });
      expect(bodyOf(wrongType)['error']).toMatchObject({ code: 'ERR_EVENT_TYPE_INVALID', details: [{ field: 'type' }] });
      const array = await post('/v1/identify', [{ userId: 'single-2' }]);
      expect(bodyOf(array)['error']).toMatchObject({ code: 'ERR_EVENT_NOT_OBJECT' });
    });

    it('is idempotent on messageId', async () => {
      const event = { userId: 'single-3', event: 'Clicked', messageId: 'single-3-m' };
      expect(bodyOf(await post('/v1/track', event))).toMatchObject({ accepted: 1, duplicates: 0 });
      expect(bodyOf(await post('/v1/track', event))).toMatchObject({ accepted: 0, duplicates: 1 });
    });
  });
});

describe('HTTP ingest under overload and shutdown', () => {
  it('answers 503 ERR_INGEST_OVERLOADED with Retry-After when the queue is full, storing nothing of that request', async () => {
    const t = await startTestApp({ ingest: { maxQueuedEvents: 3 } });
    try {
      const requests = Array.from({ length: 30 }, (_, r) =>
        t.fastify.inject({
          method: 'POST',
          url: '/v1/batch',
          headers: { authorization: basicAuth(WRITE_KEY) },
          payload: { batch: Array.from({ length: 3 }, (_, i) => ({ type: 'track', userId: `load-${r}`, event: 'E', messageId: `load-${r}-${i}` })) },
        }),
      );
      const responses = await Promise.all(requests);
      const statuses = responses.map((res) => res.statusCode);
      expect(statuses.every((s) => s === 200 || s === 503)).toBe(true);
      const overloaded = responses.filter((res) => res.statusCode === 503);
      expect(overloaded.length).toBeGreaterThan(0);
      for (const res of overloaded) {
        expect(res.headers['retry-after']).toBe('1');
        expect(bodyOf(res)['error']).toMatchObject({ code: 'ERR_INGEST_OVERLOADED' });
      }
      const firstRejected = responses.findIndex((res) => res.statusCode === 503);
      const lookup = await t.fastify.inject({ method: 'GET', url: `/v1/profiles/load-${firstRejected}`, headers: bearer(ADMIN_KEY) });
      expect(lookup.statusCode).toBe(404);
    } finally {
      await t.close();
    }
  });

  it('answers 503 ERR_INGEST_CLOSED once the app is closing, and 500 ERR_INTERNAL without details when storage is gone', async () => {
    const t = await startTestApp();
    const send = (messageId: string) =>
      t.fastify.inject({
        method: 'POST',
        url: '/v1/batch',
        headers: { authorization: basicAuth(WRITE_KEY) },
        payload: { batch: [{ type: 'track', userId: 'late', event: 'E', messageId }] },
      });
    // A request just before shutdown; the app keeps its answer for this key for a few seconds.
    expect((await send('late-1')).statusCode).toBe(200);
    await t.app.close();
    const res = await send('late-2');
    expect(res.statusCode).toBe(503);
    expect(bodyOf(res)['error']).toMatchObject({ code: 'ERR_INGEST_CLOSED' });
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);

    // The admin key was never looked up: its lookup hits the closed database, an infrastructure fault.
    const broken = await t.fastify.inject({ method: 'GET', url: '/v1/profiles', headers: bearer(ADMIN_KEY) });
    await t.fastify.close();
    expect(broken.statusCode).toBe(500);
    expect(bodyOf(broken)).toEqual({ error: { code: 'ERR_INTERNAL', message: 'Internal error' } });
    expect(broken.headers['x-request-id']).toMatch(/^req_/);
  });
});
