import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AttuneApp } from '../../app/attune-app.js';
import type { RfmConfigInput, RfmFitOutcome, RfmView } from '../../app/segments/rfm-service.js';
import type { RfmTies } from '../../core/segments/rfm/rfm-config.js';
import { toIso } from '../../core/shared/time.js';
import { errorResponses } from '../api.schema.js';
import { requireAuth } from '../auth.js';
import type { RfmResponse } from '../rfm.schema.js';
import { RfmFitRequestSchema, RfmResponseSchema } from '../rfm.schema.js';

const TAGS = ['rfm'];

export function toRfmResponse(view: RfmView | RfmFitOutcome): RfmResponse {
  const { boundaries } = view;
  return {
    config: view.config,
    fittedAt: toIso(view.fittedAtMs),
    scoredAt: toIso(view.scoredAtMs),
    boundaries: { recency: boundaries.recency, frequency: boundaries.frequency, monetary: boundaries.monetary },
    population: view.population,
    revenue: view.revenue,
    segments: view.segments.map((s) => ({
      key: s.key,
      segmentKey: s.segmentKey,
      name: s.name,
      description: s.description,
      recommendedAction: s.recommendedAction,
      count: s.count,
      members: s.members,
      customerShare: s.customerShare,
      revenue: s.revenue,
      revenueShare: s.revenueShare,
      averageOrders: s.averageOrders,
      averageRecencyDays: s.averageRecencyDays,
      averageMonetary: s.averageMonetary,
    })),
    grid: view.grid.map((cell) => ({ ...cell })),
    ...('backfill' in view ? { backfill: view.backfill, changedSegments: [...view.changedSegments] } : {}),
  };
}

/** RFM: fit the boundaries (admin) and read the distribution over them (read). */
export function rfmRoutes(deps: { readonly app: AttuneApp }): FastifyPluginAsync {
  return async function registerRfmRoutes(instance) {
    const server = instance.withTypeProvider<ZodTypeProvider>();
    const { app } = deps;

    server.post(
      '/v1/rfm/fit',
      {
        config: { scope: 'admin' },
        schema: {
          body: RfmFitRequestSchema,
          response: { 200: RfmResponseSchema, ...errorResponses(400, 401, 403, 415, 422) },
          tags: TAGS,
          summary: 'Fit RFM boundaries over every profile, then (re)create and backfill the 11 RFM segments',
        },
      },
      async function fitRfm(request) {
        const { workspaceId } = requireAuth(request);
        const config = request.body?.config;
        const input: RfmConfigInput = {
          ...(config?.buckets === undefined ? {} : { buckets: config.buckets }),
          ...(config?.ties === undefined ? {} : { ties: config.ties as RfmTies }),
          ...(config?.onlyCustomers === undefined ? {} : { onlyCustomers: config.onlyCustomers }),
        };
        return toRfmResponse(await app.rfm.fit(workspaceId, input));
      },
    );

    server.get(
      '/v1/rfm',
      { config: { scope: 'read' }, schema: { response: { 200: RfmResponseSchema, ...errorResponses(401, 403, 404) }, tags: TAGS, summary: 'The RFM fit and the current segment distribution' } },
      async function getRfm(request) {
        const { workspaceId } = requireAuth(request);
        return toRfmResponse(await app.rfm.get(workspaceId));
      },
    );
  };
}
