/**
 * The standard named RFM segments, as one explicit table over the R vs FM grid.
 *
 * The widely used definition (Putler's 11 segments) gives each segment ranges of R and of
 * FM = average(F, M) on 1..5 scores, and the ranges overlap (R 4 FM 1 is both "New Customers"
 * R 4-5 FM ≤ 1 and "Promising" R 3-4 FM ≤ 1). The table below resolves every overlap once, so each
 * of the 25 cells has exactly one segment, and each cell lies inside its segment's published ranges:
 *
 *              FM 1             FM 2                FM 3              FM 4              FM 5
 *     R 5   New Customers    Potential Loyalist  Loyal Customers   Champions         Champions
 *     R 4   Promising        Potential Loyalist  Loyal Customers   Champions         Champions
 *     R 3   About to Sleep   Need Attention      Need Attention    Loyal Customers   Loyal Customers
 *     R 2   About to Sleep   Hibernating         At Risk           At Risk           At Risk
 *     R 1   Lost             Hibernating         At Risk           Can't Lose Them   Can't Lose Them
 *
 * Published ranges (R; FM): Champions 4-5; 4-5 · Loyal 2-5; 3-5 · Potential Loyalist 3-5; 1-3 ·
 * New 4-5; ≤1 · Promising 3-4; ≤1 · Need Attention 2-3; 2-3 · About to Sleep 2-3; ≤2 ·
 * At Risk ≤2; 2-5 · Can't Lose Them ≤1; 4-5 · Hibernating 1-2; 1-2 · Lost ≤2; ≤2.
 *
 * The FM column is floor((F + M) / 2): a half step rounds down, so a column is reached only when
 * the average reaches it (F 1 M 2, a one-time buyer of modest value, stays in FM 1).
 *
 * Other bucket counts are rescaled to the 1..5 grid dimension by dimension, before averaging:
 * score s of B buckets covers the quantile range ((s-1)/B, s/B]; it maps to the quintile holding
 * the middle of that range, ceil(5 · (2s - 1) / (2B)). B = 5 is unchanged, B = 3 maps 1,2,3 to
 * 1,3,5, B = 4 to 1,2,4,5, B = 10 to 1,1,2,2,3,3,4,4,5,5. The middle is never on a quintile edge
 * (5·(2s-1) is odd, 2B even), so there is no rounding rule to choose.
 */
export type RfmSegmentKey =
  | 'champions'
  | 'loyal_customers'
  | 'potential_loyalist'
  | 'new_customers'
  | 'promising'
  | 'need_attention'
  | 'about_to_sleep'
  | 'at_risk'
  | 'cant_lose_them'
  | 'hibernating'
  | 'lost';

export interface RfmSegmentDefinition {
  readonly key: RfmSegmentKey;
  readonly name: string;
  readonly description: string;
  readonly recommendedAction: string;
}

/** Best to worst: the order of the grid view and of summarizeRfm. */
export const RFM_SEGMENTS: readonly RfmSegmentDefinition[] = [
  {
    key: 'champions',
    name: 'Champions',
    description: 'Bought recently, buy often and spend the most.',
    recommendedAction: 'Reward them; ask for reviews and referrals; early access to new products.',
  },
  {
    key: 'loyal_customers',
    name: 'Loyal Customers',
    description: 'Spend good money and buy often; respond to promotions.',
    recommendedAction: 'Upsell higher-value products; loyalty programme; ask for reviews.',
  },
  {
    key: 'potential_loyalist',
    name: 'Potential Loyalist',
    description: 'Recent customers with average frequency and spend.',
    recommendedAction: 'Offer membership or a loyalty programme; recommend related products.',
  },
  {
    key: 'new_customers',
    name: 'New Customers',
    description: 'Bought most recently, but not often and not much yet.',
    recommendedAction: 'Onboarding; build the relationship early; a reason for a second order.',
  },
  {
    key: 'promising',
    name: 'Promising',
    description: 'Recent shoppers who have not bought much yet.',
    recommendedAction: 'Build brand awareness; free trials and small incentives.',
  },
  {
    key: 'need_attention',
    name: 'Need Attention',
    description: 'Average recency, frequency and spend; may be drifting away.',
    recommendedAction: 'Limited-time offers and recommendations based on past purchases.',
  },
  {
    key: 'about_to_sleep',
    name: 'About to Sleep',
    description: 'Below-average recency, few orders and low spend; lost if not reactivated.',
    recommendedAction: 'Share popular products and discounts; reconnect before they lapse.',
  },
  {
    key: 'at_risk',
    name: 'At Risk',
    description: 'Spent well and bought often, but a long time ago.',
    recommendedAction: 'Personalised win-back messages, offers and helpful resources.',
  },
  {
    key: 'cant_lose_them',
    name: "Can't Lose Them",
    description: 'Among the best spenders and most frequent buyers, but have not returned for a long time.',
    recommendedAction: 'Win them back with new products or personal outreach; do not lose them to competitors.',
  },
  {
    key: 'hibernating',
    name: 'Hibernating',
    description: 'Last order long ago, few orders and low spend.',
    recommendedAction: 'Offer relevant products and special discounts; recreate brand value.',
  },
  {
    key: 'lost',
    name: 'Lost',
    description: 'Lowest recency, frequency and spend.',
    recommendedAction: 'Revive interest with an outreach campaign, or leave them out of paid campaigns.',
  },
];

export const RFM_SEGMENT_KEYS: readonly RfmSegmentKey[] = RFM_SEGMENTS.map((segment) => segment.key);

/** RFM_GRID[5 - r][fm - 1]: rows R 5..1, columns FM 1..5, as in the table above. */
export const RFM_GRID: readonly (readonly RfmSegmentKey[])[] = [
  ['new_customers', 'potential_loyalist', 'loyal_customers', 'champions', 'champions'],
  ['promising', 'potential_loyalist', 'loyal_customers', 'champions', 'champions'],
  ['about_to_sleep', 'need_attention', 'need_attention', 'loyal_customers', 'loyal_customers'],
  ['about_to_sleep', 'hibernating', 'at_risk', 'at_risk', 'at_risk'],
  ['lost', 'hibernating', 'at_risk', 'cant_lose_them', 'cant_lose_them'],
];

export interface RfmSegmentMatch extends RfmSegmentDefinition {
  /** The grid cell that decided it (R and FM on the 1..5 grid, after rescaling). */
  readonly cell: { readonly r: number; readonly fm: number };
}

/** Score s of `buckets` buckets on the 1..5 grid (see the file comment). */
export function rescaleRfmScoreToFive(score: number, buckets: number): number {
  if (!Number.isInteger(score) || !Number.isInteger(buckets) || buckets < 1 || score < 1 || score > buckets) {
    throw new RangeError(`score must be an integer in 1..${String(buckets)}, got ${String(score)}`);
  }
  return Math.ceil((5 * (2 * score - 1)) / (2 * buckets));
}

/** Names the segment of an RFM score (from scoreRfm, any bucket count). */
export function nameRfmSegment(score: {
  readonly r: number;
  readonly f: number;
  readonly m: number;
  readonly buckets: number;
}): RfmSegmentMatch {
  const r = rescaleRfmScoreToFive(score.r, score.buckets);
  const fm = Math.floor((rescaleRfmScoreToFive(score.f, score.buckets) + rescaleRfmScoreToFive(score.m, score.buckets)) / 2);
  const key = RFM_GRID[5 - r]?.[fm - 1];
  const definition = RFM_SEGMENTS.find((segment) => segment.key === key);
  if (definition === undefined) throw new Error(`No RFM segment for R ${r} FM ${fm}`);
  return { ...definition, cell: { r, fm } };
}
