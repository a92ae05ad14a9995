/**
 * What a rule may read from `features.*` and with which type, so a rule is type-checked when it
 * is saved. traits/computed/predicted are open: any name is accepted and a missing one never matches.
 */

export const FIELD_TYPES = ['number', 'string', 'boolean', 'timestamp'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/**
 * How a feature moves with time alone (no new event), so evaluation can say when to look again:
 * - static: changes only with events;
 * - utc_day: whole-UTC-day windows (ordersLast30d): may change at each UTC midnight;
 * - days_elapsed: grows by exactly 1 per day since an event (recencyDays);
 * - unknown: changes with time at instants this module cannot predict (decay, cart abandonment):
 *   the engine must re-evaluate such rules on a periodic sweep (dependsOn.unscheduledTime).
 */
export type FeatureClock = 'static' | 'utc_day' | 'days_elapsed' | 'unknown';

export interface FeatureFieldSpec {
  readonly type: FieldType;
  readonly clock: FeatureClock;
}

export interface RuleSchema {
  /**
   * Feature paths without the `features.` prefix ('frequency', 'buyingStage.stage'). A key ending
   * in `.*` accepts any one further segment ('deviceMix.*' accepts 'deviceMix.mobile').
   */
  readonly features: Readonly<Record<string, FeatureFieldSpec>>;
  /** Segment keys an `in_segment` may name. */
  readonly knownSegments: readonly string[];
  /** When true, in_segment may name a segment not (yet) in knownSegments; it is simply never matched. */
  readonly allowUnknownSegments: boolean;
}

const n = (clock: FeatureClock = 'static'): FeatureFieldSpec => ({ type: 'number', clock });
const ts = (): FeatureFieldSpec => ({ type: 'timestamp', clock: 'static' });

/** The ProfileFeatures fields (src/core/features/compute-features.ts) a rule may read. */
export const DEFAULT_RULE_SCHEMA: RuleSchema = {
  features: {
    recencyDays: n('days_elapsed'),
    frequency: n(),
    monetary: n(),
    grossRevenue: n(),
    refunds: n(),
    refundAmount: n(),
    cancellations: n(),
    cancelAmount: n(),
    averageOrderValue: n(),
    firstSeenMs: ts(),
    lastSeenMs: ts(),
    daysSinceLastSeen: n('days_elapsed'),
    firstOrderMs: ts(),
    lastOrderMs: ts(),
    ordersLast7d: n('utc_day'),
    ordersLast30d: n('utc_day'),
    ordersLast90d: n('utc_day'),
    ordersLast365d: n('utc_day'),
    revenueLast7d: n('utc_day'),
    revenueLast30d: n('utc_day'),
    revenueLast90d: n('utc_day'),
    revenueLast365d: n('utc_day'),
    eventCount: n(),
    sessions: n(),
    pageViews: n(),
    screenViews: n(),
    productViews: n(),
    cartAdds: n(),
    cartRemoves: n(),
    checkoutsStarted: n(),
    cartItemCount: n(),
    cartLastAddMs: ts(),
    // An open cart becomes abandoned once cartAbandonAfterMs passes, which this module cannot see.
    abandonedCarts: n('unknown'),
    discountedOrders: n(),
    discountTotal: n(),
    discountUsageRate: n(),
    // Affinity decays with time: the top category can change as old interest fades.
    topCategory: { type: 'string', clock: 'unknown' },
    categoryInterest: n('unknown'),
    preferredHourOfDay: n(),
    preferredDayOfWeek: n(),
    'deviceMix.*': n(),
    'channelMix.*': n(),
    'buyingStage.stage': { type: 'string', clock: 'unknown' },
    'buyingStage.rule': { type: 'string', clock: 'unknown' },
    // RFM scores against the workspace's fitted boundaries (absent until RFM is fitted). R falls as
    // days pass, at boundaries this module does not hold: swept periodically.
    'rfm.r': n('unknown'),
    'rfm.f': n('unknown'),
    'rfm.m': n('unknown'),
    'rfm.fm': n('unknown'),
    'rfm.score': { type: 'string', clock: 'unknown' },
    'rfm.segment': { type: 'string', clock: 'unknown' },
    // Nearest cluster (0-based) per clustering key; features it reads may move with time.
    'cluster.*': n('unknown'),
  },
  knownSegments: [],
  allowUnknownSegments: true,
};

/** The spec of a feature path (without `features.`), or null when the schema does not list it. */
export function lookupFeature(schema: RuleSchema, featurePath: string): FeatureFieldSpec | null {
  if (Object.hasOwn(schema.features, featurePath)) return schema.features[featurePath] ?? null;
  const dot = featurePath.lastIndexOf('.');
  if (dot <= 0) return null;
  const wildcard = `${featurePath.slice(0, dot)}.*`;
  return Object.hasOwn(schema.features, wildcard) ? (schema.features[wildcard] ?? null) : null;
}
