import type { InteractionMatrix } from './interactions.js';
import { buildInteractions } from './interactions.js';
import type { RankingReport } from './metrics.js';
import { evaluateRanking } from './metrics.js';

/**
 * The Microsoft Recommenders MovieLens evaluation protocol over a train/test split of rating rows:
 * the binary matrix of every training rating; candidates are the training items (dense indices in
 * ascending item-id order, so "ties by ascending item id" is "ties by ascending index"); the top k per
 * test user excludes the user's training items; every test rating is relevant.
 */
export interface RatingRow {
  readonly user: number;
  readonly item: number;
  readonly rating: number;
  readonly timestamp: number;
}

/** Parses "user<TAB>item<TAB>rating<TAB>timestamp" lines (no header; blank lines ignored). */
export function parseRatingsTsv(text: string): RatingRow[] {
  const rows: RatingRow[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const [u, i, r, t] = line.split('\t');
    const row = { user: Number(u), item: Number(i), rating: Number(r), timestamp: Number(t) };
    if (!Number.isFinite(row.user) || !Number.isFinite(row.item)) throw new RangeError(`parseRatingsTsv: bad line ${JSON.stringify(line)}`);
    rows.push(row);
  }
  return rows;
}

export interface PreparedSplit {
  readonly train: InteractionMatrix;
  /** Dense user index -> user id (ascending ids, training users). */
  readonly userIds: readonly number[];
  /** Dense item index -> item id (ascending ids, training items: the catalogue). */
  readonly itemIds: readonly number[];
  /** Test items per dense user index, as item ids (test-only items included: they stay relevant). */
  readonly relevant: ReadonlyMap<number, ReadonlySet<number>>;
}

export function prepareSplit(trainRows: readonly RatingRow[], testRows: readonly RatingRow[]): PreparedSplit {
  const userIds = [...new Set(trainRows.map((r) => r.user))].sort((a, b) => a - b);
  const itemIds = [...new Set(trainRows.map((r) => r.item))].sort((a, b) => a - b);
  const userIndex = new Map(userIds.map((id, i) => [id, i]));
  const itemIndex = new Map(itemIds.map((id, i) => [id, i]));
  const train = buildInteractions(
    userIds.length,
    itemIds.length,
    trainRows.map((r) => userIndex.get(r.user) ?? -1),
    trainRows.map((r) => itemIndex.get(r.item) ?? -1),
  );
  // Test users without training rows get indices after the training users (no exclusions, no x row).
  const relevant = new Map<number, Set<number>>();
  let extra = userIds.length;
  const extraIndex = new Map<number, number>();
  for (const r of testRows) {
    let u = userIndex.get(r.user) ?? extraIndex.get(r.user);
    if (u === undefined) {
      u = extra++;
      extraIndex.set(r.user, u);
    }
    let set = relevant.get(u);
    if (set === undefined) relevant.set(u, (set = new Set()));
    set.add(r.item);
  }
  return { train, userIds, itemIds, relevant };
}

/**
 * Runs `recommend(userIndex, k)` (dense item indices, best first) for every test user and evaluates
 * the lists against the test items.
 */
export function evaluateOnSplit(split: PreparedSplit, recommend: (user: number, k: number) => readonly number[], k = 10): RankingReport {
  const lists = new Map<number, readonly number[]>();
  for (const u of split.relevant.keys()) {
    lists.set(
      u,
      recommend(u, k).map((i) => split.itemIds[i] ?? -1),
    );
  }
  return evaluateRanking(lists, split.relevant, k, split.itemIds.length);
}
