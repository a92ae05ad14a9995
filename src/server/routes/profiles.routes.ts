import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { asProfileId } from '../../core/shared/ids.js';
import type { TimelineCursor } from '../../ports/event-store.js';
import type { AttuneApp, AuthContext, ProfileLookup } from '../../app/attune-app.js';
import type { ProfileResponse, TimelineResponse } from '../api.schema.js';
import {
  AnonymousIdParamsSchema,
  ProfileIdParamsSchema,
  ProfileListQuerySchema,
  ProfileListResponseSchema,
  ProfileQuerySchema,
  ProfileResponseSchema,
  TimelineQuerySchema,
  TimelineResponseSchema,
  UserIdParamsSchema,
  errorResponses,
} from '../api.schema.js';
import { requireAuth } from '../auth.js';
import { HttpError } from '../http-errors.js';
import { toProfileResponse, toProfileSummary, toTimelineResponse } from './profile-response.js';

const READ = { scope: 'read' } as const;
const PROFILE = { 200: ProfileResponseSchema, ...errorResponses(400, 401, 403, 404) };
const TIMELINE = { 200: TimelineResponseSchema, ...errorResponses(400, 401, 403, 404) };
const TAGS = ['profiles'];

/**
 * Profiles, looked up by userId, anonymousId or profileId, and their timelines. Static segments win
 * over parameters, so a user whose id is literally "id" or "anonymous" is read through
 * /v1/profiles/id/{profileId} instead (see docs/api.md).
 */
export function profileRoutes(deps: { readonly app: AttuneApp }): FastifyPluginAsync {
  return async function registerProfileRoutes(instance) {
    const server = instance.withTypeProvider<ZodTypeProvider>();
    const { app } = deps;

    server.get(
      '/v1/profiles',
      { config: READ, schema: { querystring: ProfileListQuerySchema, response: { 200: ProfileListResponseSchema, ...errorResponses(400, 401, 403) }, tags: TAGS } },
      async function listProfiles(request) {
        const { workspaceId } = requireAuth(request);
        const { after, limit } = request.query;
        const page = await app.listProfiles(workspaceId, { afterId: after === undefined ? null : asProfileId(after), limit });
        const last = page.at(-1);
        return { profiles: page.map(toProfileSummary), next: page.length === limit && last !== undefined ? last.profileId : null };
      },
    );

    server.get(
      '/v1/profiles/:userId',
      { config: READ, schema: { params: UserIdParamsSchema, querystring: ProfileQuerySchema, response: PROFILE, tags: TAGS, summary: 'A profile by userId' } },
      async (request) => showProfile(app, requireAuth(request), { kind: 'user_id', value: request.params.userId }, request.query.at),
    );
    server.get(
      '/v1/profiles/anonymous/:anonymousId',
      { config: READ, schema: { params: AnonymousIdParamsSchema, querystring: ProfileQuerySchema, response: PROFILE, tags: TAGS, summary: 'A profile by anonymousId' } },
      async (request) => showProfile(app, requireAuth(request), { kind: 'anonymous_id', value: request.params.anonymousId }, request.query.at),
    );
    server.get(
      '/v1/profiles/id/:profileId',
      { config: READ, schema: { params: ProfileIdParamsSchema, querystring: ProfileQuerySchema, response: PROFILE, tags: TAGS, summary: 'A profile by profileId' } },
      async (request) => showProfile(app, requireAuth(request), { kind: 'profile_id', value: request.params.profileId }, request.query.at),
    );

    server.get(
      '/v1/profiles/:userId/timeline',
      { config: READ, schema: { params: UserIdParamsSchema, querystring: TimelineQuerySchema, response: TIMELINE, tags: TAGS } },
      async (request) => showTimeline(app, request, { kind: 'user_id', value: request.params.userId }, request.query),
    );
    server.get(
      '/v1/profiles/anonymous/:anonymousId/timeline',
      { config: READ, schema: { params: AnonymousIdParamsSchema, querystring: TimelineQuerySchema, response: TIMELINE, tags: TAGS } },
      async (request) => showTimeline(app, request, { kind: 'anonymous_id', value: request.params.anonymousId }, request.query),
    );
    server.get(
      '/v1/profiles/id/:profileId/timeline',
      { config: READ, schema: { params: ProfileIdParamsSchema, querystring: TimelineQuerySchema, response: TIMELINE, tags: TAGS } },
      async (request) => showTimeline(app, request, { kind: 'profile_id', value: request.params.profileId }, request.query),
    );
  };
}

async function showProfile(app: AttuneApp, auth: AuthContext, lookup: ProfileLookup, atMs: number | null): Promise<ProfileResponse> {
  const view = await app.getProfile(auth.workspaceId, lookup, atMs ?? Date.now());
  if (view === null) throw profileNotFound(lookup);
  return toProfileResponse(view);
}

async function showTimeline(
  app: AttuneApp,
  request: FastifyRequest,
  lookup: ProfileLookup,
  query: { readonly limit: number; readonly before: TimelineCursor | null },
): Promise<TimelineResponse> {
  const auth = requireAuth(request);
  const page = await app.getTimeline(auth.workspaceId, lookup, { limit: query.limit, before: query.before });
  if (page === null) throw profileNotFound(lookup);
  const queryAt = request.url.indexOf('?');
  return toTimelineResponse(page, { path: queryAt === -1 ? request.url : request.url.slice(0, queryAt), limit: query.limit });
}

function profileNotFound(lookup: ProfileLookup): HttpError {
  const by = lookup.kind === 'user_id' ? 'userId' : lookup.kind === 'anonymous_id' ? 'anonymousId' : 'profileId';
  return new HttpError('ERR_NOT_FOUND', {
    message: `No profile with this ${by}`,
    details: [{ field: by, message: 'no profile in this workspace' }],
  });
}
