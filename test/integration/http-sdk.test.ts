import { createHash } from 'node:crypto';
import { Script } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from './helpers/start-test-app.js';
import { startTestApp } from './helpers/start-test-app.js';

describe('the browser script and the decide demo page (public, no key)', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('serves /sdk/attune-decide.js as cacheable JavaScript, embeddable from other origins, small and parseable', async () => {
    const res = await t.fastify.inject({ method: 'GET', url: '/sdk/attune-decide.js' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/javascript; charset=utf-8');
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.rawPayload.byteLength).toBeLessThan(5 * 1024);
    expect(() => new Script(res.body, { filename: 'attune-decide.js' })).not.toThrow();
    // Untrusted strings go in with textContent; innerHTML only takes content.body (server-escaped).
    expect(res.body.match(/innerHTML/g)).toEqual(['innerHTML']);
    expect(res.body).toContain('innerHTML = content.body');
  });

  it('defines Attune.decide and Attune.render on the global object when run', async () => {
    const res = await t.fastify.inject({ method: 'GET', url: '/sdk/attune-decide.js' });
    const sandbox: { self: Record<string, unknown> } = { self: {} };
    new Script(res.body).runInNewContext(sandbox);
    expect(sandbox.self['Attune']).toMatchObject({ decide: expect.any(Function) as unknown, render: expect.any(Function) as unknown });
  });

  it('serves the demo page as HTML under a CSP that allows only same-origin scripts and its own style by hash', async () => {
    const res = await t.fastify.inject({ method: 'GET', url: '/demo/decide?key=x&user=u&placement=p' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    const style = /<style>([\s\S]*?)<\/style>/.exec(res.body)?.[1] ?? '';
    expect(csp).toContain(`'sha256-${createHash('sha256').update(style, 'utf8').digest('base64')}'`);
    // No inline script or handler, and nothing from the request echoed into the page.
    expect(res.body).not.toMatch(/<script>(?!<\/script>)|<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+=/i);
    expect(res.body).toContain('<script src="/sdk/attune-decide.js"');
    expect(res.body).toContain('<script src="/demo/decide.js"');
    expect(res.body).not.toContain('placement=p');
  });

  it('serves the demo page script, parseable', async () => {
    const res = await t.fastify.inject({ method: 'GET', url: '/demo/decide.js' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/javascript; charset=utf-8');
    expect(() => new Script(res.body, { filename: 'decide.js' })).not.toThrow();
  });

  it('keeps the API defaults on other routes and on 404s', async () => {
    const missing = await t.fastify.inject({ method: 'GET', url: '/sdk/nope.js' });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(missing.headers['cache-control']).toBe('no-store');
    const health = await t.fastify.inject({ method: 'GET', url: '/health' });
    expect(health.headers['cross-origin-resource-policy']).toBe('same-origin');
  });
});
