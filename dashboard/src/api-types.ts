import type { z } from 'zod';
import type { ProfileSegmentResponse as ProfileSegment } from '../../src/server/segments.schema.js';
import type { OverviewResponseSchema, SessionResponseSchema } from '../../src/server/dashboard.schema.js';

/**
 * The shapes the dashboard reads, from the server's own schemas (`import type` only: nothing of the
 * server is bundled). The error body is repeated here: src/server/api.schema.ts pulls in a module
 * that needs Node's Buffer type, which the browser build has not.
 */
export type { HistoryResponse, SegmentPreviewResponse, SegmentResponse } from '../../src/server/segments.schema.js';
export type SessionResponse = z.output<typeof SessionResponseSchema>;
export type OverviewResponse = z.output<typeof OverviewResponseSchema>;

/** The one error body of every route (docs/errors.md). */
export interface ErrorResponseBody {
  readonly error: { readonly code: string; readonly message: string; readonly details?: readonly Record<string, unknown>[] };
}

export type { ProfileFeatures } from '../../src/core/features/compute-features.js';
export type { ProfileSegmentResponse } from '../../src/server/segments.schema.js';
export type { ModelVersionResponse } from '../../src/server/models.schema.js';

/*
 * Profile, timeline and recommender shapes, restated: their schemas live in modules that need
 * Node's Buffer type (src/server/api.schema.ts, src/server/recommendations.schema.ts). Only the
 * fields the pages read are listed; the source of truth stays the server schema named on each.
 */

/** `ProfileResponseSchema` (src/server/api.schema.ts); `features` are `ProfileFeatures` as JSON. */
export interface ProfileResponse {
  readonly profileId: string;
  readonly identities: readonly { readonly kind: 'user_id' | 'anonymous_id'; readonly value: string; readonly firstSeenAt: string }[];
  readonly traits: Readonly<Record<string, unknown>>;
  readonly features: Readonly<Record<string, unknown>>;
  readonly computedTraits: Readonly<Record<string, unknown>>;
  readonly segments: readonly ProfileSegment[];
  readonly predicted: Readonly<Record<string, number>>;
  readonly links: { readonly timeline: string };
}

/** `ProfileSummarySchema` / `ProfileListResponseSchema` (src/server/api.schema.ts). */
export interface ProfileSummary {
  readonly profileId: string;
  readonly traits: Readonly<Record<string, unknown>>;
  readonly eventCount: number;
  readonly firstSeenAt: string | null;
  readonly lastSeenAt: string | null;
}
export interface ProfileListResponse {
  readonly profiles: readonly ProfileSummary[];
  readonly next: string | null;
}

/** `TimelineEventSchema` / `TimelineResponseSchema` (src/server/api.schema.ts). */
export interface TimelineEvent {
  readonly messageId: string;
  readonly type: string;
  readonly event: string | null;
  readonly name: string | null;
  readonly properties: Readonly<Record<string, unknown>>;
  readonly timestamp: string;
}
export interface TimelineResponse {
  readonly events: readonly TimelineEvent[];
  readonly next: string | null;
}

interface RecsQuality {
  readonly hitRate: number;
  readonly ndcg: number;
}

/** `RecsVersionSchema` / `RecsStatusSchema` (src/server/recommendations.schema.ts). */
export interface RecsVersion {
  readonly version: number;
  readonly trainedAt: string;
  readonly dataUntil: string | null;
  readonly trainMs: number;
  readonly events: number;
  readonly report: {
    readonly interactions: { readonly views: number; readonly carts: number; readonly purchases: number };
    readonly users: number;
    readonly items: number;
    readonly personal: { readonly algorithm: string; readonly lambda: number | null; readonly reason: string };
    readonly timeContext: Readonly<Record<string, { readonly used: boolean; readonly reason: string; readonly cramersV: number; readonly rows: number }>>;
    readonly weights: Readonly<Record<string, number>>;
    readonly weightsSource: 'learned' | 'default';
    readonly weightsReason: string;
    readonly validation: {
      readonly from: string;
      readonly users: number;
      readonly k: number;
      readonly blend: RecsQuality;
      readonly popularity: RecsQuality;
      readonly strategies: Readonly<Record<string, RecsQuality>>;
    } | null;
  };
}
export interface RecsStatusResponse {
  readonly current: RecsVersion;
  readonly history: readonly RecsVersion[];
}


/*
 * Experiment results, restated: `ExperimentResults` (src/core/experiments/experiment-results.ts)
 * reaches Node's Buffer through src/core/recs. Only the fields the Experiments page reads.
 */

/** `Interval` (src/core/experiments/intervals.ts). */
export interface IntervalEstimate {
  readonly estimate: number;
  readonly lower: number;
  readonly upper: number;
  readonly pValue: number;
  readonly confidence: number;
}

/** `RateEstimate`: a rate with its Wilson interval; null without a denominator. */
export interface RateEstimate {
  readonly count: number;
  readonly n: number;
  readonly rate: number | null;
  readonly lower: number | null;
  readonly upper: number | null;
}

/** `ArmResults`. */
export interface ArmResults {
  readonly key: string;
  readonly treatment: string;
  readonly weight: number;
  readonly isBaseline: boolean;
  readonly units: number;
  readonly exposures: number;
  readonly orders: number;
  readonly ctr: RateEstimate;
  readonly conversion: RateEstimate;
  readonly revenuePerUnit: { readonly mean: number | null; readonly sd: number | null };
  readonly discountPerUnit: number | null;
}

/** `ArmComparison` (the always-valid look is `SequentialLook`, src/core/experiments/sequential.ts). */
export interface ArmComparison {
  readonly arm: string;
  readonly baseline: string;
  readonly revenuePerUnit: {
    readonly difference: IntervalEstimate;
    readonly alwaysValid: { readonly estimate: number; readonly lower: number; readonly upper: number; readonly pValue: number; readonly alpha: number; readonly looks: number; readonly significant: boolean } | null;
  } | null;
  readonly roi: { readonly marginRate: number; readonly roiPerUnit: IntervalEstimate; readonly totals: { readonly units: number; readonly roi: number } } | null;
  readonly guardrail: { readonly refunds: IntervalEstimate; readonly breached: boolean } | null;
  readonly verdict: { readonly verdict: 'better' | 'worse' | 'inconclusive'; readonly metric: string; readonly reason: string };
}

/** `ExperimentResults`; `srm` is `SrmResult` (src/core/experiments/srm.ts). */
export interface ExperimentResults {
  readonly confidence: number;
  readonly units: number;
  readonly arms: readonly ArmResults[];
  readonly comparisons: readonly ArmComparison[];
  readonly srm: { readonly statistic: number; readonly df: number; readonly pValue: number; readonly expected: readonly number[]; readonly mismatch: boolean; readonly threshold: number };
}

/** `ExperimentSchema` (src/server/routes/experiments.routes.ts). */
export interface ExperimentResponse {
  readonly key: string;
  readonly placement: string;
  readonly version: number;
  readonly arms: readonly { readonly key: string; readonly treatment: string; readonly weight: number }[];
  readonly baseline: string;
  readonly status: string;
  readonly attributionHours: number;
  readonly marginRate: number;
  readonly startedAt: string;
}

/** `GET /v1/experiments/{key}/results` (JSON): `results` is the core's `ExperimentResults`. */
export interface ExperimentResultsResponse {
  readonly experiment: ExperimentResponse;
  readonly results: ExperimentResults;
  readonly report: string;
}

/** `ConfigListSchema` (src/server/decisions.schema.ts), as `GET /v1/placements` answers it. */
export interface ConfigListResponse {
  readonly items: readonly { readonly key: string; readonly definition: unknown }[];
}

/** `DecisionSchema` (src/server/decisions.schema.ts, which needs Node's Buffer through api.schema.ts). */
export interface DecisionResponse {
  readonly decisionId: string;
  readonly placement: string;
  readonly channel: string;
  readonly personalized: boolean;
  readonly notPersonalizedReason: string | null;
  readonly recommendations: {
    readonly reason: string;
    readonly personalized: boolean;
    readonly notPersonalizedReason: string | null;
    readonly items: readonly {
      readonly itemId: string;
      readonly name: string | null;
      readonly category: string | null;
      readonly price: number | null;
      readonly strategy: string;
      readonly fallback: boolean;
      readonly reasons: readonly { readonly source: string; readonly because: string | null; readonly text: string }[];
    }[];
  } | null;
  readonly offer: {
    readonly reason: string;
    readonly key: string;
    readonly name: string;
    readonly kind: string;
    readonly discountPercent: number;
    readonly discountValue: number | null;
    readonly headline: string | null;
    readonly policy: string;
    readonly propensity: number;
  } | null;
  readonly noOfferReason: string | null;
  readonly content: {
    readonly reason: string;
    readonly variant: string;
    readonly subject: string | null;
    readonly body: string | null;
    readonly text: string | null;
    readonly policy: string;
    readonly propensity: number;
  } | null;
  readonly experiment: { readonly key: string; readonly version: number; readonly arm: string; readonly treatment: string } | null;
  readonly at: string;
}

/**
 * `KeyResponseSchema` (src/server/api.schema.ts, restated for the Buffer reason above). The server
 * does not record when a key was last used yet; `lastUsedAt` is read only if it ever sends one.
 */
export interface KeyResponse {
  readonly id: string;
  readonly name: string;
  readonly scope: 'write' | 'read' | 'admin';
  readonly prefix: string;
  readonly createdAt: string;
  readonly revokedAt: string | null;
  readonly lastUsedAt?: string | null;
}

/** `CreatedKeyResponseSchema`: the one answer that carries the secret. */
export interface CreatedKeyResponse extends KeyResponse {
  readonly secret: string;
}
