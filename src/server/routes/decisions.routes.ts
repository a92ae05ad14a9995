import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AttuneApp, ProfileLookup } from '../../app/attune-app.js';
import { CONTEXT_FEATURES } from '../../core/decisions/bandit-context.js';
import { toIso } from '../../core/shared/time.js';
import { NoContentSchema, errorResponses } from '../api.schema.js';
import { requireAuth } from '../auth.js';
import {
  BanditReportSchema,
  ConfigEntrySchema,
  ConfigKeyParamsSchema,
  ConfigListSchema,
  DecideRequestSchema,
  DecisionIdParamsSchema,
  DecisionSchema,
  PolicyEvaluationQuerySchema,
  PolicyEvaluationSchema,
  StoredDecisionSchema,
  TemplatePreviewRequestSchema,
  TemplatePreviewResponseSchema,
} from '../decisions.schema.js';
import { HttpError } from '../http-errors.js';
import { plainJsonSerializer } from '../plain-json-serializer.js';

const TAGS = ['decisions'];
const READ = { scope: 'read' } as const;
const ADMIN = { scope: 'admin' } as const;

function lookupOf(body: { readonly userId?: string | undefined; readonly anonymousId?: string | undefined }): ProfileLookup | null {
  if (body.userId !== undefined && body.anonymousId !== undefined) {
    throw new HttpError('ERR_VALIDATION', { message: 'Give userId or anonymousId, not both', details: [{ field: 'anonymousId', message: 'remove it, or userId' }] });
  }
  if (body.userId !== undefined) return { kind: 'user_id', value: body.userId };
  if (body.anonymousId !== undefined) return { kind: 'anonymous_id', value: body.anonymousId };
  return null;
}

/**
 * Decisions: POST /v1/decide answers what a customer sees on a placement (items, offer, content),
 * with reasons; offers and decision placements are configured by admins; every decision can be read back.
 */
export function decisionRoutes(deps: { readonly app: AttuneApp }): FastifyPluginAsync {
  return async function registerDecisionRoutes(instance) {
    const server = instance.withTypeProvider<ZodTypeProvider>();
    const decisions = deps.app.decisions;

    server.post(
      '/v1/decide',
      { config: READ, serializerCompiler: plainJsonSerializer, schema: { body: DecideRequestSchema, response: { 200: DecisionSchema, ...errorResponses(400, 401, 403, 404, 415) }, tags: TAGS, summary: 'What this customer sees on this placement, with the reasons' } },
      async function decide(request) {
        const { workspaceId } = requireAuth(request);
        const body = request.body;
        const context = body.context;
        const view = await decisions.decide(workspaceId, {
          user: lookupOf(body),
          placement: body.placement,
          context: { page: context?.page, device: context?.device, atMs: context?.time ?? undefined, itemId: context?.itemId, basketValue: context?.basketValue },
        });
        const { atMs, ...rest } = view;
        return { ...rest, at: toIso(atMs) };
      },
    );

    server.get(
      '/v1/decisions/:id',
      { config: READ, schema: { params: DecisionIdParamsSchema, response: { 200: StoredDecisionSchema, ...errorResponses(401, 403, 404) }, tags: TAGS, summary: 'A logged decision with its propensities and outcomes' } },
      async function getDecision(request) {
        const { workspaceId } = requireAuth(request);
        const found = await decisions.getDecision(workspaceId, request.params.id);
        if (found === null) throw new HttpError('ERR_NOT_FOUND', { message: `No decision "${request.params.id}"` });
        const { atMs, context: _context, outcomes, ...rest } = found;
        return { ...rest, at: toIso(atMs), outcomes: outcomes.map(({ atMs: at, ...o }) => ({ ...o, at: toIso(at) })) };
      },
    );

    for (const kind of ['offers', 'placements'] as const) {
      const put = kind === 'offers' ? decisions.putOffer.bind(decisions) : decisions.putPlacement.bind(decisions);
      const list = kind === 'offers' ? decisions.listOffers.bind(decisions) : decisions.listPlacements.bind(decisions);
      const remove = kind === 'offers' ? decisions.deleteOffer.bind(decisions) : decisions.deletePlacement.bind(decisions);
      server.put(
        `/v1/${kind}/:key`,
        { config: ADMIN, schema: { params: ConfigKeyParamsSchema, response: { 200: ConfigEntrySchema, ...errorResponses(400, 401, 403, 415) }, tags: TAGS, summary: kind === 'offers' ? 'Create or replace an offer' : 'Create or replace a decision placement' } },
        async function putConfig(request) {
          const { workspaceId } = requireAuth(request);
          return { key: request.params.key, definition: await put(workspaceId, request.params.key, request.body) };
        },
      );
      server.get(`/v1/${kind}`, { config: READ, schema: { response: { 200: ConfigListSchema, ...errorResponses(401, 403) }, tags: TAGS } }, async function listConfig(request) {
        const { workspaceId } = requireAuth(request);
        return { items: list(workspaceId).map((e) => ({ key: e.key, definition: e.source })) };
      });
      server.delete(
        `/v1/${kind}/:key`,
        { config: ADMIN, schema: { params: ConfigKeyParamsSchema, response: { 204: NoContentSchema, ...errorResponses(401, 403, 404) }, tags: TAGS } },
        async function deleteConfig(request, reply) {
          const { workspaceId } = requireAuth(request);
          if (!(await remove(workspaceId, request.params.key))) throw new HttpError('ERR_NOT_FOUND', { message: `No ${kind === 'offers' ? 'offer' : 'placement'} "${request.params.key}"` });
          return reply.code(204).send(null);
        },
      );
    }

    server.get(
      '/v1/placements/:key/bandits',
      { config: READ, schema: { params: ConfigKeyParamsSchema, response: { 200: BanditReportSchema, ...errorResponses(401, 403) }, tags: TAGS, summary: "What the placement's bandits learned: per arm, updates and coefficients by context feature" } },
      async function bandits(request) {
        const { workspaceId } = requireAuth(request);
        return { placement: request.params.key, features: [...CONTEXT_FEATURES], slots: decisions.banditReport(workspaceId, request.params.key).map((s) => ({ slot: s.slot, arms: s.arms.map((a) => ({ ...a, coefficients: { ...a.coefficients } })) })) };
      },
    );

    server.get(
      '/v1/placements/:key/evaluation',
      {
        config: READ,
        schema: { params: ConfigKeyParamsSchema, querystring: PolicyEvaluationQuerySchema, response: { 200: PolicyEvaluationSchema, ...errorResponses(400, 401, 403) }, tags: TAGS, summary: 'Off-policy evaluation from the decision log: what other policies would have earned' },
      },
      async function evaluate(request) {
        const { workspaceId } = requireAuth(request);
        return decisions.evaluatePolicies(workspaceId, request.params.key, request.query.slot);
      },
    );

    server.post(
      '/v1/templates/preview',
      { config: READ, schema: { body: TemplatePreviewRequestSchema, response: { 200: TemplatePreviewResponseSchema, ...errorResponses(400, 401, 403, 415) }, tags: TAGS, summary: 'Render a Liquid template for a user, as a decision would' } },
      async function previewTemplate(request) {
        const { workspaceId } = requireAuth(request);
        const body = request.body;
        return { rendered: await decisions.preview(workspaceId, { template: body.template, user: lookupOf(body), escape: body.escape ?? 'html' }) };
      },
    );
  };
}
