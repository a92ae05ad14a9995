import { z } from 'zod';
import { OptionalInstantSchema } from './api.schema.js';
import { RecommendationListSchema } from './recommendations.schema.js';

/** Request and response shapes of /v1/decide, /v1/offers, /v1/placements, /v1/decisions (docs/api.md, "Decisions"). */

export const DecideRequestSchema = z
  .object({
    userId: z.string().min(1).max(1024).optional(),
    anonymousId: z.string().min(1).max(1024).optional(),
    placement: z.string().min(1).max(40),
    context: z
      .object({
        page: z.string().max(2048).optional(),
        device: z.string().max(40).optional(),
        time: OptionalInstantSchema.describe('When the answer is shown (ISO-8601); default now'),
        itemId: z.string().min(1).max(200).optional().describe('The item in view (product page)'),
        basketValue: z.number().min(0).max(1e12).optional().describe('The basket value (cart page): offers are held to their margin floor on it'),
      })
      .strict()
      .optional(),
  })
  .strict();

const Part = { reason: z.string() };

export const DecisionSchema = z
  .object({
    decisionId: z.string().describe('Send it back with outcome events as properties.decision_id'),
    placement: z.string(),
    channel: z.string(),
    personalized: z.boolean(),
    notPersonalizedReason: z.string().nullable(),
    recommendations: RecommendationListSchema.extend(Part).nullable(),
    offer: z
      .object({
        ...Part,
        key: z.string(),
        name: z.string(),
        kind: z.string(),
        discountPercent: z.number(),
        discountValue: z.number().nullable(),
        headline: z.string().nullable(),
        policy: z.string(),
        propensity: z.number().describe('The probability the policy had of choosing this offer (logged for off-policy evaluation)'),
      })
      .nullable(),
    noOfferReason: z.string().nullable(),
    content: z
      .object({
        ...Part,
        variant: z.string(),
        subject: z.string().nullable(),
        body: z.string().nullable(),
        text: z.string().nullable(),
        policy: z.string(),
        propensity: z.number(),
      })
      .nullable(),
    experiment: z
      .object({ key: z.string(), version: z.number().int(), arm: z.string(), treatment: z.string() })
      .nullable()
      .describe('The experiment arm this customer is in here (key "holdout": the global holdout); null: none'),
    at: z.string(),
  })
  .meta({ id: 'Decision' });

export const StoredDecisionSchema = z
  .object({
    id: z.string(),
    profileId: z.string().nullable(),
    placement: z.string(),
    channel: z.string(),
    at: z.string(),
    personalized: z.boolean(),
    offerKey: z.string().nullable(),
    offerPropensity: z.number().nullable(),
    discountPercent: z.number().nullable(),
    contentKey: z.string().nullable(),
    contentPropensity: z.number().nullable(),
    items: z.array(z.string()).readonly(),
    outcomes: z.array(z.object({ kind: z.string(), at: z.string(), value: z.number().nullable(), messageId: z.string() })).readonly(),
  })
  .meta({ id: 'StoredDecision' });

export const ConfigKeyParamsSchema = z.object({ key: z.string().min(1).max(64) });
export const DecisionIdParamsSchema = z.object({ id: z.string().min(1).max(64) });
export const ConfigEntrySchema = z.object({ key: z.string(), definition: z.unknown() });
export const ConfigListSchema = z.object({ items: z.array(ConfigEntrySchema) });

export const TemplatePreviewRequestSchema = z
  .object({
    template: z.string().min(1).max(20_000),
    userId: z.string().min(1).max(1024).optional(),
    anonymousId: z.string().min(1).max(1024).optional(),
    escape: z.enum(['html', 'none']).optional(),
  })
  .strict();
export const TemplatePreviewResponseSchema = z.object({ rendered: z.string() });

export const BanditReportSchema = z.object({
  placement: z.string(),
  features: z.array(z.string()),
  slots: z.array(z.object({ slot: z.string(), arms: z.array(z.object({ arm: z.string(), updates: z.number().int(), coefficients: z.record(z.string(), z.number()) })) })),
});

const Estimate = z.object({ value: z.number(), standardError: z.number(), effectiveSampleSize: z.number().int() });
export const PolicyEvaluationQuerySchema = z.object({ slot: z.enum(['offers', 'content']).default('offers') });
export const PolicyEvaluationSchema = z
  .object({
    placement: z.string(),
    slot: z.enum(['offers', 'content']),
    decisions: z.number().int(),
    loggedValue: z.number().nullable().describe('Mean reward the logging policy earned on these decisions'),
    policies: z.array(z.object({ policy: z.string(), ips: Estimate, snips: Estimate, doublyRobust: Estimate })).readonly(),
  })
  .meta({ id: 'PolicyEvaluation' });
