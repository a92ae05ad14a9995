import { Readable } from 'node:stream';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { RuleDependencies } from '../../core/segments/compiled-rule.js';
import type { ProfileId, WorkspaceId } from '../../core/shared/ids.js';
import { asProfileId } from '../../core/shared/ids.js';
import { toIso } from '../../core/shared/time.js';
import type { Membership, MembershipChange } from '../../ports/segment-store.js';
import { AppError } from '../../app/app-error.js';
import type { MemberContact } from '../../app/segments/segment-service.js';
import type { AttuneApp } from '../../app/attune-app.js';
import type { SavedSegment, SegmentPreview, SegmentSummary } from '../../app/segments/segment-service.js';
import { NoContentSchema, errorResponses } from '../api.schema.js';
import { requireAuth } from '../auth.js';
import { HttpError } from '../http-errors.js';
import { toChangePayload } from '../../app/webhooks/webhook-payload.js';
import type { MemberFormat, MembershipChangeResponse, SavedSegmentResponse, SegmentPreviewResponse, SegmentResponse } from '../segments.schema.js';
import {
  ChangesQuerySchema,
  ChangesResponseSchema,
  CreateSegmentRequestSchema,
  HistoryResponseSchema,
  MembersExportSchema,
  MembersQuerySchema,
  MembersResponseSchema,
  OverlapQuerySchema,
  OverlapResponseSchema,
  PreviewRequestSchema,
  PutSegmentRequestSchema,
  SavedSegmentResponseSchema,
  SegmentKeyParamsSchema,
  SegmentListResponseSchema,
  SegmentPreviewResponseSchema,
  SegmentResponseSchema,
  StreamQuerySchema,
  StreamResponseSchema,
} from '../segments.schema.js';
import { csvRecord } from './csv.js';
import { ChangeEventStream } from './sse.js';

const READ = { scope: 'read' } as const;
const ADMIN = { scope: 'admin' } as const;
const TAGS = ['segments'];

/** Members per storage read when exporting (the export never holds more than a few pages). */
const EXPORT_CHUNK = 1000;
/** History page size when a stream replays missed changes. */
const REPLAY_PAGE = 1000;
const SSE_HEARTBEAT_MS = 15_000;
const SSE_RETRY_MS = 3_000;
const SSE_MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
const SSE_MAX_PENDING_CHANGES = 10_000;

/**
 * Fixed paths under /v1/segments/ that GET answers itself, so no segment may take these keys
 * (GET /v1/segments/{key} could not reach it).
 */

export function segmentPath(key: string): string {
  return `/v1/segments/${encodeURIComponent(key)}`;
}

export function toSegmentResponse(summary: SegmentSummary): SegmentResponse {
  const d = summary.definition;
  return {
    key: d.key,
    name: d.name,
    description: d.description,
    kind: d.kind,
    rule: { ...d.rule },
    text: summary.text,
    dependsOn: toDependencies(summary.dependsOn),
    size: summary.size,
    version: d.version,
    createdAt: toIso(d.createdAtMs),
    updatedAt: toIso(d.updatedAtMs),
    links: { self: segmentPath(d.key), members: `${segmentPath(d.key)}/members`, history: `${segmentPath(d.key)}/history` },
  };
}

export function toSavedSegmentResponse(saved: SavedSegment): SavedSegmentResponse {
  const { mode, profiles, entered, exited, elapsedMs } = saved.backfill;
  return { ...toSegmentResponse(saved), backfill: { mode, profiles, entered, exited, elapsedMs } };
}

export function toPreviewResponse(preview: SegmentPreview): SegmentPreviewResponse {
  return {
    ...preview,
    rule: { ...preview.rule },
    dependsOn: toDependencies(preview.dependsOn),
    examples: preview.examples.map((e) => ({ profileId: e.profileId, reasons: [...e.reasons] })),
  };
}

/** A change as the change feed and the stream show it: the same shape webhooks receive. */
export function toChangeResponse(change: MembershipChange): MembershipChangeResponse {
  const payload = toChangePayload(change);
  return { ...payload, reasons: [...payload.reasons] };
}

/**
 * Rule segments: definitions (JSON or text rules), live preview, overlap, member export, size
 * history, the membership change feed and its server-sent-events stream.
 */
export function segmentRoutes(deps: { readonly app: AttuneApp }): FastifyPluginAsync {
  return async function registerSegmentRoutes(instance) {
    const server = instance.withTypeProvider<ZodTypeProvider>();
    const { app } = deps;
    const openStreams = new Set<ChangeEventStream>();

    // Open event streams never end by themselves: end them so that close() does not wait on them.
    instance.addHook('preClose', async function endEventStreams() {
      for (const stream of openStreams) stream.finish();
    });

    server.get(
      '/v1/segments',
      {
        config: READ,
        schema: { response: { 200: SegmentListResponseSchema, ...errorResponses(401, 403) }, tags: TAGS, summary: 'Every segment with its size, rule text and dependencies' },
      },
      async function listSegments(request) {
        const { workspaceId } = requireAuth(request);
        return { segments: (await app.segments.list(workspaceId)).map(toSegmentResponse) };
      },
    );

    server.post(
      '/v1/segments',
      {
        config: ADMIN,
        schema: {
          body: CreateSegmentRequestSchema,
          response: { 201: SavedSegmentResponseSchema, ...errorResponses(400, 401, 403, 409, 415, 422) },
          tags: TAGS,
          summary: 'Create a rule segment (JSON `rule` or text `text`) and evaluate every profile',
        },
      },
      async function createSegment(request, reply) {
        const { workspaceId } = requireAuth(request);
        const saved = await app.segments.create(workspaceId, request.body);
        return reply.code(201).header('location', segmentPath(saved.definition.key)).send(toSavedSegmentResponse(saved));
      },
    );

    server.post(
      '/v1/segments/preview',
      {
        config: READ,
        schema: {
          body: PreviewRequestSchema,
          response: { 200: SegmentPreviewResponseSchema, ...errorResponses(400, 401, 403, 415, 422) },
          tags: TAGS,
          summary: 'Estimate the size of a draft rule on a sample (fast enough for every keystroke); nothing is saved',
        },
      },
      async function previewSegment(request) {
        const { workspaceId } = requireAuth(request);
        return toPreviewResponse(await app.segments.preview(workspaceId, request.body));
      },
    );

    server.get(
      '/v1/segments/overlap',
      {
        config: READ,
        schema: {
          querystring: OverlapQuerySchema,
          response: { 200: OverlapResponseSchema, ...errorResponses(400, 401, 403, 404) },
          tags: TAGS,
          summary: 'Members shared by each pair of segments',
        },
      },
      async function overlapSegments(request) {
        const { workspaceId } = requireAuth(request);
        const matrix = app.segments.overlap(workspaceId, request.query.keys);
        return { keys: [...matrix.keys], sizes: [...matrix.sizes], counts: matrix.counts.map((row) => [...row]) };
      },
    );

    server.get(
      '/v1/segments/changes',
      {
        config: READ,
        schema: {
          querystring: ChangesQuerySchema,
          response: { 200: ChangesResponseSchema, ...errorResponses(400, 401, 403) },
          tags: TAGS,
          summary: 'Membership history (enters and exits) after a seq, in seq order',
        },
      },
      async function listChanges(request) {
        const { workspaceId } = requireAuth(request);
        const { after, limit, segment, profileId } = request.query;
        const page = await app.segments.changes(workspaceId, {
          afterSeq: after,
          limit,
          ...(segment === null ? {} : { segmentKeys: segment }),
          ...(profileId === undefined ? {} : { profileId: asProfileId(profileId) }),
        });
        const last = page.at(-1);
        return { changes: page.map(toChangeResponse), next: page.length === limit && last !== undefined ? last.seq : null };
      },
    );

    server.get(
      '/v1/segments/stream',
      {
        config: READ,
        schema: {
          querystring: StreamQuerySchema,
          response: { 200: StreamResponseSchema, ...errorResponses(400, 401, 403, 404) },
          produces: ['text/event-stream'],
          tags: TAGS,
          summary: 'Server-sent events of membership changes; resumes after Last-Event-ID (or ?after=) without gaps',
        },
      },
      async function streamChanges(request, reply) {
        const { workspaceId } = requireAuth(request);
        const { segment } = request.query;
        const afterSeq = resumeSeqOf(request.headers['last-event-id'], request.query.after);
        // Unknown keys are most likely typos: say so now rather than stream nothing forever.
        if (segment !== null) for (const key of segment) await app.segments.get(workspaceId, key);

        const stream = new ChangeEventStream({
          segments: segment === null ? null : new Set(segment),
          afterSeq,
          history: (after) => app.segments.changes(workspaceId, { afterSeq: after, limit: REPLAY_PAGE, ...(segment === null ? {} : { segmentKeys: segment }) }),
          pageSize: REPLAY_PAGE,
          render: toChangeResponse,
          heartbeatMs: SSE_HEARTBEAT_MS,
          retryMs: SSE_RETRY_MS,
          maxBufferedBytes: SSE_MAX_BUFFERED_BYTES,
          maxPendingChanges: SSE_MAX_PENDING_CHANGES,
        });
        // Subscribe first, so nothing committed during the replay is missed (see ChangeEventStream).
        const unsubscribe = app.segments.subscribe(workspaceId, (changes) => stream.offer(changes));
        openStreams.add(stream);
        stream.onClosed(() => {
          unsubscribe();
          openStreams.delete(stream);
        });
        void stream.start();
        return reply
          .type('text/event-stream; charset=utf-8')
          .header('x-accel-buffering', 'no')
          .send(asStreamBody(stream));
      },
    );

    server.get(
      '/v1/segments/:key',
      {
        config: READ,
        schema: {
          params: SegmentKeyParamsSchema,
          response: { 200: SegmentResponseSchema, ...errorResponses(401, 403, 404) },
          tags: TAGS,
          summary: 'One segment',
        },
      },
      async function getSegment(request) {
        const { workspaceId } = requireAuth(request);
        return toSegmentResponse(await app.segments.get(workspaceId, request.params.key));
      },
    );

    server.put(
      '/v1/segments/:key',
      {
        config: ADMIN,
        schema: {
          params: SegmentKeyParamsSchema,
          body: PutSegmentRequestSchema,
          response: { 200: SavedSegmentResponseSchema, 201: SavedSegmentResponseSchema, ...errorResponses(400, 401, 403, 409, 415, 422) },
          tags: TAGS,
          summary: 'Create (201) or replace (200) a rule segment, then evaluate every profile',
        },
      },
      async function putSegment(request, reply) {
        const { workspaceId } = requireAuth(request);
        const { key } = request.params;
        if (request.body.key !== undefined && request.body.key !== key) {
          throw new HttpError('ERR_REQUEST_INVALID', {
            message: `The body names "${request.body.key}" but the path names "${key}"; omit "key" or make them equal`,
            details: [{ field: 'key', message: 'must equal the key in the path' }],
          });
        }
        const existed = await segmentExists(app, workspaceId, key);
        const saved = await app.segments.update(workspaceId, key, { ...request.body, key });
        if (!existed) reply.code(201).header('location', segmentPath(key));
        return reply.send(toSavedSegmentResponse(saved));
      },
    );

    server.delete(
      '/v1/segments/:key',
      {
        config: ADMIN,
        schema: {
          params: SegmentKeyParamsSchema,
          response: { 204: NoContentSchema, ...errorResponses(401, 403, 404, 409) },
          tags: TAGS,
          summary: 'Delete a rule segment (its history stays); 409 while other segments read it',
        },
      },
      async function deleteSegment(request, reply) {
        const { workspaceId } = requireAuth(request);
        if (!(await app.segments.delete(workspaceId, request.params.key))) throw segmentNotFound();
        return reply.code(204).send(null);
      },
    );

    server.get(
      '/v1/segments/:key/members',
      {
        config: READ,
        schema: {
          params: SegmentKeyParamsSchema,
          querystring: MembersQuerySchema,
          response: { 200: MembersResponseSchema.or(MembersExportSchema), ...errorResponses(400, 401, 403, 404) },
          produces: ['application/json', 'text/csv', 'application/x-ndjson'],
          tags: TAGS,
          summary: 'Members with when and why they entered: a JSON page, or every member as a CSV / NDJSON download',
        },
      },
      async function listMembers(request, reply) {
        const { workspaceId } = requireAuth(request);
        const { key } = request.params;
        const { format, after, limit } = request.query;
        const afterProfileId = after === undefined ? null : asProfileId(after);
        if (format === 'json') {
          const page = await app.segments.members(workspaceId, key, { afterProfileId, limit });
          const last = page.at(-1);
          return { key, members: page.map(toMemberResponse), next: page.length === limit && last !== undefined ? last.profileId : null };
        }
        // The first page is read here, so an unknown segment is a plain 404 before anything is sent.
        const first = await app.segments.exportMembers(workspaceId, key, { afterProfileId, limit: EXPORT_CHUNK });
        const body = Readable.from(exportChunks(app, workspaceId, key, first, format));
        return reply
          .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
          .header('content-disposition', `attachment; filename="segment-${fileSafe(key)}-members.${format}"`)
          .send(asStreamBody(body));
      },
    );

    server.get(
      '/v1/segments/:key/history',
      {
        config: READ,
        schema: {
          params: SegmentKeyParamsSchema,
          response: { 200: HistoryResponseSchema, ...errorResponses(401, 403, 404) },
          tags: TAGS,
          summary: 'Size over time: enters, exits and size per UTC day with changes',
        },
      },
      async function segmentHistory(request) {
        const { workspaceId } = requireAuth(request);
        const { key } = request.params;
        return { key, points: (await app.segments.sizeOverTime(workspaceId, key)).map((p) => ({ ...p })) };
      },
    );
  };
}

/**
 * fastify pipes a Readable body to the socket as it is produced and skips the serialiser; the typed
 * reply only knows the documented body (a string: the CSV, NDJSON or event-stream text).
 */
function asStreamBody(stream: Readable): string {
  return stream as unknown as string;
}

function toDependencies(d: RuleDependencies): SegmentResponse['dependsOn'] {
  return {
    traits: [...d.traits],
    features: [...d.features],
    computed: [...d.computed],
    predicted: [...d.predicted],
    events: [...d.events],
    segments: [...d.segments],
    timeRelative: d.timeRelative,
    unscheduledTime: d.unscheduledTime,
  };
}

function toMemberResponse(m: Membership): { profileId: ProfileId; enteredAt: string; reasons: string[] } {
  return { profileId: m.profileId, enteredAt: toIso(m.enteredAtMs), reasons: [...m.reasons] };
}

/** The export body, a page of members at a time (EXPORT_CHUNK), so memory stays flat however many members. */
async function* exportChunks(
  app: AttuneApp,
  workspace: WorkspaceId,
  key: string,
  first: readonly MemberContact[],
  format: Exclude<MemberFormat, 'json'>,
): AsyncGenerator<string> {
  if (format === 'csv') yield csvRecord(['profile_id', 'user_id', 'email', 'entered_at', 'reasons']);
  let page = first;
  for (;;) {
    if (page.length > 0) {
      yield page
        .map((m) =>
          format === 'csv'
            ? csvRecord([m.profileId, m.userId ?? '', m.email ?? '', toIso(m.enteredAtMs), m.reasons.join('; ')])
            : `${JSON.stringify({ profile_id: m.profileId, user_id: m.userId, email: m.email, entered_at: toIso(m.enteredAtMs), reasons: m.reasons })}\n`,
        )
        .join('');
    }
    const last = page.at(-1);
    if (page.length < EXPORT_CHUNK || last === undefined) return;
    page = await app.segments.exportMembers(workspace, key, { afterProfileId: last.profileId, limit: EXPORT_CHUNK });
  }
}

/** Where a stream resumes: Last-Event-ID (what EventSource sends on reconnecting) wins over ?after=. */
function resumeSeqOf(header: string | string[] | undefined, after: number | undefined): number | null {
  const value = Array.isArray(header) ? header.at(-1) : header;
  if (value !== undefined && value.trim() !== '') {
    const text = value.trim();
    const seq = Number(text);
    if (!/^\d{1,16}$/.test(text) || !Number.isSafeInteger(seq)) {
      throw new HttpError('ERR_REQUEST_INVALID', {
        message: 'Last-Event-ID must be the id of an event this stream sent (a change seq)',
        details: [{ field: 'last-event-id', message: 'must be a non-negative integer', in: 'header' }],
      });
    }
    return seq;
  }
  return after ?? null;
}

async function segmentExists(app: AttuneApp, workspace: WorkspaceId, key: string): Promise<boolean> {
  try {
    await app.segments.get(workspace, key);
    return true;
  } catch (error: unknown) {
    if (error instanceof AppError && error.code === 'ERR_NOT_FOUND') return false;
    throw error;
  }
}

function segmentNotFound(): HttpError {
  return new HttpError('ERR_NOT_FOUND', { message: 'No segment with this key', details: [{ field: 'key', message: 'no such segment in this workspace' }] });
}

function fileSafe(key: string): string {
  return key.replace(/[^a-z0-9_-]/gi, '_');
}
