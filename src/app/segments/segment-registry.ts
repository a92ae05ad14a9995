import type { BehaviorTrackSpec } from '../../core/profiles/behavior-track.js';
import type { CompiledRule } from '../../core/segments/compiled-rule.js';
import type { SegmentDefinition } from '../../core/segments/segment-definition.js';
import { behaviorTracksOf } from '../../core/segments/behavior-tracks.js';

export interface LiveSegment {
  readonly definition: SegmentDefinition;
  readonly compiled: CompiledRule;
  /** Its result can change with time alone: it takes part in scheduled re-evaluation. */
  readonly timeRelative: boolean;
  /** Part of its clock cannot be scheduled (decay, cart abandonment, RFM recency): swept periodically. */
  readonly swept: boolean;
  /** Reads features, computed traits or predictions: any event may change it. */
  readonly readsProfile: boolean;
  /** Top-level trait names it reads: an event setting one of them may change it. */
  readonly traits: ReadonlySet<string>;
  readonly events: ReadonlySet<string>;
  readonly dependsOnSegments: readonly string[];
}

/**
 * One workspace's segments, compiled and in dependency order (a segment after every segment its
 * rule names), with what each reads, so an event re-evaluates only the segments it can affect.
 */
export interface SegmentRegistry {
  readonly ordered: readonly LiveSegment[];
  readonly byKey: ReadonlyMap<string, LiveSegment>;
  /** What the profile fold must keep for the behavioral conditions of all segments. */
  readonly tracks: readonly BehaviorTrackSpec[];
  readonly hasTimeRelative: boolean;
}

export const EMPTY_REGISTRY: SegmentRegistry = { ordered: [], byKey: new Map(), tracks: [], hasTimeRelative: false };

/**
 * Orders segments so that each comes after the ones it reads with `in segment`. Returns the
 * cycle (keys in order) instead when there is one; unknown segment names are ignored (they never
 * match).
 */
export function orderSegments<T extends { readonly key: string; readonly dependsOn: readonly string[] }>(
  items: readonly T[],
): { readonly ok: true; readonly ordered: T[] } | { readonly ok: false; readonly cycle: string[] } {
  const byKey = new Map(items.map((item) => [item.key, item]));
  const ordered: T[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (item: T): string[] | null => {
    const seen = state.get(item.key);
    if (seen === 'done') return null;
    if (seen === 'visiting') return [...stack.slice(stack.indexOf(item.key)), item.key];
    state.set(item.key, 'visiting');
    stack.push(item.key);
    for (const dep of item.dependsOn) {
      const next = byKey.get(dep);
      if (next === undefined) continue;
      const cycle = visit(next);
      if (cycle !== null) return cycle;
    }
    stack.pop();
    state.set(item.key, 'done');
    ordered.push(item);
    return null;
  };
  // Sorted first, so the order (and so evaluation and history order) does not depend on storage order.
  for (const item of [...items].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) {
    const cycle = visit(item);
    if (cycle !== null) return { ok: false, cycle };
  }
  return { ok: true, ordered };
}

/** Builds the registry; the caller has refused cycles when the definitions were saved. */
export function buildSegmentRegistry(segments: readonly { readonly definition: SegmentDefinition; readonly compiled: CompiledRule }[]): SegmentRegistry {
  const live: LiveSegment[] = segments.map(({ definition, compiled }) => {
    const deps = compiled.dependsOn;
    return {
      definition,
      compiled,
      timeRelative: deps.timeRelative,
      swept: deps.unscheduledTime,
      readsProfile: deps.features.length + deps.computed.length + deps.predicted.length > 0,
      traits: new Set(deps.traits),
      events: new Set(deps.events),
      dependsOnSegments: deps.segments,
    };
  });
  const result = orderSegments(live.map((segment) => ({ key: segment.definition.key, dependsOn: segment.dependsOnSegments, segment })));
  // A cycle cannot be saved; should one be stored anyway, evaluate in key order rather than fail.
  const ordered = result.ok ? result.ordered.map((item) => item.segment) : live;
  return {
    ordered,
    byKey: new Map(ordered.map((segment) => [segment.definition.key, segment])),
    tracks: behaviorTracksOf(ordered.map((segment) => segment.compiled)),
    hasTimeRelative: ordered.some((segment) => segment.timeRelative),
  };
}
