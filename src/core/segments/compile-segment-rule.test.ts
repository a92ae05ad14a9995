import { describe, expect, it } from 'vitest';
import { compileSegmentRule, DEFAULT_RULE_SCHEMA } from './compile-segment-rule.js';
import type { RuleSchema } from './rule-schema.js';

function errorsOf(rule: unknown, schema: RuleSchema = DEFAULT_RULE_SCHEMA) {
  const compiled = compileSegmentRule(rule, schema);
  if (compiled.ok) throw new Error(`expected errors for ${JSON.stringify(rule)}`);
  return compiled.error;
}

function compiled(rule: unknown, schema: RuleSchema = DEFAULT_RULE_SCHEMA) {
  const result = compileSegmentRule(rule, schema);
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.value;
}

describe('compileSegmentRule', () => {
  it('reports every problem with the JSON path of the field at fault', () => {
    expect(
      errorsOf({
        kind: 'and',
        children: [
          { kind: 'compare', path: 'features.frequency', op: 'gte', value: 'three' },
          { kind: 'compare', path: 'traits.country', op: 'in', value: [] },
          { kind: 'bogus' },
          { kind: 'did', event: '', count: { op: 'gt', value: 1.5 } },
        ],
      }),
    ).toEqual([
      { path: 'children[0].value', message: 'for "gte", value must be a number' },
      { path: 'children[1].value', message: 'for "in", value must be a non-empty array' },
      { path: 'children[2].kind', message: 'unknown kind "bogus"; expected one of and, or, not, compare, geo_within, in_segment, did, did_not, sequence' },
      { path: 'children[3].event', message: 'required: an event name such as "Order Completed"' },
      { path: 'children[3].count.op', message: 'must be one of gte, lte, eq' },
    ]);
  });

  it('refuses non-objects, unknown fields and missing fields', () => {
    expect(errorsOf('features.frequency > 1')).toEqual([{ path: '', message: 'a condition must be a JSON object with a "kind"' }]);
    expect(errorsOf({ kind: 'not', child: { kind: 'in_segment', segment: 'vip', extra: 1 } })).toEqual([
      { path: 'child.extra', message: 'unknown field; expected kind, segment' },
    ]);
    expect(errorsOf({ kind: 'or' })).toEqual([{ path: 'children', message: 'required: a non-empty array of conditions' }]);
    expect(errorsOf({ kind: 'compare', path: 'traits.x', op: 'like', value: 1 })[0]?.path).toBe('op');
    expect(errorsOf({ kind: 'compare', path: 'traits.x', op: 'exists', value: 1 })).toEqual([{ path: 'value', message: '"exists" takes no value' }]);
  });

  it('type-checks feature paths against the schema', () => {
    expect(errorsOf({ kind: 'compare', path: 'features.frequncy', op: 'gt', value: 1 })[0]?.message).toMatch(/^unknown feature "frequncy"/);
    expect(errorsOf({ kind: 'compare', path: 'features.buyingStage.stage', op: 'gt', value: 1 })).toEqual([
      { path: 'value', message: 'for "gt", value must be a string' },
    ]);
    expect(errorsOf({ kind: 'compare', path: 'features.frequency', op: 'contains', value: '1' })).toEqual([
      { path: 'op', message: '"contains" applies to text (features.frequency is a number)' },
    ]);
    expect(errorsOf({ kind: 'compare', path: 'features.frequency', op: 'within_last', value: { days: 1 } })[0]?.message).toBe(
      '"within_last" applies to timestamps (features.frequency is a number)',
    );
    expect(errorsOf({ kind: 'compare', path: 'features.lastOrderMs', op: 'gt', value: 'yesterday' })[0]?.message).toBe(
      'for "gt", value must be epoch milliseconds or an ISO-8601 date',
    );
    expect(errorsOf({ kind: 'compare', path: 'predicted.churn', op: 'gt', value: 'high' })[0]?.path).toBe('value');
    expect(errorsOf({ kind: 'compare', path: 'profile.x', op: 'exists' })[0]?.message).toMatch(/must start with traits\., features\./);
    expect(errorsOf({ kind: 'compare', path: 'traits.first name', op: 'exists' })[0]?.message).toMatch(/not a valid path/);
    expect(compiled({ kind: 'compare', path: 'features.deviceMix.mobile', op: 'gt', value: 0.5 }).dependsOn.features).toEqual(['deviceMix.mobile']);
  });

  it('checks values: between order, durations, instants, geo ranges, counts', () => {
    expect(errorsOf({ kind: 'compare', path: 'traits.age', op: 'between', value: [50, 18] })[0]?.message).toBe(
      'for "between", the low bound 50 is above the high bound 18',
    );
    expect(errorsOf({ kind: 'compare', path: 'traits.at', op: 'within_last', value: { days: 1, hours: 2 } })[0]?.path).toBe('value');
    expect(errorsOf({ kind: 'compare', path: 'traits.at', op: 'within_last', value: { days: -1 } })).toEqual([
      { path: 'value.days', message: 'must be a positive number' },
    ]);
    expect(errorsOf({ kind: 'did', event: 'A', since: 'last tuesday' })[0]?.path).toBe('since');
    expect(errorsOf({ kind: 'did', event: 'A', since: 0, within: { days: 1 } })).toEqual([{ path: 'since', message: 'give "within" or "since", not both' }]);
    expect(errorsOf({ kind: 'did_not', event: 'A', count: { op: 'gte', value: 1 } })[0]?.path).toBe('count');
    expect(errorsOf({ kind: 'geo_within', center: { lat: 91, lon: 0 }, radiusKm: 0 }).map((e) => e.path)).toEqual(['center.lat', 'radiusKm']);
    expect(errorsOf({ kind: 'did', event: 'A', where: { kind: 'compare', path: 'at', op: 'within_last', value: { days: 1 } } })[0]?.path).toBe('where.op');
    expect(errorsOf({ kind: 'did', event: 'A', where: { kind: 'compare', path: 'not', op: 'exists' } })[0]?.path).toBe('where.path');
    expect(errorsOf({ kind: 'sequence', first: { event: 'A' }, then: { kind: 'maybe', event: 'B' }, within: { days: 2 } })[0]?.path).toBe('then.kind');
  });

  it('refuses unknown segments unless the schema allows them', () => {
    const strict: RuleSchema = { ...DEFAULT_RULE_SCHEMA, knownSegments: ['vip'], allowUnknownSegments: false };
    expect(errorsOf({ kind: 'in_segment', segment: 'gold' }, strict)).toEqual([{ path: 'segment', message: 'unknown segment "gold"' }]);
    expect(compiled({ kind: 'in_segment', segment: 'vip' }, strict).dependsOn.segments).toEqual(['vip']);
    expect(compiled({ kind: 'in_segment', segment: 'gold' }).dependsOn.segments).toEqual(['gold']);
  });

  it('limits depth', () => {
    let rule: unknown = { kind: 'in_segment', segment: 'vip' };
    for (let i = 0; i < 40; i++) rule = { kind: 'not', child: rule };
    expect(errorsOf(rule)[0]?.message).toBe('nested deeper than 32 levels');
  });

  it('records what the rule reads and whether time alone can change it', () => {
    const rule = compiled({
      kind: 'or',
      children: [
        { kind: 'compare', path: 'traits.address.city', op: 'eq', value: 'Paris' },
        { kind: 'compare', path: 'features.ordersLast30d', op: 'gte', value: 2 },
        { kind: 'compare', path: 'computed.ltv', op: 'gt', value: 100 },
        { kind: 'compare', path: 'predicted.churn', op: 'gt', value: 0.7 },
        { kind: 'did', event: 'Order Completed' },
        { kind: 'sequence', first: { event: 'Product Viewed' }, then: { kind: 'did', event: 'Product Added' }, within: { hours: 1 } },
        { kind: 'in_segment', segment: 'vip' },
        { kind: 'geo_within', center: { lat: 1, lon: 2 }, radiusKm: 3 },
      ],
    });
    expect(rule.dependsOn).toEqual({
      traits: ['address', 'latitude', 'longitude'],
      features: ['ordersLast30d'],
      computed: ['ltv'],
      predicted: ['churn'],
      events: ['Order Completed', 'Product Added', 'Product Viewed'],
      segments: ['vip'],
      timeRelative: true,
      // A model score moves with the features it reads, at instants no rule can schedule: swept.
      unscheduledTime: true,
    });
    expect(compiled({ kind: 'compare', path: 'traits.plan', op: 'eq', value: 'pro' }).dependsOn.unscheduledTime).toBe(false);
    expect(compiled({ kind: 'did', event: 'A' }).dependsOn.timeRelative).toBe(false);
    expect(compiled({ kind: 'did_not', event: 'A', within: { days: 1 } }).dependsOn.timeRelative).toBe(true);
    expect(compiled({ kind: 'compare', path: 'features.buyingStage.stage', op: 'eq', value: 'customer' }).dependsOn.unscheduledTime).toBe(true);
  });

  it('keeps the validated rule and its text; reads ISO dates of timestamp features once', () => {
    const rule = compiled({ kind: 'compare', path: 'features.lastOrderMs', op: 'gt', value: '2024-03-01T00:00:00Z' });
    expect(rule.rule).toEqual({ kind: 'compare', path: 'features.lastOrderMs', op: 'gt', value: '2024-03-01T00:00:00Z' });
    expect(rule.text).toBe('features.lastOrderMs > "2024-03-01T00:00:00Z"');
    expect(rule.root).toMatchObject({ kind: 'compare', comparison: { op: 'gt', value: Date.UTC(2024, 2, 1) } });
  });
});
