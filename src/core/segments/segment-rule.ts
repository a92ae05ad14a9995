/**
 * The segment rule language as data: the JSON form the API accepts and stores. The readable text
 * form (parse-segment-rule.ts / format-segment-rule.ts) maps one-to-one onto these types, so
 * parse(format(rule)) deep-equals rule.
 *
 * Paths name what a condition reads:
 * - `traits.<name>[.<sub>...]`      profile traits (open: any JSON type, missing never matches)
 * - `features.<field>[.<sub>]`      ProfileFeatures at nowMs (typed by the RuleSchema)
 * - `computed.<name>`               declared computed traits (open)
 * - `predicted.<name>`              model scores such as `predicted.churn` (numbers, open)
 * Inside `where` clauses of behavioral conditions a path is a dot path into the event properties.
 */

export const PATH_NAMESPACES = ['traits', 'features', 'computed', 'predicted'] as const;
export type PathNamespace = (typeof PATH_NAMESPACES)[number];

export const DURATION_UNITS = ['seconds', 'minutes', 'hours', 'days', 'weeks'] as const;
export type DurationUnit = (typeof DURATION_UNITS)[number];

/** Milliseconds per duration unit; weeks are 7 days, days are 24 hours (no calendar or DST). */
export const DURATION_UNIT_MS: Readonly<Record<DurationUnit, number>> = {
  seconds: 1_000,
  minutes: 60_000,
  hours: 3_600_000,
  days: 86_400_000,
  weeks: 604_800_000,
};

/** A length of time with exactly one unit, e.g. `{ "days": 30 }`. */
export type Duration =
  | { readonly seconds: number }
  | { readonly minutes: number }
  | { readonly hours: number }
  | { readonly days: number }
  | { readonly weeks: number };

/** A literal a comparison may hold. `null` is not one: use `exists` / `not_exists`. */
export type ScalarValue = string | number | boolean;

export const ORDER_OPS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte'] as const;
export type OrderOp = (typeof ORDER_OPS)[number];
export const SET_OPS = ['in', 'not_in'] as const;
export type SetOp = (typeof SET_OPS)[number];
export const TEXT_OPS = ['contains', 'starts_with'] as const;
export type TextOp = (typeof TEXT_OPS)[number];
export const PRESENCE_OPS = ['exists', 'not_exists'] as const;
export type PresenceOp = (typeof PRESENCE_OPS)[number];
export const RELATIVE_TIME_OPS = ['within_last', 'more_than_ago'] as const;
export type RelativeTimeOp = (typeof RELATIVE_TIME_OPS)[number];

export const COMPARE_OPS = [...ORDER_OPS, 'between', ...SET_OPS, ...TEXT_OPS, ...PRESENCE_OPS, ...RELATIVE_TIME_OPS] as const;
export type CompareOp = (typeof COMPARE_OPS)[number];

/**
 * One comparison on a path. The shape of `value` follows from `op`:
 * - eq/neq/gt/gte/lt/lte: a scalar (timestamps may be epoch ms or an ISO-8601 string);
 * - between: [low, high], both inclusive;
 * - in/not_in: a non-empty list of scalars;
 * - contains: a substring of a string value or an element of an array value; starts_with: a prefix;
 * - exists/not_exists: no value (not_exists is the only op a missing value matches);
 * - within_last/more_than_ago: a Duration, read against a timestamp value and nowMs.
 */
export type Comparison =
  | { readonly op: OrderOp; readonly value: ScalarValue }
  | { readonly op: 'between'; readonly value: readonly [ScalarValue, ScalarValue] }
  | { readonly op: SetOp; readonly value: readonly ScalarValue[] }
  | { readonly op: TextOp; readonly value: ScalarValue }
  | { readonly op: PresenceOp }
  | { readonly op: RelativeTimeOp; readonly value: Duration };

export type CompareRule = { readonly kind: 'compare'; readonly path: string } & Comparison;

/** A condition on an event's properties (the `where` of behavioral conditions). */
export type EventCondition =
  | { readonly kind: 'and'; readonly children: readonly EventCondition[] }
  | { readonly kind: 'or'; readonly children: readonly EventCondition[] }
  | { readonly kind: 'not'; readonly child: EventCondition }
  | CompareRule;

export const COUNT_OPS = ['gte', 'lte', 'eq'] as const;
export type CountOp = (typeof COUNT_OPS)[number];

export interface CountBound {
  readonly op: CountOp;
  readonly value: number;
}

/**
 * "did EVENT [where C] [at least N times] [within D | since T]". Without `count`, at least once.
 * `within` is a rolling window ending at nowMs (time-relative: it expires without new events);
 * `since` is a fixed instant (epoch ms or ISO-8601). Without either, all recorded history.
 */
export interface DidRule {
  readonly kind: 'did';
  readonly event: string;
  readonly where?: EventCondition;
  readonly count?: CountBound;
  readonly within?: Duration;
  readonly since?: number | string;
}

/** "did not EVENT [where C] [within D | since T]": no matching event in the range. */
export interface DidNotRule {
  readonly kind: 'did_not';
  readonly event: string;
  readonly where?: EventCondition;
  readonly within?: Duration;
  readonly since?: number | string;
}

/** The first step of a sequence; `within` bounds how far back that first event may lie. */
export interface SequenceFirstStep {
  readonly event: string;
  readonly where?: EventCondition;
  readonly within?: Duration;
}

export interface SequenceThenStep {
  readonly kind: 'did' | 'did_not';
  readonly event: string;
  readonly where?: EventCondition;
}

/**
 * "did A then did [not] B within D". With `then.kind` 'did': some A was followed by a B at most D
 * later. With 'did_not': some A was NOT followed by a B within D, and those D have fully passed
 * (a view 1 hour ago has not yet "gone 2 days without an order"). See behavior-view.ts.
 */
export interface SequenceRule {
  readonly kind: 'sequence';
  readonly first: SequenceFirstStep;
  readonly then: SequenceThenStep;
  readonly within: Duration;
}

export interface GeoPoint {
  readonly lat: number;
  readonly lon: number;
}

/** Great-circle (haversine) distance from `center` to the profile's lat/lon is at most radiusKm. */
export interface GeoWithinRule {
  readonly kind: 'geo_within';
  readonly center: GeoPoint;
  readonly radiusKm: number;
  /** Default `traits.latitude`. */
  readonly latPath?: string;
  /** Default `traits.longitude`. */
  readonly lonPath?: string;
}

export const DEFAULT_LAT_PATH = 'traits.latitude';
export const DEFAULT_LON_PATH = 'traits.longitude';

export interface InSegmentRule {
  readonly kind: 'in_segment';
  readonly segment: string;
}

export type SegmentRule =
  | { readonly kind: 'and'; readonly children: readonly SegmentRule[] }
  | { readonly kind: 'or'; readonly children: readonly SegmentRule[] }
  | { readonly kind: 'not'; readonly child: SegmentRule }
  | CompareRule
  | GeoWithinRule
  | InSegmentRule
  | DidRule
  | DidNotRule
  | SequenceRule;

export type SegmentRuleKind = SegmentRule['kind'];

export const SEGMENT_RULE_KINDS: readonly SegmentRuleKind[] = [
  'and',
  'or',
  'not',
  'compare',
  'geo_within',
  'in_segment',
  'did',
  'did_not',
  'sequence',
];

/** The single unit of a Duration and its amount (null when it is not exactly one known unit). */
export function durationParts(duration: Duration): { readonly unit: DurationUnit; readonly amount: number } | null {
  const keys = Object.keys(duration);
  if (keys.length !== 1) return null;
  const unit = keys[0];
  if (!isDurationUnit(unit)) return null;
  const amount: unknown = (duration as Readonly<Record<string, unknown>>)[unit];
  return typeof amount === 'number' ? { unit, amount } : null;
}

export function durationToMs(duration: Duration): number {
  const parts = durationParts(duration);
  return parts === null ? 0 : parts.amount * DURATION_UNIT_MS[parts.unit];
}

export function makeDuration(unit: DurationUnit, amount: number): Duration {
  switch (unit) {
    case 'seconds':
      return { seconds: amount };
    case 'minutes':
      return { minutes: amount };
    case 'hours':
      return { hours: amount };
    case 'days':
      return { days: amount };
    case 'weeks':
      return { weeks: amount };
  }
}

export function isDurationUnit(value: unknown): value is DurationUnit {
  return typeof value === 'string' && (DURATION_UNITS as readonly string[]).includes(value);
}

/** "30 days", "day" (as in "in the last day"): how reasons name a window. */
export function describeDuration(duration: Duration): string {
  const parts = durationParts(duration);
  if (parts === null) return '0 days';
  return parts.amount === 1 ? parts.unit.slice(0, -1) : `${parts.amount} ${parts.unit}`;
}

/** The comparison part of a compare rule (op and value), without kind and path. */
export function comparisonOf(rule: CompareRule): Comparison {
  const { kind: _kind, path: _path, ...comparison } = rule;
  return comparison;
}
