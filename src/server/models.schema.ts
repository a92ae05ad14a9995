import { z } from 'zod';

const Metrics = z
  .object({
    rows: z.number().int(),
    positives: z.number().int(),
    auc: z.number(),
    prAuc: z.number(),
    logLoss: z.number().nullable(),
    brier: z.number().nullable(),
    topDecileLift: z.number(),
  })
  .describe('On the profiles at the test cutoff, which the model never saw');

const Target = z.union([
  z.object({ kind: z.literal('purchase'), withinDays: z.number().int() }),
  z.object({ kind: z.literal('churn'), withinDays: z.number().int() }),
  z.object({ kind: z.literal('event'), event: z.string(), withinDays: z.number().int() }),
  z.object({ kind: z.literal('clv'), withinDays: z.number().int() }),
]);

const ClvHoldout = z
  .object({
    customers: z.number().int(),
    actualPurchases: z.number(),
    predictedPurchases: z.number(),
    relativeError: z.number(),
    meanAbsoluteError: z.number(),
    converged: z.boolean(),
    message: z.string(),
  })
  .describe('CLV models: BG/NBD fitted on the profiles as they were one window ago, against the repeat purchases they made since');

export const ModelVersionSchema = z
  .object({
    key: z.string(),
    version: z.number().int(),
    target: Target,
    kind: z.enum(['gbdt', 'rfm-heuristic', 'clv']).describe("'rfm-heuristic' is served when there is too little history (see fallbackReason); 'clv' is BG/NBD + Gamma-Gamma"),
    trainedAt: z.string(),
    trainCutoff: z.string(),
    testCutoff: z.string(),
    train: z.object({ rows: z.number().int(), positives: z.number().int() }),
    metrics: Metrics.nullable(),
    heuristicMetrics: Metrics.nullable().describe('The RFM heuristic on the same rows: what the model has to beat'),
    baselineMetrics: Metrics.nullable().describe('The logistic-regression baseline on the same rows'),
    fallbackReason: z.string().nullable(),
    trees: z.number().int().nullable(),
    trainMs: z.number(),
    seed: z.number().int(),
    clvHoldout: ClvHoldout.optional(),
  })
  .meta({ id: 'ModelVersion' });

export const ModelListResponseSchema = z.object({ models: z.array(ModelVersionSchema) });
export const ModelDetailResponseSchema = z.object({ current: ModelVersionSchema, history: z.array(ModelVersionSchema) });
export const ModelKeyParamsSchema = z.object({ key: z.string().min(1).max(64) });

export const TrainModelRequestSchema = z
  .object({
    key: z.string().describe('What profiles show as predicted.<key>: 1 to 40 lowercase letters, digits or _'),
    target: z.object({ kind: z.string(), withinDays: z.number(), event: z.string().optional() }).describe('{"kind": "purchase" | "churn" | "event" | "clv", "withinDays": N, "event"?: name}'),
    seed: z.number().int().optional(),
    asOf: z.string().optional().describe('Train as of this date (ISO-8601) instead of now: for historical data'),
  })
  .meta({ id: 'TrainModelRequest' });

export type ModelVersionResponse = z.output<typeof ModelVersionSchema>;
