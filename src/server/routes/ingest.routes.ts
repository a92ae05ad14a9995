import type { FastifyPluginAsync, FastifyReply, FastifySchemaCompiler } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { EventType } from '../../core/events/event.js';
import { EVENT_TYPES } from '../../core/events/event.js';
import { isJsonObject } from '../../core/shared/json.js';
import type { AttuneApp, IngestOutcome } from '../../app/attune-app.js';
import { BatchRequestSchema, IngestResponseSchema, SingleEventRequestSchema, errorResponses } from '../api.schema.js';
import { requireAuth } from '../auth.js';
import { registerIngestBodyParsers } from '../body-parsing.js';
import { HttpError, errorBody } from '../http-errors.js';
import type { ServerOptions } from '../server-options.js';

/**
 * The body schemas of the ingest routes document the Segment shape in /openapi.json but do not
 * validate: the handlers check the batch themselves (ERR_BATCH_INVALID naming the field) and the
 * app validates each event, so that one bad event never fails the whole batch.
 */
const documentOnly: FastifySchemaCompiler<unknown> = () =>
  function passThrough(data: unknown) {
    return { value: data };
  };

const INGEST_RESPONSES = {
  200: IngestResponseSchema,
  207: IngestResponseSchema,
  ...errorResponses(400, 401, 403, 413, 415, 503),
};

/** Segment-spec ingestion: POST /v1/batch and one route per call type. */
export function ingestRoutes(deps: { readonly app: AttuneApp; readonly options: ServerOptions }): FastifyPluginAsync {
  return async function registerIngestRoutes(instance) {
    registerIngestBodyParsers(instance);
    const server = instance.withTypeProvider<ZodTypeProvider>();

    server.post(
      '/v1/batch',
      {
        bodyLimit: deps.options.maxBatchBytes,
        config: { scope: 'write', keyInBody: true, tooLargeCode: 'ERR_BATCH_TOO_LARGE' },
        schema: { body: BatchRequestSchema, response: INGEST_RESPONSES, tags: ['ingest'], summary: 'Send a batch of events' },
        validatorCompiler: documentOnly,
      },
      async function ingestBatch(request, reply) {
        const auth = requireAuth(request);
        const batch = readBatch(request.body);
        const outcome = await deps.app.ingest({
          workspaceId: auth.workspaceId,
          events: batch.events,
          receivedAtMs: Date.now(),
          impliedType: null,
          batchSentAt: batch.sentAt,
        });
        return sendBatchOutcome(reply, outcome, batch.events.length);
      },
    );

    for (const type of EVENT_TYPES) {
      server.post(
        `/v1/${type}`,
        {
          bodyLimit: deps.options.maxSingleEventBodyBytes,
          config: { scope: 'write', keyInBody: true, tooLargeCode: 'ERR_BODY_TOO_LARGE' },
          schema: { body: SingleEventRequestSchema, response: INGEST_RESPONSES, tags: ['ingest'], summary: `Send one ${type} event` },
          validatorCompiler: documentOnly,
        },
        async function ingestOne(request, reply) {
          const auth = requireAuth(request);
          const outcome = await deps.app.ingest({
            workspaceId: auth.workspaceId,
            events: [withoutWriteKey(request.body)],
            receivedAtMs: Date.now(),
            impliedType: type satisfies EventType,
            batchSentAt: null,
          });
          return sendSingleOutcome(reply, outcome);
        },
      );
    }
  };
}

/** The body of /v1/batch: `{ batch: [...], sentAt?, writeKey? }`. */
export function readBatch(body: unknown): { readonly events: readonly unknown[]; readonly sentAt: unknown } {
  if (!isJsonObject(body)) {
    throw new HttpError('ERR_BATCH_INVALID', {
      message: 'The body must be a JSON object with a "batch" array of events',
      details: [{ field: null, message: body === null || body === undefined ? 'the body is empty' : 'not a JSON object' }],
    });
  }
  const events = body['batch'];
  if (!Array.isArray(events)) {
    throw new HttpError('ERR_BATCH_INVALID', {
      message: `"batch" must be an array of events; got ${events === undefined ? 'nothing' : typeLabel(events)}`,
      details: [{ field: 'batch', message: 'must be an array' }],
    });
  }
  return { events, sentAt: body['sentAt'] };
}

function typeLabel(value: unknown): string {
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** The write key is a secret: it must never reach the event log. */
function withoutWriteKey(body: unknown): unknown {
  if (!isJsonObject(body) || !Object.hasOwn(body, 'writeKey')) return body;
  const { writeKey: _secret, ...event } = body;
  return event;
}

/** 200 when all were taken, 207 when some were rejected, 400 when every one was. */
function sendBatchOutcome(reply: FastifyReply, outcome: IngestOutcome, total: number): FastifyReply {
  const base = { success: true as const, accepted: outcome.accepted, duplicates: outcome.duplicates };
  if (outcome.rejected.length === 0) return reply.code(200).send(base);
  const rejected = outcome.rejected.map((r) => ({ index: r.index, code: r.code, field: r.field, message: r.message }));
  if (rejected.length === total) {
    return reply
      .code(400)
      .send(errorBody('ERR_BATCH_REJECTED', `All ${total} events were rejected; see details`, rejected));
  }
  return reply.code(207).send({ ...base, rejected });
}

/** A single-event route answers with the event's own code when it is rejected. */
function sendSingleOutcome(reply: FastifyReply, outcome: IngestOutcome): FastifyReply {
  const rejection = outcome.rejected[0];
  if (rejection === undefined) {
    return reply.code(200).send({ success: true, accepted: outcome.accepted, duplicates: outcome.duplicates });
  }
  return reply
    .code(400)
    .send(errorBody(rejection.code, rejection.message, [{ field: rejection.field, message: rejection.message }]));
}
