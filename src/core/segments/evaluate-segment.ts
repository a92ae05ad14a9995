import { countOf, formatElapsed } from '../features/format-elapsed.js';
import { assertNever } from '../shared/assert-never.js';
import type { JsonValue } from '../shared/json.js';
import type { EpochMs } from '../shared/time.js';
import { MS_PER_DAY, toEpochDay, toIso } from '../shared/time.js';
import type { BehaviorView } from './behavior-view.js';
import type { CompiledNode, CompiledRule } from './compiled-rule.js';
import { haversineKm } from './haversine-km.js';
import { matchComparison, toInstantMs, toNumber } from './match-comparison.js';
import { readPath } from './read-path.js';
import type { Comparison, PathNamespace, ScalarValue } from './segment-rule.js';
import { describeDuration } from './segment-rule.js';

/** Whether a profile is in a segment, by key (a ReadonlySet<string> is one). */
export interface MembershipLookup {
  has(segmentKey: string): boolean;
}

/** Everything a rule can read about one profile at nowMs. */
export interface SegmentInput {
  readonly traits: Readonly<Record<string, JsonValue>>;
  /** ProfileFeatures computed at the same nowMs. */
  readonly features: Readonly<Record<string, unknown>>;
  readonly computed: Readonly<Record<string, JsonValue>>;
  readonly predicted: Readonly<Record<string, number>>;
  /** The segments the profile is currently in (for in_segment); a Set will do. */
  readonly segments: MembershipLookup;
  readonly behavior: BehaviorView;
  /**
   * Optional direct access to a compared value, used instead of following the node's path through
   * traits/features: an engine holding values by path (one array per path) answers without
   * building objects per profile. It must return what the path would read.
   */
  readonly readCompared?: (node: CompareNode) => unknown;
}

export type CompareNode = CompiledNode & { readonly kind: 'compare' };

export interface SegmentMatch {
  readonly matched: boolean;
  /** Why, in plain words with the numbers: the facts that decided the result. */
  readonly reasons: readonly string[];
  /**
   * The earliest instant after nowMs at which the result may flip with no new event (a window
   * expiring, a relative date passing, a day rolling over); null when only an event can change it.
   * It may be early (re-evaluate then and take the next one), never late, except for features with
   * an 'unknown' clock (see RuleDependencies.unscheduledTime).
   */
  readonly nextChangeAtMs: EpochMs | null;
}

/**
 * Evaluates a compiled rule for one profile. Pure and total over its data: a missing or
 * ill-typed value simply does not match. (An exception thrown by the caller's BehaviorView is an
 * infrastructure fault and propagates.)
 */
export function evaluateSegment(rule: CompiledRule, input: SegmentInput, nowMs: EpochMs): SegmentMatch {
  return evaluateNode(rule.root, input, nowMs, true);
}

/**
 * The same result as evaluateSegment without the reasons (`reasons` is empty): the engine's hot
 * path, where most evaluations change nothing and wording them would cost more than deciding.
 */
export function matchSegment(rule: CompiledRule, input: SegmentInput, nowMs: EpochMs): SegmentMatch {
  return evaluateNode(rule.root, input, nowMs, false);
}

const NO_REASONS: readonly string[] = [];

function evaluateNode(node: CompiledNode, input: SegmentInput, nowMs: EpochMs, explain: boolean): SegmentMatch {
  switch (node.kind) {
    case 'and':
    case 'or': {
      // Plain loops: this runs for every segment on every event (closures here showed in profiles).
      const results: SegmentMatch[] = [];
      let passed = 0;
      for (const child of node.children) {
        const result = evaluateNode(child, input, nowMs, explain);
        results.push(result);
        if (result.matched) passed++;
      }
      const matched = node.kind === 'and' ? passed === results.length : passed > 0;
      // The children that decide the result: for a failed `and` the failing ones, for a passed
      // `or` the passing ones, otherwise all of them. Only they can flip it.
      const keep: boolean | null = node.kind === 'and' ? (matched ? null : false) : matched ? true : null;
      const reasons: string[] = [];
      let nextChangeAtMs: EpochMs | null = null;
      for (const result of results) {
        if (keep !== null && result.matched !== keep) continue;
        if (explain) for (const reason of result.reasons) reasons.push(reason);
        if (result.nextChangeAtMs !== null && (nextChangeAtMs === null || result.nextChangeAtMs < nextChangeAtMs)) nextChangeAtMs = result.nextChangeAtMs;
      }
      return { matched, reasons: explain ? reasons : NO_REASONS, nextChangeAtMs };
    }
    case 'not': {
      const child = evaluateNode(node.child, input, nowMs, explain);
      return { matched: !child.matched, reasons: child.reasons, nextChangeAtMs: child.nextChangeAtMs };
    }
    case 'compare':
      return evaluateCompare(node, input.readCompared === undefined ? readPath(rootOf(input, node.namespace), node.segments) : input.readCompared(node), nowMs, explain);
    case 'geo_within': {
      const lat = toNumber(readPath(rootOf(input, node.lat.namespace), node.lat.segments));
      const lon = toNumber(readPath(rootOf(input, node.lon.namespace), node.lon.segments));
      const where = `(${node.center.lat}, ${node.center.lon})`;
      if (lat === null || lon === null || Math.abs(lat) > 90 || Math.abs(lon) > 180) {
        if (!explain) return still(false, null);
        return still(false, `location is missing (needs ${[...node.lat.segments].join('.')}/${[...node.lon.segments].join('.')} within ${node.radiusKm} km of ${where})`);
      }
      const km = haversineKm({ lat, lon }, node.center);
      const matched = km <= node.radiusKm;
      if (!explain) return still(matched, null);
      return still(matched, `is ${round(km)} km from ${where} (${matched ? '' : 'needs '}≤ ${node.radiusKm} km)`);
    }
    case 'in_segment': {
      const matched = input.segments.has(node.segment);
      if (!explain) return still(matched, null);
      return still(matched, `is ${matched ? '' : 'not '}in segment "${node.segment}"`);
    }
    case 'did':
      return evaluateDid(node, input.behavior, nowMs, explain);
    case 'sequence':
      return evaluateSequence(node, input.behavior, nowMs, explain);
    default:
      return assertNever(node, 'compiled node');
  }
}

function rootOf(input: SegmentInput, namespace: PathNamespace): unknown {
  switch (namespace) {
    case 'traits':
      return input.traits;
    case 'features':
      return input.features;
    case 'computed':
      return input.computed;
    case 'predicted':
      return input.predicted;
    default:
      return assertNever(namespace, 'path namespace');
  }
}

function evaluateCompare(node: CompiledNode & { readonly kind: 'compare' }, actual: unknown, nowMs: EpochMs, explain: boolean): SegmentMatch {
  const outcome = matchComparison(node.comparison, actual, nowMs);
  let nextChangeAtMs = outcome.nextChangeAtMs;
  if (node.clock === 'utc_day') nextChangeAtMs = earliest([nextChangeAtMs, (toEpochDay(nowMs) + 1) * MS_PER_DAY]);
  if (node.clock === 'days_elapsed') nextChangeAtMs = earliest([nextChangeAtMs, nextDaysElapsedChange(node.comparison, actual, nowMs)]);
  if (!explain) return { matched: outcome.matched, reasons: NO_REASONS, nextChangeAtMs };
  const expectation = describeExpectation(node.comparison, node.fieldType === 'timestamp');
  const label = node.label;
  let reason: string;
  if (actual === undefined || actual === null) {
    reason = node.comparison.op === 'not_exists' ? `${label} is missing` : `${label} is missing (needs ${expectation})`;
  } else if (node.comparison.op === 'exists' || node.comparison.op === 'not_exists') {
    reason = node.comparison.op === 'exists' ? `${label} is present` : `${label} is present (needs missing)`;
  } else {
    const relative = node.comparison.op === 'within_last' || node.comparison.op === 'more_than_ago';
    const shown = relative || node.fieldType === 'timestamp' ? showInstant(actual, nowMs) : showValue(actual);
    reason = `${label} is ${shown} (${outcome.matched ? '' : 'needs '}${expectation})`;
  }
  return { matched: outcome.matched, reasons: [reason], nextChangeAtMs };
}

/**
 * A value that grows by one per day (recencyDays) crosses each threshold above it at a known
 * instant; the earliest such crossing (rounded down, never before nowMs + 1) is when to look again.
 */
function nextDaysElapsedChange(comparison: Comparison, actual: unknown, nowMs: EpochMs): EpochMs | null {
  const value = toNumber(actual);
  if (value === null || !('value' in comparison)) return null;
  const raw = comparison.value;
  const thresholds = (Array.isArray(raw) ? raw : [raw]).map((item: unknown) => toNumber(item)).filter((item): item is number => item !== null);
  const crossings = thresholds.filter((threshold) => threshold >= value).map((threshold) => Math.max(nowMs + 1, Math.floor(nowMs + (threshold - value) * MS_PER_DAY)));
  return earliest(crossings);
}

function evaluateDid(node: CompiledNode & { readonly kind: 'did' }, behavior: BehaviorView, nowMs: EpochMs, explain: boolean): SegmentMatch {
  const sinceMs = node.windowMs === null ? node.sinceMs : nowMs - node.windowMs;
  const query = { event: node.event, filter: node.filter, sinceMs, untilMs: nowMs };
  const count = behavior.countMatching(query);
  const { op, value: bound } = node.count;
  const matched = op === 'gte' ? count >= bound : op === 'lte' ? count <= bound : count === bound;
  let nextChangeAtMs: EpochMs | null = null;
  if (node.windowMs !== null) {
    // Events leave the window oldest first; the result can flip when the count falls below the
    // bound (gte/eq holding) or down to it (lte/eq failing with too many).
    const nth = matched && op !== 'lte' ? bound : !matched && op !== 'gte' ? bound + 1 : 0;
    const atMs = nth >= 1 ? behavior.nthLatestMatchAtMs(query, nth) : null;
    nextChangeAtMs = atMs === null ? null : atMs + node.windowMs + 1;
  }
  if (!explain) return { matched, reasons: NO_REASONS, nextChangeAtMs };
  const subject = `${node.event}${node.whereText}`;
  const need = node.negated ? 'none' : op === 'gte' ? `≥ ${bound}` : op === 'lte' ? `≤ ${bound}` : `exactly ${bound}`;
  const reason =
    node.negated && count === 0 ? `did not do ${subject} ${node.windowText}` : `did ${subject} ${countOf(count, 'time')} ${node.windowText} (${matched ? '' : 'needs '}${need})`;
  return { matched, reasons: [reason], nextChangeAtMs };
}

function evaluateSequence(node: CompiledNode & { readonly kind: 'sequence' }, behavior: BehaviorView, nowMs: EpochMs, explain: boolean): SegmentMatch {
  const firstSinceMs = node.firstWindowMs === null ? null : nowMs - node.firstWindowMs;
  const state = behavior.sequenceState({ first: node.first, then: node.then, thenKind: node.thenKind, windowMs: node.windowMs, firstSinceMs, nowMs });
  const matched = state.completeCount > 0;
  const exitAtMs = node.firstWindowMs !== null && state.lastCompleteFirstAtMs !== null ? state.lastCompleteFirstAtMs + node.firstWindowMs + 1 : null;
  const nextChangeAtMs = earliest([exitAtMs, state.nextPendingCompletesAtMs]);
  if (!explain) return { matched, reasons: NO_REASONS, nextChangeAtMs };
  const lookback = node.firstWindowMs === null ? '' : ` in the last ${node.firstWindowText}`;
  const a = node.first.event;
  const b = node.then.event;
  let reason: string;
  if (node.thenKind === 'did') {
    reason = matched ? `did ${a} then ${b} within ${node.windowText} (${countOf(state.completeCount, 'time')}${lookback})` : `never did ${a} then ${b} within ${node.windowText}${lookback}`;
  } else if (matched) {
    reason = `did ${a} with no ${b} within ${node.windowText} after it (${countOf(state.completeCount, 'time')}${lookback}, latest ${showInstant(state.lastCompleteFirstAtMs, nowMs)})`;
  } else if (state.nextPendingCompletesAtMs !== null) {
    reason = `did ${a}, but its ${node.windowText} for ${b} are not over until ${toIso(state.nextPendingCompletesAtMs)}`;
  } else {
    reason = `no ${a}${lookback} went ${node.windowText} without ${b}`;
  }
  return { matched, reasons: [reason], nextChangeAtMs };
}

function describeExpectation(comparison: Comparison, timestamp: boolean): string {
  const show = (value: ScalarValue): string => (timestamp && typeof value === 'number' ? showInstantOnly(value) : showValue(value));
  switch (comparison.op) {
    case 'eq':
      return `= ${show(comparison.value)}`;
    case 'neq':
      return `≠ ${show(comparison.value)}`;
    case 'gt':
      return `> ${show(comparison.value)}`;
    case 'gte':
      return `≥ ${show(comparison.value)}`;
    case 'lt':
      return `< ${show(comparison.value)}`;
    case 'lte':
      return `≤ ${show(comparison.value)}`;
    case 'between':
      return `between ${show(comparison.value[0])} and ${show(comparison.value[1])}`;
    case 'in':
      return `one of [${comparison.value.map(show).join(', ')}]`;
    case 'not_in':
      return `none of [${comparison.value.map(show).join(', ')}]`;
    case 'contains':
      return `contains ${show(comparison.value)}`;
    case 'starts_with':
      return `starts with ${show(comparison.value)}`;
    case 'exists':
      return 'present';
    case 'not_exists':
      return 'missing';
    case 'within_last':
      return `within the last ${describeDuration(comparison.value)}`;
    case 'more_than_ago':
      return `more than ${describeDuration(comparison.value)} ago`;
    default:
      return assertNever(comparison, 'comparison');
  }
}

function showValue(value: unknown): string {
  if (typeof value === 'number') return String(round(value));
  if (typeof value === 'string') return JSON.stringify(value);
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function showInstant(value: unknown, nowMs: EpochMs): string {
  const atMs = toInstantMs(value);
  if (atMs === null) return showValue(value);
  const iso = showInstantOnly(atMs);
  return atMs > nowMs ? `${iso}, in the future` : `${iso}, ${formatElapsed(nowMs - atMs)}`;
}

/** ISO-8601 when the instant can be printed, the number otherwise: a reason never throws. */
function showInstantOnly(atMs: number): string {
  return toInstantMs(atMs) === null ? String(atMs) : toIso(atMs);
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

function still(matched: boolean, reason: string | null): SegmentMatch {
  return { matched, reasons: reason === null ? NO_REASONS : [reason], nextChangeAtMs: null };
}

function earliest(times: readonly (EpochMs | null)[]): EpochMs | null {
  let best: EpochMs | null = null;
  for (const time of times) if (time !== null && (best === null || time < best)) best = time;
  return best;
}
