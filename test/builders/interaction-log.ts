import type { InteractionLog } from '../../src/core/recs/interaction-log.js';

/**
 * A log over dense indices from [user, item, kind, atMs] rows, sorted by user then time as the real
 * one is (users `u<n>`, items `p<n>`, every row its own session).
 */
export function makeLog(nUsers: number, nItems: number, rows: readonly (readonly [number, number, number, number])[]): InteractionLog {
  const sorted = [...rows].sort((a, b) => a[0] - b[0] || a[3] - b[3]);
  return {
    users: Array.from({ length: nUsers }, (_, u) => `u${u}`),
    items: Array.from({ length: nItems }, (_, i) => `p${i}`),
    user: Int32Array.from(sorted.map((r) => r[0])),
    item: Int32Array.from(sorted.map((r) => r[1])),
    kind: Uint8Array.from(sorted.map((r) => r[2])),
    atMs: Float64Array.from(sorted.map((r) => r[3])),
    session: Int32Array.from(sorted.map((_, k) => k)),
  };
}
