import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createFetchWebhookSender } from '../../src/adapters/http/index.js';
import type { AttuneApp, IngestRequest } from '../../src/app/attune-app.js';
import { DEFAULT_BACKOFF, backoffDelayMs, jitterFor } from '../../src/app/webhooks/backoff.js';
import { signWebhook } from '../../src/app/webhooks/sign-webhook.js';
import { deliveryIdOf } from '../../src/app/webhooks/webhook-payload.js';
import type { WebhookView } from '../../src/app/webhooks/webhooks-service.js';
import { DEFAULT_WORKSPACE_ID } from '../../src/core/shared/ids.js';
import { WebhookListResponseSchema } from '../../src/server/webhooks.schema.js';
import type { TestApp } from '../helpers/open-test-app.js';
import { openTestApp } from '../helpers/open-test-app.js';
import { ADMIN_KEY, WRITE_KEY, bearer, bodyOf, parseBody, startTestApp } from './helpers/start-test-app.js';

const WS = DEFAULT_WORKSPACE_ID;

// ---------------------------------------------------------------------------------------------
// A real receiver: node:http on port 0, answering what the test says.

interface Received {
  readonly atMs: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** `drop`: the connection is destroyed without an answer (a receiver that is down). */
type Answer = number | 'drop';

interface Receiver {
  readonly url: string;
  readonly received: Received[];
  answer: (index: number) => Answer;
  close(): Promise<void>;
}

async function startReceiver(answer: (index: number) => Answer = () => 200): Promise<Receiver> {
  const received: Received[] = [];
  const receiver: Receiver = {
    url: '',
    received,
    answer,
    close: async () => {},
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const index = received.length;
      const outcome = receiver.answer(index);
      if (outcome === 'drop') {
        req.socket.destroy();
        return;
      }
      received.push({ atMs: Date.now(), headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(outcome, { 'content-type': 'text/plain' });
      res.end(outcome < 300 ? 'ok' : 'no');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}/hooks/attune`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

async function waitFor<T>(what: string, probe: () => T | Promise<T>, timeoutMs = 10_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null && value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const ChangeSchema = z.object({
  seq: z.number().int().positive(),
  segment: z.string(),
  profileId: z.string(),
  kind: z.enum(['enter', 'exit']),
  at: z.string(),
  reasons: z.array(z.string()),
  segmentVersion: z.number().int(),
});
const PayloadSchema = z.object({ webhookId: z.string(), deliveryId: z.string(), changes: z.array(ChangeSchema) }).strict();

const payloadOf = (r: Received) => PayloadSchema.parse(JSON.parse(r.body));
const header = (r: Received, name: string): string => {
  const value = r.headers[name];
  if (typeof value !== 'string') throw new Error(`missing header ${name}`);
  return value;
};

/** Verifies attune-signature as a receiver would (independently of the code under test). */
function verifySignature(r: Received, secret: string, nowSeconds: number): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header(r, 'attune-signature'));
  if (match === null) return false;
  const [, t = '', v1 = ''] = match;
  if (Math.abs(nowSeconds - Number(t)) > 300) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${r.body}`).digest();
  return timingSafeEqual(expected, Buffer.from(v1, 'hex'));
}

// ---------------------------------------------------------------------------------------------
// Events

let messageCounter = 0;
function track(userId: string, event: string, properties: Record<string, unknown> = {}) {
  messageCounter++;
  return { type: 'track', event, userId, messageId: `m-${messageCounter}-${Date.now()}`, timestamp: new Date().toISOString(), properties };
}
function request(events: unknown[]): IngestRequest {
  return { workspaceId: WS, events, receivedAtMs: Date.now(), impliedType: null, batchSentAt: null };
}
const order = (userId: string) => track(userId, 'Order Completed', { order_id: `o-${userId}`, revenue: 10 });

async function webhookOf(app: AttuneApp, id: string): Promise<WebhookView> {
  const found = (await app.webhooks.list(WS)).find((w) => w.id === id);
  if (found === undefined) throw new Error(`webhook ${id} is gone`);
  return found;
}

// ---------------------------------------------------------------------------------------------

describe('webhook signing, ids and backoff (unit)', () => {
  it('signs "<t>.<body>" with HMAC-SHA256 of the secret, as t=...,v1=<hex>', () => {
    const body = '{"webhookId":"wh_1","deliveryId":"dlv_x","changes":[]}';
    const header = signWebhook({ secret: 'whsec_test', body, timestampSeconds: 1_767_225_600.9 });
    const expected = createHmac('sha256', 'whsec_test').update(`1767225600.${body}`).digest('hex');
    expect(header).toBe(`t=1767225600,v1=${expected}`);
    expect(signWebhook({ secret: 'whsec_other', body, timestampSeconds: 1_767_225_600 })).not.toBe(header);
    expect(signWebhook({ secret: 'whsec_test', body: `${body} `, timestampSeconds: 1_767_225_600 })).not.toBe(header);
  });

  it('derives delivery ids from the webhook and the seq range only', () => {
    expect(deliveryIdOf('wh_a', 3, 9)).toBe(deliveryIdOf('wh_a', 3, 9));
    expect(deliveryIdOf('wh_a', 3, 9)).toMatch(/^dlv_[0-9a-f]{32}$/);
    expect(new Set([deliveryIdOf('wh_a', 3, 9), deliveryIdOf('wh_b', 3, 9), deliveryIdOf('wh_a', 3, 10), deliveryIdOf('wh_a', 4, 9)]).size).toBe(4);
  });

  it('backs off from 1 s, doubling, capped at 1 h, with up to 25 % jitter taken off', () => {
    expect(backoffDelayMs(1, 0)).toBe(1_000);
    expect(backoffDelayMs(2, 0)).toBe(2_000);
    expect(backoffDelayMs(3, 0.5)).toBe(3_500);
    expect(backoffDelayMs(1, 0.999_999)).toBe(750);
    expect(backoffDelayMs(13, 0)).toBe(3_600_000);
    expect(backoffDelayMs(1_000, 0)).toBe(3_600_000);
    expect(backoffDelayMs(1_000, 1)).toBe(2_700_000);
    // Up to the cap (the 13th failure) every delay is longer than the one before, whatever the jitter.
    const delays = Array.from({ length: 13 }, (_, i) => backoffDelayMs(i + 1, jitterFor('wh_x', i + 1), DEFAULT_BACKOFF));
    for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThan(delays[i - 1] ?? Infinity);
    for (let failures = 13; failures < 40; failures++) {
      const d = backoffDelayMs(failures, jitterFor('wh_x', failures));
      expect(d).toBeGreaterThanOrEqual(2_700_000);
      expect(d).toBeLessThanOrEqual(3_600_000);
    }
  });

  it('draws jitter in [0, 1), the same for the same webhook and failure, spread across webhooks', () => {
    expect(jitterFor('wh_a', 1)).toBe(jitterFor('wh_a', 1));
    const draws = Array.from({ length: 50 }, (_, i) => jitterFor(`wh_${i}`, 1));
    for (const j of draws) expect(j >= 0 && j < 1).toBe(true);
    expect(new Set(draws.map((j) => Math.floor(j * 4))).size).toBe(4);
  });
});

describe('webhook delivery (sqlite, a real HTTP receiver)', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  const open = async (opts: { path?: string } = {}): Promise<TestApp> => {
    const t = await openTestApp('sqlite', { ...opts, webhookSender: createFetchWebhookSender({ timeoutMs: 2_000 }) });
    cleanups.push(() => t.close());
    return t;
  };
  const receiver = async (answer?: (index: number) => Answer): Promise<Receiver> => {
    const r = await startReceiver(answer);
    cleanups.push(() => r.close());
    return r;
  };

  it('POSTs a signed batch when a profile enters a segment, then advances the cursor', async () => {
    const { app } = await open();
    const hook = await receiver();
    await app.segments.create(WS, { key: 'buyers', text: 'did "Order Completed"' });
    const created = await app.webhooks.create(WS, { url: hook.url, segments: ['buyers'] });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const startSeq = created.webhook.deliveredSeq;

    expect(await app.ingest(request([order('u1')]))).toMatchObject({ accepted: 1 });
    const delivery = await waitFor('the delivery', () => hook.received[0]);

    expect(verifySignature(delivery, created.secret, Math.floor(Date.now() / 1000))).toBe(true);
    expect(verifySignature(delivery, 'whsec_wrong', Math.floor(Date.now() / 1000))).toBe(false);
    expect(header(delivery, 'content-type')).toBe('application/json');
    expect(header(delivery, 'attune-webhook-id')).toBe(created.webhook.id);
    const payload = payloadOf(delivery);
    expect(payload.webhookId).toBe(created.webhook.id);
    expect(payload.deliveryId).toBe(header(delivery, 'attune-delivery-id'));
    expect(payload.changes).toHaveLength(1);
    const [change] = payload.changes;
    expect(change).toMatchObject({ segment: 'buyers', kind: 'enter', profileId: expect.stringMatching(/^prf_/) });
    expect(change?.seq).toBeGreaterThan(startSeq);
    expect(new Date(change?.at ?? '').toISOString()).toBe(change?.at);
    expect(change?.reasons.length).toBeGreaterThan(0);
    expect(payload.deliveryId).toBe(deliveryIdOf(created.webhook.id, change?.seq ?? 0, change?.seq ?? 0));

    const status = await waitFor('the cursor', async () => {
      const w = await webhookOf(app, created.webhook.id);
      return w.deliveredSeq === change?.seq ? w : null;
    });
    expect(status).toMatchObject({ failures: 0, nextAttemptAtMs: null, lastError: null });
    expect(hook.received).toHaveLength(1);
  });

  it('retries a failing receiver with the same delivery id and growing delays; the cursor moves only after a 2xx', async () => {
    const { app } = await open();
    const hook = await receiver((i) => (i < 2 ? 500 : 204));
    await app.segments.create(WS, { key: 'buyers', text: 'did "Order Completed"' });
    const created = await app.webhooks.create(WS, { url: hook.url });
    const startSeq = created.webhook.deliveredSeq;
    await app.ingest(request([order('u1')]));

    await waitFor('the first attempt', () => hook.received.length >= 1);
    const afterOne = await waitFor('the first failure stored', async () => {
      const w = await webhookOf(app, created.webhook.id);
      return w.failures === 1 ? w : null;
    });
    expect(afterOne).toMatchObject({ deliveredSeq: startSeq, lastError: 'HTTP 500' });
    expect(afterOne.nextAttemptAtMs).toBeGreaterThan(Date.now() - 100);

    await waitFor('the second attempt', () => hook.received.length >= 2);
    const afterTwo = await waitFor('the second failure stored', async () => {
      const w = await webhookOf(app, created.webhook.id);
      return w.failures === 2 ? w : null;
    });
    expect(afterTwo.deliveredSeq).toBe(startSeq);

    await waitFor('the third attempt', () => hook.received.length >= 3);
    const done = await waitFor('the cursor after the success', async () => {
      const w = await webhookOf(app, created.webhook.id);
      return w.failures === 0 && w.deliveredSeq > startSeq ? w : null;
    });
    expect(done.lastError).toBeNull();
    expect(done.nextAttemptAtMs).toBeNull();

    const [first, second, third] = hook.received;
    if (first === undefined || second === undefined || third === undefined) throw new Error('three attempts expected');
    const ids = hook.received.map((r) => header(r, 'attune-delivery-id'));
    expect(new Set(ids).size).toBe(1);
    expect(new Set(hook.received.map((r) => r.body)).size).toBe(1);
    for (const r of hook.received) expect(verifySignature(r, created.secret, Math.floor(Date.now() / 1000))).toBe(true);
    expect(done.deliveredSeq).toBe(payloadOf(third).changes.at(-1)?.seq);

    // Backoff: about 0.75-1 s after the first failure, 1.5-2 s after the second.
    const gap1 = second.atMs - first.atMs;
    const gap2 = third.atMs - second.atMs;
    expect(gap1).toBeGreaterThanOrEqual(700);
    expect(gap1).toBeLessThan(1_800);
    expect(gap2).toBeGreaterThanOrEqual(1_450);
    expect(gap2).toBeLessThan(3_200);
    expect(gap2).toBeGreaterThan(gap1);

    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(hook.received).toHaveLength(3);
  });

  it('delivers after a restart what a receiver that was down never acknowledged', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'attune-webhooks-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'attune.db');
    const hook = await receiver(() => 'drop');

    const first = await openTestApp('sqlite', { path, webhookSender: createFetchWebhookSender({ timeoutMs: 2_000 }) });
    await first.app.segments.create(WS, { key: 'buyers', text: 'did "Order Completed"' });
    const created = await first.app.webhooks.create(WS, { url: hook.url, segments: ['buyers'] });
    await first.app.ingest(request([order('u-restart')]));
    const failed = await waitFor('a failed attempt', async () => {
      const w = await webhookOf(first.app, created.webhook.id);
      return w.failures >= 1 ? w : null;
    });
    expect(failed.lastError).toMatch(/^network error/);
    expect(failed.deliveredSeq).toBe(created.webhook.deliveredSeq);
    await first.close();
    expect(hook.received).toHaveLength(0);

    hook.answer = () => 200;
    const second = await open({ path });
    const delivery = await waitFor('the delivery after the restart', () => hook.received[0]);
    const payload = payloadOf(delivery);
    expect(payload.changes.map((c) => [c.segment, c.kind])).toEqual([['buyers', 'enter']]);
    expect(verifySignature(delivery, created.secret, Math.floor(Date.now() / 1000))).toBe(true);
    await waitFor('the cursor after the restart', async () => {
      const w = await webhookOf(second.app, created.webhook.id);
      return w.failures === 0 && w.deliveredSeq === payload.changes[0]?.seq;
    });
  });

  it('sends a webhook only its segments, yet moves its cursor past the others', async () => {
    const { app } = await open();
    const all = await receiver();
    const viewersOnly = await receiver();
    await app.segments.create(WS, { key: 'buyers', text: 'did "Order Completed"' });
    await app.segments.create(WS, { key: 'viewers', text: 'did "Product Viewed"' });
    const allHook = await app.webhooks.create(WS, { url: all.url });
    const viewersHook = await app.webhooks.create(WS, { url: viewersOnly.url, segments: ['viewers'] });

    await app.ingest(request([order('u1')]));
    const buyersDelivery = await waitFor('the order change', () => all.received[0]);
    const buyersSeq = payloadOf(buyersDelivery).changes[0]?.seq ?? -1;
    await waitFor('the filtered cursor', async () => (await webhookOf(app, viewersHook.webhook.id)).deliveredSeq >= buyersSeq);
    expect(viewersOnly.received).toHaveLength(0);

    await app.ingest(request([track('u2', 'Product Viewed', { product_id: 'p1' })]));
    const viewersDelivery = await waitFor('the view change', () => viewersOnly.received[0]);
    expect(payloadOf(viewersDelivery).changes.map((c) => c.segment)).toEqual(['viewers']);
    await waitFor('the view change, unfiltered', () => all.received.length >= 2);
    expect(all.received.flatMap((r) => payloadOf(r).changes.map((c) => c.segment))).toEqual(['buyers', 'viewers']);
    expect(verifySignature(viewersDelivery, viewersHook.secret, Math.floor(Date.now() / 1000))).toBe(true);
    expect(verifySignature(viewersDelivery, allHook.secret, Math.floor(Date.now() / 1000))).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(viewersOnly.received).toHaveLength(1);
  });

  it('delivers many changes in seq order, at most 100 per batch, each change once', async () => {
    const { app } = await open();
    const hook = await receiver();
    await app.segments.create(WS, { key: 'buyers', text: 'did "Order Completed"' });
    const created = await app.webhooks.create(WS, { url: hook.url });
    await app.ingest(request(Array.from({ length: 230 }, (_, i) => order(`bulk-${i}`))));
    const seqs = await waitFor('every change', () => {
      const all = hook.received.flatMap((r) => payloadOf(r).changes.map((c) => c.seq));
      return all.length >= 230 ? all : null;
    });
    expect(seqs).toHaveLength(230);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    expect(new Set(seqs).size).toBe(230);
    for (const r of hook.received) expect(payloadOf(r).changes.length).toBeLessThanOrEqual(100);
    await waitFor('the cursor at the end', async () => (await webhookOf(app, created.webhook.id)).deliveredSeq === seqs.at(-1));
  });

  it('stops delivering to a deleted webhook', async () => {
    const { app } = await open();
    const hook = await receiver(() => 500);
    await app.segments.create(WS, { key: 'buyers', text: 'did "Order Completed"' });
    const created = await app.webhooks.create(WS, { url: hook.url });
    await app.ingest(request([order('u1')]));
    await waitFor('a failed attempt', () => hook.received.length >= 1);
    expect(await app.webhooks.delete(WS, created.webhook.id)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await app.webhooks.list(WS)).toEqual([]);
    expect(hook.received).toHaveLength(1);
  });
});

describe('HTTP /v1/webhooks', () => {
  it('creates (201, secret once), lists with the delivery status, validates, and deletes', async () => {
    const t = await startTestApp();
    try {
      const json = { ...bearer(ADMIN_KEY), 'content-type': 'application/json' };
      await t.app.segments.create(WS, { key: 'buyers', text: 'did "Order Completed"' });
      const created = await t.fastify.inject({
        method: 'POST',
        url: '/v1/webhooks',
        headers: json,
        payload: JSON.stringify({ url: 'https://hooks.example.com/attune', segments: ['buyers'] }),
      });
      expect(created.statusCode).toBe(201);
      const body = bodyOf(created);
      const secret = String(body['secret']);
      expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
      expect(body).toMatchObject({ url: 'https://hooks.example.com/attune', segments: ['buyers'], failures: 0, nextAttemptAt: null, lastError: null });
      expect(body['secretHint']).toBe(`whsec_…${secret.slice(-4)}`);

      const list = await t.fastify.inject({ method: 'GET', url: '/v1/webhooks', headers: bearer(ADMIN_KEY) });
      expect(list.statusCode).toBe(200);
      expect(list.body).not.toContain(secret);
      const { webhooks } = parseBody(WebhookListResponseSchema, list);
      expect(webhooks.map((w) => w.id)).toEqual([body['id']]);
      expect(webhooks[0]).toMatchObject({ deliveredSeq: 0, failures: 0, nextAttemptAt: null, lastError: null });

      const badUrl = await t.fastify.inject({ method: 'POST', url: '/v1/webhooks', headers: json, payload: JSON.stringify({ url: 'ftp://example.com/x' }) });
      expect(badUrl.statusCode).toBe(400);
      expect(badUrl.json()).toMatchObject({ error: { code: 'ERR_VALIDATION', details: [{ field: 'url' }] } });
      const badSegment = await t.fastify.inject({
        method: 'POST',
        url: '/v1/webhooks',
        headers: json,
        payload: JSON.stringify({ url: 'https://example.com/x', segments: ['nope'] }),
      });
      expect(badSegment.statusCode).toBe(400);
      expect(badSegment.json()).toMatchObject({ error: { code: 'ERR_VALIDATION', details: [{ field: 'segments.0' }] } });
      const writeKey = await t.fastify.inject({ method: 'GET', url: '/v1/webhooks', headers: bearer(WRITE_KEY) });
      expect(writeKey.statusCode).toBe(403);

      const deleted = await t.fastify.inject({ method: 'DELETE', url: `/v1/webhooks/${String(body['id'])}`, headers: bearer(ADMIN_KEY) });
      expect(deleted.statusCode).toBe(204);
      const again = await t.fastify.inject({ method: 'DELETE', url: `/v1/webhooks/${String(body['id'])}`, headers: bearer(ADMIN_KEY) });
      expect(again.statusCode).toBe(404);
    } finally {
      await t.close();
    }
  });
});
