import type { ProfileFeatures } from '../../features/compute-features.js';
import { MS_PER_DAY } from '../../shared/time.js';
import type { EpochMs } from '../../shared/time.js';

/**
 * What a persona is described from: one row per customer, generic so that segments, clusters and
 * later predicted scores (churn, CLV) all fit. `numeric` holds features by key (null = unknown for
 * this customer, e.g. recency without an order); `categories` holds a share per category, 0..1
 * (e.g. the category affinity shares of a profile, which sum to 1; a missing key means 0).
 */
export interface PersonaRow {
  readonly numeric: Readonly<Record<string, number | null>>;
  readonly categories: Readonly<Record<string, number>>;
}

/** How a value is written in a narrative: money-like amount, count, days, or a 0..1 rate. */
export type PersonaFeatureUnit = 'amount' | 'count' | 'days' | 'rate';

/**
 * What a feature means to the namer and the narrator. Only these roles produce words in a name;
 * 'other' features still appear in the profile and the narrative, never in the name.
 */
export type PersonaFeatureRole =
  | 'monetary'
  | 'frequency'
  | 'recency'
  | 'tenure'
  | 'averageOrderValue'
  | 'discountUsage'
  | 'weekendPreference'
  | 'eveningPreference'
  | 'other';

export interface PersonaFeature {
  /** Key into PersonaRow.numeric. */
  readonly key: string;
  /** Lower-case words for a narrative ("net revenue"). */
  readonly label: string;
  readonly unit: PersonaFeatureUnit;
  readonly role: PersonaFeatureRole;
}

/** The standard persona features read off a profile by toPersonaRow. */
export const STANDARD_PERSONA_FEATURES: readonly PersonaFeature[] = [
  { key: 'monetary', label: 'net revenue per customer', unit: 'amount', role: 'monetary' },
  { key: 'frequency', label: 'orders per customer', unit: 'count', role: 'frequency' },
  { key: 'averageOrderValue', label: 'average order value', unit: 'amount', role: 'averageOrderValue' },
  { key: 'recencyDays', label: 'days since the last order', unit: 'days', role: 'recency' },
  { key: 'tenureDays', label: 'days since the first order', unit: 'days', role: 'tenure' },
  { key: 'discountUsageRate', label: 'share of orders with a discount', unit: 'rate', role: 'discountUsage' },
  { key: 'weekendShopper', label: 'share preferring weekends', unit: 'rate', role: 'weekendPreference' },
  { key: 'eveningShopper', label: 'share preferring evenings', unit: 'rate', role: 'eveningPreference' },
];

/** UTC days 0 = Sunday and 6 = Saturday. */
const WEEKEND_DAYS: ReadonlySet<number> = new Set([0, 6]);
/** Evening: UTC hours 18..23 inclusive. */
const EVENING_FIRST_HOUR = 18;

/**
 * Maps computed profile features to a persona row with the keys of STANDARD_PERSONA_FEATURES.
 * Preferred day and hour become 0/1 indicators (their mean is then "the share of customers who
 * prefer weekends"); a mean day-of-week number would mean nothing. Unknown stays null.
 */
export function toPersonaRow(features: ProfileFeatures, nowMs: EpochMs): PersonaRow {
  const categories: Record<string, number> = {};
  for (const affinity of features.categoryAffinity) {
    if (affinity.category === '__proto__') continue;
    categories[affinity.category] = affinity.score;
  }
  const day = features.preferredDayOfWeek;
  const hour = features.preferredHourOfDay;
  return {
    numeric: {
      monetary: features.monetary,
      frequency: features.frequency,
      averageOrderValue: features.averageOrderValue,
      recencyDays: features.recencyDays,
      tenureDays: features.firstOrderMs === null ? null : Math.max(0, (nowMs - features.firstOrderMs) / MS_PER_DAY),
      discountUsageRate: features.discountUsageRate,
      weekendShopper: day === null ? null : WEEKEND_DAYS.has(day) ? 1 : 0,
      eveningShopper: hour === null ? null : hour >= EVENING_FIRST_HOUR ? 1 : 0,
    },
    categories,
  };
}
