import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FastifyPluginAsync } from 'fastify';

/** Static files next to the sources (Attune runs from src/ through tsx; there is no build output). */
function readAsset(name: string): string {
  return readFileSync(new URL(`../assets/${name}`, import.meta.url), 'utf8');
}

const JAVASCRIPT = 'application/javascript; charset=utf-8';

/** The inline <style> of the demo page, allowed by its hash rather than by 'unsafe-inline'. */
function styleHash(html: string): string {
  const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1];
  if (style === undefined) throw new Error('demo-decide.html has no <style> block');
  return `'sha256-${createHash('sha256').update(style, 'utf8').digest('base64')}'`;
}

/**
 * The demo page runs scripts from this origin only (the SDK and /demo/decide.js: no inline script,
 * no inline handlers), its one inline style by hash, and talks to this origin only (decide, track).
 */
export function demoPageCsp(html: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    `style-src ${styleHash(html)}`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * Public, keyless routes for browsers: the decide script (GET /sdk/attune-decide.js, embeddable from
 * other origins) and a demo page that uses it (GET /demo/decide). The files are read once, here.
 * The demo page echoes nothing from the request: its script reads the query string in the browser.
 */
export function sdkRoutes(): FastifyPluginAsync {
  const sdk = readAsset('attune-decide.js');
  const demoScript = readAsset('demo-decide.js');
  const demoPage = readAsset('demo-decide.html');
  const demoCsp = demoPageCsp(demoPage);

  return async function registerSdkRoutes(instance) {
    instance.get(
      '/sdk/attune-decide.js',
      {
        config: { scope: 'public', responseHeaders: { 'cache-control': 'public, max-age=300', 'cross-origin-resource-policy': 'cross-origin' } },
        schema: { hide: true },
      },
      async function attuneDecideScript(_request, reply) {
        return reply.type(JAVASCRIPT).send(sdk);
      },
    );

    instance.get(
      '/demo/decide.js',
      { config: { scope: 'public', responseHeaders: { 'cache-control': 'public, max-age=300' } }, schema: { hide: true } },
      async function demoDecideScript(_request, reply) {
        return reply.type(JAVASCRIPT).send(demoScript);
      },
    );

    instance.get(
      '/demo/decide',
      { config: { scope: 'public', responseHeaders: { 'content-security-policy': demoCsp } }, schema: { hide: true } },
      async function demoDecidePage(_request, reply) {
        return reply.type('text/html; charset=utf-8').send(demoPage);
      },
    );
  };
}
