import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AttuneApp } from '../../app/attune-app.js';
import type { ModelVersion } from '../../app/models/prediction-service.js';
import { toIso } from '../../core/shared/time.js';
import { errorResponses } from '../api.schema.js';
import { requireAuth } from '../auth.js';
import type { ModelVersionResponse } from '../models.schema.js';
import { ModelDetailResponseSchema, ModelKeyParamsSchema, ModelListResponseSchema, ModelVersionSchema, TrainModelRequestSchema } from '../models.schema.js';

const TAGS = ['models'];

export function toModelVersionResponse(v: ModelVersion): ModelVersionResponse {
  return {
    key: v.key,
    version: v.version,
    target: { ...v.target },
    kind: v.kind,
    trainedAt: toIso(v.trainedAtMs),
    trainCutoff: toIso(v.trainCutoffMs),
    testCutoff: toIso(v.testCutoffMs),
    train: { ...v.train },
    metrics: v.metrics === null ? null : { ...v.metrics },
    heuristicMetrics: v.heuristicMetrics === null ? null : { ...v.heuristicMetrics },
    baselineMetrics: v.baselineMetrics === null ? null : { ...v.baselineMetrics },
    fallbackReason: v.fallbackReason,
    trees: v.trees,
    trainMs: v.trainMs,
    seed: v.seed,
    ...(v.clvHoldout === undefined ? {} : { clvHoldout: { ...v.clvHoldout } }),
  };
}

/** Prediction models: train (admin) and read the registry (read). Scores appear on profiles as predicted.<key>. */
export function modelRoutes(deps: { readonly app: AttuneApp }): FastifyPluginAsync {
  return async function registerModelRoutes(instance) {
    const server = instance.withTypeProvider<ZodTypeProvider>();
    const { app } = deps;

    server.post(
      '/v1/models',
      {
        config: { scope: 'admin' },
        schema: {
          body: TrainModelRequestSchema,
          response: { 201: ModelVersionSchema, ...errorResponses(400, 401, 403, 415) },
          tags: TAGS,
          summary: 'Train (or retrain) a prediction model on the workspace history with a time split, and serve it',
        },
      },
      async function trainModel(request, reply) {
        const { workspaceId } = requireAuth(request);
        const version = await app.predictions.train(workspaceId, request.body);
        return reply.code(201).header('location', `/v1/models/${version.key}`).send(toModelVersionResponse(version));
      },
    );

    server.get(
      '/v1/models',
      { config: { scope: 'read' }, schema: { response: { 200: ModelListResponseSchema, ...errorResponses(401, 403) }, tags: TAGS, summary: 'Every model with its current version' } },
      async function listModels(request) {
        const { workspaceId } = requireAuth(request);
        return { models: (await app.predictions.list(workspaceId)).map(toModelVersionResponse) };
      },
    );

    server.get(
      '/v1/models/:key',
      {
        config: { scope: 'read' },
        schema: { params: ModelKeyParamsSchema, response: { 200: ModelDetailResponseSchema, ...errorResponses(401, 403, 404) }, tags: TAGS, summary: 'A model: the current version and the earlier ones' },
      },
      async function getModel(request) {
        const { workspaceId } = requireAuth(request);
        const found = await app.predictions.get(workspaceId, request.params.key);
        return { current: toModelVersionResponse(found.current), history: found.history.map(toModelVersionResponse) };
      },
    );
  };
}
