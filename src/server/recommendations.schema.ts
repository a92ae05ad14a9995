import { z } from 'zod';
import { STRATEGIES } from '../core/recs/engine/recs-model.js';
import { MAX_COUNT } from '../core/recs/engine/placement.js';
import { OptionalInstantSchema } from './api.schema.js';

/** Request and response shapes of /v1/recommendations (docs/api.md, "Recommendations"). */

const Strategy = z.enum(STRATEGIES as unknown as [string, ...string[]]);
const IsoInstant = z.string().describe('ISO-8601 instant (UTC)');

export const RecommendationQuerySchema = z.object({
  placement: z.string().min(1).max(40).optional().describe('A configured placement (PUT /v1/recommendations/placements/{key}); unknown keys use the defaults'),
  count: z.coerce.number().int().min(1).max(MAX_COUNT).optional().describe("Items wanted (default: the placement's count, 10)"),
  at: OptionalInstantSchema.describe('When the page is shown (ISO-8601); default now. Drives time-of-day weighting and repeat timing'),
});

export const ItemRecommendationQuerySchema = RecommendationQuerySchema.extend({
  userId: z.string().min(1).max(1024).optional().describe('Also personalize for this user'),
  anonymousId: z.string().min(1).max(1024).optional().describe('Also personalize for this visitor'),
});

export const ItemIdParamsSchema = z.object({ itemId: z.string().min(1).max(200) });

export const BasketRequestSchema = z
  .object({
    items: z.array(z.string().min(1).max(200)).min(1).max(100).describe('Product ids in the basket'),
    userId: z.string().min(1).max(1024).optional(),
    anonymousId: z.string().min(1).max(1024).optional(),
    placement: z.string().min(1).max(40).optional(),
    count: z.number().int().min(1).max(MAX_COUNT).optional(),
    at: OptionalInstantSchema,
  })
  .strict();

const ReasonSchema = z.object({
  source: z.string().describe('The strategy (or "pinned", "time") behind this reason'),
  because: z.string().nullable().describe('The item that explains it, e.g. the one the user viewed'),
  text: z.string(),
});

export const RecommendationListSchema = z
  .object({
    placement: z.string(),
    modelVersion: z.number().int(),
    personalized: z.boolean(),
    notPersonalizedReason: z.string().nullable().describe('Why the answer uses no personal data (no consent, unknown visitor)'),
    items: z.array(
      z.object({
        itemId: z.string(),
        name: z.string().nullable(),
        category: z.string().nullable(),
        price: z.number().nullable(),
        score: z.number(),
        strategy: z.string().describe('The strategy that contributed most, or the fallback that supplied the item'),
        fallback: z.boolean(),
        reasons: z.array(ReasonSchema).readonly(),
      }),
    ).readonly(),
    fallbacksUsed: z.array(z.string()).readonly(),
    filtered: z.record(z.string(), z.number().int()).describe('Candidates removed per rule (explains a short list)'),
    weights: z.record(z.string(), z.number()).describe('The blend weights used here'),
  })
  .meta({ id: 'RecommendationList' });

const Quality = z.object({ hitRate: z.number(), ndcg: z.number() });

export const RecsVersionSchema = z
  .object({
    version: z.number().int(),
    trainedAt: IsoInstant,
    dataUntil: IsoInstant.nullable(),
    trainMs: z.number(),
    events: z.number().int(),
    report: z.object({
      interactions: z.object({ views: z.number().int(), carts: z.number().int(), purchases: z.number().int() }),
      users: z.number().int(),
      items: z.number().int(),
      catalogItems: z.number().int(),
      personal: z.object({ algorithm: z.string(), lambda: z.number().nullable(), reason: z.string() }),
      replenishableItems: z.number().int(),
      timeContext: z.record(z.string(), z.object({ used: z.boolean(), reason: z.string(), cramersV: z.number(), rows: z.number().int() }).passthrough()),
      weights: z.record(z.string(), z.number()),
      weightsSource: z.enum(['learned', 'default']),
      weightsReason: z.string(),
      validation: z
        .object({
          from: IsoInstant,
          users: z.number().int(),
          k: z.number().int(),
          blend: Quality,
          popularity: Quality,
          strategies: z.record(z.string(), Quality),
        })
        .nullable()
        .describe('Next purchases in the last part of the training window, with components refitted on the data before it'),
      timings: z.record(z.string(), z.number()),
    }),
  })
  .meta({ id: 'RecsVersion' });

export const RecsStatusSchema = z.object({ current: RecsVersionSchema, history: z.array(RecsVersionSchema) });

export const TrainRecsRequestSchema = z
  .object({ asOf: z.string().max(40).optional().describe('Train as of this date or instant (historical data); default now') })
  .strict()
  .nullish();

export const PlacementKeyParamsSchema = z.object({ key: z.string().min(1).max(64) });

export const PlacementSchema = z
  .object({
    key: z.string(),
    weights: z.record(z.string(), z.number()).nullable(),
    fallbacks: z.array(Strategy),
    count: z.number().int(),
    rules: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'Placement' });

export const PlacementListSchema = z.object({ placements: z.array(PlacementSchema) });

export type RecsVersionResponse = z.output<typeof RecsVersionSchema>;
export type PlacementResponse = z.output<typeof PlacementSchema>;
