import type { InteractionLog } from '../interaction-log.js';

/** One product interaction (user and item by id, kind by name). */
export interface InteractionRow {
  readonly user: string;
  readonly item: string;
  readonly kind: 'view' | 'cart' | 'purchase';
  readonly atMs: number;
  /** The client's session id when it sends one (a change starts a new session). */
  readonly session?: string | null;
}

/** A new session starts after this long without activity (the profile fold's default too). */
export const SESSION_GAP_MS = 30 * 60_000;

/**
 * The log of interaction rows in any order: sorted by user, then time (stable: equal times keep
 * their order), sessions split by 30-minute gaps or a change of client session id; items are the
 * given ids first (catalog order), then the items met in rows.
 */
export function logFromRows(rows: readonly InteractionRow[], itemIds: readonly string[] = []): InteractionLog {
  const users: string[] = [];
  const userIndex = new Map<string, number>();
  const items = [...itemIds];
  const itemIndex = new Map(items.map((id, i) => [id, i]));
  const sorted = [...rows].sort((a, b) => (a.user < b.user ? -1 : a.user > b.user ? 1 : a.atMs - b.atMs));
  const n = sorted.length;
  const log = {
    user: new Int32Array(n),
    item: new Int32Array(n),
    kind: new Uint8Array(n),
    atMs: new Float64Array(n),
    session: new Int32Array(n),
  };
  let session = -1;
  sorted.forEach((row, r) => {
    let u = userIndex.get(row.user);
    if (u === undefined) {
      u = users.length;
      users.push(row.user);
      userIndex.set(row.user, u);
    }
    let i = itemIndex.get(row.item);
    if (i === undefined) {
      i = items.length;
      items.push(row.item);
      itemIndex.set(row.item, i);
    }
    const previous = sorted[r - 1];
    if (
      previous === undefined ||
      previous.user !== row.user ||
      row.atMs - previous.atMs > SESSION_GAP_MS ||
      ((row.session ?? null) !== null && (previous.session ?? null) !== null && row.session !== previous.session)
    ) {
      session++;
    }
    log.user[r] = u;
    log.item[r] = i;
    log.kind[r] = row.kind === 'view' ? 0 : row.kind === 'cart' ? 1 : 2;
    log.atMs[r] = row.atMs;
    log.session[r] = session;
  });
  return { users, items, ...log };
}
