import { describe, expect, it } from 'vitest';
import type { NormalizedEvent } from './event.js';
import type { EventRejection } from './event-rejection.js';
import { DEFAULT_MAX_EVENT_BYTES, normalizeEvent, type NormalizeContext } from './normalize-event.js';

const RECEIVED_MS = Date.parse('2026-01-15T12:00:00.000Z');
const ctx: NormalizeContext = { receivedAtMs: RECEIVED_MS, impliedType: null, batchSentAt: undefined, maxEventBytes: DEFAULT_MAX_EVENT_BYTES, ip: 'reduce' };

function accept(raw: unknown, over: Partial<NormalizeContext> = {}): NormalizedEvent {
  const result = normalizeEvent(raw, { ...ctx, ...over });
  if (!result.ok) throw new Error(`rejected: ${JSON.stringify(result.error)}`);
  return result.value;
}

function refuse(raw: unknown, over: Partial<NormalizeContext> = {}): EventRejection {
  const result = normalizeEvent(raw, { ...ctx, ...over });
  if (result.ok) throw new Error(`accepted: ${JSON.stringify(result.value)}`);
  return result.error;
}

describe('normalizeEvent', () => {
  it('returns exactly the NormalizedEvent fields: SDK envelope fields (_metadata, writeKey, integrations, channel) are not kept', () => {
    const event = accept({
      type: 'track', event: 'E', userId: 'u1', messageId: 'm1', writeKey: 'k', integrations: { All: false }, channel: 'server',
      _metadata: { nodeVersion: '20' }, properties: { a: 1 },
    });
    expect(Object.keys(event).sort()).toEqual(
      ['anonymousId', 'context', 'event', 'groupId', 'messageId', 'name', 'originalTimestampMs', 'previousId', 'properties', 'receivedAtMs', 'sentAtMs', 'timestampMs', 'traits', 'type', 'userId'].sort(),
    );
    expect(JSON.stringify(event)).not.toMatch(/writeKey|_metadata|integrations/);
  });

  it('describes a wrong id type in words a person understands', () => {
    expect(refuse({ type: 'identify', userId: { id: 1 } })).toEqual({
      code: 'ERR_EVENT_FIELD_INVALID',
      field: 'userId',
      message: '"userId" must be a string or number, got object',
    });
  });

  it('never mutates the raw event when it reduces the ip or folds context.traits', () => {
    const raw = { type: 'track', event: 'E', userId: 'u1', context: { ip: '203.0.113.77', traits: { plan: 'pro' } } };
    const before = JSON.stringify(raw);
    const event = accept(raw);
    expect(event.context).toEqual({ ip: '203.0.113.0' });
    expect(JSON.stringify(raw)).toBe(before);
  });

  describe('derived messageId', () => {
    const original = { type: 'track', userId: 'u1', event: 'Clicked', properties: { b: 2, a: { y: 1, x: 2 } }, originalTimestamp: '2026-01-15T11:00:00.000Z' };

    it('is stable across a retry with another sentAt, receive time, key order and envelope', () => {
      const first = accept({ ...original, sentAt: '2026-01-15T11:00:01.000Z' });
      const retry = accept(
        { properties: { a: { x: 2, y: 1 }, b: 2 }, originalTimestamp: '2026-01-15T11:00:00.000Z', event: 'Clicked', userId: 'u1', type: 'track', sentAt: '2026-01-15T11:05:00.000Z', _metadata: { n: 1 } },
        { receivedAtMs: RECEIVED_MS + 300_000 },
      );
      expect(first.messageId).toMatch(/^gen-[0-9a-f]{16}$/);
      expect(retry.messageId).toBe(first.messageId);
      expect(retry.timestampMs).not.toBe(first.timestampMs); // the retry is a different delivery, same event
    });

    it.each([
      ['another user', { userId: 'u2' }],
      ['another name', { event: 'Tapped' }],
      ['another time', { originalTimestamp: '2026-01-15T11:00:00.001Z' }],
      ['other properties', { properties: { b: 3 } }],
      ['traits', { traits: { plan: 'pro' } }],
      ['an anonymousId', { anonymousId: 'a1' }],
    ])('differs for %s', (_what, change) => {
      expect(accept({ ...original, ...change }).messageId).not.toBe(accept(original).messageId);
    });

    it('tells apart aliases of different previous ids and group calls for different groups', () => {
      const alias = (previousId: string): string => accept({ type: 'alias', userId: 'u1', previousId }).messageId;
      expect(alias('a')).not.toBe(alias('b'));
      const group = (groupId: string): string => accept({ type: 'group', userId: 'u1', groupId }).messageId;
      expect(group('g1')).not.toBe(group('g2'));
    });

    it('treats an empty or null messageId as absent', () => {
      expect(accept({ ...original, messageId: '' }).messageId).toBe(accept(original).messageId);
      expect(accept({ ...original, messageId: null }).messageId).toBe(accept(original).messageId);
    });
  });

  describe('size', () => {
    const raw = { type: 'track', userId: 'u1', event: 'E', properties: { note: 'é😀€'.repeat(30) } };
    const exact = new TextEncoder().encode(JSON.stringify(raw)).length;

    it('counts UTF-8 bytes of the JSON exactly at the boundary', () => {
      expect(accept(raw, { maxEventBytes: exact }).properties).toEqual(raw.properties);
      const error = refuse(raw, { maxEventBytes: exact - 1 });
      expect(error.code).toBe('ERR_EVENT_TOO_LARGE');
      expect(error.field).toBeNull();
      expect(error.message).toContain(String(exact));
      expect(error.message).toContain(String(exact - 1));
    });

    it('refuses values JSON cannot represent instead of throwing', () => {
      expect(refuse({ type: 'identify', userId: 'u1', traits: { n: 1n } }).code).toBe('ERR_EVENT_NOT_OBJECT');
      const cyclic: Record<string, unknown> = { type: 'identify', userId: 'u1' };
      cyclic['self'] = cyclic;
      expect(refuse(cyclic).code).toBe('ERR_EVENT_NOT_OBJECT');
    });
  });

  it('refuses objects that are not plain JSON objects', () => {
    expect(refuse(new Date(RECEIVED_MS)).code).toBe('ERR_EVENT_NOT_OBJECT');
    expect(refuse(new Map()).code).toBe('ERR_EVENT_NOT_OBJECT');
    expect(accept(Object.assign(Object.create(null) as object, { type: 'identify', userId: 'u1' })).userId).toBe('u1');
  });

  it('rejects a timestamp far beyond any Date without throwing', () => {
    expect(refuse({ type: 'identify', userId: 'u1', timestamp: 1e300 })).toMatchObject({ code: 'ERR_EVENT_TIMESTAMP_INVALID', field: 'timestamp' });
  });

  it('says why a future event time is refused', () => {
    const error = refuse({ type: 'identify', userId: 'u1', timestamp: '2026-01-20T00:00:00.000Z' });
    expect(error.message).toBe(
      '"timestamp" is 2026-01-20T00:00:00.000Z, more than 1 day after the event was received (2026-01-15T12:00:00.000Z); check the sender\'s clock',
    );
  });
});
