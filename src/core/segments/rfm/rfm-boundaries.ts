import type { EpochMs } from '../../shared/time.js';
import type { RfmRecencySource, RfmTies } from './rfm-config.js';

/** Format tag of the stored boundaries; bump it when their meaning changes. */
export const RFM_BOUNDARIES_FORMAT = 'rfm-boundaries@1';

/**
 * Cut points of one dimension, in the dimension's own units (days, orders, money).
 *
 * `edges[k - 1]` is the threshold for a score of at least k + 1 (k = 1..buckets-1): the worst value
 * of the population that scored k + 1 or more. A value scores 1 + the number of edges it reaches,
 * where reaching means `value >= edge` when higher is better and `value <= edge` when lower is
 * better (recency). Scores are therefore the population's own scores for every fitted value, and
 * an unseen value scores like the nearest fitted value on its worse side.
 *
 * Heavy ties collapse edges: when one tie group jumps from bucket 1 to bucket 4, edges 1..3 are the
 * same number and buckets 2 and 3 are empty (`bucketCounts` shows it). An edge is `null` when no
 * member of the population reached that bucket (for example all customers have one order); a value
 * reaches a null edge only when it is strictly better than `bestValue`, so a customer better than
 * everyone fitted still gets the top score before the next refit.
 */
export interface RfmDimensionBoundaries {
  readonly betterWhen: 'higher' | 'lower';
  readonly edges: readonly (number | null)[];
  /** The best and worst fitted values; null when nobody was fitted in this dimension. */
  readonly bestValue: number | null;
  readonly worstValue: number | null;
  /** Members of the fitted population per score 1..buckets (index 0 = score 1). */
  readonly bucketCounts: readonly number[];
  readonly distinctValues: number;
  /** How many values were fitted (recency leaves out non-customers when onlyCustomers is false). */
  readonly fittedCount: number;
}

/** JSON-serializable result of fitRfmBoundaries, applied per profile by scoreRfm. */
export interface RfmBoundaries {
  readonly format: typeof RFM_BOUNDARIES_FORMAT;
  readonly buckets: number;
  readonly ties: RfmTies;
  readonly recencyFrom: RfmRecencySource;
  readonly onlyCustomers: boolean;
  readonly fittedAtMs: EpochMs;
  /** Profiles the fit was computed from (customers only when onlyCustomers is true). */
  readonly populationSize: number;
  /** Days since the last order; lower is better. The fit does not freeze time: R decays with it. */
  readonly recency: RfmDimensionBoundaries;
  readonly frequency: RfmDimensionBoundaries;
  readonly monetary: RfmDimensionBoundaries;
}

/** The three features RFM reads; ProfileFeatures has them. */
export interface RfmFeatures {
  readonly recencyDays: number | null;
  readonly frequency: number;
  readonly monetary: number;
}
