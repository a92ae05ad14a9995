/**
 * The composition root: the only module that constructs adapters. It parses nothing itself; it builds
 * the runtime the CLI needs (config loader, storage by URL, clock, logger, HTTP server) and hands
 * the command line to the CLI.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openMemoryStorage } from './adapters/memory/index.js';
import { openSqliteStorage } from './adapters/sqlite/index.js';
import { createFetchWebhookSender } from './adapters/http/index.js';
import { createWorkerRecsTrainer } from './adapters/worker/index.js';
import { createLiquidTemplateRenderer } from './adapters/liquid/index.js';
import type { AppConfig } from './app/app-config.js';
import type { AttuneApp } from './app/attune-app.js';
import { createAttuneApp } from './app/create-attune-app.js';
import type { CliRuntime, OutputStream, RunningHttpServer } from './cli/cli-runtime.js';
import { createConsoleLogger } from './cli/console-logger.js';
import { runCli } from './cli/main-cli.js';
import type { Config } from './config/config.schema.js';
import { loadConfig } from './config/load-config.js';
import { parseStorageUrl } from './config/storage-url.js';
import type { Clock } from './ports/clock.js';
import type { Logger } from './ports/logger.js';
import type { Storage } from './ports/storage.js';
import { buildApp } from './server/build-app.js';
import { startServer } from './server/main-server.js';

const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** After the command returns, give open handles this long to close before forcing the exit (ms). */
const EXIT_GRACE_MS = 3000;

function readVersion(): string {
  try {
    const parsed: unknown = JSON.parse(readFileSync(resolve(PACKAGE_ROOT, 'package.json'), 'utf8'));
    if (typeof parsed === 'object' && parsed !== null && 'version' in parsed && typeof parsed.version === 'string') return parsed.version;
  } catch {
    // fall through: the version is cosmetic
  }
  return 'unknown';
}

/** The slice of the configuration the use cases get (STYLE 2.6: each component receives its own slice). */
function toAppConfig(config: Config): AppConfig {
  return {
    ingest: {
      maxEventBytes: config.server.maxEventBytes,
      maxQueuedEvents: config.ingest.maxQueuedEvents,
      maxEventsPerCommit: config.ingest.maxEventsPerCommit,
      ip: config.ingest.ip,
    },
    profiles: {
      cacheSize: config.profiles.cacheSize,
      flushIntervalMs: config.profiles.flushIntervalMs,
      maxDirtyProfiles: config.profiles.maxDirtyProfiles,
      flushChunkProfiles: config.profiles.flushChunkProfiles,
    },
    segments: {
      backfillChunkProfiles: config.segments.backfillChunkProfiles,
      dueCheckIntervalMs: config.segments.dueCheckIntervalMs,
      sweepIntervalMs: config.segments.sweepIntervalMs,
      previewSampleSize: config.segments.previewSampleSize,
    },
    recommendations: {
      retrainIntervalMs: config.recommendations.retrainIntervalHours * 3_600_000,
      requireConsent: config.recommendations.requireConsent,
    },
    decisions: {
      rewardWindowMs: config.decisions.rewardWindowMinutes * 60_000,
      logFlushIntervalMs: 20,
      propensityModel: config.decisions.propensityModel === '' ? null : config.decisions.propensityModel,
      holdoutShare: config.decisions.holdoutShare,
    },
    dashboard: { sessionTtlMs: config.dashboard.sessionHours * 3_600_000 },
  };
}

/** Opens the store a storage URL names (sqlite file or memory); creates the file's directory. */
function openStorage(storage: Config['storage']): Storage {
  const location = parseStorageUrl(storage.url);
  if (!location.ok) throw new Error(location.error);
  switch (location.value.kind) {
    case 'memory':
      return openMemoryStorage();
    case 'sqlite': {
      const path = resolve(location.value.path);
      mkdirSync(dirname(path), { recursive: true });
      return openSqliteStorage({ path, synchronous: storage.synchronous });
    }
  }
}

const systemClock: Clock = { nowMs: () => Date.now() };

/** A password for `attune users create`: typed at a terminal without echo, or the first line piped to stdin. */
async function readSecret(prompt: string): Promise<string | null> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
    const line = Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
    return line === '' ? null : line;
  }
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding('utf8');
  return new Promise((resolve) => {
    let typed = '';
    const done = (value: string | null): void => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.removeListener('data', onData);
      process.stderr.write('\n');
      resolve(value);
    };
    const onData = (data: string): void => {
      for (const char of data) {
        if (char === '\r' || char === '\n' || char === '\u0004') return done(typed === '' ? null : typed);
        if (char === '\u0003') return done(null);
        if (char === '\u007f' || char === '\b') typed = typed.slice(0, -1);
        else typed += char;
      }
    };
    stdin.on('data', onData);
  });
}

function outputStream(stream: NodeJS.WriteStream): OutputStream {
  return {
    write: (text: string) => {
      stream.write(text);
    },
    get isTTY() {
      return stream.isTTY === true;
    },
    get columns() {
      return stream.isTTY === true ? stream.columns : undefined;
    },
  };
}

function waitForShutdownSignal(): Promise<string> {
  return new Promise((resolveSignal) => {
    let received: string | null = null;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (received !== null) {
        process.stderr.write(`Received ${signal} again: exiting now without waiting.\n`);
        process.exit(130);
      }
      received = signal;
      resolveSignal(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

async function openApp(config: Config, logger: Logger): Promise<AttuneApp> {
  const storage = openStorage(config.storage);
  try {
    return await createAttuneApp({ storage, clock: systemClock, logger, config: toAppConfig(config), webhookSender: createFetchWebhookSender(), recsTrainer: createWorkerRecsTrainer(), templateRenderer: createLiquidTemplateRenderer() });
  } catch (e) {
    await storage.close();
    throw e;
  }
}

async function startHttpServer(app: AttuneApp, config: Config): Promise<RunningHttpServer> {
  const log = config.log.level === 'debug' || config.log.level === 'info';
  const instance = await buildApp(
    { app, log },
    {
      maxBatchBytes: config.server.maxBatchBytes,
      maxEventBytes: config.server.maxEventBytes,
      maxSingleEventBodyBytes: config.server.maxSingleEventBodyBytes,
    },
  );
  return startServer(instance, { host: config.server.host, port: config.server.port });
}

const runtime: CliRuntime = {
  stdout: outputStream(process.stdout),
  stderr: outputStream(process.stderr),
  loadConfig: (request) =>
    loadConfig(request.commandDefaults === undefined ? { argv: request.argv } : { argv: request.argv, commandDefaults: request.commandDefaults }),
  createLogger: (level) => createConsoleLogger({ level, write: (line) => process.stderr.write(line), nowMs: () => Date.now() }),
  openApp,
  startHttpServer: (app, config) => startHttpServer(app, config),
  waitForShutdownSignal,
  nowMs: () => systemClock.nowMs(),
  readSecret,
  packageRoot: PACKAGE_ROOT,
  version: readVersion(),
};

// `attune ... | head` closes stdout early: that is not a failure worth a stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
});

const code = await runCli(process.argv.slice(2), runtime);
process.exitCode = code;
setTimeout(() => process.exit(code), EXIT_GRACE_MS).unref();
