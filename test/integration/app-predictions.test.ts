import { afterEach, describe, expect, it } from 'vitest';
import type { AttuneApp } from '../../src/app/attune-app.js';
import { DEFAULT_WORKSPACE_ID } from '../../src/core/shared/ids.js';
import { ModelDetailResponseSchema, ModelListResponseSchema, ModelVersionSchema } from '../../src/server/models.schema.js';
import { ADMIN_KEY, WRITE_KEY, bearer, parseBody, startTestApp } from './helpers/start-test-app.js';
import type { TestApp } from '../helpers/open-test-app.js';
import { openTestApp } from '../helpers/open-test-app.js';

const WS = DEFAULT_WORKSPACE_ID;
const DAY = 86_400_000;
const NOW = Date.parse('2026-06-30T12:00:00.000Z');

/**
 * Regulars order about every 8 days for the last 200 days; lapsed customers ordered a few times
 * long ago and stopped. Whether someone buys in the next 30 days is then predictable from the
 * history, and a model that learned it must rank regulars first.
 */
async function seed(app: AttuneApp, customers: number, nowMs = NOW): Promise<void> {
  const events: unknown[] = [];
  let id = 0;
  for (let c = 0; c < customers; c++) {
    const regular = c % 2 === 0;
    const user = `${regular ? 'reg' : 'lap'}${c}`;
    const days = regular ? Array.from({ length: 25 }, (_, i) => 200 - i * 8 - (c % 5)) : [400 - (c % 30), 380 - (c % 30), 360 - (c % 20)];
    for (const ago of days) {
      if (ago < 0) continue;
      const at = new Date(nowMs - ago * DAY).toISOString();
      events.push({ type: 'track', event: 'Order Completed', userId: user, messageId: `o${++id}`, timestamp: at, properties: { order_id: `o${id}`, revenue: 20 + (c % 7) } });
    }
  }
  for (let start = 0; start < events.length; start += 500) {
    const outcome = await app.ingest({ workspaceId: WS, events: events.slice(start, start + 500), receivedAtMs: nowMs, impliedType: null, batchSentAt: null });
    expect(outcome.rejected).toEqual([]);
  }
}

describe('prediction models per workspace', () => {
  let t: TestApp;
  afterEach(async () => {
    await t.close();
  });

  it('trains with a time split, reports held-out metrics against the RFM heuristic, and serves predicted.* on profiles and in segments', async () => {
    t = await openTestApp('sqlite', { nowMs: () => NOW });
    await seed(t.app, 300);
    const version = await t.app.predictions.train(WS, { key: 'buy_30d', target: { kind: 'purchase', withinDays: 30 } });
    expect(version).toMatchObject({ version: 1, kind: 'gbdt', fallbackReason: null, trainCutoffMs: NOW - 60 * DAY, testCutoffMs: NOW - 30 * DAY });
    expect(version.metrics?.auc).toBeGreaterThan(0.95);
    expect(version.heuristicMetrics?.auc).toBeGreaterThan(0.5);
    expect(version.baselineMetrics?.auc).toBeGreaterThan(0.5);
    expect(version.train.rows).toBeGreaterThan(200);

    const regular = await t.app.getProfile(WS, { kind: 'user_id', value: 'reg0' }, NOW);
    const lapsed = await t.app.getProfile(WS, { kind: 'user_id', value: 'lap1' }, NOW);
    expect(regular?.predicted['buy_30d']).toBeGreaterThan(0.8);
    expect(lapsed?.predicted['buy_30d']).toBeLessThan(0.2);

    // Segments read the score like any value; they are swept as scores move with time.
    const saved = await t.app.segments.create(WS, { key: 'likely', text: 'predicted.buy_30d > 0.5' });
    expect(saved.size).toBe(150);
    expect(saved.dependsOn).toMatchObject({ predicted: ['buy_30d'], unscheduledTime: true });

    // A retrain is a new version; the old one stays in the history.
    await t.app.predictions.train(WS, { key: 'buy_30d', target: { kind: 'purchase', withinDays: 30 } });
    const registry = await t.app.predictions.get(WS, 'buy_30d');
    expect(registry.current.version).toBe(2);
    expect(registry.history.map((v) => v.version)).toEqual([1]);
  });

  it('serves the transparent RFM heuristic, saying why, when there is too little history', async () => {
    t = await openTestApp('memory', { nowMs: () => NOW });
    await seed(t.app, 12);
    const version = await t.app.predictions.train(WS, { key: 'churn_60d', target: { kind: 'churn', withinDays: 60 } });
    expect(version.kind).toBe('rfm-heuristic');
    expect(version.fallbackReason).toMatch(/not enough history for a model: \d+ positives at the training cutoff \(needs 20\)/);
    const profile = await t.app.getProfile(WS, { kind: 'user_id', value: 'lap1' }, NOW);
    expect(profile?.predicted['churn_60d']).toBeGreaterThanOrEqual(0);
  });

  it('fits a CLV model (BG/NBD + Gamma-Gamma) and scores each customer: value, probability alive, expected purchases', async () => {
    t = await openTestApp('memory', { nowMs: () => NOW });
    await seed(t.app, 200);
    const version = await t.app.predictions.train(WS, { key: 'ltv', target: { kind: 'clv', withinDays: 90 } });
    expect(version).toMatchObject({ kind: 'clv', train: { rows: 200, positives: 200 } });
    // The holdout says how the fit did and whether it converged (this clockwork data is far from
    // BG/NBD's assumptions, so it may not: that is reported, never hidden).
    expect(version.clvHoldout?.customers).toBeGreaterThan(0);
    expect(typeof version.clvHoldout?.converged).toBe('boolean');
    expect(version.clvHoldout?.message).toMatch(/./);
    const regular = (await t.app.getProfile(WS, { kind: 'user_id', value: 'reg0' }, NOW))?.predicted ?? {};
    const lapsed = (await t.app.getProfile(WS, { kind: 'user_id', value: 'lap1' }, NOW))?.predicted ?? {};
    expect(regular['ltv_alive']).toBeGreaterThan(0.9);
    expect(lapsed['ltv_alive']).toBeLessThan(regular['ltv_alive'] ?? 0);
    expect(regular['ltv_purchases']).toBeGreaterThan(5); // about one order every 8 days, for 90 days
    expect(regular['ltv']).toBeGreaterThan(lapsed['ltv'] ?? Number.POSITIVE_INFINITY);
  });

  it('refuses a CLV model without enough repeat customers, with the numbers', async () => {
    t = await openTestApp('memory', { nowMs: () => NOW });
    await seed(t.app, 10);
    await expect(t.app.predictions.train(WS, { key: 'ltv', target: { kind: 'clv', withinDays: 90 } })).rejects.toMatchObject({
      code: 'ERR_NOT_ENOUGH_DATA',
      message: expect.stringContaining('10 of 10 customers have one (needs 20)') as unknown as string,
    });
  });

  it('keeps serving a trained model after a restart', async () => {
    const first = await openTestApp('sqlite', { nowMs: () => NOW });
    await seed(first.app, 100);
    await first.app.predictions.train(WS, { key: 'buy_30d', target: { kind: 'purchase', withinDays: 30 } });
    const before = (await first.app.getProfile(WS, { kind: 'user_id', value: 'reg0' }, NOW))?.predicted['buy_30d'];
    await first.app.close();
    t = await openTestApp('sqlite', { nowMs: () => NOW, path: first.path ?? '' });
    const after = (await t.app.getProfile(WS, { kind: 'user_id', value: 'reg0' }, NOW))?.predicted['buy_30d'];
    expect(after).toBe(before);
  });

  it('trains on historical data as of a past date (asOf), and profiles read at that date score as then', async () => {
    const later = NOW + 400 * DAY;
    t = await openTestApp('memory', { nowMs: () => later });
    await seed(t.app, 200);
    const version = await t.app.predictions.train(WS, { key: 'buy_30d', target: { kind: 'purchase', withinDays: 30 }, asOf: new Date(NOW).toISOString() });
    expect(version).toMatchObject({ kind: 'gbdt', trainedAtMs: NOW, testCutoffMs: NOW - 30 * DAY });
    const asThen = await t.app.getProfile(WS, { kind: 'user_id', value: 'reg0' }, NOW);
    expect(asThen?.predicted['buy_30d']).toBeGreaterThan(0.8);
    await expect(t.app.predictions.train(WS, { key: 'x', target: { kind: 'purchase', withinDays: 30 }, asOf: 'yesterday-ish' })).rejects.toMatchObject({ details: [{ field: 'asOf' }] });
  });

  it('refuses a bad request with the field at fault', async () => {
    t = await openTestApp('memory', { nowMs: () => NOW });
    await expect(t.app.predictions.train(WS, { key: 'Bad Key', target: { kind: 'purchase', withinDays: 30 } })).rejects.toMatchObject({ code: 'ERR_VALIDATION', details: [{ field: 'key' }] });
    await expect(t.app.predictions.train(WS, { key: 'x', target: { kind: 'purchase', withinDays: 0 } })).rejects.toMatchObject({ code: 'ERR_VALIDATION', details: [{ field: 'target' }] });
    await expect(t.app.predictions.get(WS, 'missing')).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' });
  });
});

describe('the models API', () => {
  it('trains over HTTP (admin), lists and reads the registry (read), and shows predicted on the profile', async () => {
    const server = await startTestApp();
    try {
      await seed(server.app, 120, Date.now());
      const json = { ...bearer(ADMIN_KEY), 'content-type': 'application/json' };
      const refused = await server.fastify.inject({ method: 'POST', url: '/v1/models', headers: { ...bearer(WRITE_KEY), 'content-type': 'application/json' }, payload: JSON.stringify({ key: 'buy_30d', target: { kind: 'purchase', withinDays: 30 } }) });
      expect(refused.statusCode).toBe(403);
      const trained = await server.fastify.inject({ method: 'POST', url: '/v1/models', headers: json, payload: JSON.stringify({ key: 'buy_30d', target: { kind: 'purchase', withinDays: 30 } }) });
      expect(trained.statusCode).toBe(201);
      expect(trained.headers['location']).toBe('/v1/models/buy_30d');
      const version = parseBody(ModelVersionSchema, trained);
      expect(version).toMatchObject({ key: 'buy_30d', version: 1, kind: 'gbdt', target: { kind: 'purchase', withinDays: 30 } });
      const listed = parseBody(ModelListResponseSchema, await server.fastify.inject({ method: 'GET', url: '/v1/models', headers: bearer(ADMIN_KEY) }));
      expect(listed.models.map((m) => m.key)).toEqual(['buy_30d']);
      const detail = parseBody(ModelDetailResponseSchema, await server.fastify.inject({ method: 'GET', url: '/v1/models/buy_30d', headers: bearer(ADMIN_KEY) }));
      expect(detail.current.version).toBe(1);
      const profile = await server.fastify.inject({ method: 'GET', url: '/v1/profiles/reg0', headers: bearer(ADMIN_KEY) });
      expect((profile.json() as { predicted: Record<string, number> }).predicted['buy_30d']).toBeGreaterThan(0.5);
      const bad = await server.fastify.inject({ method: 'POST', url: '/v1/models', headers: json, payload: JSON.stringify({ key: 'x', target: { kind: 'sometime', withinDays: 30 } }) });
      expect(bad.statusCode).toBe(400);
      expect((bad.json() as { error: { details: { field: string }[] } }).error.details[0]?.field).toBe('target');
      expect((await server.fastify.inject({ method: 'GET', url: '/v1/models/none', headers: bearer(ADMIN_KEY) })).statusCode).toBe(404);
    } finally {
      await server.close();
    }
  });
});
