import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ApiKeyRecord } from '../../core/auth/workspace.js';
import { asApiKeyId } from '../../core/shared/ids.js';
import { toIso } from '../../core/shared/time.js';
import type { AttuneApp } from '../../app/attune-app.js';
import type { KeyResponse } from '../api.schema.js';
import {
  CreateKeyRequestSchema,
  CreatedKeyResponseSchema,
  KeyIdParamsSchema,
  KeyListResponseSchema,
  NoContentSchema,
  errorResponses,
} from '../api.schema.js';
import { requireAuth } from '../auth.js';
import { HttpError } from '../http-errors.js';

const ADMIN = { scope: 'admin' } as const;
const TAGS = ['keys'];

/** What the API shows of a key: never its hash; the secret only once, when created. */
export function toKeyResponse(key: ApiKeyRecord): KeyResponse {
  return {
    id: key.id,
    name: key.name,
    scope: key.scope,
    prefix: key.prefix,
    createdAt: toIso(key.createdAtMs),
    revokedAt: key.revokedAtMs === null ? null : toIso(key.revokedAtMs),
  };
}

export function keyRoutes(deps: { readonly app: AttuneApp }): FastifyPluginAsync {
  return async function registerKeyRoutes(instance) {
    const server = instance.withTypeProvider<ZodTypeProvider>();
    const { app } = deps;

    server.get(
      '/v1/keys',
      { config: ADMIN, schema: { response: { 200: KeyListResponseSchema, ...errorResponses(401, 403) }, tags: TAGS } },
      async function listKeys(request) {
        const { workspaceId } = requireAuth(request);
        return { keys: (await app.listKeys(workspaceId)).map(toKeyResponse) };
      },
    );

    server.post(
      '/v1/keys',
      {
        config: ADMIN,
        schema: { body: CreateKeyRequestSchema, response: { 201: CreatedKeyResponseSchema, ...errorResponses(400, 401, 403, 415) }, tags: TAGS },
      },
      async function createKey(request, reply) {
        const { workspaceId } = requireAuth(request);
        const created = await app.createKey({ workspaceId, name: request.body.name, scope: request.body.scope });
        return reply.code(201).send({ ...toKeyResponse(created.record), secret: created.secret });
      },
    );

    server.delete(
      '/v1/keys/:id',
      { config: ADMIN, schema: { params: KeyIdParamsSchema, response: { 204: NoContentSchema, ...errorResponses(401, 403, 404) }, tags: TAGS, summary: 'Revoke a key' } },
      async function revokeKey(request, reply) {
        const { workspaceId } = requireAuth(request);
        const revoked = await app.revokeKey(workspaceId, asApiKeyId(request.params.id));
        if (!revoked) {
          throw new HttpError('ERR_NOT_FOUND', {
            message: 'No active key with this id in this workspace',
            details: [{ field: 'id', message: 'unknown or already revoked' }],
          });
        }
        return reply.code(204).send(null);
      },
    );
  };
}
