import type { NormalizedEvent } from '../../core/events/event.js';
import type { ProfileSpec } from '../../core/profiles/profile-spec.js';
import type { ProfileState } from '../../core/profiles/profile-state.js';
import type { SegmentInput } from '../../core/segments/evaluate-segment.js';
import { evaluateSegment, matchSegment } from '../../core/segments/evaluate-segment.js';
import type { EpochMs } from '../../core/shared/time.js';
import type { FeatureEnricher, ScorePredictor } from './segment-input.js';
import { ProfileSegmentInput } from './segment-input.js';
import type { LiveSegment, SegmentRegistry } from './segment-registry.js';

export interface ProfileSegmentChange {
  readonly segmentKey: string;
  readonly kind: 'enter' | 'exit';
  readonly reasons: readonly string[];
  readonly segmentVersion: number;
}

/** A profile's memberships as a pass changes them (a Set, or MembershipIndex.viewOf). */
export interface MutableMemberships {
  has(segmentKey: string): boolean;
  add(segmentKey: string): void;
  delete(segmentKey: string): void;
}

export interface ProfileEvaluation {
  readonly changes: readonly ProfileSegmentChange[];
  /** Earliest instant an evaluated segment may flip with no new event; null: none. */
  readonly nextDueAtMs: EpochMs | null;
}

export interface EvaluateProfileInput {
  readonly registry: SegmentRegistry;
  readonly state: ProfileState;
  readonly nowMs: EpochMs;
  readonly spec: ProfileSpec;
  readonly enrichers: readonly FeatureEnricher[];
  readonly predictors: readonly ScorePredictor[];
  readonly current: MutableMemberships;
  /** Which segments to evaluate; segments reading a segment whose membership changed follow. */
  readonly select: (segment: LiveSegment) => boolean;
}

/**
 * Re-evaluates one profile's segments in dependency order and returns the enters and exits. A
 * segment that names another with `in segment` is re-evaluated whenever that one changed here,
 * so a chain of segments settles in one pass.
 */
export function evaluateProfileSegments(input: EvaluateProfileInput): ProfileEvaluation & { readonly input: ProfileSegmentInput } {
  const profile = new ProfileSegmentInput(input.state, input.nowMs, input.spec, input.enrichers, input.current, input.predictors);
  return { ...evaluateSegmentsOf(input.registry, profile, input.current, input.nowMs, input.select), input: profile };
}

/**
 * The evaluation loop over any view of a profile (its state, or the in-memory fact columns).
 * `segments` is the profile's current membership; it is updated as segments flip, so
 * `in_segment` reads the new value further down the dependency order.
 */
export function evaluateSegmentsOf(
  registry: SegmentRegistry,
  profile: SegmentInput,
  segments: MutableMemberships,
  nowMs: EpochMs,
  select: (segment: LiveSegment) => boolean,
): ProfileEvaluation {
  // Allocated on the first flip only: most evaluations change nothing (backfills visit millions).
  let changed: Set<string> | null = null;
  let changes: ProfileSegmentChange[] | null = null;
  let nextDueAtMs: EpochMs | null = null;
  for (const segment of registry.ordered) {
    if (!select(segment) && (changed === null || !readsAny(segment.dependsOnSegments, changed))) continue;
    const key = segment.definition.key;
    // Decide without words; only a change is explained.
    const match = matchSegment(segment.compiled, profile, nowMs);
    if (match.nextChangeAtMs !== null && (nextDueAtMs === null || match.nextChangeAtMs < nextDueAtMs)) nextDueAtMs = match.nextChangeAtMs;
    if (match.matched === segments.has(key)) continue;
    const { reasons } = evaluateSegment(segment.compiled, profile, nowMs);
    if (match.matched) segments.add(key);
    else segments.delete(key);
    (changed ??= new Set()).add(key);
    (changes ??= []).push({ segmentKey: key, kind: match.matched ? 'enter' : 'exit', reasons, segmentVersion: segment.definition.version });
  }
  return { changes: changes ?? NO_CHANGES, nextDueAtMs };
}

const NO_CHANGES: readonly ProfileSegmentChange[] = [];

function readsAny(keys: readonly string[], changed: ReadonlySet<string>): boolean {
  for (const key of keys) if (changed.has(key)) return true;
  return false;
}

/**
 * The segments a profile's new events can change: those reading features, computed traits or
 * predictions (any event moves some of them), those whose behavioral conditions name one of the
 * events, and those reading a trait one of the events sets (traits change only that way).
 */
export function affectedBy(events: readonly NormalizedEvent[]): (segment: LiveSegment) => boolean {
  const names = new Set<string>();
  const traits = new Set<string>();
  for (const event of events) {
    if (event.type === 'track' && event.event !== null) names.add(event.event);
    if (event.type !== 'group') for (const key in event.traits) traits.add(key);
  }
  return (segment) => {
    if (segment.readsProfile) return true;
    for (const name of names) if (segment.events.has(name)) return true;
    for (const trait of traits) if (segment.traits.has(trait)) return true;
    return false;
  };
}
