import { access, readFile } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { HttpError } from '../http-errors.js';

/** Where `npm run build:dashboard` writes (dashboard/vite.config.ts), from src/server/routes/. */
export const DEFAULT_DASHBOARD_DIR = fileURLToPath(new URL('../../../dist/dashboard/', import.meta.url));

export const DASHBOARD_NOT_BUILT = 'dashboard not built: run npm run build:dashboard';

/**
 * The dashboard runs scripts and styles from this origin only (Vite writes them as files under
 * /app/assets/, nothing inline) and talks to this origin only (the API, with the session cookie).
 */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'application/javascript; charset=utf-8',
  '.mjs': 'application/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Relative paths Vite writes: plain names in folders; no dot-segments, no backslashes, no dotfiles. */
const SAFE_PATH = /^(?:[A-Za-z0-9_-][A-Za-z0-9._-]*\/)*[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/** Content-hashed files never change under their name; index.html must be revalidated on every load. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

/**
 * Public routes serving the built dashboard (issue 8) at /app/: index.html for /app and /app/, and
 * the files of dist/dashboard/ below it. The page itself holds no data: every call it makes goes
 * through the authenticated API. Files are read on each request (they are few and small, and a
 * rebuild is picked up without a restart); a missing build answers 404 saying how to build it.
 */
export function dashboardRoutes(opts: { readonly dir?: string } = {}): FastifyPluginAsync {
  const root = resolve(opts.dir ?? DEFAULT_DASHBOARD_DIR);

  async function sendFile(reply: FastifyReply, relative: string): Promise<FastifyReply> {
    const path = resolve(root, relative);
    const type = CONTENT_TYPES[extname(path).toLowerCase()];
    if (!SAFE_PATH.test(relative) || !path.startsWith(root + sep) || type === undefined) {
      throw new HttpError('ERR_NOT_FOUND', { message: `No dashboard file ${JSON.stringify(relative)}` });
    }
    let body: Buffer;
    try {
      body = await readFile(path);
    } catch (e) {
      if (isMissing(e)) {
        const built = relative === 'index.html' ? false : await exists(resolve(root, 'index.html'));
        throw new HttpError('ERR_NOT_FOUND', { message: built ? `No dashboard file ${JSON.stringify(relative)}` : DASHBOARD_NOT_BUILT });
      }
      throw e;
    }
    return reply.type(type).send(body);
  }

  return async function registerDashboardRoutes(instance) {
    // Runs after the security-header hook (this plugin's hooks follow the root's): a 404 must not be
    // cached for a year like the file it stands for.
    instance.addHook('onSend', async function doNotCacheErrors(_request, reply, payload) {
      if (reply.statusCode >= 400) reply.header('cache-control', 'no-store');
      return payload;
    });

    const page = { scope: 'public' as const, responseHeaders: { 'content-security-policy': DASHBOARD_CSP, 'cache-control': REVALIDATE } };
    const asset = { scope: 'public' as const, responseHeaders: { 'content-security-policy': DASHBOARD_CSP, 'cache-control': IMMUTABLE } };

    // `ignoreTrailingSlash` (build-app.ts) makes /app/ match here too.
    instance.get('/app', { config: page, schema: { hide: true } }, async function dashboardIndex(_request, reply) {
      return sendFile(reply, 'index.html');
    });

    instance.get('/app/assets/*', { config: asset, schema: { hide: true } }, async function dashboardAsset(request, reply) {
      return sendFile(reply, `assets/${wildcardOf(request.params)}`);
    });

    instance.get('/app/*', { config: page, schema: { hide: true } }, async function dashboardFile(request, reply) {
      const rest = wildcardOf(request.params);
      return sendFile(reply, rest === '' ? 'index.html' : rest);
    });
  };
}

function wildcardOf(params: unknown): string {
  const value = (params as Record<string, unknown>)['*'];
  return typeof value === 'string' ? value : '';
}

function isMissing(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
