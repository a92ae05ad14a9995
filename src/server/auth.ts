import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ApiKeyScope } from '../core/auth/workspace.js';
import { scopeAllows } from '../core/auth/workspace.js';
import { isJsonObject } from '../core/shared/json.js';
import type { AttuneApp, AuthContext } from '../app/attune-app.js';
import { csrfTokenMatches } from '../app/auth/sessions.js';
import { HttpError } from './http-errors.js';
import type { RouteScope } from './route-config.js';

/** Sent with every 401, as RFC 9110 asks: the key goes in the Basic username. */
export const WWW_AUTHENTICATE = 'Basic realm="attune"';

type HeaderKey =
  | { readonly kind: 'none' }
  | { readonly kind: 'key'; readonly secret: string }
  | { readonly kind: 'malformed'; readonly reason: string };

/**
 * Reads the key from `Authorization`: Basic with the key as username (Segment, RudderStack; the
 * password is ignored, and used only when the username is empty), or `Bearer KEY`.
 */
export function readKeyFromAuthorization(header: string | undefined): HeaderKey {
  if (header === undefined || header.trim() === '') return { kind: 'none' };
  const match = /^\s*(\S+)\s+(\S+)\s*$/.exec(header);
  const scheme = match?.[1]?.toLowerCase();
  const value = match?.[2];
  if (scheme === undefined || value === undefined) return { kind: 'malformed', reason: 'expected "Basic <base64>" or "Bearer <key>"' };
  if (scheme === 'bearer') return { kind: 'key', secret: value };
  if (scheme !== 'basic') return { kind: 'malformed', reason: `unsupported scheme "${scheme}"; use Basic or Bearer` };
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const username = colon === -1 ? decoded : decoded.slice(0, colon);
  const password = colon === -1 ? '' : decoded.slice(colon + 1);
  const secret = username !== '' ? username : password;
  return secret === '' ? { kind: 'malformed', reason: 'the Basic credentials are empty' } : { kind: 'key', secret };
}

/** `writeKey` at the top of a JSON body (Segment's batch, analytics.js). */
export function readKeyFromBody(body: unknown): string | null {
  if (!isJsonObject(body)) return null;
  const key = body['writeKey'];
  return typeof key === 'string' && key !== '' ? key : null;
}

function routeScope(request: FastifyRequest): RouteScope {
  return request.routeOptions.config.scope ?? 'admin';
}

/** The dashboard's session cookie (src/server/routes/session.routes.ts sets it). */
export const SESSION_COOKIE = 'attune_session';
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The value of one cookie in a `Cookie` header; null when absent. No library: one name, base64url values. */
export function readCookie(header: string | undefined, name: string): string | null {
  if (header === undefined) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    const value = part.slice(eq + 1).trim();
    return value === '' ? null : value;
  }
  return null;
}

/**
 * A request with no Authorization header but the session cookie: the session's workspace and scope
 * stand in for a key. Unsafe methods must echo the session's CSRF token in `x-csrf-token` (the cookie
 * is SameSite=Strict too; the token is the second lock). Null when there is no cookie; a cookie of an
 * unknown, expired or revoked session is ERR_AUTH_INVALID.
 */
async function resolveSession(app: AttuneApp, request: FastifyRequest, needed: ApiKeyScope): Promise<AuthContext | null> {
  const sessionId = readCookie(request.headers.cookie, SESSION_COOKIE);
  if (sessionId === null) return null;
  const session = await app.sessions.resolve(sessionId);
  if (session === null) {
    throw new HttpError('ERR_AUTH_INVALID', { message: 'The dashboard session is unknown, expired or revoked; log in again' });
  }
  if (!SAFE_METHODS.has(request.method)) {
    const header = request.headers[CSRF_HEADER];
    if (!csrfTokenMatches(session, typeof header === 'string' ? header : undefined)) throw new HttpError('ERR_CSRF');
  }
  if (!scopeAllows(session.scope, needed)) {
    throw new HttpError('ERR_AUTH_SCOPE', {
      message: `This route needs scope "${needed}"; this session has scope "${session.scope}"`,
      details: [{ field: null, message: `scope "${needed}" required`, scopeRequired: needed, scopeHeld: session.scope }],
    });
  }
  return session.auth;
}

/**
 * Two hooks: `onRequest` resolves a key from the headers before the body is read; `preValidation`
 * falls back to `writeKey` in the body on routes that allow it. The workspace always comes from the
 * key. Nothing is cached here: `app.authenticate` caches and forgets revoked keys.
 */
export function installAuth(instance: FastifyInstance, app: AttuneApp): void {
  instance.decorateRequest('auth', null);

  instance.addHook('onRequest', async function authenticateFromHeader(request) {
    const needed = routeScope(request);
    if (request.is404 || needed === 'public') return;
    const fromHeader = readKeyFromAuthorization(request.headers.authorization);
    switch (fromHeader.kind) {
      case 'key':
        request.auth = await resolveKey(app, fromHeader.secret, needed);
        return;
      case 'malformed':
        throw new HttpError('ERR_AUTH_INVALID', {
          message: `The Authorization header is malformed: ${fromHeader.reason}`,
          details: [{ field: 'authorization', message: fromHeader.reason }],
          headers: { 'www-authenticate': WWW_AUTHENTICATE },
        });
      case 'none': {
        const fromSession = await resolveSession(app, request, needed);
        if (fromSession !== null) {
          request.auth = fromSession;
          return;
        }
        if (request.routeOptions.config.keyInBody === true) return;
        throw missingKey(false);
      }
    }
  });

  instance.addHook('preValidation', async function authenticateFromBody(request) {
    const needed = routeScope(request);
    if (request.is404 || needed === 'public' || request.auth !== null) return;
    const secret = readKeyFromBody(request.body);
    if (secret === null) throw missingKey(true);
    request.auth = await resolveKey(app, secret, needed);
  });
}

async function resolveKey(app: AttuneApp, secret: string, needed: ApiKeyScope): Promise<AuthContext> {
  const context = await app.authenticate(secret);
  if (context === null) {
    throw new HttpError('ERR_AUTH_INVALID', { headers: { 'www-authenticate': WWW_AUTHENTICATE } });
  }
  if (!scopeAllows(context.scope, needed)) {
    throw new HttpError('ERR_AUTH_SCOPE', {
      message: `This route needs a key with scope "${needed}"${needed === 'admin' ? '' : ' (or "admin")'}; this key has scope "${context.scope}"`,
      details: [{ field: null, message: `scope "${needed}" required`, scopeRequired: needed, scopeHeld: context.scope }],
    });
  }
  return context;
}

function missingKey(bodyAllowed: boolean): HttpError {
  const ways = bodyAllowed
    ? 'as the HTTP Basic username, as "Authorization: Bearer <key>", or as "writeKey" in the JSON body'
    : 'as the HTTP Basic username or as "Authorization: Bearer <key>"';
  return new HttpError('ERR_AUTH_MISSING', {
    message: `An API key is required: send it ${ways}`,
    headers: { 'www-authenticate': WWW_AUTHENTICATE },
  });
}

/** The caller, as resolved by the auth hooks. Reaching a handler without one is a programmer error. */
export function requireAuth(request: FastifyRequest): AuthContext {
  if (request.auth === null) throw new Error(`Route ${request.routeOptions.url ?? '?'} ran without authentication`);
  return request.auth;
}
