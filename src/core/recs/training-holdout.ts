import type { Rng } from '../shared/rng.js';
import type { InteractionMatrix } from './interactions.js';
import { buildInteractions, userItems } from './interactions.js';
import { ndcgAtK } from './metrics.js';

export interface TrainingHoldout {
  /** The training interactions left to fit on. */
  readonly fit: InteractionMatrix;
  /** Per user, the training items held out to validate on (users with fewer than 2 items hold none). */
  readonly held: ReadonlyMap<number, ReadonlySet<number>>;
}

/**
 * The validation part of the TRAINING data that hyper-parameters are chosen on (never the test
 * file): a seeded share of each user's items (Fisher-Yates, at least one, never all of them).
 * Every recommender is tuned on the same hold-out, so their choices are comparable.
 */
export function trainingHoldout(x: InteractionMatrix, fraction: number, rng: Rng): TrainingHoldout {
  const fitUsers: number[] = [];
  const fitItems: number[] = [];
  const held = new Map<number, Set<number>>();
  for (let u = 0; u < x.nUsers; u++) {
    const row = Array.from(userItems(x, u));
    for (let i = row.length - 1; i > 0; i--) {
      const j = rng.nextInt(i + 1);
      const t = row[i] ?? 0;
      row[i] = row[j] ?? 0;
      row[j] = t;
    }
    const nHeld = row.length >= 2 ? Math.min(row.length - 1, Math.max(1, Math.round(fraction * row.length))) : 0;
    if (nHeld > 0) held.set(u, new Set(row.slice(0, nHeld)));
    for (const i of row.slice(nHeld)) {
      fitUsers.push(u);
      fitItems.push(i);
    }
  }
  return { fit: buildInteractions(x.nUsers, x.nItems, fitUsers, fitItems), held };
}

/** Mean NDCG@k over the held-out users of a recommender's lists. */
export function validationNdcg(held: ReadonlyMap<number, ReadonlySet<number>>, k: number, recommend: (user: number, k: number) => readonly number[]): number {
  let sum = 0;
  for (const [u, relevant] of held) sum += ndcgAtK(recommend(u, k), relevant, k);
  return held.size > 0 ? sum / held.size : 0;
}
