import { z } from 'zod';
import { MAX_RFM_BUCKETS, MIN_RFM_BUCKETS, RFM_TIES } from '../core/segments/rfm/rfm-config.js';
import { RFM_SEGMENT_KEYS } from '../core/segments/rfm/rfm-segments.js';

/** Request and response shapes of /v1/rfm (docs/api.md, "RFM"). Instants are ISO-8601 `...At`. */

const Count = z.number().int().min(0);
const IsoInstant = z.string().describe('ISO-8601 instant (UTC)');
const SegmentKey = z.enum(RFM_SEGMENT_KEYS as [string, ...string[]]);

export const RfmConfigSchema = z
  .object({
    buckets: z.number().int().min(MIN_RFM_BUCKETS).max(MAX_RFM_BUCKETS).optional().describe('Buckets per dimension; 5 = quintiles'),
    ties: z.enum(RFM_TIES as [string, ...string[]]).optional().describe("'average' (default) or 'min' rank for tied values"),
    onlyCustomers: z.boolean().optional().describe('Score only profiles with an order (default true)'),
  })
  .strict();

export const RfmFitRequestSchema = z
  .object({ config: RfmConfigSchema.optional().describe('Changes to the stored (or default) config') })
  .strict()
  .nullish()
  .describe('Optional: no body fits with the stored (or default) config');

const DimensionSchema = z.object({
  betterWhen: z.enum(['higher', 'lower']),
  edges: z.array(z.number().nullable()).readonly().describe('edges[k-1]: the value needed for a score of at least k+1 (null: nobody reached it)'),
  bestValue: z.number().nullable(),
  worstValue: z.number().nullable(),
  bucketCounts: z.array(Count).readonly().describe('Fitted customers per score 1..buckets'),
  distinctValues: Count,
  fittedCount: Count,
});

const SegmentSummarySchema = z.object({
  key: SegmentKey,
  segmentKey: z.string().describe('The live segment (GET /v1/segments/{segmentKey})'),
  name: z.string(),
  description: z.string(),
  recommendedAction: z.string(),
  count: Count.describe('Profiles scored into this segment now'),
  members: Count.describe('Current members of the live segment'),
  customerShare: z.number(),
  revenue: z.number(),
  revenueShare: z.number().nullable(),
  averageOrders: z.number().nullable(),
  averageRecencyDays: z.number().nullable(),
  averageMonetary: z.number().nullable(),
});

export const RfmResponseSchema = z
  .object({
    config: z.object({ buckets: z.number().int(), ties: z.string(), recencyFrom: z.string(), onlyCustomers: z.boolean() }),
    fittedAt: IsoInstant,
    scoredAt: IsoInstant,
    boundaries: z.object({ recency: DimensionSchema, frequency: DimensionSchema, monetary: DimensionSchema }),
    population: z.object({ profiles: Count, customers: Count, scored: Count, fitted: Count }),
    revenue: z.number(),
    segments: z.array(SegmentSummarySchema).describe('Best first; empty segments included'),
    grid: z.array(z.object({ r: z.number().int(), fm: z.number().int(), segment: SegmentKey, count: Count })).describe('R 5..1 by FM 1..5'),
    backfill: z
      .object({ profiles: Count, entered: Count, exited: Count, elapsedMs: z.number() })
      .optional()
      .describe('POST /v1/rfm/fit only: what re-evaluating the RFM segments did'),
    changedSegments: z.array(z.string()).optional().describe('POST /v1/rfm/fit only: segment definitions created or changed'),
  })
  .meta({ id: 'Rfm' });

export type RfmFitRequest = z.output<typeof RfmFitRequestSchema>;
export type RfmResponse = z.output<typeof RfmResponseSchema>;
