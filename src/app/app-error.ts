/**
 * Errors the use cases raise for the faces (HTTP, CLI) to translate. Each code is registered in
 * src/server/http-errors.ts with its HTTP status and documented in docs/errors.md.
 */
export type AppErrorCode =
  | 'ERR_NOT_FOUND'
  | 'ERR_VALIDATION'
  | 'ERR_INGEST_OVERLOADED'
  | 'ERR_INGEST_CLOSED'
  | 'ERR_COMPUTED_TRAIT_INVALID'
  | 'ERR_WORKSPACE_UNKNOWN'
  | 'ERR_WORKSPACE_EXISTS'
  | 'ERR_SEGMENT_RULE_INVALID'
  | 'ERR_SEGMENT_EXISTS'
  | 'ERR_SEGMENT_IN_USE'
  | 'ERR_SEGMENT_MANAGED'
  | 'ERR_NOT_ENOUGH_DATA'
  | 'ERR_RECS_NOT_TRAINED';

export interface AppErrorDetail {
  readonly field: string | null;
  readonly message: string;
  /** Where in a text input the problem is (segment rules in their text form). */
  readonly position?: { readonly line: number; readonly column: number; readonly offset: number };
}

export class AppError extends Error {
  override readonly name = 'AppError';
  readonly code: AppErrorCode;
  readonly details: readonly AppErrorDetail[];
  /** True when the same call may succeed later (overload, shutdown); clients should back off and retry. */
  readonly retryable: boolean;
  /** For retryable errors: how long to wait, in seconds (sent as Retry-After). */
  readonly retryAfterSeconds: number | null;

  constructor(
    code: AppErrorCode,
    message: string,
    opts: { details?: readonly AppErrorDetail[]; retryAfterSeconds?: number; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.code = code;
    this.details = opts.details ?? [];
    this.retryAfterSeconds = opts.retryAfterSeconds ?? null;
    this.retryable = opts.retryAfterSeconds !== undefined;
  }
}
