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
