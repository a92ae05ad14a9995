/**
 * Top-k ranking metrics as the Microsoft Recommenders evaluation computes them (the MovieLens
 * benchmark protocol): relevance is binary (an item is relevant when it is in the user's test set);
 * `recommended` is the user's ranked list (best first; only its first k entries count).
 *
 * - precision@k = hits in the top k / k (k even when fewer than k items were recommended);
 * - recall@k = hits in the top k / |relevant|;
 * - NDCG@k = DCG / IDCG with DCG = Σ over hits of 1/ln(1 + rank) (rank from 1) and IDCG the same sum
 *   over ranks 1..min(|relevant|, k);
 * - "MAP@k" = Σ over hits at rank r of (hits up to r) / r, divided by |relevant| (not min(k, |relevant|)).
 *
 * Averages run over the users that have both a test set and a recommendation list.
 */

export function hitsAtK(recommended: readonly number[], relevant: ReadonlySet<number>, k: number): number {
  let hits = 0;
  const m = Math.min(k, recommended.length);
  for (let r = 0; r < m; r++) if (relevant.has(recommended[r] ?? Number.NaN)) hits++;
  return hits;
}

export function precisionAtK(recommended: readonly number[], relevant: ReadonlySet<number>, k: number): number {
  return hitsAtK(recommended, relevant, k) / k;
}

export function recallAtK(recommended: readonly number[], relevant: ReadonlySet<number>, k: number): number {
  return relevant.size === 0 ? 0 : hitsAtK(recommended, relevant, k) / relevant.size;
}

export function ndcgAtK(recommended: readonly number[], relevant: ReadonlySet<number>, k: number): number {
  let dcg = 0;
  const m = Math.min(k, recommended.length);
  for (let r = 0; r < m; r++) if (relevant.has(recommended[r] ?? Number.NaN)) dcg += 1 / Math.log(r + 2);
  let idcg = 0;
  const ideal = Math.min(k, relevant.size);
  for (let r = 0; r < ideal; r++) idcg += 1 / Math.log(r + 2);
  return idcg === 0 ? 0 : dcg / idcg;
}

export function mapAtK(recommended: readonly number[], relevant: ReadonlySet<number>, k: number): number {
  if (relevant.size === 0) return 0;
  let hits = 0;
  let sum = 0;
  const m = Math.min(k, recommended.length);
  for (let r = 0; r < m; r++) {
    if (relevant.has(recommended[r] ?? Number.NaN)) {
      hits++;
      sum += hits / (r + 1);
    }
  }
  return sum / relevant.size;
}

export interface RankingReport {
  readonly k: number;
  /** Users averaged over (in both maps, with a non-empty test set). */
  readonly users: number;
  readonly precision: number;
  readonly recall: number;
  readonly ndcg: number;
  readonly map: number;
  /** Distinct recommended items (top k, evaluated users) / catalogueSize. */
  readonly coverage: number;
}

/** Averages the four metrics over the users present in both maps, plus catalogue coverage. */
export function evaluateRanking(
  recommended: ReadonlyMap<number, readonly number[]>,
  relevant: ReadonlyMap<number, ReadonlySet<number>>,
  k: number,
  catalogueSize: number,
): RankingReport {
  let users = 0;
  let precision = 0;
  let recall = 0;
  let ndcg = 0;
  let map = 0;
  const distinct = new Set<number>();
  for (const [user, truth] of relevant) {
    const list = recommended.get(user);
    if (list === undefined || truth.size === 0) continue;
    users++;
    precision += precisionAtK(list, truth, k);
    recall += recallAtK(list, truth, k);
    ndcg += ndcgAtK(list, truth, k);
    map += mapAtK(list, truth, k);
    for (const item of list.slice(0, k)) distinct.add(item);
  }
  const avg = (s: number): number => (users === 0 ? 0 : s / users);
  return {
    k,
    users,
    precision: avg(precision),
    recall: avg(recall),
    ndcg: avg(ndcg),
    map: avg(map),
    coverage: catalogueSize > 0 ? distinct.size / catalogueSize : 0,
  };
}

/** Catalogue coverage of any set of lists: distinct items / catalogueSize. */
export function catalogueCoverage(lists: Iterable<readonly number[]>, catalogueSize: number): number {
  const distinct = new Set<number>();
  for (const list of lists) for (const item of list) distinct.add(item);
  return catalogueSize > 0 ? distinct.size / catalogueSize : 0;
}
