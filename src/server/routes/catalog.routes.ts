import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { CatalogItem } from '../../core/catalog/catalog-item.js';
import { toIso } from '../../core/shared/time.js';
import type { AttuneApp } from '../../app/attune-app.js';
import type { CatalogItemResponse } from '../api.schema.js';
import {
  CatalogItemParamsSchema,
  CatalogItemResponseSchema,
  CatalogListQuerySchema,
  CatalogListResponseSchema,
  CatalogUpsertRequestSchema,
  CatalogUpsertResponseSchema,
  NoContentSchema,
  errorResponses,
} from '../api.schema.js';
import { requireAuth } from '../auth.js';
import { HttpError, errorBody } from '../http-errors.js';

const TAGS = ['catalog'];

export function toCatalogItemResponse(item: CatalogItem): CatalogItemResponse {
  return {
    id: item.id,
    name: item.name,
    category: item.category,
    price: item.price,
    currency: item.currency,
    marginRate: item.marginRate,
    stock: item.stock,
    attributes: item.attributes,
    updatedAt: toIso(item.updatedAtMs),
  };
}

function itemNotFound(): HttpError {
  return new HttpError('ERR_NOT_FOUND', {
    message: 'No catalog item with this id',
    details: [{ field: 'id', message: 'no such item in this workspace' }],
  });
}

/** The product catalog. Reads need `read`; writes need `admin`. */
export function catalogRoutes(deps: { readonly app: AttuneApp }): FastifyPluginAsync {
  return async function registerCatalogRoutes(instance) {
    const server = instance.withTypeProvider<ZodTypeProvider>();
    const { app } = deps;

    server.post(
      '/v1/catalog/items',
      {
        config: { scope: 'admin', tooLargeCode: 'ERR_BODY_TOO_LARGE' },
        schema: {
          body: CatalogUpsertRequestSchema,
          response: { 200: CatalogUpsertResponseSchema, 207: CatalogUpsertResponseSchema, ...errorResponses(400, 401, 403, 413, 415) },
          tags: TAGS,
          summary: 'Insert or replace items (200 all taken, 207 some rejected, 400 all rejected)',
        },
      },
      async function upsertItems(request, reply) {
        const { workspaceId } = requireAuth(request);
        const items = Array.isArray(request.body) ? request.body : request.body.items;
        const outcome = await app.upsertCatalog(workspaceId, items);
        if (outcome.rejected.length === 0) return reply.code(200).send({ success: true, accepted: outcome.accepted });
        const rejected = outcome.rejected.map((r) => ({ index: r.index, field: r.field, message: r.message }));
        if (outcome.accepted === 0) {
          return reply.code(400).send(errorBody('ERR_BATCH_REJECTED', `All ${rejected.length} items were rejected; see details`, rejected));
        }
        return reply.code(207).send({ success: true, accepted: outcome.accepted, rejected });
      },
    );

    server.get(
      '/v1/catalog/items',
      { config: { scope: 'read' }, schema: { querystring: CatalogListQuerySchema, response: { 200: CatalogListResponseSchema, ...errorResponses(400, 401, 403) }, tags: TAGS } },
      async function listItems(request) {
        const { workspaceId } = requireAuth(request);
        const { after, limit, category } = request.query;
        const page = await app.listCatalog(workspaceId, { afterId: after ?? null, limit, category: category ?? null });
        const last = page.at(-1);
        return { items: page.map(toCatalogItemResponse), next: page.length === limit && last !== undefined ? last.id : null };
      },
    );

    server.get(
      '/v1/catalog/items/:id',
      { config: { scope: 'read' }, schema: { params: CatalogItemParamsSchema, response: { 200: CatalogItemResponseSchema, ...errorResponses(401, 403, 404) }, tags: TAGS } },
      async function getItem(request) {
        const { workspaceId } = requireAuth(request);
        const item = await app.getCatalogItem(workspaceId, request.params.id);
        if (item === null) throw itemNotFound();
        return toCatalogItemResponse(item);
      },
    );

    server.delete(
      '/v1/catalog/items/:id',
      { config: { scope: 'admin' }, schema: { params: CatalogItemParamsSchema, response: { 204: NoContentSchema, ...errorResponses(401, 403, 404) }, tags: TAGS } },
      async function deleteItem(request, reply) {
        const { workspaceId } = requireAuth(request);
        if (!(await app.deleteCatalogItem(workspaceId, request.params.id))) throw itemNotFound();
        return reply.code(204).send(null);
      },
    );
  };
}
