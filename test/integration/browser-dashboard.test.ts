import { execFileSync } from 'node:child_process';
import { HAS_CHROMIUM, launchChromium } from '../helpers/chromium.js';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_WORKSPACE_ID } from '../../src/core/shared/ids.js';
import type { AttuneApp } from '../../src/app/attune-app.js';
import { ingest, seed } from '../builders/shop-events.js';
import { ADMIN_KEY, startTestApp } from './helpers/start-test-app.js';
import type { TestServer } from './helpers/start-test-app.js';

const WS = DEFAULT_WORKSPACE_ID;
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ARTIFACTS = join(ROOT, 'test-artifacts');
const SHOPPERS = 24;
const DAY_MS = 86_400_000;

/**
 * Regular buyers (an order about every 8 days) and lapsed ones (a few orders long ago), as in
 * app-predictions.test.ts: enough history for a purchase model to train and be measured.
 */
async function seedBuyers(app: AttuneApp, customers: number, nowMs: number): Promise<void> {
  const events: unknown[] = [];
  let id = 0;
  for (let c = 0; c < customers; c++) {
    const regular = c % 2 === 0;
    const days = regular ? Array.from({ length: 25 }, (_, i) => 200 - i * 8 - (c % 5)) : [400 - (c % 30), 380 - (c % 30), 360 - (c % 20)];
    for (const ago of days.filter((d) => d >= 0)) {
      events.push({ type: 'track', event: 'Order Completed', userId: `${regular ? 'reg' : 'lap'}${c}`, messageId: `buy${++id}`, timestamp: new Date(nowMs - ago * DAY_MS).toISOString(), properties: { order_id: `buy${id}`, revenue: 20 + (c % 7) } });
    }
  }
  for (let start = 0; start < events.length; start += 500) {
    const outcome = await app.ingest({ workspaceId: WS, events: events.slice(start, start + 500), receivedAtMs: nowMs, impliedType: null, batchSentAt: null });
    expect(outcome.rejected).toEqual([]);
  }
}

/**
 * The dashboard (issue 8) built by Vite, served by the real server on a real SQLite store with
 * seeded shoppers, driven by Debian's Chromium at a laptop size: login with the admin key, the
 * overview numbers and chart, the rule builder's live preview and its positioned errors.
 */
describe.skipIf(!HAS_CHROMIUM)('the dashboard in a real browser', () => {
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
    context = await launchChromium(profileDir, { width: 1280, height: 800 });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (m) => {
      // Failed requests are recorded, with their URL, by the response listener below.
      if ((m.type() === 'warning' || m.type() === 'error') && !m.text().startsWith('Failed to load resource')) problems.push(m.text());
    });
    page.on('response', (r) => {
      const path = new URL(r.url()).pathname;
      // Expected: "no session yet" before login and after logout, the broken draft rule, the
      // untrained recommender and the customer id that does not exist.
      const expected =
        (r.status() === 401 && path === '/v1/session') ||
        (r.status() === 422 && path === '/v1/segments/preview') ||
        (r.status() === 404 && (path === '/v1/recommendations/model' || (path === '/v1/profiles/nobody-here' || path === '/v1/profiles/anonymous/nobody-here')));
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

  it('states plainly that no model is trained yet, then shows held-out metrics, the AUC chart and the recommender', async () => {
    await page.getByRole('link', { name: 'Models' }).click();
    await expect.poll(() => page.getByTestId('no-models').count()).toBe(1);
    expect(await page.getByTestId('no-models').textContent()).toContain('No prediction models yet');
    await expect.poll(() => page.getByTestId('recommender-untrained').count()).toBe(1);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-models-empty.png'), fullPage: true });

    // A purchase model with enough history, a goal nobody reached (the RFM fallback) and the recommender.
    await seedBuyers(t.app, 200, Date.now());
    const buy = await t.app.predictions.train(WS, { key: 'buy_30d', target: { kind: 'purchase', withinDays: 30 }, seed: 7 });
    expect(buy.fallbackReason).toBeNull();
    const signup = await t.app.predictions.train(WS, { key: 'signup_30d', target: { kind: 'event', event: 'Newsletter Signup', withinDays: 30 }, seed: 7 });
    expect(signup.fallbackReason).not.toBeNull();
    const recs = await t.app.recommendations.train(WS, {});

    await page.reload();
    const model = page.getByTestId('model-buy_30d');
    await expect.poll(() => model.count()).toBe(1);
    const modelText = (await model.textContent()) ?? '';
    expect(modelText).toContain(`AUC`);
    expect(modelText).toContain((buy.metrics?.auc ?? Number.NaN).toFixed(3));
    expect(modelText).toContain((buy.heuristicMetrics?.auc ?? Number.NaN).toFixed(3));
    expect(modelText).toContain((buy.baselineMetrics?.auc ?? Number.NaN).toFixed(3));
    expect(await page.getByTestId('model-signup_30d').getByTestId('fallback-reason').textContent()).toContain('Not enough data');
    const chart = page.getByTestId('auc-chart').locator('svg');
    expect(await chart.getAttribute('aria-label')).toContain(`buy_30d: model ${(buy.metrics?.auc ?? Number.NaN).toFixed(3)}`);
    expect(await chart.locator('rect').count()).toBeGreaterThan(3);
    const recommender = page.getByTestId('recommender');
    expect(await recommender.textContent()).toContain(`version ${recs.version}`);
    expect(await recommender.getByTestId('recs-weights').locator('tr').count()).toBe(Object.keys(recs.report.weights).length);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-models.png'), fullPage: true });
    expect(problems).toEqual([]);
  }, 120_000);

  it('looks up a customer by user id: traits, key features, predictions, segments with why, latest events; unknown ids are stated plainly', async () => {
    await page.getByRole('link', { name: 'Profiles' }).click();
    await expect.poll(() => page.getByTestId('profile-list').locator('li').count()).toBe(20);

    await page.getByLabel('Look up by').selectOption('user_id');
    await page.getByLabel('Customer id').fill('camper0');
    await page.getByRole('button', { name: 'Look up' }).click();
    const detail = page.getByTestId('profile-detail');
    await expect.poll(() => detail.getByTestId('timeline').locator('tbody tr').count()).toBeGreaterThan(3);
    expect(await detail.getByRole('heading', { level: 2 }).textContent()).toBe('camper0');
    expect(await detail.getByTestId('traits').textContent()).toContain('camper');
    expect(await detail.getByTestId('buying-stage').locator('dd').count()).toBe(2);
    expect(Number(await detail.getByTestId('frequency').locator('dd').textContent())).toBeGreaterThan(0);
    expect(await detail.getByTestId('predictions').textContent()).toContain('predicted.buy_30d');
    const segments = (await detail.getByTestId('profile-segments').textContent()) ?? '';
    expect(segments).toContain('Campers');
    expect(segments).toContain('traits.tribe');
    expect(await detail.getByTestId('timeline').textContent()).toContain('Order Completed');
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-profiles.png'), fullPage: true });

    await page.getByLabel('Customer id').fill('nobody-here');
    await page.getByRole('button', { name: 'Look up' }).click();
    await expect.poll(() => page.getByTestId('profile-not-found').textContent()).toContain('No profile has the user id nobody-here');
    await page.getByLabel('Look up by').selectOption('anonymous_id');
    await page.getByRole('button', { name: 'Look up' }).click();
    await expect.poll(() => page.getByTestId('profile-not-found').textContent()).toContain('No profile has the anonymous id nobody-here');
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-profiles-not-found.png'), fullPage: true });

    // A profile from the list, by its profile id.
    await page.getByTestId('profile-list').locator('button').first().click();
    await expect.poll(() => detail.count()).toBe(1);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-profiles-picked.png'), fullPage: true });
    expect(problems).toEqual([]);
  }, 30_000);

  it('states that there are no experiments and no placements yet, then shows an experiment with its results and previews a decision', async () => {
    await page.getByRole('link', { name: 'Experiments' }).click();
    await expect.poll(() => page.getByTestId('no-experiments').count()).toBe(1);
    expect(await page.getByTestId('no-experiments').textContent()).toContain('No experiments yet');
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-experiments-empty.png'), fullPage: true });
    await page.getByRole('link', { name: 'Decide preview' }).click();
    await expect.poll(() => page.getByTestId('no-placements').count()).toBe(1);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-decide-empty.png'), fullPage: true });

    // A placement with an offer and HTML content, an experiment on it, customers exposed and some orders.
    // (The recommender was trained by the models test.)
    await t.app.decisions.putOffer(WS, 'nudge', { name: 'Nudge', kind: 'percent_off', minPercent: 5, maxPercent: 20, marginFloor: 0.15, defaultMarginRate: 0.4, message: { headline: 'A little something' } });
    await t.app.decisions.putPlacement(WS, 'home', {
      channel: 'web',
      recommendations: { count: 3 },
      offers: { policy: 'priority' },
      content: { policy: 'priority', variants: [{ key: 'greeting', subject: 'Hi {{ traits.tribe | default: "there" }}', body: '<p class="greeting"><strong>Hello {{ traits.tribe | default: "there" }}</strong></p>' }] },
    });
    const arms = [
      { key: 'control', treatment: 'control', weight: 1 },
      { key: 'one-to-one', treatment: 'personalized', weight: 1 },
    ];
    await t.app.experiments.put(WS, 'perso', { placement: 'home', arms });
    const exposed = Array.from({ length: SHOPPERS }, (_, u) => `${u % 2 === 0 ? 'camper' : 'cook'}${u}`);
    const armOf = new Map<string, string>();
    for (const user of exposed) armOf.set(user, (await t.app.decisions.decide(WS, { user: { kind: 'user_id', value: user }, placement: 'home', context: {} })).experiment?.arm ?? '');
    // A camper in the personalized arm: the preview below greets them by their tribe.
    const previewed = exposed.find((u) => u.startsWith('camper') && armOf.get(u) === 'one-to-one') ?? 'none';
    const orderAt = new Date(Date.now() + 1000).toISOString();
    await ingest(
      t.app,
      exposed.filter((_, i) => i % 3 === 0).map((u, i) => ({ type: 'track', event: 'Order Completed', userId: u, messageId: `exp-o${i}`, timestamp: orderAt, properties: { order_id: `exp-o${i}`, revenue: 30 } })),
      Date.now() + 2000,
    );
    const { results } = await t.app.experiments.results(WS, 'perso');

    await page.getByRole('link', { name: 'Experiments' }).click();
    const list = page.getByTestId('experiment-list');
    await expect.poll(() => list.locator('tbody tr').count()).toBe(1);
    const listText = (await list.textContent()) ?? '';
    expect(listText).toContain('home');
    expect(listText).toContain('running');
    expect(listText).toContain('control (baseline): control, 1');
    expect(listText).toContain('one-to-one: personalized, 1');
    const armTable = page.getByTestId('arm-table');
    await expect.poll(() => armTable.locator('tbody tr').count()).toBe(2);
    expect(results.units).toBe(SHOPPERS);
    const armRows = (await armTable.locator('tbody tr').allTextContents()).join('\n');
    for (const arm of results.arms) expect(armRows).toContain(`${arm.key} `);
    const comparison = page.getByTestId('comparison-one-to-one');
    const verdict = results.comparisons.find((c) => c.arm === 'one-to-one')?.verdict;
    expect(await comparison.getByTestId('verdict').textContent()).toContain(`Verdict: ${verdict?.verdict ?? '?'}.`);
    expect(await comparison.textContent()).toContain('ROI per customer');
    expect(await page.getByTestId('srm').textContent()).toContain(`Sample-ratio check: ${results.srm.mismatch ? 'mismatch' : 'OK'}`);
    const reportLink = page.getByRole('link', { name: /report as Markdown/ });
    expect(await reportLink.getAttribute('target')).toBe('_blank');
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-experiments.png'), fullPage: true });
    // The report opens in a new tab with the session cookie (a same-origin navigation).
    const [report] = await Promise.all([context.waitForEvent('page'), reportLink.click()]);
    await report.waitForLoadState();
    expect(await report.evaluate<string>('document.body.innerText')).toMatch(/^#/);
    await report.close();

    await page.getByRole('link', { name: 'Decide preview' }).click();
    expect(await page.getByTestId('decide-note').textContent()).toContain('logged');
    await page.getByLabel('Placement').selectOption('home');
    await page.getByLabel('User id').fill(previewed);
    await page.getByRole('button', { name: 'Preview' }).click();
    const decision = page.getByTestId('decision');
    await expect.poll(() => decision.count()).toBe(1);
    expect(await decision.getByTestId('decision-id').textContent()).toMatch(/^dec_/);
    expect(await decision.getByTestId('decision-experiment').textContent()).toBe('perso (version 1): arm one-to-one, personalized');
    expect(await decision.getByTestId('personalized').textContent()).toBe('yes');
    expect(await decision.getByTestId('decision-items').locator('tbody tr').count()).toBeGreaterThan(0);
    expect(await decision.getByTestId('content-subject').textContent()).toBe('Hi camper');
    expect(await decision.getByTestId('offer').textContent()).toMatch(/^(Nudge|No offer: )/);
    // The body is rendered in a sandboxed frame, never in the dashboard's own DOM.
    const frame = decision.getByTestId('content-body');
    expect(await frame.getAttribute('sandbox')).toBe('');
    await expect.poll(() => page.frameLocator('[data-testid="content-body"]').locator('p.greeting strong').textContent()).toBe('Hello camper');
    expect(await page.locator('p.greeting').count()).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-decide.png'), fullPage: true });
    expect(problems).toEqual([]);
  }, 60_000);

  it('shows the session and creates a key on the settings page, shows its secret once, and revokes it after a confirmation', async () => {
    await page.getByRole('link', { name: 'Settings' }).click();
    const facts = page.getByTestId('session-facts');
    await expect.poll(() => facts.textContent()).toContain('admin');
    expect(await facts.textContent()).toContain(WS);
    const list = page.getByTestId('key-list');
    await expect.poll(() => list.locator('tbody tr').count()).toBeGreaterThan(0);

    const name = 'Web shop (browser test)';
    await page.getByLabel('Key name').fill(name);
    await page.getByLabel('Scope').selectOption('write');
    await page.getByRole('button', { name: 'Create key' }).click();
    const secretField = page.getByLabel(`Secret of ${name}`);
    await expect.poll(() => secretField.count()).toBe(1);
    const secret = await secretField.inputValue();
    expect(secret.length).toBeGreaterThan(16);
    expect(await secretField.getAttribute('readonly')).not.toBeNull();
    expect(await page.getByTestId('new-key').textContent()).toContain('it will not be shown again');
    // The secret is the key the server made: it authenticates.
    const tracked = await t.fastify.inject({ method: 'POST', url: '/v1/track', headers: { authorization: `Bearer ${secret}` }, payload: { event: 'Settings Test', userId: 'settings-user', messageId: 'settings-1' } });
    expect(tracked.statusCode).toBe(200);
    const row = list.locator('tbody tr', { hasText: name });
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.getByTestId('key-status').textContent()).toBe('Active');
    // Held in the page's memory only, never in storage or a cookie.
    const stored = await page.evaluate<string>('JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage }, cookie: document.cookie })');
    expect(stored).not.toContain(secret);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-settings.png'), fullPage: true });
    await page.getByRole('button', { name: 'Done' }).click();
    expect(await page.getByTestId('new-key').count()).toBe(0);
    expect(await page.content()).not.toContain(secret);

    // Revoke asks first; Cancel leaves the key alone.
    await row.getByRole('button', { name: `Revoke ${name}` }).click();
    const confirm = row.getByRole('group', { name: `Confirm revoking ${name}` });
    expect(await confirm.textContent()).toContain(`Really revoke ${name}?`);
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    expect(await confirm.count()).toBe(0);
    expect((await t.app.listKeys(WS)).find((k) => k.name === name)?.revokedAtMs).toBeNull();
    await row.getByRole('button', { name: `Revoke ${name}` }).click();
    await confirm.getByRole('button', { name: 'Revoke', exact: true }).click();
    await expect.poll(() => row.getByTestId('key-status').textContent()).toMatch(/^Revoked /);
    expect(await row.getByRole('button').count()).toBe(0);
    expect((await t.app.listKeys(WS)).find((k) => k.name === name)?.revokedAtMs).not.toBeNull();
    const refused = await t.fastify.inject({ method: 'POST', url: '/v1/track', headers: { authorization: `Bearer ${secret}` }, payload: { event: 'Settings Test', userId: 'settings-user', messageId: 'settings-2' } });
    expect(refused.statusCode).toBe(401);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-settings-revoked.png'), fullPage: true });
    expect(problems).toEqual([]);
  }, 30_000);

  it('signs out: the session is gone and the login page is back', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => page.getByLabel('API key').count()).toBe(1);
    const res = await page.evaluate(async () => (await fetch('/v1/session')).status);
    expect(res).toBe(401);
    expect(problems).toEqual([]);
  }, 30_000);

  it('a read-scope session sees its session on the settings page but no key controls (GET /v1/keys is 403 for it)', async () => {
    const reader = await t.app.createKey({ workspaceId: WS, name: 'reader', scope: 'read' });
    const listed = await t.fastify.inject({ method: 'GET', url: '/v1/keys', headers: { authorization: `Bearer ${reader.secret}` } });
    expect(listed.statusCode).toBe(403);
    await page.getByLabel('API key').fill(reader.secret);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Sign out' }).count()).toBe(1);
    await page.getByRole('link', { name: 'Settings' }).click();
    await expect.poll(() => page.getByTestId('session-facts').textContent()).toContain('read');
    expect(await page.getByTestId('keys-need-admin').textContent()).toBe('Managing keys needs an admin session.');
    expect(await page.getByRole('button', { name: 'Create key' }).count()).toBe(0);
    expect(await page.getByTestId('key-list').count()).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-settings-read.png'), fullPage: true });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => page.getByLabel('API key').count()).toBe(1);
    expect(problems).toEqual([]);
  }, 30_000);
});
