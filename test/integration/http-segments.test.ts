import { request as httpRequest } from 'node:http';
import type { ClientRequest, IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorResponseSchema, ProfileResponseSchema } from '../../src/server/api.schema.js';
import {
  ChangesResponseSchema,
  HistoryResponseSchema,
  MembersResponseSchema,
  OverlapResponseSchema,
  SavedSegmentResponseSchema,
  SegmentListResponseSchema,
  SegmentPreviewResponseSchema,
  SegmentResponseSchema,
} from '../../src/server/segments.schema.js';
import type { MembershipChangeResponse } from '../../src/server/segments.schema.js';
import type { TestServer } from './helpers/start-test-app.js';
import { ADMIN_KEY, WRITE_KEY, bearer, bodyOf, parseBody, startTestApp } from './helpers/start-test-app.js';

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cache-control': 'no-store',
};

interface SseEvent {
  readonly id: string | null;
  readonly event: string;
  readonly data: string;
}

/** A real HTTP client on an event stream: parses `id:` / `event:` / `data:` blocks as they arrive. */
interface SseClient {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly events: SseEvent[];
  readonly comments: string[];
  /** Resolves once `count` events arrived (rejects after timeoutMs). */
  waitForEvents(count: number, timeoutMs?: number): Promise<SseEvent[]>;
  /** Resolves when the server ends the response. */
  readonly ended: Promise<void>;
  close(): void;
}

function openSse(baseUrl: string, path: string, headers: Record<string, string>): Promise<SseClient> {
  return new Promise((resolve, reject) => {
    const req: ClientRequest = httpRequest(`${baseUrl}${path}`, { headers: { accept: 'text/event-stream', ...headers } });
    req.on('error', reject);
    req.on('response', (res: IncomingMessage) => {
      const events: SseEvent[] = [];
      const comments: string[] = [];
      const waiters: (() => void)[] = [];
      let buffer = '';
      let endResolve: () => void = () => {};
      const ended = new Promise<void>((r) => {
        endResolve = r;
      });
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let at = buffer.indexOf('\n\n');
        while (at !== -1) {
          const block = buffer.slice(0, at);
          buffer = buffer.slice(at + 2);
          let id: string | null = null;
          let event = 'message';
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) comments.push(line.slice(1).trim());
            else if (line.startsWith('id: ')) id = line.slice(4);
            else if (line.startsWith('event: ')) event = line.slice(7);
            else if (line.startsWith('data: ')) data.push(line.slice(6));
          }
          if (data.length > 0) events.push({ id, event, data: data.join('\n') });
          for (const wake of waiters.splice(0)) wake();
          at = buffer.indexOf('\n\n');
        }
      });
      res.on('end', () => endResolve());
      res.on('close', () => endResolve());
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        events,
        comments,
        ended,
        close: () => req.destroy(),
        waitForEvents: (count, timeoutMs = 5_000) =>
          new Promise((done, fail) => {
            const timer = setTimeout(() => fail(new Error(`expected ${count} events, got ${events.length}: ${JSON.stringify(events)}`)), timeoutMs);
            const check = (): void => {
              if (events.length >= count) {
                clearTimeout(timer);
                done(events.slice());
              } else {
                waiters.push(check);
              }
            };
            check();
          }),
      });
    });
    req.end();
  });
}

/** RFC 4180 parsing, enough for the export (quoted fields, doubled quotes, CRLF records). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else {
      field += c;
    }
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

describe('HTTP segments', () => {
  let t: TestServer;
  let readKey = '';

  const json = { 'content-type': 'application/json' };
  const inject = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, key: string, payload?: unknown) =>
    t.fastify.inject({ method, url, headers: { ...bearer(key), ...(payload === undefined ? {} : json) }, ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }) });
  const identify = async (userId: string, traits: Record<string, unknown>, key = WRITE_KEY) => {
    const res = await inject('POST', '/v1/identify', key, { userId, traits });
    expect(res.statusCode).toBe(200);
  };
  const profileIdOf = async (userId: string, key = ADMIN_KEY) => parseBody(ProfileResponseSchema, await inject('GET', `/v1/profiles/${userId}`, key)).profileId;

  beforeAll(async () => {
    t = await startTestApp();
    const created = await inject('POST', '/v1/keys', ADMIN_KEY, { name: 'reader', scope: 'read' });
    expect(created.statusCode).toBe(201);
    readKey = String(bodyOf(created)['secret']);
    const batch = [
      { type: 'identify', userId: 'u1', traits: { plan: 'pro', country: 'UK', email: 'u1@example.com' }, messageId: 'seg-1' },
      { type: 'identify', userId: 'u2', traits: { plan: 'pro', country: 'FR' }, messageId: 'seg-2' },
      { type: 'identify', userId: 'u3', traits: { plan: 'free', country: 'UK' }, messageId: 'seg-3' },
      { type: 'track', userId: 'u3', event: 'Order Completed', properties: { order_id: 'o1', revenue: 10 }, messageId: 'seg-4' },
    ];
    const res = await inject('POST', '/v1/batch', WRITE_KEY, { batch });
    expect(bodyOf(res)).toMatchObject({ accepted: 4 });
  });
  afterAll(async () => t.close());

  describe('definitions', () => {
    it('creates a segment from the text form and backfills it before answering', async () => {
      const res = await inject('POST', '/v1/segments', ADMIN_KEY, { key: 'pro', name: 'Pro users', text: 'traits.plan = "pro"' });
      expect(res.statusCode).toBe(201);
      expect(res.headers['location']).toBe('/v1/segments/pro');
      const saved = parseBody(SavedSegmentResponseSchema, res);
      expect(saved).toMatchObject({
        key: 'pro',
        name: 'Pro users',
        description: '',
        kind: 'rule',
        rule: { kind: 'compare', path: 'traits.plan', op: 'eq', value: 'pro' },
        text: 'traits.plan = "pro"',
        size: 2,
        version: 1,
        backfill: { profiles: 3, entered: 2, exited: 0 },
        links: { self: '/v1/segments/pro', members: '/v1/segments/pro/members', history: '/v1/segments/pro/history' },
      });
      expect(saved.dependsOn.traits).toEqual(['plan']);
      expect(saved.backfill.elapsedMs).toBeGreaterThanOrEqual(0);
      expect(Date.parse(saved.createdAt)).not.toBeNaN();
    });

    it('creates a segment from the JSON form and returns its text form', async () => {
      const rule = { kind: 'compare', path: 'traits.country', op: 'eq', value: 'UK' };
      const res = await inject('POST', '/v1/segments', ADMIN_KEY, { key: 'uk', description: 'In the UK', rule });
      expect(res.statusCode).toBe(201);
      const saved = parseBody(SavedSegmentResponseSchema, res);
      expect(saved).toMatchObject({ key: 'uk', name: 'uk', description: 'In the UK', rule, text: 'traits.country = "UK"', size: 2, backfill: { entered: 2 } });
    });

    it('refuses a taken key with 409 ERR_SEGMENT_EXISTS', async () => {
      const res = await inject('POST', '/v1/segments', ADMIN_KEY, { key: 'pro', text: 'traits.plan = "free"' });
      expect(res.statusCode).toBe(409);
      expect(parseBody(ErrorResponseSchema, res).error.code).toBe('ERR_SEGMENT_EXISTS');
    });

    it('answers 422 ERR_SEGMENT_RULE_INVALID with the field and the line and column of a text error', async () => {
      const res = await inject('POST', '/v1/segments', ADMIN_KEY, { key: 'broken', text: 'traits.plan = "pro"\n  and traits.country ==' });
      expect(res.statusCode).toBe(422);
      const { error } = parseBody(ErrorResponseSchema, res);
      expect(error.code).toBe('ERR_SEGMENT_RULE_INVALID');
      expect(error.details?.[0]).toMatchObject({ field: 'text', position: { line: 2, column: expect.any(Number) as number } });
      expect(String(error.details?.[0]?.['message'])).toMatch(/line 2, column \d+/);

      const badJson = await inject('POST', '/v1/segments', ADMIN_KEY, { key: 'broken', rule: { kind: 'compare', path: 'traits.plan', op: 'almost', value: 1 } });
      expect(badJson.statusCode).toBe(422);
      const jsonError = parseBody(ErrorResponseSchema, badJson).error;
      expect(jsonError.code).toBe('ERR_SEGMENT_RULE_INVALID');
      expect(String(jsonError.details?.[0]?.['field'])).toMatch(/^rule/);

      const both = await inject('POST', '/v1/segments', ADMIN_KEY, { key: 'broken', text: 'traits.a = 1', rule: { kind: 'in_segment', segment: 'pro' } });
      expect(both.statusCode).toBe(422);
      const neither = await inject('POST', '/v1/segments', ADMIN_KEY, { key: 'broken' });
      expect(neither.statusCode).toBe(422);
      expect((await inject('GET', '/v1/segments/broken', ADMIN_KEY)).statusCode).toBe(404);
    });

    it('answers 400 for an invalid key, a reserved key, or a body key that differs from the path', async () => {
      const invalid = await inject('POST', '/v1/segments', ADMIN_KEY, { key: 'Not A Key', text: 'traits.a = 1' });
      expect(invalid.statusCode).toBe(400);
      expect(parseBody(ErrorResponseSchema, invalid).error).toMatchObject({ code: 'ERR_VALIDATION', details: [{ field: 'key' }] });
      for (const key of ['overlap', 'changes', 'stream']) {
        const reserved = await inject('POST', '/v1/segments', ADMIN_KEY, { key, text: 'traits.a = 1' });
        expect(reserved.statusCode, key).toBe(400);
      }
      const mismatch = await inject('PUT', '/v1/segments/pro', ADMIN_KEY, { key: 'other', text: 'traits.a = 1' });
      expect(mismatch.statusCode).toBe(400);
      expect(parseBody(ErrorResponseSchema, mismatch).error.details?.[0]).toMatchObject({ field: 'key' });
    });

    it('lists, reads, replaces (200) and creates (201) through PUT', async () => {
      const list = parseBody(SegmentListResponseSchema, await inject('GET', '/v1/segments', readKey));
      expect(list.segments.map((s) => [s.key, s.size, s.text])).toEqual([
        ['pro', 2, 'traits.plan = "pro"'],
        ['uk', 2, 'traits.country = "UK"'],
      ]);
      const one = parseBody(SegmentResponseSchema, await inject('GET', '/v1/segments/uk', readKey));
      expect(one).toMatchObject({ key: 'uk', size: 2, version: 1 });

      const replaced = await inject('PUT', '/v1/segments/uk', ADMIN_KEY, { text: 'traits.country in ["UK", "FR"]' });
      expect(replaced.statusCode).toBe(200);
      expect(parseBody(SavedSegmentResponseSchema, replaced)).toMatchObject({ key: 'uk', description: 'In the UK', version: 2, size: 3, backfill: { entered: 1, exited: 0 } });
      const back = await inject('PUT', '/v1/segments/uk', ADMIN_KEY, { rule: { kind: 'compare', path: 'traits.country', op: 'eq', value: 'UK' } });
      expect(parseBody(SavedSegmentResponseSchema, back)).toMatchObject({ version: 3, size: 2, backfill: { exited: 1 } });

      const created = await inject('PUT', '/v1/segments/buyers', ADMIN_KEY, { name: 'Buyers', text: 'did "Order Completed"' });
      expect(created.statusCode).toBe(201);
      expect(parseBody(SavedSegmentResponseSchema, created)).toMatchObject({ key: 'buyers', size: 1, dependsOn: { events: ['Order Completed'] } });
    });

    it('deletes with 204, then 404; 409 ERR_SEGMENT_IN_USE while another segment reads it', async () => {
      const reader = await inject('POST', '/v1/segments', ADMIN_KEY, { key: 'pro-buyers', text: 'in_segment("pro") and in_segment("buyers")' });
      expect(reader.statusCode).toBe(201);
      const inUse = await inject('DELETE', '/v1/segments/buyers', ADMIN_KEY);
      expect(inUse.statusCode).toBe(409);
      expect(parseBody(ErrorResponseSchema, inUse).error).toMatchObject({ code: 'ERR_SEGMENT_IN_USE', details: [{ field: 'key' }] });
      expect((await inject('DELETE', '/v1/segments/pro-buyers', ADMIN_KEY)).statusCode).toBe(204);
      expect((await inject('DELETE', '/v1/segments/buyers', ADMIN_KEY)).statusCode).toBe(204);
      const gone = await inject('DELETE', '/v1/segments/buyers', ADMIN_KEY);
      expect(gone.statusCode).toBe(404);
      expect(parseBody(ErrorResponseSchema, gone).error.code).toBe('ERR_NOT_FOUND');
      expect((await inject('GET', '/v1/segments/buyers', ADMIN_KEY)).statusCode).toBe(404);
    });
  });

  describe('live membership', () => {
    it('enters a new profile within its ingest request; the profile lists the segment with reasons', async () => {
      await identify('u4', { plan: 'pro', country: 'UK' });
      const profile = parseBody(ProfileResponseSchema, await inject('GET', '/v1/profiles/u4', readKey));
      expect(profile.segments.map((s) => s.key).sort()).toEqual(['pro', 'uk']);
      const pro = profile.segments.find((s) => s.key === 'pro');
      expect(pro).toMatchObject({ key: 'pro', name: 'Pro users', kind: 'rule' });
      expect(Date.parse(pro?.enteredAt ?? '')).toBeGreaterThan(Date.now() - 60_000);
      expect(pro?.reasons.join(' ')).toContain('traits.plan');
      expect(parseBody(SegmentResponseSchema, await inject('GET', '/v1/segments/pro', readKey)).size).toBe(3);

      const free = parseBody(ProfileResponseSchema, await inject('GET', '/v1/profiles/u3', readKey));
      expect(free.segments.map((s) => s.key)).toEqual(['uk']);
    });

    it('counts the overlap of segments', async () => {
      // pro: u1 u2 u4; uk: u1 u3 u4
      const matrix = parseBody(OverlapResponseSchema, await inject('GET', '/v1/segments/overlap?keys=pro,uk', readKey));
      expect(matrix).toEqual({ keys: ['pro', 'uk'], sizes: [3, 3], counts: [[3, 2], [2, 3]] });
      const all = parseBody(OverlapResponseSchema, await inject('GET', '/v1/segments/overlap', readKey));
      expect(all.keys).toEqual(['pro', 'uk']);
      const unknown = await inject('GET', '/v1/segments/overlap?keys=pro,nope', readKey);
      expect(unknown.statusCode).toBe(404);
    });

    it('pages members as JSON', async () => {
      const first = parseBody(MembersResponseSchema, await inject('GET', '/v1/segments/pro/members?limit=2', readKey));
      expect(first.members).toHaveLength(2);
      expect(first.next).toBe(first.members[1]?.profileId);
      const second = parseBody(MembersResponseSchema, await inject('GET', `/v1/segments/pro/members?limit=2&after=${first.next ?? ''}`, readKey));
      expect(second.members).toHaveLength(1);
      expect(second.next).toBeNull();
      const ids = [...first.members, ...second.members].map((m) => m.profileId);
      expect(ids).toEqual([...ids].sort());
      expect(new Set(ids)).toEqual(new Set(await Promise.all(['u1', 'u2', 'u4'].map((u) => profileIdOf(u)))));
      expect(first.members[0]?.reasons.length).toBeGreaterThan(0);
      expect((await inject('GET', '/v1/segments/nope/members', readKey)).statusCode).toBe(404);
    });

    it('exports every member as CSV, quoted, as an attachment', async () => {
      const res = await inject('GET', '/v1/segments/pro/members?format=csv', readKey);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toBe('attachment; filename="segment-pro-members.csv"');
      expect(res.headers).toMatchObject(SECURITY_HEADERS);
      const rows = parseCsv(res.body);
      expect(rows[0]).toEqual(['profile_id', 'user_id', 'email', 'entered_at', 'reasons']);
      const page = parseBody(MembersResponseSchema, await inject('GET', '/v1/segments/pro/members?limit=1000', readKey));
      // For campaigns: the user id and the email trait when there is one.
      const contacts = new Map(rows.slice(1).map((r) => [r[0], [r[1], r[2]]]));
      expect([...contacts.values()].sort()).toEqual([['u1', 'u1@example.com'], ['u2', ''], ['u4', '']]);
      expect(rows.slice(1).map((r) => [r[0], r[3], r[4]])).toEqual(page.members.map((m) => [m.profileId, m.enteredAt, m.reasons.join('; ')]));
      // Reasons quote the value ("pro"), so the field is quoted with its quotes doubled.
      expect(res.body).toContain('""pro""');
      expect(res.body.endsWith('\r\n')).toBe(true);
    });

    it('exports every member as NDJSON', async () => {
      const res = await inject('GET', '/v1/segments/uk/members?format=ndjson', readKey);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
      expect(res.headers['content-disposition']).toBe('attachment; filename="segment-uk-members.ndjson"');
      const lines = res.body.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
      const page = parseBody(MembersResponseSchema, await inject('GET', '/v1/segments/uk/members?limit=1000', readKey));
      expect(lines.map(({ user_id: _u, email: _e, ...rest }) => rest)).toEqual(page.members.map((m) => ({ profile_id: m.profileId, entered_at: m.enteredAt, reasons: m.reasons })));
      expect(lines.every((l) => typeof l['user_id'] === 'string' && 'email' in l)).toBe(true);
      expect(lines).toHaveLength(3);
      expect((await inject('GET', '/v1/segments/nope/members?format=csv', readKey)).statusCode).toBe(404);
    });

    it('streams an export larger than one storage page (chunks of 1000) completely and in order', async () => {
      const { keys } = await t.app.createWorkspace({ slug: 'bulk', name: 'bulk' });
      const admin = keys.find((k) => k.record.scope === 'admin')?.secret ?? '';
      const users = 2_345;
      for (let from = 0; from < users; from += 1_000) {
        const batch = Array.from({ length: Math.min(1_000, users - from) }, (_, i) => ({
          type: 'identify',
          userId: `b${from + i}`,
          traits: { bulk: true, note: 'a "quoted", comma' },
          messageId: `bulk-${from + i}`,
        }));
        expect(bodyOf(await inject('POST', '/v1/batch', admin, { batch }))).toMatchObject({ accepted: batch.length });
      }
      const saved = parseBody(SavedSegmentResponseSchema, await inject('POST', '/v1/segments', admin, { key: 'bulk', text: 'traits.bulk = true and traits.note contains ","' }));
      expect(saved.size).toBe(users);

      const csv = await inject('GET', '/v1/segments/bulk/members?format=csv', admin);
      const rows = parseCsv(csv.body);
      expect(rows).toHaveLength(users + 1);
      const ids = rows.slice(1).map((r) => r[0] ?? '');
      expect(ids).toEqual([...ids].sort());
      expect(new Set(ids).size).toBe(users);
      expect(rows.every((r) => r.length === 5)).toBe(true);
      expect(rows[1]?.[4]).toContain('; ');

      const ndjson = await inject('GET', `/v1/segments/bulk/members?format=ndjson&after=${ids[999] ?? ''}`, admin);
      const lines = ndjson.body.trimEnd().split('\n').map((line) => JSON.parse(line) as { profile_id: string; reasons: string[] });
      expect(lines.map((l) => l.profile_id)).toEqual(ids.slice(1_000));
      expect(lines[0]?.reasons).toHaveLength(2);
    });

    it('shows the size over time', async () => {
      const history = parseBody(HistoryResponseSchema, await inject('GET', '/v1/segments/uk/history', readKey));
      const today = new Date().toISOString().slice(0, 10);
      expect(history.key).toBe('uk');
      expect(history.points.at(-1)).toMatchObject({ date: today, size: 3 });
      // entered u1 u3, then u2 (v2), u2 left (v3), u4 entered
      const total = history.points.reduce((acc, p) => ({ enters: acc.enters + p.enters, exits: acc.exits + p.exits }), { enters: 0, exits: 0 });
      expect(total).toEqual({ enters: 4, exits: 1 });
      expect((await inject('GET', '/v1/segments/nope/history', readKey)).statusCode).toBe(404);
    });

    it('pages the membership history with seqs and ISO times, filtered by segment and profile', async () => {
      const all = parseBody(ChangesResponseSchema, await inject('GET', '/v1/segments/changes?limit=1000', readKey));
      expect(all.next).toBeNull();
      expect(all.changes.length).toBeGreaterThanOrEqual(8);
      const seqs = all.changes.map((c) => c.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(new Set(seqs).size).toBe(seqs.length);
      expect(Date.parse(all.changes[0]?.at ?? '')).not.toBeNaN();

      const paged: MembershipChangeResponse[] = [];
      let after = 0;
      for (let i = 0; i < 100; i++) {
        const page = parseBody(ChangesResponseSchema, await inject('GET', `/v1/segments/changes?limit=3&after=${after}`, readKey));
        paged.push(...page.changes);
        if (page.next === null) break;
        expect(page.changes).toHaveLength(3);
        after = page.next;
      }
      expect(paged).toEqual(all.changes);

      const uk = parseBody(ChangesResponseSchema, await inject('GET', '/v1/segments/changes?segment=uk', readKey));
      expect(uk.changes.map((c) => `${c.kind}:${c.segment}`)).toEqual(['enter:uk', 'enter:uk', 'enter:uk', 'exit:uk', 'enter:uk']);
      const u2 = await profileIdOf('u2');
      const ofU2 = parseBody(ChangesResponseSchema, await inject('GET', `/v1/segments/changes?profileId=${u2}&segment=uk,pro`, readKey));
      expect(ofU2.changes.map((c) => `${c.kind}:${c.segment}`)).toEqual(['enter:pro', 'enter:uk', 'exit:uk']);
      expect(ofU2.changes.every((c) => c.profileId === u2)).toBe(true);
    });
  });

  describe('preview', () => {
    it('estimates a draft exactly on a small workspace, equal to the saved segment size', async () => {
      const { keys } = await t.app.createWorkspace({ slug: 'preview', name: 'preview' });
      const admin = keys.find((k) => k.record.scope === 'admin')?.secret ?? '';
      const batch = Array.from({ length: 40 }, (_, i) => ({
        type: 'identify',
        userId: `p${i}`,
        traits: { score: i, tier: i % 3 === 0 ? 'gold' : 'silver' },
        messageId: `pv-${i}`,
      }));
      expect(bodyOf(await inject('POST', '/v1/batch', admin, { batch }))).toMatchObject({ accepted: 40 });

      const draft = 'traits.tier = "gold" and traits.score >= 10';
      const res = await inject('POST', '/v1/segments/preview', admin, { text: draft });
      expect(res.statusCode).toBe(200);
      const preview = parseBody(SegmentPreviewResponseSchema, res);
      expect(preview).toMatchObject({ population: 40, sampleSize: 40, exact: true, text: draft });
      expect(preview.low).toBe(preview.estimatedSize);
      expect(preview.high).toBe(preview.estimatedSize);
      expect(preview.examples.length).toBeGreaterThan(0);
      expect(preview.examples[0]?.reasons.length).toBe(2);

      const saved = parseBody(SavedSegmentResponseSchema, await inject('POST', '/v1/segments', admin, { key: 'gold10', text: draft }));
      expect(preview.estimatedSize).toBe(saved.size);
      // 12, 15, ..., 39: 10 profiles
      expect(saved.size).toBe(10);
      // The JSON form previews the same.
      const asJson = parseBody(SegmentPreviewResponseSchema, await inject('POST', '/v1/segments/preview', admin, { rule: saved.rule }));
      expect(asJson.estimatedSize).toBe(10);
    });

    it('answers an invalid draft with 422 and its position', async () => {
      const res = await inject('POST', '/v1/segments/preview', readKey, { text: 'traits.plan = "pro" and' });
      expect(res.statusCode).toBe(422);
      const { error } = parseBody(ErrorResponseSchema, res);
      expect(error.code).toBe('ERR_SEGMENT_RULE_INVALID');
      expect(error.details?.[0]).toMatchObject({ field: 'text', position: { line: 1 } });
    });
  });

  describe('scopes and workspaces', () => {
    it('lets a read key read and preview but not write; a write key cannot manage segments', async () => {
      expect((await inject('GET', '/v1/segments', readKey)).statusCode).toBe(200);
      expect((await inject('POST', '/v1/segments/preview', readKey, { text: 'traits.plan = "pro"' })).statusCode).toBe(200);
      for (const key of [readKey, WRITE_KEY]) {
        const create = await inject('POST', '/v1/segments', key, { key: 'sneaky', text: 'traits.plan = "pro"' });
        expect(create.statusCode).toBe(403);
        expect(parseBody(ErrorResponseSchema, create).error.code).toBe('ERR_AUTH_SCOPE');
        expect((await inject('PUT', '/v1/segments/pro', key, { text: 'traits.plan = "x"' })).statusCode).toBe(403);
        expect((await inject('DELETE', '/v1/segments/pro', key)).statusCode).toBe(403);
      }
      expect((await inject('GET', '/v1/segments', WRITE_KEY)).statusCode).toBe(403);
      expect((await t.fastify.inject({ method: 'GET', url: '/v1/segments' })).statusCode).toBe(401);
      expect((await t.fastify.inject({ method: 'GET', url: '/v1/segments/stream' })).statusCode).toBe(401);
    });

    it('keeps segments apart: another workspace gets 404 for this one\'s segment', async () => {
      const { keys } = await t.app.createWorkspace({ slug: 'other', name: 'other' });
      const other = keys.find((k) => k.record.scope === 'admin')?.secret ?? '';
      for (const url of ['/v1/segments/pro', '/v1/segments/pro/members', '/v1/segments/pro/members?format=csv', '/v1/segments/pro/history', '/v1/segments/overlap?keys=pro', '/v1/segments/stream?segment=pro']) {
        expect((await inject('GET', url, other)).statusCode, url).toBe(404);
      }
      expect((await inject('DELETE', '/v1/segments/pro', other)).statusCode).toBe(404);
      expect(parseBody(SegmentListResponseSchema, await inject('GET', '/v1/segments', other)).segments).toEqual([]);
      expect(parseBody(ChangesResponseSchema, await inject('GET', '/v1/segments/changes', other)).changes).toEqual([]);
      // Its own segment of the same key is its own.
      await inject('POST', '/v1/identify', other, { userId: 'x1', traits: { plan: 'pro' } });
      expect(parseBody(SavedSegmentResponseSchema, await inject('POST', '/v1/segments', other, { key: 'pro', text: 'traits.plan = "pro"' })).size).toBe(1);
      expect(parseBody(SegmentResponseSchema, await inject('GET', '/v1/segments/pro', ADMIN_KEY)).size).toBe(3);
    });
  });

  describe('server-sent events', () => {
    let baseUrl = '';
    beforeAll(async () => {
      await t.fastify.listen({ host: '127.0.0.1', port: 0 });
      baseUrl = `http://127.0.0.1:${(t.fastify.server.address() as AddressInfo).port}`;
    });

    const dataOf = (e: SseEvent) => JSON.parse(e.data) as MembershipChangeResponse;

    it('streams an enter event after an ingest, and replays missed ones after Last-Event-ID', async () => {
      const first = await openSse(baseUrl, '/v1/segments/stream?segment=pro', bearer(readKey));
      expect(first.status).toBe(200);
      expect(first.headers['content-type']).toBe('text/event-stream; charset=utf-8');
      expect(first.headers).toMatchObject(SECURITY_HEADERS);
      expect(typeof first.headers['x-request-id']).toBe('string');

      await identify('s1', { plan: 'pro' });
      await identify('s1-uk', { country: 'UK' }); // another segment: filtered out
      const [entered] = await first.waitForEvents(1);
      const s1 = await profileIdOf('s1');
      expect(entered?.event).toBe('enter');
      const change = dataOf(entered as SseEvent);
      expect(change).toMatchObject({ segment: 'pro', profileId: s1, kind: 'enter' });
      expect(entered?.id).toBe(String(change.seq));
      expect(Date.parse(change.at)).not.toBeNaN();
      first.close();
      await first.ended;

      // Missed while disconnected: s2 enters, s1 exits.
      await identify('s2', { plan: 'pro' });
      await identify('s1', { plan: 'free' });

      const resumed = await openSse(baseUrl, '/v1/segments/stream?segment=pro', { ...bearer(readKey), 'last-event-id': String(entered?.id) });
      const replayed = await resumed.waitForEvents(2);
      const s2 = await profileIdOf('s2');
      expect(replayed.map((e) => [e.event, dataOf(e).profileId])).toEqual([
        ['enter', s2],
        ['exit', s1],
      ]);
      // Then live, without repeats.
      await identify('s3', { plan: 'pro' });
      const all = await resumed.waitForEvents(3);
      expect(dataOf(all[2] as SseEvent)).toMatchObject({ kind: 'enter', profileId: await profileIdOf('s3') });
      const ids = all.map((e) => Number(e.id));
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect(ids[0]).toBeGreaterThan(Number(entered?.id));
      expect(new Set(ids).size).toBe(ids.length);
      resumed.close();

      // ?after= resumes the same way (here: from the start of the history, every segment).
      const fromStart = await openSse(baseUrl, '/v1/segments/stream?after=0', bearer(readKey));
      const history = parseBody(ChangesResponseSchema, await inject('GET', '/v1/segments/changes?limit=1000', readKey));
      const events = await fromStart.waitForEvents(history.changes.length);
      expect(events.map((e) => Number(e.id))).toEqual(history.changes.map((c) => c.seq));
      fromStart.close();
    });

    it('answers 400 for a Last-Event-ID that is not a seq, and 404 for an unknown segment', async () => {
      const bad = await openSse(baseUrl, '/v1/segments/stream', { ...bearer(readKey), 'last-event-id': 'abc' });
      expect(bad.status).toBe(400);
      await bad.ended;
      const unknown = await openSse(baseUrl, '/v1/segments/stream?segment=nope', bearer(readKey));
      expect(unknown.status).toBe(404);
      await unknown.ended;
    });

    it('ends open streams when the server closes', async () => {
      const own = await startTestApp();
      try {
        await own.fastify.listen({ host: '127.0.0.1', port: 0 });
        const url = `http://127.0.0.1:${(own.fastify.server.address() as AddressInfo).port}`;
        const client = await openSse(url, '/v1/segments/stream', bearer(ADMIN_KEY));
        expect(client.status).toBe(200);
        const closing = own.fastify.close();
        await client.ended;
        await closing;
      } finally {
        await own.close();
      }
    });
  });
});
