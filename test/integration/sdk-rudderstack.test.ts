import type { IncomingMessage } from 'node:http';
import Rudder from '@rudderstack/rudder-sdk-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProfileResponseSchema } from '../../src/server/api.schema.js';
import type { RunningServer } from '../../src/server/main-server.js';
import { startServer } from '../../src/server/main-server.js';
import type { TestServer } from './helpers/start-test-app.js';
import { WRITE_KEY, getJson, startTestApp } from './helpers/start-test-app.js';

interface SeenRequest {
  readonly url: string | undefined;
  readonly contentType: string | undefined;
  readonly contentEncoding: string | undefined;
}

describe('@rudderstack/rudder-sdk-node against a listening Attune', () => {
  let t: TestServer;
  let server: RunningServer;
  const seen: SeenRequest[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    server = await startServer(t.fastify, { host: '127.0.0.1', port: 0 });
    t.fastify.server.on('request', (req: IncomingMessage) => {
      seen.push({ url: req.url, contentType: req.headers['content-type'], contentEncoding: req.headers['content-encoding'] });
    });
  });
  afterAll(async () => {
    await server.close();
    await t.close();
  });

  it('delivers gzipped identify, Order Completed and page; the profile shows traits, counts and revenue', async () => {
    const errors: unknown[] = [];
    const client = new Rudder(WRITE_KEY, {
      dataPlaneUrl: server.url,
      flushAt: 10,
      flushInterval: 200,
      retryCount: 0,
      logLevel: 'error',
      errorHandler: (error: unknown) => {
        errors.push(error);
      },
    });

    client.identify({ userId: 'rs-u1', anonymousId: 'rs-a1', traits: { email: 'rs@example.com', plan: 'team' } });
    client.track({
      userId: 'rs-u1',
      event: 'Order Completed',
      properties: { order_id: 'rs-o1', revenue: 99.9, currency: 'EUR', products: [{ product_id: 'p7', price: 99.9, quantity: 1, category: 'Bags' }] },
    });
    client.page({ anonymousId: 'rs-a1', name: 'Home', properties: { path: '/' } });
    await client.flush();
    await client.flush();

    expect(errors).toEqual([]);
    // The first event goes out on its own, the rest in a second batch: all gzipped, form-labelled.
    expect(seen.length).toBeGreaterThanOrEqual(2);
    for (const request of seen) {
      expect(request.url).toBe('/v1/batch');
      expect(request.contentType).toContain('application/x-www-form-urlencoded');
      expect(request.contentEncoding).toBe('gzip');
    }

    const profile = await getJson(`${server.url}/v1/profiles/rs-u1`, ProfileResponseSchema);
    expect(profile.status).toBe(200);
    expect(profile.body.traits).toEqual({ email: 'rs@example.com', plan: 'team' });
    expect(profile.body.features).toMatchObject({
      eventCount: 3,
      frequency: 1,
      monetary: 99.9,
      grossRevenue: 99.9,
      pageViews: 1,
      ordersLast30d: 1,
      topCategory: 'Bags',
    });
    const byAnonymous = await getJson(`${server.url}/v1/profiles/anonymous/rs-a1`, ProfileResponseSchema);
    expect(byAnonymous.body.profileId).toBe(profile.body.profileId);
  });
});
