/** Bad command-line input or configuration: the CLI prints the message (and details) and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly code = 'ERR_USAGE';
  readonly retryable = false;
  /** One line per problem (e.g. every invalid config key). */
  readonly details: readonly string[];

  constructor(message: string, opts: { details?: readonly string[]; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.details = opts.details ?? [];
  }
}

/** Exit statuses of every command. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
