import type { Vector } from '../bandit/linalg.js';
import { cholesky, choleskySolve, dot } from '../bandit/linalg.js';
import type { LoggedDecision, RewardModel } from './estimators.js';

/**
 * The simplest reward model for doubly robust evaluation: per arm, ridge regression of the reward
 * on the context, θ_a = (λI + Σ x xᵀ)⁻¹ Σ r x over the logs where that arm was played (unweighted).
 * An arm with no logged decision predicts the overall mean reward.
 */
export interface RidgeRewardModel {
  readonly dim: number;
  readonly lambda: number;
  readonly arms: readonly { readonly id: string; readonly theta: readonly number[]; readonly n: number }[];
  /** Prediction for arms absent from the logs. */
  readonly fallback: number;
  readonly predict: RewardModel;
}

export interface RidgeRewardModelOptions {
  readonly dim: number;
  /** Default 1. */
  readonly lambda?: number;
}

export function fitRidgeRewardModel(logs: readonly LoggedDecision[], options: RidgeRewardModelOptions): RidgeRewardModel {
  const d = options.dim;
  const lambda = options.lambda ?? 1;
  if (!(lambda > 0)) throw new RangeError(`fitRidgeRewardModel: lambda must be > 0, got ${lambda}`);
  const stats = new Map<string, { gram: number[]; xr: number[]; n: number }>();
  let total = 0;
  for (const log of logs) {
    if (log.x.length !== d) throw new RangeError(`fitRidgeRewardModel: context has ${log.x.length} features, expected ${d}`);
    let s = stats.get(log.arm);
    if (s === undefined) {
      const gram = new Array<number>(d * d).fill(0);
      for (let i = 0; i < d; i++) gram[i * d + i] = lambda;
      s = { gram, xr: new Array<number>(d).fill(0), n: 0 };
      stats.set(log.arm, s);
    }
    for (let i = 0; i < d; i++) {
      const xi = log.x[i] ?? 0;
      if (xi === 0) continue;
      s.xr[i] = (s.xr[i] ?? 0) + xi * log.reward;
      for (let j = 0; j < d; j++) s.gram[i * d + j] = (s.gram[i * d + j] ?? 0) + xi * (log.x[j] ?? 0);
    }
    s.n++;
    total += log.reward;
  }
  const fallback = logs.length > 0 ? total / logs.length : 0;
  const arms = [...stats].map(([id, s]) => ({ id, theta: Array.from(choleskySolve(cholesky(s.gram, d), s.xr, d)), n: s.n }));
  const byId = new Map(arms.map((a) => [a.id, a.theta]));
  const predict = (x: Vector, arm: string): number => {
    const theta = byId.get(arm);
    return theta === undefined ? fallback : dot(theta, x, d);
  };
  return { dim: d, lambda, arms, fallback, predict };
}
