import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asWorkspaceId } from '../../src/core/shared/ids.js';
import type { TestServer } from './helpers/start-test-app.js';
import { ADMIN_KEY, WRITE_KEY, basicAuth, bearer, bodyOf, startTestApp } from './helpers/start-test-app.js';

const event = (n: number) => ({ type: 'track', userId: `auth-user-${n}`, event: 'Signed Up', messageId: `auth-${n}` });

describe('HTTP auth', () => {
  let t: TestServer;
  let readKey: string;

  beforeAll(async () => {
    t = await startTestApp();
    const created = await t.fastify.inject({ method: 'POST', url: '/v1/keys', headers: bearer(ADMIN_KEY), payload: { name: 'reader', scope: 'read' } });
    expect(created.statusCode).toBe(201);
    readKey = String(bodyOf(created)['secret']);
  });
  afterAll(async () => t.close());

  it('serves /health and /openapi.json without a key', async () => {
    const health = await t.fastify.inject({ method: 'GET', url: '/health' });
    expect(health.statusCode).toBe(200);
    expect(bodyOf(health)).toMatchObject({ status: 'ok', storage: 'sqlite' });
    const doc = await t.fastify.inject({ method: 'GET', url: '/openapi.json' });
    expect(doc.statusCode).toBe(200);
  });

  it('accepts the key as the Basic username with an empty password', async () => {
    const res = await t.fastify.inject({ method: 'POST', url: '/v1/batch', headers: { authorization: basicAuth(WRITE_KEY) }, payload: { batch: [event(1)] } });
    expect(res.statusCode).toBe(200);
    expect(bodyOf(res)).toEqual({ success: true, accepted: 1, duplicates: 0 });
  });

  it('accepts the key as a Bearer token', async () => {
    const res = await t.fastify.inject({ method: 'POST', url: '/v1/track', headers: bearer(WRITE_KEY), payload: event(2) });
    expect(res.statusCode).toBe(200);
  });

  it('accepts writeKey in the body of ingest routes (batch and single)', async () => {
    const batch = await t.fastify.inject({ method: 'POST', url: '/v1/batch', payload: { batch: [event(3)], writeKey: WRITE_KEY } });
    expect(batch.statusCode).toBe(200);
    const single = await t.fastify.inject({ method: 'POST', url: '/v1/track', payload: { ...event(4), writeKey: WRITE_KEY } });
    expect(single.statusCode).toBe(200);
  });

  it('never stores the writeKey of a single-event body', async () => {
    await t.fastify.inject({ method: 'POST', url: '/v1/track', payload: { ...event(5), writeKey: WRITE_KEY, context: { page: { path: '/' } } } });
    const timeline = await t.fastify.inject({ method: 'GET', url: '/v1/profiles/auth-user-5/timeline', headers: bearer(ADMIN_KEY) });
    expect(timeline.statusCode).toBe(200);
    expect(timeline.body).not.toContain(WRITE_KEY);
  });

  it('does not accept writeKey in the body of other routes', async () => {
    const res = await t.fastify.inject({ method: 'POST', url: '/v1/keys', payload: { name: 'x', scope: 'read', writeKey: ADMIN_KEY } });
    expect(res.statusCode).toBe(401);
    expect(bodyOf(res)['error']).toMatchObject({ code: 'ERR_AUTH_MISSING' });
  });

  it('answers 401 ERR_AUTH_MISSING with WWW-Authenticate when no key is sent', async () => {
    for (const [method, url] of [
      ['GET', '/v1/profiles'],
      ['GET', '/v1/keys'],
      ['GET', '/v1/catalog/items'],
      ['GET', '/v1/computed-traits'],
    ] as const) {
      const res = await t.fastify.inject({ method, url });
      expect(res.statusCode, url).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Basic realm="attune"');
      expect(bodyOf(res)['error']).toMatchObject({ code: 'ERR_AUTH_MISSING' });
    }
    const ingest = await t.fastify.inject({ method: 'POST', url: '/v1/batch', payload: { batch: [event(6)] } });
    expect(ingest.statusCode).toBe(401);
    expect(bodyOf(ingest)['error']).toMatchObject({ code: 'ERR_AUTH_MISSING' });
  });

  it('answers 401 ERR_AUTH_INVALID for an unknown key or a malformed header', async () => {
    const unknown = await t.fastify.inject({ method: 'GET', url: '/v1/profiles', headers: bearer('nope') });
    expect(unknown.statusCode).toBe(401);
    expect(bodyOf(unknown)['error']).toMatchObject({ code: 'ERR_AUTH_INVALID' });
    const unknownInBody = await t.fastify.inject({ method: 'POST', url: '/v1/batch', payload: { batch: [event(7)], writeKey: 'nope' } });
    expect(bodyOf(unknownInBody)['error']).toMatchObject({ code: 'ERR_AUTH_INVALID' });
    const malformed = await t.fastify.inject({ method: 'GET', url: '/v1/profiles', headers: { authorization: 'Digest abc' } });
    expect(malformed.statusCode).toBe(401);
    expect(bodyOf(malformed)['error']).toMatchObject({ code: 'ERR_AUTH_INVALID' });
  });

  it('answers 403 ERR_AUTH_SCOPE naming the scope needed', async () => {
    const writeReads = await t.fastify.inject({ method: 'GET', url: '/v1/profiles', headers: bearer(WRITE_KEY) });
    expect(writeReads.statusCode).toBe(403);
    const error = bodyOf(writeReads)['error'];
    expect(error).toMatchObject({ code: 'ERR_AUTH_SCOPE', details: [{ scopeRequired: 'read', scopeHeld: 'write' }] });
    expect(JSON.stringify(error)).toContain('"read"');

    const readWrites = await t.fastify.inject({ method: 'POST', url: '/v1/batch', headers: bearer(readKey), payload: { batch: [event(8)] } });
    expect(readWrites.statusCode).toBe(403);
    expect(bodyOf(readWrites)['error']).toMatchObject({ code: 'ERR_AUTH_SCOPE', details: [{ scopeRequired: 'write' }] });

    const readAdmins = await t.fastify.inject({ method: 'GET', url: '/v1/keys', headers: bearer(readKey) });
    expect(readAdmins.statusCode).toBe(403);
    expect(bodyOf(readAdmins)['error']).toMatchObject({ code: 'ERR_AUTH_SCOPE', details: [{ scopeRequired: 'admin' }] });

    const writeCatalog = await t.fastify.inject({ method: 'POST', url: '/v1/catalog/items', headers: bearer(WRITE_KEY), payload: [{ id: 'p1' }] });
    expect(writeCatalog.statusCode).toBe(403);
    const readComputed = await t.fastify.inject({ method: 'DELETE', url: '/v1/computed-traits/x', headers: bearer(readKey) });
    expect(readComputed.statusCode).toBe(403);
  });

  it('checks the key before reading the body', async () => {
    const res = await t.fastify.inject({
      method: 'POST',
      url: '/v1/batch',
      headers: { ...bearer('nope'), 'content-type': 'application/json' },
      payload: '{not json',
    });
    expect(res.statusCode).toBe(401);
  });

  it('lets admin keys ingest and read keys read', async () => {
    const ingest = await t.fastify.inject({ method: 'POST', url: '/v1/batch', headers: bearer(ADMIN_KEY), payload: { batch: [event(9)] } });
    expect(ingest.statusCode).toBe(200);
    const read = await t.fastify.inject({ method: 'GET', url: '/v1/profiles/auth-user-9', headers: bearer(readKey) });
    expect(read.statusCode).toBe(200);
  });

  it('refuses a revoked key at once', async () => {
    const created = await t.fastify.inject({ method: 'POST', url: '/v1/keys', headers: bearer(ADMIN_KEY), payload: { name: 'temp', scope: 'write' } });
    const { id, secret } = bodyOf(created);
    const before = await t.fastify.inject({ method: 'POST', url: '/v1/batch', headers: { authorization: basicAuth(String(secret)) }, payload: { batch: [event(10)] } });
    expect(before.statusCode).toBe(200);
    const revoked = await t.fastify.inject({ method: 'DELETE', url: `/v1/keys/${String(id)}`, headers: bearer(ADMIN_KEY) });
    expect(revoked.statusCode).toBe(204);
    const after = await t.fastify.inject({ method: 'POST', url: '/v1/batch', headers: { authorization: basicAuth(String(secret)) }, payload: { batch: [event(11)] } });
    expect(after.statusCode).toBe(401);
    expect(bodyOf(after)['error']).toMatchObject({ code: 'ERR_AUTH_INVALID' });
  });

  describe('workspace isolation', () => {
    // A second tenant made by the same use case as `attune workspaces create`.
    let OTHER_ADMIN = '';
    const otherWorkspace = asWorkspaceId('ws_other');

    beforeAll(async () => {
      const created = await t.app.createWorkspace({ slug: 'other', name: 'other' });
      expect(created.workspace.id).toBe(otherWorkspace);
      OTHER_ADMIN = created.keys.find((k) => k.record.scope === 'admin')?.secret ?? '';
      expect(OTHER_ADMIN).not.toBe('');
      await expect(t.app.createWorkspace({ slug: 'other', name: 'again' })).rejects.toMatchObject({ code: 'ERR_WORKSPACE_EXISTS' });
    });

    it('keeps events, profiles, keys, catalog and computed traits apart', async () => {
      const shared = { type: 'identify', userId: 'same-user', traits: { plan: 'default-ws' }, messageId: 'iso-1' };
      expect((await t.fastify.inject({ method: 'POST', url: '/v1/batch', headers: bearer(WRITE_KEY), payload: { batch: [shared] } })).statusCode).toBe(200);
      // The same messageId in another workspace is a new event there, not a duplicate.
      const other = await t.fastify.inject({
        method: 'POST',
        url: '/v1/batch',
        headers: bearer(OTHER_ADMIN),
        payload: { batch: [{ ...shared, traits: { plan: 'other-ws' } }, { type: 'identify', userId: 'only-other', messageId: 'iso-2' }] },
      });
      expect(bodyOf(other)).toEqual({ success: true, accepted: 2, duplicates: 0 });

      const mine = await t.fastify.inject({ method: 'GET', url: '/v1/profiles/same-user', headers: bearer(ADMIN_KEY) });
      expect(bodyOf(mine)['traits']).toEqual({ plan: 'default-ws' });
      const theirs = await t.fastify.inject({ method: 'GET', url: '/v1/profiles/same-user', headers: bearer(OTHER_ADMIN) });
      expect(bodyOf(theirs)['traits']).toEqual({ plan: 'other-ws' });
      expect((await t.fastify.inject({ method: 'GET', url: '/v1/profiles/only-other', headers: bearer(ADMIN_KEY) })).statusCode).toBe(404);
      const theirId = String(bodyOf(theirs)['profileId']);
      expect((await t.fastify.inject({ method: 'GET', url: `/v1/profiles/id/${theirId}`, headers: bearer(ADMIN_KEY) })).statusCode).toBe(404);
      expect((await t.fastify.inject({ method: 'GET', url: `/v1/profiles/id/${theirId}/timeline`, headers: bearer(ADMIN_KEY) })).statusCode).toBe(404);

      const keys = bodyOf(await t.fastify.inject({ method: 'GET', url: '/v1/keys', headers: bearer(OTHER_ADMIN) }));
      const theirKeys = keys['keys'] as { id: string; scope: string }[];
      expect(theirKeys.map((k) => k.scope).sort()).toEqual(['admin', 'write']);
      const theirAdminId = theirKeys.find((k) => k.scope === 'admin')?.id ?? '';
      const mineKeys = bodyOf(await t.fastify.inject({ method: 'GET', url: '/v1/keys', headers: bearer(ADMIN_KEY) }))['keys'] as { id: string }[];
      expect(mineKeys.some((k) => k.id === theirAdminId)).toBe(false);
      const revokeForeign = await t.fastify.inject({ method: 'DELETE', url: `/v1/keys/${theirAdminId}`, headers: bearer(ADMIN_KEY) });
      expect(revokeForeign.statusCode).toBe(404);

      await t.fastify.inject({ method: 'POST', url: '/v1/catalog/items', headers: bearer(OTHER_ADMIN), payload: [{ id: 'iso-p1', name: 'Theirs' }] });
      expect((await t.fastify.inject({ method: 'GET', url: '/v1/catalog/items/iso-p1', headers: bearer(ADMIN_KEY) })).statusCode).toBe(404);
      expect((await t.fastify.inject({ method: 'DELETE', url: '/v1/catalog/items/iso-p1', headers: bearer(ADMIN_KEY) })).statusCode).toBe(404);
      expect((await t.fastify.inject({ method: 'GET', url: '/v1/catalog/items/iso-p1', headers: bearer(OTHER_ADMIN) })).statusCode).toBe(200);

      const put = await t.fastify.inject({ method: 'PUT', url: '/v1/computed-traits/iso_count', headers: bearer(OTHER_ADMIN), payload: { event: '*', aggregate: 'count' } });
      expect(put.statusCode).toBe(200);
      expect(bodyOf(await t.fastify.inject({ method: 'GET', url: '/v1/computed-traits', headers: bearer(ADMIN_KEY) }))['computedTraits']).toEqual([]);
    });

    it('ignores any workspace named in the request', async () => {
      const res = await t.fastify.inject({
        method: 'POST',
        url: '/v1/batch?workspaceId=ws_other',
        headers: { ...bearer(WRITE_KEY), 'x-workspace-id': 'ws_other' },
        payload: { batch: [{ type: 'identify', userId: 'smuggled', messageId: 'iso-3' }], workspaceId: 'ws_other' },
      });
      expect(res.statusCode).toBe(200);
      expect((await t.fastify.inject({ method: 'GET', url: '/v1/profiles/smuggled', headers: bearer(OTHER_ADMIN) })).statusCode).toBe(404);
      expect((await t.fastify.inject({ method: 'GET', url: '/v1/profiles/smuggled', headers: bearer(ADMIN_KEY) })).statusCode).toBe(200);
    });
  });
});
