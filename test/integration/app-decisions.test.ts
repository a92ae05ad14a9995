import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_WORKSPACE_ID } from '../../src/core/shared/ids.js';
import { DecisionSchema, StoredDecisionSchema } from '../../src/server/decisions.schema.js';
import type { TestApp } from '../helpers/open-test-app.js';
import { openTestApp } from '../helpers/open-test-app.js';
import { NOW, ingest, seed } from '../builders/shop-events.js';
import { ADMIN_KEY, bearer, parseBody, startTestApp } from './helpers/start-test-app.js';

const WS = DEFAULT_WORKSPACE_ID;
const iso = (ms: number): string => new Date(ms).toISOString();

const OFFERS = {
  nudge: { name: 'Cart nudge', kind: 'percent_off', minPercent: 5, maxPercent: 20, marginFloor: 0.15, defaultMarginRate: 0.4, stages: ['ready_to_buy', 'considering'], message: { headline: 'A little something for your cart' } },
  winback: { name: 'We miss you', kind: 'percent_off', minPercent: 10, maxPercent: 30, marginFloor: 0.1, defaultMarginRate: 0.5, stages: ['lapsed'] },
  shipping: { name: 'Free shipping', kind: 'free_shipping', stages: ['ready_to_buy'] },
};

const HOME = {
  channel: 'web',
  recommendations: { count: 3 },
  offers: { policy: 'bandit' },
  content: {
    policy: 'bandit',
    variants: [
      { key: 'greeting', subject: 'Hi {{ traits.first_name | default: "there" }}', body: '<p>{{ offer.headline | default: "Picked for you" }}</p>{% for item in recommendations %}<li>{{ item.name }}</li>{% endfor %}' },
      { key: 'campers', eligibility: 'traits.tribe = "camper"', text: 'Gear up, {{ traits.first_name | default: "camper" }}' },
    ],
  },
  fallbackVariant: 'greeting',
};

async function setup(t: TestApp): Promise<void> {
  await seed(t.app);
  await t.app.recommendations.train(WS, {});
  for (const [key, offer] of Object.entries(OFFERS)) await t.app.decisions.putOffer(WS, key, offer);
  await t.app.decisions.putPlacement(WS, 'home', HOME);
}

describe('decisions', () => {
  let t: TestApp;
  afterEach(async () => {
    await t.close();
  });

  it('answers items, an offer held to its guardrails and rendered content in one call, logged with propensities', async () => {
    t = await openTestApp('sqlite', { nowMs: () => NOW });
    await setup(t);
    // cook1 fills a cart now: ready to buy; no purchase model, so the policy gives the minimum nudge.
    await ingest(t.app, [
      { type: 'identify', userId: 'cook1', messageId: 'n1', timestamp: iso(NOW - 5_000), traits: { first_name: 'Ada <b>' } },
      { type: 'track', event: 'Product Added', userId: 'cook1', messageId: 'c1', timestamp: iso(NOW - 4_000), properties: { product_id: 'pan', price: 20 } },
    ]);
    const d = await t.app.decisions.decide(WS, { user: { kind: 'user_id', value: 'cook1' }, placement: 'home', context: { device: 'mobile' } });
    expect(d.decisionId).toMatch(/^dec_[A-Za-z0-9_-]{22}$/);
    expect(d.personalized).toBe(true);
    expect(d.recommendations?.items).toHaveLength(3);
    expect(['nudge', 'shipping']).toContain(d.offer?.key);
    if (d.offer?.key === 'nudge') {
      expect(d.offer.discountPercent).toBeGreaterThanOrEqual(5);
      expect(d.offer.discountPercent).toBeLessThanOrEqual(20);
      expect(d.offer.reason).toMatch(/ready to buy \(open cart\)/);
    }
    expect(d.offer?.propensity).toBeGreaterThan(0);
    expect(d.offer?.propensity).toBeLessThanOrEqual(1);
    expect(d.content?.variant).toBe('greeting');
    expect(d.content?.subject).toBe('Hi Ada <b>'); // plain text: not escaped
    expect(d.content?.body).toContain('<li>');
    expect(d.content?.body).not.toContain('<b>');

    const stored = await t.app.decisions.getDecision(WS, d.decisionId);
    expect(stored).toMatchObject({ placement: 'home', offerKey: d.offer?.key, contentKey: 'greeting', personalized: true });
    expect(stored?.items).toEqual(d.recommendations?.items.map((i) => i.itemId));
  });

  it('does not give a discount to the wrong stage, and wins back a lapsed high-value customer', async () => {
    t = await openTestApp('memory', { nowMs: () => NOW + 200 * 86_400_000 });
    await setup(t);
    // 200 days on, every shopper is lapsed; the eight coffee orders make them high value? Not by monetary: give one a big order.
    await ingest(t.app, [{ type: 'track', event: 'Order Completed', userId: 'camper2', messageId: 'big', timestamp: iso(NOW - 30 * 86_400_000), properties: { order_id: 'big', revenue: 5_000, products: [{ product_id: 'tent' }] } }], NOW);
    const lapsed = await t.app.decisions.decide(WS, { user: { kind: 'user_id', value: 'camper2' }, placement: 'home', context: {} });
    expect(lapsed.offer).toMatchObject({ key: 'winback', discountPercent: 30 });
    expect(lapsed.offer?.reason).toMatch(/lapsed/);
    const other = await t.app.decisions.decide(WS, { user: { kind: 'user_id', value: 'cook3' }, placement: 'home', context: {} });
    expect(other.offer?.key ?? null).not.toBe('nudge');
  });

  it('learns from outcomes: an order carrying the decision id is recorded once and rewards the bandit', async () => {
    t = await openTestApp('memory', { nowMs: () => NOW });
    await setup(t);
    await ingest(t.app, [{ type: 'track', event: 'Product Added', userId: 'cook5', messageId: 'c5', timestamp: iso(NOW - 4_000), properties: { product_id: 'knife' } }]);
    const d = await t.app.decisions.decide(WS, { user: { kind: 'user_id', value: 'cook5' }, placement: 'home', context: {} });
    const order = { type: 'track', event: 'Order Completed', userId: 'cook5', timestamp: iso(NOW - 1_000), properties: { order_id: 'o-dec', revenue: 42, decision_id: d.decisionId, products: [{ product_id: 'knife' }] } };
    await ingest(t.app, [{ ...order, messageId: 'o1' }]);
    await ingest(t.app, [{ ...order, messageId: 'o2' }]);
    await expect.poll(async () => (await t.app.decisions.getDecision(WS, d.decisionId))?.outcomes.map((o) => o.kind)).toEqual(['order']);
    const stored = await t.app.decisions.getDecision(WS, d.decisionId);
    expect(stored?.outcomes[0]).toMatchObject({ kind: 'order', value: 42, messageId: 'o1' });
    const report = t.app.decisions.banditReport(WS, 'home');
    const learned = report.flatMap((s) => s.arms).reduce((n, a) => n + a.updates, 0);
    expect(learned).toBeGreaterThanOrEqual(1);
  });

  it('evaluates other policies from the logged decisions (IPS, SNIPS, doubly robust) once their reward window closes', async () => {
    let now = NOW;
    t = await openTestApp('memory', { nowMs: () => now, decisions: { rewardWindowMs: 60_000 } });
    await setup(t);
    const carts = Array.from({ length: 30 }, (_, i) => ({ type: 'track', event: 'Product Added', userId: `cook${2 * i + 1}`, messageId: `cart${i}`, timestamp: iso(NOW - 4_000), properties: { product_id: 'pan' } }));
    await ingest(t.app, carts);
    const decisions: Awaited<ReturnType<typeof t.app.decisions.decide>>[] = [];
    for (let i = 0; i < 30; i++) decisions.push(await t.app.decisions.decide(WS, { user: { kind: 'user_id', value: `cook${2 * i + 1}` }, placement: 'home', context: {} }));
    expect(decisions.every((d) => d.offer !== null)).toBe(true);
    // Every third customer orders, naming the decision.
    await ingest(
      t.app,
      decisions.filter((_, i) => i % 3 === 0).map((d, i) => ({ type: 'track', event: 'Order Completed', userId: `cook${6 * i + 1}`, messageId: `ord${i}`, timestamp: iso(NOW - 1_000), properties: { order_id: `ord${i}`, revenue: 30, decision_id: d.decisionId } })),
    );
    await expect.poll(async () => (await t.app.decisions.getDecision(WS, decisions[0]?.decisionId ?? ''))?.outcomes.length).toBe(1);
    expect((await t.app.decisions.evaluatePolicies(WS, 'home', 'offers')).decisions).toBe(10); // only the ordered ones: the others' windows are open
    now = NOW + 120_000;
    const evaluation = await t.app.decisions.evaluatePolicies(WS, 'home', 'offers');
    expect(evaluation.decisions).toBe(30);
    expect(evaluation.loggedValue).toBeCloseTo(10 / 30, 6);
    const uniform = evaluation.policies.find((p) => p.policy === 'uniform random');
    expect(uniform?.snips.value).toBeGreaterThan(0);
    expect(uniform?.snips.value).toBeLessThan(1);
    expect(evaluation.policies.map((p) => p.policy)).toEqual(expect.arrayContaining(['always nudge', 'always shipping']));
  });

  it('without consent, or past the frequency cap, answers the general variant without an offer, saying why', async () => {
    t = await openTestApp('memory', { nowMs: () => NOW });
    await setup(t);
    await t.app.decisions.putPlacement(WS, 'capped', { ...HOME, cap: { max: 1, windowDays: 1 } });
    await ingest(t.app, [
      { type: 'identify', userId: 'camper4', messageId: 'f4', timestamp: iso(NOW - 5_000), traits: { first_name: 'Bo' }, context: { consent: { categoryPreferences: { personalization: false } } } },
    ]);
    const refused = await t.app.decisions.decide(WS, { user: { kind: 'user_id', value: 'camper4' }, placement: 'home', context: {} });
    expect(refused).toMatchObject({ personalized: false, notPersonalizedReason: 'the visitor declined personalization', offer: null });
    expect(refused.content?.subject).toBe('Hi there');

    const first = await t.app.decisions.decide(WS, { user: { kind: 'user_id', value: 'camper6' }, placement: 'capped', context: {} });
    expect(first.personalized).toBe(true);
    const second = await t.app.decisions.decide(WS, { user: { kind: 'user_id', value: 'camper6' }, placement: 'capped', context: {} });
    expect(second.personalized).toBe(false);
    expect(second.notPersonalizedReason).toMatch(/^frequency cap: 1 decisions here in the last 1 days/);
    expect(second.offer).toBeNull();
  });

  it('refuses bad configuration with every field named, and unknown placements', async () => {
    t = await openTestApp('memory', { nowMs: () => NOW });
    await expect(t.app.decisions.putPlacement(WS, 'bad', { channel: 'fax', cap: { max: 0, windowDays: 1 }, content: { variants: [{ key: 'a', text: 'x' }] } })).rejects.toMatchObject({
      code: 'ERR_VALIDATION',
      details: [expect.objectContaining({ field: 'channel' }), expect.objectContaining({ field: 'cap.max' })],
    });
    // Templates are compiled when saved: each error names its variant, part, line and column.
    await expect(t.app.decisions.putPlacement(WS, 'bad', { content: { variants: [{ key: 'a', body: '{% include "x" %}' }, { key: 'b', text: '{{ name | nope }}' }] } })).rejects.toMatchObject({
      code: 'ERR_VALIDATION',
      details: expect.arrayContaining([
        expect.objectContaining({ field: 'content.variants[0].body', message: expect.stringMatching(/line 1, column/) as unknown }),
        expect.objectContaining({ field: 'content.variants[1].text' }),
      ]) as unknown,
    });
    await expect(t.app.decisions.putOffer(WS, 'x', { kind: 'percent_off', minPercent: 50, maxPercent: 10 })).rejects.toMatchObject({ code: 'ERR_VALIDATION' });
    // Sensitive traits never decide what someone sees.
    await expect(t.app.decisions.putOffer(WS, 'x', { name: 'x', kind: 'content_only', eligibility: 'traits.religion = "x"' })).rejects.toMatchObject({
      code: 'ERR_VALIDATION',
      details: [{ field: 'eligibility', message: expect.stringContaining('sensitive trait "religion"') as unknown }],
    });
    await expect(t.app.decisions.decide(WS, { user: null, placement: 'nowhere', context: {} })).rejects.toMatchObject({ code: 'ERR_NOT_FOUND', details: [{ field: 'placement' }] });
  });
});

describe('the decide API', () => {
  it('decides over HTTP and shows the logged decision', async () => {
    const server = await startTestApp();
    try {
      await seed(server.app, Date.now());
      await server.app.recommendations.train(WS, {});
      const json = { ...bearer(ADMIN_KEY), 'content-type': 'application/json' };
      for (const [key, offer] of Object.entries(OFFERS)) expect((await server.fastify.inject({ method: 'PUT', url: `/v1/offers/${key}`, headers: json, payload: JSON.stringify(offer) })).statusCode).toBe(200);
      expect((await server.fastify.inject({ method: 'PUT', url: '/v1/placements/home', headers: json, payload: JSON.stringify(HOME) })).statusCode).toBe(200);
      const answer = await server.fastify.inject({ method: 'POST', url: '/v1/decide', headers: json, payload: JSON.stringify({ userId: 'camper0', placement: 'home', context: { page: '/', device: 'desktop' } }) });
      expect(answer.statusCode).toBe(200);
      const decision = parseBody(DecisionSchema, answer);
      expect(decision.recommendations?.items.length).toBe(3);
      const logged = await server.fastify.inject({ method: 'GET', url: `/v1/decisions/${decision.decisionId}`, headers: bearer(ADMIN_KEY) });
      expect(parseBody(StoredDecisionSchema, logged)).toMatchObject({ id: decision.decisionId, placement: 'home' });
      const preview = await server.fastify.inject({ method: 'POST', url: '/v1/templates/preview', headers: json, payload: JSON.stringify({ template: 'Hello {{ traits.tribe }}', userId: 'camper0', escape: 'none' }) });
      expect((preview.json() as { rendered: string }).rendered).toBe('Hello camper');
      const bad = await server.fastify.inject({ method: 'POST', url: '/v1/decide', headers: json, payload: JSON.stringify({ placement: 'home', context: { colour: 'red' } }) });
      expect(bad.statusCode).toBe(400);
      expect((await server.fastify.inject({ method: 'GET', url: '/v1/offers', headers: bearer(ADMIN_KEY) })).json()).toMatchObject({ items: expect.arrayContaining([expect.objectContaining({ key: 'nudge' })]) as unknown });
    } finally {
      await server.close();
    }
  });
});
