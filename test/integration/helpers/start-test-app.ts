import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { createWorkerRecsTrainer } from '../../../src/adapters/worker/index.js';
import { createLiquidTemplateRenderer } from '../../../src/adapters/liquid/index.js';
import { openSqliteStorage } from '../../../src/adapters/sqlite/index.js';
import type { AppConfig } from '../../../src/app/app-config.js';
import { DEFAULT_APP_CONFIG } from '../../../src/app/app-config.js';
import type { AttuneApp } from '../../../src/app/attune-app.js';
import { createAttuneApp } from '../../../src/app/create-attune-app.js';
import type { Clock } from '../../../src/ports/clock.js';
import type { Storage } from '../../../src/ports/storage.js';
import type { SessionRouteOptions } from '../../../src/server/routes/session.routes.js';
import { buildApp } from '../../../src/server/build-app.js';
import type { ServerOptions } from '../../../src/server/server-options.js';
import { DEFAULT_SERVER_OPTIONS } from '../../../src/server/server-options.js';

export const ADMIN_KEY = 'adm_test';
export const WRITE_KEY = 'wk_test';

export interface TestServer {
  readonly fastify: FastifyInstance;
  readonly app: AttuneApp;
  /** The real storage under the app, for tests that must set up what the API cannot (a second workspace). */
  readonly storage: Storage;
  close(): Promise<void>;
}

/**
 * The real thing on a fresh temp SQLite file: createAttuneApp + buildApp, with keys `adm_test`
 * (admin) and `wk_test` (write) in workspace `ws_default`. Nothing is mocked.
 */
export async function startTestApp(
  opts: {
    readonly server?: Partial<ServerOptions>;
    readonly ingest?: Partial<AppConfig['ingest']>;
    /** Turn on the server's request log (pino on stdout); off by default to keep test output clean. */
    readonly log?: boolean;
    /** The app's clock (default: the system clock). */
    readonly clock?: Clock;
    /** Login throttling of the session routes. */
    readonly session?: SessionRouteOptions;
  } = {},
): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'attune-http-'));
  const storage = openSqliteStorage({ path: join(dir, 'attune.db'), synchronous: 'normal' });
  const config: AppConfig = { ...DEFAULT_APP_CONFIG, ingest: { ...DEFAULT_APP_CONFIG.ingest, ...opts.ingest } };
  const app = await createAttuneApp({
    storage,
    clock: opts.clock ?? { nowMs: () => Date.now() },
    logger: { info: () => {}, warn: () => {}, error: () => {} },
    config,
    // As `attune serve` does: recommender trainings run in a worker thread.
    recsTrainer: createWorkerRecsTrainer(),
    templateRenderer: createLiquidTemplateRenderer(),
  });
  const bootstrapped = await app.bootstrap({ adminSecret: ADMIN_KEY, writeSecret: WRITE_KEY });
  if (bootstrapped === null) throw new Error('a fresh store must bootstrap');
  const fastify = await buildApp({ app, log: opts.log ?? false, ...(opts.session === undefined ? {} : { session: opts.session }) }, { ...DEFAULT_SERVER_OPTIONS, ...opts.server });
  return {
    fastify,
    app,
    storage,
    async close() {
      await fastify.close();
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function basicAuth(key: string): string {
  return `Basic ${Buffer.from(`${key}:`, 'utf8').toString('base64')}`;
}

export function bearer(key: string): { authorization: string } {
  return { authorization: `Bearer ${key}` };
}

const JsonObjectSchema = z.record(z.string(), z.unknown());

/** A response body as a plain object (tests assert on its fields); throws unless it is one. */
export function bodyOf(response: { json(): unknown }): Record<string, unknown> {
  return JsonObjectSchema.parse(response.json());
}

/** A response body checked against its API schema (src/server/api.schema.ts), typed accordingly. */
export function parseBody<S extends z.ZodType>(schema: S, response: { json(): unknown }): z.output<S> {
  return schema.parse(response.json());
}

/** GET through a real HTTP listener with the admin key, the body checked against an API schema. */
export async function getJson<S extends z.ZodType>(url: string, schema: S): Promise<{ status: number; body: z.output<S> }> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
  return { status: res.status, body: schema.parse(await res.json()) };
}
