import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_WORKSPACE_ID } from '../../src/core/shared/ids.js';
import type { TestApp } from '../helpers/open-test-app.js';
import { openTestApp } from '../helpers/open-test-app.js';
import { NOW, ingest, seed } from '../builders/shop-events.js';
import { ADMIN_KEY, bearer, startTestApp } from './helpers/start-test-app.js';

const WS = DEFAULT_WORKSPACE_ID;
const iso = (ms: number): string => new Date(ms).toISOString();
const ARMS = [
  { key: 'control', treatment: 'control', weight: 1 },
  { key: 'segments', treatment: 'segments', weight: 1 },
  { key: 'one-to-one', treatment: 'personalized', weight: 1 },
];
const HOME = {
  channel: 'web',
  recommendations: { count: 3 },
  offers: { policy: 'bandit' },
  content: { policy: 'bandit', variants: [{ key: 'hi', subject: 'Hi {{ traits.tribe | default: "there" }}' }, { key: 'campers', eligibility: 'traits.tribe = "camper"', text: 'Gear up' }] },
};
const OFFERS = {
  nudge: { name: 'Nudge', kind: 'percent_off', minPercent: 5, maxPercent: 20, marginFloor: 0.15, defaultMarginRate: 0.4 },
  shipping: { name: 'Free shipping', kind: 'free_shipping' },
};
const users = Array.from({ length: 60 }, (_, u) => `${u % 2 === 0 ? 'camper' : 'cook'}${u}`);

async function setup(t: TestApp): Promise<void> {
  await seed(t.app);
  await t.app.recommendations.train(WS, {});
  for (const [key, offer] of Object.entries(OFFERS)) await t.app.decisions.putOffer(WS, key, offer);
  await t.app.decisions.putPlacement(WS, 'home', HOME);
}

describe('experiments on a placement', () => {
  let t: TestApp;
  afterEach(async () => {
    await t.close();
  });

  it('assigns each customer to one arm for good, and the arm decides how personal the answer is', async () => {
    t = await openTestApp('memory', { nowMs: () => NOW });
    await setup(t);
    await t.app.experiments.put(WS, 'perso', { placement: 'home', arms: ARMS });
    const seen = new Map<string, string>();
    for (const user of users) {
      const d = await t.app.decisions.decide(WS, { user: { kind: 'user_id', value: user }, placement: 'home', context: {} });
      expect(d.experiment).toMatchObject({ key: 'perso', version: 1 });
      const arm = d.experiment?.arm ?? '';
      seen.set(user, arm);
      if (arm === 'control') {
        expect(d).toMatchObject({ personalized: false, notPersonalizedReason: 'experiment "perso": control arm', offer: null });
        expect(d.recommendations?.personalized).toBe(false);
      } else if (arm === 'segments') {
        expect(d.offer === null || d.offer.policy === 'priority').toBe(true);
        expect(d.recommendations?.items.every((i) => i.strategy === 'segment_popular' || i.strategy === 'popular')).toBe(true);
      } else {
        expect(arm).toBe('one-to-one');
        expect(d.personalized).toBe(true);
      }
    }
    const counts = [...seen.values()].reduce((m, a) => m.set(a, (m.get(a) ?? 0) + 1), new Map<string, number>());
    for (const arm of ['control', 'segments', 'one-to-one']) expect(counts.get(arm) ?? 0).toBeGreaterThan(8);
    // Sticky: the same customer gets the same arm again.
    for (const user of users.slice(0, 10)) {
      const again = await t.app.decisions.decide(WS, { user: { kind: 'user_id', value: user }, placement: 'home', context: {} });
      expect(again.experiment?.arm).toBe(seen.get(user));
    }
    // A second running experiment on the same placement is refused.
    await expect(t.app.experiments.put(WS, 'other', { placement: 'home', arms: ARMS })).rejects.toMatchObject({ code: 'ERR_VALIDATION', details: [{ field: 'placement' }] });
  });

  it('reports results from the logs: the arm whose customers order more wins, with intervals, ROI and a readable report', async () => {
    let now = NOW;
    t = await openTestApp('memory', { nowMs: () => now });
    await setup(t);
    await t.app.experiments.put(WS, 'perso', { placement: 'home', arms: ARMS.filter((a) => a.key !== 'segments'), attributionHours: 24 });
    const arms = new Map<string, string>();
    for (const user of users) arms.set(user, (await t.app.decisions.decide(WS, { user: { kind: 'user_id', value: user }, placement: 'home', context: {} })).experiment?.arm ?? '');
    // Every one-to-one customer orders for 40 within the window; a fifth of the control customers do.
    const orders = users
      .filter((u, i) => arms.get(u) === 'one-to-one' || i % 5 === 0)
      .map((u, i) => ({ type: 'track', event: 'Order Completed', userId: u, messageId: `exp-o${i}`, timestamp: iso(NOW + 3_600_000), properties: { order_id: `exp-o${i}`, revenue: 40, products: [{ product_id: 'tent' }] } }));
    now = NOW + 7_200_000;
    await ingest(t.app, orders, now);
    const { results, report } = await t.app.experiments.results(WS, 'perso');
    expect(results.units).toBe(60);
    const comparison = results.comparisons.find((c) => c.arm === 'one-to-one');
    expect(comparison?.conversion?.difference.estimate).toBeGreaterThan(0.5);
    expect(comparison?.conversion?.difference.lower).toBeGreaterThan(0);
    expect(comparison?.revenuePerUnit?.difference.estimate).toBeGreaterThan(20);
    expect(comparison?.verdict.verdict).toBe('better');
    expect(results.srm.mismatch).toBe(false);
    expect(report).toMatch(/one-to-one/);
    expect(report).toMatch(/Bayesian/);
  });

  it('keeps the arm a visitor saw before logging in, and can test one message against another', async () => {
    t = await openTestApp('memory', { nowMs: () => NOW });
    await setup(t);
    await t.app.experiments.put(WS, 'perso', { placement: 'home', arms: ARMS });
    await ingest(t.app, [{ type: 'page', anonymousId: 'visitor-9', messageId: 'v9', timestamp: iso(NOW - 10_000), name: 'home' }]);
    const asVisitor = await t.app.decisions.decide(WS, { user: { kind: 'anonymous_id', value: 'visitor-9' }, placement: 'home', context: {} });
    // The visitor logs in as an existing customer who never saw the experiment: the profiles merge.
    await ingest(t.app, [{ type: 'identify', anonymousId: 'visitor-9', userId: 'cook9', messageId: 'login9', timestamp: iso(NOW - 5_000), traits: {} }]);
    const asCustomer = await t.app.decisions.decide(WS, { user: { kind: 'user_id', value: 'cook9' }, placement: 'home', context: {} });
    expect(asCustomer.experiment?.arm).toBe(asVisitor.experiment?.arm);

    await t.app.experiments.put(WS, 'perso', { placement: 'home', arms: ARMS, status: 'stopped' });
    await t.app.experiments.put(WS, 'message', { placement: 'home', arms: [{ key: 'greeting', treatment: 'variant', variant: 'hi' }, { key: 'gear', treatment: 'variant', variant: 'campers' }] });
    for (const user of users.slice(0, 12)) {
      const d = await t.app.decisions.decide(WS, { user: { kind: 'user_id', value: user }, placement: 'home', context: {} });
      expect(d.content?.variant).toBe(d.experiment?.arm === 'greeting' ? 'hi' : 'campers');
    }
    await expect(t.app.experiments.put(WS, 'bad', { placement: 'home', status: 'stopped', arms: [{ key: 'a', treatment: 'variant' }, { key: 'b', treatment: 'control' }] })).rejects.toMatchObject({
      details: [{ field: 'arms[0].variant' }],
    });
  });

  it('keeps a global holdout out of personalization on every placement', async () => {
    t = await openTestApp('memory', { nowMs: () => NOW, decisions: { holdoutShare: 0.3 } });
    await setup(t);
    const decisions = await Promise.all(users.map((user) => t.app.decisions.decide(WS, { user: { kind: 'user_id', value: user }, placement: 'home', context: {} })));
    const held = decisions.filter((d) => d.experiment?.key === 'holdout');
    expect(held.length).toBeGreaterThan(8);
    expect(held.length).toBeLessThan(32);
    expect(held.every((d) => !d.personalized && d.notPersonalizedReason === 'global holdout: never personalized')).toBe(true);
    expect(decisions.filter((d) => d.experiment === null).every((d) => d.personalized)).toBe(true);
  });
});

describe('the experiments API', () => {
  it('defines an experiment and serves its results as JSON and as a Markdown report', async () => {
    const server = await startTestApp();
    try {
      await seed(server.app, Date.now());
      await server.app.recommendations.train(WS, {});
      await server.app.decisions.putPlacement(WS, 'home', HOME);
      const json = { ...bearer(ADMIN_KEY), 'content-type': 'application/json' };
      const put = await server.fastify.inject({ method: 'PUT', url: '/v1/experiments/perso', headers: json, payload: JSON.stringify({ placement: 'home', arms: ARMS }) });
      expect(put.statusCode).toBe(200);
      expect(put.json()).toMatchObject({ key: 'perso', status: 'running', baseline: 'control' });
      const bad = await server.fastify.inject({ method: 'PUT', url: '/v1/experiments/x', headers: json, payload: JSON.stringify({ placement: 'home', arms: [{ key: 'a', treatment: 'magic' }] }) });
      expect(bad.statusCode).toBe(400);
      for (const user of users.slice(0, 12)) await server.fastify.inject({ method: 'POST', url: '/v1/decide', headers: json, payload: JSON.stringify({ userId: user, placement: 'home' }) });
      const results = await server.fastify.inject({ method: 'GET', url: '/v1/experiments/perso/results', headers: bearer(ADMIN_KEY) });
      expect(results.statusCode).toBe(200);
      expect((results.json() as { results: { units: number } }).results.units).toBe(12);
      const markdown = await server.fastify.inject({ method: 'GET', url: '/v1/experiments/perso/results?format=markdown', headers: bearer(ADMIN_KEY) });
      expect(markdown.headers['content-type']).toMatch(/^text\/markdown/);
      expect(markdown.body).toMatch(/^#/);
    } finally {
      await server.close();
    }
  });
});
