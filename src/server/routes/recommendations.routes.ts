import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AttuneApp, ProfileLookup } from '../../app/attune-app.js';
import type { RecommendationQuery, RecsVersion } from '../../app/recs/recommendation-service.js';
import type { Placement } from '../../core/recs/engine/placement.js';
import { toIso } from '../../core/shared/time.js';
import { AnonymousIdParamsSchema, NoContentSchema, UserIdParamsSchema, errorResponses } from '../api.schema.js';
import { requireAuth } from '../auth.js';
import { HttpError } from '../http-errors.js';
import { plainJsonSerializer } from '../plain-json-serializer.js';
import {
  BasketRequestSchema,
  ItemIdParamsSchema,
  ItemRecommendationQuerySchema,
  PlacementKeyParamsSchema,
  PlacementListSchema,
  PlacementSchema,
  RecommendationListSchema,
  RecommendationQuerySchema,
  RecsStatusSchema,
  RecsVersionSchema,
  TrainRecsRequestSchema,
} from '../recommendations.schema.js';
import type { PlacementResponse, RecsVersionResponse } from '../recommendations.schema.js';

const TAGS = ['recommendations'];
const READ = { scope: 'read' } as const;
const ADMIN = { scope: 'admin' } as const;
const LIST = { 200: RecommendationListSchema, ...errorResponses(400, 401, 403, 404, 409) };

function toVersionResponse(v: RecsVersion): RecsVersionResponse {
  const { validation, ...report } = v.report;
  return {
    version: v.version,
    trainedAt: toIso(v.trainedAtMs),
    dataUntil: v.dataUntilMs > 0 ? toIso(v.dataUntilMs) : null,
    trainMs: v.trainMs,
    events: v.events,
    report: {
      ...report,
      personal: { ...report.personal },
      timeContext: { hour: { ...report.timeContext.hour }, day: { ...report.timeContext.day } },
      weights: { ...report.weights },
      timings: { ...report.timings },
      validation:
        validation === null
          ? null
          : { from: toIso(validation.fromMs), users: validation.users, k: validation.k, blend: validation.blend, popularity: validation.popularity, strategies: { ...validation.strategies } },
    },
  };
}

function toPlacementResponse(p: Placement): PlacementResponse {
  return { key: p.key, weights: p.weights === null ? null : { ...p.weights }, fallbacks: [...p.fallbacks], count: p.count, rules: { ...p.rules } };
}

function query(q: { placement?: string | undefined; count?: number | undefined; at: number | null }): RecommendationQuery {
  return { placement: q.placement, count: q.count, atMs: q.at ?? undefined };
}

/** At most one of userId and anonymousId names the shopper of an item or basket request. */
function shopper(q: { readonly userId?: string | undefined; readonly anonymousId?: string | undefined }): ProfileLookup | null {
  if (q.userId !== undefined && q.anonymousId !== undefined) {
    throw new HttpError('ERR_VALIDATION', { message: 'Give userId or anonymousId, not both', details: [{ field: 'anonymousId', message: 'remove it, or userId' }] });
  }
  if (q.userId !== undefined) return { kind: 'user_id', value: q.userId };
  if (q.anonymousId !== undefined) return { kind: 'anonymous_id', value: q.anonymousId };
  return null;
}

/**
 * Recommendations: for a user (home, e-mail, app), for an item page, for a basket; each item with
 * its reasons. Placements hold the business rules; training runs in a worker and swaps in atomically.
 */
export function recommendationRoutes(deps: { readonly app: AttuneApp }): FastifyPluginAsync {
  return async function registerRecommendationRoutes(instance) {
    const server = instance.withTypeProvider<ZodTypeProvider>();
    const recs = deps.app.recommendations;

    server.post(
      '/v1/recommendations/train',
      {
        config: ADMIN,
        schema: { body: TrainRecsRequestSchema, response: { 201: RecsVersionSchema, ...errorResponses(400, 401, 403, 415, 422) }, tags: TAGS, summary: 'Train the recommender on the workspace history and swap it in' },
      },
      async function trainRecs(request, reply) {
        const { workspaceId } = requireAuth(request);
        const version = await recs.train(workspaceId, { asOf: request.body?.asOf });
        return reply.code(201).send(toVersionResponse(version));
      },
    );

    server.get(
      '/v1/recommendations/model',
      { config: READ, schema: { response: { 200: RecsStatusSchema, ...errorResponses(401, 403, 404) }, tags: TAGS, summary: 'The current recommender version, its validation and the earlier versions' } },
      async function recsModel(request) {
        const { workspaceId } = requireAuth(request);
        const status = await recs.status(workspaceId);
        if (status === null) throw new HttpError('ERR_NOT_FOUND', { message: 'No recommender trained yet', details: [{ field: null, message: 'POST /v1/recommendations/train' }] });
        return { current: toVersionResponse(status.current), history: status.history.map(toVersionResponse) };
      },
    );

    server.get(
      '/v1/recommendations/placements',
      { config: READ, schema: { response: { 200: PlacementListSchema, ...errorResponses(401, 403) }, tags: TAGS, summary: 'Configured placements' } },
      async function listPlacements(request) {
        const { workspaceId } = requireAuth(request);
        return { placements: (await recs.listPlacements(workspaceId)).map(toPlacementResponse) };
      },
    );
    server.put(
      '/v1/recommendations/placements/:key',
      {
        config: ADMIN,
        schema: { params: PlacementKeyParamsSchema, response: { 200: PlacementSchema, ...errorResponses(400, 401, 403, 415) }, tags: TAGS, summary: 'Create or replace a placement: weights, fallbacks, count and rules' },
      },
      async function putPlacement(request) {
        const { workspaceId } = requireAuth(request);
        return toPlacementResponse(await recs.putPlacement(workspaceId, request.params.key, request.body));
      },
    );
    server.delete(
      '/v1/recommendations/placements/:key',
      { config: ADMIN, schema: { params: PlacementKeyParamsSchema, response: { 204: NoContentSchema, ...errorResponses(401, 403, 404) }, tags: TAGS, summary: 'Delete a placement' } },
      async function deletePlacement(request, reply) {
        const { workspaceId } = requireAuth(request);
        if (!(await recs.deletePlacement(workspaceId, request.params.key))) throw new HttpError('ERR_NOT_FOUND', { message: `No placement "${request.params.key}"` });
        return reply.code(204).send(null);
      },
    );

    server.get(
      '/v1/recommendations/items/:itemId',
      { config: READ, serializerCompiler: plainJsonSerializer, schema: { params: ItemIdParamsSchema, querystring: ItemRecommendationQuerySchema, response: LIST, tags: TAGS, summary: 'Items that go with an item (product page)' } },
      async function forItem(request) {
        const { workspaceId } = requireAuth(request);
        return recs.forItem(workspaceId, request.params.itemId, shopper(request.query), query(request.query));
      },
    );
    server.post(
      '/v1/recommendations/basket',
      { config: READ, serializerCompiler: plainJsonSerializer, schema: { body: BasketRequestSchema, response: LIST, tags: TAGS, summary: 'Items that go with a basket (cart, checkout)' } },
      async function forBasket(request) {
        const { workspaceId } = requireAuth(request);
        const body = request.body;
        return recs.forBasket(workspaceId, body.items, shopper(body), query(body));
      },
    );
    server.get(
      '/v1/recommendations/anonymous/:anonymousId',
      { config: READ, serializerCompiler: plainJsonSerializer, schema: { params: AnonymousIdParamsSchema, querystring: RecommendationQuerySchema, response: LIST, tags: TAGS, summary: 'Recommendations for a visitor by anonymousId' } },
      async function forVisitor(request) {
        const { workspaceId } = requireAuth(request);
        return recs.forUser(workspaceId, { kind: 'anonymous_id', value: request.params.anonymousId }, query(request.query));
      },
    );
    server.get(
      '/v1/recommendations/:userId',
      { config: READ, serializerCompiler: plainJsonSerializer, schema: { params: UserIdParamsSchema, querystring: RecommendationQuerySchema, response: LIST, tags: TAGS, summary: 'Recommendations for a user on a placement' } },
      async function forUser(request) {
        const { workspaceId } = requireAuth(request);
        return recs.forUser(workspaceId, { kind: 'user_id', value: request.params.userId }, query(request.query));
      },
    );
  };
}
