import type { PersonaFeature, PersonaFeatureRole, PersonaRow } from './persona-feature.js';

/**
 * What makes a group (a segment or a cluster) different from the whole population: numbers first.
 *
 * - Numeric features: group mean, population mean and the standardized difference
 *   d = (group mean - population mean) / population standard deviation (Cohen's d against the
 *   population, divisor n). Nulls are left out of both means. A feature whose population values
 *   are all equal (zero variance) or that has no value in the group is listed in `skipped`.
 * - Categories: share = mean of the per-customer shares (missing = 0), so every customer weighs
 *   the same; lift = group share / population share. A category is reported only with support:
 *   at least `minSupport` members hold it (share > 0) and its population share is positive.
 * - Facts: the features with |d| >= `minEffect` (0.5, Cohen's "medium") computed on at least
 *   `minSupport` member values, then the categories with lift >= `minLift` (1.5); at most
 *   `maxFacts` in all, strongest first within each kind, numeric facts first.
 */
export interface DescribeGroupOptions {
  /** Members needed behind a category lift or a numeric fact. Default 5. */
  readonly minSupport?: number;
  /** Smallest |d| that makes a numeric fact. Default 0.5. */
  readonly minEffect?: number;
  /** Smallest lift that makes a category fact. Default 1.5. */
  readonly minLift?: number;
  /** Most facts kept. Default 5. */
  readonly maxFacts?: number;
}

export const DEFAULT_PERSONA_MIN_SUPPORT = 5;
export const DEFAULT_PERSONA_MIN_EFFECT = 0.5;
export const DEFAULT_PERSONA_MIN_LIFT = 1.5;
export const DEFAULT_PERSONA_MAX_FACTS = 5;

export interface FeatureContrast {
  readonly key: string;
  readonly label: string;
  readonly role: PersonaFeatureRole;
  readonly unit: PersonaFeature['unit'];
  /** Members with a value for this feature. */
  readonly groupCount: number;
  readonly groupMean: number;
  readonly populationMean: number;
  /** Population standard deviation (divisor n), > 0. */
  readonly populationStd: number;
  /** Cohen's d against the population standard deviation. */
  readonly standardizedDifference: number;
  /** groupMean / populationMean; null when the population mean is not positive. */
  readonly ratio: number | null;
}

export interface SkippedFeature {
  readonly key: string;
  readonly reason: 'zero_variance' | 'no_group_values' | 'no_population_values';
}

export interface CategoryLift {
  readonly category: string;
  /** Members holding the category (share > 0). */
  readonly groupCount: number;
  readonly populationCount: number;
  readonly groupShare: number;
  readonly populationShare: number;
  readonly lift: number;
}

export type PersonaFact =
  | {
      readonly kind: 'numeric';
      readonly direction: 'high' | 'low';
      readonly contrast: FeatureContrast;
    }
  | {
      readonly kind: 'category';
      readonly lift: CategoryLift;
    };

export interface GroupProfile {
  readonly size: number;
  readonly populationSize: number;
  /** size / populationSize; 0 for an empty population. */
  readonly customerShare: number;
  /** Sum of the 'monetary' feature over members; null without a monetary feature. */
  readonly revenue: number | null;
  /** Group revenue / population revenue; null when that total is not positive. */
  readonly revenueShare: number | null;
  /**
   * Order-weighted average order value: sum(aov x frequency) / sum(frequency) over members with
   * both (= gross revenue / orders); without an AOV feature, revenue / orders. Null without orders.
   */
  readonly averageOrderValue: number | null;
  readonly populationAverageOrderValue: number | null;
  /** Sorted by |d| descending, ties by key. */
  readonly features: readonly FeatureContrast[];
  readonly skipped: readonly SkippedFeature[];
  /** Categories with support, sorted by lift descending, ties by name. */
  readonly categories: readonly CategoryLift[];
  readonly facts: readonly PersonaFact[];
  /** The thresholds the facts were drawn with, so a reader can check them. */
  readonly thresholds: { readonly minSupport: number; readonly minEffect: number; readonly minLift: number };
}

export interface DescribeGroupInput {
  readonly members: readonly PersonaRow[];
  readonly population: readonly PersonaRow[];
  readonly features: readonly PersonaFeature[];
  readonly options?: DescribeGroupOptions;
}

/** Relative tolerance under which a standard deviation counts as zero (rounding noise). */
const ZERO_VARIANCE_RELATIVE = 1e-12;

interface Moments {
  count: number;
  mean: number;
  std: number;
}

export function describeGroup(input: DescribeGroupInput): GroupProfile {
  const { members, population, features } = input;
  const minSupport = input.options?.minSupport ?? DEFAULT_PERSONA_MIN_SUPPORT;
  const minEffect = input.options?.minEffect ?? DEFAULT_PERSONA_MIN_EFFECT;
  const minLift = input.options?.minLift ?? DEFAULT_PERSONA_MIN_LIFT;
  const maxFacts = input.options?.maxFacts ?? DEFAULT_PERSONA_MAX_FACTS;

  const contrasts: FeatureContrast[] = [];
  const skipped: SkippedFeature[] = [];
  for (const feature of features) {
    const pop = moments(population, feature.key);
    const group = moments(members, feature.key);
    if (pop.count === 0) {
      skipped.push({ key: feature.key, reason: 'no_population_values' });
    } else if (pop.std <= ZERO_VARIANCE_RELATIVE * Math.max(1, Math.abs(pop.mean))) {
      skipped.push({ key: feature.key, reason: 'zero_variance' });
    } else if (group.count === 0) {
      skipped.push({ key: feature.key, reason: 'no_group_values' });
    } else {
      contrasts.push({
        key: feature.key,
        label: feature.label,
        role: feature.role,
        unit: feature.unit,
        groupCount: group.count,
        groupMean: group.mean,
        populationMean: pop.mean,
        populationStd: pop.std,
        standardizedDifference: (group.mean - pop.mean) / pop.std,
        ratio: pop.mean > 0 ? group.mean / pop.mean : null,
      });
    }
  }
  contrasts.sort(
    (a, b) => Math.abs(b.standardizedDifference) - Math.abs(a.standardizedDifference) || compareText(a.key, b.key),
  );

  const categories = categoryLifts(members, population, minSupport);

  const numericFacts: PersonaFact[] = contrasts
    .filter((c) => c.groupCount >= minSupport && Math.abs(c.standardizedDifference) >= minEffect)
    .map((contrast) => ({ kind: 'numeric', direction: contrast.standardizedDifference > 0 ? 'high' : 'low', contrast }));
  const categoryFacts: PersonaFact[] = categories
    .filter((c) => c.lift >= minLift)
    .map((lift) => ({ kind: 'category', lift }));

  const monetaryKey = features.find((f) => f.role === 'monetary')?.key;
  const frequencyKey = features.find((f) => f.role === 'frequency')?.key;
  const aovKey = features.find((f) => f.role === 'averageOrderValue')?.key;
  const revenue = monetaryKey === undefined ? null : sumOf(members, monetaryKey);
  const populationRevenue = monetaryKey === undefined ? null : sumOf(population, monetaryKey);

  return {
    size: members.length,
    populationSize: population.length,
    customerShare: population.length === 0 ? 0 : members.length / population.length,
    revenue,
    revenueShare: revenue !== null && populationRevenue !== null && populationRevenue > 0 ? revenue / populationRevenue : null,
    averageOrderValue: averageOrderValue(members, monetaryKey, frequencyKey, aovKey),
    populationAverageOrderValue: averageOrderValue(population, monetaryKey, frequencyKey, aovKey),
    features: contrasts,
    skipped,
    categories,
    facts: [...numericFacts, ...categoryFacts].slice(0, Math.max(0, maxFacts)),
    thresholds: { minSupport, minEffect, minLift },
  };
}

function valueOf(row: PersonaRow, key: string): number | null {
  if (!Object.hasOwn(row.numeric, key)) return null;
  const value = row.numeric[key];
  return value === undefined || value === null || !Number.isFinite(value) ? null : value;
}

/** Mean and population standard deviation (two passes, for accuracy), nulls left out. */
function moments(rows: readonly PersonaRow[], key: string): Moments {
  let count = 0;
  let total = 0;
  for (const row of rows) {
    const v = valueOf(row, key);
    if (v === null) continue;
    count++;
    total += v;
  }
  if (count === 0) return { count: 0, mean: 0, std: 0 };
  const mean = total / count;
  let squares = 0;
  for (const row of rows) {
    const v = valueOf(row, key);
    if (v !== null) squares += (v - mean) * (v - mean);
  }
  return { count, mean, std: Math.sqrt(squares / count) };
}

function sumOf(rows: readonly PersonaRow[], key: string): number {
  let total = 0;
  for (const row of rows) total += valueOf(row, key) ?? 0;
  return total;
}

function averageOrderValue(
  rows: readonly PersonaRow[],
  monetaryKey: string | undefined,
  frequencyKey: string | undefined,
  aovKey: string | undefined,
): number | null {
  if (frequencyKey === undefined) {
    if (aovKey === undefined) return null;
    const m = moments(rows, aovKey);
    return m.count === 0 ? null : m.mean;
  }
  let orders = 0;
  let value = 0;
  for (const row of rows) {
    const frequency = valueOf(row, frequencyKey);
    if (frequency === null || frequency <= 0) continue;
    const amount =
      aovKey !== undefined ? mapNull(valueOf(row, aovKey), (aov) => aov * frequency) : monetaryKey !== undefined ? valueOf(row, monetaryKey) : null;
    if (amount === null) continue;
    orders += frequency;
    value += amount;
  }
  return orders > 0 ? value / orders : null;
}

function mapNull(value: number | null, fn: (v: number) => number): number | null {
  return value === null ? null : fn(value);
}

interface CategoryTotals {
  count: number;
  share: number;
}

function categoryTotals(rows: readonly PersonaRow[]): Map<string, CategoryTotals> {
  const totals = new Map<string, CategoryTotals>();
  for (const row of rows) {
    for (const [category, share] of Object.entries(row.categories)) {
      if (!Number.isFinite(share) || share <= 0) continue;
      const total = totals.get(category) ?? { count: 0, share: 0 };
      total.count++;
      total.share += share;
      totals.set(category, total);
    }
  }
  return totals;
}

function categoryLifts(members: readonly PersonaRow[], population: readonly PersonaRow[], minSupport: number): CategoryLift[] {
  if (members.length === 0 || population.length === 0) return [];
  const group = categoryTotals(members);
  const pop = categoryTotals(population);
  const lifts: CategoryLift[] = [];
  for (const [category, g] of group) {
    const p = pop.get(category);
    if (p === undefined || p.share <= 0 || g.count < minSupport) continue;
    const groupShare = g.share / members.length;
    const populationShare = p.share / population.length;
    lifts.push({ category, groupCount: g.count, populationCount: p.count, groupShare, populationShare, lift: groupShare / populationShare });
  }
  return lifts.sort((a, b) => b.lift - a.lift || compareText(a.category, b.category));
}

/** Locale-free string order, so results never depend on the machine. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
