import type { GbdtState } from './gbdt-state.js';

export interface FeatureImportance {
  /** Per feature: the summed loss reduction of every split on it, over the model's trees. */
  readonly total: readonly number[];
  /** total / sum(total) (all zeros when the model has no split). */
  readonly normalized: readonly number[];
  /** Feature indices, most important first (ties by index). */
  readonly ranking: readonly number[];
}

/** Gain-based feature importance of a trained model. */
export function gainImportance(state: GbdtState): FeatureImportance {
  const total = new Array<number>(state.features).fill(0);
  for (const tree of state.trees) {
    for (let i = 0; i < tree.feature.length; i++) {
      const f = tree.feature[i] ?? -1;
      if (f >= 0) total[f] = (total[f] ?? 0) + (tree.gain[i] ?? 0);
    }
  }
  const sum = total.reduce((a, b) => a + b, 0);
  const normalized = total.map((v) => (sum > 0 ? v / sum : 0));
  const ranking = total.map((_, f) => f).sort((a, b) => (total[b] ?? 0) - (total[a] ?? 0) || a - b);
  return { total, normalized, ranking };
}
