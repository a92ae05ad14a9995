import type { ContentItem } from '../../core/recs/content-similarity.js';
import { interactionsOf, sessionIdOf } from '../../core/recs/engine/event-interactions.js';
import type { InteractionRow } from '../../core/recs/engine/log-from-rows.js';
import { logFromRows } from '../../core/recs/engine/log-from-rows.js';
import type { InteractionLog } from '../../core/recs/interaction-log.js';
import type { WorkspaceId } from '../../core/shared/ids.js';
import type { Storage } from '../../ports/storage.js';

/** Events read per page of the log scan. */
const SCAN_PAGE = 5_000;
const CATALOG_PAGE = 1_000;

export interface RecsTrainingData {
  readonly log: InteractionLog;
  readonly content: readonly (ContentItem | null)[];
  /** The last event seq read: live updates after it are re-applied to the new model. */
  readonly lastSeq: number;
  readonly events: number;
}

/**
 * Everything the recommender trains on, read from the workspace's stores: every product interaction
 * of the event log up to `asOfMs` (by the profile each event belongs to now, so merged identities
 * count as one shopper) and the whole catalog (items nobody touched yet get content neighbours).
 */
export async function readRecsTrainingData(
  storage: Storage,
  workspace: WorkspaceId,
  asOfMs: number,
  onProgress?: (eventsRead: number) => void,
): Promise<RecsTrainingData> {
  const rows: InteractionRow[] = [];
  let afterSeq = 0;
  let events = 0;
  for (;;) {
    const page = await storage.read.events.scan(workspace, { afterSeq, limit: SCAN_PAGE });
    for (const event of page) {
      if (event.timestampMs > asOfMs) continue;
      for (const { item, kind } of interactionsOf(event)) rows.push({ user: event.profileId, item, kind, atMs: event.timestampMs, session: sessionIdOf(event) });
    }
    events += page.length;
    const last = page.at(-1);
    if (last !== undefined) afterSeq = last.seq;
    onProgress?.(events);
    if (page.length < SCAN_PAGE) break;
  }
  const catalog = new Map<string, ContentItem>();
  let afterId: string | null = null;
  for (;;) {
    const page = await storage.read.catalog.list(workspace, { afterId, limit: CATALOG_PAGE, category: null });
    for (const item of page) catalog.set(item.id, { name: item.name, category: item.category, price: item.price, attributes: item.attributes });
    const last = page.at(-1);
    if (last === undefined || page.length < CATALOG_PAGE) break;
    afterId = last.id;
  }
  const log = logFromRows(rows, [...catalog.keys()]);
  return { log, content: log.items.map((id) => catalog.get(id) ?? null), lastSeq: afterSeq, events };
}

/** Segment members as dense user indices of the log (users the log does not know are skipped). */
export function segmentGroups(log: InteractionLog, members: ReadonlyMap<string, Iterable<string>>): Map<string, Set<number>> {
  const userIndex = new Map(log.users.map((id, u) => [id, u]));
  const out = new Map<string, Set<number>>();
  for (const [key, profiles] of members) {
    const group = new Set<number>();
    for (const id of profiles) {
      const u = userIndex.get(id);
      if (u !== undefined) group.add(u);
    }
    if (group.size > 0) out.set(key, group);
  }
  return out;
}
