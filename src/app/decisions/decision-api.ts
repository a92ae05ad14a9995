import type { ProfileFeatures } from '../../core/features/compute-features.js';
import type { ProfileState } from '../../core/profiles/profile-state.js';
import type { SegmentInput } from '../../core/segments/evaluate-segment.js';
import type { StoredDecision } from '../../core/decisions/decision-record.js';
import type { WorkspaceId } from '../../core/shared/ids.js';
import type { JsonValue } from '../../core/shared/json.js';
import type { EpochMs } from '../../core/shared/time.js';
import type { TemplateData } from '../../ports/template-renderer.js';
import type { ProfileLookup } from '../profiles/profile-lookup.js';
import type { RecommendationList } from '../recs/recommendation-service.js';
import type { PolicyEvaluation } from './policy-evaluation.js';

/** The decisions use case as the faces see it (src/app/decisions/decision-service.ts implements it). */

/** The live profile as decide() reads it (built by the app from the writer's cache and the engine). */
export interface DecisionProfile {
  readonly state: ProfileState;
  readonly input: SegmentInput & { readonly baseFeatures: ProfileFeatures };
  readonly segments: readonly string[];
}

export interface DecideRequest {
  readonly user: ProfileLookup | null;
  readonly placement: string;
  readonly context: {
    readonly page?: string | undefined;
    readonly device?: string | undefined;
    /** When the answer is shown (ISO in the API); default now. */
    readonly atMs?: EpochMs | undefined;
    /** The item in view (product page): item-to-item recommendations and the price offers are held to. */
    readonly itemId?: string | undefined;
    /** The basket's value, for offer guardrails on a cart page. */
    readonly basketValue?: number | undefined;
  };
}

export interface DecisionPart {
  readonly reason: string;
}

export interface DecisionView {
  readonly decisionId: string;
  readonly placement: string;
  readonly channel: string;
  readonly personalized: boolean;
  readonly notPersonalizedReason: string | null;
  readonly recommendations: (RecommendationList & DecisionPart) | null;
  readonly offer:
    | (DecisionPart & {
        readonly key: string;
        readonly name: string;
        readonly kind: string;
        readonly discountPercent: number;
        readonly discountValue: number | null;
        readonly headline: string | null;
        readonly policy: string;
        readonly propensity: number;
      })
    | null;
  /** Why no offer, when there is none. */
  readonly noOfferReason: string | null;
  readonly content:
    | (DecisionPart & {
        readonly variant: string;
        readonly subject: string | null;
        readonly body: string | null;
        readonly text: string | null;
        readonly policy: string;
        readonly propensity: number;
      })
    | null;
  /** The experiment arm this customer is in on this placement (or the global holdout); null: none. */
  readonly experiment: { readonly key: string; readonly version: number; readonly arm: string; readonly treatment: string } | null;
  readonly atMs: EpochMs;
}

export interface DecisionsApi {
  decide(workspace: WorkspaceId, request: DecideRequest): Promise<DecisionView>;
  getDecision(workspace: WorkspaceId, id: string): Promise<StoredDecision | null>;
  putOffer(workspace: WorkspaceId, key: string, body: unknown): Promise<JsonValue>;
  listOffers(workspace: WorkspaceId): readonly { readonly key: string; readonly source: JsonValue }[];
  deleteOffer(workspace: WorkspaceId, key: string): Promise<boolean>;
  putPlacement(workspace: WorkspaceId, key: string, body: unknown): Promise<JsonValue>;
  listPlacements(workspace: WorkspaceId): readonly { readonly key: string; readonly source: JsonValue }[];
  deletePlacement(workspace: WorkspaceId, key: string): Promise<boolean>;
  /** Renders a template for a user as decide would (preview). */
  preview(workspace: WorkspaceId, input: { readonly template: string; readonly user: ProfileLookup | null; readonly escape: 'html' | 'none' }): Promise<string>;
  /** The template data of a profile (campaign rendering). */
  templateData(workspace: WorkspaceId, user: ProfileLookup, extra: { readonly recommendations: RecommendationList | null; readonly channel: string; readonly atMs: EpochMs }): Promise<{ readonly data: TemplateData; readonly consented: boolean } | null>;
  /**
   * Compiles a campaign's templates once (refusing bad ones with the field, line and column) and
   * returns a renderer for one recipient at a time: null for a recipient without a profile or
   * without consent to the `purpose` (marketing e-mail by default), with the reason.
   */
  campaign(
    workspace: WorkspaceId,
    templates: { readonly subject: string | null; readonly body: string | null; readonly text: string | null },
    options: { readonly channel: string; readonly purpose: string; readonly recommendations: number; readonly atMs: EpochMs },
  ): (user: ProfileLookup) => Promise<{ readonly rendered: { readonly subject: string | null; readonly body: string | null; readonly text: string | null } } | { readonly skipped: string }>;
  /**
   * Off-policy evaluation from the decision log: what other policies would have earned on the
   * logged traffic of a placement's offers or content (IPS, self-normalized IPS, doubly robust),
   * next to what the logging policy earned. Decisions still inside the reward window are left out.
   */
  evaluatePolicies(workspace: WorkspaceId, placement: string, slot: 'offers' | 'content'): Promise<PolicyEvaluation>;
  /** The bandits' learned state per placement slot (arms, updates, coefficients by feature name). */
  banditReport(workspace: WorkspaceId, placement: string): readonly { readonly slot: string; readonly arms: readonly { readonly arm: string; readonly updates: number; readonly coefficients: Readonly<Record<string, number>> }[] }[];
}

