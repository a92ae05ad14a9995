import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';

export const REQUEST_ID_HEADER = 'x-request-id';

/** A caller's own request id is kept when it is short and plain (it ends up in logs). */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** fastify `genReqId`: the caller's x-request-id when safe, otherwise `req_<uuid>`. */
export function generateRequestId(raw: IncomingMessage): string {
  const given = raw.headers[REQUEST_ID_HEADER];
  return typeof given === 'string' && SAFE_REQUEST_ID.test(given) ? given : `req_${randomUUID()}`;
}

/**
 * Headers on every response, errors and 404s included. The API serves JSON only, so the CSP forbids
 * everything; `no-store` keeps profiles (personal data) out of shared caches. The few routes that
 * serve a page or a script (src/server/routes/sdk.routes.ts) replace some of them through the
 * route config `responseHeaders`.
 */
const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cross-origin-resource-policy': 'same-origin',
  'cache-control': 'no-store',
};

export function installSecurityHeaders(instance: FastifyInstance): void {
  instance.addHook('onSend', async function setResponseHeaders(request, reply, payload) {
    reply.headers(SECURITY_HEADERS);
    const own = request.is404 ? undefined : request.routeOptions.config.responseHeaders;
    if (own !== undefined) reply.headers(own);
    reply.header(REQUEST_ID_HEADER, request.id);
    return payload;
  });
}
