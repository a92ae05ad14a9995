/** Milliseconds since the Unix epoch (UTC). Units live in names: every such field ends in `Ms`. */
export type EpochMs = number;

export const MS_PER_SECOND = 1000;
export const MS_PER_MINUTE = 60_000;
export const MS_PER_HOUR = 3_600_000;
export const MS_PER_DAY = 86_400_000;

/** The UTC day number of an instant (days since 1970-01-01). */
export function toEpochDay(atMs: EpochMs): number {
  return Math.floor(atMs / MS_PER_DAY);
}

/** Parses an ISO-8601 string (or epoch number) into EpochMs; null when it is not a valid instant. */
export function parseInstant(value: unknown): EpochMs | null {
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : null;
  if (typeof value !== 'string' || value.length === 0 || value.length > 64) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

export function toIso(atMs: EpochMs): string {
  return new Date(atMs).toISOString();
}
