import type { IncomingMessage } from 'node:http';
import { Analytics } from '@segment/analytics-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProfileResponseSchema, TimelineResponseSchema } from '../../src/server/api.schema.js';
import type { RunningServer } from '../../src/server/main-server.js';
import { startServer } from '../../src/server/main-server.js';
import type { TestServer } from './helpers/start-test-app.js';
import { WRITE_KEY, getJson, startTestApp } from './helpers/start-test-app.js';

interface SeenRequest {
  readonly url: string | undefined;
  readonly contentType: string | undefined;
  readonly authorization: string | undefined;
}

describe('@segment/analytics-node against a listening Attune', () => {
  let t: TestServer;
  let server: RunningServer;
  const seen: SeenRequest[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    server = await startServer(t.fastify, { host: '127.0.0.1', port: 0 });
    t.fastify.server.on('request', (req: IncomingMessage) => {
      seen.push({ url: req.url, contentType: req.headers['content-type'], authorization: req.headers.authorization });
    });
  });
  afterAll(async () => {
    await server.close();
    await t.close();
  });

  it('delivers identify, Order Completed and page; the profile shows traits, counts and revenue', async () => {
    const analytics = new Analytics({ writeKey: WRITE_KEY, host: server.url, path: '/v1/batch', flushAt: 10, flushInterval: 200, maxRetries: 1 });
    const errors: unknown[] = [];
    analytics.on('error', (error) => errors.push(error));

    analytics.identify({ userId: 'seg-u1', anonymousId: 'seg-a1', traits: { email: 'seg@example.com', plan: 'pro' } });
    analytics.track({
      userId: 'seg-u1',
      event: 'Order Completed',
      properties: {
        order_id: 'seg-o1',
        revenue: 42.5,
        currency: 'EUR',
        products: [{ product_id: 'p1', price: 42.5, quantity: 1, category: 'Shoes' }],
      },
    });
    analytics.page({ anonymousId: 'seg-a1', name: 'Home', properties: { path: '/' } });
    await analytics.closeAndFlush({ timeout: 10_000 });

    expect(errors).toEqual([]);
    expect(seen.length).toBeGreaterThan(0);
    for (const request of seen) {
      expect(request.url).toBe('/v1/batch');
      expect(request.contentType).toContain('application/json');
      expect(request.authorization).toBe(`Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`);
    }

    const profile = await getJson(`${server.url}/v1/profiles/seg-u1`, ProfileResponseSchema);
    expect(profile.status).toBe(200);
    expect(profile.body.traits).toEqual({ email: 'seg@example.com', plan: 'pro' });
    expect(profile.body.features).toMatchObject({
      eventCount: 3,
      frequency: 1,
      monetary: 42.5,
      grossRevenue: 42.5,
      averageOrderValue: 42.5,
      pageViews: 1,
      ordersLast30d: 1,
      revenueLast30d: 42.5,
      topCategory: 'Shoes',
    });
    const byAnonymous = await getJson(`${server.url}/v1/profiles/anonymous/seg-a1`, ProfileResponseSchema);
    expect(byAnonymous.body.profileId).toBe(profile.body.profileId);

    const timeline = await getJson(`${server.url}/v1/profiles/seg-u1/timeline`, TimelineResponseSchema);
    const events = timeline.body.events;
    expect(events.map((e) => e.type).sort()).toEqual(['identify', 'page', 'track']);
    expect(events[0]?.context['library']).toMatchObject({ name: '@segment/analytics-node' });
  });
});
