import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { toIso } from '../../core/shared/time.js';
import type { AttuneApp } from '../../app/attune-app.js';
import type { SessionView } from '../../app/auth/sessions.js';
import { csrfTokenMatches } from '../../app/auth/sessions.js';
import { NoContentSchema, errorResponses } from '../api.schema.js';
import { CSRF_HEADER, SESSION_COOKIE, readCookie } from '../auth.js';
import { LoginRequestSchema, OverviewResponseSchema, SessionResponseSchema } from '../dashboard.schema.js';
import { HttpError } from '../http-errors.js';

const TAGS = ['dashboard'];
const PUBLIC = { scope: 'public' } as const;

export interface SessionRouteOptions {
  /** Added to every failed login (slows guessing; evens out the key and password paths). Default 100 ms. */
  readonly failureDelayMs?: number;
  /** Failed logins allowed per IP address per minute before 429. Default 10. */
  readonly maxFailuresPerMinute?: number;
  /** Time for the rate limiter (tests). Default Date.now. */
  readonly nowMs?: () => number;
}

/** Failed logins per IP, in fixed one-minute windows, in memory (a restart forgets them). */
class LoginLimiter {
  readonly #windows = new Map<string, { startMs: number; failures: number }>();
  readonly #max: number;
  readonly #nowMs: () => number;

  constructor(max: number, nowMs: () => number) {
    this.#max = max;
    this.#nowMs = nowMs;
  }

  /** Seconds to wait when the IP is over its limit; null when it may try. */
  blockedFor(ip: string): number | null {
    const window = this.#windows.get(ip);
    if (window === undefined) return null;
    const elapsed = this.#nowMs() - window.startMs;
    if (elapsed >= 60_000) {
      this.#windows.delete(ip);
      return null;
    }
    return window.failures >= this.#max ? Math.max(1, Math.ceil((60_000 - elapsed) / 1000)) : null;
  }

  fail(ip: string): void {
    const nowMs = this.#nowMs();
    const window = this.#windows.get(ip);
    if (window === undefined || nowMs - window.startMs >= 60_000) {
      // Bounded: a flood of distinct addresses resets the table rather than growing it without end.
      if (this.#windows.size >= 50_000) this.#windows.clear();
      this.#windows.set(ip, { startMs: nowMs, failures: 1 });
    } else {
      window.failures++;
    }
  }
}

function isHttps(request: FastifyRequest): boolean {
  const forwarded = request.headers['x-forwarded-proto'];
  const proto = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim().toLowerCase();
  return request.protocol === 'https' || proto === 'https';
}

function sessionCookie(request: FastifyRequest, value: string, maxAgeSeconds: number): string {
  const secure = isHttps(request) ? '; Secure' : '';
  return `${SESSION_COOKIE}=${value}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${maxAgeSeconds}${secure}`;
}

function toSessionResponse(view: SessionView): {
  workspace: string;
  scope: 'read' | 'admin';
  user: string;
  expiresAt: string;
  csrfToken: string;
} {
  return { workspace: view.workspaceId, scope: view.scope, user: view.user, expiresAt: toIso(view.expiresAtMs), csrfToken: view.csrfToken };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Dashboard sessions (docs/api.md "Dashboard sessions"): log in with an API key (read or admin) or
 * a user account, get an HttpOnly SameSite=Strict cookie and a CSRF token; every route then accepts
 * the cookie (src/server/auth.ts). Plus GET /v1/overview, the dashboard's first page.
 */
export function sessionRoutes(deps: { readonly app: AttuneApp; readonly options?: SessionRouteOptions }): FastifyPluginAsync {
  return async function registerSessionRoutes(instance) {
    const server = instance.withTypeProvider<ZodTypeProvider>();
    const { app } = deps;
    const failureDelayMs = deps.options?.failureDelayMs ?? 100;
    const limiter = new LoginLimiter(deps.options?.maxFailuresPerMinute ?? 10, deps.options?.nowMs ?? Date.now);

    const currentSession = async (request: FastifyRequest): Promise<{ id: string; view: SessionView } | null> => {
      const id = readCookie(request.headers.cookie, SESSION_COOKIE);
      if (id === null) return null;
      const view = await app.sessions.resolve(id);
      return view === null ? null : { id, view };
    };
    const clearCookie = (request: FastifyRequest, reply: FastifyReply): void => {
      reply.header('set-cookie', sessionCookie(request, '', 0));
    };

    server.post(
      '/v1/session',
      {
        config: PUBLIC,
        schema: { body: LoginRequestSchema, response: { 200: SessionResponseSchema, ...errorResponses(400, 401, 415, 429) }, tags: TAGS, summary: 'Log in (dashboard)', security: [] },
      },
      async function login(request, reply) {
        const wait = limiter.blockedFor(request.ip);
        if (wait !== null) throw new HttpError('ERR_RATE_LIMITED', { headers: { 'retry-after': String(wait) } });
        const body = request.body;
        const opened = await app.sessions.login('key' in body ? { kind: 'key', key: body.key } : { kind: 'password', username: body.username, password: body.password });
        if (opened === null) {
          limiter.fail(request.ip);
          await sleep(failureDelayMs);
          // One message for an unknown user, a wrong password, an unknown key and a write key.
          throw new HttpError('ERR_AUTH_INVALID', { message: 'The credentials are wrong, or they cannot open a dashboard session' });
        }
        reply.header('set-cookie', sessionCookie(request, opened.sessionId, opened.maxAgeSeconds));
        return toSessionResponse(opened.view);
      },
    );

    server.get(
      '/v1/session',
      { config: PUBLIC, schema: { response: { 200: SessionResponseSchema, ...errorResponses(401) }, tags: TAGS, summary: 'The current dashboard session' } },
      async function getSession(request) {
        const session = await currentSession(request);
        if (session === null) throw new HttpError('ERR_AUTH_MISSING', { message: 'No dashboard session: log in with POST /v1/session' });
        return toSessionResponse(session.view);
      },
    );

    server.delete(
      '/v1/session',
      { config: PUBLIC, schema: { response: { 204: NoContentSchema, ...errorResponses(403) }, tags: TAGS, summary: 'Log out (dashboard)' } },
      async function logout(request, reply) {
        const session = await currentSession(request);
        if (session !== null) {
          const header = request.headers[CSRF_HEADER];
          if (!csrfTokenMatches(session.view, typeof header === 'string' ? header : undefined)) throw new HttpError('ERR_CSRF');
          await app.sessions.logout(session.id);
        }
        clearCookie(request, reply);
        return reply.code(204).send(null);
      },
    );

    server.get(
      '/v1/overview',
      { config: { scope: 'read' }, schema: { response: { 200: OverviewResponseSchema, ...errorResponses(401, 403) }, tags: TAGS, summary: 'Dashboard overview counts' } },
      async function overview(request) {
        if (request.auth === null) throw new Error('GET /v1/overview ran without authentication');
        const view = await app.overview(request.auth.workspaceId);
        return {
          ...view,
          eventsPerSecond: { ...view.eventsPerSecond },
          segments: view.segments.map((s) => ({ ...s })),
          experiments: view.experiments.map((e) => ({ ...e })),
          models: view.models.map((m) => ({ key: m.key, kind: m.kind, version: m.version, trainedAt: toIso(m.trainedAtMs), auc: m.auc })),
          recommender: view.recommender === null ? null : { version: view.recommender.version, trainedAt: toIso(view.recommender.trainedAtMs) },
        };
      },
    );
  };
}
