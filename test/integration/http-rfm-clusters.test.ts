import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusteringListResponseSchema, ClusteringResponseSchema, DendrogramResponseSchema, SegmentPersonaResponseSchema } from '../../src/server/clusterings.schema.js';
import { ErrorResponseSchema } from '../../src/server/api.schema.js';
import { RfmResponseSchema } from '../../src/server/rfm.schema.js';
import type { TestServer } from './helpers/start-test-app.js';
import { ADMIN_KEY, WRITE_KEY, bearer, parseBody, startTestApp } from './helpers/start-test-app.js';

const DAY = 86_400_000;

/** Three behaviours, a few dozen customers each, with orders dated back from now. */
function batch(nowMs: number): unknown[] {
  const events: unknown[] = [];
  let n = 0;
  const order = (userId: string, daysAgo: number, revenue: number): void => {
    n++;
    events.push({ type: 'track', event: 'Order Completed', userId, messageId: `h${n}`, timestamp: new Date(nowMs - daysAgo * DAY).toISOString(), properties: { order_id: `ho${n}`, revenue } });
  };
  for (let i = 0; i < 30; i++) for (let o = 0; o < 10 + (i % 3); o++) order(`big${i}`, 1 + (i % 5) + 7 * o, 180 + (i % 7) * 10);
  for (let i = 0; i < 40; i++) order(`small${i}`, 20 + i, 10 + (i % 10));
  for (let i = 0; i < 20; i++) for (let o = 0; o < 3 + (i % 2); o++) order(`lapsed${i}`, 200 + i * 3 + 20 * o, 50 + (i % 4) * 5);
  return events;
}

describe('HTTP RFM, clusterings and personas', () => {
  let t: TestServer;
  const admin = { ...bearer(ADMIN_KEY), 'content-type': 'application/json' };
  const post = (url: string, payload: unknown, headers: Record<string, string> = admin) =>
    t.fastify.inject({ method: 'POST', url, headers, ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }) });
  const get = (url: string) => t.fastify.inject({ method: 'GET', url, headers: bearer(ADMIN_KEY) });

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  it('answers 422 ERR_NOT_ENOUGH_DATA and 404 before there is data or a fit', async () => {
    const fit = await post('/v1/rfm/fit', undefined, bearer(ADMIN_KEY));
    expect(fit.statusCode).toBe(422);
    expect(parseBody(ErrorResponseSchema, fit).error.code).toBe('ERR_NOT_ENOUGH_DATA');
    const rfm = await get('/v1/rfm');
    expect(rfm.statusCode).toBe(404);
    const clustering = await post('/v1/clusterings', { key: 'empty' });
    expect(clustering.statusCode).toBe(422);
    expect((await get('/v1/clusterings/nope')).statusCode).toBe(404);

    const res = await t.fastify.inject({ method: 'POST', url: '/v1/batch', headers: bearer(WRITE_KEY), payload: { batch: batch(Date.now()) } });
    expect(res.statusCode).toBe(200);
  });

  it('fits RFM (admin only) and reads it back (read)', async () => {
    expect((await post('/v1/rfm/fit', {}, { ...bearer(WRITE_KEY), 'content-type': 'application/json' })).statusCode).toBe(403);
    const invalid = await post('/v1/rfm/fit', { config: { buckets: 11 } });
    expect(invalid.statusCode).toBe(400);
    const fit = await post('/v1/rfm/fit', { config: { buckets: 5, ties: 'average' } });
    expect(fit.statusCode).toBe(200);
    const body = parseBody(RfmResponseSchema, fit);
    expect(body.population.customers).toBe(90);
    expect(body.segments).toHaveLength(11);
    expect(body.segments.reduce((a, s) => a + s.count, 0)).toBe(90);
    expect(body.segments.reduce((a, s) => a + s.members, 0)).toBe(90);
    expect(body.grid).toHaveLength(25);
    expect(body.backfill?.entered).toBe(90);
    const read = parseBody(RfmResponseSchema, await get('/v1/rfm'));
    expect(read.fittedAt).toBe(body.fittedAt);
    expect(read.backfill).toBeUndefined();
    // Scores are recomputed at read time (recency grows with the real clock), so only totals are fixed.
    expect(read.segments.map((s) => s.key)).toEqual(body.segments.map((s) => s.key));
    expect(read.segments.reduce((a, s) => a + s.count, 0)).toBe(90);
  });

  it('creates, lists, reads, draws and deletes a clustering; describes a segment', async () => {
    const bad = await post('/v1/clusterings', { key: 'Bad Key' });
    expect(bad.statusCode).toBe(400);
    const unknownFeature = await post('/v1/clusterings', { key: 'x', features: ['nope'] });
    expect(unknownFeature.statusCode).toBe(400);
    expect(parseBody(ErrorResponseSchema, unknownFeature).error.code).toBe('ERR_VALIDATION');

    const created = await post('/v1/clusterings', { key: 'shoppers', seed: 3, kMax: 6 });
    expect(created.statusCode).toBe(201);
    const body = parseBody(ClusteringResponseSchema, created);
    expect(body.evidence.mode).toBe('automatic');
    expect(body.evidence.perK.map((e) => e.k)).toEqual([2, 3, 4, 5, 6]);
    expect(body.k).toBe(3);
    expect(body.clusters.map((c) => c.size)).toEqual([40, 30, 20]);
    expect(body.clusters.map((c) => c.members)).toEqual([40, 30, 20]);
    expect(body.clusters[0]?.persona.narrative.text).toContain(body.clusters[0]?.name ?? '?');
    expect((await post('/v1/clusterings', { key: 'shoppers' })).statusCode).toBe(409);

    const list = parseBody(ClusteringListResponseSchema, await get('/v1/clusterings'));
    expect(list.clusterings.map((c) => [c.key, c.k, c.clusters.map((x) => x.segmentKey)])).toEqual([['shoppers', 3, ['shoppers-1', 'shoppers-2', 'shoppers-3']]]);
    const one = parseBody(ClusteringResponseSchema, await get('/v1/clusterings/shoppers'));
    expect(one.evidence).toEqual(body.evidence);
    expect(one.clusters.map((c) => c.persona.name)).toEqual(body.clusters.map((c) => c.persona.name));
    const tree = parseBody(DendrogramResponseSchema, await get('/v1/clusterings/shoppers/dendrogram'));
    expect(tree.leaves).toHaveLength(3);
    expect(tree.merges).toHaveLength(2);

    const persona = await get('/v1/segments/shoppers-2/persona');
    expect(persona.statusCode).toBe(200);
    const described = parseBody(SegmentPersonaResponseSchema, persona);
    expect(described.profile.size).toBe(30);
    expect(described.segmentName).toBe(body.clusters[1]?.name);
    expect((await get('/v1/segments/rfm-champions/persona')).statusCode).toBe(200);
    expect((await get('/v1/segments/nope/persona')).statusCode).toBe(404);

    expect((await t.fastify.inject({ method: 'DELETE', url: '/v1/clusterings/shoppers', headers: bearer(WRITE_KEY) })).statusCode).toBe(403);
    expect((await t.fastify.inject({ method: 'DELETE', url: '/v1/clusterings/shoppers', headers: bearer(ADMIN_KEY) })).statusCode).toBe(204);
    expect((await t.fastify.inject({ method: 'DELETE', url: '/v1/clusterings/shoppers', headers: bearer(ADMIN_KEY) })).statusCode).toBe(404);
    expect(parseBody(ClusteringListResponseSchema, await get('/v1/clusterings')).clusterings).toEqual([]);
  });
});
