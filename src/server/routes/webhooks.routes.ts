import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { toIso } from '../../core/shared/time.js';
import type { AttuneApp } from '../../app/attune-app.js';
import type { WebhookView } from '../../app/webhooks/webhooks-service.js';
import { NoContentSchema, errorResponses } from '../api.schema.js';
import { requireAuth } from '../auth.js';
import { HttpError } from '../http-errors.js';
import type { WebhookResponse } from '../webhooks.schema.js';
import {
  CreateWebhookRequestSchema,
  CreatedWebhookResponseSchema,
  WebhookIdParamsSchema,
  WebhookListResponseSchema,
} from '../webhooks.schema.js';

const ADMIN = { scope: 'admin' } as const;
const TAGS = ['webhooks'];

/** What the API shows of a webhook: its delivery status, never the secret (only when created). */
export function toWebhookResponse(webhook: WebhookView): WebhookResponse {
  return {
    id: webhook.id,
    url: webhook.url,
    segments: [...webhook.segments],
    secretHint: webhook.secretHint,
    createdAt: toIso(webhook.createdAtMs),
    deliveredSeq: webhook.deliveredSeq,
    failures: webhook.failures,
    nextAttemptAt: webhook.nextAttemptAtMs === null ? null : toIso(webhook.nextAttemptAtMs),
    lastError: webhook.lastError,
  };
}

/** Webhook subscriptions to segment membership changes (admin). */
export function webhookRoutes(deps: { readonly app: AttuneApp }): FastifyPluginAsync {
  return async function registerWebhookRoutes(instance) {
    const server = instance.withTypeProvider<ZodTypeProvider>();
    const { app } = deps;

    server.get(
      '/v1/webhooks',
      { config: ADMIN, schema: { response: { 200: WebhookListResponseSchema, ...errorResponses(401, 403) }, tags: TAGS, summary: 'List webhooks and their delivery status' } },
      async function listWebhooks(request) {
        const { workspaceId } = requireAuth(request);
        return { webhooks: (await app.webhooks.list(workspaceId)).map(toWebhookResponse) };
      },
    );

    server.post(
      '/v1/webhooks',
      {
        config: ADMIN,
        schema: {
          body: CreateWebhookRequestSchema,
          response: { 201: CreatedWebhookResponseSchema, ...errorResponses(400, 401, 403, 415) },
          tags: TAGS,
          summary: 'Create a webhook; its signing secret is returned once',
        },
      },
      async function createWebhook(request, reply) {
        const { workspaceId } = requireAuth(request);
        const { url, segments } = request.body;
        const created = await app.webhooks.create(workspaceId, segments === undefined ? { url } : { url, segments });
        return reply.code(201).send({ ...toWebhookResponse(created.webhook), secret: created.secret });
      },
    );

    server.delete(
      '/v1/webhooks/:id',
      { config: ADMIN, schema: { params: WebhookIdParamsSchema, response: { 204: NoContentSchema, ...errorResponses(401, 403, 404) }, tags: TAGS, summary: 'Delete a webhook' } },
      async function deleteWebhook(request, reply) {
        const { workspaceId } = requireAuth(request);
        if (!(await app.webhooks.delete(workspaceId, request.params.id))) {
          throw new HttpError('ERR_NOT_FOUND', { message: 'No webhook with this id in this workspace', details: [{ field: 'id', message: 'unknown webhook' }] });
        }
        return reply.code(204).send(null);
      },
    );
  };
}
