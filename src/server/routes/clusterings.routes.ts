import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AttuneApp } from '../../app/attune-app.js';
import type { ClusteringCreated, ClusteringDetail, ClusteringRequest } from '../../app/segments/clustering-model.js';
import type { Persona } from '../../app/segments/persona-service.js';
import { toIso } from '../../core/shared/time.js';
import { NoContentSchema, errorResponses } from '../api.schema.js';
import { requireAuth } from '../auth.js';
import type { ClusteringResponse } from '../clusterings.schema.js';
import {
  ClusteringListResponseSchema,
  ClusteringParamsSchema,
  ClusteringRequestSchema,
  ClusteringResponseSchema,
  DendrogramResponseSchema,
  SegmentPersonaParamsSchema,
  SegmentPersonaResponseSchema,
} from '../clusterings.schema.js';
import { HttpError } from '../http-errors.js';

const TAGS = ['clusterings'];

/** JSON has no NaN or infinity (an undefined silhouette is stored as null). */
const finiteOrNull = (value: number | null): number | null => (value !== null && Number.isFinite(value) ? value : null);

function toPersonaResponse(persona: Persona): Persona {
  return { name: persona.name, naming: persona.naming, narrative: persona.narrative, profile: persona.profile, sampling: persona.sampling };
}

export function toClusteringResponse(detail: ClusteringDetail | ClusteringCreated): ClusteringResponse {
  return {
    key: detail.key,
    k: detail.k,
    features: [...detail.features],
    transforms: [...detail.transforms],
    population: detail.population,
    seed: detail.seed,
    restarts: detail.restarts,
    createdAt: toIso(detail.createdAtMs),
    rows: detail.rows,
    algorithm: detail.algorithm,
    inertia: detail.inertia,
    converged: detail.converged,
    iterations: detail.iterations,
    scaler: { transforms: [...detail.scaler.transforms], standardize: detail.scaler.standardize, means: [...detail.scaler.means], stds: [...detail.scaler.stds] },
    evidence: {
      ...detail.evidence,
      perK: detail.evidence.perK.map((e) => ({ ...e, silhouette: finiteOrNull(e.silhouette), clusterSizes: [...e.clusterSizes] })),
    },
    counts: detail.counts,
    clusters: detail.clusters.map((c) => ({
      index: c.index,
      segmentKey: c.segmentKey,
      name: c.name,
      size: c.size,
      members: c.members,
      share: c.share,
      centre: c.centre,
      persona: toPersonaResponse(c.persona),
    })),
    ...('backfill' in detail ? { backfill: detail.backfill } : {}),
  };
}

/** Clusterings (k-means with personas, each cluster a live segment) and segment personas. */
export function clusteringRoutes(deps: { readonly app: AttuneApp }): FastifyPluginAsync {
  return async function registerClusteringRoutes(instance) {
    const server = instance.withTypeProvider<ZodTypeProvider>();
    const { app } = deps;

    server.post(
      '/v1/clusterings',
      {
        config: { scope: 'admin' },
        schema: {
          body: ClusteringRequestSchema,
          response: { 201: ClusteringResponseSchema, ...errorResponses(400, 401, 403, 409, 415, 422) },
          tags: TAGS,
          summary: 'Cluster the profiles (k chosen by silhouette unless given) and create one live segment per cluster',
        },
      },
      async function createClustering(request, reply) {
        const { workspaceId } = requireAuth(request);
        const body = request.body;
        const input: ClusteringRequest = {
          key: body.key,
          ...(body.features === undefined ? {} : { features: body.features }),
          ...(body.k === undefined ? {} : { k: body.k }),
          ...(body.kMin === undefined ? {} : { kMin: body.kMin }),
          ...(body.kMax === undefined ? {} : { kMax: body.kMax }),
          ...(body.restarts === undefined ? {} : { restarts: body.restarts }),
          ...(body.seed === undefined ? {} : { seed: body.seed }),
          ...(body.population === undefined ? {} : { population: body.population }),
          ...(body.transforms === undefined ? {} : { transforms: body.transforms }),
          ...(body.sampleSize === undefined ? {} : { sampleSize: body.sampleSize }),
        };
        return reply.code(201).send(toClusteringResponse(await app.clusterings.create(workspaceId, input)));
      },
    );

    server.get(
      '/v1/clusterings',
      { config: { scope: 'read' }, schema: { response: { 200: ClusteringListResponseSchema, ...errorResponses(401, 403) }, tags: TAGS } },
      async function listClusterings(request) {
        const { workspaceId } = requireAuth(request);
        const list = await app.clusterings.list(workspaceId);
        return {
          clusterings: list.map((c) => ({
            key: c.key,
            k: c.k,
            features: [...c.features],
            population: c.population,
            seed: c.seed,
            createdAt: toIso(c.createdAtMs),
            rows: c.rows,
            clusters: c.clusters.map((cluster) => ({ ...cluster })),
          })),
        };
      },
    );

    server.get(
      '/v1/clusterings/:key',
      { config: { scope: 'read' }, schema: { params: ClusteringParamsSchema, response: { 200: ClusteringResponseSchema, ...errorResponses(401, 403, 404) }, tags: TAGS } },
      async function getClustering(request) {
        const { workspaceId } = requireAuth(request);
        return toClusteringResponse(await app.clusterings.get(workspaceId, request.params.key));
      },
    );

    server.get(
      '/v1/clusterings/:key/dendrogram',
      { config: { scope: 'read' }, schema: { params: ClusteringParamsSchema, response: { 200: DendrogramResponseSchema, ...errorResponses(401, 403, 404) }, tags: TAGS } },
      async function getDendrogram(request) {
        const { workspaceId } = requireAuth(request);
        const view = await app.clusterings.dendrogram(workspaceId, request.params.key);
        return { key: view.key, leaves: view.leaves.map((l) => ({ ...l })), merges: view.merges.map((m) => ({ ...m })) };
      },
    );

    server.delete(
      '/v1/clusterings/:key',
      { config: { scope: 'admin' }, schema: { params: ClusteringParamsSchema, response: { 204: NoContentSchema, ...errorResponses(401, 403, 404, 409) }, tags: TAGS } },
      async function deleteClustering(request, reply) {
        const { workspaceId } = requireAuth(request);
        if (!(await app.clusterings.delete(workspaceId, request.params.key))) {
          throw new HttpError('ERR_NOT_FOUND', { message: `Clustering "${request.params.key}" does not exist`, details: [{ field: 'key', message: 'no such clustering' }] });
        }
        return reply.code(204).send(null);
      },
    );

    server.get(
      '/v1/segments/:key/persona',
      {
        config: { scope: 'read' },
        schema: {
          params: SegmentPersonaParamsSchema,
          response: { 200: SegmentPersonaResponseSchema, ...errorResponses(401, 403, 404) },
          tags: ['segments'],
          summary: "The segment's persona: members against every profile",
        },
      },
      async function getSegmentPersona(request) {
        const { workspaceId } = requireAuth(request);
        const persona = await app.segments.persona(workspaceId, request.params.key);
        return { ...toPersonaResponse(persona), segmentKey: persona.segmentKey, segmentName: persona.segmentName, computedAt: toIso(persona.computedAtMs) };
      },
    );
  };
}
