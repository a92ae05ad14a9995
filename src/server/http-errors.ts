import type { AppErrorCode } from '../app/app-error.js';
import type { EventRejectCode } from '../core/events/event-rejection.js';

/**
 * Every error code the HTTP API can answer with, its status, and the default message. One registry
 * (Fastify's FST_ERR_*, GrowthBook's apiErrorRegistry): docs/errors.md documents exactly these codes,
 * and test/integration/errors-doc.test.ts fails when the two disagree. Codes are stable forever.
 */
export const ERRORS = {
  // Authentication and authorisation
  ERR_AUTH_MISSING: { status: 401, message: 'An API key is required' },
  ERR_AUTH_INVALID: { status: 401, message: 'The API key is unknown or revoked' },
  ERR_AUTH_SCOPE: { status: 403, message: 'The API key does not have the scope this route needs' },
  ERR_CSRF: { status: 403, message: 'The x-csrf-token header is missing or does not match the session' },
  ERR_RATE_LIMITED: { status: 429, message: 'Too many failed logins; retry later' },

  // Request bodies
  ERR_BODY_INVALID_JSON: { status: 400, message: 'The request body is not valid JSON' },
  ERR_BODY_MEDIA_TYPE_UNSUPPORTED: { status: 415, message: 'The request Content-Type is not supported' },
  ERR_BODY_ENCODING_UNSUPPORTED: { status: 415, message: 'The request Content-Encoding is not supported' },
  ERR_BODY_DECOMPRESSION_FAILED: { status: 400, message: 'The request body could not be decompressed' },
  ERR_BODY_TOO_LARGE: { status: 413, message: 'The request body is too large' },
  ERR_BATCH_TOO_LARGE: { status: 413, message: 'The batch is too large' },
  ERR_BATCH_INVALID: { status: 400, message: 'The batch is not shaped as expected' },
  ERR_BATCH_REJECTED: { status: 400, message: 'Every item in the batch was rejected' },
  ERR_REQUEST_INVALID: { status: 400, message: 'The request failed validation' },

  // Routing
  ERR_ROUTE_NOT_FOUND: { status: 404, message: 'No such route' },
  ERR_METHOD_NOT_ALLOWED: { status: 405, message: 'The route does not accept this method' },

  // Use-case errors (AppErrorCode, src/app/app-error.ts)
  ERR_NOT_FOUND: { status: 404, message: 'Not found' },
  ERR_VALIDATION: { status: 400, message: 'The input failed validation' },
  ERR_INGEST_OVERLOADED: { status: 503, message: 'Ingestion is overloaded; retry later' },
  ERR_INGEST_CLOSED: { status: 503, message: 'Ingestion is shutting down; retry later' },
  ERR_COMPUTED_TRAIT_INVALID: { status: 422, message: 'The computed trait definition is invalid' },
  ERR_WORKSPACE_UNKNOWN: { status: 404, message: 'The workspace does not exist' },
  ERR_WORKSPACE_EXISTS: { status: 409, message: 'A workspace with this id already exists' },
  ERR_SEGMENT_RULE_INVALID: { status: 422, message: 'The segment rule is invalid' },
  ERR_SEGMENT_EXISTS: { status: 409, message: 'A segment with this key already exists' },
  ERR_SEGMENT_IN_USE: { status: 409, message: 'Other segments read this segment' },
  ERR_SEGMENT_MANAGED: { status: 409, message: 'This segment is managed by RFM or a clustering' },
  ERR_NOT_ENOUGH_DATA: { status: 422, message: 'There is not enough data for this' },
  ERR_RECS_NOT_TRAINED: { status: 409, message: 'No recommender is trained for this workspace yet' },

  // Event rejections (EventRejectCode, src/core/events/event-rejection.ts); per event in a 207/400 body
  ERR_EVENT_NOT_OBJECT: { status: 400, message: 'The event is not a JSON object' },
  ERR_EVENT_TYPE_INVALID: { status: 400, message: 'The event type is missing or unknown' },
  ERR_EVENT_IDENTITY_MISSING: { status: 400, message: 'The event has neither userId nor anonymousId' },
  ERR_EVENT_FIELD_INVALID: { status: 400, message: 'An event field has the wrong type or value' },
  ERR_EVENT_NAME_MISSING: { status: 400, message: 'The track event has no event name' },
  ERR_EVENT_TIMESTAMP_INVALID: { status: 400, message: 'An event timestamp is not a valid instant' },
  ERR_EVENT_TOO_LARGE: { status: 400, message: 'The event is larger than the per-event limit' },

  // Everything else
  ERR_INTERNAL: { status: 500, message: 'Internal error' },
} as const satisfies Record<string, { status: number; message: string }>;

export type HttpErrorCode = keyof typeof ERRORS;

/** Compile-time check: every app and event code is registered (this type is `never` when they are). */
type UnregisteredCodes = Exclude<AppErrorCode | EventRejectCode, HttpErrorCode>;
const everyCodeRegistered: [UnregisteredCodes] extends [never] ? true : UnregisteredCodes = true;
void everyCodeRegistered;

export interface HttpErrorDetail {
  readonly field: string | null;
  readonly message: string;
  readonly [extra: string]: string | number | boolean | null;
}

/** The one error body shape: `{ error: { code, message, details? } }`. */
export interface ErrorResponse {
  error: { code: HttpErrorCode; message: string; details?: Record<string, unknown>[] };
}

/** An error raised by the HTTP face itself (auth, bodies, routing). The error handler renders it. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  readonly code: HttpErrorCode;
  readonly status: number;
  readonly details: readonly HttpErrorDetail[];
  readonly headers: Readonly<Record<string, string>>;
  /** Kept for the callers of retryable errors; HTTP errors raised here are client errors. */
  readonly retryable = false;

  constructor(
    code: HttpErrorCode,
    opts: {
      message?: string;
      details?: readonly HttpErrorDetail[];
      headers?: Readonly<Record<string, string>>;
      cause?: unknown;
    } = {},
  ) {
    super(opts.message ?? ERRORS[code].message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.code = code;
    this.status = ERRORS[code].status;
    this.details = opts.details ?? [];
    this.headers = opts.headers ?? {};
  }
}

export function isHttpErrorCode(code: string): code is HttpErrorCode {
  return Object.hasOwn(ERRORS, code);
}

export function errorBody(
  code: HttpErrorCode,
  message: string,
  details: readonly Readonly<Record<string, unknown>>[],
): ErrorResponse {
  return details.length === 0 ? { error: { code, message } } : { error: { code, message, details: details.map((d) => ({ ...d })) } };
}
