import type { z } from 'zod';
import type { OverviewResponseSchema, SessionResponseSchema } from '../../src/server/dashboard.schema.js';

/**
 * The shapes the dashboard reads, from the server's own schemas (`import type` only: nothing of the
 * server is bundled). The error body is repeated here: src/server/api.schema.ts pulls in a module
 * that needs Node's Buffer type, which the browser build has not.
 */
export type { HistoryResponse, SegmentPreviewResponse, SegmentResponse } from '../../src/server/segments.schema.js';
export type SessionResponse = z.output<typeof SessionResponseSchema>;
export type OverviewResponse = z.output<typeof OverviewResponseSchema>;

/** The one error body of every route (docs/errors.md). */
export interface ErrorResponseBody {
  readonly error: { readonly code: string; readonly message: string; readonly details?: readonly Record<string, unknown>[] };
}
