import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../../src/core/events/event.js';
import { EVENT_REJECT_CODES } from '../../src/core/events/event-rejection.js';
import { normalizeEvent, type NormalizeContext } from '../../src/core/events/normalize-event.js';

/**
 * Language-neutral cases for normalizeEvent. In `context` and in expected `*Ms` fields an ISO string
 * may stand for epoch milliseconds, so the cases stay readable. Expected events are partial: only the
 * fields listed are compared, each with deep equality.
 */
interface GoldenCase {
  readonly name: string;
  readonly why?: string;
  readonly raw: unknown;
  readonly context?: Record<string, unknown>;
  readonly expected:
    | { readonly ok: true; readonly event: Record<string, unknown> }
    | { readonly ok: false; readonly code: string; readonly field: string | null; readonly messageIncludes?: string };
}

const cases = JSON.parse(readFileSync(new URL('./events.cases.json', import.meta.url), 'utf8')) as GoldenCase[];

const DEFAULT_CONTEXT: NormalizeContext = {
  receivedAtMs: Date.parse('2026-01-15T12:00:00.000Z'),
  impliedType: null,
  batchSentAt: undefined,
  maxEventBytes: 32 * 1024,
  ip: 'reduce',
};

function toMs(value: unknown): unknown {
  return typeof value === 'string' ? Date.parse(value) : value;
}

function contextOf(c: GoldenCase): NormalizeContext {
  const given = c.context ?? {};
  return {
    ...DEFAULT_CONTEXT,
    ...given,
    receivedAtMs: 'receivedAtMs' in given ? (toMs(given['receivedAtMs']) as number) : DEFAULT_CONTEXT.receivedAtMs,
  } as NormalizeContext;
}

describe('events golden cases', () => {
  it('has enough uniquely named cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  it('covers every rejection code and accepts every event type', () => {
    const codes = new Set(cases.flatMap((c) => (c.expected.ok ? [] : [c.expected.code])));
    expect([...codes].sort()).toEqual([...EVENT_REJECT_CODES].sort());
    const types = new Set(cases.flatMap((c) => (c.expected.ok ? [c.expected.event['type']] : [])));
    for (const type of EVENT_TYPES) expect(types).toContain(type);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const result = normalizeEvent(c.raw, contextOf(c));
    const expected = c.expected;
    if (expected.ok) {
      if (!result.ok) expect.fail(`expected ok, got ${JSON.stringify(result.error)}`);
      const event = result.value as unknown as Record<string, unknown>;
      for (const [key, want] of Object.entries(expected.event)) {
        expect(key in event, `unknown field ${key}`).toBe(true);
        expect(event[key], key).toEqual(key.endsWith('Ms') ? toMs(want) : want);
      }
    } else {
      if (result.ok) expect.fail(`expected ${expected.code}, got ok: ${JSON.stringify(result.value)}`);
      expect(result.error.code).toBe(expected.code);
      expect(result.error.field).toBe(expected.field);
      expect(result.error.message.length).toBeGreaterThan(10);
      if (expected.messageIncludes !== undefined) expect(result.error.message).toContain(expected.messageIncludes);
    }
  });
});
