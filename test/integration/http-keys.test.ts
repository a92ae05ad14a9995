import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { KeyListResponseSchema } from '../../src/server/api.schema.js';
import type { TestServer } from './helpers/start-test-app.js';
import { ADMIN_KEY, WRITE_KEY, bearer, bodyOf, parseBody, startTestApp } from './helpers/start-test-app.js';

describe('HTTP keys', () => {
  let t: TestServer;
  const create = (payload: unknown) =>
    t.fastify.inject({ method: 'POST', url: '/v1/keys', headers: { ...bearer(ADMIN_KEY), 'content-type': 'application/json' }, payload: JSON.stringify(payload) });

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  it('lists the bootstrap keys without secrets or hashes', async () => {
    const res = await t.fastify.inject({ method: 'GET', url: '/v1/keys', headers: bearer(ADMIN_KEY) });
    expect(res.statusCode).toBe(200);
    const keys = z.array(z.record(z.string(), z.unknown())).parse(bodyOf(res)['keys']);
    expect(keys.map((k) => k['scope']).sort()).toEqual(['admin', 'write']);
    for (const key of keys) {
      expect(Object.keys(key).sort()).toEqual(['createdAt', 'id', 'name', 'prefix', 'revokedAt', 'scope']);
      expect(key['revokedAt']).toBeNull();
    }
    expect(res.body).not.toContain(ADMIN_KEY);
    expect(res.body).not.toContain(WRITE_KEY);
  });

  it('creates a key (201) whose secret is shown once and works at once', async () => {
    const res = await t.fastify.inject({
      method: 'POST',
      url: '/v1/keys',
      headers: { ...bearer(ADMIN_KEY), 'content-type': 'application/json' },
      payload: JSON.stringify({ name: '  shop  ', scope: 'read' }),
    });
    expect(res.statusCode).toBe(201);
    const created = bodyOf(res);
    expect(created).toMatchObject({ name: 'shop', scope: 'read', revokedAt: null, id: expect.stringMatching(/^key_/) });
    const secret = String(created['secret']);
    expect(secret.length).toBeGreaterThan(20);
    expect(secret.startsWith(String(created['prefix']))).toBe(true);
    expect((await t.fastify.inject({ method: 'GET', url: '/v1/profiles', headers: bearer(secret) })).statusCode).toBe(200);
    const list = await t.fastify.inject({ method: 'GET', url: '/v1/keys', headers: bearer(ADMIN_KEY) });
    expect(list.body).not.toContain(secret);
  });

  it('validates name and scope (400 naming the field)', async () => {
    const badScope = await create({ name: 'x', scope: 'root' });
    expect(badScope.statusCode).toBe(400);
    expect(bodyOf(badScope)['error']).toMatchObject({ code: 'ERR_REQUEST_INVALID', details: [{ field: 'scope', in: 'body' }] });
    const noName = await create({ name: '   ', scope: 'read' });
    expect(bodyOf(noName)['error']).toMatchObject({ code: 'ERR_REQUEST_INVALID', details: [{ field: 'name' }] });
    const noBody = await t.fastify.inject({ method: 'POST', url: '/v1/keys', headers: bearer(ADMIN_KEY) });
    expect(noBody.statusCode).toBe(400);
    expect(bodyOf(noBody)['error']).toMatchObject({ code: 'ERR_REQUEST_INVALID' });
  });

  it('revokes (204), shows the revocation, and answers 404 for unknown or revoked ids', async () => {
    const created = bodyOf(await create({ name: 'temp', scope: 'write' }));
    const id = String(created['id']);
    const del = await t.fastify.inject({ method: 'DELETE', url: `/v1/keys/${id}`, headers: bearer(ADMIN_KEY) });
    expect(del.statusCode).toBe(204);
    const { keys } = parseBody(KeyListResponseSchema, await t.fastify.inject({ method: 'GET', url: '/v1/keys', headers: bearer(ADMIN_KEY) }));
    expect(keys.find((k) => k.id === id)?.revokedAt).toEqual(expect.any(String));
    for (const target of [id, 'key_unknown']) {
      const res = await t.fastify.inject({ method: 'DELETE', url: `/v1/keys/${target}`, headers: bearer(ADMIN_KEY) });
      expect(res.statusCode).toBe(404);
      expect(bodyOf(res)['error']).toMatchObject({ code: 'ERR_NOT_FOUND', details: [{ field: 'id' }] });
    }
  });
});
