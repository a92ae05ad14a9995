import type { HistoryResponse } from './api-types.js';
import type { TimeSeries } from './components/time-series-chart.js';

const DAY_MS = 86_400_000;

function daySeconds(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) / 1000;
}

/**
 * Aligns the size histories of a few segments on one day axis. The server lists only days with a
 * change; between them a size carries forward, and before a segment's first change it is null (the
 * segment had no members yet or did not exist). Each line ends today at the segment's current size.
 */
export function alignHistories(
  histories: readonly { readonly label: string; readonly size: number; readonly history: HistoryResponse }[],
  nowMs: number,
): { readonly xSeconds: readonly number[]; readonly series: readonly TimeSeries[] } {
  const today = new Date(Math.floor(nowMs / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
  const days = new Set<string>([today]);
  for (const h of histories) for (const p of h.history.points) days.add(p.date);
  const sorted = [...days].sort();
  const series = histories.map((h) => {
    const byDay = new Map(h.history.points.map((p) => [p.date, p.size]));
    let last: number | null = null;
    const values = sorted.map((day) => {
      const v = byDay.get(day);
      if (v !== undefined) last = v;
      if (day === today) return h.size;
      return last;
    });
    return { label: h.label, values };
  });
  return { xSeconds: sorted.map(daySeconds), series };
}
