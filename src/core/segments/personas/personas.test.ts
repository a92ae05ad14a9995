import { describe, expect, it } from 'vitest';
import { computeFeatures } from '../../features/compute-features.js';
import { DEFAULT_PROFILE_SPEC } from '../../profiles/profile-spec.js';
import { createProfileState } from '../../profiles/profile-state.js';
import { asProfileId } from '../../shared/ids.js';
import { createRng } from '../../shared/rng.js';
import type { Rng } from '../../shared/rng.js';
import { MS_PER_DAY } from '../../shared/time.js';
import type { GroupProfile } from './describe-group.js';
import { describeGroup } from './describe-group.js';
import { formatPersonaNumber } from './format-persona-number.js';
import type { PersonaName } from './name-persona.js';
import { namePersona } from './name-persona.js';
import { narratePersona } from './narrate-persona.js';
import type { PersonaFeature, PersonaRow } from './persona-feature.js';
import { STANDARD_PERSONA_FEATURES, toPersonaRow } from './persona-feature.js';

const FEATURES = STANDARD_PERSONA_FEATURES;

interface RowValues {
  monetary?: number;
  frequency?: number;
  averageOrderValue?: number | null;
  recencyDays?: number | null;
  tenureDays?: number | null;
  discountUsageRate?: number | null;
  weekendShopper?: number | null;
  eveningShopper?: number | null;
}

/** An ordinary customer, drawn from rng, with overrides; categories default to a mix. */
function customer(rng: Rng, values: RowValues = {}, categories?: Record<string, number>): PersonaRow {
  const frequency = values.frequency ?? 1 + rng.nextInt(4);
  const averageOrderValue = values.averageOrderValue !== undefined ? values.averageOrderValue : 20 + rng.next() * 20;
  const cats = ['books', 'garden', 'kitchen', 'toys'];
  const top = cats[rng.nextInt(cats.length)] ?? 'books';
  return {
    numeric: {
      monetary: values.monetary ?? frequency * (averageOrderValue ?? 30),
      frequency,
      averageOrderValue,
      recencyDays: values.recencyDays !== undefined ? values.recencyDays : 10 + rng.next() * 80,
      tenureDays: values.tenureDays !== undefined ? values.tenureDays : 200 + rng.next() * 300,
      discountUsageRate: values.discountUsageRate !== undefined ? values.discountUsageRate : rng.next() * 0.3,
      weekendShopper: values.weekendShopper !== undefined ? values.weekendShopper : rng.next() < 2 / 7 ? 1 : 0,
      eveningShopper: values.eveningShopper !== undefined ? values.eveningShopper : rng.next() < 0.25 ? 1 : 0,
    },
    categories: categories ?? { [top]: 0.7, books: top === 'books' ? 0.7 : 0.3 },
  };
}

function ordinary(seed: number, count: number): PersonaRow[] {
  const rng = createRng(seed);
  return Array.from({ length: count }, () => customer(rng));
}

/** Population = ordinary customers + the group; returns both. */
function withGroup(group: PersonaRow[], seed = 1, others = 200): { members: PersonaRow[]; population: PersonaRow[] } {
  return { members: group, population: [...ordinary(seed, others), ...group] };
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** Every word must be backed by a fact that passes its threshold (or be a default/neutral word). */
function expectJustified(profile: GroupProfile, name: PersonaName): void {
  for (const w of name.words) {
    const r = w.reason;
    if (r.kind === 'numeric') {
      expect(Math.abs(r.standardizedDifference)).toBeGreaterThanOrEqual(r.minEffect);
      expect(Math.sign(r.standardizedDifference)).toBe(r.direction === 'high' ? 1 : -1);
      expect(profile.facts.some((f) => f.kind === 'numeric' && f.contrast.key === r.key)).toBe(true);
    } else if (r.kind === 'category') {
      expect(r.lift).toBeGreaterThanOrEqual(r.minLift);
      expect(r.groupCount).toBeGreaterThanOrEqual(r.minSupport);
    } else if (r.kind === 'no_distinguishing_fact') {
      expect(profile.facts).toEqual([]);
    }
  }
}

describe('describeGroup', () => {
  it('computes Cohen d against the population standard deviation on a hand example', () => {
    const feature: PersonaFeature = { key: 'x', label: 'x', unit: 'count', role: 'other' };
    const row = (x: number | null): PersonaRow => ({ numeric: { x }, categories: {} });
    // Population 2,4,4,4,5,5,7,9: mean 5, population std 2. Group 7,9: mean 8, d = 1.5.
    const population = [2, 4, 4, 4, 5, 5, 7, 9].map(row);
    const members = [row(7), row(9), row(null)];
    const profile = describeGroup({ members, population: [...population, row(null)], features: [feature], options: { minSupport: 2 } });
    const [c] = profile.features;
    expect(c).toMatchObject({ key: 'x', groupCount: 2, groupMean: 8, populationMean: 5, populationStd: 2, ratio: 1.6 });
    expect(c?.standardizedDifference).toBeCloseTo(1.5, 12);
    expect(profile.facts).toHaveLength(1);
    expect(profile.facts[0]).toMatchObject({ kind: 'numeric', direction: 'high' });
  });

  it('gives a group of heavy buyers a positive d on monetary and frequency, and revenue share above customer share', () => {
    const rng = createRng(9);
    const heavy = Array.from({ length: 20 }, () => customer(rng, { frequency: 12 + rng.nextInt(5), averageOrderValue: 60 + rng.next() * 10 }));
    const { members, population } = withGroup(heavy);
    const profile = describeGroup({ members, population, features: FEATURES });
    const byKey = new Map(profile.features.map((f) => [f.key, f]));
    expect(byKey.get('monetary')?.standardizedDifference).toBeGreaterThan(1);
    expect(byKey.get('frequency')?.standardizedDifference).toBeGreaterThan(1);
    expect(profile.size).toBe(20);
    expect(profile.customerShare).toBeCloseTo(20 / 220, 12);
    const revenue = mean(members.map((r) => r.numeric['monetary'] ?? 0)) * 20;
    const total = population.reduce((a, r) => a + (r.numeric['monetary'] ?? 0), 0);
    expect(profile.revenue).toBeCloseTo(revenue, 6);
    expect(profile.revenueShare).toBeCloseTo(revenue / total, 12);
    expect(profile.revenueShare ?? 0).toBeGreaterThan(profile.customerShare * 3);
    // Order-weighted AOV = gross value / orders.
    const orders = members.reduce((a, r) => a + (r.numeric['frequency'] ?? 0), 0);
    const gross = members.reduce((a, r) => a + (r.numeric['frequency'] ?? 0) * (r.numeric['averageOrderValue'] ?? 0), 0);
    expect(profile.averageOrderValue).toBeCloseTo(gross / orders, 9);
    // Sorted by |d|.
    const ds = profile.features.map((f) => Math.abs(f.standardizedDifference));
    expect(ds).toEqual([...ds].sort((a, b) => b - a));

    const name = namePersona(profile);
    expect(name.name).toMatch(/big spenders|Loyal/);
    expect(name.name).toMatch(/big spenders/);
    expectJustified(profile, name);
  });

  it('finds nothing to say about a group equal to the population, and names it neutrally', () => {
    const population = ordinary(3, 100);
    const profile = describeGroup({ members: population, population, features: FEATURES });
    expect(profile.facts).toEqual([]);
    for (const f of profile.features) expect(f.standardizedDifference).toBe(0);
    for (const c of profile.categories) expect(c.lift).toBeCloseTo(1, 12);
    expect(profile.customerShare).toBe(1);
    expect(profile.revenueShare).toBe(1);
    const name = namePersona(profile);
    expect(name).toEqual({ name: 'Typical customers', words: [{ word: 'Typical', slot: 'status', reason: { kind: 'no_distinguishing_fact' } }], neutral: true });
  });

  it('skips zero-variance and empty features instead of dividing by zero', () => {
    const features: PersonaFeature[] = [
      { key: 'flat', label: 'flat', unit: 'count', role: 'other' },
      { key: 'missing', label: 'missing', unit: 'count', role: 'other' },
      { key: 'groupless', label: 'groupless', unit: 'count', role: 'other' },
    ];
    const population: PersonaRow[] = Array.from({ length: 10 }, (_, i) => ({ numeric: { flat: 3, missing: null, groupless: i < 5 ? i : null }, categories: {} }));
    const members = population.slice(5);
    const profile = describeGroup({ members, population, features });
    expect(profile.features).toEqual([]);
    expect(profile.skipped).toEqual([
      { key: 'flat', reason: 'zero_variance' },
      { key: 'missing', reason: 'no_population_values' },
      { key: 'groupless', reason: 'no_group_values' },
    ]);
    expect(profile.revenue).toBeNull();
    expect(profile.revenueShare).toBeNull();
    expect(profile.averageOrderValue).toBeNull();
  });

  it('reports a category lift only with at least minSupport members, and counts them', () => {
    const rng = createRng(4);
    const mugLovers = (k: number): PersonaRow[] => Array.from({ length: k }, () => customer(rng, {}, { mugs: 1 }));
    const base = ordinary(5, 100);
    const sparse = [...mugLovers(4), ...ordinary(6, 6)];
    const p4 = describeGroup({ members: sparse, population: [...base, ...sparse, ...mugLovers(2)], features: FEATURES });
    expect(p4.categories.find((c) => c.category === 'mugs')).toBeUndefined();

    const dense = [...mugLovers(5), ...ordinary(7, 5)];
    const population = [...base, ...dense, ...mugLovers(2)];
    const p5 = describeGroup({ members: dense, population, features: FEATURES });
    const mugs = p5.categories.find((c) => c.category === 'mugs');
    expect(mugs).toMatchObject({ category: 'mugs', groupCount: 5, populationCount: 7, groupShare: 0.5 });
    expect(mugs?.populationShare).toBeCloseTo(7 / population.length, 12);
    expect(mugs?.lift).toBeCloseTo(0.5 / (7 / population.length), 9);
    expect(p5.facts.some((f) => f.kind === 'category' && f.lift.category === 'mugs')).toBe(true);
    const mugName = namePersona(p5);
    expect(mugName.words.at(-1)).toMatchObject({ word: 'mugs lovers', slot: 'noun', reason: { kind: 'category', category: 'mugs', groupCount: 5, minSupport: 5 } });
    expect(mugName.name).toMatch(/(^Mugs| mugs) lovers$/);
    expectJustified(p5, mugName);

    // A stricter threshold removes it.
    const strict = describeGroup({ members: dense, population, features: FEATURES, options: { minSupport: 6 } });
    expect(strict.categories.find((c) => c.category === 'mugs')).toBeUndefined();
  });

  it('makes no numeric fact from fewer than minSupport member values, however extreme', () => {
    const rng = createRng(8);
    const whales = Array.from({ length: 4 }, () => customer(rng, { frequency: 50, averageOrderValue: 500 }));
    const { members, population } = withGroup(whales);
    const profile = describeGroup({ members, population, features: FEATURES });
    expect(profile.features.find((f) => f.key === 'monetary')?.standardizedDifference).toBeGreaterThan(3);
    expect(profile.facts.filter((f) => f.kind === 'numeric')).toEqual([]);
    expect(describeGroup({ members, population, features: FEATURES, options: { minSupport: 4 } }).facts.length).toBeGreaterThan(0);
  });

  it('is deterministic, and does not depend on row order beyond rounding', () => {
    const rng = createRng(10);
    const group = Array.from({ length: 30 }, () => customer(rng, { discountUsageRate: 0.6 + rng.next() * 0.3, weekendShopper: rng.next() < 0.85 ? 1 : 0 }));
    const { members, population } = withGroup(group);
    const a = describeGroup({ members, population, features: FEATURES });
    const b = describeGroup({ members, population, features: FEATURES });
    expect(b).toEqual(a);
    expect(namePersona(b)).toEqual(namePersona(a));
    expect(narratePersona(b, namePersona(b))).toEqual(narratePersona(a, namePersona(a)));

    const reversed = describeGroup({ members: [...members].reverse(), population: [...population].reverse(), features: FEATURES });
    expect(reversed.features.map((f) => f.key)).toEqual(a.features.map((f) => f.key));
    reversed.features.forEach((f, i) => expect(f.standardizedDifference).toBeCloseTo(a.features[i]?.standardizedDifference ?? NaN, 9));
    expect(namePersona(reversed).name).toBe(namePersona(a).name);
  });
});

describe('namePersona', () => {
  it('names weekend discount users "Weekend bargain hunters"', () => {
    const rng = createRng(11);
    const group = Array.from({ length: 30 }, () => customer(rng, { discountUsageRate: 0.6 + rng.next() * 0.3, weekendShopper: rng.next() < 0.85 ? 1 : 0 }));
    const profile = describeGroup({ ...withGroup(group), features: FEATURES });
    const name = namePersona(profile);
    expect(name.name).toBe('Weekend bargain hunters');
    expect(name.words.map((w) => w.word)).toEqual(['Weekend', 'bargain hunters']);
    expectJustified(profile, name);
  });

  it('names old big spenders who stopped ordering "Lapsed big spenders"', () => {
    const rng = createRng(12);
    const group = Array.from({ length: 25 }, () =>
      customer(rng, { frequency: 10 + rng.nextInt(4), averageOrderValue: 30, recencyDays: 300 + rng.next() * 100 }),
    );
    const profile = describeGroup({ ...withGroup(group), features: FEATURES });
    const name = namePersona(profile);
    expect(name.name).toMatch(/^(Lapsed|Lapsed loyal) big spenders$/);
    expect(name.words.find((w) => w.word === 'Lapsed')?.reason).toMatchObject({ kind: 'numeric', key: 'recencyDays', direction: 'high' });
    expectJustified(profile, name);
  });

  it('says "one-time" only when the group mean is at most 1.2 orders', () => {
    const rng = createRng(13);
    const newcomers = Array.from({ length: 25 }, () => customer(rng, { frequency: 1, averageOrderValue: 30, tenureDays: 5 + rng.next() * 10, recencyDays: 5 }));
    const profile = describeGroup({ ...withGroup(newcomers), features: FEATURES });
    const name = namePersona(profile);
    expect(name.words.map((w) => w.word)).toContain('One-time');
    expect(name.words.map((w) => w.word)).toContain('New');
    expectJustified(profile, name);

    const occasional = Array.from({ length: 25 }, () => customer(rng, { frequency: 1 + (rng.next() < 0.5 ? 1 : 0), averageOrderValue: 30 }));
    const p2 = describeGroup({ ...withGroup(occasional), features: FEATURES });
    const words = namePersona(p2).words.map((w) => w.word);
    expect(words).not.toContain('One-time');
    expect(words).toContain('Occasional');
  });

  it('does not say "Weekend" when weekend shoppers are over-represented but not a majority', () => {
    const rng = createRng(14);
    // 40% weekend shoppers against about 29% in the population: a fact at minEffect 0.1, not a majority.
    const group = Array.from({ length: 50 }, (_, i) => customer(rng, { weekendShopper: i < 20 ? 1 : 0, discountUsageRate: 0.7 }));
    const profile = describeGroup({ ...withGroup(group, 2, 400), features: FEATURES, options: { minEffect: 0.1 } });
    const weekend = profile.facts.find((f) => f.kind === 'numeric' && f.contrast.key === 'weekendShopper');
    expect(weekend).toBeDefined();
    const name = namePersona(profile);
    expect(name.name).not.toMatch(/Weekend/i);
    expect(name.words.at(-1)?.word).toBe('bargain hunters');
    expect(name.name).toMatch(/bargain hunters$/i);
    expectJustified(profile, name);
  });

  it('keeps a category name unchanged and falls back to "Distinctive customers" for uncovered facts', () => {
    const features: PersonaFeature[] = [{ key: 'x', label: 'widgets owned', unit: 'count', role: 'other' }];
    const population = Array.from({ length: 40 }, (_, i): PersonaRow => ({ numeric: { x: i < 10 ? 10 : 0 }, categories: {} }));
    const profile = describeGroup({ members: population.slice(0, 10), population, features });
    expect(profile.facts).toHaveLength(1);
    expect(namePersona(profile)).toMatchObject({ name: 'Distinctive customers', neutral: false });
  });
});

/** Every number token in the text, in order (sign, digits, commas, an optional decimal part, % or x). */
function numberTokens(text: string): string[] {
  return text.match(/-?\d[\d,]*(?:\.\d+)?[%x]?/g) ?? [];
}

/** Parses a formatted number back; returns the value and half its rounding step. */
function parseBack(token: string): { value: number; tolerance: number } {
  const percent = token.endsWith('%');
  const body = token.replace(/[%x]$/, '').replace(/,/g, '');
  const decimals = body.includes('.') ? (body.split('.')[1] ?? '').length : 0;
  const scale = percent ? 0.01 : 1;
  return { value: Number(body) * scale, tolerance: (0.5 * 10 ** -decimals * scale) + 1e-12 };
}

describe('narratePersona', () => {
  it('writes only numbers that parse back to the computed values', () => {
    const rng = createRng(15);
    const group = [
      ...Array.from({ length: 30 }, () => customer(rng, { discountUsageRate: 0.6 + rng.next() * 0.3, weekendShopper: rng.next() < 0.85 ? 1 : 0, frequency: 6 + rng.nextInt(3) }, { mugs: 1 })),
    ];
    const population = [...ordinary(1, 300), ...group, ...Array.from({ length: 10 }, () => customer(rng, {}, { mugs: 1 }))];
    const profile = describeGroup({ members: group, population, features: FEATURES });
    const name = namePersona(profile);
    const narrative = narratePersona(profile, name);

    expect(narrative.text.startsWith(`${name.name}: `)).toBe(true);
    const tokens = numberTokens(narrative.text);
    expect(tokens).toEqual(narrative.numbers.map((n) => n.text));
    expect(tokens.length).toBeGreaterThanOrEqual(8);

    // Independent expectations for every number, recomputed from the rows where possible.
    const sum = (rows: PersonaRow[], key: string): number => rows.reduce((a, r) => a + (r.numeric[key] ?? 0), 0);
    const groupMean = (key: string): number => sum(group, key) / group.length;
    const popMean = (key: string): number => sum(population, key) / population.length;
    const expected = new Map<string, number>([
      ['customerShare', group.length / population.length],
      ['revenueShare', sum(group, 'monetary') / sum(population, 'monetary')],
      ['frequency.ratio', groupMean('frequency') / popMean('frequency')],
      ['monetary.ratio', groupMean('monetary') / popMean('monetary')],
      ['discountUsageRate.groupMean', groupMean('discountUsageRate')],
      ['discountUsageRate.populationMean', popMean('discountUsageRate')],
      ['weekendShopper.groupMean', groupMean('weekendShopper')],
      ['weekendShopper.populationMean', popMean('weekendShopper')],
      ['category:mugs.lift', 1 / (40 / population.length)],
      ['category:mugs.groupCount', 30],
    ]);
    let checked = 0;
    narrative.numbers.forEach((n, i) => {
      const back = parseBack(tokens[i] ?? '');
      expect(Math.abs(back.value - n.value), `${n.what} ${n.text}`).toBeLessThanOrEqual(back.tolerance);
      const want = expected.get(n.what);
      if (want !== undefined) {
        expect(n.value, n.what).toBeCloseTo(want, 9);
        checked++;
      }
    });
    expect(checked).toBeGreaterThanOrEqual(8);
    expect(narrative.numbers.find((n) => n.what === 'averageOrderValue')?.value).toBe(profile.averageOrderValue);
    expect(narrative.text).toContain('of customers');
    expect(narrative.text).toContain('as often as average');
    expect(narrative.text).toContain('mugs: ');
  });

  it('narrates days, evening shares, other features and ratio-free counts, each parsing back', () => {
    const features: PersonaFeature[] = [
      ...FEATURES,
      { key: 'returns', label: 'returns per customer', unit: 'count', role: 'other' },
      { key: 'delta', label: 'net balance', unit: 'amount', role: 'monetary' },
    ];
    const rng = createRng(17);
    const base = ordinary(18, 200).map((r, i): PersonaRow => ({ numeric: { ...r.numeric, returns: i % 4 === 0 ? 1 : 0, delta: (i % 2) - 0.5 }, categories: r.categories }));
    const group = Array.from({ length: 30 }, (): PersonaRow => {
      const r = customer(rng, { recencyDays: 400 + rng.next() * 50, tenureDays: 900 + rng.next() * 50, eveningShopper: 1 });
      return { numeric: { ...r.numeric, returns: 3, delta: -2 }, categories: r.categories };
    });
    const profile = describeGroup({ members: group, population: [...base, ...group], features, options: { maxFacts: 10 } });
    const narrative = narratePersona(profile, namePersona(profile));
    expect(narrative.text).toContain('days ago on average');
    expect(narrative.text).toContain('first ordered');
    expect(narrative.text).toContain('shop mostly in the evening');
    expect(narrative.text).toContain('Returns per customer: ');
    // The population mean of delta is negative: no ratio, the signed amounts instead.
    expect(narrative.text).toMatch(/They spend -2\.00 \(overall -0\.\d\d\) on average\./);
    const tokens = numberTokens(narrative.text);
    expect(tokens).toEqual(narrative.numbers.map((n) => n.text));
    narrative.numbers.forEach((n, i) => {
      const back = parseBack(tokens[i] ?? '');
      expect(Math.abs(back.value - n.value), `${n.what} ${n.text}`).toBeLessThanOrEqual(back.tolerance);
    });
    expectJustified(profile, namePersona(profile));
  });

  it('narrates a neutral group with shares and order value only', () => {
    const population = ordinary(16, 50);
    const profile = describeGroup({ members: population, population, features: FEATURES });
    const narrative = narratePersona(profile, namePersona(profile));
    expect(narrative.numbers.map((n) => n.what)).toEqual(['customerShare', 'revenueShare', 'averageOrderValue', 'populationAverageOrderValue']);
    expect(narrative.text).toMatch(/^Typical customers: 100% of customers, 100% of revenue, average order value \d+(\.\d\d)? \(overall \d+(\.\d\d)?\)\.$/);
  });
});

describe('formatPersonaNumber', () => {
  it('formats percents, multiples, amounts, days and integers without locale', () => {
    expect(formatPersonaNumber('percent', 0.123)).toBe('12%');
    expect(formatPersonaNumber('percent', 0.0456)).toBe('4.6%');
    expect(formatPersonaNumber('percent', 0)).toBe('0%');
    expect(formatPersonaNumber('percent', -0.0001)).toBe('0.0%');
    expect(formatPersonaNumber('multiple', 2.44)).toBe('2.4x');
    expect(formatPersonaNumber('multiple', 0.046)).toBe('0.05x');
    expect(formatPersonaNumber('multiple', 12.6)).toBe('13x');
    expect(formatPersonaNumber('amount', 45.2)).toBe('45.20');
    expect(formatPersonaNumber('amount', 1234567.4)).toBe('1,234,567');
    expect(formatPersonaNumber('days', 3.25)).toBe('3.3');
    expect(formatPersonaNumber('days', 123.4)).toBe('123');
    expect(formatPersonaNumber('integer', 4200)).toBe('4,200');
  });
});

describe('toPersonaRow', () => {
  it('maps profile features to the standard keys, with weekend and evening indicators', () => {
    const nowMs = 100 * MS_PER_DAY;
    const base = computeFeatures(createProfileState(asProfileId('p')), nowMs, DEFAULT_PROFILE_SPEC);
    const row = toPersonaRow(
      {
        ...base,
        monetary: 90,
        frequency: 3,
        averageOrderValue: 30,
        recencyDays: 2,
        firstOrderMs: 40 * MS_PER_DAY,
        discountUsageRate: 1 / 3,
        preferredDayOfWeek: 6,
        preferredHourOfDay: 9,
        categoryAffinity: [{ category: 'mugs', score: 0.75 }, { category: 'tea', score: 0.25 }],
      },
      nowMs,
    );
    expect(row).toEqual({
      numeric: { monetary: 90, frequency: 3, averageOrderValue: 30, recencyDays: 2, tenureDays: 60, discountUsageRate: 1 / 3, weekendShopper: 1, eveningShopper: 0 },
      categories: { mugs: 0.75, tea: 0.25 },
    });
    expect(Object.keys(row.numeric).sort()).toEqual(FEATURES.map((f) => f.key).sort());
    const empty = toPersonaRow(base, nowMs);
    expect(empty.numeric).toMatchObject({ recencyDays: null, tenureDays: null, weekendShopper: null, eveningShopper: null, averageOrderValue: null });
  });
});
