import { z } from 'zod';

/** Request and response shapes of /v1/clusterings and GET /v1/segments/{key}/persona (docs/api.md). */

const Count = z.number().int().min(0);
const IsoInstant = z.string().describe('ISO-8601 instant (UTC)');
const Transform = z.enum(['none', 'log1p']);

export const ClusteringRequestSchema = z
  .object({
    key: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/).describe('Names features.cluster.<key> and the segments <key>-1, <key>-2 ...'),
    features: z.array(z.string()).min(1).max(20).optional().describe('Numeric profile features; default recencyDays, frequency, monetary'),
    k: z.number().int().min(1).max(50).optional().describe('A fixed number of clusters; omit to choose k by silhouette'),
    kMin: z.number().int().min(2).max(20).optional().describe('Smallest k tried (default 2)'),
    kMax: z.number().int().min(2).max(20).optional().describe('Largest k tried (default 8)'),
    restarts: z.number().int().min(1).max(50).optional().describe('k-means++ restarts per k (default 10)'),
    seed: z.number().int().min(0).optional().describe('Same data and seed give the same clusters (default 1)'),
    population: z.enum(['customers', 'all']).optional().describe('customers (default): profiles with an order'),
    transforms: z.record(z.string(), Transform).optional().describe('Per-feature override; default log1p for counts and money'),
    sampleSize: z.number().int().min(100).max(5000).optional().describe('Rows in the silhouette sample (default 2000)'),
  })
  .strict();

export const ClusteringParamsSchema = z.object({ key: z.string().min(1).max(64) });
export const SegmentPersonaParamsSchema = z.object({ key: z.string().min(1).max(64) });

const NarrativeSchema = z.object({
  text: z.string(),
  numbers: z.array(z.object({ what: z.string(), kind: z.string(), value: z.number(), text: z.string() })).readonly().describe('Every number of the text with its exact value'),
});

const FeatureContrastSchema = z.object({
  key: z.string(),
  label: z.string(),
  role: z.string(),
  unit: z.string(),
  groupCount: Count,
  groupMean: z.number(),
  populationMean: z.number(),
  populationStd: z.number(),
  standardizedDifference: z.number().describe("Cohen's d of the group against the population"),
  ratio: z.number().nullable(),
});

const CategoryLiftSchema = z.object({
  category: z.string(),
  groupCount: Count,
  populationCount: Count,
  groupShare: z.number(),
  populationShare: z.number(),
  lift: z.number(),
});

const GroupProfileSchema = z.object({
  size: Count,
  populationSize: Count,
  customerShare: z.number(),
  revenue: z.number().nullable(),
  revenueShare: z.number().nullable(),
  averageOrderValue: z.number().nullable(),
  populationAverageOrderValue: z.number().nullable(),
  features: z.array(FeatureContrastSchema).readonly(),
  skipped: z.array(z.object({ key: z.string(), reason: z.string() })).readonly(),
  categories: z.array(CategoryLiftSchema).readonly(),
  facts: z
    .array(
      z.union([
        z.object({ kind: z.literal('numeric'), direction: z.enum(['high', 'low']), contrast: FeatureContrastSchema }),
        z.object({ kind: z.literal('category'), lift: CategoryLiftSchema }),
      ]),
    )
    .readonly(),
  thresholds: z.object({ minSupport: z.number(), minEffect: z.number(), minLift: z.number() }),
});

const NamingSchema = z.object({
  name: z.string(),
  words: z.array(z.object({ word: z.string(), slot: z.string(), reason: z.record(z.string(), z.unknown()) })).readonly(),
  neutral: z.boolean(),
});

export const PersonaSchema = z
  .object({
    name: z.string(),
    naming: NamingSchema.describe('Each word of the name with the fact behind it'),
    narrative: NarrativeSchema,
    profile: GroupProfileSchema.describe('Sizes, shares and revenue are exact; means, differences and lifts come from the rows in sampling'),
    sampling: z.object({ members: Count, population: Count, sampled: z.boolean(), note: z.string() }),
  })
  .meta({ id: 'Persona' });

export const SegmentPersonaResponseSchema = PersonaSchema.extend({
  segmentKey: z.string(),
  segmentName: z.string(),
  computedAt: IsoInstant,
}).meta({ id: 'SegmentPersona' });

const ClusterSummarySchema = z.object({ index: Count, segmentKey: z.string(), name: z.string(), size: Count, members: Count });

const ClusteringSummarySchema = z.object({
  key: z.string(),
  k: z.number().int(),
  features: z.array(z.string()),
  population: z.enum(['customers', 'all']),
  seed: z.number().int(),
  createdAt: IsoInstant,
  rows: Count,
  clusters: z.array(ClusterSummarySchema),
});

export const ClusteringListResponseSchema = z.object({ clusterings: z.array(ClusteringSummarySchema) }).meta({ id: 'ClusteringList' });

const EvidenceSchema = z.object({
  mode: z.enum(['automatic', 'fixed']),
  chosenK: z.number().int(),
  rule: z.string(),
  elbowK: z.number().int().nullable(),
  kMin: z.number().int().nullable(),
  kMax: z.number().int().nullable(),
  silhouetteSampleSize: Count.nullable(),
  perK: z.array(
    z.object({
      k: z.number().int(),
      silhouette: z.number().nullable().describe('Mean silhouette on the sample; higher is better (null when undefined)'),
      inertia: z.number(),
      elbowScore: z.number(),
      iterations: Count,
      converged: z.boolean(),
      clusterSizes: z.array(z.number()),
    }),
  ),
});

export const ClusteringResponseSchema = z
  .object({
    key: z.string(),
    k: z.number().int(),
    features: z.array(z.string()),
    transforms: z.array(Transform),
    population: z.enum(['customers', 'all']),
    seed: z.number().int(),
    restarts: z.number().int(),
    createdAt: IsoInstant,
    rows: Count,
    algorithm: z.enum(['lloyd', 'mini-batch']),
    inertia: z.number(),
    converged: z.boolean(),
    iterations: Count,
    scaler: z.object({ transforms: z.array(Transform), standardize: z.boolean(), means: z.array(z.number()), stds: z.array(z.number()) }),
    evidence: EvidenceSchema.describe('Why this k: silhouette and inertia per k tried'),
    counts: z.object({ profiles: Count, inPopulation: Count, excludedMissing: Count, rows: Count }),
    clusters: z.array(
      ClusterSummarySchema.extend({
        share: z.number(),
        centre: z.record(z.string(), z.number()).readonly().describe('The centroid in feature units'),
        persona: PersonaSchema,
      }),
    ),
    backfill: z.object({ profiles: Count, entered: Count, exited: Count, elapsedMs: z.number() }).optional().describe('POST only'),
  })
  .meta({ id: 'Clustering' });

export const DendrogramResponseSchema = z
  .object({
    key: z.string(),
    leaves: z.array(z.object({ id: Count, index: Count, segmentKey: z.string(), name: z.string(), size: Count })),
    merges: z
      .array(z.object({ a: Count, b: Count, height: z.number(), size: z.number() }))
      .describe('scipy linkage rows: ids below the leaf count are clusters, leaves + r is merge r; Ward heights in the scaled space'),
  })
  .meta({ id: 'ClusteringDendrogram' });

export type ClusteringRequestBody = z.output<typeof ClusteringRequestSchema>;
export type ClusteringResponse = z.output<typeof ClusteringResponseSchema>;
export type SegmentPersonaResponse = z.output<typeof SegmentPersonaResponseSchema>;
