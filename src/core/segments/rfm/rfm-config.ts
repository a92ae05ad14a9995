/**
 * How RFM (recency, frequency, monetary) scores are cut from a population of customers.
 *
 * Each dimension is scored 1..buckets by the customer's position in the population: with the
 * default 5 buckets, quintiles, and 5 is always the best (most recent, most orders, most money).
 *
 * ## Ties (`ties`)
 * A score must be a function of the value alone: boundaries are fitted once over the population
 * and then applied to one profile at a time, in real time, as its features change. Two customers
 * with the same number of orders must therefore get the same F score. This rules out pandas'
 * `rank(method='first')` (the usual `pd.qcut(df.F.rank(method='first'), 5)` recipe): it splits a
 * tie group across buckets by row order, so the same value scores 1 or 2 depending on where the
 * row happened to be, and it cannot be expressed as cut points on the value.
 *
 * Instead every group of equal values takes ONE position and is bucketed as pandas' `qcut` would
 * bucket that position among the ranks 1..N (edges at 1 + (N-1)·k/B, right-closed):
 *
 *     q      = (rank - 1) / (N - 1)            // 0 for the worst customer, 1 for the best
 *     bucket = max(1, ceil(q · B))
 *
 * - `'average'` (default): rank = the mid-rank of the tie group, i.e. pandas
 *   `rank(method='average')`. Symmetric and the standard treatment of ties in rank statistics
 *   (Spearman, Wilcoxon): a group covering positions 0..70% is scored where its middle (35%) lies.
 *   When everyone is equal (or N = 1) there is no information and everyone gets the middle bucket
 *   ceil(B/2).
 * - `'min'`: rank = the lowest rank of the group, pandas `rank(method='min')`: a tie group takes the
 *   lowest bucket it reaches. Choose it where "F = 1" should mean "the one-time buyers" even when
 *   they are most of the customers (with `'average'`, 70% one-time buyers score F = 2). With N = 1
 *   or all values equal, everyone gets bucket 1.
 *
 * With distinct values both are exactly `pd.qcut(x.rank(method='first'), B, labels=False) + 1`.
 * With heavy ties some buckets are empty (see fitRfmBoundaries for how the edges collapse).
 *
 * ## Customers (`onlyCustomers`)
 * A customer is a profile with at least one order (`recencyDays !== null`).
 * - `true` (default): only customers are fitted and scored; scoreRfm returns null for the others.
 * - `false`: non-customers are part of the F and M populations (0 orders, 0 money) and are scored;
 *   they have no recency, are left out of the recency fit and always score R = 1.
 */
export type RfmTies = 'average' | 'min';

export const RFM_TIES: readonly RfmTies[] = ['average', 'min'];

/** The ProfileFeatures field recency is read from (days since the last order; lower is better). */
export type RfmRecencySource = 'recencyDays';

export interface RfmConfig {
  /** Buckets per dimension, an integer in MIN_RFM_BUCKETS..MAX_RFM_BUCKETS; 5 = quintiles. */
  readonly buckets: number;
  readonly recencyFrom: RfmRecencySource;
  readonly ties: RfmTies;
  readonly onlyCustomers: boolean;
}

export const MIN_RFM_BUCKETS = 3;
export const MAX_RFM_BUCKETS = 10;

export const DEFAULT_RFM_CONFIG: RfmConfig = {
  buckets: 5,
  recencyFrom: 'recencyDays',
  ties: 'average',
  onlyCustomers: true,
};

/** What is wrong with a config, in plain words; empty when it is valid. */
export function validateRfmConfig(config: RfmConfig): string[] {
  const problems: string[] = [];
  if (!Number.isInteger(config.buckets) || config.buckets < MIN_RFM_BUCKETS || config.buckets > MAX_RFM_BUCKETS) {
    problems.push(
      `buckets must be an integer from ${MIN_RFM_BUCKETS} to ${MAX_RFM_BUCKETS}, got ${String(config.buckets)}`,
    );
  }
  if (config.recencyFrom !== 'recencyDays') problems.push(`recencyFrom must be 'recencyDays', got ${String(config.recencyFrom)}`);
  if (!RFM_TIES.includes(config.ties)) problems.push(`ties must be one of ${RFM_TIES.join(', ')}, got ${String(config.ties)}`);
  if (typeof config.onlyCustomers !== 'boolean') problems.push('onlyCustomers must be a boolean');
  return problems;
}
