/**
 * What the recommenders of a workspace train on: every product interaction of the event log, in
 * columns over dense indices. Rows are sorted by user, then time (then arrival), so a user's history
 * and each of their sessions are contiguous runs.
 */
export const VIEW = 0;
export const CART = 1;
export const PURCHASE = 2;
export type InteractionKind = typeof VIEW | typeof CART | typeof PURCHASE;
export const INTERACTION_KIND_NAMES = ['view', 'cart', 'purchase'] as const;

export interface InteractionLog {
  /** Dense user index -> profile id. */
  readonly users: readonly string[];
  /** Dense item index -> product id. */
  readonly items: readonly string[];
  readonly user: Int32Array;
  readonly item: Int32Array;
  /** VIEW, CART or PURCHASE. */
  readonly kind: Uint8Array;
  readonly atMs: Float64Array;
  /**
   * A session number per row, unique across users: rows of one session are consecutive, and a new
   * session starts after 30 minutes without activity or when the client's session id changes.
   */
  readonly session: Int32Array;
}

/** Rows [start, end) of each user, by dense user index (users with no rows have start === end). */
export function userRuns(log: InteractionLog): Int32Array {
  const n = log.users.length;
  const ptr = new Int32Array(n + 1);
  for (let r = 0; r < log.user.length; r++) ptr[(log.user[r] as number) + 1] = (ptr[(log.user[r] as number) + 1] as number) + 1;
  for (let u = 0; u < n; u++) ptr[u + 1] = (ptr[u + 1] as number) + (ptr[u] as number);
  return ptr;
}

/** The rows whose predicate holds, as a new log over the same indices (e.g. purchases only, or before a date). */
export function filterLog(log: InteractionLog, keep: (row: number) => boolean): InteractionLog {
  const rows: number[] = [];
  for (let r = 0; r < log.user.length; r++) if (keep(r)) rows.push(r);
  const pick = <T extends Int32Array | Uint8Array | Float64Array>(source: T, make: (n: number) => T): T => {
    const out = make(rows.length);
    for (let t = 0; t < rows.length; t++) out[t] = source[rows[t] as number] as number;
    return out;
  };
  return {
    users: log.users,
    items: log.items,
    user: pick(log.user, (n) => new Int32Array(n)),
    item: pick(log.item, (n) => new Int32Array(n)),
    kind: pick(log.kind, (n) => new Uint8Array(n)),
    atMs: pick(log.atMs, (n) => new Float64Array(n)),
    session: pick(log.session, (n) => new Int32Array(n)),
  };
}
