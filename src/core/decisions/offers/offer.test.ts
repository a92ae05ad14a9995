import { describe, expect, it } from 'vitest';
import { BUYING_STAGES } from '../../features/buying-stage.js';
import { parseOffer } from './offer.js';
import type { Offer } from './offer.js';

function parsed(key: string, raw: unknown): Offer {
  const result = parseOffer(key, raw);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.value;
}

function fields(key: string, raw: unknown): string[] {
  const result = parseOffer(key, raw);
  if (result.ok) throw new Error('expected errors');
  return result.errors.map((e) => e.field);
}

describe('parseOffer', () => {
  it('reads a full percent_off offer', () => {
    const offer = parsed('spring-sale', {
      name: 'Spring sale',
      kind: 'percent_off',
      minPercent: 5,
      maxPercent: 25,
      marginFloor: 0.15,
      defaultMarginRate: 0.4,
      budget: { maxDiscountValue: 10_000, maxRedemptions: 500 },
      startsAt: '2024-03-01T00:00:00Z',
      endsAt: '2024-04-01T00:00:00+02:00',
      eligibility: 'features.frequency >= 3',
      stages: ['lapsed', 'considering'],
      caps: { perCustomer: { max: 3, windowDays: 7 }, perPlacement: { max: 200, windowDays: 1 } },
      priority: 10,
      message: { headline: 'spring-headline', body: 'Hi {{ first_name }}' },
    });
    expect(offer).toMatchObject({
      key: 'spring-sale',
      kind: 'percent_off',
      minPercent: 5,
      maxPercent: 25,
      amount: null,
      marginFloor: 0.15,
      defaultMarginRate: 0.4,
      budget: { maxDiscountValue: 10_000, maxRedemptions: 500 },
      startsAtMs: Date.UTC(2024, 2, 1),
      endsAtMs: Date.UTC(2024, 2, 31, 22),
      // Canonical order, whatever order they were given in.
      stages: ['considering', 'lapsed'],
      caps: { perCustomer: { max: 3, windowDays: 7 }, perPlacement: { max: 200, windowDays: 1 } },
      priority: 10,
      message: { headline: 'spring-headline', body: 'Hi {{ first_name }}' },
    });
    expect(offer.eligibility?.text).toBe('features.frequency >= 3');
    expect(offer.eligibility?.dependsOn.features).toEqual(['frequency']);
  });

  it('fills the defaults of a minimal offer', () => {
    const offer = parsed('tip', { name: 'Styling tips', kind: 'content_only' });
    expect(offer).toEqual({
      key: 'tip',
      name: 'Styling tips',
      kind: 'content_only',
      minPercent: 0,
      maxPercent: 0,
      amount: null,
      marginFloor: null,
      defaultMarginRate: null,
      budget: null,
      startsAtMs: null,
      endsAtMs: null,
      eligibility: null,
      stages: BUYING_STAGES,
      caps: { perCustomer: null, perPlacement: null },
      priority: 0,
      message: { headline: null, body: null },
    });
    expect(parsed('ten-off', { name: 'Ten off', kind: 'amount_off', amount: 10 }).amount).toBe(10);
  });

  it('accepts the JSON form of a rule', () => {
    const offer = parsed('vip', { name: 'VIP', kind: 'free_shipping', eligibility: { kind: 'compare', path: 'features.monetary', op: 'gte', value: 500 } });
    expect(offer.eligibility?.text).toBe('features.monetary >= 500');
  });

  it('names every bad field', () => {
    expect(
      fields('Bad Key', {
        key: 'other',
        name: '',
        kind: 'percent_off',
        minPercent: 30,
        maxPercent: 20,
        marginFloor: 1,
        defaultMarginRate: -0.1,
        budget: { maxDiscountValue: -1, maxRedemptions: 1.5, extra: 1 },
        startsAt: '2024-05-01',
        endsAt: 'soon',
        eligibility: 'features.frequency >=',
        stages: ['browsing', 'shopping', 'browsing'],
        caps: { perCustomer: { max: 0, windowDays: 0 }, perPlacement: 3 },
        priority: 1.5,
        message: { headline: 7 },
        colour: 'red',
      }).sort(),
    ).toEqual(
      [
        'key',
        'key',
        'name',
        'minPercent',
        'marginFloor',
        'defaultMarginRate',
        'budget.maxDiscountValue',
        'budget.maxRedemptions',
        'budget.extra',
        'startsAt',
        'endsAt',
        'eligibility',
        'stages[1]',
        'stages[2]',
        'caps.perCustomer.max',
        'caps.perCustomer.windowDays',
        'caps.perPlacement',
        'priority',
        'message.headline',
        'colour',
      ].sort(),
    );
  });

  it('checks the fields each kind needs and refuses those it does not use', () => {
    expect(fields('a', { name: 'A', kind: 'percent_off' })).toEqual(['maxPercent']);
    expect(fields('a', { name: 'A', kind: 'percent_off', maxPercent: 0 })).toEqual(['maxPercent']);
    expect(fields('a', { name: 'A', kind: 'amount_off', maxPercent: 10 }).sort()).toEqual(['amount', 'maxPercent']);
    expect(fields('a', { name: 'A', kind: 'content_only', amount: 5, minPercent: 1 }).sort()).toEqual(['amount', 'minPercent']);
    expect(fields('a', { name: 'A', kind: 'bogo' })).toEqual(['kind']);
    expect(fields('a', { kind: 'content_only' })).toEqual(['name']);
  });

  it('reports rule problems with their place', () => {
    expect(fields('a', { name: 'A', kind: 'content_only', eligibility: 'features.nosuch >= 3' })).toEqual(['eligibility.path']);
    expect(fields('a', { name: 'A', kind: 'content_only', eligibility: 42 })).toEqual(['eligibility']);
    const result = parseOffer('a', { name: 'A', kind: 'content_only', eligibility: 'features.frequency >=' });
    expect(result.ok ? '' : result.errors[0]?.message).toMatch(/line 1, column/);
  });

  it('wants the end after the start, and an object body', () => {
    expect(fields('a', { name: 'A', kind: 'content_only', startsAt: '2024-05-01T00:00:00Z', endsAt: '2024-05-01T00:00:00Z' })).toEqual(['endsAt']);
    expect(fields('a', [])).toEqual(['(body)']);
    expect(fields('a', { name: 'A', kind: 'content_only', stages: [] })).toEqual(['stages']);
  });
});
