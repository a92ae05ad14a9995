import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openMemoryStorage } from '../../src/adapters/memory/index.js';
import { createLiquidTemplateRenderer } from '../../src/adapters/liquid/index.js';
import { openSqliteStorage } from '../../src/adapters/sqlite/index.js';
import type { AppConfig } from '../../src/app/app-config.js';
import { DEFAULT_APP_CONFIG } from '../../src/app/app-config.js';
import type { AttuneApp } from '../../src/app/attune-app.js';
import { createAttuneApp } from '../../src/app/create-attune-app.js';
import type { Storage } from '../../src/ports/storage.js';
import type { Logger } from '../../src/ports/logger.js';
import type { WebhookSender } from '../../src/ports/webhook-sender.js';

export type TestEngine = 'memory' | 'sqlite';
export const TEST_ENGINES: readonly TestEngine[] = ['memory', 'sqlite'];

export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };

export interface TestApp {
  readonly app: AttuneApp;
  readonly storage: Storage;
  /** The SQLite file, for tests that reopen it; null for memory. */
  readonly path: string | null;
  close(): Promise<void>;
}

/** A real app on a fresh store: a temp SQLite file per call, or the memory adapter. */
export async function openTestApp(
  engine: TestEngine,
  opts: {
    config?: Partial<AppConfig['ingest']>;
    profiles?: Partial<AppConfig['profiles']>;
    segments?: Partial<AppConfig['segments']>;
    recommendations?: Partial<AppConfig['recommendations']>;
    decisions?: Partial<AppConfig['decisions']>;
    path?: string;
    nowMs?: () => number;
    /** Delivers webhooks (e.g. createFetchWebhookSender()); absent: webhooks are stored, not sent. */
    webhookSender?: WebhookSender;
  } = {},
): Promise<TestApp> {
  let dir: string | null = null;
  let path: string | null = null;
  let storage: Storage;
  if (engine === 'sqlite') {
    if (opts.path === undefined) {
      dir = mkdtempSync(join(tmpdir(), 'attune-test-'));
      path = join(dir, 'attune.db');
    } else {
      path = opts.path;
    }
    storage = openSqliteStorage({ path, synchronous: 'normal' });
  } else {
    storage = openMemoryStorage();
  }
  const config: AppConfig = {
    ingest: { ...DEFAULT_APP_CONFIG.ingest, ...opts.config },
    profiles: { ...DEFAULT_APP_CONFIG.profiles, ...opts.profiles },
    segments: { ...DEFAULT_APP_CONFIG.segments, ...opts.segments },
    recommendations: { ...DEFAULT_APP_CONFIG.recommendations, ...opts.recommendations },
    decisions: { ...DEFAULT_APP_CONFIG.decisions, ...opts.decisions },
    dashboard: DEFAULT_APP_CONFIG.dashboard,
  };
  const app = await createAttuneApp({
    storage,
    clock: { nowMs: opts.nowMs ?? (() => Date.now()) },
    logger: silentLogger,
    config,
    templateRenderer: createLiquidTemplateRenderer(),
    decisionSeed: 7,
    ...(opts.webhookSender === undefined ? {} : { webhookSender: opts.webhookSender }),
  });
  // As on a real first start: the default workspace exists (no-op when the store already has it).
  await app.bootstrap({ adminSecret: 'test-admin-key-0123456789', writeSecret: 'test-write-key-0123456789' });
  return {
    app,
    storage,
    path,
    async close() {
      await app.close();
      if (dir !== null) rmSync(dir, { recursive: true, force: true });
    },
  };
}
