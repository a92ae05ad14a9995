import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { HAS_CHROMIUM, launchChromium } from '../helpers/chromium.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_WORKSPACE_ID } from '../../src/core/shared/ids.js';
import { ingest, seed } from '../builders/shop-events.js';
import { ADMIN_KEY, WRITE_KEY, startTestApp } from './helpers/start-test-app.js';

const WS = DEFAULT_WORKSPACE_ID;
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

describe('the decide demo page in a real browser', () => {
  // Chromium comes from Debian (`apt-get install -y chromium`, as .ci/run does); without it there is no browser to drive.
  it.skipIf(!HAS_CHROMIUM)('decides, renders items, content and the raw JSON, and sends a click back as an outcome', async () => {
    const t = await startTestApp();
    const profileDir = mkdtempSync(join(tmpdir(), 'attune-chromium-'));
    try {
      const now = Date.now();
      await seed(t.app, now);
      await ingest(t.app, [{ type: 'identify', userId: 'camper0', messageId: 'name-1', timestamp: new Date(now - 1000).toISOString(), traits: { first_name: 'Ada <b>' } }], now);
      await t.app.recommendations.train(WS, {});
      await t.app.decisions.putPlacement(WS, 'product', {
        channel: 'web',
        recommendations: { count: 3 },
        content: { variants: [{ key: 'hi', body: '<h2>Hi {{ traits.first_name | default: "there" }}</h2>' }] },
      });
      const origin = await t.fastify.listen({ host: '127.0.0.1', port: 0 });

      const browser = await launchChromium(profileDir, { width: 1000, height: 900 });
      try {
        const page = browser.pages()[0] ?? (await browser.newPage());
        const problems: string[] = [];
        page.on('console', (m) => {
          if (m.type() === 'warning' || m.type() === 'error') problems.push(m.text());
        });
        page.on('pageerror', (e) => problems.push(e.message));
        page.on('response', (r) => {
          if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`);
        });
        const query = new URLSearchParams({ key: ADMIN_KEY, user: 'camper0', placement: 'product', writeKey: WRITE_KEY });
        await page.goto(`${origin}/demo/decide?${query.toString()}`);
        await page.getByRole('button', { name: 'Decide' }).click();

        const slot = page.locator('#slot');
        await expect.poll(() => slot.getAttribute('data-decision-id')).toMatch(/^dec_/);
        // The trait came back HTML-escaped by the server's template, so it shows as text.
        await expect.poll(() => slot.locator('.attune-content h2').textContent()).toBe('Hi Ada <b>');
        const names = await slot.locator('.attune-item-name').allTextContents();
        expect(names).toHaveLength(3);
        expect(await slot.locator('.attune-item-reason').count()).toBe(3);
        const raw = await page.locator('#raw').textContent();
        const decisionId = await slot.getAttribute('data-decision-id');
        expect(JSON.parse(raw ?? 'null')).toMatchObject({ decisionId, placement: 'product' });

        mkdirSync(ARTIFACTS, { recursive: true });
        await page.screenshot({ path: join(ARTIFACTS, 'browser-decide.png'), fullPage: true });

        await slot.locator('.attune-item').first().click();
        await expect
          .poll(async () => (await t.app.decisions.getDecision(WS, decisionId ?? ''))?.outcomes.map((o) => o.kind), { timeout: 5000 })
          .toContain('click');
        expect(problems).toEqual([]);
      } finally {
        await browser.close();
      }
    } finally {
      await t.close();
      rmSync(profileDir, { recursive: true, force: true });
    }
  }, 60_000);
});
