import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installErrorHandling } from '../../src/server/error-handler.js';
import { DASHBOARD_CSP, DASHBOARD_NOT_BUILT, dashboardRoutes } from '../../src/server/routes/dashboard.routes.js';
import { installSecurityHeaders } from '../../src/server/security-headers.js';

/** The dashboard's static routes over a hand-made build (the real build is the browser test's job). */
async function serve(dir: string): Promise<FastifyInstance> {
  const instance = Fastify({ routerOptions: { ignoreTrailingSlash: true } });
  installSecurityHeaders(instance);
  installErrorHandling(instance);
  await instance.register(dashboardRoutes({ dir }));
  await instance.ready();
  return instance;
}

describe('GET /app (the built dashboard)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'attune-dashboard-'));
  const built = join(dir, 'built');
  let app: FastifyInstance;
  let absent: FastifyInstance;

  beforeAll(async () => {
    mkdirSync(join(built, 'assets'), { recursive: true });
    writeFileSync(join(built, 'index.html'), '<!doctype html><script type="module" src="/app/assets/index-abc.js"></script>');
    writeFileSync(join(built, 'assets', 'index-abc.js'), 'console.log(1)');
    writeFileSync(join(built, 'assets', 'index-abc.css'), 'body{}');
    writeFileSync(join(dir, 'secret.txt'), 'outside');
    app = await serve(built);
    absent = await serve(join(dir, 'missing'));
  });
  afterAll(async () => {
    await app.close();
    await absent.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(['/app', '/app/', '/app/index.html'])('serves index.html at %s under the dashboard CSP, revalidated on each load', async (url) => {
    const res = await app.inject({ url });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toBe(DASHBOARD_CSP);
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.body).toContain('/app/assets/index-abc.js');
  });

  it('serves hashed assets with their content type, cached for good', async () => {
    const js = await app.inject({ url: '/app/assets/index-abc.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toBe('application/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const css = await app.inject({ url: '/app/assets/index-abc.css' });
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('needs no key, and the CSP allows no inline script or style', () => {
    expect(DASHBOARD_CSP).toContain("script-src 'self'");
    expect(DASHBOARD_CSP).toContain("style-src 'self'");
    expect(DASHBOARD_CSP).not.toContain('unsafe-inline');
  });

  it.each(['/app/assets/nope.js', '/app/..%2fsecret.txt', '/app/assets/..%2f..%2fsecret.txt', '/app/.hidden.js', '/app/index.exe'])('answers 404 for %s, not cached', async (url) => {
    const res = await app.inject({ url });
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain('outside');
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('says how to build the dashboard when there is no build', async () => {
    for (const url of ['/app', '/app/assets/index-abc.js']) {
      const res = await absent.inject({ url });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ error: { code: 'ERR_NOT_FOUND', message: DASHBOARD_NOT_BUILT } });
    }
  });
});
