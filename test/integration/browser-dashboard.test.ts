import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_WORKSPACE_ID } from '../../src/core/shared/ids.js';
import { seed } from '../builders/shop-events.js';
import { ADMIN_KEY, startTestApp } from './helpers/start-test-app.js';
import type { TestServer } from './helpers/start-test-app.js';

const WS = DEFAULT_WORKSPACE_ID;
const CHROMIUM = '/usr/bin/chromium';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ARTIFACTS = join(ROOT, 'test-artifacts');
const SHOPPERS = 24;

/** A fresh profile and no background traffic: the test machine has no network (STACK.md, gotcha 12). */
const NO_NETWORK_FLAGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-default-apps',
  '--disable-domain-reliability',
  '--disable-sync',
  '--metrics-recording-only',
  '--no-first-run',
  '--no-default-browser-check',
];

/**
 * The dashboard (issue 8) built by Vite, served by the real server on a real SQLite store with
 * seeded shoppers, driven by Debian's Chromium at a laptop size: login with the admin key, the
 * overview numbers and chart, the rule builder's live preview and its positioned errors.
 */
describe.skipIf(!existsSync(CHROMIUM))('the dashboard in a real browser', () => {
  let t: TestServer;
  let origin: string;
  let context: BrowserContext;
  let page: Page;
  let profileDir: string;
  const problems: string[] = [];

  beforeAll(async () => {
    // The dashboard is not in the root tsconfig (it needs the DOM lib): check its types here.
    execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'dashboard/tsconfig.json'), '--noEmit'], { stdio: 'pipe' });
    await build({ configFile: join(ROOT, 'dashboard/vite.config.ts'), logLevel: 'error' });

    t = await startTestApp();
    await seed(t.app, Date.now(), SHOPPERS);
    await t.app.segments.create(WS, { key: 'campers', name: 'Campers', text: 'traits.tribe = "camper"' });
    await t.app.segments.create(WS, { key: 'cooks', name: 'Cooks', text: 'traits.tribe = "cook"' });
    origin = await t.fastify.listen({ host: '127.0.0.1', port: 0 });

    profileDir = mkdtempSync(join(tmpdir(), 'attune-chromium-'));
    context = await chromium.launchPersistentContext(profileDir, { executablePath: CHROMIUM, headless: true, args: NO_NETWORK_FLAGS, viewport: { width: 1280, height: 800 } });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (m) => {
      // Failed requests are recorded, with their URL, by the response listener below.
      if ((m.type() === 'warning' || m.type() === 'error') && !m.text().startsWith('Failed to load resource')) problems.push(m.text());
    });
    page.on('response', (r) => {
      const path = new URL(r.url()).pathname;
      // Expected: "no session yet" before login and after logout, and the broken draft rule.
      const expected = (r.status() === 401 && path === '/v1/session') || (r.status() === 422 && path === '/v1/segments/preview');
      if (r.status() >= 400 && !expected) problems.push(`${r.status()} ${r.request().method()} ${path}`);
    });
    page.on('pageerror', (e) => problems.push(e.message));
    mkdirSync(ARTIFACTS, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await t?.close();
    if (profileDir !== undefined) rmSync(profileDir, { recursive: true, force: true });
  });

  it('logs in with the admin key through the login page; the key is not kept in the browser', async () => {
    await page.goto(`${origin}/app/`);
    const key = page.getByLabel('API key');
    await key.fill(ADMIN_KEY);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-login.png') });
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Overview' }).count()).toBe(1);

    const cookies = await context.cookies(origin);
    expect(cookies.find((c) => c.name === 'attune_session')).toMatchObject({ httpOnly: true });
    // A string, as the root tsconfig has no DOM types.
    const stored = await page.evaluate<string>('JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage }, cookie: document.cookie })');
    expect(stored).not.toContain(ADMIN_KEY);
    expect(await page.content()).not.toContain(ADMIN_KEY);
  }, 30_000);

  it('shows the overview numbers and the size chart of the largest segments', async () => {
    await page.goto(`${origin}/app/#/overview`);
    await expect.poll(() => page.getByTestId('profiles').locator('dd').textContent()).toBe(String(SHOPPERS));
    const events = Number((await page.getByTestId('events').locator('dd').textContent())?.replace(/,/g, ''));
    expect(events).toBeGreaterThan(SHOPPERS);
    await expect.poll(() => page.locator('.chart canvas').count()).toBeGreaterThan(0);
    const legend = await page.locator('.chart .u-legend').textContent();
    expect(legend).toContain('Campers');
    expect(legend).toContain('Cooks');
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-overview.png'), fullPage: true });
  }, 30_000);

  it('lists the segments and previews a typed rule, then shows where a broken rule is broken', async () => {
    await page.getByRole('link', { name: 'Segments' }).click();
    const list = page.getByTestId('segment-list');
    await expect.poll(() => list.locator('tbody tr').count()).toBe(2);
    expect(await list.textContent()).toContain('Campers');

    const rule = page.getByLabel('Rule');
    await rule.fill('traits.tribe = "camper"');
    const estimate = page.getByTestId('preview-estimate');
    await expect.poll(() => estimate.textContent(), { timeout: 5000 }).toContain(`${SHOPPERS / 2} of ${SHOPPERS} profiles match (exact)`);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-segments.png'), fullPage: true });

    await rule.fill('traits.tribe = "camper" and\nfeatures.frequency >=');
    const error = page.getByTestId('preview-error');
    await expect.poll(() => error.textContent(), { timeout: 5000 }).toMatch(/^Line 2, column \d+: /);
    expect(await rule.getAttribute('aria-invalid')).toBe('true');
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-segments-error.png'), fullPage: true });

    // The previews went through the session cookie with the CSRF header (POST is an unsafe request).
    expect(problems).toEqual([]);
  }, 30_000);

  it('signs out: the session is gone and the login page is back', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => page.getByLabel('API key').count()).toBe(1);
    const res = await page.evaluate(async () => (await fetch('/v1/session')).status);
    expect(res).toBe(401);
    expect(problems).toEqual([]);
  }, 30_000);
});
