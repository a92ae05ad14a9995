import type { EventFilter } from './behavior-view.js';
import type { FeatureClock, FieldType } from './rule-schema.js';
import type { Comparison, CountBound, GeoPoint, PathNamespace, SegmentRule } from './segment-rule.js';

/**
 * What a rule reads, so the engine re-evaluates only the segments an event can affect and
 * schedules time-window expiry.
 */
export interface RuleDependencies {
  /** Top-level trait names (`traits.address.city` reads `address`). */
  readonly traits: readonly string[];
  /** Feature paths without `features.`. */
  readonly features: readonly string[];
  readonly computed: readonly string[];
  readonly predicted: readonly string[];
  /** Event names of did / did not / sequence conditions. */
  readonly events: readonly string[];
  readonly segments: readonly string[];
  /** The result can change with time alone (windows, relative dates, time-moving features). */
  readonly timeRelative: boolean;
  /**
   * The rule reads a feature whose changes with time cannot be predicted here (schema clock
   * 'unknown'): SegmentMatch.nextChangeAtMs does not cover it; re-evaluate on a periodic sweep.
   */
  readonly unscheduledTime: boolean;
}

export type CompiledNode =
  | { readonly kind: 'and'; readonly children: readonly CompiledNode[] }
  | { readonly kind: 'or'; readonly children: readonly CompiledNode[] }
  | { readonly kind: 'not'; readonly child: CompiledNode }
  | {
      readonly kind: 'compare';
      readonly namespace: PathNamespace;
      /** Path segments after the namespace. */
      readonly segments: readonly string[];
      /** How reasons name the value: the feature path for features, the full path otherwise. */
      readonly label: string;
      /** Timestamp feature values are already epoch ms here. */
      readonly comparison: Comparison;
      readonly fieldType: FieldType | null;
      readonly clock: FeatureClock;
    }
  | {
      readonly kind: 'geo_within';
      readonly center: GeoPoint;
      readonly radiusKm: number;
      readonly lat: { readonly namespace: PathNamespace; readonly segments: readonly string[] };
      readonly lon: { readonly namespace: PathNamespace; readonly segments: readonly string[] };
    }
  | { readonly kind: 'in_segment'; readonly segment: string }
  | {
      readonly kind: 'did';
      /** True for `did_not` (compiled as exactly 0 times), which words its reasons differently. */
      readonly negated: boolean;
      readonly event: string;
      readonly filter: EventFilter | null;
      /** Readable `where` for reasons ('' when none). */
      readonly whereText: string;
      readonly count: CountBound;
      readonly windowMs: number | null;
      readonly windowText: string;
      readonly sinceMs: number | null;
    }
  | {
      readonly kind: 'sequence';
      readonly first: { readonly event: string; readonly filter: EventFilter | null };
      readonly then: { readonly event: string; readonly filter: EventFilter | null };
      readonly thenKind: 'did' | 'did_not';
      readonly firstWindowMs: number | null;
      /** "30 days" for reasons; '' without a lookback. */
      readonly firstWindowText: string;
      readonly windowMs: number;
      readonly windowText: string;
    };

/** A validated rule, ready to evaluate many times. Built by compileSegmentRule only. */
export interface CompiledRule {
  readonly format: 'segment-rule@1';
  /** The validated JSON form, as stored and returned by the API. */
  readonly rule: SegmentRule;
  /** The same rule in the text form. */
  readonly text: string;
  readonly dependsOn: RuleDependencies;
  readonly root: CompiledNode;
}
