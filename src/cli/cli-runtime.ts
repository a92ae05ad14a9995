import type { AttuneApp } from '../app/attune-app.js';
import type { CommandConfigRequest } from '../config/config-input.js';
import type { Config, LogLevel } from '../config/config.schema.js';
import type { Result } from '../core/shared/result.js';
import type { EpochMs } from '../core/shared/time.js';
import type { Logger } from '../ports/logger.js';

/** A text stream the CLI writes to (process.stdout / process.stderr, or a buffer in tests). */
export interface OutputStream {
  write(text: string): void;
  /** True when a person is watching (progress bars redraw in place only then). */
  readonly isTTY: boolean;
  /** Terminal width in characters, when known. */
  readonly columns: number | undefined;
}

/** A server that is listening. */
export interface RunningHttpServer {
  readonly url: string;
  /** Stops accepting connections and waits for requests in flight. */
  close(): Promise<void>;
}

/**
 * Everything the CLI needs from the outside, built by main.ts (the composition root). The CLI never
 * constructs adapters or the HTTP server itself, so it cannot depend on them.
 */
export interface CliRuntime {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  /** Validates the configuration for a command (flags > env > file > command defaults > schema defaults). */
  loadConfig(request: CommandConfigRequest): Result<Config, string[]>;
  createLogger(level: LogLevel): Logger;
  /** Opens storage per config.storage and creates the app on it. The caller closes the app. */
  openApp(config: Config, logger: Logger): Promise<AttuneApp>;
  /** Builds the HTTP face over the app and listens on config.server.host:port. */
  startHttpServer(app: AttuneApp, config: Config, logger: Logger): Promise<RunningHttpServer>;
  /** Resolves with the signal's name on the first SIGINT or SIGTERM. */
  waitForShutdownSignal(): Promise<string>;
  nowMs(): EpochMs;
  /**
   * Reads a secret (a password): prompted without echo on a terminal, else the first line of stdin.
   * Null when none could be read. Absent in runtimes without a stdin.
   */
  readonly readSecret?: (prompt: string) => Promise<string | null>;
  /** Absolute path of the project root (where samples/ lives; ../shared is beside it). */
  readonly packageRoot: string;
  readonly version: string;
}
