import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { AppError } from '../app/app-error.js';
import { tooLargeError } from './body-parsing.js';
import type { HttpErrorCode } from './http-errors.js';
import { ERRORS, HttpError, errorBody } from './http-errors.js';

/** An error, ready to send: status, headers and the `{ error: { code, message, details? } }` body. */
export interface RenderedError {
  readonly status: number;
  readonly code: HttpErrorCode;
  readonly message: string;
  readonly details: readonly Readonly<Record<string, unknown>>[];
  readonly headers: Readonly<Record<string, string>>;
}

const METHODS_FOR_ALLOW = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/**
 * The global error handler and the 404/405 handler. Every error becomes a registered code; unknown
 * errors become 500 ERR_INTERNAL with nothing of their message sent. Logs carry the code, the route
 * pattern and the request id only: never bodies, URLs (they hold user ids) or error messages.
 */
export function installErrorHandling(instance: FastifyInstance): void {
  instance.setErrorHandler<Error>(function renderError(error, request, reply) {
    const rendered = toRenderedError(error, request);
    if (rendered.status >= 500) {
      request.log.error(
        { code: rendered.code, errorName: error.name, errorCode: errorCodeOf(error), route: request.routeOptions.url ?? null },
        'request failed',
      );
    }
    return sendError(reply, rendered);
  });

  instance.setNotFoundHandler(function renderNotFound(request, reply) {
    const allowed = allowedMethods(instance, request);
    if (allowed.length > 0) {
      return sendError(reply, {
        status: ERRORS.ERR_METHOD_NOT_ALLOWED.status,
        code: 'ERR_METHOD_NOT_ALLOWED',
        message: `This route accepts ${allowed.join(', ')}, not ${request.method}`,
        details: [],
        headers: { allow: allowed.join(', ') },
      });
    }
    return sendError(reply, rendered('ERR_ROUTE_NOT_FOUND', `No route ${request.method} ${pathOf(request)}`));
  });
}

export function sendError(reply: FastifyReply, error: RenderedError): FastifyReply {
  for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
  return reply.code(error.status).send(errorBody(error.code, error.message, error.details));
}

function rendered(code: HttpErrorCode, message?: string, details: RenderedError['details'] = []): RenderedError {
  return { status: ERRORS[code].status, code, message: message ?? ERRORS[code].message, details, headers: {} };
}

export function toRenderedError(error: unknown, request: FastifyRequest): RenderedError {
  if (error instanceof HttpError) {
    return { status: error.status, code: error.code, message: error.message, details: error.details, headers: error.headers };
  }
  if (error instanceof AppError) {
    const retryAfter: Record<string, string> =
      error.retryAfterSeconds === null ? {} : { 'retry-after': String(Math.max(1, Math.ceil(error.retryAfterSeconds))) };
    const details = error.details.map((d) => ({ field: d.field, message: d.message, ...(d.position === undefined ? {} : { position: d.position }) }));
    return { ...rendered(error.code, error.message, details), headers: retryAfter };
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = validationContextOf(error);
    const details = error.validation.map((issue) => ({ field: fieldOf(issue.instancePath), message: issue.message ?? 'invalid' }));
    const first = details[0];
    const message =
      first === undefined
        ? `The request ${where} failed validation`
        : `Invalid ${where}${first.field === null ? '' : ` field "${first.field}"`}: ${first.message}`;
    return rendered('ERR_REQUEST_INVALID', message, details.map((d) => ({ ...d, in: where })));
  }
  if (isFastifyError(error) && isResponseSerializationError(error)) return rendered('ERR_INTERNAL');
  return fromFastifyError(error, request);
}

function fromFastifyError(error: unknown, request: FastifyRequest): RenderedError {
  const code = errorCodeOf(error);
  switch (code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE': {
      const header = request.headers['content-length'];
      const received = header === undefined ? Number.NaN : Number(header);
      const fromHeader = Number.isSafeInteger(received) && received > request.routeOptions.bodyLimit;
      const tooLarge = tooLargeError({
        code: request.routeOptions.config.tooLargeCode ?? 'ERR_BODY_TOO_LARGE',
        receivedBytes: fromHeader ? received : null,
        exact: fromHeader,
        limitBytes: request.routeOptions.bodyLimit,
        afterDecompression: false,
      });
      return toRenderedError(tooLarge, request);
    }
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return rendered('ERR_BODY_MEDIA_TYPE_UNSUPPORTED');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return rendered('ERR_BODY_INVALID_JSON');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return rendered('ERR_REQUEST_INVALID', 'The request body size did not match Content-Length');
    default:
      break;
  }
  const status = statusCodeOf(error);
  // Other 4xx from fastify (bad URL encoding, aborted upload): its messages are fixed texts, safe to send.
  if (status !== null && status >= 400 && status < 500 && error instanceof Error) {
    return { ...rendered('ERR_REQUEST_INVALID', error.message), status };
  }
  return rendered('ERR_INTERNAL');
}

function isFastifyError(error: unknown): error is Error & { code: string } {
  return error instanceof Error && typeof errorCodeOf(error) === 'string';
}

function errorCodeOf(error: unknown): string | null {
  if (typeof error !== 'object' || error === null || !('code' in error)) return null;
  return typeof error.code === 'string' ? error.code : null;
}

function statusCodeOf(error: unknown): number | null {
  if (typeof error !== 'object' || error === null || !('statusCode' in error)) return null;
  return typeof error.statusCode === 'number' ? error.statusCode : null;
}

function validationContextOf(error: object): string {
  const context = 'validationContext' in error ? error.validationContext : undefined;
  switch (context) {
    case 'querystring':
      return 'query parameter';
    case 'params':
      return 'path parameter';
    case 'headers':
      return 'header';
    default:
      return 'body';
  }
}

/** "/items/0/price" → "items.0.price"; "/" → null (the whole body). */
function fieldOf(instancePath: string): string | null {
  const parts = instancePath.split('/').filter((part) => part !== '');
  return parts.length === 0 ? null : parts.join('.');
}

function pathOf(request: FastifyRequest): string {
  const queryAt = request.url.indexOf('?');
  return queryAt === -1 ? request.url : request.url.slice(0, queryAt);
}

function allowedMethods(instance: FastifyInstance, request: FastifyRequest): string[] {
  const url = pathOf(request);
  return METHODS_FOR_ALLOW.filter((method) => method !== request.method && instance.findRoute({ method, url }) !== null);
}
