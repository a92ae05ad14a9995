import type { ApiKeyRecord, ApiKeyScope, Workspace } from '../core/auth/workspace.js';
import type { CatalogItem } from '../core/catalog/catalog-item.js';
import type { EventType, StoredEvent } from '../core/events/event.js';
import type { EventRejection } from '../core/events/event-rejection.js';
import type { IdentifierKind, MergeRecord } from '../core/identity/identity.js';
import type { ComputedTraitDefinition } from '../core/profiles/computed-trait.js';
import type { ProfileFeatures } from '../core/features/compute-features.js';
import type { ProfileState } from '../core/profiles/profile-state.js';
import type { ApiKeyId, ProfileId, WorkspaceId } from '../core/shared/ids.js';
import type { JsonValue } from '../core/shared/json.js';
import type { EpochMs } from '../core/shared/time.js';
import type { TimelineCursor } from '../ports/event-store.js';
import type { Membership, MembershipChange } from '../ports/segment-store.js';
import type { SegmentKind } from '../core/segments/segment-definition.js';
import type { BackfillOutcome, BackfillProgress } from './segments/segment-engine.js';
import type { PredictionsApi } from './models/prediction-service.js';
import type { RecommendationsApi } from './recs/recommendation-service.js';
import type { DecisionsApi } from './decisions/decision-service.js';
import type { ExperimentsApi } from './experiments/experiments-service.js';
import type { MemberContact, OverlapMatrix, SavedSegment, SegmentInput, SegmentPreview, SegmentSummary, SizePoint } from './segments/segment-service.js';
import type { RuleInput } from './segments/parse-segment-input.js';
import type { ClusteringsApi } from './segments/clustering-model.js';
import type { SegmentPersona } from './segments/persona-service.js';
import type { RfmApi } from './segments/rfm-service.js';
import type { SessionsApi, UsersApi } from './auth/sessions.js';
import type { CreateWebhookInput, CreatedWebhook, WebhookView } from './webhooks/webhooks-service.js';

/** Who is calling: resolved from an API key, or from a dashboard session. */
export interface AuthContext {
  readonly workspaceId: WorkspaceId;
  /** The key used, or that opened the session; null for a session of a user account. */
  readonly keyId: ApiKeyId | null;
  readonly scope: ApiKeyScope;
}

export interface IngestRequest {
  readonly workspaceId: WorkspaceId;
  /** The events as received (unknown until validated). */
  readonly events: readonly unknown[];
  readonly receivedAtMs: EpochMs;
  /** For /v1/track etc.: the type the route implies (an event's own `type` must agree or be absent). */
  readonly impliedType: EventType | null;
  /** Batch-level `sentAt`, used when an event has none of its own (Segment puts it on the batch). */
  readonly batchSentAt: unknown;
}

export interface IngestRejectedEvent extends EventRejection {
  /** Position of the event in the request's batch (0-based). */
  readonly index: number;
}

export interface IngestOutcome {
  /** New events stored and applied to profiles. */
  readonly accepted: number;
  /** Events whose messageId was already stored (retries): acknowledged, not applied again. */
  readonly duplicates: number;
  readonly rejected: readonly IngestRejectedEvent[];
}

export type { ProfileLookup } from './profiles/profile-lookup.js';
import type { ProfileLookup } from './profiles/profile-lookup.js';

export interface ProfileView {
  readonly profileId: ProfileId;
  readonly state: ProfileState;
  readonly traits: Readonly<Record<string, JsonValue>>;
  readonly features: ProfileFeatures;
  readonly computedTraits: Readonly<Record<string, JsonValue>>;
  readonly identities: readonly { readonly kind: IdentifierKind; readonly value: string; readonly firstSeenMs: EpochMs }[];
  readonly merges: readonly MergeRecord[];
  /** Model scores at nowMs (`predicted.<key>`), one per trained prediction model. */
  readonly predicted: Readonly<Record<string, number>>;
  /** Current segments, with why the profile is in each (evaluated at nowMs). */
  readonly segments: readonly ProfileSegment[];
}

export interface ProfileSegment {
  readonly key: string;
  readonly name: string;
  readonly kind: SegmentKind;
  readonly enteredAtMs: EpochMs;
  readonly reasons: readonly string[];
}

/** Rule segments: definitions, live membership, preview, overlap, export, history and the change feed. */
export interface SegmentsApi {
  list(workspace: WorkspaceId): Promise<readonly SegmentSummary[]>;
  get(workspace: WorkspaceId, key: string): Promise<SegmentSummary>;
  /** Saves a new segment and backfills it over every profile before returning. */
  create(workspace: WorkspaceId, input: SegmentInput, onProgress?: (progress: BackfillProgress) => void): Promise<SavedSegment>;
  /** Replaces (or creates) the segment at `key` and backfills it. */
  update(workspace: WorkspaceId, key: string, input: SegmentInput, onProgress?: (progress: BackfillProgress) => void): Promise<SavedSegment>;
  delete(workspace: WorkspaceId, key: string): Promise<boolean>;
  preview(workspace: WorkspaceId, input: RuleInput): Promise<SegmentPreview>;
  overlap(workspace: WorkspaceId, keys: readonly string[] | null): OverlapMatrix;
  members(workspace: WorkspaceId, key: string, opts: { readonly afterProfileId: ProfileId | null; readonly limit: number }): Promise<readonly Membership[]>;
  /** Members with their user id and `email` trait, for campaign exports. */
  exportMembers(workspace: WorkspaceId, key: string, opts: { readonly afterProfileId: ProfileId | null; readonly limit: number }): Promise<readonly MemberContact[]>;
  sizeOverTime(workspace: WorkspaceId, key: string): Promise<readonly SizePoint[]>;
  changes(
    workspace: WorkspaceId,
    opts: { readonly afterSeq: number; readonly limit: number; readonly segmentKeys?: readonly string[]; readonly profileId?: ProfileId },
  ): Promise<readonly MembershipChange[]>;
  /** Live changes as they commit (server-sent events); returns the unsubscribe function. */
  subscribe(workspace: WorkspaceId, listener: (changes: readonly MembershipChange[]) => void): () => void;
  /** Is the profile in the segment now? A memory lookup (decision time). */
  isMember(workspace: WorkspaceId, key: string, profileId: ProfileId): boolean;
  /** Re-evaluates profiles whose time windows are due (a timer calls it; tests call it directly). */
  runDue(workspace: WorkspaceId): Promise<number>;
  /** Re-evaluates the given segments (default: every segment) over all profiles. */
  backfill(workspace: WorkspaceId, keys: readonly string[] | null, onProgress?: (progress: BackfillProgress) => void): Promise<BackfillOutcome>;
  /** What sets the segment's members apart from every profile: numbers, a justified name, a narrative. */
  persona(workspace: WorkspaceId, key: string): Promise<SegmentPersona>;
}

/**
 * Webhooks that receive membership changes (signed POSTs, retried with backoff; docs/api.md). The
 * secret is returned by create only; list shows a hint and the delivery status.
 */
export interface WebhooksApi {
  /** Validates the URL (http or https) and the segments (each must exist; none: every segment). */
  create(workspace: WorkspaceId, input: CreateWebhookInput): Promise<CreatedWebhook>;
  list(workspace: WorkspaceId): Promise<readonly WebhookView[]>;
  delete(workspace: WorkspaceId, id: string): Promise<boolean>;
}

export interface TimelineView {
  readonly events: readonly StoredEvent[];
  readonly next: TimelineCursor | null;
}

export interface CreatedKey {
  readonly record: ApiKeyRecord;
  /** The secret, shown once. */
  readonly secret: string;
}

export interface CatalogUpsertOutcome {
  readonly accepted: number;
  readonly rejected: readonly { readonly index: number; readonly field: string | null; readonly message: string }[];
}

export interface BootstrapOutcome {
  readonly workspace: Workspace;
  /** Secrets generated now (absent for keys supplied by the caller). Shown once. */
  readonly generated: readonly CreatedKey[];
  readonly supplied: readonly ApiKeyRecord[];
}

export interface RebuildProgress {
  readonly eventsDone: number;
  readonly eventsTotal: number;
}

export interface RebuildOutcome {
  readonly events: number;
  readonly profiles: number;
  readonly merges: number;
  readonly elapsedMs: number;
}

/** The dashboard's first page (GET /v1/overview): counts from stores and in-memory services, nothing scanned. */
export interface OverviewView {
  readonly profiles: number;
  readonly events: number;
  readonly identitiesMerged: number;
  /** Accepted events per second, averaged over the last minute and hour (since this process started). */
  readonly eventsPerSecond: { readonly last1m: number; readonly last1h: number };
  readonly segments: readonly { readonly key: string; readonly name: string; readonly size: number }[];
  readonly models: readonly { readonly key: string; readonly kind: string; readonly version: number; readonly trainedAtMs: EpochMs; readonly auc: number | null }[];
  readonly recommender: { readonly version: number; readonly trainedAtMs: EpochMs } | null;
  readonly experiments: readonly { readonly key: string; readonly placement: string; readonly status: 'running' | 'stopped'; readonly arms: number }[];
  /** Decisions served in the last 24 hours by this process (an in-memory count). */
  readonly decisionsLast24h: number;
}

export interface HealthView {
  readonly status: 'ok';
  readonly storage: string;
  readonly uptimeMs: number;
  readonly ingestQueueDepth: number;
  /** Profiles changed since the last flush (write-behind; recovered from the log after a crash). */
  readonly unflushedProfiles: number;
}

/**
 * The use cases, as the HTTP server, the CLI and the dashboard see them. Every face calls these;
 * none reaches a store directly.
 */
export interface AttuneApp {
  authenticate(secret: string): Promise<AuthContext | null>;
  ingest(request: IngestRequest): Promise<IngestOutcome>;
  getProfile(workspace: WorkspaceId, lookup: ProfileLookup, nowMs: EpochMs): Promise<ProfileView | null>;
  getTimeline(
    workspace: WorkspaceId,
    lookup: ProfileLookup,
    opts: { readonly limit: number; readonly before: TimelineCursor | null },
  ): Promise<TimelineView | null>;
  listProfiles(
    workspace: WorkspaceId,
    opts: { readonly afterId: ProfileId | null; readonly limit: number },
  ): Promise<readonly ProfileState[]>;
  countProfiles(workspace: WorkspaceId): Promise<number>;
  createKey(input: { readonly workspaceId: WorkspaceId; readonly name: string; readonly scope: ApiKeyScope }): Promise<CreatedKey>;
  listKeys(workspace: WorkspaceId): Promise<readonly ApiKeyRecord[]>;
  revokeKey(workspace: WorkspaceId, id: ApiKeyId): Promise<boolean>;
  upsertCatalog(workspace: WorkspaceId, items: readonly unknown[]): Promise<CatalogUpsertOutcome>;
  getCatalogItem(workspace: WorkspaceId, id: string): Promise<CatalogItem | null>;
  listCatalog(
    workspace: WorkspaceId,
    opts: { readonly afterId: string | null; readonly limit: number; readonly category: string | null },
  ): Promise<readonly CatalogItem[]>;
  deleteCatalogItem(workspace: WorkspaceId, id: string): Promise<boolean>;
  listComputedTraits(workspace: WorkspaceId): Promise<readonly ComputedTraitDefinition[]>;
  /** Saves a definition (validated) and recomputes it on every profile. */
  putComputedTrait(workspace: WorkspaceId, definition: unknown): Promise<ComputedTraitDefinition>;
  deleteComputedTrait(workspace: WorkspaceId, name: string): Promise<boolean>;
  listWorkspaces(): Promise<readonly Workspace[]>;
  /**
   * Creates another workspace (a tenant whose data no key of another workspace can reach) with a
   * generated admin key and write key, returned once. The id is `ws_<slug>`; a taken slug is refused.
   */
  createWorkspace(input: { readonly slug: string; readonly name: string }): Promise<{ readonly workspace: Workspace; readonly keys: readonly CreatedKey[] }>;
  /**
   * First start: creates workspace `default` when the store has none, with an admin and a write key.
   * Given secrets (ATTUNE_ADMIN_KEY / ATTUNE_WRITE_KEY) become those keys; otherwise keys are generated
   * and returned here once (the caller prints them). Returns null when a workspace already existed.
   */
  bootstrap(input: { readonly adminSecret: string | null; readonly writeSecret: string | null }): Promise<BootstrapOutcome | null>;
  /**
   * Replays the event log of a workspace into fresh identities and profiles (`attune rebuild`).
   * The result must equal what live ingestion produced.
   */
  rebuild(workspace: WorkspaceId, onProgress: (progress: RebuildProgress) => void): Promise<RebuildOutcome>;
  readonly segments: SegmentsApi;
  readonly webhooks: WebhooksApi;
  /** Prediction models per workspace, served as `predicted.<key>` (src/app/models/prediction-service.ts). */
  readonly predictions: PredictionsApi;
  /** RFM scores and the 11 standard RFM segments, live (src/app/segments/rfm-service.ts). */
  readonly rfm: RfmApi;
  /** k-means clusterings with personas, each cluster a live segment (src/app/segments/cluster-service.ts). */
  readonly clusterings: ClusteringsApi;
  /** Recommendations for a user, an item or a basket, per placement, from memory (src/app/recs/recommendation-service.ts). */
  readonly recommendations: RecommendationsApi;
  /** One answer per placement: items, offer, content, with reasons; outcomes teach the bandits (src/app/decisions). */
  readonly decisions: DecisionsApi;
  /** Experiments on decision placements and their results (src/app/experiments). */
  readonly experiments: ExperimentsApi;
  /** Dashboard logins: sessions opened with an API key (read or admin) or a user account. */
  readonly sessions: SessionsApi;
  /** Dashboard user accounts (scrypt-hashed passwords). */
  readonly users: UsersApi;
  overview(workspace: WorkspaceId): Promise<OverviewView>;
  health(): HealthView;
  /** Stops accepting events, flushes what was acknowledged, and closes storage. */
  close(): Promise<void>;
}
