import type { InteractionRow } from '../../core/recs/engine/log-from-rows.js';

const DAY_MS = 86_400_000;

/** The start (UTC midnight) of the day at `share` of the rows' time span (default 80%). */
export function defaultCutoffMs(rows: readonly InteractionRow[], share = 0.8): number {
  let first = Infinity;
  let last = -Infinity;
  for (const r of rows) {
    if (r.atMs < first) first = r.atMs;
    if (r.atMs > last) last = r.atMs;
  }
  if (!Number.isFinite(first)) return 0;
  return Math.floor((first + (last - first) * share) / DAY_MS) * DAY_MS;
}

export function toDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
