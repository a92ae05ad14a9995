import type { ProfileFeatures } from '../../core/features/compute-features.js';
import { computeFeatures } from '../../core/features/compute-features.js';
import type { ProfileSpec } from '../../core/profiles/profile-spec.js';
import type { ProfileState } from '../../core/profiles/profile-state.js';
import type { BehaviorView } from '../../core/segments/behavior-view.js';
import { createBehaviorViewFromTracks } from '../../core/segments/behavior-tracks.js';
import type { MembershipLookup, SegmentInput } from '../../core/segments/evaluate-segment.js';
import type { JsonValue } from '../../core/shared/json.js';
import type { EpochMs } from '../../core/shared/time.js';

/**
 * Adds workspace-level derived values to a profile's features: RFM scores against the fitted
 * boundaries (`features.rfm`), nearest clusters (`features.cluster.<key>`).
 */
export interface FeatureEnricher {
  enrich(features: Record<string, unknown>, base: ProfileFeatures, nowMs: EpochMs): void;
}

/** A trained model's score for a profile, as `predicted.<key>` (computed from its features at now). */
export interface ScorePredictor {
  readonly key: string;
  score(features: ProfileFeatures, nowMs: EpochMs): number;
}

/**
 * What a rule reads about one profile. Features, traits and the behavior view are built on first
 * use only: most events re-evaluate segments that read a few traits or one event, and computing
 * every feature for them would cost more than the evaluation.
 */
export class ProfileSegmentInput implements SegmentInput {
  private featuresCache: Record<string, unknown> | null = null;
  private traitsCache: Record<string, JsonValue> | null = null;
  private behaviorCache: BehaviorView | null = null;
  private baseCache: ProfileFeatures | null = null;

  private readonly state: ProfileState;
  private readonly nowMs: EpochMs;
  private readonly spec: ProfileSpec;
  private readonly enrichers: readonly FeatureEnricher[];
  /** The profile's memberships as evaluation goes (updated by the caller in dependency order). */
  readonly segments: MembershipLookup;
  private readonly predictors: readonly ScorePredictor[];
  private predictedCache: Record<string, number> | null = null;

  constructor(
    state: ProfileState,
    nowMs: EpochMs,
    spec: ProfileSpec,
    enrichers: readonly FeatureEnricher[],
    segments: MembershipLookup,
    predictors: readonly ScorePredictor[] = [],
  ) {
    this.state = state;
    this.nowMs = nowMs;
    this.spec = spec;
    this.enrichers = enrichers;
    this.segments = segments;
    this.predictors = predictors;
  }

  /** Model scores, computed on first use (a rule or view that reads none pays nothing). */
  get predicted(): Readonly<Record<string, number>> {
    if (this.predictedCache === null) {
      const scores: Record<string, number> = {};
      for (const predictor of this.predictors) {
        const value = predictor.score(this.baseFeatures, this.nowMs);
        if (Number.isFinite(value)) scores[predictor.key] = value;
      }
      this.predictedCache = scores;
    }
    return this.predictedCache;
  }

  get baseFeatures(): ProfileFeatures {
    this.baseCache ??= computeFeatures(this.state, this.nowMs, this.spec);
    return this.baseCache;
  }

  get features(): Readonly<Record<string, unknown>> {
    if (this.featuresCache === null) {
      const base = this.baseFeatures;
      const features: Record<string, unknown> = { ...base };
      for (const enricher of this.enrichers) enricher.enrich(features, base, this.nowMs);
      this.featuresCache = features;
    }
    return this.featuresCache;
  }

  get computed(): Readonly<Record<string, JsonValue>> {
    return this.baseFeatures.computedTraits;
  }

  get traits(): Readonly<Record<string, JsonValue>> {
    if (this.traitsCache === null) {
      const traits: Record<string, JsonValue> = {};
      for (const [name, entry] of Object.entries(this.state.traits)) traits[name] = entry.value;
      this.traitsCache = traits;
    }
    return this.traitsCache;
  }

  get behavior(): BehaviorView {
    this.behaviorCache ??= createBehaviorViewFromTracks(this.state.behavior);
    return this.behaviorCache;
  }
}
