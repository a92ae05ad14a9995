import type { ApiKeyScope } from '../core/auth/workspace.js';
import type { AuthContext } from '../app/attune-app.js';

/** `public` routes need no key (GET /health, the OpenAPI document); every other route names a scope. */
export type RouteScope = ApiKeyScope | 'public';

/** Which code a body over the route's limit gets. */
export type TooLargeCode = 'ERR_BATCH_TOO_LARGE' | 'ERR_BODY_TOO_LARGE';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Scope the route needs. A route that declares none needs `admin` (fail closed). */
    scope?: RouteScope;
    /** Ingest routes also accept the key as `writeKey` in the JSON body (Segment's analytics.js). */
    keyInBody?: boolean;
    /** The code for a body over the route's `bodyLimit` (default ERR_BODY_TOO_LARGE). */
    tooLargeCode?: TooLargeCode;
    /**
     * Headers that replace the security defaults (src/server/security-headers.ts) on this route's
     * responses: the browser script and the demo page need their own CSP, caching and CORP.
     */
    responseHeaders?: Readonly<Record<string, string>>;
  }
  interface FastifyRequest {
    /** Set by the auth hooks (src/server/auth.ts) before the handler runs; null on public routes. */
    auth: AuthContext | null;
  }
}
