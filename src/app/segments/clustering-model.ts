import type { ProfileFeatures } from '../../core/features/compute-features.js';
import type { Dendrogram } from '../../core/models/hclust/ward.js';
import type { KmeansState } from '../../core/models/kmeans/kmeans-state.js';
import type { ColumnTransform, Scaler } from '../../core/models/scaling.js';
import type { WorkspaceId } from '../../core/shared/ids.js';
import type { EpochMs } from '../../core/shared/time.js';
import type { Persona } from './persona-service.js';
import type { BackfillOutcome } from './segment-engine.js';

/**
 * Clusterings as data: the request, what is stored (the model that assigns profiles live) and
 * what the API shows. The service that trains them is cluster-service.ts.
 */

/** StoredModel kind of clusterings (id = the clustering key). */
export const CLUSTERING_MODEL_KIND = 'clustering';
export const CLUSTERING_FORMAT = 'clustering@1';

/** Clustering keys: they name `features.cluster.<key>` and the segments `<key>-1` ... */
export const CLUSTERING_KEY_PATTERN = /^[a-z][a-z0-9_]{0,39}$/;

/** Above this many rows k-means runs mini-batch (Sculley) instead of exact Lloyd. */
export const MINI_BATCH_ABOVE_ROWS = 200_000;
export const MINI_BATCH = { batchSize: 4_096, iterations: 500 } as const;

export const CLUSTERING_LIMITS = { maxK: 50, maxAutoK: 20, maxRestarts: 50, maxFeatures: 20, minSampleSize: 100, maxSampleSize: 5_000 } as const;
export const CLUSTERING_DEFAULTS = {
  features: ['recencyDays', 'frequency', 'monetary'],
  kMin: 2,
  kMax: 8,
  restarts: 10,
  seed: 1,
  population: 'customers',
  sampleSize: 2_000,
} as const;

type NumericFeatureName = { [K in keyof ProfileFeatures]-?: ProfileFeatures[K] extends number | null ? K : never }[keyof ProfileFeatures];

/**
 * The ProfileFeatures fields a clustering may use, with their default transform: signed log1p for
 * counts and money (skewed, heavy-tailed), none for days, rates and clock positions.
 */
export const CLUSTER_FEATURE_TRANSFORMS = {
  recencyDays: 'none',
  daysSinceLastSeen: 'none',
  frequency: 'log1p',
  monetary: 'log1p',
  grossRevenue: 'log1p',
  refunds: 'log1p',
  refundAmount: 'log1p',
  cancellations: 'log1p',
  cancelAmount: 'log1p',
  averageOrderValue: 'log1p',
  ordersLast7d: 'log1p',
  ordersLast30d: 'log1p',
  ordersLast90d: 'log1p',
  ordersLast365d: 'log1p',
  revenueLast7d: 'log1p',
  revenueLast30d: 'log1p',
  revenueLast90d: 'log1p',
  revenueLast365d: 'log1p',
  eventCount: 'log1p',
  sessions: 'log1p',
  pageViews: 'log1p',
  screenViews: 'log1p',
  productViews: 'log1p',
  cartAdds: 'log1p',
  cartRemoves: 'log1p',
  checkoutsStarted: 'log1p',
  cartItemCount: 'log1p',
  abandonedCarts: 'log1p',
  discountedOrders: 'log1p',
  discountTotal: 'log1p',
  discountUsageRate: 'none',
  categoryInterest: 'none',
  preferredHourOfDay: 'none',
  preferredDayOfWeek: 'none',
} as const satisfies Partial<Record<NumericFeatureName, ColumnTransform>>;

export type ClusterFeatureName = keyof typeof CLUSTER_FEATURE_TRANSFORMS;
export const CLUSTER_FEATURE_NAMES = Object.keys(CLUSTER_FEATURE_TRANSFORMS) as ClusterFeatureName[];

export const isClusterFeature = (name: string): name is ClusterFeatureName => Object.hasOwn(CLUSTER_FEATURE_TRANSFORMS, name);

/** Which profiles take part: customers (at least one order) or every profile. */
export type ClusterPopulation = 'customers' | 'all';

export interface ClusteringRequest {
  readonly key: string;
  /** Feature names (CLUSTER_FEATURE_NAMES); default recencyDays, frequency, monetary. */
  readonly features?: readonly string[];
  /** A fixed number of clusters; without it k is chosen in kMin..kMax by silhouette. */
  readonly k?: number;
  readonly kMin?: number;
  readonly kMax?: number;
  readonly restarts?: number;
  readonly seed?: number;
  readonly population?: ClusterPopulation;
  /** Per-feature transform overrides. */
  readonly transforms?: Readonly<Record<string, ColumnTransform>>;
  /** Rows in the silhouette sample (automatic k). */
  readonly sampleSize?: number;
}

export interface KEvidenceView {
  readonly k: number;
  /** Mean silhouette on the sample; null when undefined (JSON has no NaN). */
  readonly silhouette: number | null;
  readonly inertia: number;
  readonly elbowScore: number;
  readonly iterations: number;
  readonly converged: boolean;
  readonly clusterSizes: readonly number[];
}

/** Why this k: the silhouette and inertia of every k tried (automatic), or the k that was asked for. */
export interface ClusteringEvidence {
  readonly mode: 'automatic' | 'fixed';
  readonly chosenK: number;
  readonly rule: string;
  /** The sharpest bend of the inertia curve (a second opinion); null with a fixed k. */
  readonly elbowK: number | null;
  readonly kMin: number | null;
  /** The largest k tried (the request's kMax, lowered to rows / 2 on small data). */
  readonly kMax: number | null;
  readonly silhouetteSampleSize: number | null;
  readonly perK: readonly KEvidenceView[];
}

export interface ClusterView {
  /** 0-based: the value of `features.cluster.<key>`. Clusters are numbered by size, largest first. */
  readonly index: number;
  readonly segmentKey: string;
  readonly name: string;
  /** Training rows in the cluster. */
  readonly size: number;
  readonly share: number;
  /** Current members of the live segment. */
  readonly members: number;
  /** The centroid in feature units (the scaler and transforms undone). */
  readonly centre: Readonly<Record<string, number>>;
  readonly persona: Persona;
}

export interface ClusteringCounts {
  /** Profiles scanned. */
  readonly profiles: number;
  /** Of them in the population (customers, or all). */
  readonly inPopulation: number;
  /** In the population but left out: a feature had no value (e.g. recency without an order). */
  readonly excludedMissing: number;
  /** Rows clustered. */
  readonly rows: number;
}

export interface ClusteringSummary {
  readonly key: string;
  readonly k: number;
  readonly features: readonly string[];
  readonly population: ClusterPopulation;
  readonly seed: number;
  readonly createdAtMs: EpochMs;
  readonly rows: number;
  readonly clusters: readonly { readonly index: number; readonly segmentKey: string; readonly name: string; readonly size: number; readonly members: number }[];
}

export interface ClusteringDetail extends Omit<ClusteringSummary, 'clusters'> {
  readonly transforms: readonly ColumnTransform[];
  readonly restarts: number;
  readonly algorithm: KmeansState['algorithm'];
  readonly inertia: number;
  readonly converged: boolean;
  readonly iterations: number;
  readonly scaler: Scaler;
  readonly evidence: ClusteringEvidence;
  readonly counts: ClusteringCounts;
  readonly clusters: readonly ClusterView[];
}

export interface ClusteringCreated extends ClusteringDetail {
  readonly backfill: BackfillOutcome;
}

export interface DendrogramView {
  readonly key: string;
  /** Leaf i is cluster i, weighted by its size. */
  readonly leaves: readonly { readonly id: number; readonly index: number; readonly segmentKey: string; readonly name: string; readonly size: number }[];
  /** scipy linkage rows: ids < leaves are clusters, id leaves + r is merge r. Heights are Ward distances in the scaled space. */
  readonly merges: readonly { readonly a: number; readonly b: number; readonly height: number; readonly size: number }[];
}

export interface ClusteringsApi {
  /** Trains a clustering over every profile, stores it, assigns profiles live and creates one segment per cluster. */
  create(workspace: WorkspaceId, request: ClusteringRequest): Promise<ClusteringCreated>;
  list(workspace: WorkspaceId): Promise<readonly ClusteringSummary[]>;
  get(workspace: WorkspaceId, key: string): Promise<ClusteringDetail>;
  dendrogram(workspace: WorkspaceId, key: string): Promise<DendrogramView>;
  /** Removes the segments (recording exits), the model and the live assignment; false when unknown. */
  delete(workspace: WorkspaceId, key: string): Promise<boolean>;
}

export interface StoredCluster {
  readonly index: number;
  readonly segmentKey: string;
  readonly name: string;
  readonly size: number;
  readonly centre: Readonly<Record<string, number>>;
  readonly persona: Persona;
}

export interface ClusteringBody {
  readonly format: typeof CLUSTERING_FORMAT;
  readonly key: string;
  readonly features: readonly ClusterFeatureName[];
  readonly transforms: readonly ColumnTransform[];
  readonly population: ClusterPopulation;
  readonly seed: number;
  readonly restarts: number;
  readonly scaler: Scaler;
  readonly kmeans: KmeansState;
  readonly evidence: ClusteringEvidence;
  readonly dendrogram: Dendrogram;
  readonly counts: ClusteringCounts;
  readonly clusters: readonly StoredCluster[];
  readonly createdAtMs: EpochMs;
}

export interface ValidRequest {
  readonly key: string;
  readonly features: readonly ClusterFeatureName[];
  readonly transforms: readonly ColumnTransform[];
  readonly k: number | null;
  readonly kMin: number;
  readonly kMax: number;
  readonly restarts: number;
  readonly seed: number;
  readonly population: ClusterPopulation;
  readonly sampleSize: number;
}
