import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ErrorResponseSchema } from '../../src/server/api.schema.js';
import type { TestServer } from './helpers/start-test-app.js';
import { ADMIN_KEY, WRITE_KEY, bearer, bodyOf, parseBody, startTestApp } from './helpers/start-test-app.js';

const OpenApiSchema = z.object({
  openapi: z.string(),
  paths: z.record(z.string(), z.record(z.string(), z.unknown())),
  components: z.object({ schemas: z.record(z.string(), z.unknown()) }),
});

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cache-control': 'no-store',
};

describe('HTTP server: routing, headers, errors, OpenAPI', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  it('sets the security headers and a request id on every response', async () => {
    const responses = await Promise.all([
      t.fastify.inject({ method: 'GET', url: '/health' }),
      t.fastify.inject({ method: 'GET', url: '/v1/profiles' }),
      t.fastify.inject({ method: 'GET', url: '/v1/nowhere' }),
      t.fastify.inject({ method: 'POST', url: '/v1/batch', headers: bearer(WRITE_KEY), payload: { batch: [] } }),
      t.fastify.inject({ method: 'GET', url: '/openapi.json' }),
      t.fastify.inject({ method: 'DELETE', url: '/v1/catalog/items/none', headers: bearer(ADMIN_KEY) }),
    ]);
    const ids = new Set<string>();
    for (const res of responses) {
      expect(res.headers).toMatchObject(SECURITY_HEADERS);
      const id = res.headers['x-request-id'];
      expect(typeof id).toBe('string');
      ids.add(String(id));
    }
    expect(ids.size).toBe(responses.length);
  });

  it('keeps a safe caller request id and replaces an unsafe one', async () => {
    const kept = await t.fastify.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'lb-1234.abc' } });
    expect(kept.headers['x-request-id']).toBe('lb-1234.abc');
    const replaced = await t.fastify.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'evil\u0007 id {"a":1}' } });
    expect(replaced.headers['x-request-id']).toMatch(/^req_[0-9a-f-]{36}$/);
  });

  it('answers 404 ERR_ROUTE_NOT_FOUND for unknown paths, even without a key', async () => {
    const res = await t.fastify.inject({ method: 'GET', url: '/v2/profiles' });
    expect(res.statusCode).toBe(404);
    expect(bodyOf(res)['error']).toMatchObject({ code: 'ERR_ROUTE_NOT_FOUND' });
    const withBody = await t.fastify.inject({ method: 'POST', url: '/track', headers: { 'content-type': 'application/json' }, payload: '{oops' });
    expect(withBody.statusCode).toBe(404);
  });

  it('answers 405 ERR_METHOD_NOT_ALLOWED with Allow for a known path', async () => {
    const res = await t.fastify.inject({ method: 'PUT', url: '/v1/batch', headers: bearer(WRITE_KEY), payload: {} });
    expect(res.statusCode).toBe(405);
    expect(res.headers['allow']).toBe('POST');
    expect(bodyOf(res)['error']).toMatchObject({ code: 'ERR_METHOD_NOT_ALLOWED' });
    const keys = await t.fastify.inject({ method: 'PATCH', url: '/v1/keys/key_1', headers: bearer(ADMIN_KEY) });
    expect(keys.statusCode).toBe(405);
    expect(keys.headers['allow']).toBe('DELETE');
  });

  it('answers with the one error shape everywhere', async () => {
    const responses = await Promise.all([
      t.fastify.inject({ method: 'GET', url: '/v1/profiles' }),
      t.fastify.inject({ method: 'GET', url: '/v1/profiles?limit=-1', headers: bearer(ADMIN_KEY) }),
      t.fastify.inject({ method: 'POST', url: '/v1/batch', headers: { ...bearer(WRITE_KEY), 'content-type': 'application/json' }, payload: '[' }),
      t.fastify.inject({ method: 'GET', url: '/nope' }),
    ]);
    for (const res of responses) {
      expect(Object.keys(bodyOf(res))).toEqual(['error']);
      const { error } = parseBody(ErrorResponseSchema, res);
      expect(error.code).toMatch(/^ERR_/);
      expect(error.message.length).toBeGreaterThan(0);
      expect(res.headers['content-type']).toContain('application/json');
    }
  });

  it('serves an OpenAPI 3 document built from the route schemas', async () => {
    const res = await t.fastify.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = parseBody(OpenApiSchema, res);
    expect(doc.openapi).toMatch(/^3\./);
    const { paths } = doc;
    const expected: [string, string][] = [
      ['/health', 'get'],
      ['/v1/batch', 'post'],
      ...['track', 'identify', 'page', 'screen', 'group', 'alias'].map((type): [string, string] => [`/v1/${type}`, 'post']),
      ['/v1/profiles', 'get'],
      ['/v1/profiles/{userId}', 'get'],
      ['/v1/profiles/anonymous/{anonymousId}', 'get'],
      ['/v1/profiles/id/{profileId}', 'get'],
      ['/v1/profiles/{userId}/timeline', 'get'],
      ['/v1/profiles/anonymous/{anonymousId}/timeline', 'get'],
      ['/v1/profiles/id/{profileId}/timeline', 'get'],
      ['/v1/keys', 'get'],
      ['/v1/keys', 'post'],
      ['/v1/keys/{id}', 'delete'],
      ['/v1/catalog/items', 'post'],
      ['/v1/catalog/items', 'get'],
      ['/v1/catalog/items/{id}', 'get'],
      ['/v1/catalog/items/{id}', 'delete'],
      ['/v1/computed-traits', 'get'],
      ['/v1/computed-traits/{name}', 'put'],
      ['/v1/computed-traits/{name}', 'delete'],
    ];
    for (const [path, method] of expected) expect(paths[path]?.[method], `${method} ${path}`).toBeDefined();
    expect(paths['/openapi.json']).toBeUndefined();
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['Profile', 'Timeline', 'ErrorResponse', 'IngestResponse', 'CatalogItem', 'ApiKey']));
    expect(res.body).not.toContain('#/definitions/');
  });
});
