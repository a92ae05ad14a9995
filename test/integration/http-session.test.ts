import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_WORKSPACE_ID } from '../../src/core/shared/ids.js';
import type { TestServer } from './helpers/start-test-app.js';
import { ADMIN_KEY, WRITE_KEY, bearer, bodyOf, startTestApp } from './helpers/start-test-app.js';

const PASSWORD = 'correct horse battery';
const EIGHT_HOURS_S = 8 * 3600;

/** The attune_session value of a response's Set-Cookie (null when none). */
function sessionCookieOf(res: { headers: Record<string, unknown> }): string | null {
  const raw = res.headers['set-cookie'];
  const header = Array.isArray(raw) ? String(raw[0]) : typeof raw === 'string' ? raw : null;
  if (header === null) return null;
  const match = /^attune_session=([^;]*)/.exec(header);
  return match?.[1] ?? null;
}

describe('HTTP dashboard sessions', () => {
  let t: TestServer;
  let nowMs = Date.UTC(2025, 0, 1);
  let readKey: string;

  const login = (payload: Record<string, string>, headers: Record<string, string> = {}) =>
    t.fastify.inject({ method: 'POST', url: '/v1/session', payload, headers });
  const withCookie = (cookie: string, extra: Record<string, string> = {}) => ({ cookie: `other=1; attune_session=${cookie}`, ...extra });

  beforeAll(async () => {
    t = await startTestApp({ clock: { nowMs: () => nowMs }, session: { failureDelayMs: 1, maxFailuresPerMinute: 10 } });
    await t.app.users.create({ workspaceId: DEFAULT_WORKSPACE_ID, username: 'ana', password: PASSWORD, scope: 'admin' });
    await t.app.users.create({ workspaceId: DEFAULT_WORKSPACE_ID, username: 'rui', password: PASSWORD, scope: 'read' });
    readKey = (await t.app.createKey({ workspaceId: DEFAULT_WORKSPACE_ID, name: 'reader', scope: 'read' })).secret;
  });
  afterAll(async () => t.close());

  it('logs in with the admin key: the session JSON and an HttpOnly SameSite=Strict cookie', async () => {
    const res = await login({ key: ADMIN_KEY });
    expect(res.statusCode).toBe(200);
    const body = bodyOf(res);
    expect(body).toEqual({
      workspace: 'ws_default',
      scope: 'admin',
      user: 'admin',
      expiresAt: new Date(nowMs + EIGHT_HOURS_S * 1000).toISOString(),
      csrfToken: expect.stringMatching(/^[A-Za-z0-9_-]{20,}$/),
    });
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(/^attune_session=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/; Max-Age=28800$/);
    expect(setCookie).not.toContain('Secure');
    expect(res.body).not.toContain(sessionCookieOf(res) ?? 'x');
  });

  it('marks the cookie Secure behind an https proxy', async () => {
    const res = await login({ key: ADMIN_KEY }, { 'x-forwarded-proto': 'https' });
    expect(String(res.headers['set-cookie'])).toMatch(/; Secure$/);
  });

  it('logs in with a read key and with a user account', async () => {
    const byKey = await login({ key: readKey });
    expect(bodyOf(byKey)).toMatchObject({ scope: 'read', user: 'reader' });
    const byUser = await login({ username: 'ana', password: PASSWORD });
    expect(byUser.statusCode).toBe(200);
    expect(bodyOf(byUser)).toMatchObject({ workspace: 'ws_default', scope: 'admin', user: 'ana' });
  });

  it('answers wrong credentials with one 401 for every cause (no user enumeration); a write key cannot log in', async () => {
    const bodies = [];
    for (const payload of [
      { username: 'ana', password: 'wrong password!' },
      { username: 'nobody', password: PASSWORD },
      { key: 'not-a-key' },
      { key: WRITE_KEY },
    ]) {
      const res = await login(payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(401);
      expect(res.headers['set-cookie']).toBeUndefined();
      bodies.push(res.body);
    }
    expect(new Set(bodies).size).toBe(1);
    expect(JSON.parse(bodies[0] ?? '{}')).toMatchObject({ error: { code: 'ERR_AUTH_INVALID' } });
  });

  it('GET /v1/session returns the same session and token; no cookie is 401', async () => {
    const res = await login({ username: 'rui', password: PASSWORD });
    const cookie = sessionCookieOf(res) ?? '';
    const again = await t.fastify.inject({ method: 'GET', url: '/v1/session', headers: withCookie(cookie) });
    expect(again.statusCode).toBe(200);
    expect(bodyOf(again)).toEqual(bodyOf(res));
    const none = await t.fastify.inject({ method: 'GET', url: '/v1/session' });
    expect(none.statusCode).toBe(401);
  });

  it('accepts the cookie on API routes with the session scope', async () => {
    const reader = sessionCookieOf(await login({ username: 'rui', password: PASSWORD })) ?? '';
    const profiles = await t.fastify.inject({ method: 'GET', url: '/v1/profiles', headers: withCookie(reader) });
    expect(profiles.statusCode).toBe(200);
    const keys = await t.fastify.inject({ method: 'GET', url: '/v1/keys', headers: withCookie(reader) });
    expect(keys.statusCode).toBe(403);
    expect(bodyOf(keys)['error']).toMatchObject({ code: 'ERR_AUTH_SCOPE' });
    const unknown = await t.fastify.inject({ method: 'GET', url: '/v1/profiles', headers: withCookie('forged') });
    expect(unknown.statusCode).toBe(401);
  });

  it('requires x-csrf-token on unsafe methods with the cookie, not with a key', async () => {
    const res = await login({ username: 'ana', password: PASSWORD });
    const cookie = sessionCookieOf(res) ?? '';
    const token = String(bodyOf(res)['csrfToken']);
    const payload = { name: 'from-dashboard', scope: 'read' };
    const without = await t.fastify.inject({ method: 'POST', url: '/v1/keys', headers: withCookie(cookie), payload });
    expect(without.statusCode).toBe(403);
    expect(bodyOf(without)['error']).toMatchObject({ code: 'ERR_CSRF' });
    const wrong = await t.fastify.inject({ method: 'POST', url: '/v1/keys', headers: withCookie(cookie, { 'x-csrf-token': `${token}x` }), payload });
    expect(wrong.statusCode).toBe(403);
    const ok = await t.fastify.inject({ method: 'POST', url: '/v1/keys', headers: withCookie(cookie, { 'x-csrf-token': token }), payload });
    expect(ok.statusCode).toBe(201);
    const byKey = await t.fastify.inject({ method: 'POST', url: '/v1/keys', headers: bearer(ADMIN_KEY), payload });
    expect(byKey.statusCode).toBe(201);
  });

  it('logout revokes the session server-side and clears the cookie', async () => {
    const res = await login({ key: ADMIN_KEY });
    const cookie = sessionCookieOf(res) ?? '';
    const token = String(bodyOf(res)['csrfToken']);
    const noToken = await t.fastify.inject({ method: 'DELETE', url: '/v1/session', headers: withCookie(cookie) });
    expect(noToken.statusCode).toBe(403);
    const out = await t.fastify.inject({ method: 'DELETE', url: '/v1/session', headers: withCookie(cookie, { 'x-csrf-token': token }) });
    expect(out.statusCode).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/^attune_session=; .*Max-Age=0/);
    const after = await t.fastify.inject({ method: 'GET', url: '/v1/profiles', headers: withCookie(cookie) });
    expect(after.statusCode).toBe(401);
    expect((await t.fastify.inject({ method: 'GET', url: '/v1/session', headers: withCookie(cookie) })).statusCode).toBe(401);
  });

  it('refuses an expired session', async () => {
    const cookie = sessionCookieOf(await login({ username: 'rui', password: PASSWORD })) ?? '';
    nowMs += EIGHT_HOURS_S * 1000 - 1;
    expect((await t.fastify.inject({ method: 'GET', url: '/v1/profiles', headers: withCookie(cookie) })).statusCode).toBe(200);
    nowMs += 1;
    expect((await t.fastify.inject({ method: 'GET', url: '/v1/profiles', headers: withCookie(cookie) })).statusCode).toBe(401);
    expect((await t.fastify.inject({ method: 'GET', url: '/v1/session', headers: withCookie(cookie) })).statusCode).toBe(401);
  });

  it('ends the sessions of a deleted user', async () => {
    await t.app.users.create({ workspaceId: DEFAULT_WORKSPACE_ID, username: 'temp', password: PASSWORD, scope: 'read' });
    const cookie = sessionCookieOf(await login({ username: 'temp', password: PASSWORD })) ?? '';
    expect(await t.app.users.delete(DEFAULT_WORKSPACE_ID, 'temp')).toBe(true);
    expect((await t.fastify.inject({ method: 'GET', url: '/v1/session', headers: withCookie(cookie) })).statusCode).toBe(401);
  });

  it('refuses short passwords', async () => {
    await expect(t.app.users.create({ workspaceId: DEFAULT_WORKSPACE_ID, username: 'short', password: 'elevenchars', scope: 'read' })).rejects.toMatchObject({
      code: 'ERR_VALIDATION',
    });
  });

  it('serves GET /v1/overview to read sessions and keys', async () => {
    await t.fastify.inject({ method: 'POST', url: '/v1/batch', headers: bearer(WRITE_KEY), payload: { batch: [{ type: 'track', userId: 'u1', event: 'Viewed', messageId: 'm1' }] } });
    const res = await t.fastify.inject({ method: 'GET', url: '/v1/overview', headers: bearer(readKey) });
    expect(res.statusCode).toBe(200);
    expect(bodyOf(res)).toEqual({
      profiles: 1,
      events: 1,
      identitiesMerged: 0,
      eventsPerSecond: { last1m: 1 / 60, last1h: 1 / 3600 },
      segments: [],
      models: [],
      recommender: null,
      experiments: [],
      decisionsLast24h: 0,
    });
    const write = await t.fastify.inject({ method: 'GET', url: '/v1/overview', headers: bearer(WRITE_KEY) });
    expect(write.statusCode).toBe(403);
  });

  it('rate-limits failed logins per IP: 429 after 10 failures in a minute', async () => {
    const ip = '203.0.113.9';
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      const res = await t.fastify.inject({ method: 'POST', url: '/v1/session', payload: { key: `bad-${i}` }, remoteAddress: ip });
      statuses.push(res.statusCode);
    }
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses[10]).toBe(429);
    const blocked = await t.fastify.inject({ method: 'POST', url: '/v1/session', payload: { key: ADMIN_KEY }, remoteAddress: ip });
    expect(blocked.statusCode).toBe(429);
    expect(bodyOf(blocked)['error']).toMatchObject({ code: 'ERR_RATE_LIMITED' });
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    const other = await t.fastify.inject({ method: 'POST', url: '/v1/session', payload: { key: ADMIN_KEY }, remoteAddress: '203.0.113.10' });
    expect(other.statusCode).toBe(200);
  });
});
