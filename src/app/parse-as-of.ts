import type { EpochMs } from '../core/shared/time.js';
import { AppError } from './app-error.js';

/**
 * The `asOf` of a training request: train as if it were then (historical data, such as last
 * year's orders). An ISO-8601 date (midnight UTC) or instant, not in the future; default now.
 */
export function parseAsOf(raw: unknown, nowMs: EpochMs): EpochMs {
  if (raw === undefined || raw === null) return nowMs;
  const atMs = typeof raw === 'string' ? Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(raw) ? `${raw}T00:00:00Z` : raw) : Number.NaN;
  if (!Number.isFinite(atMs) || atMs > nowMs) {
    throw new AppError('ERR_VALIDATION', 'Invalid asOf', { details: [{ field: 'asOf', message: 'an ISO-8601 date or instant, not in the future' }] });
  }
  return atMs;
}
