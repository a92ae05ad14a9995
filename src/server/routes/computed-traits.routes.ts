import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ComputedTraitDefinition } from '../../core/profiles/computed-trait.js';
import type { AttuneApp } from '../../app/attune-app.js';
import type { ComputedTraitResponse } from '../api.schema.js';
import {
  ComputedTraitListResponseSchema,
  ComputedTraitParamsSchema,
  ComputedTraitRequestSchema,
  ComputedTraitResponseSchema,
  NoContentSchema,
  errorResponses,
} from '../api.schema.js';
import { requireAuth } from '../auth.js';
import { HttpError } from '../http-errors.js';

const ADMIN = { scope: 'admin' } as const;
const TAGS = ['computed-traits'];

export function toComputedTraitResponse(definition: ComputedTraitDefinition): ComputedTraitResponse {
  return {
    name: definition.name,
    event: definition.event,
    where: definition.where.map((c) => (c.value === undefined ? { property: c.property, op: c.op } : { property: c.property, op: c.op, value: c.value })),
    aggregate: definition.aggregate,
    property: definition.property,
    windowDays: definition.windowDays,
    ...(definition.description === undefined ? {} : { description: definition.description }),
  };
}

/** User-declared aggregates over events. Saving or deleting one recomputes every profile. */
export function computedTraitRoutes(deps: { readonly app: AttuneApp }): FastifyPluginAsync {
  return async function registerComputedTraitRoutes(instance) {
    const server = instance.withTypeProvider<ZodTypeProvider>();
    const { app } = deps;

    server.get(
      '/v1/computed-traits',
      { config: { scope: 'read' }, schema: { response: { 200: ComputedTraitListResponseSchema, ...errorResponses(401, 403) }, tags: TAGS } },
      async function listComputedTraits(request) {
        const { workspaceId } = requireAuth(request);
        return { computedTraits: (await app.listComputedTraits(workspaceId)).map(toComputedTraitResponse) };
      },
    );

    server.put(
      '/v1/computed-traits/:name',
      {
        config: ADMIN,
        schema: {
          params: ComputedTraitParamsSchema,
          body: ComputedTraitRequestSchema,
          response: { 200: ComputedTraitResponseSchema, ...errorResponses(400, 401, 403, 415, 422) },
          tags: TAGS,
          summary: 'Create or replace a computed trait, then recompute every profile',
        },
      },
      async function putComputedTrait(request) {
        const { workspaceId } = requireAuth(request);
        const { name } = request.params;
        const bodyName = request.body['name'];
        if (bodyName !== undefined && bodyName !== name) {
          throw new HttpError('ERR_REQUEST_INVALID', {
            message: `The body names "${String(bodyName)}" but the path names "${name}"; omit "name" or make them equal`,
            details: [{ field: 'name', message: 'must equal the name in the path' }],
          });
        }
        return toComputedTraitResponse(await app.putComputedTrait(workspaceId, { ...request.body, name }));
      },
    );

    server.delete(
      '/v1/computed-traits/:name',
      { config: ADMIN, schema: { params: ComputedTraitParamsSchema, response: { 204: NoContentSchema, ...errorResponses(401, 403, 404) }, tags: TAGS } },
      async function deleteComputedTrait(request, reply) {
        const { workspaceId } = requireAuth(request);
        if (!(await app.deleteComputedTrait(workspaceId, request.params.name))) {
          throw new HttpError('ERR_NOT_FOUND', {
            message: 'No computed trait with this name',
            details: [{ field: 'name', message: 'no such computed trait in this workspace' }],
          });
        }
        return reply.code(204).send(null);
      },
    );
  };
}
