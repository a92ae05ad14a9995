import { describe, expect, it } from 'vitest';
import { parseComputedTraitDefinition } from './computed-trait.js';

function errorsOf(raw: unknown): Record<string, string> {
  const result = parseComputedTraitDefinition(raw);
  if (result.ok) throw new Error('expected errors');
  return Object.fromEntries(result.error.map((e) => [e.field, e.message]));
}

describe('parseComputedTraitDefinition', () => {
  it('accepts a full definition and fills defaults for where and windowDays', () => {
    const result = parseComputedTraitDefinition({
      name: 'eur_revenue_30d',
      event: 'Order Completed',
      where: [{ property: 'currency', op: 'eq', value: 'EUR' }],
      aggregate: 'sum',
      property: 'revenue',
      windowDays: 30,
      description: 'Revenue in euros over 30 days',
    });
    expect(result).toEqual({
      ok: true,
      value: {
        name: 'eur_revenue_30d',
        event: 'Order Completed',
        where: [{ property: 'currency', op: 'eq', value: 'EUR' }],
        aggregate: 'sum',
        property: 'revenue',
        windowDays: 30,
        description: 'Revenue in euros over 30 days',
      },
    });
    expect(parseComputedTraitDefinition({ name: 'all_events', event: '*', aggregate: 'count' })).toEqual({
      ok: true,
      value: { name: 'all_events', event: '*', where: [], aggregate: 'count', property: null, windowDays: null },
    });
  });

  it('rejects a non-object', () => {
    expect(parseComputedTraitDefinition('x')).toEqual({
      ok: false,
      error: [{ field: '', message: 'a computed trait definition must be a JSON object' }],
    });
    expect(parseComputedTraitDefinition([]).ok).toBe(false);
    expect(parseComputedTraitDefinition(null).ok).toBe(false);
  });

  it('reports every invalid field at once, by path', () => {
    const errors = errorsOf({
      name: 'Bad Name',
      event: '',
      where: [{ property: 'a..b', op: 'like', value: 1 }, { property: 'x', op: 'in', value: 3 }, 'nope'],
      aggregate: 'median',
      windowDays: 0,
      description: 5,
      window_days: 7,
    });
    expect(Object.keys(errors).sort()).toEqual(
      ['aggregate', 'description', 'event', 'name', 'where[0].op', 'where[0].property', 'where[1].value', 'where[2]', 'windowDays', 'window_days'].sort(),
    );
    expect(errors['name']).toMatch(/snake_case/);
    expect(errors['window_days']).toMatch(/unknown field/);
    expect(errors['where[1].value']).toMatch(/non-empty array/);
    expect(errors['windowDays']).toMatch(/1 to 3650/);
  });

  it('requires a property for every aggregate but count', () => {
    for (const aggregate of ['sum', 'avg', 'min', 'max', 'first', 'last', 'distinct_count']) {
      expect(errorsOf({ name: 'x', event: 'E', aggregate })['property']).toMatch(new RegExp(`required for aggregate "${aggregate}"`));
    }
    expect(parseComputedTraitDefinition({ name: 'x', event: 'E', aggregate: 'count', property: 'sku' }).ok).toBe(true);
  });

  it('checks values per operator', () => {
    const where = (condition: unknown) => errorsOf({ name: 'x', event: 'E', aggregate: 'count', where: [condition] });
    expect(where({ property: 'a', op: 'eq' })['where[0].value']).toMatch(/required/);
    expect(where({ property: 'a', op: 'gt', value: true })['where[0].value']).toMatch(/number or a string/);
    expect(where({ property: 'a', op: 'contains', value: { x: 1 } })['where[0].value']).toMatch(/string, number or boolean/);
    expect(where({ property: 'a', op: 'exists', value: 'yes' })['where[0].value']).toMatch(/true or false/);
    expect(where({ property: 'a', op: 'eq', value: 1, extra: 1 })['where[0].extra']).toMatch(/unknown field/);
    expect(where({ property: '__proto__.x', op: 'exists' })['where[0].property']).toMatch(/__proto__/);
    expect(
      parseComputedTraitDefinition({ name: 'x', event: 'E', aggregate: 'count', where: [{ property: 'a', op: 'exists' }] }),
    ).toMatchObject({ ok: true, value: { where: [{ property: 'a', op: 'exists' }] } });
  });

  it('rejects fractional and oversized windows and overlong names', () => {
    expect(errorsOf({ name: 'x', event: 'E', aggregate: 'count', windowDays: 1.5 })['windowDays']).toBeDefined();
    expect(errorsOf({ name: 'x', event: 'E', aggregate: 'count', windowDays: 5000 })['windowDays']).toBeDefined();
    expect(errorsOf({ name: `a${'b'.repeat(64)}`, event: 'E', aggregate: 'count' })['name']).toMatch(/at most 64/);
  });
});
