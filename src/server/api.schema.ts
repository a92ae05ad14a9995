import { z } from 'zod';
import { API_KEY_SCOPES } from '../core/auth/workspace.js';
import { EVENT_TYPES } from '../core/events/event.js';
import type { ProfileFeatures } from '../core/features/compute-features.js';
import { ProfileSegmentSchema } from './segments.schema.js';
import { decodeTimelineCursor } from './timeline-cursor.js';

/**
 * The HTTP API's request and response shapes, as zod schemas. Routes validate and serialise with
 * them (fastify-type-provider-zod), /openapi.json is generated from them, and the dashboard imports
 * the inferred types (`import type`) from here. Instants are ISO-8601 strings named `...At`.
 */

const Json = z.unknown().describe('Any JSON value');
const JsonObject = z.record(z.string(), z.unknown());
const IsoInstant = z.string().describe('ISO-8601 instant (UTC)');
const Count = z.number().int().min(0);

// ---------------------------------------------------------------------------------------------
// Errors

export const ErrorDetailSchema = z
  .record(z.string(), z.unknown())
  .describe('{ field, message } plus code-specific fields such as index, code, limitBytes');

export const ErrorResponseSchema = z
  .object({
    error: z.object({
      code: z.string().describe('A stable code from docs/errors.md'),
      message: z.string(),
      details: z.array(ErrorDetailSchema).optional(),
    }),
  })
  .meta({ id: 'ErrorResponse' });

/** Response schemas for error statuses a route documents (all share the one error body). */
export function errorResponses<const S extends readonly number[]>(...statuses: S): Record<S[number], typeof ErrorResponseSchema> {
  const out: Partial<Record<number, typeof ErrorResponseSchema>> = {};
  for (const status of statuses) out[status] = ErrorResponseSchema;
  return out as Record<S[number], typeof ErrorResponseSchema>;
}

/** 204 responses: no body (fastify drops the payload; `null` satisfies the serialiser). */
export const NoContentSchema = z.null().describe('No content');

// ---------------------------------------------------------------------------------------------
// Ingest

export const RejectedItemSchema = z.object({
  index: Count.describe('0-based position in the batch'),
  code: z.string().describe('ERR_EVENT_* code'),
  field: z.string().nullable().describe('JSON path into the event, null when the whole event is at fault'),
  message: z.string(),
});

export const IngestResponseSchema = z
  .object({
    success: z.literal(true),
    accepted: Count.describe('New events stored and applied'),
    duplicates: Count.describe('Events whose messageId was already stored (retries); acknowledged, not applied again'),
    rejected: z.array(RejectedItemSchema).optional().describe('Present (status 207) when some events were rejected'),
  })
  .meta({ id: 'IngestResponse' });

export const BatchRequestSchema = z
  .object({
    batch: z.array(JsonObject).describe('Segment-spec events'),
    sentAt: IsoInstant.optional(),
    writeKey: z.string().optional().describe('Alternative to the Authorization header'),
  })
  .loose()
  .meta({ id: 'BatchRequest', description: 'Documented shape only; the server checks it itself to name the field at fault.' });

export const SingleEventRequestSchema = z
  .object({
    type: z.enum(EVENT_TYPES).optional(),
    messageId: z.string().optional(),
    userId: z.string().optional(),
    anonymousId: z.string().optional(),
    writeKey: z.string().optional(),
  })
  .loose()
  .meta({ id: 'SingleEventRequest' });

// ---------------------------------------------------------------------------------------------
// Profiles

export const ProfileListQuerySchema = z.object({
  after: z.string().min(1).max(200).optional().describe('`next` of the previous page'),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const UserIdParamsSchema = z.object({ userId: z.string().min(1).max(1024) });
export const AnonymousIdParamsSchema = z.object({ anonymousId: z.string().min(1).max(1024) });
export const ProfileIdParamsSchema = z.object({ profileId: z.string().min(1).max(200) });

/** An optional ISO-8601 instant in a query string, read as epoch ms (null when absent). */
export const OptionalInstantSchema = z
  .string()
  .optional()
  .transform((text, ctx) => {
    if (text === undefined) return null;
    const atMs = Date.parse(text);
    if (Number.isNaN(atMs)) {
      ctx.addIssue({ code: 'custom', message: 'must be an ISO-8601 instant, e.g. 2011-12-10T00:00:00Z' });
      return z.NEVER;
    }
    return atMs;
  });

/** `?at=` reads the features as of an instant (ISO-8601), e.g. for historical data; default now. */
export const ProfileQuerySchema = z.object({
  at: OptionalInstantSchema.describe('Compute time-relative features (windows, recency, buying stage) as of this instant'),
});

export const TimelineQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  before: z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (text === undefined) return null;
      const cursor = decodeTimelineCursor(text);
      if (cursor === null) {
        ctx.addIssue({ code: 'custom', message: 'not a cursor from a previous page (use the `next` value as is)' });
        return z.NEVER;
      }
      return cursor;
    })
    .describe('`next` of the previous page'),
});

const IdentitySchema = z.object({
  kind: z.enum(['user_id', 'anonymous_id']),
  value: z.string(),
  firstSeenAt: IsoInstant,
});

const MergeSchema = z.object({
  survivorId: z.string(),
  mergedId: z.string(),
  reason: z.enum(['identified', 'alias']),
  messageId: z.string().describe('The event that proved the two profiles are one person'),
  via: z.array(z.object({ kind: z.enum(['user_id', 'anonymous_id']), value: z.string() })),
  at: IsoInstant,
});

export const ProfileResponseSchema = z
  .object({
    profileId: z.string(),
    identities: z.array(IdentitySchema),
    traits: JsonObject,
    features: JsonObject.describe('Derived features at request time (see docs/api.md); units are in the names'),
    computedTraits: JsonObject,
    merges: z.array(MergeSchema),
    segments: z.array(ProfileSegmentSchema).describe('Segments the profile is in now, with why (see docs/api.md, "Segments")'),
    predicted: z.record(z.string(), z.number()).describe('Scores of the workspace\'s prediction models at the time read, by model key (see docs/api.md, "Models")'),
    links: z.object({ timeline: z.string() }),
  })
  .meta({ id: 'Profile' });

export const ProfileSummarySchema = z.object({
  profileId: z.string(),
  traits: JsonObject,
  eventCount: Count,
  firstSeenAt: IsoInstant.nullable(),
  lastSeenAt: IsoInstant.nullable(),
  links: z.object({ self: z.string(), timeline: z.string() }),
});

export const ProfileListResponseSchema = z
  .object({
    profiles: z.array(ProfileSummarySchema),
    next: z.string().nullable().describe('Pass as `after` for the next page; null on the last page'),
  })
  .meta({ id: 'ProfileList' });

export const TimelineEventSchema = z.object({
  messageId: z.string(),
  type: z.enum(EVENT_TYPES),
  event: z.string().nullable(),
  name: z.string().nullable(),
  userId: z.string().nullable(),
  anonymousId: z.string().nullable(),
  previousId: z.string().nullable(),
  groupId: z.string().nullable(),
  properties: JsonObject,
  traits: JsonObject,
  context: JsonObject,
  timestamp: IsoInstant,
  receivedAt: IsoInstant,
  sentAt: IsoInstant.nullable(),
  originalTimestamp: IsoInstant.nullable(),
});

export const TimelineResponseSchema = z
  .object({
    events: z.array(TimelineEventSchema).describe('Newest first'),
    next: z.string().nullable().describe('Pass as `before` for older events; null when there are none'),
    links: z.object({ next: z.string().nullable() }),
  })
  .meta({ id: 'Timeline' });

// ---------------------------------------------------------------------------------------------
// Keys

export const KeyResponseSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    scope: z.enum(API_KEY_SCOPES),
    prefix: z.string().describe('The first characters of the secret, to recognise it'),
    createdAt: IsoInstant,
    revokedAt: IsoInstant.nullable(),
  })
  .meta({ id: 'ApiKey' });

export const KeyListResponseSchema = z.object({ keys: z.array(KeyResponseSchema) });

export const CreateKeyRequestSchema = z.object({
  name: z.string().trim().min(1).max(200),
  scope: z.enum(API_KEY_SCOPES),
});

export const CreatedKeyResponseSchema = KeyResponseSchema.extend({
  secret: z.string().describe('Shown once: store it now'),
});

export const KeyIdParamsSchema = z.object({ id: z.string().min(1).max(200) });

// ---------------------------------------------------------------------------------------------
// Catalog

export const CatalogUpsertRequestSchema = z
  .union([z.array(Json), z.object({ items: z.array(Json) })])
  .describe('An array of items, or { items: [...] }');

export const CatalogUpsertResponseSchema = z.object({
  success: z.literal(true),
  accepted: Count,
  rejected: z
    .array(z.object({ index: Count, field: z.string().nullable(), message: z.string() }))
    .optional()
    .describe('Present (status 207) when some items were rejected'),
});

export const CatalogItemResponseSchema = z
  .object({
    id: z.string(),
    name: z.string().nullable(),
    category: z.string().nullable(),
    price: z.number().nullable(),
    currency: z.string().nullable(),
    marginRate: z.number().nullable(),
    stock: z.number().nullable(),
    attributes: JsonObject,
    updatedAt: IsoInstant,
  })
  .meta({ id: 'CatalogItem' });

export const CatalogListQuerySchema = z.object({
  category: z.string().min(1).max(200).optional(),
  after: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const CatalogListResponseSchema = z.object({
  items: z.array(CatalogItemResponseSchema),
  next: z.string().nullable(),
});

export const CatalogItemParamsSchema = z.object({ id: z.string().min(1).max(200) });

// ---------------------------------------------------------------------------------------------
// Computed traits

export const ComputedTraitResponseSchema = z
  .object({
    name: z.string(),
    event: z.string(),
    where: z.array(z.object({ property: z.string(), op: z.string(), value: Json.optional() })),
    aggregate: z.string(),
    property: z.string().nullable(),
    windowDays: z.number().int().nullable(),
    description: z.string().optional(),
  })
  .meta({ id: 'ComputedTrait' });

export const ComputedTraitListResponseSchema = z.object({ computedTraits: z.array(ComputedTraitResponseSchema) });

export const ComputedTraitParamsSchema = z.object({ name: z.string().min(1).max(64) });

export const ComputedTraitRequestSchema = z
  .record(z.string(), z.unknown())
  .describe('The definition; `name` may be omitted (taken from the path) or must equal it');

// ---------------------------------------------------------------------------------------------
// Health

export const HealthResponseSchema = z.object({
  status: z.literal('ok'),
  storage: z.string(),
  uptimeMs: Count,
  ingestQueueDepth: Count,
  unflushedProfiles: Count,
});

export type ErrorResponseBody = z.output<typeof ErrorResponseSchema>;
export type IngestResponse = z.output<typeof IngestResponseSchema>;
export type ProfileResponse = z.output<typeof ProfileResponseSchema>;
/** The precise shape of ProfileResponse.features (the schema keeps it open so new features need no API change). */
export type ProfileFeaturesResponse = Omit<ProfileFeatures, 'computedTraits'>;
export type ProfileSummary = z.output<typeof ProfileSummarySchema>;
export type ProfileListResponse = z.output<typeof ProfileListResponseSchema>;
export type TimelineEventResponse = z.output<typeof TimelineEventSchema>;
export type TimelineResponse = z.output<typeof TimelineResponseSchema>;
export type KeyResponse = z.output<typeof KeyResponseSchema>;
export type CreatedKeyResponse = z.output<typeof CreatedKeyResponseSchema>;
export type CatalogItemResponse = z.output<typeof CatalogItemResponseSchema>;
export type CatalogListResponse = z.output<typeof CatalogListResponseSchema>;
export type CatalogUpsertResponse = z.output<typeof CatalogUpsertResponseSchema>;
export type ComputedTraitResponse = z.output<typeof ComputedTraitResponseSchema>;
export type HealthResponse = z.output<typeof HealthResponseSchema>;
