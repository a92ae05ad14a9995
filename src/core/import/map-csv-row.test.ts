import { describe, expect, it } from 'vitest';
import { compileCsvMapping, mapCsvRow, type CompiledCsvMapping } from './map-csv-row.js';

const HEADER = ['order', 'customer', 'when', 'total', 'paid', 'tags'];

function compile(mapping: unknown, header: readonly string[] = HEADER): CompiledCsvMapping {
  const compiled = compileCsvMapping(mapping, header);
  if (!compiled.ok) throw new Error(compiled.error.join('; '));
  return compiled.value;
}

const ORDER_MAPPING = {
  userId: 'customer',
  event: { constant: 'Order Completed' },
  timestamp: { column: 'when', format: 'naive-utc' },
  messageId: 'order',
  properties: {
    order_id: 'order',
    revenue: { column: 'total', type: 'number' },
    paid: { column: 'paid', type: 'boolean' },
    tags: { column: 'tags', type: 'json' },
  },
};

describe('compileCsvMapping', () => {
  it('lists every problem: schema issues and unknown columns', () => {
    const result = compileCsvMapping({ type: 'track', properties: { x: 'nope' }, extra: 1 }, HEADER);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.join('\n')).toMatch(/extra|Unrecognized/);
    const columns = compileCsvMapping({ userId: 'who', event: { column: 'what' }, properties: { x: 'nope' } }, HEADER);
    expect(columns).toEqual({
      ok: false,
      error: [
        'mapping userId: column "who" is not in the CSV header',
        'mapping event: column "what" is not in the CSV header',
        'mapping properties.x: column "nope" is not in the CSV header',
      ],
    });
  });

  it('requires an identity column and, for track, an event name', () => {
    const result = compileCsvMapping({ type: 'track' }, HEADER);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toEqual([
      'mapping userId: map at least one of userId and anonymousId',
      'mapping event: a track mapping needs "event": {"column"} or {"constant"}',
    ]);
  });
});

describe('mapCsvRow', () => {
  it('maps a row to a track event with typed properties', () => {
    const mapping = compile(ORDER_MAPPING);
    expect(mapCsvRow(mapping, ['o-1', ' c-7 ', '2011-01-02 10:00', '12.50', 'yes', '["a"]'])).toEqual({
      ok: true,
      value: {
        type: 'track',
        userId: 'c-7',
        event: 'Order Completed',
        timestamp: '2011-01-02T10:00:00.000Z',
        messageId: 'o-1',
        properties: { order_id: 'o-1', revenue: 12.5, paid: true, tags: ['a'] },
      },
    });
  });

  it('omits empty cells', () => {
    const mapping = compile(ORDER_MAPPING);
    const result = mapCsvRow(mapping, ['o-2', 'c-7', '', '', '', '']);
    expect(result).toEqual({ ok: true, value: { type: 'track', userId: 'c-7', event: 'Order Completed', messageId: 'o-2', properties: { order_id: 'o-2' } } });
  });

  it('names the column of a bad cell without echoing its value', () => {
    const mapping = compile(ORDER_MAPPING);
    expect(mapCsvRow(mapping, ['o-3', 'c-7', '', 'twelve', '', ''])).toEqual({ ok: false, error: { reason: 'column "total": not a number', column: 'total' } });
    expect(mapCsvRow(mapping, ['o-3', 'c-7', 'soon', '', '', ''])).toEqual({ ok: false, error: { reason: 'column "when": not a naive-utc timestamp', column: 'when' } });
    expect(mapCsvRow(mapping, ['o-3', 'c-7'])).toEqual({ ok: false, error: { reason: 'row has 2 fields, header has 6', column: null } });
  });

  it('derives a deterministic messageId from the row content when none is mapped', () => {
    const mapping = compile({ anonymousId: 'customer', type: 'identify', traits: { total: { column: 'total', type: 'integer' } }, messageIdPrefix: 'shop' });
    const row = ['o-1', 'a-1', '', '3', '', ''];
    const first = mapCsvRow(mapping, row);
    const again = mapCsvRow(mapping, [...row]);
    const other = mapCsvRow(mapping, ['o-2', 'a-1', '', '3', '', '']);
    expect(first.ok && again.ok && other.ok).toBe(true);
    if (!first.ok || !again.ok || !other.ok) return;
    expect(first.value['messageId']).toMatch(/^shop-[0-9a-f]{16}$/);
    expect(again.value['messageId']).toBe(first.value['messageId']);
    expect(other.value['messageId']).not.toBe(first.value['messageId']);
    expect(first.value['traits']).toEqual({ total: 3 });
  });

  it('takes the event name from a column and refuses an empty one', () => {
    const mapping = compile({ userId: 'customer', event: { column: 'order' }, timestamp: { column: 'when', format: 'epoch-s' } });
    const result = mapCsvRow(mapping, ['Signed Up', 'u', '1300000000', '', '', '']);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const { messageId, ...rest } = result.value;
    expect(rest).toEqual({ type: 'track', userId: 'u', event: 'Signed Up', timestamp: '2011-03-13T07:06:40.000Z' });
    expect(messageId).toMatch(/^csv-[0-9a-f]{16}$/);
    expect(mapCsvRow(mapping, ['', 'u', '', '', '', ''])).toEqual({ ok: false, error: { reason: 'empty event name', column: 'order' } });
  });
});
